/**
 * Terraform numbers (cty numbers): binary floats with the semantics of Go's `*big.Float` as cty uses
 * them, so that numbers compute and print as Terraform computes and prints them.
 *
 * - Every number carries a precision in bits. Literals and numbers parsed from text have 512 bits
 *   (`big.ParseFloat(s, 10, 512, ToNearestEven)`); integers made by Terraform functions such as
 *   `length` have 64 (`fromInteger`); results of `pow` and `log` are float64 values with 53
 *   (`fromFloat64`). Arithmetic results take the larger precision of their operands and round half to
 *   even, as `big.Float` does.
 * - Safe integers (|n| < 2^53) are held as plain JS numbers and stay that way while results remain safe
 *   integers; everything else is a BigInt mantissa and a binary exponent.
 * - ±Inf exist (from `pow`, `log`, …). There is no NaN. Zero is signed as in `big.Float`: `-0` (a JS
 *   `-0` in the safe-integer form) prints as `-0`, equals `0`, and gives -Inf as a divisor.
 * - Binary exponents are limited to ±16384 (magnitudes from about 10^-4932 to 10^4932): larger results become
 *   ±Inf and smaller ones 0. Go allows ±2^31 but could not print such numbers in reasonable time either.
 *
 * @since 0.1.0
 */
import * as Big from "./internal/bigfloat.js"
import * as Dec from "./internal/bigfloatDecimal.js"
import * as F64 from "./internal/bigfloatFloat64.js"

/**
 * An immutable Terraform number.
 *
 * @since 0.1.0
 * @category models
 */
export interface TfNumber {
  readonly _TfNumber: unique symbol
}

/**
 * The representation. One shape for every number keeps property access monomorphic:
 * - safe integer: `s` is the value, `m` is `0n`;
 * - infinity: `s` is `±Infinity`, `m` is `0n`;
 * - any other finite value: `s` is `NaN`, the value is `m × 2^e` with `m` odd and nonzero.
 * `p` is the precision in bits (always at least 53, so every safe integer is exact at it).
 */
class Num {
  constructor(
    readonly s: number,
    readonly m: bigint,
    readonly e: number,
    readonly p: number
  ) {}
}

const un = (x: TfNumber): Num => x as unknown as Num
const wrap = (x: Num): TfNumber => x as unknown as TfNumber

const LITERAL_PREC = 512
const INT_PREC = 64
const FLOAT64_PREC = 53
const MAX_EXP = 16384
const MIN_EXP = -16384
const MAX_SAFE = 9007199254740991n

const isSmall = (x: Num): boolean => x.s - x.s === 0
const isBig = (x: Num): boolean => x.s !== x.s
const small = (s: number, p: number): Num => new Num(s, 0n, 0, p)
const infinity = (negative: boolean, p: number): Num => new Num(negative ? -Infinity : Infinity, 0n, 0, p)
const zeroAt = (p: number, negative = false): Num => new Num(negative ? -0 : 0, 0n, 0, p)
const maxPrec = (a: Num, b: Num): number => (a.p > b.p ? a.p : b.p)

/** The canonical number for finite bits (or zero), applying the exponent range. */
const fromBits = (b: Big.Bits | undefined, p: number): Num => {
  if (b === undefined) return zeroAt(p)
  const top = Big.goExponent(b)
  if (top > MAX_EXP) return infinity(b.neg, p)
  if (top < MIN_EXP) return zeroAt(p)
  if (b.exp >= 0 && top <= 53) {
    const v = b.mag << BigInt(b.exp)
    if (v <= MAX_SAFE) return small(b.neg ? -Number(v) : Number(v), p)
  }
  return new Num(NaN, b.neg ? -b.mag : b.mag, b.exp, p)
}

/** Bits of a finite nonzero number. */
const toBits = (x: Num): Big.Bits => {
  if (isSmall(x)) {
    const s = x.s
    return Big.normalize(s < 0, BigInt(s < 0 ? -s : s), 0)!
  }
  return x.m < 0n ? { neg: true, mag: -x.m, exp: x.e } : { neg: false, mag: x.m, exp: x.e }
}

const isZero = (x: Num): boolean => x.s === 0
/** The sign bit, including zero's (`-0`). */
const negativeSign = (x: Num): boolean => (isBig(x) ? x.m < 0n : x.s < 0 || Object.is(x.s, -0))
const isInf = (x: Num): boolean => x.s === Infinity || x.s === -Infinity
const signOf = (x: Num): -1 | 0 | 1 => {
  const s = x.s
  if (s === s) return s < 0 ? -1 : s > 0 ? 1 : 0
  return x.m < 0n ? -1 : 1
}

