import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { FunctionError } from "../../src/FunctionDefinition.js"
import { mathFunctions } from "../../src/functions/math.js"
import * as N from "../../src/Number.js"
import * as T from "../../src/Type.js"
import type { Value } from "../../src/Value.js"
import * as V from "../../src/Value.js"
import { call, find, n, named, s } from "./support.js"

type Case = readonly [name: string, args: ReadonlyArray<Value>, expected: unknown]

const whole = "value must be a whole number, between -9223372036854775808 and 9223372036854775807"

const cases: ReadonlyArray<Case> = [
  ["abs", [n(23)], "23"],
  ["abs", [n(0)], "0"],
  ["abs", [n(-12.4)], "12.4"],
  ["ceil", [n(5)], "5"],
  ["ceil", [n(5.1)], "6"],
  ["ceil", [n(-5.1)], "-5"],
  ["floor", [n(5)], "5"],
  ["floor", [n(4.9)], "4"],
  ["floor", [n(-4.1)], "-5"],
  ["floor", [n("123456789012345678901.5")], "123456789012345678901"],
  ["log", [n(50), n(10)], "1.6989700043360185"],
  ["log", [n(16), n(2)], "4"],
  ["log", [n(1), n(10)], "0"],
  ["log", [n(0), n(10)], "-Inf"],
  ["log", [n(-1), n(10)], { error: "panic in function implementation: Float.SetFloat64(NaN)" }],
  ["max", [n(12), n(54), n(3)], "54"],
  ["max", [n(-1.5)], "-1.5"],
  ["max", [], { error: "must pass at least one number" }],
  ["min", [n(12), n(54), n(3)], "3"],
  ["min", [n(0.1), n(0.01)], "0.01"],
  ["min", [], { error: "must pass at least one number" }],
  ["parseint", [s("100"), n(10)], "100"],
  ["parseint", [s("FF"), n(16)], "255"],
  ["parseint", [s("ff"), n(16)], "255"],
  ["parseint", [s("-10"), n(16)], "-16"],
  ["parseint", [s("+7"), n(8)], "7"],
  ["parseint", [s("1011111011101111"), n(2)], "48879"],
  ["parseint", [s("aA"), n(62)], "656"],
  ["parseint", [s("zz"), n(36)], "1295"],
  ["parseint", [s("ZZ"), n(36)], "1295"],
  ["parseint", [s("ffffffffffffffffffffffff"), n(16)], "79228162514264337593543950335"],
  ["parseint", [s("12"), n(2)], { error: "cannot parse \"12\" as a base 2 integer", argument: 0 }],
  ["parseint", [s(""), n(10)], { error: "cannot parse \"\" as a base 10 integer", argument: 0 }],
  ["parseint", [s("0x10"), n(16)], { error: "cannot parse \"0x10\" as a base 16 integer", argument: 0 }],
  ["parseint", [s("1_000"), n(10)], { error: "cannot parse \"1_000\" as a base 10 integer", argument: 0 }],
  ["parseint", [s("-"), n(10)], { error: "cannot parse \"-\" as a base 10 integer", argument: 0 }],
  ["parseint", [s("1"), n(1)], { error: "base must be a whole number between 2 and 62 inclusive", argument: 1 }],
  ["parseint", [s("1"), n(63)], { error: "base must be a whole number between 2 and 62 inclusive", argument: 1 }],
  ["parseint", [s("1"), n(2.5)], { error: whole, argument: 1 }],
  ["parseint", [n(10), n(10)], { error: "first argument must be a string, not number", argument: 0 }],
  ["pow", [n(3), n(2)], "9"],
  ["pow", [n(4), n(0)], "1"],
  ["pow", [n(2), n(0.5)], "1.4142135623730951"],
  ["pow", [n(2), n(-1)], "0.5"],
  ["pow", [n(-8), n(1 / 3)], { error: "panic in function implementation: Float.SetFloat64(NaN)" }],
  ["signum", [n(-13)], "-1"],
  ["signum", [n(0)], "0"],
  ["signum", [n(344)], "1"],
  ["signum", [n(1.5)], { error: whole }]
]

describe("math functions", () => {
  it.each(named(cases))("%s", (_, name, args, expected) => {
    expect(call(mathFunctions, name, args)).toEqual(expected)
  })

  it("parseint reports a non-string first argument from its type check", () => {
    const parseint = find(mathFunctions, "parseint")
    const rt = typeof parseint.returnType === "function" ? parseint.returnType([n(1), n(10)]) : parseint.returnType
    expect(rt).toBeInstanceOf(FunctionError)
    const ok = typeof parseint.returnType === "function" ?
      parseint.returnType([V.unknownOf(T.string), n(10)]) :
      parseint.returnType
    expect(ok).toEqual(T.number)
  })

  it("max and min return one of their arguments", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 8 }), (xs) => {
        expect(call(mathFunctions, "max", xs.map(n))).toEqual(String(Math.max(...xs)))
        expect(call(mathFunctions, "min", xs.map(n))).toEqual(String(Math.min(...xs)))
      })
    )
  })

  it("parseint reads what BigInt prints, in every base", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }), fc.integer({ min: 2, max: 36 }), (x, base) => {
        expect(call(mathFunctions, "parseint", [s(x.toString(base)), n(base)])).toEqual(x.toString())
      })
    )
  })

  it("floor <= x <= ceil and they differ by at most one", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }), (x) => {
        const v = n(x)
        const lo = call(mathFunctions, "floor", [v]) as string
        const hi = call(mathFunctions, "ceil", [v]) as string
        const num = (t: string) => N.parse(t)!
        expect(N.compare(num(lo), (v as { value: N.TfNumber }).value)).toBeLessThanOrEqual(0)
        expect(N.compare(num(hi), (v as { value: N.TfNumber }).value)).toBeGreaterThanOrEqual(0)
        expect(N.compare(N.subtract(num(hi), num(lo)), N.one)).toBeLessThanOrEqual(0)
      })
    )
  })
})
