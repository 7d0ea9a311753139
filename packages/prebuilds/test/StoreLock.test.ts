// Section numbers (§) in this file refer to docs/prebuilds.md.
import * as SqlClient from "@effect/sql/SqlClient"
import { expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import { lockIdFor, pgReconcileLock } from "../src/internal/storeTransaction.js"
import * as Store from "../src/Store.js"
import { describeEachBackend, describePg, onFresh, TestDatabase } from "./utils/storeBackends.js"
import { at, importTemplate, MINUTE, presetImport, settings, snapshotAt, T0 } from "./utils/storeFixtures.js"

/**
 * Runs `attempts` concurrent `withReconcileLock` calls (one per store given, cycling) whose
 * bodies hold the lock until every other attempt has returned. Returns how many ran the body
 * and the most bodies ever running at once.
 */
const contend = (stores: ReadonlyArray<Store.StoreShape>, attempts: number) =>
  Effect.gen(function*() {
    const active = yield* Ref.make(0)
    const maxActive = yield* Ref.make(0)
    const finished = yield* Ref.make(0)
    const othersDone = yield* Deferred.make<void>()
    const release = yield* Deferred.make<void>()
    const body = Effect.gen(function*() {
      const now = yield* Ref.updateAndGet(active, (n) => n + 1)
      yield* Ref.update(maxActive, (n) => Math.max(n, now))
      yield* Deferred.await(release)
      yield* Ref.update(active, (n) => n - 1)
      return "ran" as const
    })
    const attempt = (store: Store.StoreShape) =>
      store.withReconcileLock(() => body).pipe(
        Effect.tap((result) =>
          Option.isNone(result)
            ? Effect.flatMap(
              Ref.updateAndGet(finished, (n) => n + 1),
              (n) => n === attempts - 1 ? Deferred.succeed(othersDone, undefined) : Effect.void
            )
            : Effect.void
        )
      )
    const fibers = yield* Effect.forEach(
      Array.from({ length: attempts }, (_, i) => stores[i % stores.length]!),
      (store) => Effect.fork(attempt(store))
    )
    yield* Deferred.await(othersDone)
    yield* Deferred.succeed(release, undefined)
    const results = yield* Effect.forEach(fibers, Fiber.join)
    return {
      ran: results.filter(Option.isSome).length,
      skipped: results.filter(Option.isNone).length,
      maxActive: yield* Ref.get(maxActive)
    }
  })

describeEachBackend("Store reconcile lock (§3.2)", (backend) => {
  const fresh = onFresh(backend)

  it.effect("5 concurrent cycles: one runs the body, the others skip quietly; never two at once", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      expect(yield* contend([store], 5)).toEqual({ ran: 1, skipped: 4, maxActive: 1 })
      // The lock is free again afterwards, also after a failing or interrupted body.
      expect(yield* store.withReconcileLock(() => Effect.succeed(1))).toEqual(Option.some(1))
      expect(yield* Effect.flip(store.withReconcileLock(() => Effect.fail("boom" as const)))).toBe("boom")
      const blocked = yield* Deferred.make<void>()
      const started = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork(
        store.withReconcileLock(() => Effect.zipRight(Deferred.succeed(started, undefined), Deferred.await(blocked)))
      )
      yield* Deferred.await(started)
      expect(yield* store.withReconcileLock(() => Effect.succeed(2))).toEqual(Option.none())
      yield* Fiber.interrupt(fiber)
      expect(yield* store.withReconcileLock(() => Effect.succeed(3))).toEqual(Option.some(3))
    })))

  it.effect("the body reads the snapshot and the settings; its writes are committed", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("in-lock", { presets: [presetImport("p", { desiredInstances: 2 })] })
      const result = yield* store.withReconcileLock((reads) =>
        Effect.gen(function*() {
          const paused = (yield* reads.settings()).reconciliationPaused
          const snapshot = yield* reads.snapshot(at(MINUTE), settings)
          for (const preset of snapshot.presets) {
            yield* store.createPrebuild({ presetId: preset.presetId, name: `pb-${preset.presetName}`, now: T0 })
          }
          yield* store.setPaused(true)
          return { paused, presets: snapshot.presets.length }
        })
      )
      expect(result).toEqual(Option.some({ paused: false, presets: 1 }))
      expect((yield* store.settings()).reconciliationPaused).toBe(true)
      expect((yield* store.workspaces({ templateId: fixture.templateId })).map((w) => w.name)).toEqual(["pb-p"])
    })))
})

