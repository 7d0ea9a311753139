/**
 * Terraform's collection functions (`concat`, `length`, `keys`, `lookup`, `merge`, `flatten`,
 * `setunion`, ...) with go-cty / Terraform semantics: argument types, unknown and null handling,
 * result types and error messages.
 *
 * @since 0.1.0
 * @internal
 */
import { ConversionFailure, convertUnified, convertValue, unify, unifyTypes } from "../Convert.js"
import { type FunctionDefinition, FunctionError, type Parameter } from "../FunctionDefinition.js"
import { wholeNumberMessage } from "../internal/functionSupport.js"
import { graphemeCount } from "../internal/graphemes.js"
import * as N from "../Number.js"
import * as Ops from "../Operations.js"
import * as T from "../Type.js"
import * as V from "../Value.js"

const quote = (s: string): string => JSON.stringify(s)

const UnknownNumber = V.unknownOf(T.number)
const UnknownBool = V.unknownOf(T.bool)

/** A Go `int` from a number, or the message gocty gives. */
const toInt = (v: V.Value): number | string => {
  if (v._tag !== "Number" || !N.isInteger(v.value)) return wholeNumberMessage
  const b = N.toBigInt(v.value)
  if (b === undefined || b > 9223372036854775807n || b < -9223372036854775808n) return wholeNumberMessage
  return Number(b)
}

const typeTag = (v: V.Value): string => (v._tag === "Unknown" || v._tag === "Null" ? v.type._tag : v._tag)

const isSequenceTag = (tag: string): boolean => tag === "List" || tag === "Set" || tag === "Tuple"

const param = (name: string, type: T.Type, flags?: Omit<Parameter, "name" | "type">): Parameter => ({
  name,
  type,
  ...flags
})

const typeOrError = (t: T.Type | FunctionError): t is FunctionError => t instanceof FunctionError

/** Define a function whose result type is computed by `type` and checked again by `impl`. */
const typed = (
  name: string,
  parameters: ReadonlyArray<Parameter>,
  type: (args: ReadonlyArray<V.Value>) => T.Type | FunctionError,
  impl: (args: ReadonlyArray<V.Value>, returnType: T.Type) => V.Value | FunctionError,
  variadic?: Parameter
): FunctionDefinition => ({
  name,
  parameters,
  variadic,
  returnType: type,
  impl: (args) => {
    const t = type(args)
    return typeOrError(t) ? t : impl(args, t)
  }
})

// -----------------------------------------------------------------------------------------------
// length, keys, values

const length: FunctionDefinition = {
  name: "length",
  parameters: [param("value", T.dynamic, { allowUnknown: true, allowDynamicType: true })],
  returnType: T.number,
  impl: ([v]) => {
    const notCollection = new FunctionError("argument must be a string, a collection type, or a structural type")
    switch (v!._tag) {
      case "String":
        return V.numberFromJs(graphemeCount(v!.value))
      case "List":
      case "Tuple":
        return V.numberFromJs(v!.elements.length)
      case "Set": {
        const elements = v!.elements
        if (elements.length === 1 || elements.every(V.isWhollyKnown)) return V.numberFromJs(elements.length)
        return UnknownNumber
      }
      case "Map":
        return V.numberFromJs(v!.entries.size)
      case "Object":
        return V.numberFromJs(v!.attributes.size)
      case "Unknown": {
        const t = v!.type
        switch (t._tag) {
          case "Tuple":
            return V.numberFromJs(t.elements.length)
          case "Object":
            return V.numberFromJs(t.attributes.size)
          case "String":
          case "List":
          case "Set":
          case "Map":
          case "Dynamic":
            return UnknownNumber
          default:
            return notCollection
        }
      }
      default:
        return notCollection
    }
  }
}

const keysType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  const t = V.typeOf(args[0]!)
  if (t._tag === "Map") return T.list(T.string)
  if (t._tag === "Object") return T.tuple([...t.attributes.keys()].map(() => T.string))
  return new FunctionError("must have map or object type", 0)
}

const keys = typed(
  "keys",
  [param("inputMap", T.dynamic, { allowUnknown: true })],
  keysType,
  ([m], rt) => {
    if (rt._tag === "Tuple") {
      const t = V.typeOf(m!) as T.ObjectType
      return V.tuple([...t.attributes.keys()].map(V.string))
    }
    if (m!._tag !== "Map") return V.unknownOf(rt)
    return V.list(T.string, [...m!.entries.keys()].map(V.string))
  }
)

const valuesType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  const t = V.typeOf(args[0]!)
  if (t._tag === "Map") return T.list(t.element)
  if (t._tag === "Object") return T.tuple([...t.attributes.values()])
  return new FunctionError("values() requires a map as the first argument")
}

