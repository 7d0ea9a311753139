/**
 * `Simulation.run` (`warmpool simulate`): pools fill in the first cycle, then a steady state with
 * zero renders and zero parses; the invalid preset costs no render at all; failures back off.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as path from "node:path"
import * as Simulation from "../src/Simulation.js"
import type * as TemplateImport from "../src/TemplateImport.js"

const root = path.join(import.meta.dirname, "fixtures", "templates", "simulate")

const simulate = (options: Partial<Simulation.SimulationOptions> = {}) =>
  Effect.gen(function*() {
    const cycles: Array<Simulation.SimulatedCycle> = []
    let imports: ReadonlyArray<TemplateImport.DirectoryImport> = []
    yield* Simulation.run({ root, ...options }, {
      onImport: (result) =>
        Effect.sync(() => {
          imports = result
        }),
      onCycle: (cycle) => Effect.sync(() => cycles.push(cycle))
    })
    return { cycles, imports }
  }).pipe(Effect.provide(Layer.merge(NodeFileSystem.layer, NodePath.layer)))

const pool = (cycle: Simulation.SimulatedCycle, template: string, preset: string) =>
  cycle.presets.find((p) => p.template === template && p.preset === preset)

describe("Simulation.run", () => {
  it.live("fills the pools in the first cycle, then a steady state with no renders and no parses", () =>
    Effect.gen(function*() {
      const { cycles, imports } = yield* simulate({ cycles: 5 })
      expect(imports.map((i) => [i.name, Either.isRight(i.result)])).toEqual([
        ["broken-preset", true],
        ["devbox", true]
      ])
      expect(cycles).toHaveLength(5)
      const [first, second, ...rest] = cycles
      // devbox: small-eu ×2 and large-us ×1; broken-preset: ok ×1 (missing-project is invalid).
      expect(first!.creates).toBe(4)
      expect(first!.renders).toBe(3)
      expect(first!.cacheHits).toBe(1)
      expect(first!.parses).toBe(2)
      expect(pool(first!, "devbox", "small-eu")).toMatchObject({ desired: 2, running: 0 })
      expect(pool(first!, "broken-preset", "missing-project")).toMatchObject({
        desired: 2,
        running: 0,
        status: "validation_failed"
      })
      for (const cycle of [second!, ...rest]) {
        expect(cycle).toMatchObject({ creates: 0, deletes: 0, renders: 0, parses: 0, cacheHits: 0, errors: 0 })
        expect(pool(cycle, "devbox", "small-eu")).toMatchObject({ desired: 2, running: 2, eligible: 2 })
        expect(pool(cycle, "devbox", "large-us")).toMatchObject({ desired: 1, running: 1, eligible: 1 })
        expect(pool(cycle, "broken-preset", "ok")).toMatchObject({ desired: 1, running: 1 })
        expect(pool(cycle, "broken-preset", "missing-project")).toMatchObject({ running: 0 })
      }
    }))

  it.live("--max-pending-jobs: creates wait while the queue is full, and the pools still fill", () =>
    Effect.gen(function*() {
      const { cycles } = yield* simulate({ cycles: 6, maxPendingJobs: 1 })
      // four creates are wanted; one job may wait at a time, so the first cycle makes one
      expect(cycles[0]!.creates).toBe(1)
      expect(cycles.reduce((n, c) => n + c.creates, 0)).toBe(4)
      const last = cycles.at(-1)!
      expect(pool(last, "devbox", "small-eu")).toMatchObject({ desired: 2, running: 2 })
      expect(pool(last, "devbox", "large-us")).toMatchObject({ desired: 1, running: 1 })
    }))

  it.live("a run is reproducible", () =>
    Effect.gen(function*() {
      const a = yield* simulate({ cycles: 6, failRate: 0.5 })
      const b = yield* simulate({ cycles: 6, failRate: 0.5 })
      expect(a.cycles).toEqual(b.cycles)
    }))

  it.live("with every build failing: creates, then backoff, then the hard limit", () =>
    Effect.gen(function*() {
      const { cycles } = yield* simulate({ cycles: 8, failRate: 1 })
      const states = cycles.map((c) => pool(c, "devbox", "large-us")!)
      expect(states.every((s) => s.running === 0)).toBe(true)
      expect(states.at(-1)!.status).toBe("hard_limited")
      expect(cycles.at(-1)!.creates).toBe(0)
      expect(cycles.at(-1)!.renders).toBe(0)
    }))
})