// ---------------------------------------------------------------------------------------------------
// construction

/**
 * Parses a decimal number as Terraform does for literals and string conversions (cty's
 * `ParseNumberVal`, i.e. `big.ParseFloat(text, 10, 512, ToNearestEven)`): an optional sign, digits with
 * an optional `.` (`.5` and `5.` are accepted), and an optional exponent `e±N` (or Go's binary exponent
 * `p±N`). Returns `undefined` when the text is not a number: empty text, spaces, hex, `_`, `Inf`, `NaN`.
 * The result is the 512-bit value nearest to the decimal (Go's own algorithm, which is exact for any
 * decimal exponent up to about ±248 and within rounding of it beyond).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parse = (text: string): TfNumber | undefined => {
  const n = text.length
  if (n > 0 && n < 16) {
    // fast path: plain integers that are safe
    let ok = true
    let i = text.charCodeAt(0) === 45 || text.charCodeAt(0) === 43 ? 1 : 0
    if (i === n) ok = false
    for (; ok && i < n; i++) {
      const c = text.charCodeAt(i)
      if (c < 48 || c > 57) ok = false
    }
    if (ok) return wrap(small(Number(text), LITERAL_PREC))
  }
  const sc = Dec.scan(text)
  if (sc === undefined) return undefined
  if (sc.mant === 0n) return wrap(zeroAt(LITERAL_PREC, sc.neg))
  const value: Big.Bits = { neg: sc.neg, mag: sc.mant, exp: sc.exp2 }
  if (sc.exp5 === 0) {
    return wrap(fromBits(Big.round(value.neg, value.mag, value.exp, LITERAL_PREC, false), LITERAL_PREC))
  }
  const p = Dec.goPow5(Math.abs(sc.exp5), LITERAL_PREC + 64)
  if (p === "inf") return wrap(sc.exp5 < 0 ? zeroAt(LITERAL_PREC) : infinity(sc.neg, LITERAL_PREC))
  const pb: Big.Bits = { neg: false, mag: p.mag, exp: p.exp }
  const r = sc.exp5 < 0 ? Big.divide(value, pb, LITERAL_PREC) : Big.multiply(value, pb, LITERAL_PREC)
  return wrap(fromBits(r, LITERAL_PREC))
}

/**
 * A JS number read as Terraform reads a number literal: safe integers exactly, anything else as the
 * decimal text `String(n)` parsed at 512 bits, so `fromNumber(0.1)` equals `parse("0.1")` (this is
 * what a literal folded to a JSON number by the HCL parser stands for). `±Infinity` gives ±Inf;
 * `NaN`, which no Terraform number can be, gives 0.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromNumber = (n: number): TfNumber => {
  if (Number.isSafeInteger(n)) return wrap(small(n + 0, LITERAL_PREC))
  if (n !== n) return wrap(zeroAt(LITERAL_PREC))
  if (n === Infinity || n === -Infinity) return wrap(infinity(n < 0, LITERAL_PREC))
  return parse(String(n))!
}

/**
 * An integer as Terraform functions return counts, lengths and indexes (cty's `NumberIntVal`:
 * 64-bit precision). Non-integers are truncated toward zero; `NaN` gives 0.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromInteger = (n: number): TfNumber => {
  const t = Math.trunc(n)
  if (Number.isSafeInteger(t)) return wrap(small(t + 0, INT_PREC))
  if (t !== t) return wrap(zeroAt(INT_PREC))
  if (t === Infinity || t === -Infinity) return wrap(infinity(t < 0, INT_PREC))
  return wrap(fromBits(F64.fromDouble(t), INT_PREC))
}

/**
 * The exact value of a double with 53-bit precision (cty's `NumberFloatVal`, used for the results of
 * `pow` and `log`). `NaN` gives 0.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromFloat64 = (n: number): TfNumber => {
  if (Number.isSafeInteger(n)) return wrap(small(n, FLOAT64_PREC))
  if (n !== n) return wrap(zeroAt(FLOAT64_PREC))
  if (n === Infinity || n === -Infinity) return wrap(infinity(n < 0, FLOAT64_PREC))
  return wrap(fromBits(F64.fromDouble(n), FLOAT64_PREC))
}

/**
 * An exact integer, with the precision Go gives `SetInt` (its bit length, at least 64).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromBigInt = (n: bigint): TfNumber => {
  if (n >= -MAX_SAFE && n <= MAX_SAFE) return wrap(small(Number(n), INT_PREC))
  const b = Big.fromBigInt(n)!
  const bl = Big.bitLength(n < 0n ? -n : n)
  return wrap(fromBits(b, bl > INT_PREC ? bl : INT_PREC))
}

/**
 * The double nearest to `x` (half to even; ±Infinity beyond the double range), as Go's
 * `big.Float.Float64`.
 *
 * @since 0.1.0
 * @category utils
 */