const values = typed(
  "values",
  [param("mapping", T.dynamic, { allowUnknown: true })],
  valuesType,
  ([m], rt) => {
    if (m!._tag === "Map") return V.list((rt as T.ListType).element, [...m!.entries.values()])
    if (m!._tag === "Object") return V.tuple([...m!.attributes.values()])
    return V.unknownOf(rt)
  }
)

// -----------------------------------------------------------------------------------------------
// concat, flatten, slice, reverse, element, index, contains, distinct

const concatType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  if (args.length === 0) return new FunctionError("at least one argument is required")
  const types = args.map(V.typeOf)
  if (types.every((t) => t._tag === "List")) {
    const unified = unify(types)
    if (unified !== undefined && unified._tag === "List") return unified
  }
  const elements: Array<T.Type> = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const t = types[i]!
    if (t._tag === "Tuple") elements.push(...t.elements)
    else if (t._tag === "List") {
      if (a._tag !== "List") return T.dynamic
      for (let j = 0; j < a.elements.length; j++) elements.push(t.element)
    } else {
      return new FunctionError(`all arguments must be lists or tuples; got ${T.friendlyName(t)}`, i)
    }
  }
  return T.tuple(elements)
}

const concat = typed(
  "concat",
  [],
  concatType,
  (args, rt) => {
    if (args.some((a) => a._tag === "Unknown")) return V.unknownOf(rt)
    const out: Array<V.Value> = []
    if (rt._tag === "List") {
      for (let i = 0; i < args.length; i++) {
        const c = convertValue(args[i]!, rt)
        if (c instanceof ConversionFailure) return new FunctionError(c.message, i)
        out.push(...(c as V.ListValue).elements)
      }
      return V.list(rt.element, out)
    }
    for (const a of args) out.push(...(a as V.ListValue | V.TupleValue).elements)
    return V.tuple(out)
  },
  param("seqs", T.dynamic, { allowUnknown: true })
)

interface Flattened {
  readonly values: Array<V.Value>
  readonly known: boolean
}

const flattener = (list: V.ListValue | V.SetValue | V.TupleValue): Flattened => {
  const out: Array<V.Value> = []
  let known = true
  for (const v of list.elements) {
    if (v._tag === "Unknown" && v.type._tag === "Dynamic") known = false
    if (v._tag !== "Null" && isSequenceTag(typeTag(v))) {
      if (v._tag === "Unknown") {
        known = false
        continue
      }
      const inner = flattener(v as V.ListValue | V.SetValue | V.TupleValue)
      if (inner.known) out.push(...inner.values)
      else known = false
    } else {
      out.push(v)
    }
  }
  return { values: out, known }
}

const flatten: FunctionDefinition = {
  name: "flatten",
  parameters: [param("list", T.dynamic, { allowUnknown: true })],
  returnType: T.dynamic,
  impl: ([list]) => {
    const v = list!
    if (v._tag === "Unknown") return V.DynamicUnknown
    if (v._tag !== "List" && v._tag !== "Set" && v._tag !== "Tuple") {
      return new FunctionError("can only flatten lists, sets and tuples")
    }
    if (v.elements.length === 0) return V.EmptyTuple
    const flat = flattener(v)
    return flat.known ? V.tuple(flat.values) : V.DynamicUnknown
  }
}

interface SliceIndexes {
  readonly start: number
  readonly end: number
  readonly known: boolean
}

const sliceIndexes = (args: ReadonlyArray<V.Value>): SliceIndexes | FunctionError => {
  const list = args[0]!
  let length: number | undefined
  if (list._tag === "Tuple" || list._tag === "List") length = list.elements.length
  else if (list._tag === "Unknown" && list.type._tag === "Tuple") length = list.type.elements.length
  let start = 0
  let end = 0
  let startKnown = false
  let endKnown = false
  if (args[1]!._tag !== "Unknown") {
    const s = toInt(args[1]!)
    if (typeof s === "string") return new FunctionError(`invalid start index: ${s}`, 1)
    if (s < 0) return new FunctionError("start index must not be less than zero", 1)
    if (length !== undefined && s > length) {
      return new FunctionError("start index must not be greater than the length of the list", 1)
    }
    start = s
    startKnown = true
  }
  if (args[2]!._tag !== "Unknown") {
    const e = toInt(args[2]!)
    if (typeof e === "string") return new FunctionError(`invalid end index: ${e}`, 2)
    if (e < 0) return new FunctionError("end index must not be less than zero", 2)
    if (length !== undefined && e > length) {
      return new FunctionError("end index must not be greater than the length of the list", 2)
    }
    end = e
    endKnown = true
  }
  if (startKnown && endKnown && start > end) {
    return new FunctionError("start index must not be greater than end index", 1)
  }
  return { start, end, known: startKnown && endKnown }
}

