/**
 * Several reconcilers on one PostgreSQL database (docs/prebuilds.md §3.2, §10 R1/R3): each replica has
 * its own store (connection pool), caches and builder, like separate processes. Needs
 * `WARMPOOL_PG_URL` (skipped with a clear title otherwise; failing when `WARMPOOL_REQUIRE_PG=1`).
 * Every test gets a schema of its own.
 */
import { expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import type * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
import type * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import type { ProvisionerWorkerId, UserId } from "../src/Domain.js"
import { SystemUserId } from "../src/Domain.js"
import * as Prebuilds from "../src/Prebuilds.js"
import * as PresetState from "../src/PresetState.js"
import * as Provisioner from "../src/Provisioner.js"
import * as Reconciler from "../src/Reconciler.js"
import * as Settings from "../src/Settings.js"
import type * as Simulation from "../src/Simulation.js"
import * as Snapshot from "../src/Snapshot.js"
import * as Store from "../src/Store.js"
import * as TemplateImport from "../src/TemplateImport.js"
import { type Backend, describePg, TestDatabase } from "./utils/storeBackends.js"

const T0 = DateTime.unsafeMake("2024-01-01T00:00:00Z")
const settings = Settings.make({ backoffInterval: Duration.seconds(5) })

interface Replica {
  readonly store: Store.StoreShape
  readonly reconciler: Reconciler.ReconcilerShape
  readonly context: Context.Context<Layer.Layer.Success<ReturnType<typeof Simulation.environment>>>
}

/** A replica on `store`: its own caches, renderer, builder and reconciler. */
const replica = (
  store: Store.StoreShape,
  options: { readonly settings?: Settings.Settings } = {}
): Effect.Effect<Replica, never, Scope.Scope> =>
  Effect.gen(function*() {
    const context = yield* Layer.build(
      Prebuilds.layerCore().pipe(
        Layer.provideMerge(Layer.succeed(Store.Store, store)),
        Layer.provideMerge(Metrics.layer)
      )
    )
    const reconciler = yield* Reconciler.make({ settings: options.settings ?? settings }).pipe(
      Effect.provide(context)
    )
    return { store, reconciler, context }
  })

const regionTemplate = (presets: Readonly<Record<string, number>>) => `
data "coder_parameter" "region" {
  name    = "region"
  type    = "string"
  default = "eu"
  mutable = true
}
${
  Object.entries(presets).map(([name, instances]) => `
data "coder_workspace_preset" "${name}" {
  name       = "${name}"
  parameters = { region = "${name}" }
  prebuilds {
    instances = ${instances}
  }
}`).join("\n")
}
`

const importOn = (r: Replica, templateName: string, source: string) =>
  Effect.flatMap(
    TemplateImport.TemplateImport,
    (service) => service.importVersion({ templateName, files: { "main.tf": source }, activate: true })
  ).pipe(
    Effect.provide(r.context)
  )

/** Per active preset: running (not expired) plus in-flight starts, and the desired count. */
const poolSizes = (store: Store.StoreShape) =>
  Effect.gen(function*() {
    const now = yield* DateTime.now
    const snapshot = Option.getOrThrow(yield* store.withReconcileLock((reads) => reads.snapshot(now, settings)))
    return Snapshot.presetSnapshots(snapshot, now).filter((s) => PresetState.isActive(s.preset)).map((s) => {
      const state = PresetState.presetState(s, now, settings)
      return {
        preset: s.preset.presetName,
        live: state.actual - state.expired + state.starting,
        desired: state.desired
      }
    })
  })

/** Completes a random subset of the pending jobs (the rest stay in flight for now). */
const finishSome = (store: Store.StoreShape, fraction: number) =>
  Effect.gen(function*() {
    const now = yield* DateTime.now
    const pending = (yield* store.pendingJobs()).length
    for (let i = 0; i < pending; i++) {
      if ((yield* Random.next) >= fraction) continue
      const acquired = yield* store.acquireJob("pg-worker" as ProvisionerWorkerId, now)
      if (Option.isNone(acquired)) return
      yield* store.completeJob(acquired.value.job.id, {
        status: "succeeded",
        now,
        agents: [{ name: "main", ready: true }]
      })
    }
  })

/** A store whose lock body signals `entered` and waits for `release` before running. */
const gated = (store: Store.StoreShape, id: number, entered: Queue.Queue<number>, release: Effect.Effect<void>) => ({
  ...store,
  withReconcileLock: <A, E, R>(body: (reads: Store.SnapshotReads) => Effect.Effect<A, E, R>) =>
    store.withReconcileLock((reads) => Effect.zipRight(Effect.zipRight(Queue.offer(entered, id), release), body(reads)))
})

const atT0 = <A, E, R>(body: Effect.Effect<A, E, R>) =>
  TestClock.setTime(DateTime.toEpochMillis(T0)).pipe(
    Effect.zipRight(body),
    Effect.withRandom(Random.make("pg-replicas"))
  )

describePg("Reconcilers on one PostgreSQL database", (backend: Backend) => {
  it.scoped("two replicas, 50 cycles: exactly one wins each cycle and no pool exceeds its desired size", () =>
    atT0(
      Effect.gen(function*() {
        const database = yield* TestDatabase
        const entered = yield* Queue.unbounded<number>()
        const gate = yield* Ref.make(yield* Effect.makeLatch(false))
        const release = Effect.flatMap(Ref.get(gate), (latch) => latch.await)
        const base1 = yield* Store.Store
        const base2 = yield* database.openAnother()
        const one = yield* replica(gated(base1, 1, entered, release))
        const two = yield* replica(gated(base2, 2, entered, release))
        yield* importOn(one, "alpha", regionTemplate({ a: 3, b: 2 }))
        yield* importOn(two, "beta", regionTemplate({ c: 4 }))

        let wins = [0, 0]
        for (let round = 0; round < 50; round++) {
          const latch = yield* Effect.makeLatch(false)
          yield* Ref.set(gate, latch)
          const fibers = [
            yield* Effect.fork(one.reconciler.reconcileOnce),
            yield* Effect.fork(two.reconciler.reconcileOnce)
          ]
          const winner = yield* Queue.take(entered)
          const loser = yield* Fiber.join(fibers[winner === 1 ? 1 : 0]!)
          expect(loser.stats.lockAcquired).toBe(false)
          yield* latch.open
          const won = yield* Fiber.join(fibers[winner === 1 ? 0 : 1]!)
          expect(won.stats.lockAcquired).toBe(true)
          wins = winner === 1 ? [wins[0]! + 1, wins[1]!] : [wins[0]!, wins[1]! + 1]

          for (const pool of yield* poolSizes(base1)) expect(pool.live).toBeLessThanOrEqual(pool.desired)
          yield* finishSome(base1, 0.6)
          // Now and then a user claims a prebuild: the pools go one short and refill.
          if (round % 7 === 3) {
            const [first] = yield* base1.workspaces({ ownerId: SystemUserId })
            if (first !== undefined) {
              yield* Effect.ignore(
                base1.claim({
                  templateId: first.templateId,
                  presetId: Option.getOrThrow(yield* base1.latestBuild(first.id)).build.presetId!,
                  userId: "pg-user" as UserId,
                  name: `claimed-${round}`,
                  now: yield* DateTime.now
                })
              )
            }
          }
          yield* TestClock.adjust(Duration.seconds(30))
        }
        expect(wins[0]! + wins[1]!).toBe(50)
        // Let everything finish (the gate is open now): the pools converge to their desired sizes.
        for (let i = 0; i < 3; i++) {
          yield* two.reconciler.reconcileOnce
          yield* finishSome(base1, 1)
        }
        for (const pool of yield* poolSizes(base1)) expect(pool.live).toBe(pool.desired)
      }).pipe(Effect.provide(backend.layer()))
    ))

  it.scoped("five replicas starting cycles together never overlap inside the lock", () =>
    atT0(
      Effect.gen(function*() {
        const database = yield* TestDatabase
        const inside = yield* Ref.make(0)
        const most = yield* Ref.make(0)
        const counting = (store: Store.StoreShape): Store.StoreShape => ({
          ...store,
          withReconcileLock: (body) =>
            store.withReconcileLock((reads) =>
              Effect.gen(function*() {
                const n = yield* Ref.updateAndGet(inside, (k) => k + 1)
                yield* Ref.update(most, (m) => Math.max(m, n))
                yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 20)))
                return yield* body(reads)
              }).pipe(Effect.ensuring(Ref.update(inside, (k) => k - 1)))
            )
        })
        const stores = [
          yield* Store.Store,
          ...(yield* Effect.all(Array.from({ length: 4 }, () => database.openAnother())))
        ]
        const replicas = yield* Effect.forEach(stores, (store) => replica(counting(store)))
        yield* importOn(replicas[0]!, "t", regionTemplate({ p: 2 }))
        for (let round = 0; round < 5; round++) {
          const results = yield* Effect.all(replicas.map((r) => r.reconciler.reconcileOnce), {
            concurrency: "unbounded"
          })
          expect(results.filter((r) => r.stats.lockAcquired).length).toBeGreaterThanOrEqual(1)
        }
        expect(yield* Ref.get(most)).toBe(1)
        expect((yield* stores[0]!.workspaces({ ownerId: SystemUserId })).length).toBe(2)
      }).pipe(Effect.provide(backend.layer()))
    ))

  it.scoped("echo provisioner failures: backoff, then the hard limit, then no more creates or renders", () =>
    atT0(
      Effect.gen(function*() {
        const store = yield* Store.Store
        const one = yield* replica(store, { settings: Settings.make({ backoffInterval: Duration.seconds(5) }) })
        yield* importOn(one, "failing", regionTemplate({ f: 2 }))
        const provisioner = yield* Provisioner.makeEcho({
          delay: Duration.seconds(1),
          failureRate: 1,
          pollInterval: Duration.seconds(1),
          workers: 2
        }).pipe(Effect.provide(one.context), Effect.orDie)
        const reports: Array<Reconciler.CycleReport> = []
        for (let i = 0; i < 8; i++) {
          reports.push((yield* one.reconciler.reconcileOnce).report)
          for (let s = 0; s < 20; s++) {
            yield* TestClock.adjust(Duration.seconds(1))
            yield* Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 2)))
          }
        }
        void provisioner
        const statuses = (yield* one.reconciler.poolStatus).map((p) => p.status)
        expect(statuses).toEqual(["hard_limited"])
        expect(reports[0]!.creates).toBe(2)
        expect(reports.at(-1)).toMatchObject({ creates: 0, renders: 0 })
        expect(reports.reduce((n, r) => n + r.creates, 0)).toBeLessThanOrEqual(4)
      }).pipe(Effect.provide(backend.layer()))
    ))
})
