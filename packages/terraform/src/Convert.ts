/**
 * Terraform's automatic type conversions and type unification (cty's `convert` package
 * semantics): string ↔ number / bool, tuples and objects to collections, element-wise and
 * attribute-wise conversion, typed nulls and unknowns, `any` element types that unify, and the
 * conversion error messages Terraform prints.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as N from "./Number.js"
import * as T from "./Type.js"
import * as V from "./Value.js"

/**
 * A failed conversion; `message` is cty's wording (`a number is required`,
 * `list of string required`, `attribute "x" is required`, ...).
 *
 * @since 0.1.0
 * @category errors
 */
export class ConversionFailure {
  readonly _tag = "ConversionFailure"
  constructor(readonly message: string) {}
}

/**
 * The result of unifying types: the common type, and whether every value must become the
 * dynamic unknown (cty does this when a collection kind meets `any`, since the eventual path
 * cannot be predicted).
 *
 * @since 0.1.0
 * @category models
 */
export interface Unified {
  readonly type: T.Type
  readonly toDynamic: boolean
}

// -----------------------------------------------------------------------------------------------
// unification

const isDynamic = (t: T.Type): boolean => t._tag === "Dynamic"

/** cty's preference order between two types: negative when `a` is the more general one. */
const compareTypes = (a0: T.Type, b0: T.Type): number => {
  let a = a0
  let b = b0
  if (a._tag === "Dynamic" || b._tag === "Dynamic") {
    if (a._tag !== "Dynamic") return -1
    if (b._tag !== "Dynamic") return 1
    return 0
  }
  if (T.isPrimitive(a) && T.isPrimitive(b)) {
    if (a._tag === "String" || b._tag === "String") {
      if (a._tag !== "String") return 1
      if (b._tag !== "String") return -1
      return 0
    }
  }
  if (
    (a._tag === "List" && b._tag === "List") || (a._tag === "Set" && b._tag === "Set") ||
    (a._tag === "Map" && b._tag === "Map")
  ) {
    return compareTypes(a.element, (b as T.ListType).element)
  }
  let swap = 1
  if (
    (a._tag === "Tuple" && b._tag === "List") || (a._tag === "Object" && b._tag === "Map") ||
    (a._tag === "Set" && b._tag === "Tuple") || (a._tag === "Set" && b._tag === "List")
  ) {
    const t = a
    a = b
    b = t
    swap = -1
  }
  if (b._tag === "Set" && (a._tag === "Tuple" || a._tag === "List")) return -1 * swap
  if (a._tag === "List" && b._tag === "Tuple") return -1 * swap
  if (a._tag === "Map" && b._tag === "Object") return -1 * swap
  if (a._tag === "Object" && b._tag === "Object") {
    if (a.attributes.size !== b.attributes.size) return 0
    const pairs: Array<readonly [T.Type, T.Type]> = []
    for (const [k, at] of a.attributes) {
      const bt = b.attributes.get(k)
      if (bt === undefined) return 0
      pairs.push([at, bt])
    }
    return compareParts(pairs, swap)
  }
  if (a._tag === "Tuple" && b._tag === "Tuple") {
    if (a.elements.length !== b.elements.length) return 0
    const bElements = b.elements
    return compareParts(a.elements.map((e, i) => [e, bElements[i]!] as const), swap)
  }
  return 0
}

/**
 * Compares structural types part by part: one is the more general when some part is and no part
 * of the other is; otherwise neither (0). `swap` undoes an earlier swap of the two sides.
 */
const compareParts = (pairs: ReadonlyArray<readonly [T.Type, T.Type]>, swap: number): number => {
  let aSuper = false
  let bSuper = false
  for (const [x, y] of pairs) {
    const c = compareTypes(x, y)
    if (c < 0) aSuper = true
    else if (c > 0) bSuper = true
  }
  if (aSuper && bSuper) return 0
  if (aSuper) return -1 * swap
  if (bSuper) return 1 * swap
  return 0
}