const sliceType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  const t = V.typeOf(args[0]!)
  if (t._tag === "Set") {
    return new FunctionError(
      "cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important",
      0
    )
  }
  if (t._tag !== "List" && t._tag !== "Tuple") return new FunctionError("must be a list or tuple value", 0)
  const indexes = sliceIndexes(args)
  if (indexes instanceof FunctionError) return indexes
  if (t._tag === "List") return t
  if (!indexes.known) return T.dynamic
  return T.tuple(t.elements.slice(indexes.start, indexes.end))
}

const slice = typed(
  "slice",
  [param("list", T.dynamic, { allowUnknown: true }), param("start_index", T.number), param("end_index", T.number)],
  sliceType,
  (args, rt) => {
    if (rt._tag === "Dynamic") return V.DynamicUnknown
    const list = args[0]!
    if (list._tag === "Unknown") return V.unknownOf(rt)
    const indexes = sliceIndexes(args) as SliceIndexes
    const out = (list as V.ListValue | V.TupleValue).elements.slice(indexes.start, indexes.end)
    return rt._tag === "Tuple" ? V.tuple(out) : V.list((rt as T.ListType).element, out)
  }
)

const reverseType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  const t = V.typeOf(args[0]!)
  if (t._tag === "Tuple") return T.tuple([...t.elements].reverse())
  if (t._tag === "List" || t._tag === "Set") return T.list(t.element)
  return new FunctionError(`can only reverse list or tuple values, not ${T.friendlyName(t)}`, 0)
}

const reverse = typed(
  "reverse",
  [param("list", T.dynamic, { allowUnknown: true })],
  reverseType,
  ([list], rt) => {
    if (list!._tag === "Unknown") return V.unknownOf(rt)
    const out = [...(list as V.ListValue).elements].reverse()
    return rt._tag === "Tuple" ? V.tuple(out) : V.list((rt as T.ListType).element, out)
  }
)

const elementType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  const [list, index] = args
  if (index!._tag === "Number" && N.sign(index!.value) < 0) {
    return new FunctionError("cannot use element function with a negative index")
  }
  const t = V.typeOf(list!)
  if (t._tag === "List") return t.element
  if (t._tag === "Tuple") {
    if (index!._tag !== "Number") return T.dynamic
    const i = toInt(index!)
    if (typeof i === "string") return new FunctionError(`invalid index: ${i}`)
    if (t.elements.length === 0) return new FunctionError("cannot use element function with an empty list")
    return t.elements[i % t.elements.length]!
  }
  return new FunctionError(`cannot read elements from ${T.friendlyName(t)}`)
}

const element = typed(
  "element",
  [param("list", T.dynamic, { allowUnknown: true }), param("index", T.number)],
  elementType,
  ([list, index], rt) => {
    const i = toInt(index!)
    if (typeof i === "string") return new FunctionError(`invalid index: ${i}`)
    if (list!._tag === "Unknown") return V.unknownOf(rt)
    const elements = (list as V.ListValue | V.TupleValue).elements
    if (elements.length === 0) return new FunctionError("cannot use element function with an empty list")
    return elements[i % elements.length]!
  }
)

const indexFunction: FunctionDefinition = {
  name: "index",
  parameters: [param("list", T.dynamic, { allowUnknown: true }), param("value", T.dynamic, { allowUnknown: true })],
  returnType: T.number,
  impl: ([list, value]) => {
    if (list!._tag === "Unknown" || value!._tag === "Unknown") return UnknownNumber
    if (list!._tag !== "List" && list!._tag !== "Tuple") return new FunctionError("argument must be a list or tuple")
    if (list!.elements.length === 0) return new FunctionError("cannot search an empty list")
    const elements = list!.elements
    for (let i = 0; i < elements.length; i++) {
      const eq = Ops.equals(elements[i]!, value!)
      if (eq._tag !== "Bool") return UnknownNumber
      if (eq.value) return V.numberFromJs(i)
    }
    return new FunctionError("item not found")
  }
}

