/**
 * The job reaper (issue 17): in every replica, a fiber that periodically ends the jobs whose
 * worker stopped heartbeating (see `JobLeases.reapDecision`), under the reconcile lock on
 * PostgreSQL so that one replica reaps at a time. It reaps once at start-up, at once: on SQLite
 * (one writer per file) every running job not held by this process's own workers is known
 * orphaned and is reaped whatever its lease says; on PostgreSQL only expired leases are.
 *
 * Nothing else is needed from it afterwards: a reaped job is a failed (or re-queued) build, and
 * the reconciler handles it as such — the failed prebuild is not running, so it is replaced; its
 * `delete` build makes the provisioner remove whatever it had created.
 *
 * @since 0.1.0
 */
import { Spans } from "@warmpool/metrics"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as JobLeases from "./JobLeases.js"
import { Provisioner } from "./Provisioner.js"
import type { StoreError } from "./Store.js"
import { Store } from "./Store.js"

/**
 * The operations of the `JobReaper` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface JobReaperShape {
  /** One pass now (under the reconcile lock; an empty result when another holder has it). */
  readonly reapOnce: Effect.Effect<JobLeases.ReapResult, StoreError>
  /** What the start-up pass reaped. */
  readonly atStartup: JobLeases.ReapResult
}

/**
 * The `JobReaper` service tag; its operations are {@link JobReaperShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class JobReaper extends Context.Tag("@warmpool/prebuilds/JobReaper")<JobReaper, JobReaperShape>() {}

/**
 * Options of {@link layer}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReaperOptions {
  /** Time between passes (default 5 s). */
  readonly interval?: Duration.DurationInput | undefined
}

const logResult = (when: string, result: JobLeases.ReapResult) =>
  JobLeases.reapedAny(result)
    ? Effect.logWarning(
      `reaper (${when}): ${result.failed} job(s) failed and ${result.canceled} canceled (their worker stopped ` +
        `heartbeating), ${result.requeued} put back to pending, ${result.deletes} delete build(s) enqueued`
    )
    : Effect.void

/**
 * The reaper without its loop: the start-up pass runs when it is made.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<JobReaperShape, StoreError, Store | Provisioner> = Effect.gen(function*() {
  const store = yield* Store
  const provisioner = yield* Provisioner
  const reapOnce = Effect.map(
    store.withReconcileLock(() => Effect.flatMap(DateTime.now, (now) => store.reapJobs({ now }))),
    Option.getOrElse(() => JobLeases.emptyReapResult)
  )
  const atStartup = store.dialect === "sqlite"
    ? yield* Effect.flatMap(DateTime.now, (now) => store.reapJobs({ now, liveWorkers: provisioner.workerIds }))
    : yield* reapOnce
  yield* logResult("start-up", atStartup)
  return { reapOnce, atStartup }
})

/**
 * The reaper with its loop in the layer's scope. A failed pass is logged and retried at the next
 * interval; the loop only ends with the scope.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: ReaperOptions = {}): Layer.Layer<JobReaper, StoreError, Store | Provisioner> =>
  Layer.scoped(
    JobReaper,
    Effect.gen(function*() {
      const reaper = yield* make
      const pass = reaper.reapOnce.pipe(
        Effect.flatMap((result) => logResult("lease expired", result)),
        Effect.catchAll((error) =>
          Effect.logWarning("reaper: a pass failed; retrying at the next interval").pipe(
            Effect.annotateLogs({ operation: error.operation, reason: error.reason, error: error.message })
          )
        ),
        Effect.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause)
            ? Effect.interrupt
            : Effect.logWarning("reaper: a pass failed").pipe(Effect.annotateLogs({ cause: Cause.pretty(cause) }))
        )
      )
      const interval = Duration.decode(options.interval ?? Duration.seconds(5))
      yield* Effect.forkScoped(Effect.forever(Effect.zipRight(Effect.sleep(interval), pass)))
      return yield* Spans.traced("JobReaper", reaper)
    })
  )

/**
 * {@link layer} with its options read from configuration (a `Config` of the options, or one
 * `Config` per option); the application names the keys.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<ReaperOptions>
): Layer.Layer<JobReaper, StoreError | ConfigError.ConfigError, Store | Provisioner> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(config), layer))

/**
 * A reaper that never reaps (tests that drive jobs by hand).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoop: Layer.Layer<JobReaper> = Layer.succeed(JobReaper, {
  reapOnce: Effect.succeed(JobLeases.emptyReapResult),
  atStartup: JobLeases.emptyReapResult
})
