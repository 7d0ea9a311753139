/**
 * The form-type truth table (docs/render.md §4.2): which form types a parameter type allows with and
 * without options; the first is the default.
 *
 * @internal
 */
import type * as RenderOutput from "../RenderOutput.js"
import { diagnostic } from "./text.js"

type Row = {
  readonly withOptions: ReadonlyArray<RenderOutput.FormType>
  readonly without: ReadonlyArray<RenderOutput.FormType>
}

/** @internal */
export const truthTable: Record<RenderOutput.ParameterType, Row> = {
  string: { withOptions: ["radio", "dropdown"], without: ["input", "textarea"] },
  number: { withOptions: ["radio", "dropdown"], without: ["input", "slider"] },
  bool: { withOptions: ["radio", "dropdown"], without: ["checkbox", "switch"] },
  "list(string)": { withOptions: ["radio", "multi-select"], without: ["tag-select"] }
}

/** The resolved form type, and the error when the specified one is not allowed. */
export const formTypeOf = (
  type: RenderOutput.ParameterType,
  hasOptions: boolean,
  specified: RenderOutput.FormType | ""
): { readonly formType: RenderOutput.FormType; readonly error?: RenderOutput.Diagnostic } => {
  const row = truthTable[type]
  const allowed = hasOptions ? row.withOptions : row.without
  if (specified === "") return { formType: allowed[0]! }
  if (allowed.includes(specified)) return { formType: specified }
  const other = hasOptions ? row.without : row.withOptions
  const hint = other.includes(specified) ? (hasOptions ? " when options exist" : " when options do not exist") : ""
  return {
    formType: "error",
    error: diagnostic(
      "error",
      `Invalid parameter \`type="${type}"\` and \`form_type="${specified}"\``,
      `"form_type" attribute="${specified}" is not supported for "type"="${type}"${hint}, choose one of [${
        allowed.join(" ")
      }]`
    )
  }
}
