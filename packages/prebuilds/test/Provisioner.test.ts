import { describe, expect, it } from "@effect/vitest"
import * as ConfigError from "effect/ConfigError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
import * as Supervisor from "effect/Supervisor"
import * as TestClock from "effect/TestClock"
import * as os from "node:os"
import type { ProvisionerJobId, ProvisionerWorkerId } from "../src/Domain.js"
import * as JobNotifications from "../src/JobNotifications.js"
import * as Provisioner from "../src/Provisioner.js"
import * as Store from "../src/Store.js"
import {
  createJobs,
  latest,
  notify,
  startProvisioner,
  statuses,
  storeAndQueue,
  ticks,
  waitUntil
} from "./fixtures/provisioner/harness.js"

const SECOND = 1000

const millisOf = (instant: DateTime.Utc | null) => instant === null ? null : DateTime.toEpochMillis(instant)

const agentsOf = (workspaceId: Store.CreatedPrebuild["workspaceId"]) =>
  Effect.flatMap(
    Store.Store,
    (store) =>
      Effect.map(
        store.agents(workspaceId),
        (agents) => agents.map((agent) => ({ state: agent.lifecycleState, deleted: agent.deleted }))
      )
  )

const statusOf = (job: Store.CreatedPrebuild) => Effect.map(latest(job.workspaceId), ({ job }) => job.status)

const allEnded = (jobs: ReadonlyArray<Store.CreatedPrebuild>) =>
  Effect.map(statuses(jobs), (all) => all.every((status) => status !== "pending" && status !== "running"))

