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

const fromBitsUnsigned = (hi: number, lo: number): number => {
  view.setUint32(0, hi >>> 0)
  view.setUint32(4, lo >>> 0)
  return view.getFloat64(0)
}

/**
 * `a × b + c` with a single rounding (the fused multiply-add of the processor), computed exactly on
 * BigInts. Finite operands only.
 */
export const fma = (a: number, b: number, c: number): number => {
  if (a === 0 || b === 0 || !Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c
  const x = fromDouble(a)
  const y = fromDouble(b)
  const pm = x.neg !== y.neg ? -(x.mag * y.mag) : x.mag * y.mag
  const pe = x.exp + y.exp
  if (c === 0) return toDouble(Big.normalize(pm < 0n, pm < 0n ? -pm : pm, pe)!)
  const z = fromDouble(c)
  const cm = z.neg ? -z.mag : z.mag
  const e = pe < z.exp ? pe : z.exp
  const sum = (pm << BigInt(pe - e)) + (cm << BigInt(z.exp - e))
  if (sum === 0n) return 0
  return toDouble(Big.normalize(sum < 0n, sum < 0n ? -sum : sum, e)!)
}

// Constants of the amd64 natural logarithm (the fdlibm polynomial).
const LOG_HALF_SQRT2 = 7.07106781186547524401e-01
const LOG_LN2_HI = 6.93147180369123816490e-01
const LOG_LN2_LO = 1.90821492927058770002e-10
const LOG_L1 = 6.666666666666735130e-01
const LOG_L2 = 3.999999999940941908e-01
const LOG_L3 = 2.857142874366239149e-01
const LOG_L4 = 2.222219843214978396e-01
const LOG_L5 = 1.818357216161805012e-01
const LOG_L6 = 1.531383769920937332e-01
const LOG_L7 = 1.479819860511658591e-01

/**
 * Go's `math.Log` as it runs on amd64 (the same operation sequence, so the same bits), including its
 * handling of subnormal arguments, which it does not renormalize.
 */
export const goLog = (x: number): number => {
  if (x === 0) return -Infinity
  if (x !== x) return x
  if (x < 0 || Object.is(x, -0)) return NaN
  if (x === Infinity) return x
  view.setFloat64(0, x)
  const hi = view.getUint32(0)
  const lo = view.getUint32(4)
  let k = ((hi >>> 20) & 0x7ff) - 0x3fe
  let f1 = fromBitsUnsigned((hi & 0xfffff) | 0x3fe00000, lo)
  if (f1 <= LOG_HALF_SQRT2) {
    k -= 1
    f1 *= 2
  }
  const f = f1 - 1
  const s = f / (2 + f)
  const s2 = s * s
  const s4 = s2 * s2
  const t1 = s2 * (LOG_L1 + s4 * (LOG_L3 + s4 * (LOG_L5 + s4 * LOG_L7)))
  const t2 = s4 * (LOG_L2 + s4 * (LOG_L4 + s4 * LOG_L6))
  const r = t1 + t2
  const hfsq = 0.5 * f * f
  return k * LOG_LN2_HI - ((hfsq - (s * (hfsq + r) + k * LOG_LN2_LO)) - f)
}

const EXP_LOG2E = 1.4426950408889634073599246810018920
const EXP_LN2U = 0.69314718055966295651160180568695068359375
const EXP_LN2L = 0.28235290563031577122588448175013436025525412068e-12
const EXP_OVERFLOW = 7.09782712893384e+02
const EXP_C2 = 1.6666666666666666667e-1
const EXP_C3 = 4.1666666666666666667e-2
const EXP_C4 = 8.3333333333333333333e-3
const EXP_C5 = 1.3888888888888888889e-3
const EXP_C6 = 1.9841269841269841270e-4
const EXP_C7 = 2.4801587301587301587e-5

const roundHalfEvenInt32 = (t: number): number => {
  if (!(t >= -2147483648 && t < 2147483648)) return -2147483648
  const f = Math.floor(t)
  const d = t - f
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1
  return r > 2147483647 ? -2147483648 : r
}

const pow2 = (k: number): number => fromBitsUnsigned(k << 20, 0)

/**
 * Go's `math.Exp` as it runs on amd64 processors with FMA (the code path Terraform takes on current
 * x86 servers): range reduction by `k ln 2`, a degree-7 polynomial on a sixteenth of the remainder,
 * four squarings, and scaling by `2^k`. Without FMA Go rounds differently in the last bit.
 */
export const goExp = (x: number): number => {
  if (x !== x || x === Infinity) return x
  if (x === -Infinity) return 0
  if (x > EXP_OVERFLOW) return Infinity
  let k = roundHalfEvenInt32(EXP_LOG2E * x)
  const kf = k
  let r = fma(-kf, EXP_LN2U, x)
  r = fma(-kf, EXP_LN2L, r)
  r *= 0.0625
  let p = EXP_C7
  p = fma(p, r, EXP_C6)
  p = fma(p, r, EXP_C5)
  p = fma(p, r, EXP_C4)
  p = fma(p, r, EXP_C3)
  p = fma(p, r, EXP_C2)
  p = fma(p, r, 0.5)
  p = fma(p, r, 1)
  r *= p
  r *= r + 2
  r *= r + 2
  r *= r + 2
  r = fma(r, r + 2, 1)
  k += 0x3ff
  if (k <= 0) {
    if (k < -52) return 0
    r *= pow2(k + 0x3fe)
    k = 1
  } else if (k >= 0x7ff) {
    return Infinity
  }
  return r * pow2(k)
}

const isOddInt = (x: number): boolean => {
  if (Math.abs(x) >= 2 ** 53) return false
  return Number.isInteger(x) && Math.abs(x % 2) === 1
}

/**
 * Go's `math.Pow(x, y)` computed on doubles, bit-identical to Go on amd64 with FMA (fractional
 * exponents go through `goExp` and `goLog`).
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
    a1 = goExp(yf * goLog(x))
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
