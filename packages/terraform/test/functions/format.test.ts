import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { stringFunctions } from "../../src/functions/string.js"
import * as N from "../../src/Number.js"
import * as T from "../../src/Type.js"
import type { Value } from "../../src/Value.js"
import * as V from "../../src/Value.js"
import { call, n, named, numbers, s, strings } from "./support.js"

const format = (...args: ReadonlyArray<Value>) => call(stringFunctions, "format", args)
const formatlist = (...args: ReadonlyArray<Value>) => call(stringFunctions, "formatlist", args)

const obj = (entries: Record<string, Value>): Value => V.object(Object.entries(entries))

type Case = readonly [name: string, args: ReadonlyArray<Value>, expected: unknown]

const f = (...args: ReadonlyArray<Value>): [string, ReadonlyArray<Value>] => ["format", args]

const verbs: ReadonlyArray<Case> = [
  [...f(s("Hello, %s!"), s("Ander")), "Hello, Ander!"],
  [...f(s("There are %d lights"), n(4)), "There are 4 lights"],
  [...f(s("100%%")), "100%"],
  [...f(s("%s %s"), s("a"), s("b")), "a b"],
  [...f(s("%[2]s %[1]s"), s("a"), s("b")), "b a"],
  [...f(s("%[2]s %s"), s("a"), s("b"), s("c")), "b c"],
  [...f(s("%s"), n(12.5)), "12.5"],
  [...f(s("%s"), V.True), "true"],
  [...f(s("%5s|"), s("ab")), "   ab|"],
  [...f(s("%-5s|"), s("ab")), "ab   |"],
  [...f(s("%05s"), s("ab")), "000ab"],
  [...f(s("%.2s"), s("héllo")), "hé"],
  [...f(s("%.0s"), s("abc")), "abc"],
  [...f(s("%3s|"), s("e\u0301")), "  e\u0301|"],
  [...f(s("%q"), s("a\"b<")), "\"a\\\"b\\u003c\""],
  [...f(s("%.1q"), s("ab")), "\"a\""],
  [...f(s("%q"), n(5)), "\"5\""],
  [...f(s("%t"), V.True), "true"],
  [...f(s("%t"), s("0")), "false"],
  [...f(s("%v"), s("x")), "x"],
  [...f(s("%v"), n(42)), "42"],
  [...f(s("%v"), n(0.1)), "0.1"],
  [...f(s("%v"), n(-2.5)), "-2.5"],
  [...f(s("%v"), n(1000000)), "1e+06"],
  [...f(s("%v"), n(123456789)), "1.23456789e+08"],
  [...f(s("%v"), n(100000)), "100000"],
  [...f(s("%v"), n(0.0001)), "0.0001"],
  [...f(s("%v"), n(0.00001)), "1e-05"],
  [...f(s("%v"), V.True), "true"],
  [...f(s("%v"), V.Null), "null"],
  [...f(s("%v"), numbers(1, 2)), "[1,2]"],
  [...f(s("%v"), obj({ b: s("<x>"), a: n(1) })), "{\"a\":1,\"b\":\"\\u003cx\\u003e\"}"],
  [...f(s("%v"), V.set(T.string, [s("b"), s("a")])), "[\"a\",\"b\"]"],
  [...f(s("%#v"), s("a")), "\"a\""],
  [...f(s("%#v"), n(1)), "1"],
  [...f(s("%06v"), n(42)), "000042"],
  [...f(s("%d"), n(-42)), "-42"],
  [...f(s("%d"), s("12")), "12"],
  [...f(s("%+d"), n(5)), "+5"],
  [...f(s("% d"), n(5)), " 5"],
  [...f(s("%05d"), n(-42)), "-0042"],
  [...f(s("%.3d"), n(7)), "007"],
  [...f(s("%-5d|"), n(42)), "42   |"],
  [...f(s("%-05d|"), n(42)), "42   |"],
  [...f(s("%.0d"), n(0)), ""],
  [...f(s("%b"), n(5)), "101"],
  [...f(s("%o"), n(8)), "10"],
  [...f(s("%#o"), n(8)), "010"],
  [...f(s("%x"), n(255)), "ff"],
  [...f(s("%X"), n(255)), "FF"],
  [...f(s("%#x"), n(255)), "0xff"],
  [...f(s("%x"), n(-255)), "-ff"],
  [...f(s("%d"), n("123456789012345678901234567890")), "123456789012345678901234567890"],
  [...f(s("%f"), n(1)), "1.000000"],
  [...f(s("%.2f"), n(3.14159)), "3.14"],
  [...f(s("%5.2f"), n(3.14159)), " 3.14"],
  [...f(s("%08.3f"), n(3.14159)), "0003.142"],
  [...f(s("%-8.3f|"), n(3.14159)), "3.142   |"],
  [...f(s("%+.1f"), n(2)), "+2.0"],
  [...f(s("%.0f"), n(2.5)), "2"],
  [...f(s("%.0f"), n(3.5)), "4"],
  [...f(s("%.1f"), n(0.25)), "0.2"],
  [...f(s("%.1f"), n(0.35)), "0.3"],
  [...f(s("%.2f"), n(2.675)), "2.67"],
  [...f(s("%.2f"), n(-0.001)), "-0.00"],
  [...f(s("%.f"), n(7.7)), "8"],
  [...f(s("%e"), n(1234.5678)), "1.234568e+03"],
  [...f(s("%E"), n(0.000123)), "1.230000E-04"],
  [...f(s("%e"), n(0)), "0.000000e+00"],
  [...f(s("%10.3e|"), n(12345.678)), " 1.235e+04|"],
  [...f(s("%.0e"), n(5)), "5e+00"],
  [...f(s("%e"), n("1e100")), "1.000000e+100"],
  [...f(s("%g"), n(1234567)), "1.234567e+06"],
  [...f(s("%g"), n(100000)), "100000"],
  [...f(s("%g"), n(0.00001)), "1e-05"],
  [...f(s("%.3g"), n(1234.5678)), "1.23e+03"],
  [...f(s("%.3g"), n(0.0001234)), "0.000123"],
  [...f(s("%G"), n(0.000001)), "1E-06"],
  [...f(s("%.10g"), n(3.14159265358979)), "3.141592654"],
  [...f(s("%f"), s("1.5")), "1.500000"],
  [...f(s("%s☃%d"), s("é"), n(1)), "é☃1"]
]

