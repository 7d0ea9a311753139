/**
 * Binary floating-point arithmetic on BigInt mantissas with explicit precision and round-half-to-even,
 * matching the results of Go's `math/big.Float` (every operation rounds the exact result once).
 *
 * A finite nonzero magnitude is a pair `(mag, exp)` meaning `mag × 2^exp` with `mag > 0n`. Results are
 * normalized: `mag` is odd, so equal values have equal pairs.
 *
 * @internal
 */

/**
 * A signed finite nonzero binary float `(neg ? -1 : 1) × mag × 2^exp`.
 */
export interface Bits {
  readonly neg: boolean
  readonly mag: bigint
  readonly exp: number
}

const TWO_POW_32 = 4294967296n
const TWO_POW_64 = 18446744073709551616n

/**
 * Number of bits of a non-negative BigInt (`0n` has 0 bits).
 */
export const bitLength = (n: bigint): number => {
  if (n < TWO_POW_32) return 32 - Math.clz32(Number(n))
  if (n < TWO_POW_64) return 64 - Math.clz32(Number(n >> 32n))
  const hex = n.toString(16)
  return hex.length * 4 - (Math.clz32(parseInt(hex[0]!, 16)) - 28)
}

/**
 * Number of trailing zero bits of a positive BigInt.
 */
export const trailingZeroBits = (n: bigint): number => bitLength(n & -n) - 1

/**
 * Strips trailing zero bits: the canonical `(mag, exp)` of `mag × 2^exp`, or `undefined` for zero.
 */
export const normalize = (neg: boolean, mag: bigint, exp: number): Bits | undefined => {
  if (mag === 0n) return undefined
  if ((mag & 1n) === 1n) return { neg, mag, exp }
  const tz = trailingZeroBits(mag)
  return { neg, mag: mag >> BigInt(tz), exp: exp + tz }
}

/**
 * Rounds `mag × 2^exp` to `prec` bits, half to even. `sticky` says the exact value is a little more than
 * `mag × 2^exp` (strictly less than one unit of `mag` more); callers that set it must pass at least
 * `prec + 1` bits so that the rounding position lies inside `mag`.
 */
export const round = (neg: boolean, mag: bigint, exp: number, prec: number, sticky: boolean): Bits | undefined => {
  const shift = bitLength(mag) - prec
  if (shift <= 0) return normalize(neg, mag, exp)
  const s = BigInt(shift)
  let q = mag >> s
  const rem = mag - (q << s)
  const half = 1n << (s - 1n)
  if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) q += 1n
  return normalize(neg, q, exp + shift)
}

/**
 * `a + b` rounded to `prec` bits; `undefined` when the exact sum is zero. The operands must each fit
 * in `prec` bits (as Go values always fit in their own precision, and results use the larger one).
 */
export const add = (a: Bits, b: Bits, prec: number): Bits | undefined => {
  let x = a
  let y = b
  const topA = a.exp + bitLength(a.mag)
  const topB = b.exp + bitLength(b.mag)
  if (topB > topA) {
    x = b
    y = a
  }
  const topY = topB > topA ? topA : topB
  // Widen the larger operand to at least prec + 2 bits; if the smaller lies entirely below half a unit of
  // that, only its sign matters for rounding (it acts as a sticky bit).
  const bx = bitLength(x.mag)
  const widen = Math.max(0, prec + 2 - bx)
  const lowX = x.exp - widen
  if (topY <= lowX - 1) {
    const wide = x.mag << BigInt(widen + 1)
    return x.neg === y.neg
      ? round(x.neg, wide, lowX - 1, prec, true)
      : round(x.neg, wide - 1n, lowX - 1, prec, true)
  }
  const e = x.exp < y.exp ? x.exp : y.exp
  const mx = x.mag << BigInt(x.exp - e)
  const my = y.mag << BigInt(y.exp - e)
  const sx = x.neg ? -mx : mx
  const sy = y.neg ? -my : my
  const sum = sx + sy
  if (sum === 0n) return undefined
  return sum < 0n ? round(true, -sum, e, prec, false) : round(false, sum, e, prec, false)
}

/**
 * `a × b` rounded to `prec` bits.
 */
export const multiply = (a: Bits, b: Bits, prec: number): Bits =>
  round(a.neg !== b.neg, a.mag * b.mag, a.exp + b.exp, prec, false)!

/**
 * `a / b` rounded to `prec` bits (correctly rounded: the quotient is computed with two extra bits and a
 * sticky remainder).
 */
export const divide = (a: Bits, b: Bits, prec: number): Bits => {
  const k = Math.max(0, prec + 2 - (bitLength(a.mag) - bitLength(b.mag)))
  const num = a.mag << BigInt(k)
  const q = num / b.mag
  const r = num - q * b.mag
  return round(a.neg !== b.neg, q, a.exp - b.exp - k, prec, r !== 0n)!
}

/**
 * `-1`, `0` or `1` as `|a|` is less than, equal to or greater than `|b|`.
 */
export const compareMagnitude = (a: Bits, b: Bits): -1 | 0 | 1 => {
  const topA = a.exp + bitLength(a.mag)
  const topB = b.exp + bitLength(b.mag)
  if (topA !== topB) return topA < topB ? -1 : 1
  const e = a.exp < b.exp ? a.exp : b.exp
  const ma = a.mag << BigInt(a.exp - e)
  const mb = b.mag << BigInt(b.exp - e)
  return ma < mb ? -1 : ma > mb ? 1 : 0
}

/**
 * The integer part of `a` (truncation toward zero), as a signed BigInt.
 */
export const truncateToBigInt = (a: Bits): bigint => {
  const m = a.exp >= 0 ? a.mag << BigInt(a.exp) : a.mag >> BigInt(-a.exp)
  return a.neg ? -m : m
}

/**
 * The canonical bits of a nonzero signed BigInt.
 */
export const fromBigInt = (n: bigint): Bits | undefined => (n < 0n ? normalize(true, -n, 0) : normalize(false, n, 0))

/**
 * Go's binary exponent of a finite nonzero value (the value is `0.1xxx₂ × 2^goExp`).
 */
export const goExponent = (a: Bits): number => a.exp + bitLength(a.mag)
