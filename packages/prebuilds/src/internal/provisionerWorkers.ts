/**
 * The worker pool every provisioner runs: `workers` fibers that each acquire a job from the
 * store, run it, store its completion and repeat; idle workers wait for a job notification or
 * for the poll interval, whichever comes first (Effect's `Clock`).
 *
 * A job is acquired and its completion registered in one uninterruptible region; only running
 * it is interruptible. So when the provisioner's scope closes (or a worker is interrupted) an
 * in-flight job is still completed, as `canceled`: no job is left `running` by a stopped
 * provisioner. The workers run as the children of one fiber, so that closing the scope
 * interrupts them all at once (their grace periods overlap instead of adding up).
 *
 * Leases (issue 17): a job is acquired under a lease that a heartbeat fiber renews while the job
 * runs; the first renewal records that the job started. A renewal that finds the job no longer
 * the worker's (reaped) or `canceling` (a cancel was asked) interrupts the run. A completion the
 * store cannot take is retried with backoff until it is stored or the lease has expired; after
 * that the reaper decides what became of the job.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import type { ProvisionerWorkerId } from "../Domain.js"
import type { LeaseSettings } from "../JobLeases.js"
import type { JobNotificationsShape } from "../JobNotifications.js"
import type { AcquiredJob, JobCompletion, StoreShape } from "../Store.js"
import type { ReportedAgent } from "./provisionerOutput.js"
import type { StoreError } from "./storeError.js"

/**
 * What running a job produced.
 *
 * @internal
 */
export interface JobOutcome {
  readonly status: "succeeded" | "failed"
  /** Replaces the workspace's agents (see `JobCompletion.agents`); `undefined` leaves them. */
  readonly agents?: ReadonlyArray<ReportedAgent> | undefined
  readonly error?: string | undefined
  /** The job's output, stored with the build (see `JobCompletion.logs`). */
  readonly logs?: JobCompletion["logs"]
  /**
   * Forked after the completion is stored (only when it was stored), in the provisioner's
   * scope: interrupted when the provisioner stops.
   */
  readonly afterCompletion?: Effect.Effect<void> | undefined
}

/**
 * Runs one acquired job. Interruption means the provisioner is stopping.
 *
 * @internal
 */
export type JobRunner = (job: AcquiredJob, workerId: ProvisionerWorkerId) => Effect.Effect<JobOutcome>

/**
 * Counts of a provisioner's jobs since it started.
 *
 * @internal
 */
export interface WorkerStats {
  /** Jobs taken from the store. */
  readonly acquired: number
  /** Jobs stored as succeeded. */
  readonly succeeded: number
  /** Jobs stored as failed. */
  readonly failed: number
  /** Jobs stored as canceled (the provisioner stopped while running them). */
  readonly canceled: number
  /** Completions the store refused or could not take (the job may still be `running`). */
  readonly unrecorded: number
}

/**
 * @internal
 */
export interface WorkerPoolOptions {
  readonly workerIds: ReadonlyArray<ProvisionerWorkerId>
  readonly pollInterval: Duration.Duration
  readonly leases: LeaseSettings
  readonly perPresetLimit: number
  readonly run: JobRunner
}

/**
 * @internal
 */
export interface WorkerPool {
  readonly inFlight: Effect.Effect<number>
  readonly stats: Effect.Effect<WorkerStats>
}

const emptyStats: WorkerStats = { acquired: 0, succeeded: 0, failed: 0, canceled: 0, unrecorded: 0 }

/** A store failure worth retrying (not a refusal such as "already ended"). */
const isTransient = (error: StoreError): boolean => error.reason !== "Conflict" && error.reason !== "NotFound"

/** Completion retries: 50 ms doubling up to 2 s between attempts, bounded by the lease (below). */
const completionRetry = Schedule.exponential("50 millis").pipe(
  Schedule.either(Schedule.spaced("2 seconds"))
)

/** Why a heartbeat stopped the run: the job was reaped, or a cancel was asked. */
type Stop = "lost" | "canceling"

