/**
 * Attribute and index access on values, with HCL's errors (`Unsupported attribute`,
 * `Invalid index`, `Attempt to index null value`, ...).
 *
 * @internal
 */
import { ConversionFailure, convertValue } from "../Convert.js"
import * as N from "../Number.js"
import * as T from "../Type.js"
import * as V from "../Value.js"
import { type Problem, problem, quote } from "./evalContext.js"

const UNSUPPORTED = "Unsupported attribute"
const INVALID_INDEX = "Invalid index"

const nullAttribute = problem(
  "Attempt to get attribute from null value",
  "This value is null, so it does not have any attributes."
)

const attributeProblemForType = (t: T.Type, name: string): Problem => {
  switch (t._tag) {
    case "Object":
      return problem(UNSUPPORTED, `This object does not have an attribute named ${quote(name)}.`)
    case "Map":
      return problem("Missing map element", `This map does not have an element with the key ${quote(name)}.`)
    case "List":
      if (t.element._tag === "Object") {
        return t.element.attributes.has(name)
          ? problem(
            UNSUPPORTED,
            `Can't access attributes on a list of objects. Did you mean to access attribute ${
              quote(name)
            } for a specific element of the list, or across all elements of the list?`
          )
          : problem(
            UNSUPPORTED,
            "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?"
          )
      }
      break
    case "Set":
      if (t.element._tag === "Object") {
        return problem(
          UNSUPPORTED,
          "Can't access attributes on a set of objects. Did you mean to access an attribute across all elements of the set?"
        )
      }
      break
    case "String":
    case "Number":
    case "Bool":
      return problem(
        UNSUPPORTED,
        `Can't access attributes on a primitive-typed value (${T.friendlyName(t)}).`
      )
  }
  return problem(UNSUPPORTED, "This value does not have any attributes.")
}

/** `value.name` */
export const getAttr = (value: V.Value, name: string): V.Value | Problem => {
  switch (value._tag) {
    case "Object": {
      const a = value.attributes.get(name)
      if (a !== undefined) return a
      if (value.open) return V.DynamicUnknown
      return attributeProblemForType(T.emptyObject, name)
    }
    case "Map": {
      const e = value.entries.get(name)
      if (e !== undefined) return e
      return attributeProblemForType(T.map(value.elementType), name)
    }
    case "Null":
      return nullAttribute
    case "Unknown": {
      const t = value.type
      switch (t._tag) {
        case "Dynamic":
          return V.DynamicUnknown
        case "Object": {
          const a = t.attributes.get(name)
          return a === undefined ? attributeProblemForType(t, name) : V.unknownOf(a)
        }
        case "Map":
          return V.unknownOf(t.element)
        default:
          return attributeProblemForType(t, name)
      }
    }
    case "List":
      return attributeProblemForType(T.list(value.elementType), name)
    case "Set":
      return attributeProblemForType(T.set(value.elementType), name)
    case "String":
    case "Number":
    case "Bool":
      return attributeProblemForType(V.typeOf(value), name)
    case "Tuple":
      return attributeProblemForType(T.emptyTuple, name)
  }
}

const keyProblem = (message: string): Problem =>
  problem(INVALID_INDEX, `The given key does not identify an element in this collection value: ${message}.`)

const notAnElement = problem(INVALID_INDEX, "The given key does not identify an element in this collection value.")

const sequenceKeyProblem = (key: N.TfNumber, length: number): Problem => {
  if (!N.isInteger(key)) {
    return keyProblem(
      "indexing a sequence requires a whole number, but the given index has a fractional part"
    )
  }
  if (N.sign(key) < 0) return keyProblem("a negative number is not a valid index for a sequence")
  if (length === 0) return keyProblem("the collection has no elements")
  return notAnElement
}

/** The integer position of `key` in a sequence of `length` elements, if it is one. */
const position = (key: N.TfNumber, length: number): number | undefined => {
  if (!N.isInteger(key) || N.sign(key) < 0) return undefined
  const i = N.toNumber(key)
  return i < length ? i : undefined
}

const collectionKind = (
  value: V.Value
): "List" | "Tuple" | "Map" | "Object" | "Set" | "Dynamic" | "Other" => {
  const tag = value._tag === "Unknown" ? value.type._tag : value._tag
  switch (tag) {
    case "List":
    case "Tuple":
    case "Map":
    case "Object":
    case "Set":
    case "Dynamic":
      return tag
    default:
      return "Other"
  }
}

/** `collection[key]` */
export const index = (collection: V.Value, key: V.Value): V.Value | Problem => {
  if (collection._tag === "Null") {
    return problem("Attempt to index null value", "This value is null, so it does not have any indices.")
  }
  if (key._tag === "Null") return problem(INVALID_INDEX, "Can't use a null value as an indexing key.")
  if (key._tag === "Unknown" && key.type._tag === "Dynamic") return V.DynamicUnknown
  const kind = collectionKind(collection)
  switch (kind) {
    case "Dynamic":
      return V.DynamicUnknown
    case "List":
    case "Tuple": {
      const k = convertValue(key, T.number)
      if (k instanceof ConversionFailure) return keyProblem(k.message)
      if (collection._tag === "List") {
        if (k._tag !== "Number") return V.unknownOf(collection.elementType)
        const i = position(k.value, collection.elements.length)
        return i === undefined ? sequenceKeyProblem(k.value, collection.elements.length) : collection.elements[i]!
      }
      if (collection._tag === "Tuple") {
        if (k._tag !== "Number") return V.DynamicUnknown
        const i = position(k.value, collection.elements.length)
        return i === undefined ? sequenceKeyProblem(k.value, collection.elements.length) : collection.elements[i]!
      }
      // unknown list or tuple
      const t = (collection as V.UnknownValue).type
      if (t._tag === "List") return V.unknownOf(t.element)
      const elements = (t as T.TupleType).elements
      if (k._tag !== "Number") return V.DynamicUnknown
      const i = position(k.value, elements.length)
      return i === undefined ? sequenceKeyProblem(k.value, elements.length) : V.unknownOf(elements[i]!)
    }
    case "Map": {
      const k = convertValue(key, T.string)
      if (k instanceof ConversionFailure) return keyProblem(k.message)
      if (collection._tag !== "Map") return V.unknownOf(((collection as V.UnknownValue).type as T.MapType).element)
      if (k._tag !== "String") return V.unknownOf(collection.elementType)
      return collection.entries.get(k.value) ?? notAnElement
    }
    case "Object": {
      const wasNumber = key._tag === "Number" || (key._tag === "Unknown" && key.type._tag === "Number")
      const k = convertValue(key, T.string)
      if (k instanceof ConversionFailure) return keyProblem(k.message)
      if (collection._tag !== "Object" || k._tag !== "String") return V.DynamicUnknown
      const a = collection.attributes.get(k.value)
      if (a !== undefined) return a
      if (collection.open) return V.DynamicUnknown
      return wasNumber
        ? problem(
          INVALID_INDEX,
          "The given key does not identify an element in this collection value. An object only supports looking up attributes by name, not by numeric index."
        )
        : notAnElement
    }
    case "Set":
      return problem(
        INVALID_INDEX,
        "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set."
      )
    case "Other":
      return problem(INVALID_INDEX, "This value does not have any indices.")
  }
}