export const toNumber = (x: TfNumber): number => {
  const v = un(x)
  if (!isBig(v)) return v.s
  return F64.toDouble(toBits(v))
}

/**
 * 0 (cty's `Zero`, 64-bit precision).
 *
 * @since 0.1.0
 * @category constants
 */
export const zero: TfNumber = wrap(zeroAt(INT_PREC))

/**
 * 1 (64-bit precision).
 *
 * @since 0.1.0
 * @category constants
 */
export const one: TfNumber = wrap(small(1, INT_PREC))

/**
 * +Inf.
 *
 * @since 0.1.0
 * @category constants
 */
export const positiveInfinity: TfNumber = wrap(infinity(false, FLOAT64_PREC))

/**
 * -Inf.
 *
 * @since 0.1.0
 * @category utils
 */
export const negativeInfinity: TfNumber = wrap(infinity(true, FLOAT64_PREC))

/**
 * The precision of `x` in bits (512 for literals, 64 for function-made integers, 53 for float64
 * results, the larger of the operands' for arithmetic).
 *
 * @since 0.1.0
 * @category utils
 */
export const precision = (x: TfNumber): number => un(x).p

// ---------------------------------------------------------------------------------------------------
// predicates

/**
 * `true` for finite whole numbers (±Inf are not integers, as in Go).
 *
 * @since 0.1.0
 * @category guards
 */
export const isInteger = (x: TfNumber): boolean => {
  const v = un(x)
  if (isSmall(v)) return true
  return isBig(v) && v.e >= 0
}

/**
 * `true` for +Inf and -Inf.
 *
 * @since 0.1.0
 * @category guards
 */
export const isInfinite = (x: TfNumber): boolean => isInf(un(x))

/**
 * The integer value, when `x` is an integer.
 *
 * @since 0.1.0
 * @category utils
 */
export const toBigInt = (x: TfNumber): bigint | undefined => {
  const v = un(x)
  if (isSmall(v)) return BigInt(v.s)
  if (isBig(v) && v.e >= 0) return v.m << BigInt(v.e)
  return undefined
}

// ---------------------------------------------------------------------------------------------------
// arithmetic

const addAt = (a: Num, b: Num, p: number): Num => {
  if (isInf(a) || isInf(b)) {
    if (isInf(a) && isInf(b) && a.s !== b.s) return zeroAt(p)
    return infinity((isInf(a) ? a.s : b.s) < 0, p)
  }
  if (isZero(a)) return isZero(b) ? zeroAt(p) : fromBits(Big.round(...spread(toBits(b)), p, false), p)
  if (isZero(b)) return fromBits(Big.round(...spread(toBits(a)), p, false), p)
  return fromBits(Big.add(toBits(a), toBits(b), p), p)
}

const spread = (b: Big.Bits): [boolean, bigint, number] => [b.neg, b.mag, b.exp]

const negated = (x: Num): Num => {
  if (isBig(x)) return new Num(NaN, -x.m, x.e, x.p)
  return new Num(-x.s, 0n, 0, x.p)
}

const multiplyAt = (a: Num, b: Num, p: number): Num => {
  if (isInf(a) || isInf(b)) {
    if (isZero(a) || isZero(b)) return zeroAt(p)
    return infinity(signOf(a) * signOf(b) < 0, p)
  }
  if (isZero(a) || isZero(b)) return zeroAt(p, negativeSign(a) !== negativeSign(b))
  return fromBits(Big.multiply(toBits(a), toBits(b), p), p)
}

/**
 * `a + b`. Rounded to the larger precision of the operands. `+Inf + -Inf` has no value (Terraform
 * reports "can't compute sum of opposing infinities"); this returns 0 for it, so check `isInfinite`
 * first where that matters.
 *
 * @since 0.1.0
 * @category utils
 */
