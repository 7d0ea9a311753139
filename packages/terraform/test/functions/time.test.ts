import { describe, expect, it } from "@effect/vitest"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as TestClock from "effect/TestClock"
import * as fc from "fast-check"
import * as Evaluator from "../../src/ExpressionEvaluator.js"
import * as ExpressionParser from "../../src/ExpressionParser.js"
import { noFiles } from "../../src/FunctionDefinition.js"
import { parseDuration, timeFunctions } from "../../src/functions/time.js"
import * as FunctionTable from "../../src/FunctionTable.js"
import * as T from "../../src/Type.js"
import type { Value } from "../../src/Value.js"
import * as V from "../../src/Value.js"
import { call, find, named, s } from "./support.js"

type Case = readonly [name: string, args: ReadonlyArray<Value>, expected: unknown]

const bad = (message: string, argument?: number) => ({ error: `not a valid RFC3339 timestamp${message}`, argument })

const cases: ReadonlyArray<Case> = [
  ["timeadd", [s("2017-11-22T00:00:00Z"), s("10m")], "2017-11-22T00:10:00Z"],
  ["timeadd", [s("2017-11-22T00:00:00Z"), s("-1h")], "2017-11-21T23:00:00Z"],
  ["timeadd", [s("2017-11-22T00:00:00+02:00"), s("1h30m")], "2017-11-22T01:30:00+02:00"],
  ["timeadd", [s("2017-11-22T00:00:00+00:00"), s("1h")], "2017-11-22T01:00:00Z"],
  ["timeadd", [s("2017-11-22T00:00:00.999999999Z"), s("1ns")], "2017-11-22T00:00:01Z"],
  ["timeadd", [s("2017-11-22T00:00:00.5Z"), s("0")], "2017-11-22T00:00:00Z"],
  // Terraform's strict RFC 3339 parser (timeadd and formatdate; timecmp is lenient), from terraform console
  ["timeadd", [s("2017-11-22T00:00:00,5Z"), s("0.5s")], bad(": cannot use \",\" as timestamp segment")],
  ["timeadd", [s("2024-01-01T00:00:00+24:00"), s("1h")], bad(": cannot use \"+24:00\" as UTC offset")],
  ["timeadd", [s("2024-01-01T00:00:00-00:60"), s("1h")], bad(": cannot use \"-00:60\" as UTC offset")],
  ["timeadd", [s("2024-01-01T00:00:00+23:59"), s("1h")], "2024-01-01T01:00:00+23:59"],
  ["formatdate", [s("YYYY"), s("2024-01-01T00:00:00+24:00")], bad(": cannot use \"+24:00\" as UTC offset", 1)],
  ["formatdate", [s("YYYY"), s("2024-01-01T00:00:00,5Z")], bad(": cannot use \",\" as timestamp segment", 1)],
  ["formatdate", [s("YYYY"), s("2024-01-01T0:00:00Z")], bad(": hour must have exactly two digits", 1)],
  ["timecmp", [s("2024-01-01T00:00:00+24:00"), s("2024-01-01T00:00:00Z")], "-1"],
  ["timecmp", [s("2024-01-01T00:00:00,5Z"), s("2024-01-01T00:00:00Z")], "1"],
  ["timeadd", [s("2016-02-28T23:00:00Z"), s("2h")], "2016-02-29T01:00:00Z"],
  ["timeadd", [s("2017-12-31T23:59:59Z"), s("1s")], "2018-01-01T00:00:00Z"],
  ["timeadd", [s("1970-01-01T00:00:00Z"), s("-1.5h")], "1969-12-31T22:30:00Z"],
  ["timeadd", [s("0001-01-01T00:00:00Z"), s("-24h")], "0000-12-31T00:00:00Z"],
  ["timeadd", [s("2017-11-22T1:02:03Z"), s("1µs")], bad(": hour must have exactly two digits")],
  ["timeadd", [s("2017-11-22T00:00:00-05:30"), s("2562047h")], "2310-03-03T23:00:00-05:30"],
  ["timeadd", [s("2017-11-22 00:00:00Z"), s("1h")], bad(": missing required time introducer 'T'")],
  ["timeadd", [s("2017-13-01T00:00:00Z"), s("1h")], bad(": cannot use \"-01T00:00:00Z\" as month")],
  ["timeadd", [s("2017-02-30T00:00:00Z"), s("1h")], bad(": day out of range")],
  ["timeadd", [s("2017-11-22T00:00:00"), s("1h")], bad(": end of string before UTC offset")],
  ["timeadd", [s("2017"), s("1h")], bad(": end of string where \"-\" is expected")],
  ["timeadd", [s("2017/11/22"), s("1h")], bad(": found \"/11/22\" where \"-\" is expected")],
  ["timeadd", [s("20x7-11-22T00:00:00Z"), s("1h")], bad(": cannot use \"20x7-11-22T00:00:00Z\" as year")],
  ["timeadd", [s("2017-11-22T00:00:00Zjunk"), s("1h")], bad(": cannot use \"junk\" as timestamp segment")],
  ["timeadd", [s("2017-11-22T25:00:00Z"), s("1h")], bad(": cannot use \":00:00Z\" as hour")],
  ["timeadd", [s("2017-11-22T00:60:00Z"), s("1h")], bad(": cannot use \":00Z\" as minute")],
  ["timeadd", [s("2017-11-22T00:00:60Z"), s("1h")], bad(": cannot use \"Z\" as second")],
  ["timeadd", [s("2017-11-22T00:00:00z"), s("1h")], bad(": cannot use \"z\" as UTC offset")],
  ["timeadd", [s("2017-11-22T00:00:00+25:00"), s("1h")], bad(": end of string before UTC offset")],
  ["timeadd", [s("2017-1-22T00:00:00Z"), s("1h")], bad(": cannot use \"1-22T00:00:00Z\" as month")],
  ["timeadd", [s("2017-11-22T00:00:00Z"), s("1x")], {
    error: "time: unknown unit \"x\" in duration \"1x\""
  }],
  ["timeadd", [s("2017-11-22T00:00:00Z"), s("1")], { error: "time: missing unit in duration \"1\"" }],
  ["timeadd", [s("2017-11-22T00:00:00Z"), s("")], { error: "time: invalid duration \"\"" }],
  ["timeadd", [s("2017-11-22T00:00:00Z"), s(".h")], { error: "time: invalid duration \".h\"" }],
  ["timeadd", [s("2017-11-22T00:00:00Z"), s("9999999999h")], {
    error: "time: invalid duration \"9999999999h\""
  }],
  ["timeadd", [s("2017-11-22T00:00:00Z"), s("1hé")], {
    error: "time: unknown unit \"h\\xc3\\xa9\" in duration \"1h\\xc3\\xa9\""
  }],
  ["timecmp", [s("2017-11-22T00:00:00Z"), s("2017-11-22T00:00:00Z")], "0"],
  ["timecmp", [s("2017-11-22T00:00:00Z"), s("2017-11-22T01:00:00Z")], "-1"],
  ["timecmp", [s("2017-11-22T01:00:00Z"), s("2017-11-22T00:00:00Z")], "1"],
  ["timecmp", [s("2017-11-22T01:00:00Z"), s("2017-11-22T00:00:00-01:00")], "0"],
  ["timecmp", [s("2017-11-22T00:00:00.1Z"), s("2017-11-22T00:00:00Z")], "1"],
  ["timecmp", [s("x"), s("2017-11-22T00:00:00Z")], bad(": cannot use \"x\" as year", 0)],
  ["timecmp", [s("2017-11-22T00:00:00Z"), s("")], bad(": end of string before year", 1)],
  ["formatdate", [s("DD MMM YYYY hh:mm ZZZ"), s("2018-01-02T23:12:01Z")], "02 Jan 2018 23:12 UTC"],
  ["formatdate", [s("EEEE, DD-MMM-YY hh:mm:ss ZZZ"), s("2018-01-02T23:12:01Z")], "Tuesday, 02-Jan-18 23:12:01 UTC"],
  [
    "formatdate",
    [s("EEE, DD MMM YYYY hh:mm:ss ZZZ"), s("2018-01-02T23:12:01-08:00")],
    "Tue, 02 Jan 2018 23:12:01 -0800"
  ],
  ["formatdate", [s("MMM DD, YYYY"), s("2018-01-02T23:12:01Z")], "Jan 02, 2018"],
  ["formatdate", [s("HH:mmaa"), s("2018-01-02T23:12:01Z")], "11:12pm"],
  ["formatdate", [s("H:mAA"), s("2018-01-02T00:05:01Z")], "12:5AM"],
  ["formatdate", [s("h'h'mm"), s("2018-01-02T23:12:01-08:00")], "23h12"],
  ["formatdate", [s("YYYY-MM-DD'T'hh:mm:ssZ"), s("2018-01-02T23:12:01+05:30")], "2018-01-02T23:12:01+05:30"],
  ["formatdate", [s("M/D/YY s"), s("2018-01-02T03:04:05Z")], "1/2/18 5"],
  ["formatdate", [s("MMMM EEEE"), s("2024-02-29T12:00:00Z")], "February Thursday"],
  ["formatdate", [s("Z ZZZZ ZZZZZ"), s("2018-01-02T23:12:01Z")], "Z +0000 +00:00"],
  ["formatdate", [s("'o''clock'"), s("2018-01-02T23:12:01Z")], "o'clock"],
  ["formatdate", [s("''"), s("2018-01-02T23:12:01Z")], "'"],
  ["formatdate", [s("hh:mm!?"), s("2018-01-02T23:12:01Z")], "23:12!?"],
  ["formatdate", [s("YYY"), s("2018-01-02T23:12:01Z")], {
    error: "invalid date format verb \"YYY\": year must either be \"YY\" or \"YYYY\"",
    argument: 0
  }],
  ["formatdate", [s("AAA"), s("2018-01-02T23:12:01Z")], {
    error: "invalid date format verb \"AAA\": must be \"AA\"",
    argument: 0
  }],
  ["formatdate", [s("ZZ"), s("2018-01-02T23:12:01Z")], {
    error: "invalid date format verb \"ZZ\": time zone must be Z, ZZZZ, or ZZZZZ",
    argument: 0
  }],
  ["formatdate", [s("x"), s("2018-01-02T23:12:01Z")], { error: "invalid date format verb \"x\"", argument: 0 }],
  ["formatdate", [s("'abc"), s("2018-01-02T23:12:01Z")], { error: "unterminated literal '", argument: 0 }],
  ["formatdate", [s("DD"), s("2018-01-02")], bad(": missing required time introducer 'T'", 1)]
]