/** Indexes of `types` in preference order (a stable topological sort of "more general than"). */
const sortTypes = (types: ReadonlyArray<T.Type>): Array<number> => {
  const n = types.length
  const edges: Array<Array<number>> = Array.from({ length: n }, () => [])
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      const c = compareTypes(types[i]!, types[j]!)
      if (c < 0) edges[i]!.push(j)
      else if (c > 0) edges[j]!.push(i)
    }
  }
  const inDegree = new Array<number>(n).fill(0)
  for (const outs of edges) for (const j of outs) inDegree[j]!++
  const queue: Array<number> = []
  for (let i = 0; i < n; i++) if (inDegree[i] === 0) queue.push(i)
  for (let q = 0; q < queue.length; q++) {
    for (const j of edges[queue[q]!]!) {
      inDegree[j]!--
      if (inDegree[j] === 0) queue.push(j)
    }
  }
  return queue
}

const allDynamic: Unified = { type: T.dynamic, toDynamic: true }

const allConvertible = (types: ReadonlyArray<T.Type>, target: T.Type): boolean =>
  types.every((t) => T.equals(t, target) || conversionExists(t, target))

/** Unifies `elementTypes` into one element type, then `types` into the collection `make` builds of it. */
const unifyToCollection = (
  types: ReadonlyArray<T.Type>,
  elementTypes: ReadonlyArray<T.Type>,
  make: (element: T.Type) => T.Type
): Unified | undefined => {
  const element = unifyTypes(elementTypes)
  if (element === undefined) return undefined
  const type = make(element.type)
  return allConvertible(types, type) ? { type, toDynamic: false } : undefined
}

const unifyCollections = (
  kind: "List" | "Set" | "Map",
  types: ReadonlyArray<T.Type>,
  hasDynamic: boolean
): Unified | undefined => {
  if (hasDynamic) return allDynamic
  return unifyToCollection(types, types.map((t) => (t as T.ListType).element), (element) => ({ _tag: kind, element }))
}

const unifyObjectsToMap = (types: ReadonlyArray<T.Type>): Unified | undefined => {
  const attributeTypes: Array<T.Type> = []
  for (const t of types) for (const a of (t as T.ObjectType).attributes.values()) attributeTypes.push(a)
  return unifyToCollection(types, attributeTypes, T.map)
}

const unifyObjects = (types: ReadonlyArray<T.Type>, hasDynamic: boolean): Unified | undefined => {
  if (hasDynamic) return allDynamic
  const objects = types as ReadonlyArray<T.ObjectType>
  const first = objects[0]!.attributes
  for (const o of objects) {
    if (o.attributes.size !== first.size) return unifyObjectsToMap(types)
    for (const name of o.attributes.keys()) if (!first.has(name)) return unifyObjectsToMap(types)
  }
  const attributes: Array<readonly [string, T.Type]> = []
  for (const name of first.keys()) {
    const unified = unifyTypes(objects.map((o) => o.attributes.get(name)!))
    if (unified === undefined) return undefined
    attributes.push([name, unified.type])
  }
  const type = T.object(attributes)
  return allConvertible(types, type) ? { type, toDynamic: false } : unifyObjectsToMap(types)
}

const unifyTuplesToList = (types: ReadonlyArray<T.Type>): Unified | undefined => {
  const elementTypes: Array<T.Type> = []
  for (const t of types) elementTypes.push(...(t as T.TupleType).elements)
  return unifyToCollection(types, elementTypes, T.list)
}

