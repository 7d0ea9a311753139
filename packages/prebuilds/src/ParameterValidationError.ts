/**
 * The keyed validation error of a build (`PREBUILDS.md` §6.1): what `resolveParameters` fails
 * with when parameters, workspace tags or (at import) presets do not validate. It is the only
 * failure that marks a preset `validation_failed`; store, file-loading and renderer-crash failures
 * are other errors.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"

/**
 * One failing field: a parameter name, a tag key or a preset name, with a one-line description of
 * its diagnostics.
 *
 * @since 0.1.0
 * @category models
 */
export interface FieldValidation {
  readonly field: string
  readonly detail: string
}

/**
 * The three messages of §6.1.
 *
 * @since 0.1.0
 * @category constants
 */
export const messages = {
  parameters: "Unable to validate parameters",
  tags: "Unable to parse workspace tags",
  presets: "Unable to validate presets"
} as const

/**
 * A build's parameters, tags or presets failed validation. `validations` are sorted by field;
 * `detail` describes the top-level diagnostics when there are top-level errors. An HTTP layer
 * maps it to 400.
 *
 * @since 0.1.0
 * @category errors
 */
export class ParameterValidationError extends Data.TaggedError("ParameterValidationError")<{
  readonly message: string
  readonly detail?: string
  readonly validations: ReadonlyArray<FieldValidation>
}> {}

/**
 * What {@link describe} needs from a diagnostic (render-output and terraform diagnostics both
 * fit).
 *
 * @since 0.1.0
 * @category models
 */
export interface DiagnosticLike {
  readonly severity: string
  readonly summary: string
  readonly detail: string
}

const oneLine = (diagnostic: DiagnosticLike): string => `${diagnostic.summary}; ${diagnostic.detail}`

/**
 * One line for a list of diagnostics: the first error (the first diagnostic when none is an
 * error) as `summary; detail`, followed by `, and N other diagnostic(s)` when there are more.
 * An empty list gives `no diagnostics`.
 *
 * @since 0.1.0
 * @category utils
 */
export const describe = (diagnostics: ReadonlyArray<DiagnosticLike>): string => {
  if (diagnostics.length === 0) return "no diagnostics"
  const first = diagnostics.find((d) => d.severity === "error") ?? diagnostics[0]!
  return diagnostics.length === 1
    ? oneLine(first)
    : `${oneLine(first)}, and ${diagnostics.length - 1} other diagnostic(s)`
}

const compareFields = (a: FieldValidation, b: FieldValidation): number =>
  a.field < b.field ? -1 : a.field > b.field ? 1 : 0

/**
 * The error for keyed diagnostics (field → diagnostics, fields with no diagnostics left out) and
 * optional top-level diagnostics (`detail` is set only when they contain an error).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  message: string,
  keyed: ReadonlyMap<string, ReadonlyArray<DiagnosticLike>>,
  topLevel: ReadonlyArray<DiagnosticLike> = []
): ParameterValidationError => {
  const validations: Array<FieldValidation> = []
  for (const [field, diagnostics] of keyed) {
    if (diagnostics.length > 0) validations.push({ field, detail: describe(diagnostics) })
  }
  validations.sort(compareFields)
  return topLevel.some((d) => d.severity === "error")
    ? new ParameterValidationError({ message, detail: describe(topLevel), validations })
    : new ParameterValidationError({ message, validations })
}

/**
 * The error as wire diagnostics (severity `error`), one per validation plus one for the
 * top-level detail: what the reconciler stores with a `validation_failed` preset.
 *
 * @since 0.1.0
 * @category utils
 */
export const toDiagnostics = (
  error: ParameterValidationError
): ReadonlyArray<{
  readonly severity: "error"
  readonly summary: string
  readonly detail: string
  readonly extra: { readonly code: string }
}> => [
  ...(error.detail === undefined
    ? []
    : [{ severity: "error" as const, summary: error.message, detail: error.detail, extra: { code: "" } }]),
  ...error.validations.map((v) => ({
    severity: "error" as const,
    summary: `${error.message}: ${v.field}`,
    detail: v.detail,
    extra: { code: "" }
  }))
]

/**
 * A one-line description of the error (for logs and the CLI).
 *
 * @since 0.1.0
 * @category utils
 */
export const format = (error: ParameterValidationError): string => {
  const parts = [
    ...(error.detail === undefined ? [] : [error.detail]),
    ...error.validations.map((v) => `${v.field}: ${v.detail}`)
  ]
  return parts.length === 0 ? error.message : `${error.message}: ${parts.join("; ")}`
}
