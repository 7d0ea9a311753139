/**
 * Decimal text for binary floats, with the results of Go's `big.Float.Text('f', -1)` (shortest digits
 * that read back to the same value at the value's precision) and `Text('g', n)`, and the decimal
 * scanner of `big.ParseFloat(s, 10, prec, ToNearestEven)`.
 *
 * @internal
 */
import * as Big from "./bigfloat.js"

/**
 * A decimal `0.d₁d₂…dₙ × 10^exp`; `digits` has no trailing zeros and is empty for zero.
 */
export interface Decimal {
  digits: string
  exp: number
}

const pow5Cache = new Map<number, bigint>()

/**
 * `5^k` as a BigInt (cached for the exponents met while printing 512-bit values).
 */
export const pow5 = (k: number): bigint => {
  if (k > 4096) return 5n ** BigInt(k)
  let p = pow5Cache.get(k)
  if (p === undefined) {
    p = 5n ** BigInt(k)
    pow5Cache.set(k, p)
  }
  return p
}

const trimZeros = (s: string): string => {
  let n = s.length
  while (n > 0 && s.charCodeAt(n - 1) === 48) n--
  return n === s.length ? s : s.slice(0, n)
}

/**
 * The exact decimal expansion of `mag × 2^exp` (`mag ≥ 0n`).
 */
export const exactDecimal = (mag: bigint, exp: number): Decimal => {
  if (mag === 0n) return { digits: "", exp: 0 }
  let m = mag
  let e = exp
  if (e < 0) {
    const tz = Math.min(Big.trailingZeroBits(m), -e)
    if (tz > 0) {
      m >>= BigInt(tz)
      e += tz
    }
  }
  if (e >= 0) {
    const s = (m << BigInt(e)).toString()
    return { digits: trimZeros(s), exp: s.length }
  }
  // m / 2^k = m × 5^k / 10^k
  const s = (m * pow5(-e)).toString()
  return { digits: trimZeros(s), exp: s.length + e }
}

const digitAt = (d: Decimal, i: number): number => (i < d.digits.length ? d.digits.charCodeAt(i) : 48)

const roundDown = (d: Decimal, n: number): void => {
  if (n < 0 || n >= d.digits.length) return
  d.digits = trimZeros(d.digits.slice(0, n))
}

const roundUp = (d: Decimal, n: number): void => {
  if (n < 0 || n >= d.digits.length) return
  let k = n
  while (k > 0 && d.digits.charCodeAt(k - 1) >= 57) k--
  if (k === 0) {
    d.digits = "1"
    d.exp++
    return
  }
  d.digits = d.digits.slice(0, k - 1) + String.fromCharCode(d.digits.charCodeAt(k - 1) + 1)
}

/**
 * Keeps `n` significant digits, rounding half to even on the exact digits.
 */
export const roundDigits = (d: Decimal, n: number): void => {
  if (n < 0 || n >= d.digits.length) return
  const c = d.digits.charCodeAt(n)
  let up: boolean
  if (c === 53 && n + 1 === d.digits.length) {
    up = n > 0 && ((d.digits.charCodeAt(n - 1) - 48) & 1) !== 0
  } else {
    up = c >= 53
  }
  if (up) roundUp(d, n)
  else roundDown(d, n)
}

/**
 * Shortens the exact decimal `d` of the normalized value `mag × 2^exp` (odd `mag` of at most `prec`
 * bits) to the fewest digits that still lie within half a unit in the last place at `prec` bits, with
 * Go's rule for which bounds are inclusive and its digit-by-digit walk.
 */
export const roundShortest = (d: Decimal, mag: bigint, exp: number, prec: number): void => {
  if (d.digits.length === 0) return
  const bl = Big.bitLength(mag)
  const s = bl - (prec + 1)
  let m: bigint
  let e: number
  if (s < 0) {
    m = mag << BigInt(-s)
    e = exp + s
  } else {
    m = mag >> BigInt(s)
    e = exp + s
  }
  const lower = exactDecimal(m - 1n, e)
  const upper = exactDecimal(m + 1n, e)
  const inclusive = (m & 2n) === 0n
  const digits = d.digits
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i)
    const l = digitAt(lower, i)
    const u = digitAt(upper, i)
    const okDown = l !== c || (inclusive && i + 1 === lower.digits.length)
    const okUp = c !== u && (inclusive || c + 1 < u || i + 1 < upper.digits.length)
    if (okDown && okUp) {
      roundDigits(d, i + 1)
      return
    }
    if (okDown) {
      roundDown(d, i + 1)
      return
    }
    if (okUp) {
      roundUp(d, i + 1)
      return
    }
  }
}

const zeros = (n: number): string => (n > 0 ? "0".repeat(n) : "")

/**
 * Fixed notation with `prec` fraction digits (`%f`), without sign.
 */
export const formatFixed = (d: Decimal, prec: number): string => {
  let out: string
  if (d.exp > 0) {
    const m = Math.min(d.digits.length, d.exp)
    out = d.digits.slice(0, m) + zeros(d.exp - m)
  } else {
    out = "0"
  }
  if (prec > 0) {
    let frac = ""
    for (let i = 0; i < prec; i++) {
      const j = d.exp + i
      frac += j >= 0 && j < d.digits.length ? d.digits[j] : "0"
    }
    out += "." + frac
  }
  return out
}

/**
 * Exponent notation with `prec` fraction digits (`%e`), without sign.
 */