describe("time functions", () => {
  it.each(named(cases))("%s", (_, name, args, expected) => {
    expect(call(timeFunctions, name, args)).toEqual(expected)
  })

  it("timestamp is impure and the caller's instant in RFC 3339 UTC, whole seconds", () => {
    expect(find(timeFunctions, "timestamp").impure).toBe(true)
    expect(timeFunctions.filter((f) => f.impure === true).map((f) => f.name)).toEqual(["timestamp"])
    const stamp = (now: number | undefined) => find(timeFunctions, "timestamp").impl([], { files: noFiles, now })
    expect(stamp(Date.UTC(2031, 1, 3, 4, 5, 6, 999))).toEqual(V.string("2031-02-03T04:05:06Z"))
    expect(stamp(0)).toEqual(V.string("1970-01-01T00:00:00Z"))
    const now = (stamp(Date.UTC(2030, 0, 1)) as V.StringValue).value
    expect(call(timeFunctions, "timecmp", [s(now), s("2024-01-01T00:00:00Z")])).toEqual("1")
  })

  it("timestamp without an instant is an unknown string (it reads no clock itself)", () => {
    expect(find(timeFunctions, "timestamp").impl([], { files: noFiles })).toEqual(V.unknownOf(T.string))
  })

  it.effect("timestamp in an expression follows TestClock through the scope's now", () =>
    Effect.gen(function*() {
      const expression = ExpressionParser.parseExpression("\"at ${timestamp()}\"").expression
      const compiled = Evaluator.compile(expression, FunctionTable.standard)
      const render = Effect.map(
        Clock.currentTimeMillis,
        (now) => compiled.evaluate({ files: noFiles, resolve: () => undefined, now })
      )
      yield* TestClock.setTime(Date.UTC(2030, 5, 15, 12, 0, 0))
      const first = yield* render
      expect(first.value).toEqual(V.string("at 2030-06-15T12:00:00Z"))
      expect(first.impure).toBe(true)
      expect((yield* render).value).toEqual(first.value)
      yield* TestClock.adjust("90 minutes")
      expect((yield* render).value).toEqual(V.string("at 2030-06-15T13:30:00Z"))
      expect(compiled.evaluate({ files: noFiles, resolve: () => undefined }).value).toEqual(V.unknownOf(T.string))
    }))

  it("parses Go durations", () => {
    expect(parseDuration("1h2m3s4ms5us6ns")).toEqual(3_723_004_005_006n)
    expect(parseDuration("-0")).toEqual(0n)
    expect(parseDuration("+5m")).toEqual(300_000_000_000n)
    expect(parseDuration("1.5h")).toEqual(5_400_000_000_000n)
    expect(parseDuration(".5s")).toEqual(500_000_000n)
    expect(parseDuration("2562047h47m16.854775807s")).toEqual(2n ** 63n - 1n)
    expect(parseDuration("-2562047h47m16.854775808s")).toEqual(-(2n ** 63n))
    expect(parseDuration("2562047h47m16.854775808s")).toEqual("time: invalid duration \"2562047h47m16.854775808s\"")
  })

  it("timeadd then subtract is the identity on whole seconds", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true }),
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        (date, seconds) => {
          const ts = date.toISOString().replace(/\.\d+Z$/, "Z")
          const moved = call(timeFunctions, "timeadd", [s(ts), s(`${seconds}s`)]) as string
          const expected = new Date(Date.parse(ts) + seconds * 1000).toISOString().replace(/\.\d+Z$/, "Z")
          expect(moved).toEqual(expected)
          expect(call(timeFunctions, "timeadd", [s(moved), s(`${-seconds}s`)])).toEqual(ts)
          expect(call(timeFunctions, "formatdate", [s("YYYY-MM-DD'T'hh:mm:ssZ"), s(moved)])).toEqual(moved)
        }
      )
    )
  })
})