const unifyTuples = (types: ReadonlyArray<T.Type>, hasDynamic: boolean): Unified | undefined => {
  if (hasDynamic) return allDynamic
  const tuples = types as ReadonlyArray<T.TupleType>
  const length = tuples[0]!.elements.length
  for (const t of tuples) if (t.elements.length !== length) return unifyTuplesToList(types)
  const elements: Array<T.Type> = []
  for (let i = 0; i < length; i++) {
    const unified = unifyTypes(tuples.map((t) => t.elements[i]!))
    if (unified === undefined) return undefined
    elements.push(unified.type)
  }
  const type = T.tuple(elements)
  return allConvertible(types, type) ? { type, toDynamic: false } : unifyTuplesToList(types)
}

/** Maps and objects together: try a map whose element type unifies everything. */
const unifyObjectsAsMaps = (types: ReadonlyArray<T.Type>): Unified | undefined => {
  const elementTypes: Array<T.Type> = []
  for (const t of types) {
    if (t._tag === "Map") elementTypes.push(t.element)
    else if (t._tag === "Object") elementTypes.push(...t.attributes.values())
    else return undefined
  }
  const element = unifyTypes(elementTypes)
  if (element === undefined) return undefined
  const type = T.map(element.type)
  return allConvertible(types, type) ? { type, toDynamic: false } : undefined
}

/** Lists and tuples together: try a list whose element type unifies everything. */
const unifyTuplesAsList = (types: ReadonlyArray<T.Type>): Unified | undefined => {
  const elementTypes: Array<T.Type> = []
  for (const t of types) {
    if (t._tag === "List") elementTypes.push(t.element)
    else if (t._tag === "Tuple") elementTypes.push(...t.elements)
    else return undefined
  }
  const element = unifyTypes(elementTypes)
  if (element === undefined) return undefined
  const type = T.list(element.type)
  return allConvertible(types, type) ? { type, toDynamic: false } : undefined
}

/**
 * Find a type that all of `types` convert to (cty's `UnifyUnsafe`), with whether values must
 * become the dynamic unknown.
 *
 * @since 0.1.0
 * @category conversions
 */
export const unifyTypes = (types: ReadonlyArray<T.Type>): Unified | undefined => {
  const n = types.length
  if (n === 0) return undefined
  if (n === 1) return { type: types[0]!, toDynamic: false }
  let maps = 0, lists = 0, sets = 0, objects = 0, tuples = 0, dynamics = 0
  let allEqual = true
  for (const t of types) {
    if (allEqual && t !== types[0] && !T.equals(t, types[0]!)) allEqual = false
    switch (t._tag) {
      case "Map":
        maps++
        break
      case "List":
        lists++
        break
      case "Set":
        sets++
        break
      case "Object":
        objects++
        break
      case "Tuple":
        tuples++
        break
      case "Dynamic":
        dynamics++
        break
    }
  }
  if (allEqual && dynamics === 0) return { type: types[0]!, toDynamic: false }
  if (maps > 0 && maps + dynamics === n) return unifyCollections("Map", types, dynamics > 0)
  else if (maps > 0 && maps + objects + dynamics === n) {
    const r = unifyObjectsAsMaps(types)
    if (r !== undefined) return r
  } else if (lists > 0 && lists + dynamics === n) return unifyCollections("List", types, dynamics > 0)
  else if (lists > 0 && lists + tuples + dynamics === n) {
    const r = unifyTuplesAsList(types)
    if (r !== undefined) return r
  } else if (sets > 0 && sets + dynamics === n) return unifyCollections("Set", types, dynamics > 0)
  else if (objects > 0 && objects + dynamics === n) return unifyObjects(types, dynamics > 0)
  else if (tuples > 0 && tuples + dynamics === n) return unifyTuples(types, dynamics > 0)
  else if (objects > 0 && tuples > 0) return undefined

  preferences: for (const wanted of sortTypes(types)) {
    const target = types[wanted]!
    for (let i = 0; i < n; i++) {
      if (i === wanted) continue
      const t = types[i]!
      if (T.equals(t, target)) continue
      if (!conversionExists(t, target)) continue preferences
    }
    return { type: target, toDynamic: false }
  }
  return undefined
}