const contains: FunctionDefinition = {
  name: "contains",
  parameters: [param("list", T.dynamic, { allowUnknown: true }), param("value", T.dynamic, { allowUnknown: true })],
  returnType: T.bool,
  impl: ([list, value]) => {
    if (list!._tag === "Unknown" || value!._tag === "Unknown") return UnknownBool
    if (list!._tag !== "List" && list!._tag !== "Tuple" && list!._tag !== "Set") {
      return new FunctionError("argument must be list, tuple, or set")
    }
    let unknown = false
    for (const e of list!.elements) {
      const eq = Ops.equals(value!, e)
      if (eq._tag !== "Bool") {
        unknown = true
        continue
      }
      if (eq.value) return V.True
    }
    return unknown ? UnknownBool : V.False
  }
}

const distinct: FunctionDefinition = {
  name: "distinct",
  parameters: [param("list", T.list(T.dynamic))],
  returnType: (args) => V.typeOf(args[0]!),
  impl: ([list]) => {
    const l = list as V.ListValue
    const out: Array<V.Value> = []
    for (const e of l.elements) if (!out.some((o) => V.rawEquals(o, e))) out.push(e)
    return V.list(l.elementType, out)
  }
}

// -----------------------------------------------------------------------------------------------
// lookup, merge, zipmap, transpose, matchkeys

const lookupType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  if (args.length > 3) return new FunctionError(`lookup() takes two or three arguments, got ${args.length}`)
  const t = V.typeOf(args[0]!)
  const key = args[1]!
  if (t._tag === "Object") {
    if (key._tag !== "String") return T.dynamic
    const a = t.attributes.get(key.value)
    if (a !== undefined) return a
    if (args.length === 3) return V.typeOf(args[2]!)
    return new FunctionError(`the given object has no attribute ${quote(key.value)}`, 0)
  }
  if (t._tag === "Map") {
    if (args.length === 3 && convertValue(args[2]!, t.element) instanceof ConversionFailure) {
      return new FunctionError("the default value must have the same type as the map elements", 2)
    }
    return t.element
  }
  return new FunctionError("lookup() requires a map as the first argument", 0)
}

const lookup = typed(
  "lookup",
  [param("inputMap", T.dynamic, { allowUnknown: true }), param("key", T.string)],
  lookupType,
  (args, rt) => {
    const m = args[0]!
    const key = (args[1] as V.StringValue).value
    if (m._tag === "Unknown") return V.unknownOf(rt)
    if (m._tag === "Object") {
      const a = m.attributes.get(key)
      if (a !== undefined) return a
    } else if (m._tag === "Map") {
      const e = m.entries.get(key)
      if (e !== undefined) return e
    }
    if (args.length === 3) {
      const d = convertValue(args[2]!, rt)
      return d instanceof ConversionFailure ? new FunctionError(d.message) : d
    }
    return new FunctionError(`lookup failed to find key ${quote(key)}`)
  },
  param("default", T.dynamic, { allowUnknown: true, allowDynamicType: true, allowNull: true })
)

const mergeType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  if (args.length === 0) return T.emptyObject
  const attributes = new Map<string, T.Type>()
  let first: T.Type = T.dynamic
  let matching = true
  let attributesKnown = true
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const t = V.typeOf(a)
    if (t._tag === "Dynamic") return T.dynamic
    if (t._tag !== "Map" && t._tag !== "Object") {
      return new FunctionError(`arguments must be maps or objects, got ${quote(T.friendlyName(t))}`)
    }
    if (t._tag === "Object" && a._tag !== "Null") {
      for (const [k, at] of t.attributes) attributes.set(k, at)
    } else if (t._tag === "Map") {
      if (a._tag === "Map") { for (const k of a.entries.keys()) attributes.set(k, t.element) }
      else if (a._tag === "Unknown") attributesKnown = false
    }
    if (i === 0) {
      first = t
      continue
    }
    if (matching && !T.equals(t, first)) matching = false
  }
  if (matching) return first
  if (!attributesKnown) return T.dynamic
  return T.object(attributes)
}

const merge = typed(
  "merge",
  [],
  mergeType,
  (args, rt) => {
    if (args.some((a) => a._tag === "Unknown")) return V.unknownOf(rt)
    const out = new Map<string, V.Value>()
    for (const a of args) {
      if (a._tag === "Map") { for (const [k, v] of a.entries) out.set(k, v) }
      else if (a._tag === "Object") { for (const [k, v] of a.attributes) out.set(k, v) }
    }
    if (rt._tag === "Map") return V.map(rt.element, out)
    return V.object(out)
  },
  param("maps", T.dynamic, { allowUnknown: true, allowNull: true, allowDynamicType: true })
)

