/**
 * Which diagnostics a parameter field shows: a "required" error waits until the user has edited
 * or left the field, so that a fresh form does not open covered in red.
 *
 * @since 0.1.0
 */
import type { Parameter } from "../api/types.js"

/**
 * All diagnostics once touched; before that, all but the `required` error.
 *
 * @since 0.1.0
 */
export const visibleDiagnostics = (
  diagnostics: Parameter["diagnostics"],
  touched: boolean
): Parameter["diagnostics"] => touched ? diagnostics : diagnostics.filter((d) => d.extra.code !== "required")
