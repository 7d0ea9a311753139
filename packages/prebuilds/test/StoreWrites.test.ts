// Section numbers (§) in this file refer to docs/prebuilds.md.
import * as SqlClient from "@effect/sql/SqlClient"
import { expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { ProvisionerJobId, ProvisionerWorkerId, WorkspaceId } from "../src/Domain.js"
import { SystemUserId } from "../src/Domain.js"
import * as Store from "../src/Store.js"
import { describeEachBackend, onFresh } from "./utils/storeBackends.js"
import {
  addBuild,
  at,
  importTemplate,
  importVersion,
  MINUTE,
  prebuild,
  presetImport,
  SECOND,
  setJobStatus,
  setOwner,
  snapshotAt,
  T0,
  user
} from "./utils/storeFixtures.js"

const reasonOf = <A, R>(effect: Effect.Effect<A, Store.StoreError, R>) =>
  Effect.map(Effect.either(effect), (result) => result._tag === "Left" ? result.left.reason : "succeeded")

const latest = (workspaceId: WorkspaceId) =>
  Effect.flatMap(Store.Store, (store) => Effect.map(store.latestBuild(workspaceId), Option.getOrThrow))

const worker = (name: string) => name as ProvisionerWorkerId

describeEachBackend("Store writes: createPrebuild", (backend) => {
  const fresh = onFresh(backend)

  it.effect("writes a system-owned workspace, build 1 start on the active version and a pending job", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("create", {
        presets: [presetImport("p", { parameters: { region: "eu", size: "m" } })]
      })
      const created = yield* store.createPrebuild({ presetId: fixture.presets.p!, name: "pb-1", now: at(3) })
      expect(created.templateVersionId).toBe(fixture.versionId)
      const workspace = Option.getOrThrow(yield* store.workspace(created.workspaceId))
      expect(workspace).toMatchObject({
        id: created.workspaceId,
        templateId: fixture.templateId,
        ownerId: SystemUserId,
        name: "pb-1",
        deleted: false
      })
      expect(workspace.createdAt).toEqual(at(3))
      const { build, job, orphan } = yield* latest(created.workspaceId)
      expect(build).toMatchObject({
        id: created.buildId,
        buildNumber: 1,
        transition: "start",
        templateVersionId: fixture.versionId,
        presetId: fixture.presets.p,
        initiatorId: SystemUserId,
        jobId: created.jobId
      })
      expect(build.createdAt).toEqual(at(3))
      expect(job).toMatchObject({ id: created.jobId, status: "pending", workerId: null, canceledAt: null })
      expect(orphan).toBe(false)
      expect(yield* store.buildParameters(created.buildId)).toEqual({ region: "eu", size: "m" })
      const resolved = yield* store.createPrebuild({
        presetId: fixture.presets.p!,
        name: "pb-2",
        now: at(4),
        parameters: { region: "eu", size: "m", disk: "10" }
      })
      expect(yield* store.buildParameters(resolved.buildId)).toEqual({ region: "eu", size: "m", disk: "10" })
    })))

  it.effect("refuses presets that are not on a live active version, and unknown presets", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const outdated = yield* importTemplate("outdated")
      yield* importVersion(outdated.templateId)
      expect(yield* reasonOf(store.createPrebuild({ presetId: outdated.presets.p!, name: "x", now: T0 }))).toBe(
        "Conflict"
      )
      const deleted = yield* importTemplate("deleted")
      yield* store.deleteTemplate(deleted.templateId)
      expect(yield* reasonOf(store.createPrebuild({ presetId: deleted.presets.p!, name: "x", now: T0 }))).toBe(
        "Conflict"
      )
      expect(yield* reasonOf(store.createPrebuild({ presetId: "nope" as never, name: "x", now: T0 }))).toBe("NotFound")
      const live = yield* importTemplate("live")
      yield* store.createPrebuild({ presetId: live.presets.p!, name: "taken", now: T0 })
      expect(yield* reasonOf(store.createPrebuild({ presetId: live.presets.p!, name: "taken", now: T0 }))).toBe(
        "Conflict"
      )
      expect(yield* store.workspaces()).toHaveLength(1)
    })))
})