describePg("Store reconcile lock on PostgreSQL", (backend) => {
  const fresh = onFresh(backend)

  it.scoped("two replicas (separate pools): exactly one runs the body", () =>
    fresh(Effect.gen(function*() {
      const database = yield* TestDatabase
      const first = yield* database.openAnother()
      const second = yield* database.openAnother()
      expect(yield* contend([first, second], 2)).toEqual({ ran: 1, skipped: 1, maxActive: 1 })
      expect(yield* contend([first, second, yield* Store.Store], 6)).toEqual({ ran: 1, skipped: 5, maxActive: 1 })
    })))

  it.scoped("reads use the lock's repeatable-read transaction; writes made meanwhile stay invisible to them", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const other = yield* (yield* TestDatabase).openAnother()
      yield* importTemplate("before", { presets: [presetImport("p", { desiredInstances: 1 })] })
      const seen = yield* store.withReconcileLock((reads) =>
        Effect.gen(function*() {
          const first = yield* reads.snapshot(at(MINUTE), settings)
          // Another replica and this store's own writes commit on other connections.
          const template = yield* other.createTemplate({ name: "after" })
          yield* other.importVersion({
            templateId: template.id,
            name: "v1",
            files: { "main.tf": "" },
            presets: [presetImport("q")],
            activate: true,
            now: T0
          })
          yield* store.setPaused(true)
          const [second, settingsInLock] = yield* Effect.all(
            [reads.snapshot(at(MINUTE), settings), reads.settings()],
            { concurrency: 2 }
          )
          const outside = yield* store.settings()
          return {
            first: first.presets.map((p) => p.templateName),
            second: second.presets.map((p) => p.templateName),
            pausedInLock: settingsInLock.reconciliationPaused,
            pausedOutside: outside.reconciliationPaused
          }
        })
      )
      expect(seen).toEqual(Option.some({
        first: ["before"],
        second: ["before"],
        pausedInLock: false,
        pausedOutside: true
      }))
      expect((yield* snapshotAt(at(MINUTE))).presets.map((p) => p.templateName)).toEqual(["after", "before"])
    })))

  it.effect("the lock transaction is read-only, and a caller's own transaction is never joined by a store write", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const sql = yield* SqlClient.SqlClient
      // A write routed through a read-only transaction fails: the store's writes do not.
      const readOnly = yield* Effect.either(
        sql.withTransaction(
          Effect.zipRight(
            sql`SET TRANSACTION READ ONLY`,
            sql`UPDATE prebuild_settings SET reconciliation_paused = TRUE`
          )
        )
      )
      expect(readOnly._tag).toBe("Left")
      const outcome = yield* Effect.either(
        sql.withTransaction(
          Effect.gen(function*() {
            yield* sql`SET TRANSACTION READ ONLY`
            yield* store.setPaused(true)
            return yield* Effect.fail("rolled back" as const)
          })
        )
      )
      expect(outcome).toMatchObject({ _tag: "Left", left: "rolled back" })
      expect((yield* store.settings()).reconciliationPaused).toBe(true)
    })))

  it.effect("the lock is pg_try_advisory_xact_lock in a read-only repeatable-read transaction", () =>
    fresh(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const lock = pgReconcileLock(sql, lockIdFor("test-lock"), (error) => error)
      const seen = yield* lock((onLockConnection) =>
        Effect.gen(function*() {
          const isolation = yield* onLockConnection(sql<{ readonly v: string }>`SHOW transaction_isolation`)
          const readOnly = yield* onLockConnection(sql<{ readonly v: string }>`SHOW transaction_read_only`)
          const held = yield* sql<{ readonly n: unknown }>`SELECT COUNT(*) AS n FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objid = ${Number(lockIdFor("test-lock") & 0xffffffffn)}`
          return [Object.values(isolation[0]!)[0], Object.values(readOnly[0]!)[0], Number(held[0]!.n)]
        })
      )
      expect(seen).toEqual(Option.some(["repeatable read", "on", 1]))
      const after = yield* sql<{ readonly n: unknown }>`SELECT COUNT(*) AS n FROM pg_locks
        WHERE locktype = 'advisory' AND objid = ${Number(lockIdFor("test-lock") & 0xffffffffn)}`
      expect(Number(after[0]!.n)).toBe(0)
    })))

  it.scoped("deployments in separate schemas never contend", () =>
    Effect.gen(function*() {
      const storeIn = Effect.map(Layer.build(backend.layer()), Context.get(Store.Store))
      const a = yield* storeIn
      const b = yield* storeIn
      const hold = yield* Deferred.make<void>()
      const holding = yield* Deferred.make<void>()
      const fiber = yield* Effect.fork(
        a.withReconcileLock(() => Effect.zipRight(Deferred.succeed(holding, undefined), Deferred.await(hold)))
      )
      yield* Deferred.await(holding)
      expect(yield* b.withReconcileLock(() => Effect.succeed("b ran"))).toEqual(Option.some("b ran"))
      expect(yield* a.withReconcileLock(() => Effect.succeed("a again"))).toEqual(Option.none())
      yield* Deferred.succeed(hold, undefined)
      yield* Fiber.join(fiber)
    }))
})
