/**
 * Terraform values as `terraform console` prints them: `"text"`, `5`, `tolist([...])`,
 * `toset([...])`, `tomap({...})`, objects and tuples as literals, `(known after apply)`.
 */
import { TfNumber, Type, type Value } from "@warmpool/terraform"

const indent = (text: string): string => text.split("\n").map((line) => `  ${line}`).join("\n")

const key = (k: string): string => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k))

const sequence = (open: string, close: string, elements: ReadonlyArray<Value.Value>): string =>
  elements.length === 0
    ? `${open}${close}`
    : `${open}\n${elements.map((e) => indent(`${valueText(e)},`)).join("\n")}\n${close}`

const entries = (open: string, close: string, pairs: ReadonlyArray<readonly [string, Value.Value]>): string => {
  if (pairs.length === 0) return `${open}${close}`
  const width = Math.max(...pairs.map(([k]) => key(k).length))
  return `${open}\n${pairs.map(([k, v]) => indent(`${key(k).padEnd(width)} = ${valueText(v)}`)).join("\n")}\n${close}`
}

export const valueText = (value: Value.Value): string => {
  switch (value._tag) {
    case "String":
      return value.value.includes("\n")
        ? `<<EOT\n${value.value}${value.value.endsWith("\n") ? "" : "\n"}EOT`
        : JSON.stringify(value.value)
    case "Number":
      return TfNumber.toString(value.value)
    case "Bool":
      return value.value ? "true" : "false"
    case "Null":
      return "null"
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

export const typeText = (type: Type.Type): string => Type.toString(type)
