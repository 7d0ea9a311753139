// Section numbers (§) in this file refer to docs/prebuilds.md.
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import { defaults, make, presetConcurrency } from "../src/Settings.js"

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
})
