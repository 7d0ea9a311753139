/**
 * The reconciler's loop on a TestClock (docs/prebuilds.md §3.1, §9.2 "Loop"): nothing before the first
 * interval, cycles on schedule, a preset added later waits for the next tick, pause / resume,
 * cycles never overlap, the metrics refresh fiber, and a stop that leaves no fiber behind.
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import * as Supervisor from "effect/Supervisor"
import * as TestClock from "effect/TestClock"
import type { ProvisionerWorkerId } from "../src/Domain.js"
import * as Prebuilds from "../src/Prebuilds.js"
import * as Reconciler from "../src/Reconciler.js"
import * as Settings from "../src/Settings.js"
import * as Store from "../src/Store.js"
import * as TemplateImport from "../src/TemplateImport.js"

const T0 = DateTime.unsafeMake("2024-01-01T00:00:00Z")
const interval = Duration.minutes(1)
const settings = Settings.make({ reconciliationInterval: interval, backoffInterval: Duration.seconds(5) })

const services = (wrap: (store: Store.StoreShape) => Store.StoreShape = (s) => s) =>
  Prebuilds.layerCore().pipe(
    Layer.provideMerge(
      Layer.effect(Store.Store, Effect.map(Store.Store, wrap)).pipe(Layer.provide(Store.layerMemory()))
    ),
    Layer.provideMerge(Metrics.layer)
  )

type Services = Layer.Layer.Success<ReturnType<typeof services>>

const atT0 = <A, E>(body: Effect.Effect<A, E, Services>, wrap?: (store: Store.StoreShape) => Store.StoreShape) =>
  TestClock.setTime(DateTime.toEpochMillis(T0)).pipe(
    Effect.zipRight(Effect.provide(body, services(wrap))),
    Effect.withRandom(Random.make("loop-tests"))
  )

/** Starts the scoped reconciler layer in a scope of its own (closed by the caller to stop it). */
const start = (options: Reconciler.LayerOptions = {}) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const context = yield* Layer.buildWithScope(Reconciler.layer({ settings, ...options }), scope)
    return { scope, reconciler: context.unsafeMap.get(Reconciler.Reconciler.key) as Reconciler.ReconcilerShape }
  })

const realPause = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))

/** Waits (in real time, briefly) until the loop has recorded `n` cycles. */
const awaitCycles = (reconciler: Reconciler.ReconcilerShape, n: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < 2_000; i++) {
      const reports = yield* reconciler.recentCycles
      if (reports.length >= n) return reports
      yield* realPause
    }
    return yield* Effect.dieMessage(`the loop did not reach ${n} cycles`)
  })

/** Lets the loop's fiber run what it can without moving the clock. */
const settle = Effect.forEach(Array.from({ length: 20 }), () => realPause, { discard: true })

const finishJobs = Effect.gen(function*() {
  const store = yield* Store.Store
  const now = yield* DateTime.now
  while (true) {
    const job = yield* store.acquireJob("loop-worker" as ProvisionerWorkerId, now)
    if (Option.isNone(job)) return
    yield* store.completeJob(job.value.job.id, {
      status: "succeeded",
      now,
      agents: [{ name: "main", ready: true }]
    })
  }
})

const presetBlock = (name: string, instances: number) => `
data "coder_workspace_preset" "${name}" {
  name       = "${name}"
  parameters = { region = "${name}" }
  prebuilds {
    instances = ${instances}
  }
}`

const templateWith = (...presets: ReadonlyArray<readonly [string, number]>) => `
data "coder_parameter" "region" {
  name    = "region"
  type    = "string"
  default = "eu"
  mutable = true
}
${presets.map(([name, n]) => presetBlock(name, n)).join("\n")}
`

const importTemplate = (source: string) =>
  Effect.flatMap(
    TemplateImport.TemplateImport,
    (service) => service.importVersion({ templateName: "t", files: { "main.tf": source }, activate: true })
  )

const live = Effect.flatMap(Store.Store, (store) => store.workspaces({}))

