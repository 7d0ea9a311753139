/**
 * Conversions between binary floats and JS doubles, and the float64 `pow` that Terraform's `pow`
 * function uses (Go's `math.Pow` algorithm: exact special cases, square-and-multiply for the integer
 * part of the exponent, `exp(f × log x)` for the fractional part).
 *
 * @internal
 */
import * as Big from "./bigfloat.js"

const view = new DataView(new ArrayBuffer(8))

/**
 * The exact bits of a finite nonzero double.
 *
 * @internal
 */
export const fromDouble = (x: number): Big.Bits => {
  view.setFloat64(0, x)
  const hi = view.getUint32(0)
  const lo = view.getUint32(4)
  const neg = hi >>> 31 === 1
  const biased = (hi >>> 20) & 0x7ff
  const fracHi = hi & 0xfffff
  let mag = (BigInt(fracHi) << 32n) | BigInt(lo)
  let exp: number
  if (biased === 0) {
    exp = -1074
  } else {
    mag |= 1n << 52n
    exp = biased - 1075
  }
  return Big.normalize(neg, mag, exp)!
}

/**
 * `x × 2^e` for a double `x` whose exact result is representable (or overflows to infinity).
 *
 * @internal
 */
const scaleExact = (x: number, e: number): number => {
  let r = x
  let k = e
  while (k > 1000) {
    r *= 2 ** 1000
    k -= 1000
  }
  while (k < -1000) {
    r *= 2 ** -1000
    k += 1000
  }
  return r * 2 ** k
}

/**
 * The double nearest to `±mag × 2^exp` (half to even, with gradual underflow and overflow to
 * infinity), as Go's `big.Float.Float64` rounds.
 *
 * @internal
 */
export const toDouble = (a: Big.Bits): number => {
  const bl = Big.bitLength(a.mag)
  const top = a.exp + bl - 1
  if (top > 1023) return a.neg ? -Infinity : Infinity
  const lsb = Math.max(top - 52, -1074)
  let mag = a.mag
  let exp = a.exp
  if (exp < lsb) {
    const shift = BigInt(lsb - exp)
    let q = mag >> shift
    const rem = mag - (q << shift)
    const half = 1n << (shift - 1n)
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n
    mag = q
    exp = lsb
  }
  const r = scaleExact(Number(mag), exp)
  return a.neg ? -r : r
}

const frexp = (x: number): [number, number] => {
  if (x === 0 || !Number.isFinite(x)) return [x, 0]
  view.setFloat64(0, x)
  let hi = view.getUint32(0)
  let biased = (hi >>> 20) & 0x7ff
  let adjust = 0
  if (biased === 0) {
    // subnormal: scale up into the normal range first
    view.setFloat64(0, x * 2 ** 52)
    hi = view.getUint32(0)
    biased = (hi >>> 20) & 0x7ff
    adjust = -52
  }
  const e = biased - 1022 + adjust
  view.setUint32(0, (hi & 0x800fffff) | (1022 << 20))
  return [view.getFloat64(0), e]
}

/**
 * `frac × 2^e` rounded once (Go's `math.Ldexp`).
 *
 * @internal
 */
export const ldexp = (frac: number, e: number): number => {
  if (frac === 0 || !Number.isFinite(frac)) return frac
  const [f, fe] = frexp(frac)
  const total = fe + e
  if (total > 1024) return f < 0 ? -Infinity : Infinity
  if (total < -1075) return f < 0 ? -0 : 0
  // f ∈ [0.5, 1): f × 2^total. Scale exactly to a normal number, then round once in the last step.
  if (total >= -1021) return scaleExact(f * 2, total - 1)
  return f * 2 ** -1021 * 2 ** (total + 1021)
}

const isOddInt = (x: number): boolean => {
  if (Math.abs(x) >= 2 ** 53) return false
  return Number.isInteger(x) && Math.abs(x % 2) === 1
}

/**
 * Go's `math.Pow(x, y)` computed on doubles. Results with integer exponents are bit-identical to Go;
 * fractional exponents use `Math.exp`/`Math.log`, which may differ from Go's assembly versions in the
 * last bit.
 *
 * @internal
 */
export const goPow = (x: number, y: number): number => {
  if (y === 0 || x === 1) return 1
  if (y === 1) return x
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN
  if (x === 0) {
    if (y < 0) return isOddInt(y) ? (Object.is(x, -0) ? -Infinity : Infinity) : Infinity
    if (y > 0) return isOddInt(y) ? x : 0
  }
  if (!Number.isFinite(y)) {
    if (x === -1) return 1
    return (Math.abs(x) < 1) === (y > 0) ? 0 : Infinity
  }
  if (!Number.isFinite(x)) {
    if (x < 0) return goPow(1 / x, -y)
    if (y < 0) return 0
    if (y > 0) return Infinity
  }
  if (y === 0.5) return Math.sqrt(x)
  if (y === -0.5) return 1 / Math.sqrt(x)
  const ay = Math.abs(y)
  let yi = Math.trunc(ay)
  let yf = ay - yi
  if (yf !== 0 && x < 0) return NaN
  if (yi >= 2 ** 63) {
    if (x === -1) return 1
    return (Math.abs(x) < 1) === (y > 0) ? 0 : Infinity
  }
  let a1 = 1
  let ae = 0
  if (yf !== 0) {
    if (yf > 0.5) {
      yf--
      yi++
    }
    a1 = Math.exp(yf * Math.log(x))
  }
  let [x1, xe] = frexp(x)
  for (let i = yi; i !== 0; i = Math.floor(i / 2)) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      ae += xe
      break
    }
    if (i % 2 === 1) {
      a1 *= x1
      ae += xe
    }
    x1 *= x1
    xe *= 2
    if (x1 < 0.5) {
      x1 += x1
      xe--
    }
  }
  if (y < 0) {
    a1 = 1 / a1
    ae = -ae
  }
  return ldexp(a1, ae)
}