export const add = (a: TfNumber, b: TfNumber): TfNumber => {
  const x = un(a)
  const y = un(b)
  const r = x.s + y.s
  if (Number.isSafeInteger(r)) return wrap(new Num(r, 0n, 0, x.p > y.p ? x.p : y.p))
  return wrap(addAt(x, y, maxPrec(x, y)))
}

/**
 * `a - b`. Rounded to the larger precision of the operands; `Inf - Inf` gives 0 (see `add`).
 *
 * @since 0.1.0
 * @category utils
 */
export const subtract = (a: TfNumber, b: TfNumber): TfNumber => {
  const x = un(a)
  const y = un(b)
  const r = x.s - y.s
  if (Number.isSafeInteger(r)) return wrap(new Num(r, 0n, 0, x.p > y.p ? x.p : y.p))
  return wrap(addAt(x, negated(y), maxPrec(x, y)))
}

/**
 * `a × b` as cty multiplies: the product rounded to 512 bits, with the larger of the operands'
 * precisions and the bits the product needs as its precision. `0 × Inf` has no value (Terraform
 * reports an error); this returns 0 for it.
 *
 * @since 0.1.0
 * @category utils
 */
export const multiply = (a: TfNumber, b: TfNumber): TfNumber => {
  const x = un(a)
  const y = un(b)
  const r = x.s * y.s
  if (Number.isSafeInteger(r)) return wrap(new Num(r, 0n, 0, x.p > y.p ? x.p : y.p))
  const product = multiplyAt(x, y, LITERAL_PREC)
  let p = maxPrec(x, y)
  if (isBig(product)) {
    const need = Big.bitLength(product.m < 0n ? -product.m : product.m)
    if (need > p) p = need
  }
  return wrap(new Num(product.s, product.m, product.e, p))
}

const divideAt = (x: Num, y: Num, p: number): Num | undefined => {
  if (isZero(y)) return undefined
  if (isInf(x)) return isInf(y) ? undefined : infinity((x.s < 0) !== (signOf(y) < 0), p)
  if (isInf(y) || isZero(x)) return zeroAt(p, negativeSign(x) !== negativeSign(y))
  return fromBits(Big.divide(toBits(x), toBits(y), p), p)
}

/**
 * `a / b`, correctly rounded to the larger precision of the operands. `undefined` when dividing by
 * zero and for `Inf / Inf` (the caller reports the error). Note: Terraform itself gives ±Inf for a
 * nonzero number divided by zero and fails only for `0 / 0` and `Inf / Inf`.
 *
 * @since 0.1.0
 * @category utils
 */
export const divide = (a: TfNumber, b: TfNumber): TfNumber | undefined => {
  const x = un(a)
  const y = un(b)
  const ys = y.s
  if (ys !== 0 && isSmall(x) && ys - ys === 0 && x.s % ys === 0) {
    return wrap(new Num(x.s / ys, 0n, 0, x.p > y.p ? x.p : y.p))
  }
  const r = divideAt(x, y, maxPrec(x, y))
  return r === undefined ? undefined : wrap(r)
}

/**
 * The remainder of truncated division, with the sign of the dividend, computed as cty does:
 * `a - b × trunc(a / b)` where the quotient is rounded to the larger precision and the product and
 * difference to `a`'s precision (so non-integers work: `5.5 % 2` is `1.5`). `undefined` when `b` is
 * zero and when either operand is infinite (the caller reports the error). Note: cty returns `a` for
 * `a % 0`.
 *
 * @since 0.1.0
 * @category utils
 */
export const modulo = (a: TfNumber, b: TfNumber): TfNumber | undefined => {
  const x = un(a)
  const y = un(b)
  if (isZero(y) || isInf(x) || isInf(y)) return undefined
  if (isZero(x)) return wrap(zeroAt(x.p, negativeSign(x)))
  if (isSmall(x) && isSmall(y) && (x.p >= INT_PREC || y.p >= INT_PREC)) {
    return wrap(small((x.s % y.s) + 0, x.p))
  }
  const q = divideAt(x, y, maxPrec(x, y))!
  const t = isBig(q) ? Big.truncateToBigInt(toBits(q)) : BigInt(q.s)
  const tb = Big.fromBigInt(t)
  if (tb === undefined) return wrap(fromBits(Big.round(...spread(toBits(x)), x.p, false), x.p))
  const work = fromBits(Big.round(tb.neg, tb.mag, tb.exp, x.p, false), x.p)
  const product = multiplyAt(y, work, x.p)
  return wrap(addAt(x, negated(product), x.p))
}

