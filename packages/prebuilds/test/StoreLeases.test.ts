/**
 * Job leases in the store (issue 17) over every backend: fair pickup (claims first, presets in
 * turn, a per-preset cap), lease renewal, the reaper's pass (re-queue, fail with a follow-up
 * delete, cancel, live workers), cancelling builds, completions of a reaped job, and the hard
 * limit counted over every prebuild create.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { PresetId, ProvisionerJobId, ProvisionerWorkerId, WorkspaceBuildId, WorkspaceId } from "../src/Domain.js"
import { SystemUserId } from "../src/Domain.js"
import * as Settings from "../src/Settings.js"
import * as Store from "../src/Store.js"
import { describeEachBackend, onFresh } from "./utils/storeBackends.js"
import {
  at,
  importTemplate,
  prebuild,
  presetImport,
  SECOND,
  setOwner,
  snapshotAt,
  user
} from "./utils/storeFixtures.js"

const w = (name: string) => name as ProvisionerWorkerId

/** Epoch milliseconds of `at(offset)`. */
const ms = (offset: number) => DateTime.toEpochMillis(at(offset))

const reasonOf = <A, R>(effect: Effect.Effect<A, Store.StoreError, R>) =>
  Effect.map(Effect.either(effect), (result) => result._tag === "Left" ? result.left.reason : "succeeded")

const jobRow = (jobId: ProvisionerJobId) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<Record<string, unknown>>`SELECT status, worker_id, started_at, lease_expires_at,
        reaped_at, error FROM provisioner_jobs WHERE id = ${jobId}`
    const row = rows[0]!
    const millis = (value: unknown) => value === null ? null : Number(value)
    return {
      status: row.status as string,
      workerId: row.worker_id as string | null,
      startedAt: millis(row.started_at),
      leaseExpiresAt: millis(row.lease_expires_at),
      reapedAt: millis(row.reaped_at),
      error: row.error as string | null
    }
  })

const latest = (workspaceId: WorkspaceId) =>
  Effect.flatMap(Store.Store, (store) => Effect.map(store.latestBuild(workspaceId), Option.getOrThrow))

/** Pending creates of a new template's presets, in the order given (one `now` per create). */
const pendingCreates = (template: string, presets: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const names = [...new Set(presets)]
    const fixture = yield* importTemplate(template, { presets: names.map((name) => presetImport(name)) })
    const created: Array<Store.CreatedPrebuild & { readonly preset: string }> = []
    for (const [i, preset] of presets.entries()) {
      const job = yield* store.createPrebuild({
        presetId: fixture.presets[preset]!,
        name: `${preset}-${i}`,
        now: at(i)
      })
      created.push({ ...job, preset })
    }
    return { fixture, created }
  })

