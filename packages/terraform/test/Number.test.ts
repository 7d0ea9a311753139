import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as N from "../src/Number.js"

const p = (text: string): N.TfNumber => {
  const x = N.parse(text)
  if (x === undefined) throw new Error(`test fixture does not parse: ${text}`)
  return x
}
const int64 = (n: number) => N.fromInteger(n)
const f64 = (n: number) => N.fromFloat64(n)
const text = (x: N.TfNumber | undefined) => (x === undefined ? "undefined" : N.toString(x))

/** The exact value of a number as `mag × 2^exp` with a sign, read from `exactKey`. */
const exact = (x: N.TfNumber): { neg: boolean; mag: bigint; exp: number } => {
  const key = N.exactKey(x)
  const neg = key.startsWith("-")
  const body = neg ? key.slice(1) : key
  const at = body.indexOf("p")
  if (at < 0) return { neg, mag: BigInt(body), exp: 0 }
  return { neg, mag: BigInt("0x" + body.slice(0, at)), exp: Number(body.slice(at + 1)) }
}

const bitLength = (n: bigint) => (n === 0n ? 0 : n.toString(2).length)

describe("Number: known values (expected texts are Terraform's, from Go big.Float and cty)", () => {
  // [expression, result, Text('f', -1), Text('g', 10), precision]
  const table: ReadonlyArray<readonly [string, N.TfNumber | undefined, string, string, number]> = [
    ["0.1", p("0.1"), "0.1", "0.1", 512],
    ["0.1 + 0.2", N.add(p("0.1"), p("0.2")), "0.3", "0.3", 512],
    ["0.1 * 3", N.multiply(p("0.1"), p("3")), "0.3", "0.3", 512],
    [
      "1 / 3",
      N.divide(p("1"), p("3")),
      "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335",
      "0.3333333333",
      512
    ],
    [
      "2 / 3",
      N.divide(p("2"), p("3")),
      "0.6666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666667",
      "0.6666666667",
      512
    ],
    ["10 / 4", N.divide(p("10"), p("4")), "2.5", "2.5", 512],
    ["2 / 3 * 3", N.multiply(N.divide(p("2"), p("3"))!, p("3")), "2", "2", 512],
    [
      "0.3 - 0.1",
      N.subtract(p("0.3"), p("0.1")),
      "0.20000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000002",
      "0.2",
      512
    ],
    [
      "1.1 * 1.1",
      N.multiply(p("1.1"), p("1.1")),
      "1.2100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000001",
      "1.21",
      512
    ],
    [
      "100 / 7",
      N.divide(p("100"), p("7")),
      "14.285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714286",
      "14.28571429",
      512
    ],
    [
      "12345678901234567890 + 1",
      N.add(p("12345678901234567890"), p("1")),
      "12345678901234567891",
      "1.23456789e+19",
      512
    ],
    ["9007199254740991 + 2", N.add(p("9007199254740991"), p("2")), "9007199254740993", "9.007199255e+15", 512],
    ["1e21 + 1", N.add(p("1e21"), p("1")), "1000000000000000000001", "1e+21", 512],
    ["1e30", p("1e30"), "1000000000000000000000000000000", "1e+30", 512],
    [
      "123456789012345678901234567890 * 987654321",
      N.multiply(p("123456789012345678901234567890"), p("987654321")),
      "121932631124828532112482853211126352690",
      "1.219326311e+38",
      512
    ],
    ["1e-7", p("1e-7"), "0.0000001", "1e-07", 512],
    ["1e-30", p("1e-30"), "0.000000000000000000000000000001", "1e-30", 512],
    ["0.000001", p("0.000001"), "0.000001", "1e-06", 512],
    ["123.456", p("123.456"), "123.456", "123.456", 512],
    ["1 / 1024", N.divide(p("1"), p("1024")), "0.0009765625", "0.0009765625", 512],
    ["-0.5", p("-0.5"), "-0.5", "-0.5", 512],
    ["3.0", p("3.0"), "3", "3", 512],
    ["007.50", p("007.50"), "7.5", "7.5", 512],
    [".5", p(".5"), "0.5", "0.5", 512],
    ["5.", p("5."), "5", "5", 512],
    ["+7", p("+7"), "7", "7", 512],
    ["1.5E-2", p("1.5E-2"), "0.015", "0.015", 512],
    ["1p3 (Go binary exponent)", p("1p3"), "8", "8", 512],
    // zero is signed as in big.Float (terraform console: `-0`, `0 * -1`, `0 / -1` print -0)
    ["-0", p("-0"), "-0", "-0", 512],
    ["-0 * 5", N.multiply(p("-0"), p("5")), "-0", "-0", 512],
    ["0 / -5", N.divide(p("0"), p("-5")), "-0", "-0", 512],
    ["-0 + 0", N.add(p("-0"), p("0")), "0", "0", 512],
    ["-0 - 0", N.subtract(p("-0"), p("0")), "-0", "-0", 512],
    ["-(-0)", N.negate(p("-0")), "0", "0", 512],
    ["abs(-0)", N.abs(p("-0")), "0", "0", 512],
    ["floor(-0)", N.floor(p("-0")), "0", "0", 512],
    ["-0 % 5", N.modulo(p("-0"), p("5"))!, "-0", "-0", 512],
    ["length-style 4 / 3 (64-bit)", N.divide(int64(4), int64(3)), "1.3333333333333333334", "1.333333333", 64],
    ["float64 4 / 3 (53-bit)", N.divide(f64(4), f64(3)), "1.3333333333333333", "1.333333333", 53],
    [
      "64-bit 1 / literal 3",
      N.divide(int64(1), p("3")),
      "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335",
      "0.3333333333",
      512
    ],
    ["float64 2^60", f64(2 ** 60), "1152921504606847000", "1.152921505e+18", 53],
    ["int64 2^60", int64(2 ** 60), "1152921504606846976", "1.152921505e+18", 64],
    ["2^32 * 2^32 (64-bit)", N.multiply(int64(2 ** 32), int64(2 ** 32)), "18446744073709551616", "1.844674407e+19", 64],
    [
      "(2^64-1)^2 (64-bit operands widen)",
      N.multiply(N.fromBigInt(2n ** 64n - 1n), N.fromBigInt(2n ** 64n - 1n)),
      "340282366920938463426481119284349108225",
      "3.402823669e+38",
      128
    ],
    [
      "(2^64-1) + (2^64-1) (rounded to 64 bits)",
      N.add(N.fromBigInt(2n ** 64n - 1n), N.fromBigInt(2n ** 64n - 1n)),
      "36893488147419103230",
      "3.689348815e+19",
      64
    ],
    ["5.5 % 2", N.modulo(p("5.5"), p("2")), "1.5", "1.5", 512],
    ["-5 % 3", N.modulo(p("-5"), p("3")), "-2", "-2", 512],
    ["5 % -3", N.modulo(p("5"), p("-3")), "2", "2", 512],
    ["-7.5 % 2", N.modulo(p("-7.5"), p("2")), "-1.5", "-1.5", 512],
    ["(2^53-1) % 2 (53-bit)", N.modulo(f64(9007199254740991), f64(2)), "1", "1", 53],
    ["floor(-2.5)", N.floor(p("-2.5")), "-3", "-3", 512],
    ["ceil(-2.5)", N.ceil(p("-2.5")), "-2", "-2", 512],
    ["floor(2.5)", N.floor(p("2.5")), "2", "2", 512],
    ["ceil(2.000001)", N.ceil(p("2.000001")), "3", "3", 512],
    ["truncate(-2.7)", N.truncate(p("-2.7")), "-2", "-2", 512],
    ["pow(2, 10)", N.pow(int64(2), int64(10)), "1024", "1024", 53],
    ["pow(2, 0.5)", N.pow(int64(2), p("0.5")), "1.4142135623730951", "1.414213562", 53],
    ["pow(10, -2)", N.pow(int64(10), p("-2")), "0.01", "0.01", 53],
    ["pow(1.5, 2.5)", N.pow(p("1.5"), p("2.5")), "2.7556759606310757", "2.755675961", 53],
    ["pow(10, 400)", N.pow(int64(10), int64(400)), "+Inf", "+Inf", 53],
    ["log(8, 2)", N.log(int64(8), int64(2)), "3", "3", 53],
    ["log(100, 10)", N.log(int64(100), int64(10)), "2", "2", 53],
    ["log(2.5, 1.5)", N.log(p("2.5"), p("1.5")), "2.259851004564663", "2.259851005", 53],
    ["-Inf + 1", N.add(N.negativeInfinity, int64(1)), "-Inf", "-Inf", 64]
  ]
  for (const [name, value, fText, gText, prec] of table) {
    it(name, () => {
      expect(value).toBeDefined()
      expect(N.toString(value!)).toBe(fText)
      expect(N.formatG10(value!)).toBe(gText)
      expect(N.precision(value!)).toBe(prec)
    })
  }

  it("docs/render.md §3.3 examples", () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ["5", "5"],
      ["1.5", "1.5"],
      ["-7", "-7"],
      ["1234567890", "1234567890"],
      ["12345678901", "1.23456789e+10"],
      ["1e10", "1e+10"],
      ["0.0001", "0.0001"],
      ["0.00001", "1e-05"],
      ["3.14159265358979", "3.141592654"],
      ["-12345678901", "-1.23456789e+10"],
      ["9999999999", "9999999999"],
      ["99999999995", "1e+11"],
      ["0.12345678905", "0.123456789"],
      ["0.12345678915", "0.1234567891"],
      ["1e100", "1e+100"],
      ["0", "0"]
    ]
    for (const [input, want] of cases) expect(N.formatG10(p(input))).toBe(want)
  })

  it("toNumber rounds as big.Float.Float64", () => {
    expect(N.toNumber(p("0.1"))).toBe(0.1)
    expect(N.toNumber(p("1e400"))).toBe(Infinity)
    expect(N.toNumber(p("-1e400"))).toBe(-Infinity)
    expect(N.toNumber(p("2.5e-324"))).toBe(5e-324)
    expect(N.toNumber(p("2.4e-324"))).toBe(0)
    expect(N.toNumber(p("1e-400"))).toBe(0)
    expect(N.toNumber(p("9007199254740993"))).toBe(9007199254740992)
    expect(N.toNumber(p("9007199254740995"))).toBe(9007199254740996)
  })
})

