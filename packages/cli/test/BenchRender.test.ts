/**
 * `warmpool bench render`: results that cannot be true are flagged, not shown as findings, the
 * step order is balanced over the rounds, and the synthetic templates grow only in parameters.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import { execFile } from "node:child_process"
import * as path from "node:path"
import { promisify } from "node:util"
import { flagsOf, roundOrder, type StepTimes, table, type TemplateResult } from "../src/handlers/benchRender.js"
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

describe("bench render step order", () => {
  const period = (count: number) => (count % 2 === 0 ? count : 2 * count)
  const rounds = (count: number, from = 0) =>
    Array.from({ length: period(count) }, (_, i) => roundOrder(from + i, count))

  for (const count of [1, 2, 3, 4, 7, 8]) {
    it(`${count} steps: every round runs each step once`, () => {
      for (const order of rounds(count)) expect([...order].sort((a, b) => a - b)).toEqual([...Array(count).keys()])
    })

    it(`${count} steps: over a period each step takes each position equally often`, () => {
      const times = period(count) / count
      for (let position = 0; position < count; position++) {
        const counts = new Array<number>(count).fill(0)
        for (const order of rounds(count)) counts[order[position]!]!++
        expect(counts).toEqual(new Array<number>(count).fill(times))
      }
    })

    it(`${count} steps: over a period each step runs right after each other step equally often`, () => {
      const after = new Map<string, number>()
      for (const order of rounds(count)) {
        for (let k = 1; k < order.length; k++) {
          const pair = `${order[k - 1]}>${order[k]}`
          after.set(pair, (after.get(pair) ?? 0) + 1)
        }
      }
      const expected = count < 2 ? 0 : period(count) / count
      expect(after.size).toBe(count * (count - 1))
      for (const times of after.values()) expect(times).toBe(expected)
    })
  }

  it("is periodic, so any window of a period is balanced", () => {
    expect(rounds(8, 5)).toEqual(rounds(8, 13))
    expect(roundOrder(3, 7)).toEqual(roundOrder(17, 7))
  })

  it("is not a rotation of one order: the step before a step changes from round to round", () => {
    const before = new Set<number>()
    for (const order of rounds(8)) before.add(order[order.indexOf(4) - 1] ?? -1)
    expect(before.size).toBeGreaterThan(2)
  })
})

describe("synthetic templates", () => {
  it("have exactly N parameters and are valid template files", () => {
    for (const n of [1, 10, 100]) {
      expect(syntheticMainTf(n).match(/^data "coder_parameter"/gm)?.length).toBe(n)
      expect(Either.isRight(syntheticFiles(n))).toBe(true)
    }
  })
})

describe("bench render end to end", () => {
  const bin = path.resolve(import.meta.dirname, "..", "dist", "bin.js")

  it(
    "--json reports every step in wall and CPU time (young collections forced in a plain node)",
    async () => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [bin, "bench", "render", "--synthetic", "2", "--budget-ms", "1", "--json"],
        { env: { ...process.env, NO_COLOR: "1" } }
      )
      const { templates } = JSON.parse(stdout)
      expect(templates.map((t: TemplateResult) => t.name)).toEqual(["synthetic-2"])
      const [result] = templates as Array<TemplateResult>
      for (const field of Object.keys(sane) as Array<keyof StepTimes>) {
        expect(result![field], field).toBeGreaterThan(0)
        expect(result!.cpu[field], `cpu ${field}`).toBeGreaterThanOrEqual(0)
        expect(Number.isFinite(result!.cpu[field]), `cpu ${field}`).toBe(true)
      }
      expect(Array.isArray(result!.flags)).toBe(true)
    },
    120_000
  )
})