describe("Provisioner: echo", () => {
  it.effect("completes a job exactly `delay` after it was picked up, with a ready agent `main`", () =>
    Effect.gen(function*() {
      const { provisioner } = yield* startProvisioner(Provisioner.layerEcho())
      yield* TestClock.adjust(300)
      const [job] = yield* createJobs(1)
      yield* notify([job!])
      yield* waitUntil(Effect.map(statusOf(job!), (status) => status === "running"), "the job is picked up")
      expect((yield* latest(job!.workspaceId)).job.workerId).toMatch(/^echo-[12]@[^:]+:\d+$/)
      expect(yield* provisioner.inFlight).toBe(1)

      yield* TestClock.adjust(5 * SECOND - 1)
      yield* ticks()
      expect(yield* statusOf(job!)).toBe("running")

      yield* TestClock.adjust(1)
      yield* waitUntil(Effect.map(statusOf(job!), (status) => status === "succeeded"), "the job succeeds")
      const ended = yield* latest(job!.workspaceId)
      expect(millisOf(ended.job.completedAt)).toBe(300 + 5 * SECOND)
      expect(yield* agentsOf(job!.workspaceId)).toEqual([{ state: "ready", deleted: false }])
      const agents = yield* Effect.flatMap(Store.Store, (store) => store.agents(job!.workspaceId))
      expect(agents.map((agent) => agent.parentId)).toEqual([null])
      expect(yield* provisioner.inFlight).toBe(0)
      expect(yield* provisioner.stats).toEqual({ acquired: 1, succeeded: 1, failed: 0, canceled: 0, unrecorded: 0 })
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("uses the configured delay and worker name", () =>
    Effect.gen(function*() {
      const { provisioner } = yield* startProvisioner(
        Provisioner.layerEcho({ delay: "90 seconds", workers: 3, name: "sim" })
      )
      expect(provisioner.kind).toBe("echo")
      expect(provisioner.workerIds).toEqual([1, 2, 3].map((i) => `sim-${i}@${os.hostname()}:${process.pid}`))
      const [job] = yield* createJobs(1)
      yield* notify([job!])
      yield* waitUntil(Effect.map(statusOf(job!), (status) => status === "running"), "the job is picked up")
      yield* TestClock.adjust(90 * SECOND - 1)
      yield* ticks()
      expect(yield* statusOf(job!)).toBe("running")
      yield* TestClock.adjust(1)
      yield* waitUntil(Effect.map(statusOf(job!), (status) => status === "succeeded"), "the job succeeds")
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("a notification wakes an idle worker at once; without one, the poll interval picks the job up", () =>
    Effect.gen(function*() {
      yield* startProvisioner(Provisioner.layerEcho({ pollInterval: "10 seconds", workers: 1 }))
      yield* ticks()

      const [quiet] = yield* createJobs(1)
      yield* TestClock.adjust(10 * SECOND - 1)
      yield* ticks()
      expect(yield* statusOf(quiet!)).toBe("pending")
      yield* TestClock.adjust(1)
      yield* waitUntil(Effect.map(statusOf(quiet!), (status) => status === "running"), "the poll picks it up")
      expect(millisOf((yield* latest(quiet!.workspaceId)).job.completedAt)).toBeNull()
      yield* TestClock.adjust(5 * SECOND)
      yield* waitUntil(Effect.map(statusOf(quiet!), (status) => status === "succeeded"), "the polled job succeeds")

      const [notified] = yield* createJobs(1)
      yield* notify([notified!])
      yield* waitUntil(Effect.map(statusOf(notified!), (status) => status === "running"), "the notification wakes")
      const startedAt = yield* DateTime.now
      yield* TestClock.adjust(5 * SECOND)
      yield* waitUntil(Effect.map(statusOf(notified!), (status) => status === "succeeded"), "the job succeeds")
      expect(millisOf((yield* latest(notified!.workspaceId)).job.completedAt)).toBe(
        DateTime.toEpochMillis(startedAt) + 5 * SECOND
      )
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("fails the seeded fraction of 100 start jobs (failureRate 0.3), each job's draw its own", () =>
    Effect.gen(function*() {
      const seed = 20240101
      const rate = 0.3
      const { provisioner } = yield* startProvisioner(
        Provisioner.layerEcho({ failureRate: rate, delay: "1 second", workers: 4, perPresetLimit: 4 })
      ).pipe(Effect.withRandom(Random.make(seed)))
      const jobs = yield* createJobs(100)
      // the layer draws one salt from the seeded Random; each job's draw is seeded by the salt,
      // its workspace's name, its build number and its transition (so worker order cannot matter)
      const salt = yield* Random.make(seed).next
      const store = yield* Store.Store
      const failing = new Set<string>()
      for (const job of jobs) {
        const workspace = Option.getOrThrow(yield* store.workspace(job.workspaceId))
        if ((yield* Random.make(`${salt}:${workspace.name}:1:start`).next) < rate) failing.add(job.workspaceId)
      }
      const expected = failing.size
      expect(expected).toBeGreaterThan(15)
      expect(expected).toBeLessThan(45)
      yield* notify(jobs)
      for (let i = 0; i < 30 && !(yield* allEnded(jobs)); i++) {
        yield* TestClock.adjust(SECOND)
        yield* ticks(5)
      }
      yield* waitUntil(allEnded(jobs), "all 100 jobs end")
      const ended = yield* statuses(jobs)
      expect(jobs.filter((_, i) => ended[i] === "failed").map((job) => job.workspaceId).sort()).toEqual(
        [...failing].sort()
      )
      expect(ended.filter((status) => status === "failed")).toHaveLength(expected)
      expect(ended.filter((status) => status === "succeeded")).toHaveLength(100 - expected)
      expect(yield* provisioner.stats).toMatchObject({ acquired: 100, failed: expected, succeeded: 100 - expected })

      expect(yield* agentsOf(jobs[ended.indexOf("failed")]!.workspaceId)).toEqual([])
      expect(yield* agentsOf(jobs[ended.indexOf("succeeded")]!.workspaceId)).toEqual([
        { state: "ready", deleted: false }
      ])
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("failure rate 1 fails every start but never a delete", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const [doomed, kept] = yield* createJobs(2)
      const now = yield* DateTime.now
      yield* store.completeJob(kept!.jobId, { status: "succeeded", now })
      const deletion = yield* store.deletePrebuild(kept!.workspaceId, now)
      expect(deletion._tag).toBe("Enqueued")
      const { provisioner } = yield* startProvisioner(Provisioner.layerEcho({ failureRate: 1, delay: 0 }))
      yield* waitUntil(provisioner.stats.pipe(Effect.map((s) => s.failed + s.succeeded === 2)), "both jobs end")
      expect(yield* statusOf(doomed!)).toBe("failed")
      const deleted = yield* latest(kept!.workspaceId)
      expect(deleted.build.transition).toBe("delete")
      expect(deleted.job.status).toBe("succeeded")
      expect(Option.getOrThrow(yield* store.workspace(kept!.workspaceId)).deleted).toBe(true)
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("the agent turns ready `agentReadyDelay` after the job succeeded", () =>
    Effect.gen(function*() {
      yield* startProvisioner(Provisioner.layerEcho({ agentReadyDelay: "10 seconds" }))
      const [job] = yield* createJobs(1)
      yield* notify([job!])
      yield* waitUntil(Effect.map(statusOf(job!), (status) => status === "running"), "the job is picked up")
      yield* TestClock.adjust(5 * SECOND)
      yield* waitUntil(Effect.map(statusOf(job!), (status) => status === "succeeded"), "the job succeeds")
      expect(yield* agentsOf(job!.workspaceId)).toEqual([{ state: "starting", deleted: false }])
      yield* TestClock.adjust(10 * SECOND - 1)
      yield* ticks()
      expect(yield* agentsOf(job!.workspaceId)).toEqual([{ state: "starting", deleted: false }])
      yield* TestClock.adjust(1)
      yield* waitUntil(
        Effect.map(agentsOf(job!.workspaceId), (agents) => agents[0]?.state === "ready"),
        "the agent is ready"
      )
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("several workers never take one job twice, and run `workers` jobs at a time", () =>
    Effect.gen(function*() {
      const taken: Array<readonly [ProvisionerJobId, ProvisionerWorkerId]> = []
      const recording = Layer.effect(
        Store.Store,
        Effect.map(Store.Store, (store): Store.StoreShape => ({
          ...store,
          acquireJob: (workerId, now, options) =>
            Effect.tap(store.acquireJob(workerId, now, options), (job) =>
              Effect.sync(() => {
                if (Option.isSome(job)) taken.push([job.value.job.id, workerId])
              }))
        }))
      )
      const jobs = yield* createJobs(20)
      const { provisioner } = yield* startProvisioner(
        Provisioner.layerEcho({ workers: 4, perPresetLimit: 4, host: "h", pid: 7 }).pipe(Layer.provide(recording))
      )
      yield* notify(jobs)
      yield* waitUntil(Effect.map(provisioner.inFlight, (n) => n === 4), "four jobs run")
      yield* ticks()
      expect(yield* provisioner.inFlight).toBe(4)
      expect(taken).toHaveLength(4)
      yield* TestClock.adjust(5 * SECOND)
      yield* waitUntil(Effect.map(provisioner.stats, (s) => s.succeeded === 4 && s.acquired === 8), "a second round")
      for (let round = 2; round <= 5; round++) {
        yield* TestClock.adjust(5 * SECOND)
        yield* waitUntil(Effect.map(provisioner.stats, (s) => s.succeeded === 4 * round), `round ${round}`)
      }
      expect(yield* statuses(jobs)).toEqual(jobs.map(() => "succeeded"))
      expect(taken).toHaveLength(20)
      expect(new Set(taken.map(([jobId]) => jobId)).size).toBe(20)
      expect(new Set(taken.map(([, workerId]) => workerId))).toEqual(
        new Set(["echo-1@h:7", "echo-2@h:7", "echo-3@h:7", "echo-4@h:7"])
      )
      expect(yield* provisioner.stats).toEqual({ acquired: 20, succeeded: 20, failed: 0, canceled: 0, unrecorded: 0 })
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("a worker drains the backlog, so a dropped notification delays nothing while it is busy", () =>
    Effect.gen(function*() {
      yield* startProvisioner(Provisioner.layerEcho({ workers: 1, pollInterval: "1 hour" }))
      yield* ticks()
      const [a] = yield* createJobs(1)
      expect(yield* notify([a!])).toEqual([true])
      yield* waitUntil(Effect.map(statusOf(a!), (status) => status === "running"), "a is picked up")
      const [b, c] = yield* createJobs(2)
      expect(yield* notify([b!, c!])).toEqual([true, false])
      const queue = yield* JobNotifications.JobNotifications
      expect(yield* queue.dropped).toBe(1)
      const jobs = [a!, b!, c!]
      for (let round = 1; round <= 3; round++) {
        yield* TestClock.adjust(5 * SECOND)
        yield* waitUntil(
          Effect.map(statuses(jobs), (all) => all.filter((status) => status === "succeeded").length === round),
          `round ${round}`
        )
      }
      const completions = yield* Effect.forEach(jobs, (job) => Effect.map(latest(job.workspaceId), (l) => l.job))
      expect(completions.map((job) => millisOf(job.completedAt)!).sort((x, y) => x - y)).toEqual(
        [5, 10, 15].map((s) => s * SECOND)
      )
    }).pipe(Effect.provide(storeAndQueue(1))))

  it.effect("store failures while acquiring are survived: the job is picked up once they stop", () =>
    Effect.gen(function*() {
      const rate = yield* Ref.make(1)
      const [job] = yield* createJobs(1)
      const { provisioner } = yield* startProvisioner(
        Provisioner.layerEcho({ delay: 0 }).pipe(Layer.provide(Store.layerWithFaults({ rate: Ref.get(rate) })))
      )
      yield* notify([job!])
      for (let i = 0; i < 3; i++) {
        yield* TestClock.adjust(SECOND)
        yield* ticks()
      }
      expect(yield* statusOf(job!)).toBe("pending")
      yield* Ref.set(rate, 0)
      yield* TestClock.adjust(SECOND)
      yield* waitUntil(Effect.map(statusOf(job!), (status) => status === "succeeded"), "the job succeeds")
      expect((yield* provisioner.stats).succeeded).toBe(1)
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("closing the scope leaves no fiber running and no job running: the in-flight job is canceled", () =>
    Effect.gen(function*() {
      const supervisor = yield* Supervisor.track
      const { provisioner, stop } = yield* startProvisioner(
        Provisioner.layerEcho({ agentReadyDelay: "1 hour", perPresetLimit: 2 })
      ).pipe(Effect.supervised(supervisor))
      const jobs = yield* createJobs(4)
      yield* notify(jobs)
      yield* waitUntil(Effect.map(provisioner.inFlight, (n) => n === 2), "two jobs run")
      yield* TestClock.adjust(5 * SECOND)
      yield* waitUntil(Effect.map(provisioner.stats, (s) => s.succeeded === 2 && s.acquired === 4), "round two")
      const live = yield* supervisor.value
      expect(live.length).toBeGreaterThanOrEqual(4) // two workers, two agent-ready timers

      yield* stop
      expect(yield* supervisor.value).toEqual([])
      const ended = yield* statuses(jobs)
      expect([...ended].sort()).toEqual(["canceled", "canceled", "succeeded", "succeeded"])
      const canceled = yield* latest(jobs[ended.indexOf("canceled")]!.workspaceId)
      expect(millisOf(canceled.job.completedAt)).toBe(5 * SECOND)
      expect(millisOf(canceled.job.canceledAt)).toBe(5 * SECOND)
      const succeeded = jobs[ended.indexOf("succeeded")]!
      expect(yield* agentsOf(succeeded.workspaceId)).toEqual([{ state: "starting", deleted: false }])
      expect(yield* provisioner.stats).toEqual({ acquired: 4, succeeded: 2, failed: 0, canceled: 2, unrecorded: 0 })

      yield* TestClock.adjust(2 * 3600 * SECOND)
      yield* ticks()
      expect(yield* agentsOf(succeeded.workspaceId)).toEqual([{ state: "starting", deleted: false }])
      const [later] = yield* createJobs(1)
      yield* notify([later!])
      yield* TestClock.adjust(10 * SECOND)
      yield* ticks()
      expect(yield* statusOf(later!)).toBe("pending")
    }).pipe(Effect.provide(storeAndQueue())))

  it.effect("rejects invalid options with a ConfigError", () =>
    Effect.gen(function*() {
      const attempts = [
        Provisioner.layerEcho({ workers: 0 }),
        Provisioner.layerEcho({ workers: 1.5 }),
        Provisioner.layerEcho({ failureRate: 1.5 }),
        Provisioner.layerEcho({ failureRate: Number.NaN }),
        Provisioner.layerEcho({ pollInterval: 0 }),
        Provisioner.layerEcho({ delay: -1 }),
        Provisioner.layerCommand({ command: "" }),
        Provisioner.layerCommand({ command: "true", timeout: 0 }),
        Provisioner.layerCommand({ command: "true", maxOutputBytes: 0 })
      ]
      for (const layer of attempts) {
        const result = yield* Effect.either(Effect.scoped(Layer.build(layer)))
        expect(result._tag).toBe("Left")
        if (result._tag === "Left") expect(ConfigError.isInvalidData(result.left)).toBe(true)
      }
    }).pipe(Effect.provide(storeAndQueue())))
})

describe("Provisioner: no-op", () => {
  it.effect("never picks a job up", () =>
    Effect.gen(function*() {
      const { provisioner } = yield* startProvisioner(Provisioner.layerNoop)
      expect(provisioner.kind).toBe("noop")
      expect(provisioner.workerIds).toEqual([])
      const [job] = yield* createJobs(1)
      yield* notify([job!])
      yield* TestClock.adjust(3600 * SECOND)
      yield* ticks()
      expect(yield* statusOf(job!)).toBe("pending")
      expect(yield* provisioner.inFlight).toBe(0)
    }).pipe(Effect.provide(storeAndQueue())))
})

describe("JobNotifications", () => {
  it.effect("a full queue drops offers without blocking, and counts them", () =>
    Effect.gen(function*() {
      const queue = yield* JobNotifications.JobNotifications
      expect(queue.capacity).toBe(JobNotifications.defaultCapacity)
      const ids = Array.from({ length: 15 }, (_, i) => `job-${i}` as ProvisionerJobId)
      const accepted = yield* Effect.forEach(ids, (id) => queue.offer(id))
      expect(accepted).toEqual([...Array(10).fill(true), ...Array(5).fill(false)])
      expect(yield* queue.size).toBe(10)
      expect(yield* queue.dropped).toBe(5)
      const taken: Array<ProvisionerJobId> = []
      for (let i = 0; i < 10; i++) taken.push(yield* queue.take)
      expect(taken).toEqual(ids.slice(0, 10))
      expect(yield* queue.offer(ids[14]!)).toBe(true)
      expect(yield* queue.take).toBe(ids[14])
    }).pipe(Effect.provide(JobNotifications.layer)))

  it.effect("take waits for the next offer", () =>
    Effect.gen(function*() {
      const queue = yield* JobNotifications.make(2)
      const waiting = yield* Effect.fork(queue.take)
      yield* ticks(3)
      expect(waiting.unsafePoll()).toBeNull()
      yield* queue.offer("job-1" as ProvisionerJobId)
      const exit = yield* waiting.await
      expect(exit._tag === "Success" && exit.value).toBe("job-1")
      expect((yield* JobNotifications.make(0)).capacity).toBe(1)
    }))
})