describe("Number: parse", () => {
  it("rejects what big.ParseFloat base 10 rejects, and Inf/NaN text", () => {
    for (
      const bad of [
        "",
        " ",
        " 1",
        "1 ",
        "-",
        "+",
        ".",
        "-.",
        "1e",
        "1e+",
        "e5",
        "0x10",
        "1_000",
        "Inf",
        "+Inf",
        "-inf",
        "NaN",
        "1.2.3",
        "--1",
        "+-1",
        "1,5",
        "1e5.5",
        "١",
        "1e99999999999999999999"
      ]
    ) {
      expect(N.parse(bad), JSON.stringify(bad)).toBeUndefined()
    }
  })

  it("gives the nearest 512-bit value (half to even) for decimals with moderate exponents", () => {
    const decimal = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^[0-9]{1,60}$/),
        fc.nat({ max: 60 }),
        fc.integer({ min: -200, max: 200 })
      )
      .map(([neg, digits, point, e]) => {
        const at = Math.min(point, digits.length)
        return `${neg ? "-" : ""}${digits.slice(0, at)}.${digits.slice(at)}e${e}`.replace(/^(-?)\./, "$10.")
      })
    fc.assert(
      fc.property(decimal, (t) => {
        const x = N.parse(t)
        expect(x).toBeDefined()
        const m = /^(-?)(\d*)\.(\d*)e(-?\d+)$/.exec(t)!
        let num = BigInt(m[2]! + m[3]! || "0")
        let den = 1n
        const e10 = Number(m[4]) - m[3]!.length
        if (e10 >= 0) num *= 10n ** BigInt(e10)
        else den = 10n ** BigInt(-e10)
        if (num === 0n) {
          expect(N.sign(x!)).toBe(0)
          return
        }
        const v = exact(x!)
        expect(v.neg).toBe(m[1] === "-")
        // scale so that v = mag / 2^k exactly, with the 512-bit ulp = 2^(top - 512)
        const top = v.exp + bitLength(v.mag)
        const shift = Math.max(0, 520 - top, -v.exp)
        const scale = 2n ** BigInt(shift)
        const vScaled = v.exp + shift >= 0 ? v.mag << BigInt(v.exp + shift) : v.mag >> BigInt(-(v.exp + shift))
        const ulpScaled = 2n ** BigInt(top - 512 + shift)
        // |vScaled/scale - num/den| <= ulp/2  <=>  2|vScaled*den - num*scale| <= ulpScaled*den
        const diff = vScaled * den - num * scale
        const twice = 2n * (diff < 0n ? -diff : diff)
        expect(twice <= ulpScaled * den).toBe(true)
        if (twice === ulpScaled * den) expect((vScaled / ulpScaled) % 2n).toBe(0n)
      }),
      { numRuns: 300 }
    )
  })

  it("reads back what toString writes (512-bit values)", () => {
    const arb = fc
      .tuple(fc.stringMatching(/^[1-9][0-9]{0,40}$/), fc.integer({ min: -120, max: 120 }), fc.boolean())
      .map(([d, e, neg]) => (neg ? "-" : "") + d + "e" + e)
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        for (const x of [p(a), N.divide(p(a), p(b))!, N.add(p(a), p(b)), N.multiply(p(a), p(b))]) {
          expect(N.equals(p(N.toString(x)), x)).toBe(true)
        }
      }),
      { numRuns: 200 }
    )
  })
})

