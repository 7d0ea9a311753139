/**
 * A parameter value's text against the parameter's type (kept out of `RenderOutput`, whose
 * schemas import `effect` only).
 *
 * @since 0.1.0
 */
import { isOfType as isOfTypeInternal } from "./internal/parameterValidation.js"
import type { ParameterType } from "./RenderOutput.js"

/**
 * Whether a value's text is of a parameter's type, as the provider parses it: any text for
 * `string`, a Go float for `number`, a Go bool for `bool`, a JSON array of strings for
 * `list(string)`.
 *
 * @since 0.1.0
 */
export const isOfType: (type: ParameterType, text: string) => boolean = isOfTypeInternal