export const formatExponent = (d: Decimal, prec: number): string => {
  let out = d.digits.length > 0 ? d.digits[0]! : "0"
  if (prec > 0) {
    const m = Math.min(d.digits.length, prec + 1)
    out += "." + d.digits.slice(1, m) + zeros(prec + 1 - Math.max(m, 1))
  }
  let exp = d.digits.length > 0 ? d.exp - 1 : 0
  let sign = "+"
  if (exp < 0) {
    sign = "-"
    exp = -exp
  }
  return out + "e" + sign + (exp < 10 ? "0" : "") + String(exp)
}

/**
 * `%.<prec>g` of an exact decimal (Go's `Text('g', prec)` for `prec > 0`), without sign.
 */
export const formatGeneral = (d: Decimal, precision: number): string => {
  let prec = precision === 0 ? 1 : precision
  roundDigits(d, prec)
  let eprec = prec
  if (eprec > d.digits.length && d.digits.length >= d.exp) eprec = d.digits.length
  const exp = d.exp - 1
  if (exp < -4 || exp >= eprec) {
    if (prec > d.digits.length) prec = d.digits.length
    return formatExponent(d, prec - 1)
  }
  if (prec > d.exp) prec = d.digits.length
  return formatFixed(d, Math.max(prec - d.exp, 0))
}

/**
 * The pieces of a decimal number text as Go's `big.Float` scanner reads it in base 10: value
 * `mant × 2^exp2 × 5^exp5` where `exp2` here already excludes the mantissa's own bit length.
 */
export interface Scanned {
  readonly neg: boolean
  readonly mant: bigint
  /** Go's binary exponent of the unscaled value: `bitLength(mant) + fraction/exponent contributions`. */
  readonly goExp2: number
  readonly exp2: number
  readonly exp5: number
}

const MAX_INT64 = 9223372036854775807n
const MIN_INT64 = -9223372036854775808n
const GO_MIN_EXP = -2147483648
const GO_MAX_EXP = 2147483647

const isDigit = (c: number): boolean => c >= 48 && c <= 57

/**
 * Scans `text` as `big.ParseFloat(text, 10, …)` does: optional sign, decimal digits with at most one
 * `.` and at least one digit, an optional `e`/`E` (decimal) or `p`/`P` (binary) exponent with optional
 * sign and at least one digit, and nothing else. `undefined` when Go reports an error (including an
 * exponent outside int64 and a binary exponent outside Go's int32 range). `Inf` texts are not accepted.
 */
export const scan = (text: string): Scanned | undefined => {
  const n = text.length
  let i = 0
  let neg = false
  if (i < n && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) {
    neg = text.charCodeAt(i) === 45
    i++
  }
  const mantStart = i
  let digitCount = 0
  let dot = -1
  for (; i < n; i++) {
    const c = text.charCodeAt(i)
    if (isDigit(c)) digitCount++
    else if (c === 46 && dot < 0) dot = i
    else break
  }
  if (digitCount === 0) return undefined
  const mantEnd = i
  let fraction = 0
  let digitText: string
  if (dot < 0) {
    digitText = text.slice(mantStart, mantEnd)
  } else {
    fraction = mantEnd - dot - 1
    digitText = text.slice(mantStart, dot) + text.slice(dot + 1, mantEnd)
  }
  let expValue = 0n
  let binaryExp = false
  if (i < n) {
    const c = text.charCodeAt(i)
    if (c === 101 || c === 69) binaryExp = false
    else if (c === 112 || c === 80) binaryExp = true
    else return undefined
    i++
    let expNeg = false
    if (i < n && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) {
      expNeg = text.charCodeAt(i) === 45
      i++
    }
    const expStart = i
    while (i < n && isDigit(text.charCodeAt(i))) i++
    if (i === expStart || i !== n) return undefined
    expValue = BigInt(text.slice(expStart, i))
    if (expNeg) expValue = -expValue
    if (expValue > MAX_INT64 || expValue < MIN_INT64) return undefined
  }
  const mant = BigInt(digitText)
  if (mant === 0n) return { neg, mant, goExp2: 0, exp2: 0, exp5: 0 }
  const bl = Big.bitLength(mant)
  // exponent bookkeeping as Go does it: 10^-fraction = 5^-fraction × 2^-fraction
  const exp10 = binaryExp ? 0n : expValue
  const exp5 = BigInt(-fraction) + exp10
  const goExp2 = BigInt(bl) + BigInt(-fraction) + expValue
  if (goExp2 < BigInt(GO_MIN_EXP) || goExp2 > BigInt(GO_MAX_EXP)) return undefined
  const g = Number(goExp2)
  return { neg, mant, goExp2: g, exp2: g - bl, exp5: Number(exp5) }
}

/** A positive float `mag × 2^exp` at some precision, or infinity, as used while building powers of 5. */
type Pow = { readonly mag: bigint; readonly exp: number } | "inf"

const mulPow = (a: Pow, b: Pow, prec: number): Pow => {
  if (a === "inf" || b === "inf") return "inf"
  const r = Big.round(false, a.mag * b.mag, a.exp + b.exp, prec, false)!
  return Big.goExponent(r) > GO_MAX_EXP ? "inf" : r
}

const POW5_27 = 7450580596923828125n

/**
 * Go's `Float.pow5(n)` for a receiver of precision `prec`: exact up to `5^27`, then binary powering with
 * the accumulator rounded to `prec` bits and the squares to `prec + 64` bits.
 */
export const goPow5 = (n: number, prec: number): Pow => {
  if (n <= 27) return Big.normalize(false, 5n ** BigInt(n), 0)!
  let z: Pow = Big.round(false, POW5_27, 0, prec, false)!
  let f: Pow = { mag: 5n, exp: 0 }
  let k = n - 27
  while (k > 0) {
    if (k % 2 === 1) z = mulPow(z, f, prec)
    f = mulPow(f, f, prec + 64)
    k = Math.floor(k / 2)
  }
  return z
}