describe("Number: doubles", () => {
  it("toString(fromNumber(d)) and toString(fromFloat64(d)) read back as the same double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        expect(Number(N.toString(N.fromNumber(d)))).toBe(d + 0)
        // a float64 keeps its sign of zero (cty's NumberFloatVal(-0) is -0)
        expect(Number(N.toString(N.fromFloat64(d)))).toBe(d)
        expect(N.toNumber(N.fromFloat64(d))).toBe(d)
      }),
      { numRuns: 1000 }
    )
  })

  it("fromNumber reads a double as its literal text would read", () => {
    expect(N.equals(N.fromNumber(0.1), p("0.1"))).toBe(true)
    expect(N.toString(N.add(N.fromNumber(0.1), N.fromNumber(0.2)))).toBe("0.3")
    expect(N.toString(N.fromNumber(1e21))).toBe("1000000000000000000000")
    expect(N.toString(N.fromNumber(-0))).toBe("0")
    expect(N.toString(N.fromNumber(Infinity))).toBe("+Inf")
    expect(N.equals(N.fromFloat64(0.1), p("0.1"))).toBe(false)
    expect(N.toString(N.fromFloat64(0.1))).toBe("0.1")
  })
})

describe("Number: integer arithmetic agrees with BigInt", () => {
  const big = fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n })
  const lit = (n: bigint) => p(n.toString())
  it("add, subtract, multiply, exact divide, modulo, compare", () => {
    fc.assert(
      fc.property(big, big, (a, b) => {
        expect(N.toBigInt(N.add(lit(a), lit(b)))).toBe(a + b)
        expect(N.toBigInt(N.subtract(lit(a), lit(b)))).toBe(a - b)
        expect(N.toBigInt(N.multiply(lit(a), lit(b)))).toBe(a * b)
        // a zero product keeps the sign of the factors, as big.Float does
        expect(N.toString(N.multiply(lit(a), lit(b)))).toBe(
          a * b === 0n && (a < 0n) !== (b < 0n) ? "-0" : (a * b).toString()
        )
        expect(N.compare(lit(a), lit(b))).toBe(a < b ? -1 : a > b ? 1 : 0)
        if (b !== 0n) {
          expect(N.toBigInt(N.divide(lit(a * b), lit(b))!)).toBe(a)
          expect(N.toBigInt(N.modulo(lit(a), lit(b))!)).toBe(a % b)
        }
      }),
      { numRuns: 500 }
    )
  })

  it("compare of two equal negative big numbers is 0, not -0 (a counterexample fast-check found)", () => {
    const a = p("-1606938044258990275541962092341162602522202993782792835301370")
    expect(Object.is(N.compare(a, a), 0)).toBe(true)
    expect(Object.is(N.compare(a, p("-1606938044258990275541962092341162602522202993782792835301370")), 0)).toBe(true)
  })

  it("safe integers stay on the fast path with exact results", () => {
    const safe = fc.integer({ min: -(2 ** 40), max: 2 ** 40 })
    fc.assert(
      fc.property(safe, safe, (a, b) => {
        const x = int64(a)
        const y = int64(b)
        expect(N.toString(N.add(x, y))).toBe(String(a + b))
        expect(N.toString(N.subtract(x, y))).toBe(String(a - b))
        expect(N.toBigInt(N.multiply(x, y))).toBe(BigInt(a) * BigInt(b))
        expect(N.precision(N.add(x, y))).toBe(64)
        if (b !== 0) {
          expect(N.toBigInt(N.modulo(x, y)!)).toBe(BigInt(a) % BigInt(b))
          expect(N.toBigInt(N.divide(int64(a * 3), int64(3))!)).toBe(BigInt(a))
        }
      })
    )
  })

  it("fromBigInt and toBigInt round trip", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }), (n) => {
        expect(N.toBigInt(N.fromBigInt(n))).toBe(n)
        expect(N.toString(N.fromBigInt(n))).toBe(n.toString())
      })
    )
  })
})

