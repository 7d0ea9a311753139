/**
 * The worker pool every provisioner runs: `workers` fibers that each acquire a job from the
 * store, run it, store its completion and repeat; idle workers wait for a job notification or
 * for the poll interval, whichever comes first (Effect's `Clock`).
 *
 * A job is acquired and its completion registered in one uninterruptible region; only running
 * it is interruptible. So when the provisioner's scope closes (or a worker is interrupted) an
 * in-flight job is still completed, as `canceled`: no job is left `running` by a stopped
 * provisioner.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import type { ProvisionerWorkerId } from "../Domain.js"
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

const completionRetry = Schedule.exponential("50 millis")

const completionOf = (exit: Exit.Exit<JobOutcome>, now: DateTime.Utc): JobCompletion & { readonly outcome: string } => {
  if (Exit.isSuccess(exit)) {
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

    const finish = (job: AcquiredJob, workerId: ProvisionerWorkerId, exit: Exit.Exit<JobOutcome>) =>
      Effect.gen(function*() {
        const now = yield* DateTime.now
        const { outcome, ...completion } = completionOf(exit, now)
        const stored = yield* store.completeJob(job.job.id, completion).pipe(
          Effect.retry({ schedule: completionRetry, times: 4, while: isTransient }),
          Effect.as(true),
          Effect.catchAll((error) =>
            Effect.as(
              Effect.logWarning("provisioner: could not store a job's completion").pipe(
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
        if (stored && Exit.isSuccess(exit) && exit.value.afterCompletion !== undefined) {
          // Forked from the uninterruptible region: the follow-up must be made interruptible again.
          yield* FiberSet.run(followUps, Effect.interruptible(exit.value.afterCompletion))
        }
      })

    /** Takes one job and runs it; `false` when no job was pending (or the store failed). */
    const step = (workerId: ProvisionerWorkerId): Effect.Effect<boolean> =>
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(DateTime.now, (now) => store.acquireJob(workerId, now)).pipe(
          Effect.flatMap(Option.match({
            onNone: () => Effect.succeed(false),
            onSome: (job) =>
              Effect.gen(function*() {
                yield* count("acquired")
                yield* Ref.update(inFlight, (n) => n + 1)
                const exit = yield* Effect.exit(restore(options.run(job, workerId)))
                yield* finish(job, workerId, exit)
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

    for (const workerId of options.workerIds) {
      yield* Effect.forkScoped(worker(workerId))
    }

    return { inFlight: Ref.get(inFlight), stats: Ref.get(stats) }
  })
