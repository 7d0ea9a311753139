/**
 * `warmpool bench render`: results that cannot be true are flagged, not shown as findings, and
 * the synthetic templates grow only in parameters.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import {
  flagsOf,
  minSampleMs,
  repeated,
  repeatedEffect,
  type StepTimes,
  table,
  type TemplateResult
} from "../src/handlers/benchRender.js"
import { syntheticFiles, syntheticMainTf } from "../src/handlers/benchSynthetic.js"

const sane: StepTimes = {
  parseOnlyMs: 10,
  loadCompileMs: 11,
  coldMs: 12,
  warmRenderMs: 0.2,
  cacheMissMs: 0.25,
  missFloorMs: 0.22,
  outputCacheOnlyMissMs: 12.5,
  cacheHitUs: 6,
  hashFloorUs: 4
}

describe("bench render flags", () => {
  it("a consistent result has no flag", () => {
    expect(flagsOf(sane, sane)).toEqual([])
  })

  const rows: ReadonlyArray<readonly [string, Partial<StepTimes>, string]> = [
    ["cold below parse", { coldMs: 9 }, "coldMs 9.00 < parseOnlyMs 10.0"],
    ["cold below load + compile", { coldMs: 10.5 }, "coldMs 10.5 < loadCompileMs 11.0"],
    ["miss below the bare render", { cacheMissMs: 0.1 }, "cacheMissMs 0.100 < warmRenderMs 0.200"],
    ["miss floor below the bare render", { missFloorMs: 0.1 }, "missFloorMs 0.100 < warmRenderMs 0.200"],
    ["hit below its hashing", { cacheHitUs: 3 }, "cacheHitUs 3.00 < hashFloorUs 4.00"]
  ]
  for (const [name, change, text] of rows) {
    it(`flags ${name}, in wall and CPU time separately`, () => {
      const wallOnly = flagsOf({ ...sane, ...change }, sane)
      expect(wallOnly.length).toBeGreaterThan(0)
      expect(wallOnly.every((f) => f.startsWith("wall: "))).toBe(true)
      expect(wallOnly.some((f) => f.includes(text) && f.includes("impossible"))).toBe(true)
      const cpuOnly = flagsOf(sane, { ...sane, ...change })
      expect(cpuOnly.every((f) => f.startsWith("cpu: "))).toBe(true)
      expect(cpuOnly.length).toBe(wallOnly.length)
    })
  }

  it("the table marks an impossible ratio with ! and lists the flag", () => {
    const wall = { ...sane, coldMs: 9 }
    const result: TemplateResult = { name: "t", ...wall, cpu: sane, flags: flagsOf(wall, sane) }
    const text = table([result])
    expect(text).toContain("0.90!")
    expect(text).toContain("! t: wall: coldMs 9.00 < parseOnlyMs 10.0 is impossible")
    const clean = table([{ name: "t", ...sane, cpu: sane, flags: [] }])
    expect(clean).not.toContain("!")
    expect(clean).toContain("miss/warm")
    expect(clean).toContain("CPU time")
  })
})

describe("bench render samples", () => {
  const busy = (ms: number) => {
    const start = performance.now()
    while (performance.now() - start < ms) {
      // spin
    }
  }
  it.effect("a microsecond step repeats for at least the minimum sample and counts its operations", () =>
    Effect.gen(function*() {
      let calls = 0
      const start = performance.now()
      const count = yield* repeated(() => {
        calls++
      })
      expect(performance.now() - start).toBeGreaterThanOrEqual(minSampleMs)
      expect(count).toBe(calls)
      expect(count).toBeGreaterThan(10)
      let effects = 0
      const counted = yield* repeatedEffect(() => Effect.sync(() => effects++))
      expect(counted).toBe(effects)
      expect(counted).toBeGreaterThan(10)
    }))
  it.effect("an operation longer than the minimum sample runs once", () =>
    Effect.gen(function*() {
      expect(yield* repeated(() => busy(minSampleMs + 1))).toBe(1)
      expect(yield* repeatedEffect(() => Effect.sync(() => busy(minSampleMs + 1)))).toBe(1)
    }))
})

describe("synthetic templates", () => {
  it("have exactly N parameters and are valid template files", () => {
    for (const n of [1, 10, 100]) {
      expect(syntheticMainTf(n).match(/^data "coder_parameter"/gm)?.length).toBe(n)
      expect(Either.isRight(syntheticFiles(n))).toBe(true)
    }
  })
})
