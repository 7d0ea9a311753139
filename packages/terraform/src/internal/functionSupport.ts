/**
 * The helpers the function families share: total implementations, argument accessors, Go `int`
 * arguments, and the result-size limit.
 *
 * @since 0.1.0
 * @internal
 */
import type { FunctionDefinition } from "../FunctionDefinition.js"
import { FunctionError } from "../FunctionDefinition.js"
import * as N from "../Number.js"
import type { Value } from "../Value.js"

/**
 * The longest string (in UTF-16 code units) a function may produce; longer results are errors
 * instead of exhausting memory (`indent(1e9, ...)`, `format("%999999999s", ...)`).
 *
 * @since 0.1.0
 */
export const maxResultLength = 16 * 1024 * 1024

/**
 * The error for a result longer than {@link maxResultLength}.
 *
 * @since 0.1.0
 */
export const resultTooLong = (): FunctionError =>
  new FunctionError(`the result would be longer than ${maxResultLength} characters, which is more than warmpool allows`)

/**
 * Make a function definition total: any exception thrown by its implementation (or by a
 * computed return type) becomes a `FunctionError`.
 *
 * @since 0.1.0
 */
export const total = (definition: FunctionDefinition): FunctionDefinition => {
  const impl = definition.impl
  const returnType = definition.returnType
  const failure = (error: unknown) =>
    new FunctionError(
      `unexpected failure in function implementation: ${error instanceof Error ? error.message : String(error)}`
    )
  return {
    ...definition,
    returnType: typeof returnType === "function" ?
      (args) => {
        try {
          return returnType(args)
        } catch (error) {
          return failure(error)
        }
      } :
      returnType,
    impl: (args, context) => {
      try {
        return impl(args, context)
      } catch (error) {
        return failure(error)
      }
    }
  }
}

/**
 * The text of a string argument (the evaluator has converted it already).
 *
 * @since 0.1.0
 */
export const stringOf = (v: Value | undefined): string => {
  if (v === undefined || v._tag !== "String") throw new TypeError(`expected a string argument, got ${v?._tag}`)
  return v.value
}

/**
 * The number of a number argument (the evaluator has converted it already).
 *
 * @since 0.1.0
 */
export const numberOf = (v: Value | undefined): N.TfNumber => {
  if (v === undefined || v._tag !== "Number") throw new TypeError(`expected a number argument, got ${v?._tag}`)
  return v.value
}

const int64Min = -(2n ** 63n)
const int64Max = 2n ** 63n - 1n

/**
 * The message of go-cty's conversion of a number to a Go `int`.
 *
 * @since 0.1.0
 */
export const wholeNumberMessage = "value must be a whole number, between -9223372036854775808 and 9223372036854775807"

/**
 * A number as a Go `int` (gocty): a whole number within the 64-bit range, or `undefined`.
 *
 * @since 0.1.0
 */
export const toGoInt = (n: N.TfNumber): bigint | undefined => {
  if (N.isInfinite(n) || !N.isInteger(n)) return undefined
  const b = N.toBigInt(n)
  return b === undefined || b < int64Min || b > int64Max ? undefined : b
}
