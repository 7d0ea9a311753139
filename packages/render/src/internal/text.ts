/**
 * Values as render-output text (RENDER.md §3.2, §3.3) and diagnostics in wire form.
 */
import type { Diagnostic as TfDiagnostic, ExpressionEvaluator } from "@warmpool/terraform"
import { TfNumber, Type, Value } from "@warmpool/terraform"
import type * as RenderOutput from "../RenderOutput.js"

/** The text of a known string, number (`%.10g`) or bool; `undefined` for anything else. */
export const primitiveText = (value: Value.Value): string | undefined => {
  switch (value._tag) {
    case "String":
      return value.value
    case "Number":
      return TfNumber.formatG10(value.value)
    case "Bool":
      return value.value ? "true" : "false"
    default:
      return undefined
  }
}

/** The text of a string, number or bool, `""` otherwise (display names, descriptions, icons). */
export const textOr = (result: ExpressionEvaluator.Result | undefined, fallback = ""): string =>
  result === undefined ? fallback : primitiveText(result.value) ?? fallback

/** HCLString (RENDER.md §3.2): valid when evaluated without errors to a known primitive. */
export const hclString = (result: ExpressionEvaluator.Result | undefined): RenderOutput.HclString => {
  if (result === undefined || result.errors.length > 0) return { value: "", valid: false }
  const text = primitiveText(result.value)
  return text === undefined ? { value: "", valid: false } : { value: text, valid: true }
}

/** A terraform diagnostic in wire form. */
export const wire = (d: TfDiagnostic.Diagnostic): RenderOutput.Diagnostic => ({
  severity: d.severity,
  summary: d.summary,
  detail: d.detail,
  extra: { code: d.code },
  ...(d.range === undefined ? {} : {
    range: {
      file: d.range.file,
      start: { line: d.range.start.line, column: d.range.start.column },
      end: { line: d.range.end.line, column: d.range.end.column }
    }
  })
})

/** A wire diagnostic built directly. */
export const diagnostic = (
  severity: "error" | "warning",
  summary: string,
  detail: string,
  code = ""
): RenderOutput.Diagnostic => ({ severity, summary, detail, extra: { code } })

/** `true` only for a known `true` (RENDER.md §4.1 `mutable`, `ephemeral`). */
export const isTrue = (result: ExpressionEvaluator.Result | undefined): boolean =>
  result !== undefined && result.value._tag === "Bool" && result.value.value

/** A Terraform type name for messages (`Expected a string, got "number"`); `<nil>` for null. */
export const typeName = (value: Value.Value): string =>
  value._tag === "Null" ? "<nil>" : Type.friendlyName(Value.typeOf(value))

/** The message of a caught defect, as diagnostics show it (`TypeError: x is undefined`). */
export const defectMessage = (defect: unknown): string =>
  defect instanceof Error ? `${defect.name}: ${defect.message}` : String(defect)

/** Byte-wise (UTF-8) string order. */
export const compareBytes = Value.compareStrings
