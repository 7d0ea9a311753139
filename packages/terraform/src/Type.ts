/**
 * Terraform types (cty types): primitives, collections, structural types and the dynamic
 * pseudo-type `any`.
 *
 * @since 0.1.0
 */
import { compareCodePoints } from "./internal/codePointOrder.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Type =
  | PrimitiveType
  | DynamicType
  | ListType
  | SetType
  | MapType
  | TupleType
  | ObjectType

/**
 * @since 0.1.0
 * @category models
 */
export interface PrimitiveType {
  readonly _tag: "String" | "Number" | "Bool"
}

/**
 * The dynamic pseudo-type (`any`): the type of a value whose type is not known yet.
 *
 * @since 0.1.0
 * @category models
 */
export interface DynamicType {
  readonly _tag: "Dynamic"
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ListType {
  readonly _tag: "List"
  readonly element: Type
}

/**
 * @since 0.1.0
 * @category models
 */
export interface SetType {
  readonly _tag: "Set"
  readonly element: Type
}

/**
 * @since 0.1.0
 * @category models
 */
export interface MapType {
  readonly _tag: "Map"
  readonly element: Type
}

/**
 * @since 0.1.0
 * @category models
 */
export interface TupleType {
  readonly _tag: "Tuple"
  readonly elements: ReadonlyArray<Type>
}

/**
 * An object type; attribute names in lexical order. `optional` lists attributes declared with
 * `optional(...)` in a type constraint (only type constraints have them).
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectType {
  readonly _tag: "Object"
  readonly attributes: ReadonlyMap<string, Type>
  readonly optional?: ReadonlySet<string> | undefined
}

/**
 * @since 0.1.0
 * @category utils
 */
export const string: PrimitiveType = { _tag: "String" }

/**
 * @since 0.1.0
 * @category utils
 */
export const number: PrimitiveType = { _tag: "Number" }

/**
 * @since 0.1.0
 * @category utils
 */
export const bool: PrimitiveType = { _tag: "Bool" }

/**
 * @since 0.1.0
 * @category utils
 */
export const dynamic: DynamicType = { _tag: "Dynamic" }

/**
 * @since 0.1.0
 * @category utils
 */
export const list = (element: Type): ListType => ({ _tag: "List", element })

/**
 * @since 0.1.0
 * @category utils
 */
export const set = (element: Type): SetType => ({ _tag: "Set", element })

/**
 * @since 0.1.0
 * @category utils
 */
export const map = (element: Type): MapType => ({ _tag: "Map", element })

/**
 * @since 0.1.0
 * @category utils
 */
export const tuple = (elements: ReadonlyArray<Type>): TupleType => ({ _tag: "Tuple", elements })

/**
 * Build an object type; attributes are stored in lexical order.
 *
 * @since 0.1.0
 * @category utils
 */
export const object = (
  attributes: Iterable<readonly [string, Type]>,
  optional?: ReadonlySet<string>
): ObjectType => {
  const sorted = [...attributes].sort(([a], [b]) => compareCodePoints(a, b))
  return optional && optional.size > 0
    ? { _tag: "Object", attributes: new Map(sorted), optional }
    : { _tag: "Object", attributes: new Map(sorted) }
}

/**
 * @since 0.1.0
 * @category utils
 */
export const emptyObject: ObjectType = { _tag: "Object", attributes: new Map() }

/**
 * @since 0.1.0
 * @category utils
 */
export const emptyTuple: TupleType = { _tag: "Tuple", elements: [] }

/**
 * Structural equality of types.
 *
 * @since 0.1.0
 * @category utils
 */
export const equals = (a: Type, b: Type): boolean => {
  if (a === b) return true
  if (a._tag !== b._tag) return false
  switch (a._tag) {
    case "String":
    case "Number":
    case "Bool":
    case "Dynamic":
      return true
    case "List":
    case "Set":
    case "Map":
      return equals(a.element, (b as ListType).element)
    case "Tuple": {
      const be = (b as TupleType).elements
      return a.elements.length === be.length && a.elements.every((t, i) => equals(t, be[i]!))
    }
    case "Object": {
      const ba = (b as ObjectType).attributes
      if (a.attributes.size !== ba.size) return false
      for (const [k, t] of a.attributes) {
        const u = ba.get(k)
        if (u === undefined || !equals(t, u)) return false
      }
      return true
    }
  }
}

/**
 * `true` when the type contains `any` somewhere.
 *
 * @since 0.1.0
 * @category guards
 */
export const hasDynamic = (t: Type): boolean => {
  switch (t._tag) {
    case "Dynamic":
      return true
    case "List":
    case "Set":
    case "Map":
      return hasDynamic(t.element)
    case "Tuple":
      return t.elements.some(hasDynamic)
    case "Object":
      for (const u of t.attributes.values()) if (hasDynamic(u)) return true
      return false
    default:
      return false
  }
}

/**
 * @since 0.1.0
 * @category guards
 */
export const isPrimitive = (t: Type): t is PrimitiveType =>
  t._tag === "String" || t._tag === "Number" || t._tag === "Bool"

/**
 * @since 0.1.0
 * @category guards
 */
export const isCollection = (t: Type): t is ListType | SetType | MapType =>
  t._tag === "List" || t._tag === "Set" || t._tag === "Map"

/**
 * The canonical HCL type text, without spaces, object attributes sorted:
 * `object({age=number,list=list(string),name=string})`, `set(string)`, `tuple([string,number])`,
 * `any`. Optional attributes print as `optional(T)`.
 *
 * @since 0.1.0
 * @category utils
 */
export const toString = (t: Type): string => {
  switch (t._tag) {
    case "String":
      return "string"
    case "Number":
      return "number"
    case "Bool":
      return "bool"
    case "Dynamic":
      return "any"
    case "List":
      return `list(${toString(t.element)})`
    case "Set":
      return `set(${toString(t.element)})`
    case "Map":
      return `map(${toString(t.element)})`
    case "Tuple":
      return `tuple([${t.elements.map(toString).join(",")}])`
    case "Object":
      return `object({${
        [...t.attributes].map(([k, u]) => `${k}=${t.optional?.has(k) ? `optional(${toString(u)})` : toString(u)}`)
          .join(",")
      }})`
  }
}

/**
 * A friendly name for messages, as Terraform words it: `string`, `list of string`,
 * `object`, `tuple`, `dynamic`.
 *
 * @since 0.1.0
 * @category utils
 */
export const friendlyName = (t: Type): string => {
  switch (t._tag) {
    case "String":
      return "string"
    case "Number":
      return "number"
    case "Bool":
      return "bool"
    case "Dynamic":
      return "dynamic"
    case "List":
      return `list of ${friendlyName(t.element)}`
    case "Set":
      return `set of ${friendlyName(t.element)}`
    case "Map":
      return `map of ${friendlyName(t.element)}`
    case "Tuple":
      return "tuple"
    case "Object":
      return "object"
  }
}

/**
 * The name of a type as a conversion target, as cty words it in conversion errors:
 * `any type`, `list of string`, `map of any single type`, `object`.
 *
 * @since 0.1.0
 * @category utils
 */
export const friendlyNameForConstraint = (t: Type): string => {
  switch (t._tag) {
    case "Dynamic":
      return "any type"
    case "List":
    case "Set":
    case "Map": {
      const noun = t._tag === "List" ? "list" : t._tag === "Set" ? "set" : "map"
      return t.element._tag === "Dynamic"
        ? `${noun} of any single type`
        : `${noun} of ${friendlyNameForConstraint(t.element)}`
    }
    default:
      return friendlyName(t)
  }
}

/**
 * The same type with every `optional` marker removed, at every depth (the type a value of a
 * type constraint actually has).
 *
 * @since 0.1.0
 * @category utils
 */
export const withoutOptional = (t: Type): Type => {
  switch (t._tag) {
    case "List":
    case "Set":
    case "Map": {
      const e = withoutOptional(t.element)
      return e === t.element ? t : { _tag: t._tag, element: e }
    }
    case "Tuple": {
      let changed = false
      const elements = t.elements.map((e) => {
        const u = withoutOptional(e)
        if (u !== e) changed = true
        return u
      })
      return changed ? { _tag: "Tuple", elements } : t
    }
    case "Object": {
      let changed = t.optional !== undefined
      const attributes = new Map<string, Type>()
      for (const [k, u] of t.attributes) {
        const v = withoutOptional(u)
        if (v !== u) changed = true
        attributes.set(k, v)
      }
      return changed ? { _tag: "Object", attributes } : t
    }
    default:
      return t
  }
}