describe("Number: order", () => {
  const value = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(N.fromNumber),
    fc.tuple(fc.stringMatching(/^[1-9][0-9]{0,30}$/), fc.integer({ min: -60, max: 60 }), fc.boolean()).map((
      [d, e, n]
    ) => p((n ? "-" : "") + d + "e" + e)),
    fc.integer().map(int64),
    fc.constantFrom(N.positiveInfinity, N.negativeInfinity, N.zero)
  )
  it("compare is a total order consistent with subtraction and equality", () => {
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const ab = N.compare(a, b)
        expect(N.compare(b, a)).toBe(ab === 0 ? 0 : -ab)
        expect(N.equals(a, b)).toBe(ab === 0)
        expect(N.exactKey(a) === N.exactKey(b)).toBe(ab === 0)
        if (!N.isInfinite(a) && !N.isInfinite(b)) expect(N.sign(N.subtract(a, b))).toBe(ab)
        if (ab <= 0 && N.compare(b, c) <= 0) expect(N.compare(a, c)).toBeLessThanOrEqual(0)
      }),
      { numRuns: 1000 }
    )
  })

  it("infinities and signs", () => {
    expect(N.compare(N.positiveInfinity, p("1e300"))).toBe(1)
    expect(N.compare(N.negativeInfinity, p("-1e300"))).toBe(-1)
    expect(N.isInfinite(N.negate(N.positiveInfinity))).toBe(true)
    expect(N.sign(N.negativeInfinity)).toBe(-1)
    expect(N.isInteger(N.positiveInfinity)).toBe(false)
    expect(N.isInteger(p("1e30"))).toBe(true)
    expect(N.isInteger(p("1.5"))).toBe(false)
    expect(N.toBigInt(p("1.5"))).toBeUndefined()
    expect(N.toBigInt(p("1e30"))).toBe(10n ** 30n)
    expect(N.equals(p("0.5"), f64(0.5))).toBe(true)
    expect(N.equals(N.abs(p("-2.5")), p("2.5"))).toBe(true)
  })
})

