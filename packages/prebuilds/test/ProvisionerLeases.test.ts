/**
 * Provisioner workers under leases (issue 17), on `TestClock`: a cancel request stops a running
 * job at the next heartbeat; a reaped job stops its run and is not completed again; a completion
 * the store cannot take is retried until stored, or until the lease has expired (then the reaper
 * decides); the start-up reaper fails the jobs of workers that are gone.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import * as Supervisor from "effect/Supervisor"
import * as TestClock from "effect/TestClock"
import type { ProvisionerJobId, ProvisionerWorkerId } from "../src/Domain.js"
import * as JobReaper from "../src/JobReaper.js"
import * as Provisioner from "../src/Provisioner.js"
import * as Store from "../src/Store.js"
import {
  createJobs,
  latest,
  notify,
  startProvisioner,
  storeAndQueue,
  ticks,
  waitUntil
} from "./fixtures/provisioner/harness.js"

const SECOND = 1000

const statusOf = (job: Store.CreatedPrebuild) => Effect.map(latest(job.workspaceId), ({ job }) => job.status)

/** The status of a job (not of the workspace's latest build: a reaped create is followed by a delete). */
const jobStatus = (jobId: ProvisionerJobId) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly status: string }>`SELECT status FROM provisioner_jobs WHERE id = ${jobId}`,
      (rows) => rows[0]?.status
    ))

const errorOf = (jobId: ProvisionerJobId) =>
  Effect.flatMap(SqlClient.SqlClient, (sql) =>
    Effect.map(
      sql<{ readonly error: string | null }>`SELECT error FROM provisioner_jobs WHERE id = ${jobId}`,
      (rows) => rows[0]?.error ?? null
    ))

const leased = { delay: "60 seconds", lease: "10 seconds", heartbeat: "2 seconds", host: "h", pid: 1 } as const