/**
 * The type all of `types` convert to, if any (`true ? 1 : "a"` → `string`; tuples of objects
 * with different lengths → a list).
 *
 * @since 0.1.0
 * @category conversions
 */
export const unify = (types: ReadonlyArray<T.Type>): T.Type | undefined => unifyTypes(types)?.type

// -----------------------------------------------------------------------------------------------
// type-level conversions

const sequenceConversionExists = (elementTypes: ReadonlyArray<T.Type>, target: T.Type): boolean => {
  if (elementTypes.length === 0) return true
  let element = target
  if (element._tag === "Dynamic") {
    const unified = unifyTypes(elementTypes)
    if (unified === undefined) return false
    element = unified.type
    if (element._tag === "Dynamic" && !elementTypes.every(isDynamic)) return false
  }
  return allConvertible(elementTypes, element)
}

/**
 * Whether a conversion from `from` to `to` exists at the type level (cty's
 * `GetConversionUnsafe(from, to) != nil`). Values may still fail (`"a"` to number).
 *
 * @since 0.1.0
 * @category utils
 */
export const conversionExists = (from: T.Type, to: T.Type): boolean => {
  if (from === to) return true
  if (to._tag === "Dynamic" || from._tag === "Dynamic") return true
  switch (to._tag) {
    case "String":
      return T.isPrimitive(from)
    case "Number":
    case "Bool":
      return from._tag === to._tag || from._tag === "String"
    case "List":
    case "Set":
      if (from._tag === "List" || from._tag === "Set") {
        return T.equals(from.element, to.element) || conversionExists(from.element, to.element)
      }
      if (from._tag === "Tuple") return sequenceConversionExists(from.elements, to.element)
      return false
    case "Map":
      if (from._tag === "Map") return T.equals(from.element, to.element) || conversionExists(from.element, to.element)
      if (from._tag === "Object") return sequenceConversionExists([...from.attributes.values()], to.element)
      return false
    case "Tuple":
      if (from._tag === "Tuple") {
        return from.elements.length === to.elements.length &&
          from.elements.every((e, i) => T.equals(e, to.elements[i]!) || conversionExists(e, to.elements[i]!))
      }
      if (from._tag === "List") return to.elements.every((e) => conversionExists(from.element, e))
      return false
    case "Object":
      if (from._tag === "Object") {
        for (const [name, target] of to.attributes) {
          const source = from.attributes.get(name)
          if (source === undefined) {
            if (to.optional?.has(name)) continue
            return false
          }
          if (!T.equals(source, target) && !conversionExists(source, target)) return false
        }
        return true
      }
      if (from._tag === "Map") {
        for (const target of to.attributes.values()) if (!conversionExists(from.element, target)) return false
        return true
      }
      return false
  }
}

// -----------------------------------------------------------------------------------------------
// messages

const quote = (s: string): string => JSON.stringify(s)

const mismatchObjects = (got: T.ObjectType, want: T.ObjectType): string => {
  const missing: Array<string> = []
  for (const name of [...want.attributes.keys()].sort(V.compareStrings)) {
    if (want.optional?.has(name)) continue
    const wantType = want.attributes.get(name)!
    const gotType = got.attributes.get(name)
    if (gotType === undefined) {
      missing.push(name)
      continue
    }
    if (T.equals(gotType, wantType) || conversionExists(gotType, wantType)) continue
    return `attribute ${quote(name)}: ${mismatchMessage(gotType, wantType)}`
  }
  switch (missing.length) {
    case 0:
      return "object required"
    case 1:
      return `attribute ${quote(missing[0]!)} is required`
    case 2:
      return `attributes ${quote(missing[0]!)} and ${quote(missing[1]!)} are required`
    default:
      return `attributes ${missing.slice(0, -1).map((m) => `${quote(m)}, `).join("")}and ${
        quote(missing[missing.length - 1]!)
      } are required`
  }
}

