/**
 * The check of issue 16 on `Simulation.run` (virtual time, TestClock): a small template with one
 * preset (instances 1, echo provisioner) and a seeded claim rate of 30 per hour for 12 virtual
 * hours. The demand policy `max(baseline, ceil(claims_1h / 4))` (max 10) misses fewer claims
 * than the static pool, and its `desired` never leaves [1, 10]; a policy that errors falls back
 * to the baseline every cycle and the loop goes on. Also: traces replay exactly, runs are
 * reproducible, and the summary adds up.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as path from "node:path"
import * as ClaimWorkload from "../src/ClaimWorkload.js"
import * as Simulation from "../src/Simulation.js"

const root = path.join(import.meta.dirname, "fixtures", "templates", "demand")

// 12 virtual hours: 72 cycles of 10 minutes.
const hours12 = { cycles: 72, interval: Duration.minutes(10) }
const rate30 = [{ template: "pool", preset: "small", perHour: 30 }]
const issuePolicy = { "pool/small": { expression: "max(baseline, ceil(claims_1h / 4))", max: 10 } }

const simulate = (options: Partial<Simulation.SimulationOptions>) =>
  Effect.gen(function*() {
    const cycles: Array<Simulation.SimulatedCycle> = []
    let summary: Simulation.SimulationSummary | undefined
    yield* Simulation.run({ root, ...options }, {
      onImport: () => Effect.void,
      onCycle: (cycle) => Effect.sync(() => cycles.push(cycle)),
      onSummary: (s) =>
        Effect.sync(() => {
          summary = s
        })
    })
    return { cycles, summary: summary! }
  }).pipe(
    // The reconciler's info lines would only slow the run down.
    Logger.withMinimumLogLevel(LogLevel.Error),
    Effect.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer))
  )

const smallPool = (cycle: Simulation.SimulatedCycle) => cycle.presets.find((p) => p.preset === "small")!

describe("Simulation with a claim workload and demand policies (issue 16)", () => {
  it.live(
    "the issue's check: the policy misses fewer claims than the static pool; desired stays in [1, 10]",
    () =>
      Effect.gen(function*() {
        const staticRun = yield* simulate({ ...hours12, claimRates: rate30, seed: 7 })
        const policyRun = yield* simulate({ ...hours12, claimRates: rate30, seed: 7, policies: issuePolicy })
        const [staticTally] = staticRun.summary.presets
        const [policyTally] = policyRun.summary.presets
        // The same seeded arrivals in both runs.
        expect(policyTally!.claims).toBe(staticTally!.claims)
        expect(staticTally!.claims).toBeGreaterThan(300)
        expect(staticTally!.claims).toBeLessThan(420)
        expect(staticRun.cycles.reduce((n, c) => n + c.claims, 0)).toBe(staticTally!.claims)
        expect(policyRun.cycles.reduce((n, c) => n + c.misses, 0)).toBe(policyTally!.misses)
        expect(policyTally!.misses).toBeLessThan(staticTally!.misses)
        const desired = policyRun.cycles.map((c) => smallPool(c).desired)
        expect(Math.min(...desired)).toBeGreaterThanOrEqual(1)
        expect(Math.max(...desired)).toBeLessThanOrEqual(10)
        // The policy does follow demand: well above the baseline once claims come in.
        expect(Math.max(...desired)).toBeGreaterThan(5)
        expect(staticRun.cycles.every((c) => smallPool(c).desired === 1)).toBe(true)
        expect(policyRun.cycles.every((c) => c.errors === 0 && smallPool(c).policyError === null)).toBe(true)
        expect(staticTally!.idlePrebuildHours).toBeGreaterThan(0)
      }),
    240_000
  )

  it.live("a policy that errors falls back to the baseline and the loop continues", () =>
    Effect.gen(function*() {
      const { cycles, summary } = yield* simulate({
        cycles: 24,
        interval: Duration.minutes(5),
        claimRates: rate30,
        policies: { "pool/small": { expression: "claims_1h / (claims_5m - claims_5m)", max: 10 } }
      })
      expect(cycles).toHaveLength(24)
      for (const cycle of cycles) {
        expect(smallPool(cycle).desired).toBe(1)
        expect(smallPool(cycle).policyError).not.toBeNull()
      }
      // The loop went on: no cycle failed, and the pool kept being refilled after claims.
      expect(cycles.every((c) => c.errors === 0)).toBe(true)
      expect(cycles.reduce((n, c) => n + c.creates, 0)).toBeGreaterThan(1)
      expect(summary.presets[0]!.claims).toBeGreaterThan(0)
    }), 120_000)

  it.live("a trace replays its claims at their offsets; a run is reproducible", () =>
    Effect.gen(function*() {
      const trace: ReadonlyArray<ClaimWorkload.ClaimArrival> = [
        { offsetMillis: 90_000, template: "pool", preset: "small" },
        { offsetMillis: 91_000, template: "pool", preset: "small" },
        { offsetMillis: 30 * 60_000, template: "pool", preset: "small" },
        { offsetMillis: 30 * 60_000 + 1, template: "pool", preset: "nope" },
        { offsetMillis: 10 * 3_600_000, template: "pool", preset: "small" }
      ]
      const options = { cycles: 12, interval: Duration.minutes(5), claims: trace }
      const a = yield* simulate(options)
      const b = yield* simulate(options)
      expect(a.cycles).toEqual(b.cycles)
      // 1m30s and 1m31s fall before the first cycle (5m): the pool is still filling, both miss.
      expect(a.cycles[0]).toMatchObject({ claims: 2, misses: 2 })
      // 30m: cycle 6 (at 30m) sees it; the pool is full by then, a hit.
      expect(a.cycles[5]).toMatchObject({ claims: 1, misses: 0 })
      // The unknown preset is an error, not a claim; the 10h claim is past the run's end.
      expect(a.summary.claimErrors).toBe(1)
      expect(a.summary.presets).toEqual([{
        template: "pool",
        preset: "small",
        claims: 3,
        misses: 2,
        missRate: 2 / 3,
        idlePrebuildHours: expect.any(Number)
      }])
    }), 120_000)
})

describe("ClaimWorkload", () => {
  it.effect("Poisson arrivals are seeded: same seed, same arrivals; about the rate on average", () =>
    Effect.gen(function*() {
      const horizon = 100 * 3_600_000
      const a = yield* ClaimWorkload.arrivals(
        { rates: [{ template: "t", preset: "p", perHour: 30 }], seed: 1 },
        horizon
      )
      const b = yield* ClaimWorkload.arrivals(
        { rates: [{ template: "t", preset: "p", perHour: 30 }], seed: 1 },
        horizon
      )
      const c = yield* ClaimWorkload.arrivals(
        { rates: [{ template: "t", preset: "p", perHour: 30 }], seed: 2 },
        horizon
      )
      expect(a).toEqual(b)
      expect(a).not.toEqual(c)
      expect(a.length).toBeGreaterThan(2_700)
      expect(a.length).toBeLessThan(3_300)
      expect(a.every((x, i) => i === 0 || x.offsetMillis >= a[i - 1]!.offsetMillis)).toBe(true)
    }))

  it.effect("a trace and rates merge in time order; a rate's arrivals do not depend on the others", () =>
    Effect.gen(function*() {
      const horizon = 3_600_000
      const alone = yield* ClaimWorkload.arrivals(
        { rates: [{ template: "t", preset: "p", perHour: 10 }], seed: 3 },
        horizon
      )
      const merged = yield* ClaimWorkload.arrivals({
        trace: [{ offsetMillis: 0, template: "t", preset: "x" }, { offsetMillis: horizon, template: "t", preset: "x" }],
        rates: [{ template: "t", preset: "q", perHour: 50 }, { template: "t", preset: "p", perHour: 10 }],
        seed: 3
      }, horizon)
      expect(merged.filter((a) => a.preset === "p")).toEqual(alone)
      expect(merged.filter((a) => a.preset === "x")).toEqual([{ offsetMillis: 0, template: "t", preset: "x" }])
      expect(merged.every((x, i) => i === 0 || x.offsetMillis >= merged[i - 1]!.offsetMillis)).toBe(true)
    }))

  it("the tally adds claims, misses and idle hours", () => {
    const tally = ClaimWorkload.makeTally()
    tally.claimed("t", "p", true)
    tally.claimed("t", "p", false)
    tally.held("t", "p", 3, 30 * 60_000)
    tally.held("t", "q", 1, 60 * 60_000)
    expect(tally.presets()).toEqual([
      { template: "t", preset: "p", claims: 2, misses: 1, missRate: 0.5, idlePrebuildHours: 1.5 },
      { template: "t", preset: "q", claims: 0, misses: 0, missRate: 0, idlePrebuildHours: 1 }
    ])
  })
})
