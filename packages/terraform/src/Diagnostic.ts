/**
 * Diagnostics: every problem found while loading, parsing or evaluating a template is a value of
 * this type, never a thrown exception.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 * @category models
 */
export type Severity = "error" | "warning"

/**
 * A position in a source file: 1-based line and column (in UTF-16 code units), 0-based offset.
 *
 * @since 0.1.0
 * @category models
 */
export interface Pos {
  readonly line: number
  readonly column: number
  readonly offset: number
}

/**
 * A half-open range `[start, end)` in a file.
 *
 * @since 0.1.0
 * @category models
 */
export interface Range {
  readonly file: string
  readonly start: Pos
  readonly end: Pos
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Diagnostic {
  readonly severity: Severity
  readonly summary: string
  readonly detail: string
  /** A machine-readable code (`module_not_loaded`, `required`, ...), `""` when none. */
  readonly code: string
  /** Where the problem is, when known. */
  readonly range?: Range | undefined
  /** The block address the problem belongs to (`data.coder_parameter.region`), when known. */
  readonly address?: string | undefined
}

/**
 * @since 0.1.0
 * @category utils
 */
export const error = (
  summary: string,
  detail = "",
  options?: { readonly code?: string; readonly range?: Range | undefined; readonly address?: string | undefined }
): Diagnostic => ({
  severity: "error",
  summary,
  detail,
  code: options?.code ?? "",
  range: options?.range,
  address: options?.address
})

/**
 * @since 0.1.0
 * @category utils
 */
export const warning = (
  summary: string,
  detail = "",
  options?: { readonly code?: string; readonly range?: Range | undefined; readonly address?: string | undefined }
): Diagnostic => ({
  severity: "warning",
  summary,
  detail,
  code: options?.code ?? "",
  range: options?.range,
  address: options?.address
})

/**
 * @since 0.1.0
 * @category guards
 */
export const isError = (d: Diagnostic): boolean => d.severity === "error"

/**
 * @since 0.1.0
 * @category guards
 */
export const hasErrors = (ds: ReadonlyArray<Diagnostic>): boolean => ds.some(isError)

/**
 * `file:line:column` of a range, for messages.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatRange = (range: Range): string => `${range.file}:${range.start.line},${range.start.column}`