describe("Number: errors are values", () => {
  it("division and modulo by zero are undefined; Inf / Inf too", () => {
    expect(N.divide(p("1"), N.zero)).toBeUndefined()
    expect(N.divide(p("0"), p("0.0"))).toBeUndefined()
    expect(N.divide(N.positiveInfinity, N.negativeInfinity)).toBeUndefined()
    expect(N.modulo(p("5"), p("0"))).toBeUndefined()
    expect(N.modulo(N.positiveInfinity, p("2"))).toBeUndefined()
    expect(text(N.divide(N.positiveInfinity, p("-2")))).toBe("-Inf")
    expect(text(N.divide(p("2"), N.positiveInfinity))).toBe("0")
  })

  it("pow and log report where Terraform fails", () => {
    expect(N.tryPow(p("-8"), p("0.5"))).toBeUndefined()
    expect(N.tryPow(p("1e400"), p("1"))).toBeUndefined()
    expect(N.tryLog(p("-1"), p("10"))).toBeUndefined()
    expect(text(N.tryLog(p("0"), p("10")))).toBe("-Inf")
    expect(text(N.tryPow(N.positiveInfinity, p("-1")))).toBe("0")
  })

  it("values beyond the exponent range become infinite or zero", () => {
    expect(N.toString(p("1e6000"))).toBe("+Inf")
    expect(N.toString(p("-1e6000"))).toBe("-Inf")
    expect(N.toString(p("1e-6000"))).toBe("0")
    expect(N.toString(N.multiply(p("1e3000"), p("1e3000")))).toBe("+Inf")
  })
})