const completionOf = (
  exit: Exit.Exit<JobOutcome | Stop>,
  now: DateTime.Utc
): JobCompletion & { readonly outcome: string } => {
  if (Exit.isSuccess(exit)) {
    if (exit.value === "canceling") {
      return { status: "canceled", now, error: "canceled on request", outcome: "canceled" }
    }
    if (exit.value === "lost") {
      return { status: "failed", now, error: "the job's lease was lost", outcome: "lost" }
    }
    const { agents, error, logs, status } = exit.value
    return { status, now, agents, error, logs, outcome: status }
  }
  if (Cause.isInterruptedOnly(exit.cause)) {
    return {
      status: "canceled",
      now,
      error: "the provisioner stopped before the job ended",
      outcome: "canceled"
    }
  }
  return {
    status: "failed",
    now,
    error: `the provisioner crashed: ${Cause.pretty(exit.cause)}`,
    outcome: "crashed"
  }
}

/**
 * Starts the workers in the current scope; closing it interrupts them (each completing its
 * in-flight job as `canceled`) and every fiber forked by `afterCompletion`.
 *
 * @internal
 */
export const startWorkers = (
  store: StoreShape,
  notifications: JobNotificationsShape,
  options: WorkerPoolOptions
): Effect.Effect<WorkerPool, never, Scope.Scope> =>
  Effect.gen(function*() {
    const inFlight = yield* Ref.make(0)
    const stats = yield* Ref.make(emptyStats)
    const followUps = yield* FiberSet.make<void, never>()
    const count = (field: keyof WorkerStats) => Ref.update(stats, (s) => ({ ...s, [field]: s[field] + 1 }))

    const leaseMillis = Duration.toMillis(options.leases.lease)
    const leaseFrom = (now: DateTime.Utc) => DateTime.unsafeMake(DateTime.toEpochMillis(now) + leaseMillis)

    /** Renews the lease; `undefined` while the job stays the worker's and runs. */
    const renew = (job: AcquiredJob, workerId: ProvisionerWorkerId, deadline: Ref.Ref<number>) =>
      Effect.gen(function*() {
        const now = yield* DateTime.now
        const renewed = yield* Effect.either(store.renewJobLease(job.job.id, workerId, now, leaseFrom(now)))
        if (renewed._tag === "Left") {
          yield* Effect.logDebug("provisioner: could not renew a job's lease").pipe(
            Effect.annotateLogs({ jobId: job.job.id, error: renewed.left.message })
          )
          return undefined
        }
        if (Option.isNone(renewed.right)) return "lost" as const
        yield* Ref.set(deadline, DateTime.toEpochMillis(now) + leaseMillis)
        return renewed.right.value === "canceling" ? "canceling" as const : undefined
      })

    const heartbeat = (job: AcquiredJob, workerId: ProvisionerWorkerId, deadline: Ref.Ref<number>) =>
      Effect.gen(function*() {
        while (true) {
          yield* Effect.sleep(options.leases.heartbeat)
          const stop = yield* renew(job, workerId, deadline)
          if (stop !== undefined) return stop
        }
      })

    const finish = (
      job: AcquiredJob,
      workerId: ProvisionerWorkerId,
      exit: Exit.Exit<JobOutcome | Stop>,
      deadline: Ref.Ref<number>
    ) =>
      Effect.gen(function*() {
        const now = yield* DateTime.now
        const { outcome, ...completion } = completionOf(exit, now)
        const lost = Exit.isSuccess(exit) && exit.value === "lost"
        const beforeExpiry = Effect.flatMap(
          Effect.zip(Clock.currentTimeMillis, Ref.get(deadline)),
          ([at, until]) => Effect.succeed(at < until)
        )
        const stored = lost ?
          yield* Effect.as(
            Effect.logWarning("provisioner: a job's lease was reaped while it ran; the reaper decided its outcome")
              .pipe(Effect.annotateLogs({ jobId: job.job.id })),
            false
          ) :
          yield* store.completeJob(job.job.id, { ...completion, workerId }).pipe(
            Effect.retry({
              schedule: completionRetry,
              while: (error) => isTransient(error) ? beforeExpiry : Effect.succeed(false)
            }),
            Effect.as(true),
            Effect.catchAll((error) =>
              Effect.as(
                Effect.logWarning(
                  isTransient(error)
                    ? "provisioner: could not store a job's completion before its lease expired; the reaper decides"
                    : "provisioner: the store refused a job's completion"
                ).pipe(
                  Effect.annotateLogs({ jobId: job.job.id, outcome, reason: error.reason, error: error.message })
                ),
                false
              )
            )
          )
        yield* count(stored ? completion.status : "unrecorded")
        yield* Effect.logDebug("provisioner job ended").pipe(Effect.annotateLogs({
          jobId: job.job.id,
          transition: job.build.transition,
          workspaceId: job.workspace.id,
          workerId,
          outcome,
          ...(completion.error === undefined ? {} : { error: completion.error })
        }))
        if (
          stored && Exit.isSuccess(exit) && typeof exit.value === "object" && exit.value.afterCompletion !== undefined
        ) {
          // Forked from the uninterruptible region: the follow-up must be made interruptible again.
          yield* FiberSet.run(followUps, Effect.interruptible(exit.value.afterCompletion))
        }
      })

    /** Runs an acquired job under its lease. */
    const runLeased = (
      job: AcquiredJob,
      workerId: ProvisionerWorkerId,
      deadline: Ref.Ref<number>,
      restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
    ) =>
      Effect.gen(function*() {
        // The first renewal records that the job started (a crash before it puts the job back to
        // pending). A store failure here does not stop the job: the heartbeat records it later.
        const first = yield* renew(job, workerId, deadline)
        if (first !== undefined) return Exit.succeed<JobOutcome | Stop>(first)
        // The run and the heartbeat are child fibers; only waiting for the first of them is
        // interruptible. Whatever ends the wait (the run, a stop from the heartbeat, or the
        // provisioner stopping), both are then interrupted and awaited here, so a command's
        // process group is gone before the job's completion is stored and before the worker ends.
        const run = yield* Effect.fork(restore(options.run(job, workerId)))
        const beat = yield* Effect.fork(restore(heartbeat(job, workerId, deadline)))
        yield* Effect.exit(restore(Effect.raceFirst(Fiber.await(run), Fiber.await(beat))))
        const beatExit = yield* Fiber.interrupt(beat)
        const runExit = yield* Fiber.interrupt(run)
        if (Exit.isSuccess(runExit)) return runExit as Exit.Exit<JobOutcome | Stop>
        if (Exit.isSuccess(beatExit)) return beatExit as Exit.Exit<JobOutcome | Stop>
        return runExit as Exit.Exit<JobOutcome | Stop>
      })

    const acquireOptions = { perPresetLimit: options.perPresetLimit, ownWorkers: options.workerIds }

    /** Takes one job and runs it; `false` when no job was pending (or the store failed). */
    const step = (workerId: ProvisionerWorkerId): Effect.Effect<boolean> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(
          DateTime.now,
          (now) => store.acquireJob(workerId, now, { ...acquireOptions, leaseUntil: leaseFrom(now) })
        ).pipe(
          Effect.flatMap(Option.match({
            onNone: () => Effect.succeed(false),
            onSome: (job) =>
              Effect.gen(function*() {
                yield* count("acquired")
                yield* Ref.update(inFlight, (n) => n + 1)
                const deadline = yield* Ref.make((yield* Clock.currentTimeMillis) + leaseMillis)
                const exit = yield* runLeased(job, workerId, deadline, restore)
                yield* finish(job, workerId, exit, deadline)
                yield* Ref.update(inFlight, (n) => n - 1)
                return true
              })
          })),
          Effect.catchAll((error) =>
            Effect.as(
              Effect.logWarning("provisioner: could not acquire a job").pipe(
                Effect.annotateLogs({ workerId, reason: error.reason, error: error.message })
              ),
              false
            )
          )
        )
      )

    const idle = Effect.asVoid(Effect.timeoutOption(notifications.take, options.pollInterval))

    const worker = (workerId: ProvisionerWorkerId) =>
      Effect.forever(Effect.flatMap(step(workerId), (took) => took ? Effect.void : idle)).pipe(
        Effect.annotateLogs({ workerId })
      )

    // One parent fiber: closing the scope interrupts every worker at once.
    yield* Effect.forkScoped(
      Effect.forEach(options.workerIds, worker, { concurrency: "unbounded", discard: true })
    )

    return { inFlight: Ref.get(inFlight), stats: Ref.get(stats) }
  })