const zipmapType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  const [keys, vals] = args
  const t = V.typeOf(vals!)
  if (t._tag === "List") return T.map(t.element)
  if (t._tag === "Tuple") {
    if (!V.isWhollyKnown(keys!)) return T.dynamic
    const keyList = (keys as V.ListValue).elements
    if (keyList.length !== t.elements.length) {
      return new FunctionError(
        `number of keys (${keyList.length}) does not match number of values (${t.elements.length})`
      )
    }
    const attributes = new Map<string, T.Type>()
    for (let i = 0; i < keyList.length; i++) {
      const k = keyList[i]!
      if (k._tag !== "String") return new FunctionError(`keys list has null value at index ${i}`)
      attributes.set(k.value, t.elements[i]!)
    }
    return T.object(attributes)
  }
  return new FunctionError("values argument must be a list or tuple value")
}

const zipmap = typed(
  "zipmap",
  [param("keys", T.list(T.string)), param("values", T.dynamic, { allowUnknown: true })],
  zipmapType,
  ([keys, vals], rt) => {
    if (vals!._tag === "Unknown") return V.unknownOf(rt)
    const keyList = (keys as V.ListValue).elements
    const valueList = (vals as V.ListValue | V.TupleValue).elements
    if (keyList.length !== valueList.length) {
      return new FunctionError(
        `number of keys (${keyList.length}) does not match number of values (${valueList.length})`
      )
    }
    const out = new Map<string, V.Value>()
    for (let i = 0; i < keyList.length; i++) {
      const k = keyList[i]!
      if (k._tag !== "String") return new FunctionError(`keys list has null value at index ${i}`)
      out.set(k.value, valueList[i]!)
    }
    if (rt._tag === "Map") return V.map(rt.element, out)
    return V.object(out)
  }
)

const listOfString = T.list(T.string)

const transpose: FunctionDefinition = {
  name: "transpose",
  parameters: [param("values", T.map(listOfString))],
  returnType: T.map(listOfString),
  impl: ([m]) => {
    const out = new Map<string, Array<V.Value>>()
    for (const [k, list] of (m as V.MapValue).entries) {
      if (list._tag !== "List") continue
      for (const v of list.elements) {
        if (v._tag !== "String") return new FunctionError("input must be a map of lists of strings")
        const existing = out.get(v.value)
        if (existing === undefined) out.set(v.value, [V.string(k)])
        else existing.push(V.string(k))
      }
    }
    return V.map(listOfString, [...out].map(([k, vs]) => [k, V.list(T.string, vs)] as const))
  }
}

const matchkeysType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  if (unify([V.typeOf(args[1]!), V.typeOf(args[2]!)]) === undefined) {
    return new FunctionError("keys and searchset must be of the same type")
  }
  return V.typeOf(args[0]!)
}

const matchkeys = typed(
  "matchkeys",
  [
    param("values", T.list(T.dynamic), { allowUnknown: true }),
    param("keys", T.list(T.dynamic), { allowUnknown: true }),
    param("searchset", T.list(T.dynamic), { allowUnknown: true })
  ],
  matchkeysType,
  ([vals, ks, search], rt) => {
    const empty = V.list((rt as T.ListType).element, [])
    if (vals!._tag === "Unknown" || ks!._tag === "Unknown" || search!._tag === "Unknown") return V.unknownOf(rt)
    const valueList = (vals as V.ListValue).elements
    if (valueList.length !== (ks as V.ListValue).elements.length) {
      return new FunctionError("length of keys and values should be equal")
    }
    const unified = unifyTypes([V.typeOf(ks!), V.typeOf(search!)])!
    const keyList = convertUnified(ks!, unified)
    const searchList = convertUnified(search!, unified)
    if (keyList instanceof ConversionFailure || searchList instanceof ConversionFailure) {
      return new FunctionError("keys and searchset must be of the same type")
    }
    if (searchList._tag !== "List" || keyList._tag !== "List") return V.unknownOf(rt)
    if (searchList.elements.length === 0) return empty
    if (!V.isWhollyKnown(vals!) || !V.isWhollyKnown(keyList)) return V.unknownOf(rt)
    const out: Array<V.Value> = []
    for (let i = 0; i < keyList.elements.length; i++) {
      for (const s of searchList.elements) {
        const eq = Ops.equals(keyList.elements[i]!, s)
        if (eq._tag !== "Bool") return empty
        if (eq.value) {
          out.push(valueList[i]!)
          break
        }
      }
    }
    return V.list((rt as T.ListType).element, out)
  }
)

// -----------------------------------------------------------------------------------------------
// coalesce, coalescelist, compact, one, alltrue, anytrue, sum, sort, chunklist, range

const coalesceType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  const unified = unify(args.map(V.typeOf))
  return unified === undefined ? new FunctionError("all arguments must have the same type") : unified
}