const failures: ReadonlyArray<Case> = [
  [...f(s("%d %d"), n(1)), { error: "not enough arguments for \"%d\" at 3: need index 2 but have 1 total" }],
  [...f(s("%d"), n(1), n(2)), { error: "too many arguments; only 1 used by format string", argument: 2 }],
  [...f(s("hello"), n(1)), { error: "too many arguments; no verbs in format string", argument: 1 }],
  [...f(s("%d"), n(1.5)), { error: "unsupported value for \"%d\" at 0: an integer is required" }],
  [...f(s("%d"), s("x")), { error: "unsupported value for \"%d\" at 0: a number is required" }],
  [...f(s("%d"), V.True), { error: "unsupported value for \"%d\" at 0: number required" }],
  [...f(s("%s"), V.Null), { error: "unsupported value for \"%s\" at 0: null value cannot be formatted" }],
  [...f(s("%s"), numbers(1)), { error: "unsupported value for \"%s\" at 0: string required" }],
  [...f(s("%t"), s("yes")), { error: "unsupported value for \"%t\" at 0: a bool is required" }],
  [...f(s("%t"), n(1)), { error: "unsupported value for \"%t\" at 0: bool required" }],
  [...f(s("ab%z"), n(1)), { error: "unsupported format verb 'z' in \"%z\" at offset 2" }],
  [...f(s("%!"), n(1)), { error: "unrecognized format character '!' at offset 1" }],
  [...f(s("abc%")), { error: "unrecognized format character '�' at offset 4" }],
  [...f(s("é%☃")), { error: "unrecognized format character '☃' at offset 3" }],
  [...f(s("%[0]d"), n(1)), { error: "unrecognized format character '0' at offset 2" }],
  [...f(s("%[1d"), n(1)), { error: "unrecognized format character 'd' at offset 3" }],
  [...f(s("%[3]d"), n(1)), { error: "not enough arguments for \"%[3]d\" at 0: need index 3 but have 1 total" }]
]

describe("format", () => {
  it.each(named(verbs))("%s", (_, __, args, expected) => {
    expect(format(...args)).toEqual(expected)
  })

  it.each(named(failures))("%s fails", (_, __, args, expected) => {
    expect(format(...args)).toEqual(expected)
  })

  it("is unknown when an argument is not wholly known", () => {
    const r = call(stringFunctions, "format", [s("%s"), V.list(T.string, [V.unknownOf(T.string)])])
    expect(r).toEqual("(unknown)")
  })

  it("refuses enormous widths", () => {
    expect((format(s("%999999999s"), s("x")) as { error: string }).error).toMatch(/longer than/)
  })

  it("never throws on random format strings", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[%a-z0-9.\-+# [\]]{0,12}$/),
        fc.array(fc.oneof(fc.string().map(s), fc.integer().map(n), fc.boolean().map(V.bool)), { maxLength: 3 }),
        (spec, args) => {
          const r = format(s(spec), ...args)
          expect(typeof r === "string" || (typeof r === "object" && r !== null && "error" in r)).toBe(true)
        }
      )
    )
  })
})

