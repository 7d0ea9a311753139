/**
 * Terraform values as `terraform console` prints them: strings quoted as Go's `strconv.Quote`
 * (heredocs when they hold a newline), `tolist([...])`, `toset([...])`, `tomap({...})`, object
 * keys quoted, typed nulls as `tostring(null)`, `(known after apply)`, `(sensitive value)`.
 */
import { GoQuote, Sensitive, TfNumber, Type, type Value } from "@warmpool/terraform"

const indent = (text: string): string => text.split("\n").map((line) => `  ${line}`).join("\n")

/** Go's `strconv.Quote`. */
export const goQuote = GoQuote.goQuote

const sequence = (open: string, close: string, elements: ReadonlyArray<Value.Value>): string =>
  elements.length === 0
    ? `${open}${close}`
    : `${open}\n${elements.map((e) => indent(`${valueText(e)},`)).join("\n")}\n${close}`

const entries = (open: string, close: string, pairs: ReadonlyArray<readonly [string, Value.Value]>): string =>
  pairs.length === 0
    ? `${open}${close}`
    : `${open}\n${pairs.map(([k, v]) => indent(`${goQuote(k)} = ${valueText(v)}`)).join("\n")}\n${close}`

const nullText = (type: Type.Type): string => {
  switch (type._tag) {
    case "String":
      return "tostring(null)"
    case "Number":
      return "tonumber(null)"
    case "Bool":
      return "tobool(null)"
    case "List":
      return `tolist(null) /* of ${Type.toString(type.element)} */`
    case "Set":
      return `toset(null) /* of ${Type.toString(type.element)} */`
    case "Map":
      return `tomap(null) /* of ${Type.toString(type.element)} */`
    default:
      return "null"
  }
}

export const valueText = (value: Value.Value): string => {
  if (Sensitive.isSensitive(value)) return "(sensitive value)"
  switch (value._tag) {
    case "String":
      return value.value.includes("\n")
        ? `<<EOT\n${value.value}\nEOT` // terraform console adds a line break even after a final one
        : goQuote(value.value)
    case "Number":
      return TfNumber.toString(value.value)
    case "Bool":
      return value.value ? "true" : "false"
    case "Null":
      return nullText(value.type)
    case "Unknown":
      return "(known after apply)"
    case "Tuple":
      return sequence("[", "]", value.elements)
    case "List":
      return `tolist(${sequence("[", "]", value.elements)})`
    case "Set":
      return `toset(${sequence("[", "]", value.elements)})`
    case "Map":
      return `tomap(${entries("{", "}", [...value.entries])})`
    case "Object":
      return entries("{", "}", [...value.attributes])
  }
}