const coalesce: FunctionDefinition = {
  name: "coalesce",
  parameters: [],
  variadic: param("vals", T.dynamic, { allowUnknown: true, allowDynamicType: true, allowNull: true }),
  returnType: coalesceType,
  impl: (args) => {
    const unified = unifyTypes(args.map(V.typeOf))
    if (unified === undefined) return new FunctionError("all arguments must have the same type")
    const rt = unified.type
    for (const a of args) {
      const c = convertUnified(a, unified)
      if (c instanceof ConversionFailure) return new FunctionError("all arguments must have the same type")
      if (c._tag === "Unknown") return V.unknownOf(rt)
      if (c._tag === "Null") continue
      if (rt._tag === "String" && c._tag === "String" && c.value === "") continue
      return c
    }
    return new FunctionError("no non-null, non-empty-string arguments")
  }
}

const coalescelistType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  if (args.length === 0) return new FunctionError("at least one argument is required")
  const types: Array<T.Type> = []
  for (const a of args) {
    if (a._tag === "Unknown") return T.dynamic
    const t = V.typeOf(a)
    if (t._tag !== "List" && t._tag !== "Tuple") {
      return new FunctionError("coalescelist arguments must be lists or tuples")
    }
    types.push(t)
  }
  const first = types[0]!
  return types.every((t) => T.equals(t, first)) ? first : T.dynamic
}

const coalescelist = typed(
  "coalescelist",
  [],
  coalescelistType,
  (args, rt) => {
    for (const a of args) {
      if (a._tag === "Unknown") return V.unknownOf(rt)
      if (a._tag === "Null") continue
      if ((a as V.ListValue | V.TupleValue).elements.length > 0) return a
    }
    return new FunctionError("no non-null arguments")
  },
  param("vals", T.dynamic, { allowUnknown: true, allowDynamicType: true, allowNull: true })
)

const compact: FunctionDefinition = {
  name: "compact",
  parameters: [param("list", listOfString)],
  returnType: listOfString,
  impl: ([list]) =>
    V.list(
      T.string,
      (list as V.ListValue).elements.filter((v) => v._tag === "String" && v.value !== "")
    )
}

const oneMessage = "must be a list, set, or tuple value with either zero or one elements"

const oneType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  const t = V.typeOf(args[0]!)
  if (t._tag === "List" || t._tag === "Set") return t.element
  if (t._tag === "Tuple") {
    if (t.elements.length === 0) return T.dynamic
    if (t.elements.length === 1) return t.elements[0]!
  }
  return new FunctionError(oneMessage, 0)
}

const one = typed(
  "one",
  [param("list", T.dynamic, { allowUnknown: true })],
  oneType,
  ([list], rt) => {
    const v = list!
    if (v._tag === "Unknown") return V.unknownOf(rt)
    const elements = (v as V.ListValue | V.SetValue | V.TupleValue).elements
    if (v._tag === "Set" && elements.length > 1 && !elements.every(V.isWhollyKnown)) return V.unknownOf(rt)
    if (elements.length === 0) return V.nullOf(rt)
    if (elements.length === 1) return elements[0]!
    return new FunctionError(oneMessage, 0)
  }
)

/**
 * `alltrue` / `anytrue`: the first known element equal to `decisive` decides the result
 * (`!decisive` for alltrue's `false`, `decisive` for anytrue's `true`); otherwise an unknown
 * element makes the result unknown, and without one it is `!decisive`.
 */
const boolFold = (name: string, decisive: boolean): FunctionDefinition => ({
  name,
  parameters: [param("list", T.list(T.bool), { allowUnknown: true })],
  returnType: T.bool,
  impl: ([list]) => {
    if (list!._tag === "Unknown") return UnknownBool
    let unknown = false
    for (const v of (list as V.ListValue).elements) {
      if (v._tag === "Unknown") {
        unknown = true
        continue
      }
      if ((v._tag === "Bool" && v.value) === decisive) return V.bool(decisive)
    }
    return unknown ? UnknownBool : V.bool(!decisive)
  }
})

const alltrue = boolFold("alltrue", false)
const anytrue = boolFold("anytrue", true)

const sumOfNumbers = "argument must be list, set, or tuple of number values"