const mismatchCollectionsFromStructural = (got: T.Type, want: T.ListType | T.SetType | T.MapType): string => {
  if ((want._tag === "List" || want._tag === "Set") && got._tag !== "Tuple") {
    return `${T.friendlyNameForConstraint(want)} required`
  }
  if (want._tag === "Map" && got._tag !== "Object") return `${T.friendlyNameForConstraint(want)} required`
  const element = want.element
  if (got._tag === "Tuple") {
    for (let i = 0; i < got.elements.length; i++) {
      const e = got.elements[i]!
      if (T.equals(e, element) || conversionExists(e, element)) continue
      return `element ${i}: ${mismatchMessage(e, element)}`
    }
    return `all elements must be ${T.friendlyNameForConstraint(element)}`
  }
  if (got._tag === "Object") {
    for (const name of [...got.attributes.keys()].sort(V.compareStrings)) {
      const a = got.attributes.get(name)!
      if (T.equals(a, element) || conversionExists(a, element)) continue
      return `element ${quote(name)}: ${mismatchMessage(a, element)}`
    }
    return `all map elements must be ${T.friendlyNameForConstraint(element)}`
  }
  return `${T.friendlyNameForConstraint(want)} required`
}

const mismatchCollections = (
  got: T.ListType | T.SetType | T.MapType,
  want: T.ListType | T.SetType | T.MapType
): string => {
  if ((want._tag === "List" || want._tag === "Set") && got._tag === "Map") {
    return `${T.friendlyNameForConstraint(want)} required`
  }
  if (want._tag === "Map" && got._tag !== "Map") return `${T.friendlyNameForConstraint(want)} required`
  const noun = want._tag === "List"
    ? "list element type"
    : want._tag === "Set"
    ? "set element type"
    : "map element type"
  return `incorrect ${noun}: ${mismatchMessage(got.element, want.element)}`
}

/**
 * The message for a conversion that does not exist at the type level (cty's
 * `MismatchMessage`).
 *
 * @since 0.1.0
 * @category utils
 */
export const mismatchMessage = (got: T.Type, want: T.Type): string => {
  if (got._tag === "Object" && want._tag === "Object") return mismatchObjects(got, want)
  if (got._tag === "Tuple" && want._tag === "List" && want.element._tag === "Dynamic") {
    return "all list elements must have the same type"
  }
  if (got._tag === "Tuple" && want._tag === "Set" && want.element._tag === "Dynamic") {
    return "all set elements must have the same type"
  }
  if (got._tag === "Object" && want._tag === "Map" && want.element._tag === "Dynamic") {
    return "all map element values must have the same type"
  }
  if ((got._tag === "Tuple" || got._tag === "Object") && T.isCollection(want)) {
    return mismatchCollectionsFromStructural(got, want)
  }
  if (T.isCollection(got) && T.isCollection(want)) return mismatchCollections(got, want)
  return `${T.friendlyNameForConstraint(want)} required`
}

// -----------------------------------------------------------------------------------------------
// dynamic replacement (the type of converted nulls and unknowns)

