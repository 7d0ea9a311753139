/**
 * Go's `encoding/json` text of strings and of wholly known values, as go-cty writes them.
 *
 * @since 0.1.0
 * @internal
 */
import * as N from "../Number.js"
import type { Value } from "../Value.js"

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0")

const jsonPlain = /^[^"\\\x00-\x1f<>&\u2028\u2029\ud800-\udfff]*$/

/**
 * A JSON string literal as Go's `encoding/json` writes it (HTML-safe: `<`, `>`, `&` and
 * U+2028/U+2029 escaped).
 *
 * @since 0.1.0
 */
export const jsonString = (s: string): string => {
  if (jsonPlain.test(s)) return `"${s}"`
  let out = "\""
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    switch (c) {
      case 0x22:
        out += "\\\""
        continue
      case 0x5c:
        out += "\\\\"
        continue
      case 0x08:
        out += "\\b"
        continue
      case 0x0c:
        out += "\\f"
        continue
      case 0x0a:
        out += "\\n"
        continue
      case 0x0d:
        out += "\\r"
        continue
      case 0x09:
        out += "\\t"
        continue
      case 0x3c:
      case 0x3e:
      case 0x26:
      case 0x2028:
      case 0x2029:
        out += "\\u" + hex(c, 4)
        continue
    }
    if (c < 0x20) {
      out += "\\u" + hex(c, 4)
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!
        i++
      } else {
        out += "\\ufffd"
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += "\\ufffd"
    } else {
      out += s[i]
    }
  }
  return out + "\""
}

/**
 * A wholly known value as go-cty's JSON (`%v` of collections, `%q`): keys sorted, numbers as
 * exact decimals, sets as arrays.
 *
 * @since 0.1.0
 */
export const marshalJson = (v: Value): string => {
  switch (v._tag) {
    case "String":
      return jsonString(v.value)
    case "Number":
      return N.toString(v.value)
    case "Bool":
      return v.value ? "true" : "false"
    case "Null":
      return "null"
    case "List":
    case "Set":
    case "Tuple":
      return "[" + v.elements.map(marshalJson).join(",") + "]"
    case "Map":
    case "Object": {
      const parts: Array<string> = []
      for (const [k, e] of v._tag === "Map" ? v.entries : v.attributes) parts.push(jsonString(k) + ":" + marshalJson(e))
      return "{" + parts.join(",") + "}"
    }
    case "Unknown":
      throw new TypeError("value is not known")
  }
}