const sum: FunctionDefinition = {
  name: "sum",
  parameters: [param("list", T.dynamic)],
  returnType: T.number,
  impl: ([list]) => {
    const v = list!
    const elements = v._tag === "Map" ? [...v.entries.values()] : v._tag === "Object" ? [...v.attributes.values()] : (
      v._tag === "List" || v._tag === "Set" || v._tag === "Tuple" ? v.elements : undefined
    )
    if (elements === undefined) return new FunctionError("cannot sum noniterable", 0)
    if (elements.length === 0) return new FunctionError("cannot sum an empty list", 0)
    if (v._tag === "Map" || v._tag === "Object") {
      return new FunctionError(
        `argument must be list, set, or tuple. Received ${T.friendlyName(V.typeOf(v))}`,
        0
      )
    }
    let total: N.TfNumber | undefined
    for (const e of elements) {
      if (e._tag === "Null") return new FunctionError(sumOfNumbers, 0)
      const n = convertValue(e, T.number)
      if (n instanceof ConversionFailure || n._tag !== "Number") return new FunctionError(sumOfNumbers, 0)
      total = total === undefined ? n.value : N.add(total, n.value)
    }
    return V.number(total!)
  }
}

const sort: FunctionDefinition = {
  name: "sort",
  parameters: [param("list", listOfString)],
  returnType: listOfString,
  impl: ([list]) => {
    const elements = (list as V.ListValue).elements
    const strings: Array<string> = []
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i]!
      if (e._tag !== "String") {
        return new FunctionError(`given list element ${i} is null; a null string cannot be sorted`)
      }
      strings.push(e.value)
    }
    strings.sort(V.compareStrings)
    return V.list(T.string, strings.map(V.string))
  }
}

const chunklist = typed(
  "chunklist",
  [param("list", T.list(T.dynamic), { allowUnknown: true }), param("size", T.number)],
  (args) => T.list(V.typeOf(args[0]!)),
  ([list, size], rt) => {
    const s = toInt(size!)
    if (typeof s === "string") return new FunctionError(`invalid size: ${s}`)
    if (s < 0) return new FunctionError("the size argument must be positive")
    if (list!._tag === "Unknown") return V.unknownOf(rt)
    const l = list as V.ListValue
    const chunkType = (rt as T.ListType).element
    if (l.elements.length === 0) return V.list(chunkType, [])
    if (s === 0) return V.list(chunkType, [l])
    const out: Array<V.Value> = []
    for (let i = 0; i < l.elements.length; i += s) out.push(V.list(l.elementType, l.elements.slice(i, i + s)))
    return V.list(chunkType, out)
  }
)

const rangeFunction: FunctionDefinition = {
  name: "range",
  parameters: [],
  variadic: param("params", T.number),
  returnType: T.list(T.number),
  impl: (args) => {
    const nums = args.map((a) => (a as V.NumberValue).value)
    let start: N.TfNumber
    let end: N.TfNumber
    let step: N.TfNumber
    const minusOne = N.negate(N.one)
    switch (nums.length) {
      case 1:
        start = N.zero
        end = nums[0]!
        step = N.sign(end) < 0 ? minusOne : N.one
        break
      case 2:
        start = nums[0]!
        end = nums[1]!
        step = N.compare(end, start) < 0 ? minusOne : N.one
        break
      case 3:
        start = nums[0]!
        end = nums[1]!
        step = nums[2]!
        break
      default:
        return new FunctionError("must have one, two, or three arguments")
    }
    if (N.sign(step) === 0) return new FunctionError("step must not be zero", 2)
    const down = N.sign(step) < 0
    if (down && N.compare(end, start) > 0) {
      return new FunctionError("end must be less than start when step is negative", 1)
    }
    if (!down && N.compare(end, start) < 0) {
      return new FunctionError("end must be greater than start when step is positive", 1)
    }
    const out: Array<V.Value> = []
    let n = start
    while (down ? N.compare(n, end) > 0 : N.compare(n, end) < 0) {
      if (out.length >= 1024) {
        return new FunctionError(
          "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step"
        )
      }
      out.push(V.number(n))
      n = N.add(n, step)
    }
    return V.list(T.number, out)
  }
}

// -----------------------------------------------------------------------------------------------
// set functions

const setOperationType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  const elementTypes: Array<T.Type> = []
  for (const a of args) {
    const t = (V.typeOf(a) as T.SetType).element
    if (a._tag === "Set" && a.elements.length === 0 && t._tag === "Dynamic") continue
    elementTypes.push(t)
  }
  if (elementTypes.length === 0) return T.set(T.dynamic)
  const unified = unify(elementTypes)
  return unified === undefined
    ? new FunctionError("given sets must all have compatible element types")
    : T.set(unified)
}

