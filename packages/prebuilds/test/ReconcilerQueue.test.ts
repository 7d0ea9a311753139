/**
 * The protected provisioner queue (issue 16) on every store backend: `reconcileOnce` with a
 * `maxPendingJobs` cap and a deterministic job driver in place of the provisioner.
 *
 * - creates stop at the cap and resume as the queue drains; presets share the room in turn;
 * - claims (user builds) are not counted against the cap;
 * - deletes of outdated prebuilds run before creates, and the provisioner takes them first;
 * - pending creates of an outdated version are cancelled, and the new version's creates use the
 *   room they leave in the same cycle;
 * - the loop retries deferred creates after `deferredRetryMillis`, not a whole interval.
 */
import { expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import type { ProvisionerWorkerId, TemplateId, UserId } from "../src/Domain.js"
import { SystemUserId } from "../src/Domain.js"
import * as Reconciler from "../src/Reconciler.js"
import * as Settings from "../src/Settings.js"
import * as Simulation from "../src/Simulation.js"
import * as Store from "../src/Store.js"
import { type Backend, describeEachBackend } from "./utils/storeBackends.js"
import { importTemplate, importVersion, presetImport, T0 } from "./utils/storeFixtures.js"

const settings = Settings.make({ backoffInterval: Duration.seconds(5) })

const harness = (backend: Backend, maxPendingJobs: number | undefined) =>
  Reconciler.layerManual({ settings, maxPendingJobs }).pipe(
    Layer.provideMerge(Simulation.environment()),
    Layer.provideMerge(backend.layer()),
    Layer.provideMerge(Metrics.layerNoop)
  )

type Services = Layer.Layer.Success<ReturnType<typeof harness>>

const scenario = <A, E>(backend: Backend, maxPendingJobs: number | undefined, body: Effect.Effect<A, E, Services>) =>
  TestClock.setTime(DateTime.toEpochMillis(T0)).pipe(
    Effect.zipRight(Effect.provide(body, harness(backend, maxPendingJobs))),
    Effect.withRandom(Random.make("queue-tests"))
  )

/** Files the builder can render: a `region` parameter the presets set. */
const files = (tag: string) => ({
  "main.tf": `# ${tag}
data "coder_parameter" "region" {
  name    = "region"
  type    = "string"
  default = "eu"
}
`
})

const cycle = Effect.map(Effect.flatMap(Reconciler.Reconciler, (r) => r.reconcileOnce), (r) => r.report)

const worker = "queue-test-worker" as ProvisionerWorkerId

/** Acquires up to `limit` jobs and completes them as succeeded; returns their transitions in order. */
const drain = (limit = Number.POSITIVE_INFINITY) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const now = yield* DateTime.now
    const taken: Array<string> = []
    while (taken.length < limit) {
      const acquired = yield* store.acquireJob(worker, now)
      if (Option.isNone(acquired)) break
      const job = acquired.value
      taken.push(job.build.transition)
      yield* store.completeJob(job.job.id, {
        status: "succeeded",
        now,
        agents: job.build.transition === "start" ? [{ name: "main", ready: true }] : undefined
      })
    }
    return taken
  })

const pending = Effect.flatMap(Store.Store, (s) => s.pendingPrebuildJobs())

const pendingStartsOf = (templateId: TemplateId) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const jobs = yield* store.pendingJobs()
    const workspaces = yield* store.workspaces({ ownerId: SystemUserId })
    const ofTemplate = new Set(workspaces.filter((w) => w.templateId === templateId).map((w) => w.id))
    return jobs.filter((j) => j.build.transition === "start" && ofTemplate.has(j.build.workspaceId)).length
  })