describeEachBackend("Store leases: acquiring jobs", (backend) => {
  const fresh = onFresh(backend)

  it.effect("presets take turns (fewest in flight first), the oldest job within a preset, under a lease", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      // A slow preset enqueued everything first; a second preset came later.
      const { created } = yield* pendingCreates("turns", ["slow", "slow", "slow", "slow", "fast", "fast"])
      const presetOf = new Map(created.map((c) => [c.jobId, c.preset]))
      const order: Array<string> = []
      for (let i = 0; i < 6; i++) {
        const taken = Option.getOrThrow(
          yield* store.acquireJob(w(`w${i}`), at(100), { leaseUntil: at(100 + 30 * SECOND) })
        )
        order.push(presetOf.get(taken.job.id)!)
        expect(taken.job).toMatchObject({ status: "running", workerId: `w${i}` })
        expect(yield* jobRow(taken.job.id)).toMatchObject({ startedAt: null, leaseExpiresAt: ms(100 + 30 * SECOND) })
      }
      expect(order).toEqual(["slow", "fast", "slow", "fast", "slow", "slow"])
      expect(Option.isNone(yield* store.acquireJob(w("w6"), at(100)))).toBe(true)
    })))

  it.effect("a preset at its cap is passed over; claim builds come first and are never capped", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const { created, fixture } = yield* pendingCreates("capped", ["hang", "hang", "hang", "other"])
      const own = [w("a-1"), w("a-2"), w("a-3")]
      const options = { perPresetLimit: 1, ownWorkers: own }
      const first = Option.getOrThrow(yield* store.acquireJob(own[0]!, at(10), options))
      expect(first.job.id).toBe(created[0]!.jobId)
      const second = Option.getOrThrow(yield* store.acquireJob(own[1]!, at(10), options))
      expect(second.job.id).toBe(created[3]!.jobId)
      // Both presets are at their cap of one: nothing more for this process's workers...
      expect(Option.isNone(yield* store.acquireJob(own[2]!, at(10), options))).toBe(true)
      // ...but another process's workers count their own jobs only.
      const elsewhere = yield* store.acquireJob(w("b-1"), at(10), { perPresetLimit: 1, ownWorkers: [w("b-1")] })
      expect(Option.getOrThrow(elsewhere).job.id).toBe(created[1]!.jobId)

      // A claim build enqueued last is taken first, cap or not.
      const ready = yield* prebuild(fixture.presets.hang!)
      const claimed = Option.getOrThrow(
        yield* store.claim({
          templateId: fixture.templateId,
          presetId: fixture.presets.hang!,
          userId: user("gina"),
          name: "mine",
          now: at(20)
        })
      )
      expect(ready.workspaceId).toBe(claimed.workspace.id)
      const taken = Option.getOrThrow(yield* store.acquireJob(own[2]!, at(30), options))
      expect(taken.job.id).toBe(claimed.jobId)
    })))

  it.effect("renewing records the start, extends the lease, reports a cancel, and fails for another worker", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const { created } = yield* pendingCreates("renew", ["p"])
      const job = Option.getOrThrow(yield* store.acquireJob(w("a"), at(0), { leaseUntil: at(10 * SECOND) }))
      expect(yield* store.renewJobLease(job.job.id, w("a"), at(SECOND), at(31 * SECOND))).toEqual(
        Option.some("running")
      )
      expect(yield* jobRow(job.job.id)).toMatchObject({ startedAt: ms(SECOND), leaseExpiresAt: ms(31 * SECOND) })
      expect(yield* store.renewJobLease(job.job.id, w("a"), at(5 * SECOND), at(35 * SECOND))).toEqual(
        Option.some("running")
      )
      // The start is recorded once.
      expect(yield* jobRow(job.job.id)).toMatchObject({ startedAt: ms(SECOND), leaseExpiresAt: ms(35 * SECOND) })
      expect(yield* store.renewJobLease(job.job.id, w("b"), at(6 * SECOND), at(36 * SECOND))).toEqual(Option.none())

      const buildId = (yield* latest(created[0]!.workspaceId)).build.id
      expect(yield* store.cancelBuild(buildId, at(7 * SECOND))).toMatchObject({ status: "canceling" })
      expect(yield* store.renewJobLease(job.job.id, w("a"), at(8 * SECOND), at(38 * SECOND))).toEqual(
        Option.some("canceling")
      )
      yield* store.completeJob(job.job.id, { status: "canceled", now: at(9 * SECOND), workerId: w("a") })
      expect(yield* store.renewJobLease(job.job.id, w("a"), at(10 * SECOND), at(40 * SECOND))).toEqual(Option.none())
    })))
})

