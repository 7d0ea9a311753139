/**
 * Terraform values as JSON text for `--json` output: numbers as exact decimals, sets as arrays in
 * their order, unknowns as `null`.
 */
import { TfNumber, type Value } from "@warmpool/terraform"

export const valueJson = (value: Value.Value): string => {
  switch (value._tag) {
    case "String":
      return JSON.stringify(value.value)
    case "Number":
      return TfNumber.isInfinite(value.value) ? "null" : TfNumber.toString(value.value)
    case "Bool":
      return value.value ? "true" : "false"
    case "Null":
    case "Unknown":
      return "null"
    case "List":
    case "Set":
    case "Tuple":
      return `[${value.elements.map(valueJson).join(",")}]`
    case "Map":
      return `{${[...value.entries].map(([k, v]) => `${JSON.stringify(k)}:${valueJson(v)}`).join(",")}}`
    case "Object":
      return `{${[...value.attributes].map(([k, v]) => `${JSON.stringify(k)}:${valueJson(v)}`).join(",")}}`
  }
}