/**
 * `-a`.
 *
 * @since 0.1.0
 * @category utils
 */
export const negate = (a: TfNumber): TfNumber => {
  const x = un(a)
  if (isInf(x)) return wrap(infinity(x.s > 0, x.p))
  return wrap(negated(x))
}

/**
 * `|a|`.
 *
 * @since 0.1.0
 * @category utils
 */
export const abs = (a: TfNumber): TfNumber => (negativeSign(un(a)) ? negate(a) : a)

const integerPart = (x: Num, mode: "floor" | "ceil" | "trunc"): Num => {
  if (Object.is(x.s, -0)) return zeroAt(x.p) // cty goes through an integer: no sign
  if (!isBig(x) || x.e >= 0) return x
  const bits = toBits(x)
  let t = Big.truncateToBigInt(bits)
  if (mode === "floor" && bits.neg) t -= 1n
  if (mode === "ceil" && !bits.neg) t += 1n
  return fromBits(Big.fromBigInt(t), x.p)
}

/**
 * The greatest integer not above `a` (exact; ±Inf unchanged).
 *
 * @since 0.1.0
 * @category utils
 */
export const floor = (a: TfNumber): TfNumber => wrap(integerPart(un(a), "floor"))

/**
 * The least integer not below `a` (exact; ±Inf unchanged).
 *
 * @since 0.1.0
 * @category utils
 */
export const ceil = (a: TfNumber): TfNumber => wrap(integerPart(un(a), "ceil"))

/**
 * Truncation toward zero (exact; ±Inf unchanged).
 *
 * @since 0.1.0
 * @category utils
 */
export const truncate = (a: TfNumber): TfNumber => wrap(integerPart(un(a), "trunc"))

const toFloat64Arg = (x: Num): number | undefined => {
  const d = toNumber(wrap(x))
  // cty refuses finite numbers beyond the double range ("value must be between …")
  if ((d === Infinity || d === -Infinity) && !isInf(x)) return undefined
  return d
}

/**
 * Terraform's `pow(a, b)`: both converted to doubles, Go's `math.Pow`, the result a 53-bit number.
 * `undefined` where Terraform fails: a finite operand beyond the double range, or no real result
 * (a negative base with a fractional exponent).
 *
 * @since 0.1.0
 * @category utils
 */
export const tryPow = (a: TfNumber, b: TfNumber): TfNumber | undefined => {
  const x = toFloat64Arg(un(a))
  const y = toFloat64Arg(un(b))
  if (x === undefined || y === undefined) return undefined
  const r = F64.goPow(x, y)
  return r !== r ? undefined : fromFloat64(r)
}

/**
 * Terraform's `log(a, base)`: `ln(a) / ln(base)` on doubles, the result a 53-bit number. `undefined`
 * where Terraform fails: a finite operand beyond the double range, or no real result (for example a
 * negative argument).
 *
 * @since 0.1.0
 * @category utils
 */
export const tryLog = (a: TfNumber, base: TfNumber): TfNumber | undefined => {
  const x = toFloat64Arg(un(a))
  const y = toFloat64Arg(un(base))
  if (x === undefined || y === undefined) return undefined
  const r = F64.goLog(x) / F64.goLog(y)
  return r !== r ? undefined : fromFloat64(r)
}

/**
 * `pow(a, b)` as `tryPow`, with 0 where Terraform reports an error (use `tryPow` to report it).
 *
 * @since 0.1.0
 * @category utils
 */
export const pow = (a: TfNumber, b: TfNumber): TfNumber => tryPow(a, b) ?? wrap(zeroAt(FLOAT64_PREC))

/**
 * Logarithm of `a` in base `base` (`log(a, base)` in Terraform) as `tryLog`, with 0 where Terraform
 * reports an error (use `tryLog` to report it).
 *
 * @since 0.1.0
 * @category utils
 */
export const log = (a: TfNumber, base: TfNumber): TfNumber => tryLog(a, base) ?? wrap(zeroAt(FLOAT64_PREC))

// ---------------------------------------------------------------------------------------------------
// comparison

/**
 * Numeric order of the values (precision plays no part): -1, 0 or 1.
 *
 * @since 0.1.0
 * @category utils
 */
