/**
 * Terraform values (cty values): known primitives and collections, typed nulls and typed
 * unknowns. Values are immutable plain objects; collections keep Terraform's ordering (sets in
 * canonical order, map and object keys in byte-wise lexical order).
 *
 * @since 0.1.0
 */
import { compareCodePoints } from "./internal/codePointOrder.js"
import { sortByHash } from "./internal/setOrder.js"
import * as N from "./Number.js"
import * as T from "./Type.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Value =
  | StringValue
  | NumberValue
  | BoolValue
  | ListValue
  | SetValue
  | TupleValue
  | MapValue
  | ObjectValue
  | NullValue
  | UnknownValue

/**
 * @since 0.1.0
 * @category models
 */
export interface StringValue {
  readonly _tag: "String"
  readonly value: string
}

/**
 * @since 0.1.0
 * @category models
 */
export interface NumberValue {
  readonly _tag: "Number"
  readonly value: N.TfNumber
}

/**
 * @since 0.1.0
 * @category models
 */
export interface BoolValue {
  readonly _tag: "Bool"
  readonly value: boolean
}

/**
 * A known list; elements may be unknown or null.
 *
 * @since 0.1.0
 * @category models
 */
export interface ListValue {
  readonly _tag: "List"
  readonly elementType: T.Type
  readonly elements: ReadonlyArray<Value>
}

/**
 * A known set; elements deduplicated and in canonical order (see {@link compareValues}).
 *
 * @since 0.1.0
 * @category models
 */
