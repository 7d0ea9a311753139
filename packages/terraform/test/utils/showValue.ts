/**
 * A compact, type-revealing rendering of a value for test tables: `list[...]`, `set[...]`,
 * `map{...}`, `null(type)`, `unknown(type)`.
 */
import * as N from "../../src/Number.js"
import * as T from "../../src/Type.js"
import type * as V from "../../src/Value.js"

export const showValue = (v: V.Value): string => {
  switch (v._tag) {
    case "String":
      return JSON.stringify(v.value)
    case "Number":
      return N.toString(v.value)
    case "Bool":
      return String(v.value)
    case "Null":
      return v.type._tag === "Dynamic" ? "null" : `null(${T.toString(v.type)})`
    case "Unknown":
      return `unknown(${T.toString(v.type)})`
    case "List":
      return `list[${v.elements.map(showValue).join(",")}]`
    case "Set":
      return `set[${v.elements.map(showValue).join(",")}]`
    case "Tuple":
      return `[${v.elements.map(showValue).join(",")}]`
    case "Map":
      return `map{${[...v.entries].map(([k, e]) => `${k}=${showValue(e)}`).join(",")}}`
    case "Object":
      return `{${[...v.attributes].map(([k, e]) => `${k}=${showValue(e)}`).join(",")}}`
  }
}