describeEachBackend("Store leases: the reaper", (backend) => {
  const fresh = onFresh(backend)

  it.effect("requeues unstarted jobs, fails started ones with a delete build, cancels canceling ones, keeps live leases", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const { created } = yield* pendingCreates("reap", ["p", "p", "p", "p"])
      const [unstarted, started, canceling, live] = created as [
        (typeof created)[number],
        (typeof created)[number],
        (typeof created)[number],
        (typeof created)[number]
      ]
      const lease = { leaseUntil: at(10 * SECOND) }
      for (const [i, job] of created.entries()) {
        const taken = Option.getOrThrow(yield* store.acquireJob(w(`w${i}`), at(0), lease))
        expect(taken.job.id).toBe(job.jobId)
      }
      yield* store.renewJobLease(started.jobId, w("w1"), at(SECOND), at(10 * SECOND))
      yield* store.renewJobLease(canceling.jobId, w("w2"), at(SECOND), at(10 * SECOND))
      yield* store.renewJobLease(live.jobId, w("w3"), at(SECOND), at(20 * SECOND))
      yield* store.cancelBuild((yield* latest(canceling.workspaceId)).build.id, at(2 * SECOND))

      // Nothing has expired yet (the lease is valid up to and including its end).
      expect(yield* store.reapJobs({ now: at(10 * SECOND) })).toEqual({
        requeued: 0,
        failed: 0,
        canceled: 0,
        deletes: 0
      })
      const result = yield* store.reapJobs({ now: at(10 * SECOND + 1) })
      expect(result).toEqual({ requeued: 1, failed: 1, canceled: 1, deletes: 2 })

      expect(yield* jobRow(unstarted.jobId)).toMatchObject({ status: "pending", workerId: null, reapedAt: null })
      expect(yield* jobRow(started.jobId)).toMatchObject({
        status: "failed",
        reapedAt: ms(10 * SECOND + 1),
        error: "lease expired: worker w1 stopped heartbeating"
      })
      expect(yield* jobRow(canceling.jobId)).toMatchObject({ status: "canceled", reapedAt: ms(10 * SECOND + 1) })
      expect(yield* jobRow(live.jobId)).toMatchObject({ status: "running", workerId: "w3" })
      for (const reaped of [started, canceling]) {
        const { build, job, orphan } = yield* latest(reaped.workspaceId)
        expect(build).toMatchObject({ buildNumber: 2, transition: "delete", initiatorId: SystemUserId })
        expect([job.status, orphan]).toEqual(["pending", false])
      }
      // The unstarted job is picked up again like any pending job, after the two reaped
      // prebuilds' deletes (deletes go before creates, issue 16).
      const next = []
      for (const i of [9, 10, 11]) next.push(Option.getOrThrow(yield* store.acquireJob(w(`w${i}`), at(11 * SECOND))))
      expect(next.map((j) => j.build.transition)).toEqual(["delete", "delete", "start"])
      expect(next[2]!.job.id).toBe(unstarted.jobId)
    })))

  it.effect("with the live workers named, every other worker's job is reaped whatever its lease", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const { created } = yield* pendingCreates("live", ["p", "p"])
      const mine = Option.getOrThrow(yield* store.acquireJob(w("mine"), at(0), { leaseUntil: at(60 * SECOND) }))
      const ghost = Option.getOrThrow(yield* store.acquireJob(w("ghost"), at(0), { leaseUntil: at(60 * SECOND) }))
      yield* store.renewJobLease(ghost.job.id, w("ghost"), at(SECOND), at(60 * SECOND))
      expect(yield* store.reapJobs({ now: at(2 * SECOND), liveWorkers: [w("mine")] })).toEqual({
        requeued: 0,
        failed: 1,
        canceled: 0,
        deletes: 1
      })
      expect((yield* jobRow(mine.job.id)).status).toBe("running")
      expect((yield* jobRow(ghost.job.id)).status).toBe("failed")
      expect(created.map((c) => c.jobId)).toContain(ghost.job.id)
    })))

  it.effect("a reaped claim build fails without a delete; the reaped worker's late completion is refused", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("claimed", { presets: [presetImport("p")] })
      yield* prebuild(fixture.presets.p!)
      const claimed = Option.getOrThrow(
        yield* store.claim({
          templateId: fixture.templateId,
          presetId: fixture.presets.p!,
          userId: user("gina"),
          name: "mine",
          now: at(0)
        })
      )
      const taken = Option.getOrThrow(yield* store.acquireJob(w("a"), at(0), { leaseUntil: at(SECOND) }))
      expect(taken.job.id).toBe(claimed.jobId)
      yield* store.renewJobLease(taken.job.id, w("a"), at(0), at(SECOND))
      expect(yield* store.reapJobs({ now: at(2 * SECOND) })).toEqual({
        requeued: 0,
        failed: 1,
        canceled: 0,
        deletes: 0
      })
      expect((yield* latest(claimed.workspace.id)).build.buildNumber).toBe(claimed.buildNumber)
      expect(yield* reasonOf(store.completeJob(taken.job.id, { status: "succeeded", now: at(3 * SECOND) }))).toBe(
        "Conflict"
      )
    })))

  it.effect("a completion from a worker that no longer holds the job is a Conflict", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* pendingCreates("holder", ["p"])
      const first = Option.getOrThrow(yield* store.acquireJob(w("a"), at(0), { leaseUntil: at(SECOND) }))
      // Never started: the reaper puts it back, and another worker takes it.
      yield* store.reapJobs({ now: at(2 * SECOND) })
      const second = Option.getOrThrow(yield* store.acquireJob(w("b"), at(3 * SECOND)))
      expect(second.job.id).toBe(first.job.id)
      expect(
        yield* reasonOf(store.completeJob(first.job.id, { status: "failed", now: at(4 * SECOND), workerId: w("a") }))
      ).toBe("Conflict")
      const ended = yield* store.completeJob(first.job.id, {
        status: "succeeded",
        now: at(5 * SECOND),
        workerId: w("b")
      })
      expect(ended.status).toBe("succeeded")
    })))
})