describeEachBackend("Store writes: deletePrebuild", (backend) => {
  const fresh = onFresh(backend)

  it.effect("enqueues a delete build on the last build's version, with its preset", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("delete")
      const created = yield* prebuild(fixture.presets.p!)
      yield* importVersion(fixture.templateId)
      const result = yield* store.deletePrebuild(created.workspaceId, at(MINUTE))
      expect(result._tag).toBe("Enqueued")
      const { build, job } = yield* latest(created.workspaceId)
      expect(build).toMatchObject({
        buildNumber: 2,
        transition: "delete",
        templateVersionId: fixture.versionId,
        presetId: fixture.presets.p,
        initiatorId: SystemUserId
      })
      expect(result._tag === "Enqueued" && [result.buildId, result.jobId]).toEqual([build.id, job.id])
      expect(job.status).toBe("pending")
      expect(yield* store.buildParameters(build.id)).toEqual({})
      // The builds never overlap.
      expect((yield* store.deletePrebuild(created.workspaceId, at(MINUTE)))._tag).toBe("BuildInProgress")
      yield* store.completeJob(job.id, { status: "succeeded", now: at(2 * MINUTE) })
      expect(Option.getOrThrow(yield* store.workspace(created.workspaceId)).deleted).toBe(true)
      expect((yield* store.deletePrebuild(created.workspaceId, at(3 * MINUTE)))._tag).toBe("AlreadyDeleted")
    })))

  it.effect("refuses workspaces the system user no longer owns, and those with a build in flight", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("refuse")
      const claimed = yield* prebuild(fixture.presets.p!)
      yield* setOwner(claimed.workspaceId, user("frank"))
      expect(yield* store.deletePrebuild(claimed.workspaceId, T0)).toEqual(
        Store.DeletePrebuildResult.NotOwned({ workspaceId: claimed.workspaceId, ownerId: user("frank") })
      )
      for (const status of ["pending", "running", "canceling"] as const) {
        const busy = yield* prebuild(fixture.presets.p!, { status })
        expect((yield* store.deletePrebuild(busy.workspaceId, T0))._tag).toBe("BuildInProgress")
      }
      for (const status of ["failed", "canceled"] as const) {
        const done = yield* prebuild(fixture.presets.p!, { status })
        expect((yield* store.deletePrebuild(done.workspaceId, T0))._tag).toBe("Enqueued")
      }
      expect(yield* reasonOf(store.deletePrebuild("nope" as WorkspaceId, T0))).toBe("NotFound")
      // Nothing was written for the refused ones.
      expect((yield* latest(claimed.workspaceId)).build.buildNumber).toBe(1)
    })))
})

/** A job's row, read directly. */
const jobRow = (jobId: ProvisionerJobId) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<Record<string, unknown>>`SELECT status, worker_id, canceled_at, completed_at
      FROM provisioner_jobs WHERE id = ${jobId}`
    const row = rows[0]!
    const millis = (value: unknown) => value === null ? null : Number(value)
    return {
      status: row.status,
      workerId: row.worker_id,
      canceledAt: millis(row.canceled_at),
      completedAt: millis(row.completed_at)
    }
  })