describeEachBackend("Reconciler: the protected provisioner queue", (backend) => {
  it.effect("creates stop at the cap and resume as the provisioner drains the queue", () =>
    scenario(
      backend,
      4,
      Effect.gen(function*() {
        yield* importTemplate("big", { files: files("big"), presets: [presetImport("p", { desiredInstances: 10 })] })
        const first = yield* cycle
        expect([first.creates, first.deferredCreates]).toEqual([4, 6])
        expect(yield* pending).toBe(4)
        // Nothing drained: the queue is full, nothing more is created.
        const second = yield* cycle
        expect([second.creates, second.deferredCreates]).toEqual([0, 6])
        expect(yield* pending).toBe(4)
        // The provisioner takes three: three more fit.
        expect(yield* drain(3)).toEqual(["start", "start", "start"])
        const third = yield* cycle
        expect([third.creates, third.deferredCreates]).toEqual([3, 3])
        expect(yield* pending).toBe(4)
        yield* drain()
        const fourth = yield* cycle
        expect([fourth.creates, fourth.deferredCreates]).toEqual([3, 0])
        yield* drain()
        const done = yield* cycle
        expect([done.creates, done.deferredCreates, done.poolsFilled]).toEqual([0, 0, 1])
      })
    ))

  it.effect("presets share the room in turn", () =>
    scenario(
      backend,
      4,
      Effect.gen(function*() {
        yield* importTemplate("a", { files: files("a"), presets: [presetImport("big", { desiredInstances: 10 })] })
        yield* importTemplate("b", { files: files("b"), presets: [presetImport("small", { desiredInstances: 1 })] })
        const report = yield* cycle
        expect([report.creates, report.deferredCreates]).toEqual([4, 7])
        const store = yield* Store.Store
        const workspaces = yield* store.workspaces({ ownerId: SystemUserId })
        const templates = yield* store.listTemplates()
        const idOf = (name: string) => templates.find((t) => t.name === name)!.id
        expect(workspaces.filter((w) => w.templateId === idOf("a")).length).toBe(3)
        expect(workspaces.filter((w) => w.templateId === idOf("b")).length).toBe(1)
      })
    ))

  it.effect("without a cap every create is made at once", () =>
    scenario(
      backend,
      undefined,
      Effect.gen(function*() {
        yield* importTemplate("big", { files: files("big"), presets: [presetImport("p", { desiredInstances: 10 })] })
        const report = yield* cycle
        expect([report.creates, report.deferredCreates]).toEqual([10, 0])
        expect(yield* pending).toBe(10)
      })
    ))

  it.effect("claims are not counted against the cap", () =>
    scenario(
      backend,
      2,
      Effect.gen(function*() {
        const v = yield* importTemplate("t", {
          files: files("t"),
          presets: [presetImport("p", { desiredInstances: 2 })]
        })
        yield* cycle
        yield* drain()
        const store = yield* Store.Store
        const claimed = yield* store.claim({
          templateId: v.templateId,
          presetId: v.presets.p!,
          userId: "user-claimer" as UserId,
          name: "mine",
          now: yield* DateTime.now
        })
        expect(Option.isSome(claimed)).toBe(true)
        // The claim build waits for a provisioner, but only prebuild jobs count.
        expect((yield* store.pendingJobs()).length).toBe(1)
        expect(yield* pending).toBe(0)
        const report = yield* cycle
        expect([report.creates, report.deferredCreates]).toEqual([1, 0])
      })
    ))

  it.effect("deletes of an outdated version go before creates; the provisioner takes them first", () =>
    scenario(
      backend,
      10,
      Effect.gen(function*() {
        const v1 = yield* importTemplate("t", {
          files: files("v1"),
          presets: [presetImport("p", { desiredInstances: 2 })]
        })
        yield* cycle
        yield* drain()
        yield* importVersion(v1.templateId, {
          files: files("v2"),
          presets: [presetImport("p", { desiredInstances: 2 })]
        })
        const report = yield* cycle
        expect([report.deletes, report.creates]).toEqual([2, 2])
        // Creates were enqueued after the deletes; the provisioner takes the deletes first anyway.
        expect(yield* drain()).toEqual(["delete", "delete", "start", "start"])
      })
    ))

  it.effect("outdated deletes fill a small queue first: the new version's creates wait a cycle", () =>
    scenario(
      backend,
      2,
      Effect.gen(function*() {
        const v1 = yield* importTemplate("t", {
          files: files("v1"),
          presets: [presetImport("p", { desiredInstances: 2 })]
        })
        yield* cycle
        yield* drain()
        yield* importVersion(v1.templateId, {
          files: files("v2"),
          presets: [presetImport("p", { desiredInstances: 2 })]
        })
        const report = yield* cycle
        expect([report.deletes, report.creates, report.deferredCreates]).toEqual([2, 0, 2])
        expect(yield* drain()).toEqual(["delete", "delete"])
        const next = yield* cycle
        expect([next.creates, next.deferredCreates]).toEqual([2, 0])
      })
    ))

  it.effect("pending creates of an outdated version are cancelled and their room goes to the new version", () =>
    scenario(
      backend,
      3,
      Effect.gen(function*() {
        const v1 = yield* importTemplate("t", {
          files: files("v1"),
          presets: [presetImport("p", { desiredInstances: 3 })]
        })
        yield* cycle
        expect(yield* pendingStartsOf(v1.templateId)).toBe(3)
        yield* importVersion(v1.templateId, {
          files: files("v2"),
          presets: [presetImport("p", { desiredInstances: 3 })]
        })
        const report = yield* cycle
        expect([report.cancels, report.creates, report.deferredCreates]).toEqual([3, 3, 0])
        expect(yield* pending).toBe(3)
      })
    ))

  it.effect("the loop retries deferred creates within seconds, not a whole interval", () =>
    scenario(
      backend,
      2,
      Effect.gen(function*() {
        yield* importTemplate("t", { files: files("t"), presets: [presetImport("p", { desiredInstances: 4 })] })
        const scope = yield* Scope.make()
        const context = yield* Layer.buildWithScope(
          Reconciler.layer({
            settings: Settings.make({ reconciliationInterval: Duration.minutes(1) }),
            maxPendingJobs: 2,
            metricsRefresh: false
          }),
          scope
        )
        const reconciler = Context.get(context, Reconciler.Reconciler)
        const reports = (n: number) =>
          Effect.gen(function*() {
            for (let i = 0; i < 2_000; i++) {
              const all = yield* reconciler.recentCycles
              if (all.length >= n) return all
              yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1)))
            }
            return yield* Effect.dieMessage(`the loop did not reach ${n} cycles`)
          })
        const first = yield* reports(1)
        expect([first[0]!.creates, first[0]!.deferredCreates]).toEqual([2, 2])
        yield* drain()
        const settle = Effect.forEach(
          Array.from({ length: 20 }),
          () => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 1))),
          { discard: true }
        )
        yield* TestClock.adjust(Duration.millis(Reconciler.deferredRetryMillis - 1))
        yield* settle
        expect((yield* reconciler.recentCycles).length).toBe(1)
        yield* TestClock.adjust(Duration.millis(1))
        const second = yield* reports(2)
        expect([second[1]!.creates, second[1]!.deferredCreates]).toEqual([2, 0])
        // Nothing deferred: back to the interval.
        yield* drain()
        yield* TestClock.adjust(Duration.seconds(30))
        yield* settle
        expect((yield* reconciler.recentCycles).length).toBe(2)
        yield* Scope.close(scope, Exit.void)
      })
    ))
})