describe("Reconciler.layer (the loop)", () => {
  it.effect("the first cycle right after start; then one cycle per interval; a later preset waits a tick", () =>
    atT0(Effect.gen(function*() {
      yield* importTemplate(templateWith(["p1", 4], ["p2", 10]))
      const { reconciler, scope } = yield* start({ metricsRefresh: false })
      const [first] = yield* awaitCycles(reconciler, 1)
      expect(first).toMatchObject({ cycle: 1, creates: 14, startedAt: "2024-01-01T00:00:00.000Z" })
      yield* finishJobs
      expect(yield* live).toHaveLength(14)
      yield* TestClock.adjust(Duration.millis(Duration.toMillis(interval) - 1))
      yield* settle
      expect(yield* reconciler.recentCycles).toHaveLength(1)

      // A new preset (a new active version) waits for the next tick.
      yield* importTemplate(templateWith(["p1", 4], ["p2", 10], ["p3", 1]))
      yield* settle
      expect(yield* reconciler.recentCycles).toHaveLength(1)
      yield* TestClock.adjust(Duration.millis(1))
      const reports = yield* awaitCycles(reconciler, 2)
      // The old version's 14 are deleted, the new version's 15 created.
      expect(reports[1]).toMatchObject({ cycle: 2, creates: 15, deletes: 14, startedAt: "2024-01-01T00:01:00.000Z" })
      yield* finishJobs
      expect(yield* live).toHaveLength(15)

      yield* TestClock.adjust(interval)
      const third = yield* awaitCycles(reconciler, 3)
      expect(third[2]).toMatchObject({ cycle: 3, creates: 0, deletes: 0 })

      yield* Scope.close(scope, Exit.void)
      yield* TestClock.adjust(Duration.minutes(10))
      yield* settle
      expect(yield* reconciler.recentCycles).toHaveLength(3)
    })))

  it.effect("pause and resume through the service", () =>
    atT0(Effect.gen(function*() {
      yield* importTemplate(templateWith(["p", 2]))
      const { reconciler, scope } = yield* start({ metricsRefresh: false })
      const [first] = yield* awaitCycles(reconciler, 1)
      expect(first).toMatchObject({ paused: false, creates: 2 })
      yield* reconciler.pause
      yield* TestClock.adjust(interval)
      const [, paused] = yield* awaitCycles(reconciler, 2)
      expect(paused).toMatchObject({ paused: true, creates: 0 })
      yield* reconciler.resume
      yield* TestClock.adjust(interval)
      const reports = yield* awaitCycles(reconciler, 3)
      expect(reports[2]).toMatchObject({ paused: false })
      yield* Scope.close(scope, Exit.void)
    })))

  it.effect("cycles never overlap: a cycle longer than the interval delays the next tick", () =>
    Effect.gen(function*() {
      const inside = yield* Ref.make(0)
      const maxInside = yield* Ref.make(0)
      yield* atT0(
        Effect.gen(function*() {
          yield* importTemplate(templateWith(["p", 1]))
          const { reconciler, scope } = yield* start({ metricsRefresh: false })
          // Concurrent manual cycles while the loop runs: they wait for each other.
          yield* TestClock.adjust(interval)
          yield* Effect.all([reconciler.reconcileOnce, reconciler.reconcileOnce, reconciler.reconcileOnce], {
            concurrency: "unbounded"
          }).pipe(Effect.fork)
          for (let i = 0; i < 6; i++) {
            yield* TestClock.adjust(Duration.seconds(30))
            yield* settle
          }
          yield* Scope.close(scope, Exit.void)
          expect(yield* Ref.get(maxInside)).toBe(1)
          expect((yield* reconciler.recentCycles).length).toBeGreaterThanOrEqual(2)
        }),
        (store) => ({
          ...store,
          withReconcileLock: (body) =>
            store.withReconcileLock((reads) =>
              Effect.gen(function*() {
                const n = yield* Ref.updateAndGet(inside, (k) => k + 1)
                yield* Ref.update(maxInside, (m) => Math.max(m, n))
                // Each cycle takes 70 s of clock time: longer than the interval.
                yield* Effect.sleep(Duration.seconds(70))
                return yield* body(reads)
              }).pipe(Effect.ensuring(Ref.update(inside, (k) => k - 1)))
            )
        })
      )
    }))

  it.effect("the metrics refresh publishes at start and every 60 s", () =>
    atT0(Effect.gen(function*() {
      yield* importTemplate(templateWith(["p", 2]))
      const metrics = yield* Metrics.Metrics
      const { reconciler, scope } = yield* start()
      yield* settle
      const initial = yield* metrics.prebuildState
      expect(initial.lastUpdated).toBe(DateTime.toEpochMillis(T0) / 1000)
      expect(initial.presets).toEqual([expect.objectContaining({ presetName: "p", desired: 2, running: 0 })])
      yield* TestClock.adjust(interval)
      yield* awaitCycles(reconciler, 1)
      yield* finishJobs
      yield* TestClock.adjust(Duration.seconds(1))
      yield* settle
      // Not refreshed yet (the next refresh is at +60 s).
      expect((yield* metrics.prebuildState).presets[0]).toMatchObject({ running: 0 })
      yield* TestClock.adjust(Duration.seconds(59))
      yield* settle
      const refreshed = yield* metrics.prebuildState
      expect(refreshed.presets[0]).toMatchObject({ running: 2, eligible: 2 })
      expect(refreshed.counts[0]).toMatchObject({ created: 2 })
      expect(refreshed.lastUpdated).toBe(DateTime.toEpochMillis(T0) / 1000 + 120)
      yield* Scope.close(scope, Exit.void)
    })))

  it.effect("the loop survives store faults and a crashing cycle, and converges once they stop", () =>
    Effect.gen(function*() {
      const rate = yield* Ref.make(0)
      const crashes = yield* Ref.make(1)
      yield* atT0(
        Effect.gen(function*() {
          yield* importTemplate(templateWith(["a", 3], ["b", 2]))
          yield* Ref.set(rate, 0.1)
          const { reconciler, scope } = yield* start({ metricsRefresh: false })
          for (let i = 1; i <= 20; i++) {
            yield* TestClock.adjust(interval)
            yield* awaitCycles(reconciler, i)
            // The job driver stands for the provisioner, which is not under test: no faults for it.
            yield* Ref.set(rate, 0)
            yield* finishJobs
            yield* Ref.set(rate, 0.1)
          }
          const faulty = yield* reconciler.recentCycles
          expect(faulty.some((r) => r.errors > 0)).toBe(true)
          yield* Ref.set(rate, 0)
          for (let i = 21; i <= 24; i++) {
            yield* TestClock.adjust(interval)
            yield* awaitCycles(reconciler, i)
            yield* finishJobs
          }
          const pools = yield* reconciler.poolStatus
          expect(pools.map((p) => [p.preset, p.running])).toEqual([["a", 3], ["b", 2]])
          yield* Scope.close(scope, Exit.void)
        }).pipe(Effect.withRandom(Random.make(3))),
        (store) => {
          const faulty = Store.withFaults(store, { rate: Ref.get(rate) })
          return {
            ...faulty,
            // The first cycle crashes with a defect inside the lock.
            withReconcileLock: (body) =>
              faulty.withReconcileLock((reads) =>
                Effect.flatMap(
                  Ref.getAndUpdate(crashes, (n) => Math.max(0, n - 1)),
                  (n) => n > 0 ? Effect.dieMessage("crash") : body(reads)
                )
              )
          }
        }
      )
    }))

  it.effect("closing the layer's scope leaves no fiber behind (Supervisor)", () =>
    atT0(Effect.gen(function*() {
      yield* importTemplate(templateWith(["p", 3]))
      const supervisor = yield* Supervisor.track
      const scope = yield* Scope.make()
      yield* Layer.buildWithScope(Reconciler.layer({ settings }), scope).pipe(Effect.supervised(supervisor))
      yield* settle
      // The loop and the metrics refresh run, and a cycle is under way when the scope closes.
      expect((yield* supervisor.value).length).toBeGreaterThanOrEqual(2)
      yield* TestClock.adjust(interval)
      yield* Scope.close(scope, Exit.void)
      yield* settle
      const alive = yield* supervisor.value
      expect(alive.filter((fiber) => fiber.unsafePoll() === null)).toEqual([])
    })))
})