describe("formatlist", () => {
  it("formats each element", () => {
    expect(formatlist(s("Hello, %s!"), strings("Valentina", "Ander", "Olivia", "Sam"))).toEqual([
      "Hello, Valentina!",
      "Hello, Ander!",
      "Hello, Olivia!",
      "Hello, Sam!"
    ])
    expect(formatlist(s("%s, %s!"), s("Salutations"), strings("Valentina", "Ander"))).toEqual([
      "Salutations, Valentina!",
      "Salutations, Ander!"
    ])
    expect(formatlist(s("%s=%d"), V.tuple([s("a"), s("b")]), numbers(1, 2))).toEqual(["a=1", "b=2"])
    expect(formatlist(s("%s"), V.set(T.string, [s("b"), s("a")]))).toEqual(["a", "b"])
  })

  it("handles empty and missing sequences", () => {
    expect(formatlist(s("%s"), strings())).toEqual([])
    expect(formatlist(s("x"))).toEqual(["x"])
    expect(formatlist(s("%s"), s("only"))).toEqual(["only"])
  })

  it("reports inconsistent lengths and failing iterations", () => {
    expect(formatlist(s("%s %s"), strings("a"), strings("b", "c"))).toEqual({
      error: "argument 2 has length 2, which is inconsistent with argument 1 of length 1",
      argument: 2
    })
    expect(formatlist(s("%d"), strings("1", "x"))).toEqual({
      error: "error on format iteration 1: unsupported value for \"%d\" at 0: a number is required"
    })
  })

  it("keeps unknown elements unknown and unknown lists unknown", () => {
    expect(formatlist(s("<%s>"), V.list(T.string, [s("a"), V.unknownOf(T.string)]))).toEqual(["<a>", "(unknown)"])
    expect(formatlist(s("%s"), V.unknownOf(T.list(T.string)))).toEqual("(unknown)")
    expect(formatlist(s("%s"), V.DynamicUnknown)).toEqual("(unknown)")
  })
})

/** `%.<p>f` of the exact binary value, rounding half to even, by rational arithmetic. */
const referenceFixed = (x: N.TfNumber, p: number): string => {
  const key = N.exactKey(x)
  const parts = /^(-?)([0-9a-f]+)p(-?[0-9]+)$/.exec(key)
  let num: bigint
  let den = 1n
  let negative: boolean
  if (parts === null) {
    negative = N.isSignNegative(x) // Go prints -0 as "-0.0"
    num = BigInt(key.replace("-", "")) * 10n ** BigInt(p)
  } else {
    negative = parts[1] === "-"
    const m = BigInt("0x" + parts[2])
    const e = Number(parts[3])
    num = m * 10n ** BigInt(p)
    if (e >= 0) num <<= BigInt(e)
    else den = 1n << BigInt(-e)
  }
  let q = num / den
  const r2 = 2n * (num % den)
  if (r2 > den || (r2 === den && (q & 1n) === 1n)) q++
  const digits = q.toString().padStart(p + 1, "0")
  const body = p === 0 ? digits : digits.slice(0, digits.length - p) + "." + digits.slice(digits.length - p)
  return (negative ? "-" : "") + body
}

describe("format rounding", () => {
  it("%.Nf rounds the exact binary value half to even", () => {
    const decimal = fc.tuple(
      fc.boolean(),
      fc.stringMatching(/^[0-9]{1,6}$/),
      fc.stringMatching(/^[0-9]{0,8}5?$/)
    ).map(([neg, i, f]) => `${neg ? "-" : ""}${i}${f === "" ? "" : "." + f}`)
    fc.assert(
      fc.property(decimal, fc.integer({ min: 0, max: 40 }), (text, p) => {
        const x = N.parse(text)!
        expect(format(s(`%.${p}f`), V.number(x))).toEqual(referenceFixed(x, p))
      }),
      { numRuns: 500 }
    )
  })

  it("%.Nf of float64 results shows their exact digits", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 30 }), (d, p) => {
        const x = N.fromFloat64(d)
        expect(format(s(`%.${p}f`), V.number(x))).toEqual(referenceFixed(x, p))
      }),
      { numRuns: 300 }
    )
  })
})