const setOperation = (
  name: string,
  parameters: ReadonlyArray<Parameter>,
  variadic: Parameter | undefined,
  combine: (a: ReadonlyArray<V.Value>, b: ReadonlyArray<V.Value>) => Array<V.Value>,
  allowUnknown: boolean
): FunctionDefinition =>
  typed(
    name,
    parameters,
    setOperationType,
    (args, rt) => {
      if (allowUnknown && args.some((a) => a._tag === "Unknown")) return V.unknownOf(rt)
      let acc: Array<V.Value> | undefined
      for (let i = 0; i < args.length; i++) {
        const c = convertValue(args[i]!, rt)
        if (c instanceof ConversionFailure) return new FunctionError(c.message, i)
        const elements = (c as V.SetValue).elements
        acc = acc === undefined ? [...elements] : combine(acc, elements)
      }
      return V.set((rt as T.SetType).element, acc ?? [])
    },
    variadic
  )

const has = (xs: ReadonlyArray<V.Value>, y: V.Value): boolean => xs.some((x) => V.rawEquals(x, y))

const setType = T.set(T.dynamic)

const setunion = setOperation(
  "setunion",
  [param("first_set", setType, { allowDynamicType: true, allowUnknown: true })],
  param("other_sets", setType, { allowDynamicType: true, allowUnknown: true }),
  (a, b) => [...a, ...b],
  true
)

const setintersection = setOperation(
  "setintersection",
  [param("first_set", setType, { allowDynamicType: true })],
  param("other_sets", setType, { allowDynamicType: true }),
  (a, b) => a.filter((x) => has(b, x)),
  false
)

const setsubtract = setOperation(
  "setsubtract",
  [param("a", setType, { allowDynamicType: true }), param("b", setType, { allowDynamicType: true })],
  undefined,
  (a, b) => a.filter((x) => !has(b, x)),
  false
)

const setproductType = (args: ReadonlyArray<V.Value>): T.Type | FunctionError => {
  if (args.length < 2) return new FunctionError("at least two arguments are required")
  let lists = 0
  const elementTypes: Array<T.Type> = []
  for (let i = 0; i < args.length; i++) {
    const t = V.typeOf(args[i]!)
    if (t._tag === "Set") elementTypes.push(t.element)
    else if (t._tag === "List") {
      elementTypes.push(t.element)
      lists++
    } else if (t._tag === "Tuple") {
      if (t.elements.length === 0) elementTypes.push(T.dynamic)
      else {
        const u = unify(t.elements)
        if (u === undefined) return new FunctionError("a set or a list is required", i)
        elementTypes.push(u)
      }
      lists++
    } else {
      return new FunctionError("a set or a list is required", i)
    }
  }
  const tuple = T.tuple(elementTypes)
  return lists === args.length ? T.list(tuple) : T.set(tuple)
}

const setproduct = typed(
  "setproduct",
  [],
  setproductType,
  (args, rt) => {
    if (args.some((a) => a._tag === "Unknown")) return V.unknownOf(rt)
    const element = (rt as T.ListType).element as T.TupleType
    const lists = args.map((a) => (a as V.ListValue).elements)
    let product: Array<Array<V.Value>> = [[]]
    for (let i = 0; i < lists.length; i++) {
      const next: Array<Array<V.Value>> = []
      for (const prefix of product) {
        for (const v of lists[i]!) {
          const c = convertValue(v, element.elements[i]!)
          if (c instanceof ConversionFailure) return new FunctionError(c.message, i)
          next.push([...prefix, c])
        }
      }
      product = next
      if (product.length > 1_000_000) return new FunctionError("the product has too many elements")
    }
    const tuples = product.map((p) => V.tuple(p))
    return rt._tag === "List" ? V.list(element, tuples) : V.set(element, tuples)
  },
  param("sets", T.dynamic, { allowUnknown: true })
)

// -----------------------------------------------------------------------------------------------
// deprecated

const deprecated = (name: string, message: string): FunctionDefinition => ({
  name,
  parameters: [],
  variadic: param("vals", T.dynamic, { allowUnknown: true, allowDynamicType: true, allowNull: true }),
  returnType: () => new FunctionError(message),
  impl: () => new FunctionError(message)
})

/**
 * @since 0.1.0
 */
export const collectionFunctions: ReadonlyArray<FunctionDefinition> = [
  alltrue,
  anytrue,
  chunklist,
  coalesce,
  coalescelist,
  compact,
  concat,
  contains,
  distinct,
  element,
  flatten,
  indexFunction,
  keys,
  length,
  deprecated(
    "list",
    "the \"list\" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list"
  ),
  lookup,
  deprecated(
    "map",
    "the \"map\" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map"
  ),
  matchkeys,
  merge,
  one,
  rangeFunction,
  reverse,
  setintersection,
  setproduct,
  setsubtract,
  setunion,
  slice,
  sort,
  sum,
  transpose,
  values,
  zipmap
]