const dynamicReplace = (from: T.Type, to: T.Type): T.Type => {
  if (from._tag === "Dynamic") return to
  switch (to._tag) {
    case "Dynamic":
      return from
    case "String":
    case "Number":
    case "Bool":
      return to
    case "Map": {
      if (from._tag === "Map") return T.map(dynamicReplace(from.element, to.element))
      if (from._tag === "Object") {
        const u = unify([...from.attributes.values()])
        return T.map(u === undefined ? to.element : dynamicReplace(u, to.element))
      }
      return to
    }
    case "List":
    case "Set": {
      let element = to.element
      if (from._tag === "List" || from._tag === "Set") element = dynamicReplace(from.element, to.element)
      else if (from._tag === "Tuple") {
        const u = unify(from.elements)
        if (u !== undefined) element = dynamicReplace(u, to.element)
      }
      return to._tag === "List" ? T.list(element) : T.set(element)
    }
    case "Object": {
      const attributes: Array<readonly [string, T.Type]> = []
      for (const [name, t] of to.attributes) {
        if (from._tag === "Map") attributes.push([name, dynamicReplace(from.element, t)])
        else if (from._tag === "Object") {
          const f = from.attributes.get(name)
          attributes.push([name, f === undefined ? t : dynamicReplace(f, t)])
        } else attributes.push([name, t])
      }
      return T.object(attributes)
    }
    case "Tuple": {
      if (from._tag === "Tuple" && from.elements.length === to.elements.length) {
        return T.tuple(to.elements.map((t, i) => dynamicReplace(from.elements[i]!, t)))
      }
      if (from._tag === "List" || from._tag === "Set") {
        return T.tuple(to.elements.map((t) => dynamicReplace(from.element, t)))
      }
      return to
    }
  }
}

// -----------------------------------------------------------------------------------------------
// value conversion

/** A type-level mismatch found deep inside a value; the message is decided at the top. */
class TypeMismatch {
  constructor(readonly got: T.Type, readonly want: T.Type) {}
}

type Failure = ConversionFailure | TypeMismatch

const isFailure = <A>(x: A | Failure): x is Failure => x instanceof ConversionFailure || x instanceof TypeMismatch

const mismatch = (v: V.Value, want: T.Type): TypeMismatch => new TypeMismatch(V.typeOf(v), want)

const TRUE_STRING = V.string("true")
const FALSE_STRING = V.string("false")

const stringToBool = (s: string): V.Value | Failure => {
  switch (s) {
    case "true":
    case "1":
      return V.True
    case "false":
    case "0":
      return V.False
  }
  switch (s.toLowerCase()) {
    case "true":
      return new ConversionFailure(`a bool is required; to convert from string, use lowercase "true"`)
    case "false":
      return new ConversionFailure(`a bool is required; to convert from string, use lowercase "false"`)
  }
  return new ConversionFailure("a bool is required")
}

/** Make converted elements agree on one element type (for targets containing `any`). */
const agreeOnElementType = (
  elements: Array<V.Value>,
  kind: "list" | "set" | "map"
): { readonly type: T.Type; readonly elements: Array<V.Value> } | Failure => {
  const types = elements.map(V.typeOf)
  const first = types[0]!
  if (types.every((t) => T.equals(t, first))) return { type: first, elements }
  const unified = unifyTypes(types)
  if (unified === undefined || unified.toDynamic) {
    return new ConversionFailure(`element types must all match for conversion to ${kind}`)
  }
  const out: Array<V.Value> = []
  for (const e of elements) {
    const c = go(e, unified.type)
    if (isFailure(c)) return new ConversionFailure(`element types must all match for conversion to ${kind}`)
    out.push(c)
  }
  return { type: unified.type, elements: out }
}

const toSequence = (v: V.ListValue | V.SetValue | V.TupleValue, want: T.ListType | T.SetType): V.Value | Failure => {
  let element = want.element
  const isList = want._tag === "List"
  if (v._tag !== "Tuple") {
    if (T.equals(v.elementType, element) || element._tag === "Dynamic") {
      if (isList) return v._tag === "List" ? v : V.list(v.elementType, v.elements)
      return v._tag === "Set" ? v : V.set(v.elementType, v.elements)
    }
    if (v.elements.length === 0 && !conversionExists(v.elementType, element)) return mismatch(v, want)
  } else if (v.elements.length === 0) {
    const t = T.withoutOptional(element)
    return isList ? V.list(t, []) : V.set(t, [])
  } else if (element._tag === "Dynamic") {
    const types = v.elements.map(V.typeOf)
    const unified = unifyTypes(types)
    if (unified === undefined) return mismatch(v, want)
    if (unified.type._tag === "Dynamic" && !types.every(isDynamic)) return mismatch(v, want)
    element = unified.type
  }
  const out: Array<V.Value> = []
  for (const e of v.elements) {
    const c = go(e, element)
    if (isFailure(c)) return c
    out.push(c)
  }
  let elementType = T.withoutOptional(element)
  if (out.length === 0) {
    if (element._tag === "Dynamic" && v._tag !== "Tuple") elementType = v.elementType
  } else if (T.hasDynamic(element)) {
    const agreed = agreeOnElementType(out, isList ? "list" : "set")
    if (isFailure(agreed)) return agreed
    return isList ? V.list(agreed.type, agreed.elements) : V.set(agreed.type, agreed.elements)
  }
  return isList ? V.list(elementType, out) : V.set(elementType, out)
}