/** %.10g from its definition, on exact rationals (independent of the implementation under test). */
const referenceG10 = (x: N.TfNumber): string => {
  if (N.isInfinite(x)) return N.sign(x) > 0 ? "+Inf" : "-Inf"
  if (N.sign(x) === 0) return N.isSignNegative(x) ? "-0" : "0" // Go's %g keeps the sign of zero
  const v = exact(x)
  const num0 = v.exp >= 0 ? v.mag << BigInt(v.exp) : v.mag
  const den0 = v.exp >= 0 ? 1n : 1n << BigInt(-v.exp)
  let X = num0.toString().length - den0.toString().length
  const ge = (e: number) => (e >= 0 ? num0 >= den0 * 10n ** BigInt(e) : num0 * 10n ** BigInt(-e) >= den0)
  while (!ge(X)) X--
  while (ge(X + 1)) X++
  const s = X - 9
  const num = s >= 0 ? num0 : num0 * 10n ** BigInt(-s)
  const den = s >= 0 ? den0 * 10n ** BigInt(s) : den0
  let q = num / den
  const r2 = 2n * (num % den)
  if (r2 > den || (r2 === den && q % 2n === 1n)) q++
  if (q === 10n ** 10n) {
    q = 10n ** 9n
    X++
  }
  const digits = q.toString()
  const sign = v.neg ? "-" : ""
  if (X < -4 || X >= 10) {
    const frac = digits.slice(1).replace(/0+$/, "")
    const e = Math.abs(X)
    return `${sign}${digits[0]}${frac === "" ? "" : "." + frac}e${X < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`
  }
  let plain: string
  if (X >= 9) plain = digits + "0".repeat(X - 9)
  else if (X >= 0) plain = digits.slice(0, X + 1) + "." + digits.slice(X + 1)
  else plain = "0." + "0".repeat(-X - 1) + digits
  if (plain.includes(".")) plain = plain.replace(/0+$/, "").replace(/\.$/, "")
  return sign + plain
}

describe("Number: formatG10 agrees with a reference %.10g", () => {
  it("on random doubles, decimals and quotients", () => {
    const value = fc.oneof(
      fc.double({ noNaN: true }).map(N.fromFloat64),
      fc.tuple(fc.stringMatching(/^[1-9][0-9]{0,25}$/), fc.integer({ min: -40, max: 40 }), fc.boolean()).map((
        [d, e, n]
      ) => p((n ? "-" : "") + d + "e" + e)),
      fc.tuple(fc.integer({ min: 1, max: 10 ** 9 }), fc.integer({ min: 1, max: 10 ** 6 })).map(([a, b]) =>
        N.divide(p(String(a)), p(String(b)))!
      ),
      fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }).map(int64)
    )
    fc.assert(
      fc.property(value, (x) => {
        expect(N.formatG10(x)).toBe(referenceG10(x))
      }),
      { numRuns: 1000 }
    )
  })

  it("rounds exact halves to even", () => {
    expect(N.formatG10(p("1.0000000005"))).toBe(referenceG10(p("1.0000000005")))
    expect(N.formatG10(p("1.0000000015"))).toBe(referenceG10(p("1.0000000015")))
    expect(N.formatG10(N.divide(p("10000000005"), p("1024"))!)).toBe(
      referenceG10(N.divide(p("10000000005"), p("1024"))!)
    )
    expect(N.formatG10(p("12345678905"))).toBe("1.23456789e+10")
    expect(N.formatG10(p("12345678915"))).toBe("1.234567892e+10")
  })
})