describe("Provisioner: leases", () => {
  it.effect("a cancel request stops the running job at the next heartbeat; it ends canceled", () =>
    Effect.gen(function*() {
      const { provisioner } = yield* startProvisioner(Provisioner.layerEcho(leased))
      const [job] = yield* createJobs(1)
      yield* notify([job!])
      yield* waitUntil(Effect.map(statusOf(job!), (s) => s === "running"), "the job runs")
      const store = yield* Store.Store
      const { build } = yield* latest(job!.workspaceId)
      expect((yield* store.cancelBuild(build.id, yield* DateTime.now)).status).toBe("canceling")
      yield* TestClock.adjust(2 * SECOND)
      yield* waitUntil(Effect.map(statusOf(job!), (s) => s === "canceled"), "the job is canceled")
      expect(yield* errorOf(job!.jobId)).toBe("canceled on request")
      expect(yield* provisioner.stats).toMatchObject({ acquired: 1, canceled: 1, unrecorded: 0 })
      expect(yield* provisioner.inFlight).toBe(0)
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("a job reaped under a live worker stops running and is not completed again", () =>
    Effect.gen(function*() {
      const { provisioner } = yield* startProvisioner(Provisioner.layerEcho(leased))
      const [job] = yield* createJobs(1)
      yield* notify([job!])
      yield* waitUntil(Effect.map(statusOf(job!), (s) => s === "running"), "the job runs")
      const store = yield* Store.Store
      // As if this worker's process were unreachable: another replica's reaper takes the job.
      expect((yield* store.reapJobs({ now: yield* DateTime.now, liveWorkers: [] })).failed).toBe(1)
      yield* TestClock.adjust(2 * SECOND)
      yield* waitUntil(Effect.map(provisioner.stats, (s) => s.unrecorded === 1), "the run stops")
      expect(yield* jobStatus(job!.jobId)).toBe("failed")
      expect(yield* errorOf(job!.jobId)).toBe("lease expired: worker echo-1@h:1 stopped heartbeating")
      // The follow-up delete build is the next job it takes.
      expect(yield* provisioner.stats).toMatchObject({ acquired: 2, succeeded: 0, unrecorded: 1 })
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("a completion is retried through a store outage shorter than the lease, and stored", () =>
    Effect.gen(function*() {
      const rate = yield* Ref.make(0)
      const { provisioner } = yield* startProvisioner(
        Provisioner.layerEcho({ ...leased, delay: "5 seconds" }).pipe(
          Layer.provide(Store.layerWithFaults({ rate: Ref.get(rate) }))
        )
      )
      const [job] = yield* createJobs(1)
      yield* notify([job!])
      yield* waitUntil(Effect.map(statusOf(job!), (s) => s === "running"), "the job runs")
      yield* TestClock.adjust(4 * SECOND)
      yield* ticks()
      yield* Ref.set(rate, 1)
      for (let i = 0; i < 8; i++) {
        yield* TestClock.adjust(SECOND)
        yield* ticks()
      }
      // 12 s: the job ended at 5 s; its lease (renewed at 4 s) holds until 14 s.
      expect(yield* statusOf(job!)).toBe("running")
      yield* Ref.set(rate, 0)
      yield* TestClock.adjust(2 * SECOND)
      yield* waitUntil(Effect.map(statusOf(job!), (s) => s === "succeeded"), "the completion is stored")
      expect(yield* provisioner.stats).toMatchObject({ acquired: 1, succeeded: 1, unrecorded: 0 })
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("past the lease the worker gives up; the reaper then fails the job", () =>
    Effect.gen(function*() {
      const rate = yield* Ref.make(0)
      const { provisioner } = yield* startProvisioner(
        Provisioner.layerEcho({ ...leased, delay: "5 seconds" }).pipe(
          Layer.provide(Store.layerWithFaults({ rate: Ref.get(rate) }))
        )
      )
      const [job] = yield* createJobs(1)
      yield* notify([job!])
      yield* waitUntil(Effect.map(statusOf(job!), (s) => s === "running"), "the job runs")
      yield* TestClock.adjust(4 * SECOND)
      yield* ticks()
      yield* Ref.set(rate, 1)
      for (let i = 0; i < 14; i++) {
        yield* TestClock.adjust(SECOND)
        yield* ticks()
      }
      yield* waitUntil(Effect.map(provisioner.stats, (s) => s.unrecorded === 1), "the worker gives up")
      yield* Ref.set(rate, 0)
      expect(yield* statusOf(job!)).toBe("running")
      const store = yield* Store.Store
      expect((yield* store.reapJobs({ now: yield* DateTime.now })).failed).toBe(1)
      expect(yield* jobStatus(job!.jobId)).toBe("failed")
    }).pipe(Effect.provide(storeAndQueue())))
})

describe("JobReaper", () => {
  it.effect("the layer reaps at start-up and runs one loop fiber; closing its scope leaves no fiber behind", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const [job] = yield* createJobs(1)
      const now = yield* DateTime.now
      const until = DateTime.unsafeMake(DateTime.toEpochMillis(now) + 3 * SECOND)
      const worker = "gone-1@h:9" as ProvisionerWorkerId
      Option.getOrThrow(yield* store.acquireJob(worker, now, { leaseUntil: until }))
      yield* store.renewJobLease(job!.jobId, worker, now, until)
      const supervisor = yield* Supervisor.track
      const scope = yield* Scope.make()
      const noWorkers = Layer.succeed(Provisioner.Provisioner, {
        kind: "noop",
        workerIds: [],
        inFlight: Effect.succeed(0),
        stats: Effect.die("unused")
      })
      // On SQLite the start-up pass reaps the job of a worker that is not this process's at once.
      const context = yield* Layer.buildWithScope(
        JobReaper.layer({ interval: "1 second" }).pipe(Layer.provide(noWorkers)),
        scope
      ).pipe(Effect.supervised(supervisor))
      const reaper = Context.get(context, JobReaper.JobReaper)
      expect(reaper.atStartup.failed).toBe(1)
      expect((yield* supervisor.value).length).toBe(1)
      yield* Scope.close(scope, Exit.void)
      expect(yield* supervisor.value).toEqual([])
      expect(yield* jobStatus(job!.jobId)).toBe("failed")
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("the loop reaps a lease that expires later, at its next pass", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const [job] = yield* createJobs(1)
      const worker = "live-1@h:1" as ProvisionerWorkerId
      const now = yield* DateTime.now
      const until = DateTime.unsafeMake(DateTime.toEpochMillis(now) + 3 * SECOND)
      Option.getOrThrow(yield* store.acquireJob(worker, now, { leaseUntil: until }))
      yield* store.renewJobLease(job!.jobId, worker, now, until)
      const ownWorker = Layer.succeed(Provisioner.Provisioner, {
        kind: "echo",
        workerIds: [worker],
        inFlight: Effect.succeed(1),
        stats: Effect.die("unused")
      })
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        JobReaper.layer({ interval: "1 second" }).pipe(Layer.provide(ownWorker)),
        scope
      )
      expect(Context.get(context, JobReaper.JobReaper).atStartup.failed).toBe(0)
      yield* TestClock.adjust(3 * SECOND)
      yield* ticks()
      expect(yield* jobStatus(job!.jobId)).toBe("running")
      yield* TestClock.adjust(SECOND)
      yield* waitUntil(Effect.map(jobStatus(job!.jobId), (s) => s === "failed"), "the loop reaps the job")
      yield* Scope.close(scope, Exit.void)
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("on SQLite the start-up pass fails every running job of a worker that is not this process's", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const [ghost] = yield* createJobs(1)
      const now = yield* DateTime.now
      const lease = DateTime.unsafeMake(DateTime.toEpochMillis(now) + 60 * SECOND)
      const ghostJob = Option.getOrThrow(
        yield* store.acquireJob("ghost-1@h:9" as ProvisionerWorkerId, now, { leaseUntil: lease })
      )
      yield* store.renewJobLease(ghostJob.job.id, "ghost-1@h:9" as ProvisionerWorkerId, now, lease)
      const [mine] = yield* createJobs(1)
      const reaper = yield* JobReaper.make.pipe(Effect.provideService(Provisioner.Provisioner, {
        kind: "echo",
        workerIds: ["echo-1@h:1" as ProvisionerWorkerId],
        inFlight: Effect.succeed(0),
        stats: Effect.die("unused")
      }))
      expect(reaper.atStartup).toEqual({ requeued: 0, failed: 1, canceled: 0, deletes: 1 })
      expect(ghostJob.job.id).toBe(ghost!.jobId)
      const followUp = yield* latest(ghost!.workspaceId)
      expect([followUp.build.buildNumber, followUp.build.transition, followUp.job.status]).toEqual([
        2,
        "delete",
        "pending"
      ])
      expect(yield* statusOf(mine!)).toBe("pending")
      // Later passes reap expired leases only.
      expect(yield* reaper.reapOnce).toEqual({ requeued: 0, failed: 0, canceled: 0, deletes: 0 })
    }).pipe(Effect.provide(storeAndQueue())))
})
