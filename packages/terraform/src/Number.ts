/**
 * Terraform numbers (cty numbers): arbitrary-precision binary floats as Go's `big.Float` with
 * 512 bits of mantissa, so that decimals print as Terraform prints them.
 *
 * PLACEHOLDER: this first version is backed by JS doubles; the API is final, the internals are
 * being replaced by the 512-bit implementation.
 *
 * @since 0.1.0
 */

/**
 * An immutable Terraform number.
 *
 * @since 0.1.0
 */
export interface TfNumber {
  readonly _TfNumber: unique symbol
}

type Impl = { readonly n: number }
const wrap = (n: number): TfNumber => ({ n }) as unknown as TfNumber
const un = (x: TfNumber): number => (x as unknown as Impl).n

/**
 * Parse a decimal number literal as HCL does (`12`, `-1.5`, `1e3`, `.5` is not valid HCL but is
 * accepted for conversions from strings as cty does). Returns `undefined` when the text is not a
 * number.
 *
 * @since 0.1.0
 */
export const parse = (text: string): TfNumber | undefined => {
  const t = text.trim()
  if (t !== text || !/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined
  return wrap(Number(t))
}

/**
 * @since 0.1.0
 */
export const fromNumber = (n: number): TfNumber => wrap(n)

/**
 * @since 0.1.0
 */
export const toNumber = (x: TfNumber): number => un(x)

/**
 * @since 0.1.0
 */
export const zero: TfNumber = wrap(0)

/**
 * @since 0.1.0
 */
export const one: TfNumber = wrap(1)

/**
 * @since 0.1.0
 */
export const isInteger = (x: TfNumber): boolean => Number.isInteger(un(x))

/**
 * `true` for +Inf and -Inf.
 *
 * @since 0.1.0
 */
export const isInfinite = (x: TfNumber): boolean => !Number.isFinite(un(x))

/**
 * The integer value, when `x` is an integer.
 *
 * @since 0.1.0
 */
export const toBigInt = (x: TfNumber): bigint | undefined => (isInteger(x) ? BigInt(un(x)) : undefined)

/**
 * @since 0.1.0
 */
export const fromBigInt = (n: bigint): TfNumber => wrap(Number(n))

/**
 * @since 0.1.0
 */
export const add = (a: TfNumber, b: TfNumber): TfNumber => wrap(un(a) + un(b))

/**
 * @since 0.1.0
 */
export const subtract = (a: TfNumber, b: TfNumber): TfNumber => wrap(un(a) - un(b))

/**
 * @since 0.1.0
 */
export const multiply = (a: TfNumber, b: TfNumber): TfNumber => wrap(un(a) * un(b))

/**
 * Division; `undefined` when dividing by zero (the caller reports it).
 *
 * @since 0.1.0
 */
export const divide = (
  a: TfNumber,
  b: TfNumber
): TfNumber | undefined => (un(b) === 0 ? undefined : wrap(un(a) / un(b)))

/**
 * Remainder with the sign of the dividend; `undefined` when dividing by zero.
 *
 * @since 0.1.0
 */
export const modulo = (
  a: TfNumber,
  b: TfNumber
): TfNumber | undefined => (un(b) === 0 ? undefined : wrap(un(a) % un(b)))

/**
 * @since 0.1.0
 */
export const negate = (a: TfNumber): TfNumber => wrap(-un(a))

/**
 * @since 0.1.0
 */
export const abs = (a: TfNumber): TfNumber => wrap(Math.abs(un(a)))

/**
 * @since 0.1.0
 */
export const floor = (a: TfNumber): TfNumber => wrap(Math.floor(un(a)))

/**
 * @since 0.1.0
 */
export const ceil = (a: TfNumber): TfNumber => wrap(Math.ceil(un(a)))

/**
 * Truncation toward zero.
 *
 * @since 0.1.0
 */
export const truncate = (a: TfNumber): TfNumber => wrap(Math.trunc(un(a)))

/**
 * @since 0.1.0
 */
export const pow = (a: TfNumber, b: TfNumber): TfNumber => wrap(Math.pow(un(a), un(b)))

/**
 * Natural logarithm of `a` in base `b` (`log(a, b)` in Terraform).
 *
 * @since 0.1.0
 */
export const log = (a: TfNumber, base: TfNumber): TfNumber => wrap(Math.log(un(a)) / Math.log(un(base)))

/**
 * @since 0.1.0
 */
export const compare = (a: TfNumber, b: TfNumber): -1 | 0 | 1 => (un(a) < un(b) ? -1 : un(a) > un(b) ? 1 : 0)

/**
 * @since 0.1.0
 */
export const equals = (a: TfNumber, b: TfNumber): boolean => un(a) === un(b)

/**
 * @since 0.1.0
 */
export const sign = (a: TfNumber): -1 | 0 | 1 => (un(a) < 0 ? -1 : un(a) > 0 ? 1 : 0)

/**
 * The exact decimal text, never an exponent (Terraform's number-to-string conversion, also used
 * by `jsonencode`): `5`, `1.5`, `12345678901234567890`, `0.1`.
 *
 * @since 0.1.0
 */
export const toString = (x: TfNumber): string => {
  const n = un(x)
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString()
  const s = String(n)
  if (!/e/.test(s)) return s
  return n.toFixed(20).replace(/0+$/, "").replace(/\.$/, "")
}

/**
 * Go's `%.10g` (RENDER.md §3.3), used for parameter, option and tag texts in render output.
 *
 * @since 0.1.0
 */
export const formatG10 = (x: TfNumber): string => {
  const n = un(x)
  if (n === 0) return "0"
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf"
  const exp = Math.floor(Math.log10(Math.abs(Number(n.toPrecision(10)))))
  if (exp < -4 || exp >= 10) {
    const [mantissa, e] = n.toExponential(9).split("e")
    const m = mantissa!.includes(".") ? mantissa!.replace(/0+$/, "").replace(/\.$/, "") : mantissa!
    const ev = Number(e)
    return `${m}e${ev < 0 ? "-" : "+"}${String(Math.abs(ev)).padStart(2, "0")}`
  }
  const fixed = Number(n.toPrecision(10)).toFixed(Math.max(0, 9 - exp))
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed
}