const toMap = (v: V.MapValue | V.ObjectValue, want: T.MapType): V.Value | Failure => {
  let element = want.element
  if (v._tag === "Map") {
    if (T.equals(v.elementType, element) || element._tag === "Dynamic") return v
    if (v.entries.size === 0 && !conversionExists(v.elementType, element)) return mismatch(v, want)
  } else if (v.attributes.size === 0) {
    return V.map(T.withoutOptional(element), [])
  } else if (element._tag === "Dynamic") {
    const types = [...v.attributes.values()].map(V.typeOf)
    const unified = unifyTypes(types)
    if (unified === undefined) return mismatch(v, want)
    if (unified.type._tag === "Dynamic" && !types.every(isDynamic)) return mismatch(v, want)
    element = unified.type
  }
  const entries = v._tag === "Map" ? v.entries : v.attributes
  const keys: Array<string> = []
  const values: Array<V.Value> = []
  for (const [k, e] of entries) {
    const c = go(e, element)
    if (isFailure(c)) return c
    keys.push(k)
    values.push(c)
  }
  let elementType = T.withoutOptional(element)
  let converted = values
  if (values.length > 0 && T.hasDynamic(element)) {
    const agreed = agreeOnElementType(values, "map")
    if (isFailure(agreed)) return agreed
    elementType = agreed.type
    converted = agreed.elements
  }
  // keys are already in lexical order
  return { _tag: "Map", elementType, entries: new Map(keys.map((k, i) => [k, converted[i]!])) }
}

const toTuple = (v: V.TupleValue | V.ListValue, want: T.TupleType): V.Value | Failure => {
  if (v.elements.length !== want.elements.length) {
    if (v._tag === "Tuple") return mismatch(v, want)
    return new ConversionFailure(`a list with exactly ${want.elements.length} elements is required`)
  }
  const out: Array<V.Value> = []
  for (let i = 0; i < v.elements.length; i++) {
    const c = go(v.elements[i]!, want.elements[i]!)
    if (isFailure(c)) return c
    out.push(c)
  }
  return V.tuple(out)
}

const toObject = (v: V.ObjectValue | V.MapValue, want: T.ObjectType): V.Value | Failure => {
  const source = v._tag === "Object" ? v.attributes : v.entries
  const out = new Map<string, V.Value>()
  // want.attributes is in lexical order, so `out` is too
  for (const [name, t] of want.attributes) {
    const a = source.get(name)
    if (a === undefined) {
      if (want.optional?.has(name)) {
        out.set(name, V.nullOf(T.withoutOptional(t)))
        continue
      }
      if (v._tag === "Object") return mismatch(v, want)
      return new ConversionFailure(`map has no element for required attribute ${quote(name)}`)
    }
    const c = go(a, t)
    if (isFailure(c)) return c
    out.set(name, c._tag === "Null" ? V.nullOf(T.withoutOptional(c.type)) : c)
  }
  return { _tag: "Object", attributes: out }
}