describeEachBackend("Store leases: cancelling a build", (backend) => {
  it.effect("pending → canceled at once; running → canceling; ended → Conflict; unknown → NotFound", () =>
    onFresh(backend)(Effect.gen(function*() {
      const store = yield* Store.Store
      const { created } = yield* pendingCreates("cancel", ["p", "p", "p"])
      const buildOf = (i: number) => Effect.map(latest(created[i]!.workspaceId), ({ build }) => build.id)
      const pending = yield* store.cancelBuild(yield* buildOf(0), at(SECOND))
      expect(pending).toMatchObject({ jobId: created[0]!.jobId, status: "canceled" })
      expect(yield* jobRow(created[0]!.jobId)).toMatchObject({ status: "canceled", error: "canceled on request" })
      const taken = Option.getOrThrow(yield* store.acquireJob(w("a"), at(SECOND)))
      const running = yield* store.cancelBuild((yield* latest(taken.workspace.id)).build.id, at(2 * SECOND))
      expect(running.status).toBe("canceling")
      // Asking twice changes nothing.
      expect((yield* store.cancelBuild((yield* latest(taken.workspace.id)).build.id, at(3 * SECOND))).status).toBe(
        "canceling"
      )
      expect(yield* reasonOf(store.cancelBuild(yield* buildOf(0), at(4 * SECOND)))).toBe("Conflict")
      expect(yield* reasonOf(store.cancelBuild("no-such-build" as WorkspaceBuildId, at(4 * SECOND)))).toBe("NotFound")
    })))
})

describeEachBackend("Store leases: the hard limit counts every prebuild create (issue 17)", (backend) => {
  const limited = (presetId: PresetId, now: DateTime.Utc, hardLimit: number) =>
    Effect.map(
      snapshotAt(now, Settings.make({ failureHardLimit: hardLimit })),
      (snapshot) => snapshot.hardLimitedPresetIds.includes(presetId)
    )

  it.effect("claimed successes break a run of failures; reaped and canceled creates count as nothing", () =>
    onFresh(backend)(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("limit", { presets: [presetImport("p", { desiredInstances: 5 })] })
      const presetId = fixture.presets.p!
      // F S* F F S* (oldest first; * = claimed): the newest create succeeded.
      const sequence: ReadonlyArray<readonly ["failed" | "succeeded", boolean]> = [
        ["failed", false],
        ["succeeded", true],
        ["failed", false],
        ["failed", false],
        ["succeeded", true]
      ]
      for (const [i, [status, claimed]] of sequence.entries()) {
        const created = yield* prebuild(presetId, { status, now: at(i * SECOND) })
        if (claimed) yield* setOwner(created.workspaceId, user(`u${i}`))
      }
      const now = at(10 * SECOND)
      expect(yield* limited(presetId, now, 3)).toBe(false)
      expect(yield* limited(presetId, now, 1)).toBe(false)

      // A newer failure: F F S* before it is not three in a row...
      yield* prebuild(presetId, { status: "failed", now: at(6 * SECOND) })
      expect(yield* limited(presetId, now, 1)).toBe(true)
      expect(yield* limited(presetId, now, 2)).toBe(false)
      // ...a canceled create and a reaped one in between count as nothing...
      yield* prebuild(presetId, { status: "canceled", now: at(7 * SECOND) })
      const reaped = yield* prebuild(presetId, { status: "pending", now: at(8 * SECOND) })
      const taken = Option.getOrThrow(
        yield* store.acquireJob(w("gone"), at(8 * SECOND), { leaseUntil: at(9 * SECOND) })
      )
      expect(taken.job.id).toBe(reaped.jobId)
      yield* store.renewJobLease(reaped.jobId, w("gone"), at(8 * SECOND), at(9 * SECOND))
      expect((yield* store.reapJobs({ now: at(10 * SECOND) })).failed).toBe(1)
      expect(yield* limited(presetId, now, 2)).toBe(false)
      // ...and one more real failure makes two in a row, whoever owns the workspaces.
      const last = yield* prebuild(presetId, { status: "failed", now: at(9 * SECOND) })
      yield* setOwner(last.workspaceId, user("late"))
      expect(yield* limited(presetId, now, 2)).toBe(true)
      expect(yield* limited(presetId, now, 3)).toBe(false)
    })))
})