export const compare = (a: TfNumber, b: TfNumber): -1 | 0 | 1 => {
  const x = un(a)
  const y = un(b)
  if (!isBig(x) && !isBig(y)) return x.s < y.s ? -1 : x.s > y.s ? 1 : 0
  if (isInf(x) || isInf(y)) {
    const rx = x.s === Infinity ? 1 : x.s === -Infinity ? -1 : 0
    const ry = y.s === Infinity ? 1 : y.s === -Infinity ? -1 : 0
    return rx < ry ? -1 : rx > ry ? 1 : 0
  }
  const sx = signOf(x)
  const sy = signOf(y)
  if (sx !== sy) return sx < sy ? -1 : 1
  if (sx === 0) return 0
  const c = Big.compareMagnitude(toBits(x), toBits(y))
  // `-c` of an equal magnitude would be -0, which is not 0 to `Object.is` (nor to a caller's switch on Object.is)
  return (c === 0 ? 0 : sx < 0 ? -c : c) as -1 | 0 | 1
}

/**
 * Numeric equality (precision plays no part, as in cty).
 *
 * @since 0.1.0
 * @category utils
 */
export const equals = (a: TfNumber, b: TfNumber): boolean => {
  const x = un(a)
  const y = un(b)
  if (x.s === y.s) return true
  return isBig(x) && isBig(y) && x.m === y.m && x.e === y.e
}

/**
 * -1, 0 or 1.
 *
 * @since 0.1.0
 * @category utils
 */
export const sign = (a: TfNumber): -1 | 0 | 1 => signOf(un(a))

/**
 * Whether the sign bit is set: true for negative numbers and for `-0`.
 *
 * @since 0.1.0
 * @category guards
 */
export const isSignNegative = (a: TfNumber): boolean => negativeSign(un(a))

/**
 * A string that is equal for equal values and different otherwise (whatever their precision), for
 * use as a map or set key. Not meant for display.
 *
 * @since 0.1.0
 * @category utils
 */
export const exactKey = (x: TfNumber): string => {
  const v = un(x)
  if (!isBig(v)) return v.s === Infinity ? "+Inf" : v.s === -Infinity ? "-Inf" : String(v.s)
  return v.m.toString(16) + "p" + String(v.e)
}

// ---------------------------------------------------------------------------------------------------
// text

const exactDecimalOf = (v: Num): Dec.Decimal => {
  const b = toBits(v)
  return Dec.exactDecimal(b.mag, b.exp)
}

/**
 * The number as Terraform writes it when converting to a string (and in JSON): Go's
 * `big.Float.Text('f', -1)`, the shortest decimal that reads back to the same value at the number's
 * precision, never with an exponent: `5`, `1.5`, `12345678901234567890`, `0.1`, `0.3` for `0.1 + 0.2`,
 * `1000000000000000000000000000000` for `1e30`. Infinities are `+Inf` and `-Inf`.
 *
 * @since 0.1.0
 * @category utils
 */
export const toString = (x: TfNumber): string => {
  const v = un(x)
  if (!isBig(v)) return v.s === Infinity ? "+Inf" : v.s === -Infinity ? "-Inf" : Object.is(v.s, -0) ? "-0" : String(v.s)
  const b = toBits(v)
  const d = Dec.exactDecimal(b.mag, b.exp)
  Dec.roundShortest(d, b.mag, b.exp, v.p)
  const text = Dec.formatFixed(d, Math.max(d.digits.length - d.exp, 0))
  return b.neg ? "-" + text : text
}

/**
 * Go's `%.10g` of the exact value (`big.Float.Text('g', 10)`; docs/render.md §3.3), used for parameter,
 * option and tag texts in render output: 10 significant digits rounded half to even, exponent form
 * (`1.23456789e+10`, `1e-05`) when the decimal exponent is below -4 or at least 10, trailing zeros
 * trimmed.
 *
 * @since 0.1.0
 * @category formatting
 */
export const formatG10 = (x: TfNumber): string => {
  const v = un(x)
  if (!isBig(v)) {
    const s = v.s
    if (s === Infinity) return "+Inf"
    if (s === -Infinity) return "-Inf"
    if (Object.is(s, -0)) return "-0"
    if (s < 1e10 && s > -1e10) return String(s)
    const d: Dec.Decimal = { digits: "", exp: 0 }
    const digits = String(s < 0 ? -s : s)
    let n = digits.length
    while (n > 0 && digits.charCodeAt(n - 1) === 48) n--
    d.digits = digits.slice(0, n)
    d.exp = digits.length
    const text = Dec.formatGeneral(d, 10)
    return s < 0 ? "-" + text : text
  }
  const text = Dec.formatGeneral(exactDecimalOf(v), 10)
  return v.m < 0n ? "-" + text : text
}
