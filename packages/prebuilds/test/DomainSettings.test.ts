import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as fc from "fast-check"
import { parseDurationMillis, parseGoDurationMillis } from "../src/internal/durationText.js"
import { config, defaults, make, presetConcurrency } from "../src/Settings.js"

const readConfig = (entries: ReadonlyArray<readonly [string, string]>) =>
  Effect.withConfigProvider(config, ConfigProvider.fromMap(new Map(entries)))

describe("Settings (§2)", () => {
  const concurrency: ReadonlyArray<readonly [number, number]> = [
    [10, 5],
    [30, 5],
    [100, 5],
    [4, 2],
    [2, 1],
    [1, 1],
    [0, 1],
    [-5, 1]
  ]
  for (const [pool, expected] of concurrency) {
    it(`U32: pool ${pool} → concurrency ${expected}`, () => expect(presetConcurrency(pool)).toBe(expected))
  }

  it("U32: odd sizes round down; non-numbers fall back to 1", () => {
    expect(presetConcurrency(5)).toBe(2)
    expect(presetConcurrency(11)).toBe(5)
    expect(presetConcurrency(Number.NaN)).toBe(1)
    expect(presetConcurrency(Number.POSITIVE_INFINITY)).toBe(5)
  })

  it("has the documented defaults", () => {
    expect(Duration.toMillis(defaults.reconciliationInterval)).toBe(60_000)
    expect(Duration.toMillis(defaults.backoffInterval)).toBe(60_000)
    expect(Duration.toMillis(defaults.backoffLookback)).toBe(3_600_000)
    expect(defaults.failureHardLimit).toBe(3)
  })

  it("make overrides fields and replaces a zero interval", () => {
    const settings = make({ backoffInterval: Duration.seconds(5) })
    expect(Duration.toMillis(settings.backoffInterval)).toBe(5000)
    expect(Duration.toMillis(settings.reconciliationInterval)).toBe(60_000)
    expect(Duration.toMillis(make({ reconciliationInterval: Duration.zero }).reconciliationInterval)).toBe(300_000)
  })

  it.effect("config: missing keys take the defaults", () =>
    Effect.gen(function*() {
      expect(yield* readConfig([])).toEqual(defaults)
    }))

  it.effect("config: reads Go durations and the hard limit", () =>
    Effect.gen(function*() {
      const settings = yield* readConfig([
        ["PREBUILDS.RECONCILIATION_INTERVAL", "30s"],
        ["PREBUILDS.RECONCILIATION_BACKOFF_INTERVAL", "1m30s"],
        ["PREBUILDS.RECONCILIATION_BACKOFF_LOOKBACK_PERIOD", "2h"],
        ["PREBUILDS.FAILURE_HARD_LIMIT", "0"]
      ])
      expect(Duration.toMillis(settings.reconciliationInterval)).toBe(30_000)
      expect(Duration.toMillis(settings.backoffInterval)).toBe(90_000)
      expect(Duration.toMillis(settings.backoffLookback)).toBe(7_200_000)
      expect(settings.failureHardLimit).toBe(0)
    }))

  it.effect("config: accepts Effect's duration spelling", () =>
    Effect.gen(function*() {
      const settings = yield* readConfig([["PREBUILDS.RECONCILIATION_INTERVAL", "5 seconds"]])
      expect(Duration.toMillis(settings.reconciliationInterval)).toBe(5000)
    }))

  for (const value of ["0", "0s", "-1m"]) {
    it.effect(`config: an interval of ${value} falls back to 5m`, () =>
      Effect.gen(function*() {
        const settings = yield* readConfig([["PREBUILDS.RECONCILIATION_INTERVAL", value]])
        expect(Duration.toMillis(settings.reconciliationInterval)).toBe(300_000)
      }))
  }

  const invalid: ReadonlyArray<readonly [string, string]> = [
    ["PREBUILDS.RECONCILIATION_INTERVAL", "soon"],
    ["PREBUILDS.RECONCILIATION_BACKOFF_INTERVAL", "-5s"],
    ["PREBUILDS.RECONCILIATION_BACKOFF_LOOKBACK_PERIOD", "1x"],
    ["PREBUILDS.FAILURE_HARD_LIMIT", "-1"],
    ["PREBUILDS.FAILURE_HARD_LIMIT", "three"]
  ]
  for (const [key, value] of invalid) {
    it.effect(`config: ${key}=${value} is an error`, () =>
      Effect.gen(function*() {
        const exit = yield* Effect.exit(readConfig([[key, value]]))
        expect(Exit.isFailure(exit)).toBe(true)
      }))
  }
})

describe("duration text", () => {
  const table: ReadonlyArray<readonly [string, number]> = [
    ["0", 0],
    ["1m", 60_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["500ms", 500],
    ["250us", 0.25],
    ["2\u00b5s", 0.002],
    ["100ns", 0.0001],
    ["+3s", 3000],
    ["-2m", -120_000],
    [".5s", 500]
  ]
  for (const [text, millis] of table) {
    it(`parses Go duration ${JSON.stringify(text)}`, () => {
      const parsed = parseGoDurationMillis(text)
      expect(Either.isRight(parsed)).toBe(true)
      expect(Either.getOrThrow(parsed)).toBeCloseTo(millis, 9)
    })
  }

  for (const text of ["", "-", "1", "m", "1d", "1m x", "1..5s", "1 m"]) {
    it(`rejects Go duration ${JSON.stringify(text)}`, () =>
      expect(Either.isLeft(parseGoDurationMillis(text))).toBe(true))
  }

  it("accepts surrounding whitespace and Effect's spelling", () => {
    expect(parseDurationMillis(" 2m ")).toEqual(Either.right(120_000))
    expect(parseDurationMillis("3 minutes")).toEqual(Either.right(180_000))
  })

  it("round-trips any h/m/s/ms composition", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(59), fc.nat(59), fc.nat(999), fc.boolean(), (h, m, s, ms, negative) => {
        const parts = [[h, "h"], [m, "m"], [s, "s"], [ms, "ms"]].filter(([n]) => n !== 0).map(([n, u]) => `${n}${u}`)
        const text = parts.length === 0 ? "0" : `${negative ? "-" : ""}${parts.join("")}`
        const expected = parts.length === 0 ? 0 : (negative ? -1 : 1) * (((h * 60 + m) * 60 + s) * 1000 + ms)
        expect(parseGoDurationMillis(text)).toEqual(Either.right(expected))
      })
    )
  })

  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string(), (text) => {
      const parsed = parseDurationMillis(text)
      expect(Either.isLeft(parsed) || Number.isFinite(Either.getOrThrow(parsed))).toBe(true)
    }))
  })
})