export interface SetValue {
  readonly _tag: "Set"
  readonly elementType: T.Type
  readonly elements: ReadonlyArray<Value>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface TupleValue {
  readonly _tag: "Tuple"
  readonly elements: ReadonlyArray<Value>
}

/**
 * A known map; keys in byte-wise lexical order.
 *
 * @since 0.1.0
 * @category models
 */
export interface MapValue {
  readonly _tag: "Map"
  readonly elementType: T.Type
  readonly entries: ReadonlyMap<string, Value>
}

/**
 * A known object; attribute names in byte-wise lexical order.
 *
 * `open` marks the object of a managed resource: reading an attribute it does not have gives an
 * unknown (the attribute is computed at apply time) instead of an error.
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectValue {
  readonly _tag: "Object"
  readonly attributes: ReadonlyMap<string, Value>
  readonly open?: boolean | undefined
}

/**
 * A typed null.
 *
 * @since 0.1.0
 * @category models
 */
export interface NullValue {
  readonly _tag: "Null"
  readonly type: T.Type
}

/**
 * A typed unknown (the type may be `any`).
 *
 * @since 0.1.0
 * @category models
 */
export interface UnknownValue {
  readonly _tag: "Unknown"
  readonly type: T.Type
}

/**
 * Byte-wise (UTF-8) lexical comparison, which is code-point order. JS `<` compares UTF-16 code
 * units and differs for characters outside the BMP.
 *
 * @since 0.1.0
 * @category utils
 */
export const compareStrings: (a: string, b: string) => number = compareCodePoints

/**
 * @since 0.1.0
 * @category utils
 */
export const string = (value: string): StringValue => ({ _tag: "String", value })

/**
 * @since 0.1.0
 * @category utils
 */
export const number = (value: N.TfNumber): NumberValue => ({ _tag: "Number", value })

/**
 * @since 0.1.0
 * @category utils
 */
export const numberFromJs = (value: number): NumberValue => ({ _tag: "Number", value: N.fromNumber(value) })

/**
 * @since 0.1.0
 * @category utils
 */
export const True: BoolValue = { _tag: "Bool", value: true }

/**
 * @since 0.1.0
 * @category utils
 */
export const False: BoolValue = { _tag: "Bool", value: false }

/**
 * @since 0.1.0
 * @category utils
 */
export const bool = (value: boolean): BoolValue => (value ? True : False)

/**
 * @since 0.1.0
 * @category utils
 */
export const nullOf = (type: T.Type): NullValue => ({ _tag: "Null", type })

/**
 * The untyped null (`null` literal).
 *
 * @since 0.1.0
 * @category utils
 */
export const Null: NullValue = { _tag: "Null", type: T.dynamic }

/**
 * @since 0.1.0
 * @category utils
 */
export const unknownOf = (type: T.Type): UnknownValue => ({ _tag: "Unknown", type })

/**
 * The dynamic unknown: the value of a failed sub-expression.
 *
 * @since 0.1.0
 * @category constants
 */
export const DynamicUnknown: UnknownValue = { _tag: "Unknown", type: T.dynamic }

/**
 * @since 0.1.0
 * @category utils
 */
export const EmptyString: StringValue = { _tag: "String", value: "" }

/**
 * @since 0.1.0
 * @category utils
 */
export const EmptyTuple: TupleValue = { _tag: "Tuple", elements: [] }

/**
 * @since 0.1.0
 * @category utils
 */
export const EmptyObject: ObjectValue = { _tag: "Object", attributes: new Map() }

/**
 * @since 0.1.0
 * @category utils
 */
export const tuple = (elements: ReadonlyArray<Value>): TupleValue => ({ _tag: "Tuple", elements })

/**
 * A list of elements that already have the element type.
 *
 * @since 0.1.0
 * @category utils
 */
export const list = (elementType: T.Type, elements: ReadonlyArray<Value>): ListValue => ({
  _tag: "List",
  elementType,
  elements
})

/** -0 before 0 (the only equal numbers that a set keeps apart). */
const zeroSign = (a: Value, b: Value): number =>
  a._tag === "Number" && b._tag === "Number"
    ? Number(N.isSignNegative(b.value)) - Number(N.isSignNegative(a.value))
    : 0

/**
 * A set: elements are deduplicated and sorted canonically (non-primitive elements in cty's
 * hash order).
 *
 * @since 0.1.0
 * @category utils
 */
export const set = (elementType: T.Type, elements: ReadonlyArray<Value>): SetValue => {
  const primitive = elementType._tag === "String" || elementType._tag === "Number" || elementType._tag === "Bool" ||
    elementType._tag === "Dynamic"
  const sorted = [...elements].sort((a, b) => compareValues(a, b) || zeroSign(a, b))
  const unique: Array<Value> = []
  for (const v of sorted) {
    const last = unique[unique.length - 1]
    // -0 and 0 hash differently in cty: both stay, -0 first
    if (
      last === undefined || !rawEquals(last, v) || v._tag === "Unknown" ||
      (v._tag === "Number" && N.isSignNegative((last as NumberValue).value) !== N.isSignNegative(v.value))
    ) unique.push(v)
  }
  if (!primitive && unique.length > 1) {
    return { _tag: "Set", elementType, elements: sortByHash(unique, (n) => N.formatG10(n.value)) }
  }
  return { _tag: "Set", elementType, elements: unique }
}

const sortedEntries = (entries: Iterable<readonly [string, Value]>): Map<string, Value> => {
  const list = Array.isArray(entries) ? (entries as ReadonlyArray<readonly [string, Value]>) : [...entries]
  for (let i = 1; i < list.length; i++) {
    if (compareStrings(list[i - 1]![0], list[i]![0]) > 0) {
      return new Map([...list].sort(([a], [b]) => compareStrings(a, b)))
    }
  }
  return new Map(list)
}

/**
 * A map (keys are sorted).
 *
 * @since 0.1.0
 * @category utils
 */
export const map = (elementType: T.Type, entries: Iterable<readonly [string, Value]>): MapValue => ({
  _tag: "Map",
  elementType,
  entries: sortedEntries(entries)
})

/**
 * An object (attribute names are sorted).
 *
 * @since 0.1.0
 * @category utils
 */
export const object = (attributes: Iterable<readonly [string, Value]>, open?: boolean): ObjectValue =>
  open ? { _tag: "Object", attributes: sortedEntries(attributes), open } : {
    _tag: "Object",
    attributes: sortedEntries(attributes)
  }

/**
 * The type of a value.
 *
 * @since 0.1.0
 * @category utils
 */
export const typeOf = (v: Value): T.Type => {
  switch (v._tag) {
    case "String":
      return T.string
    case "Number":
      return T.number
    case "Bool":
      return T.bool
    case "List":
      return T.list(v.elementType)
    case "Set":
      return T.set(v.elementType)
    case "Map":
      return T.map(v.elementType)
    case "Tuple":
      return T.tuple(v.elements.map(typeOf))
    case "Object":
      return T.object([...v.attributes].map(([k, a]) => [k, typeOf(a)] as const))
    case "Null":
    case "Unknown":
      return v.type
  }
}

/**
 * `true` unless the value is unknown (its elements may still be unknown).
 *
 * @since 0.1.0
 * @category guards
 */
export const isKnown = (v: Value): boolean => v._tag !== "Unknown"

/**
 * `true` when there is no unknown anywhere inside the value.
 *
 * @since 0.1.0
 * @category guards
 */
export const isWhollyKnown = (v: Value): boolean => {
  switch (v._tag) {
    case "Unknown":
      return false
    case "List":
    case "Set":
    case "Tuple":
      return v.elements.every(isWhollyKnown)
    case "Map":
      for (const e of v.entries.values()) if (!isWhollyKnown(e)) return false
      return true
    case "Object":
      for (const e of v.attributes.values()) if (!isWhollyKnown(e)) return false
      return true
    default:
      return true
  }
}

const tagOrder: Record<Value["_tag"], number> = {
  Bool: 0,
  Number: 1,
  String: 2,
  List: 3,
  Tuple: 4,
  Set: 5,
  Map: 6,
  Object: 7,
  Null: 8,
  Unknown: 9
}

/**
 * The canonical order of set elements: `false` before `true`, numbers ascending, strings
 * byte-wise; other values by a stable structural order; unknowns last.
 *
 * @since 0.1.0
 * @category utils
 */
export const compareValues = (a: Value, b: Value): number => {
  if (a._tag !== b._tag) return tagOrder[a._tag] - tagOrder[b._tag]
  switch (a._tag) {
    case "Bool":
      return Number(a.value) - Number((b as BoolValue).value)
    case "Number":
      return N.compare(a.value, (b as NumberValue).value)
    case "String":
      return compareStrings(a.value, (b as StringValue).value)
    case "List":
    case "Tuple":
    case "Set": {
      const be = (b as TupleValue).elements
      for (let i = 0; i < Math.min(a.elements.length, be.length); i++) {
        const c = compareValues(a.elements[i]!, be[i]!)
        if (c !== 0) return c
      }
      return a.elements.length - be.length
    }
    case "Map":
    case "Object": {
      const ae = [...(a._tag === "Map" ? a.entries : a.attributes)]
      const be = [...(b._tag === "Map" ? b.entries : (b as ObjectValue).attributes)]
      for (let i = 0; i < Math.min(ae.length, be.length); i++) {
        const k = compareStrings(ae[i]![0], be[i]![0])
        if (k !== 0) return k
        const c = compareValues(ae[i]![1], be[i]![1])
        if (c !== 0) return c
      }
      return ae.length - be.length
    }
    case "Null":
    case "Unknown":
      return 0
  }
}

/**
 * Structural identity (cty `RawEquals`): same type and same content, unknowns equal only to
 * unknowns of the same type. Unlike the `==` operator, never unknown.
 *
 * @since 0.1.0
 * @category utils
 */
export const rawEquals = (a: Value, b: Value): boolean => {
  if (a === b) return true
  if (a._tag !== b._tag) return false
  switch (a._tag) {
    case "String":
      return a.value === (b as StringValue).value
    case "Number":
      return N.equals(a.value, (b as NumberValue).value)
    case "Bool":
      return a.value === (b as BoolValue).value
    case "Null":
    case "Unknown":
      return T.equals(a.type, (b as NullValue).type)
    case "List":
    case "Set": {
      const bb = b as ListValue
      return T.equals(a.elementType, bb.elementType) && a.elements.length === bb.elements.length &&
        a.elements.every((e, i) => rawEquals(e, bb.elements[i]!))
    }
    case "Tuple": {
      const be = (b as TupleValue).elements
      return a.elements.length === be.length && a.elements.every((e, i) => rawEquals(e, be[i]!))
    }
    case "Map":
    case "Object": {
      const ae = a._tag === "Map" ? a.entries : a.attributes
      const be = b._tag === "Map" ? b.entries : (b as ObjectValue).attributes
      if (a._tag === "Map" && !T.equals(a.elementType, (b as MapValue).elementType)) return false
      if (ae.size !== be.size) return false
      for (const [k, v] of ae) {
        const w = be.get(k)
        if (w === undefined || !rawEquals(v, w)) return false
      }
      return true
    }
  }
}

/**
 * The elements of a list, set or tuple, or the values of a map or object (in key order).
 *
 * @since 0.1.0
 * @category utils
 */
export const elementsOf = (v: Value): ReadonlyArray<Value> | undefined => {
  switch (v._tag) {
    case "List":
    case "Set":
    case "Tuple":
      return v.elements
    case "Map":
      return [...v.entries.values()]
    case "Object":
      return [...v.attributes.values()]
    default:
      return undefined
  }
}

/**
 * A JSON-like view of a known value, for tests and debugging: numbers become JS numbers, sets
 * arrays, unknowns `"(unknown)"`.
 *
 * @since 0.1.0
 * @category utils
 */
export const toDebugJson = (v: Value): unknown => {
  switch (v._tag) {
    case "String":
    case "Bool":
      return v.value
    case "Number":
      return N.toNumber(v.value)
    case "Null":
      return null
    case "Unknown":
      return "(unknown)"
    case "List":
    case "Set":
    case "Tuple":
      return v.elements.map(toDebugJson)
    case "Map":
      return Object.fromEntries([...v.entries].map(([k, e]) => [k, toDebugJson(e)]))
    case "Object":
      return Object.fromEntries([...v.attributes].map(([k, e]) => [k, toDebugJson(e)]))
  }
}