describeEachBackend("Store writes: cancelPending (§3.8, §9.2)", (backend) => {
  it.effect("cancels only unpicked build-1 creates of the preset on non-active versions", () =>
    onFresh(backend)(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("drain", { presets: [presetImport("p", { desiredInstances: 9 })] })
      const presetId = fixture.presets.p!
      const targets = [
        yield* prebuild(presetId, { status: "pending" }),
        yield* prebuild(presetId, { status: "pending" })
      ]
      const spared: Array<
        { readonly name: string; readonly workspaceId: WorkspaceId; readonly jobId: ProvisionerJobId }
      > = []
      for (const status of ["running", "succeeded", "failed", "canceled"] as const) {
        const created = yield* prebuild(presetId, { status })
        spared.push({ name: status, workspaceId: created.workspaceId, jobId: created.jobId })
      }
      const picked = yield* prebuild(presetId, { status: "pending" })
      yield* setJobStatus(picked.jobId, "pending", { workerId: "worker-2" })
      spared.push({ name: "picked", workspaceId: picked.workspaceId, jobId: picked.jobId })
      for (const transition of ["stop", "delete"] as const) {
        const second = yield* prebuild(presetId)
        const added = yield* addBuild(second.workspaceId, { transition, status: "pending" })
        spared.push({ name: `build 2 ${transition}`, workspaceId: second.workspaceId, jobId: added.jobId })
      }
      const users = yield* prebuild(presetId, { status: "pending" })
      yield* setOwner(users.workspaceId, user("gina"))
      spared.push({ name: "user workspace", workspaceId: users.workspaceId, jobId: users.jobId })
      const other = yield* importTemplate("other", { presets: [presetImport("p", { desiredInstances: 9 })] })
      const otherPending = yield* prebuild(other.presets.p!, { status: "pending" })
      yield* importVersion(other.templateId)
      spared.push({ name: "other template", workspaceId: otherPending.workspaceId, jobId: otherPending.jobId })
      const before = new Map<string, unknown>()
      for (const { jobId, name } of spared) before.set(name, yield* jobRow(jobId))

      // While the version is active, nothing is cancelled.
      expect(yield* store.cancelPending(presetId, at(SECOND))).toBe(0)
      yield* importVersion(fixture.templateId)
      const now = at(MINUTE)
      expect(yield* store.cancelPending(presetId, now)).toBe(2)
      expect(yield* store.cancelPending(presetId, now)).toBe(0)

      for (const target of targets) {
        expect(yield* jobRow(target.jobId)).toEqual({
          status: "canceled",
          workerId: null,
          canceledAt: DateTime.toEpochMillis(now),
          completedAt: DateTime.toEpochMillis(now)
        })
        const { build, job, orphan } = yield* latest(target.workspaceId)
        expect(build).toMatchObject({ buildNumber: 2, transition: "delete", templateVersionId: fixture.versionId })
        expect(build.presetId).toBe(presetId)
        expect(orphan).toBe(true)
        expect(job.status).toBe("succeeded")
        expect(job.completedAt).toEqual(now)
        expect(Option.getOrThrow(yield* store.workspace(target.workspaceId)).deleted).toBe(true)
      }
      for (const { jobId, name, workspaceId } of spared) {
        expect([name, yield* jobRow(jobId)]).toEqual([name, before.get(name)])
        expect([name, Option.getOrThrow(yield* store.workspace(workspaceId)).deleted]).toEqual([name, false])
      }
      expect((yield* snapshotAt(now)).pendingCounts.filter((row) => row.presetId === presetId)).toEqual([])
      // The other template's outdated create is its own preset's business.
      expect(yield* store.cancelPending(other.presets.p!, now)).toBe(1)
    })))

  it.effect("a job a worker took is spared even if the snapshot counted it", () =>
    onFresh(backend)(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("race", { presets: [presetImport("p", { desiredInstances: 9 })] })
      const presetId = fixture.presets.p!
      const first = yield* prebuild(presetId, { status: "pending", now: at(1) })
      const second = yield* prebuild(presetId, { status: "pending", now: at(2) })
      yield* importVersion(fixture.templateId)
      expect((yield* snapshotAt(at(MINUTE))).pendingCounts).toEqual([{ presetId, count: 2 }])
      const taken = Option.getOrThrow(yield* store.acquireJob(worker("fast"), at(MINUTE)))
      expect(taken.job.id).toBe(first.jobId)
      expect(yield* store.cancelPending(presetId, at(MINUTE))).toBe(1)
      expect((yield* jobRow(first.jobId)).status).toBe("running")
      expect((yield* jobRow(second.jobId)).status).toBe("canceled")
    })))
})