const go = (v: V.Value, want: T.Type): V.Value | Failure => {
  if (want._tag === "Dynamic") return v
  switch (v._tag) {
    case "Unknown":
    case "Null": {
      const t = v.type
      if (t._tag !== "Dynamic" && !conversionExists(t, want)) return new TypeMismatch(t, want)
      const out = dynamicReplace(t, T.withoutOptional(want))
      if (v._tag === "Unknown") return T.equals(out, t) ? v : V.unknownOf(out)
      return T.equals(out, t) ? v : V.nullOf(out)
    }
  }
  switch (want._tag) {
    case "String":
      switch (v._tag) {
        case "String":
          return v
        case "Number":
          return V.string(N.toString(v.value))
        case "Bool":
          return v.value ? TRUE_STRING : FALSE_STRING
        default:
          return mismatch(v, want)
      }
    case "Number":
      switch (v._tag) {
        case "Number":
          return v
        case "String": {
          const n = N.parse(v.value)
          return n === undefined ? new ConversionFailure("a number is required") : V.number(n)
        }
        default:
          return mismatch(v, want)
      }
    case "Bool":
      switch (v._tag) {
        case "Bool":
          return v
        case "String":
          return stringToBool(v.value)
        default:
          return mismatch(v, want)
      }
    case "List":
    case "Set":
      if (v._tag === "List" || v._tag === "Set" || v._tag === "Tuple") return toSequence(v, want)
      return mismatch(v, want)
    case "Map":
      if (v._tag === "Map" || v._tag === "Object") return toMap(v, want)
      return mismatch(v, want)
    case "Tuple":
      if (v._tag === "Tuple" || v._tag === "List") return toTuple(v, want)
      return mismatch(v, want)
    case "Object":
      if (v._tag === "Object" || v._tag === "Map") return toObject(v, want)
      return mismatch(v, want)
  }
}

/**
 * Convert a value, returning the converted value or a `ConversionFailure` (no `Either`
 * allocation: the evaluator's fast path).
 *
 * @since 0.1.0
 * @category conversions
 */
export const convertValue = (value: V.Value, type: T.Type): V.Value | ConversionFailure => {
  if (type._tag === "Dynamic") return value
  if (type._tag === value._tag && T.isPrimitive(type)) return value
  const r = go(value, type)
  if (r instanceof TypeMismatch) {
    const got = V.typeOf(value)
    if (!conversionExists(got, type)) return new ConversionFailure(mismatchMessage(got, type))
    return new ConversionFailure(mismatchMessage(r.got, r.want))
  }
  return r
}

/**
 * Convert a value to a type with Terraform's automatic conversions. `Left` is cty's message
 * (`a number is required`, `bool required`, `list of string required`,
 * `attribute "x" is required`, ...).
 *
 * @since 0.1.0
 * @category conversions
 */
export const convert = (value: V.Value, type: T.Type): Either.Either<V.Value, string> => {
  const r = convertValue(value, type)
  return r instanceof ConversionFailure ? Either.left(r.message) : Either.right(r)
}

/**
 * Convert a value to the result of `unifyTypes` (the dynamic unknown when the unification says
 * so).
 *
 * @since 0.1.0
 * @category conversions
 */
export const convertUnified = (value: V.Value, unified: Unified): V.Value | ConversionFailure =>
  unified.toDynamic ? V.DynamicUnknown : convertValue(value, unified.type)

/**
 * Unify the types of `values` and convert them all to the common type.
 *
 * @since 0.1.0
 * @category conversions
 */
export const unifyValues = (
  values: ReadonlyArray<V.Value>
): Either.Either<{ readonly type: T.Type; readonly values: ReadonlyArray<V.Value> }, string> => {
  const unified = unifyTypes(values.map(V.typeOf))
  if (unified === undefined) return Either.left("all arguments must have the same type")
  const out: Array<V.Value> = []
  for (const v of values) {
    const c = convertUnified(v, unified)
    if (c instanceof ConversionFailure) return Either.left(c.message)
    out.push(c)
  }
  return Either.right({ type: unified.type, values: out })
}
