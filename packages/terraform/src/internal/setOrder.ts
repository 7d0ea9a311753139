/**
 * The order cty gives the elements of a set whose elements are not primitives (lists, objects,
 * maps, tuples): by the bytes of each element's set hash text (`appendSetHashBytes`), compared
 * byte-wise. Numbers appear in it as `big.Float.String()` (`%.10g`), strings as Go's `%q`,
 * `T`/`F`, `~` for null and `?` for unknown; lists and sets as `[e;e;]`, maps as `{k:v;}`,
 * objects (attribute values in name order) and tuples as `<e;e;>`.
 *
 * @internal
 */
import { goQuote } from "../GoQuote.js"
import type * as V from "../Value.js"
import { compareCodePoints } from "./codePointOrder.js"

/** The set hash text of a value; `numberText` is `big.Float.String()` of a number. */
export const setHashText = (value: V.Value, numberText: (n: V.NumberValue) => string): string => {
  const go = (v: V.Value): string => {
    switch (v._tag) {
      case "Unknown":
        return "?"
      case "Null":
        return "~"
      case "Number":
        return numberText(v)
      case "Bool":
        return v.value ? "T" : "F"
      case "String":
        return goQuote(v.value)
      case "Map": {
        let out = "{"
        for (const [k, e] of v.entries) out += `${goQuote(k)}:${go(e)};`
        return `${out}}`
      }
      case "List":
      case "Set":
        return `[${v.elements.map((e) => `${go(e)};`).join("")}]`
      case "Tuple":
        return `<${v.elements.map((e) => `${go(e)};`).join("")}>`
      case "Object": {
        let out = "<"
        for (const e of v.attributes.values()) out += `${go(e)};`
        return `${out}>`
      }
    }
  }
  return go(value)
}

/** Sort non-primitive set elements as cty iterates them. */
export const sortByHash = (
  elements: ReadonlyArray<V.Value>,
  numberText: (n: V.NumberValue) => string
): Array<V.Value> =>
  elements
    .map((v) => ({ v, h: setHashText(v, numberText) }))
    .sort((a, b) => compareCodePoints(a.h, b.h))
    .map((x) => x.v)