describeEachBackend("Store jobs", (backend) => {
  const fresh = onFresh(backend)

  it.effect("acquireJob takes the oldest pending job with what the provisioner needs", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("jobs", { presets: [presetImport("p", { parameters: { a: "1" } })] })
      expect(yield* store.acquireJob(worker("w1"), T0)).toEqual(Option.none())
      const second = yield* store.createPrebuild({ presetId: fixture.presets.p!, name: "second", now: at(2) })
      const first = yield* store.createPrebuild({ presetId: fixture.presets.p!, name: "first", now: at(1) })
      const cancelled = yield* store.createPrebuild({ presetId: fixture.presets.p!, name: "gone", now: at(0) })
      yield* setJobStatus(cancelled.jobId, "canceled")
      expect((yield* store.pendingJobs()).map((p) => p.job.id)).toEqual([first.jobId, second.jobId])

      const taken = Option.getOrThrow(yield* store.acquireJob(worker("w1"), at(10)))
      expect(taken.job).toMatchObject({ id: first.jobId, status: "running", workerId: "w1" })
      expect(taken.build).toMatchObject({ id: first.buildId, transition: "start", buildNumber: 1 })
      expect(taken.workspace).toMatchObject({ id: first.workspaceId, name: "first", ownerId: SystemUserId })
      expect(taken).toMatchObject({ templateName: "jobs", organizationId: null, parameters: { a: "1" }, orphan: false })
      expect(Option.getOrThrow(yield* store.acquireJob(worker("w2"), at(11))).job.id).toBe(second.jobId)
      expect(yield* store.acquireJob(worker("w3"), at(12))).toEqual(Option.none())
      expect(yield* store.pendingJobs()).toEqual([])
    })))

  it.effect("concurrent workers never take the same job", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("workers", { presets: [presetImport("p", { desiredInstances: 6 })] })
      for (let i = 0; i < 6; i++) {
        yield* store.createPrebuild({ presetId: fixture.presets.p!, name: `pb-${i}`, now: at(i) })
      }
      const results = yield* Effect.all(
        Array.from({ length: 12 }, (_, i) => store.acquireJob(worker(`w${i}`), at(100))),
        { concurrency: "unbounded" }
      )
      const taken = results.flatMap((result) => Option.isSome(result) ? [result.value.job.id] : [])
      expect(taken).toHaveLength(6)
      expect(new Set(taken).size).toBe(6)
    })))

  it.effect("completeJob ends a job once; agents follow the completions; a succeeded delete deletes", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("complete")
      const created = yield* store.createPrebuild({ presetId: fixture.presets.p!, name: "c", now: T0 })
      yield* store.acquireJob(worker("w"), T0)
      const ended = yield* store.completeJob(created.jobId, {
        status: "succeeded",
        now: at(5),
        agents: [{ name: "main", ready: false }, { name: "side", ready: true }]
      })
      expect(ended).toMatchObject({ status: "succeeded", canceledAt: null, workerId: "w" })
      expect(ended.completedAt).toEqual(at(5))
      expect(yield* reasonOf(store.completeJob(created.jobId, { status: "failed", now: at(6) }))).toBe("Conflict")
      expect(yield* reasonOf(store.completeJob("nope" as ProvisionerJobId, { status: "failed", now: at(6) }))).toBe(
        "NotFound"
      )
      expect((yield* store.agents(created.workspaceId)).map((a) => [a.lifecycleState, a.deleted])).toEqual([
        ["starting", false],
        ["ready", false]
      ])
      expect(yield* store.setAgentReady(created.workspaceId, true)).toBe(1)
      expect(yield* store.setAgentReady(created.workspaceId, true)).toBe(0)

      // A later build reporting only "main" retires "side".
      const again = yield* addBuild(created.workspaceId, { transition: "start", status: "running" })
      yield* store.completeJob(again.jobId, {
        status: "succeeded",
        now: at(7),
        agents: [{ name: "main", ready: true }]
      })
      expect((yield* store.agents(created.workspaceId)).map((a) => [a.lifecycleState, a.deleted])).toEqual([
        ["ready", false],
        ["ready", true]
      ])

      const deletion = yield* store.deletePrebuild(created.workspaceId, at(8))
      const deleteJob = deletion._tag === "Enqueued" ? deletion.jobId : ("" as ProvisionerJobId)
      const canceled = yield* store.completeJob(deleteJob, { status: "canceled", now: at(9) })
      expect(canceled.canceledAt).toEqual(at(9))
      expect(Option.getOrThrow(yield* store.workspace(created.workspaceId)).deleted).toBe(false)
      const retry = yield* store.deletePrebuild(created.workspaceId, at(10))
      const retryJob = retry._tag === "Enqueued" ? retry.jobId : ("" as ProvisionerJobId)
      yield* store.completeJob(retryJob, { status: "succeeded", now: at(11) })
      expect(Option.getOrThrow(yield* store.workspace(created.workspaceId)).deleted).toBe(true)
      expect((yield* store.agents(created.workspaceId)).every((a) => a.deleted)).toBe(true)
      expect(yield* store.workspaces()).toEqual([])
      expect((yield* store.workspaces({ includeDeleted: true })).map((w) => w.id)).toEqual([created.workspaceId])
    })))

  it.effect("workspaces filter by template and owner", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const a = yield* importTemplate("a")
      const b = yield* importTemplate("b")
      const a1 = yield* prebuild(a.presets.p!, { now: at(1) })
      const a2 = yield* prebuild(a.presets.p!, { now: at(2) })
      const b1 = yield* prebuild(b.presets.p!, { now: at(3) })
      yield* setOwner(a2.workspaceId, user("hal"))
      const ids = (filter?: Store.WorkspaceFilter) =>
        Effect.map(store.workspaces(filter), (list) => list.map((w) => w.id))
      expect(yield* ids()).toEqual([a1.workspaceId, a2.workspaceId, b1.workspaceId])
      expect(yield* ids({ templateId: a.templateId })).toEqual([a1.workspaceId, a2.workspaceId])
      expect(yield* ids({ ownerId: SystemUserId })).toEqual([a1.workspaceId, b1.workspaceId])
      expect(yield* ids({ templateId: a.templateId, ownerId: user("hal") })).toEqual([a2.workspaceId])
      expect(yield* store.workspace("nope" as WorkspaceId)).toEqual(Option.none())
      expect(yield* store.latestBuild("nope" as WorkspaceId)).toEqual(Option.none())
    })))
})
