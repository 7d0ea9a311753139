/**
 * The prebuild reconciler (`docs/prebuilds.md` §3): every interval (on Effect's `Clock`, the first one
 * right after start) it competes for the reconcile lock, reads the pause flag and the
 * snapshot, and makes each preset's pool converge: creates through the `WorkspaceBuilder`,
 * deletes, cancels of pending creates on inactive versions, backoff, the hard limit and
 * `validation_failed` so that nothing that cannot succeed is retried.
 *
 * - {@link make}: the service without a loop (`reconcileOnce` drives it; tests and `simulate`).
 * - {@link layer}: the scoped service with the loop and the metrics refresh fiber
 *   (`ReconcilerMetrics`; the gauges are also refreshed at the end of every cycle, so `/metrics`
 *   never lags the API by more than a cycle); closing the scope interrupts both and leaves no
 *   fiber behind.
 *
 * Cycles never overlap within a process; status reads wait for a running cycle instead of
 * competing with it for the lock.
 *
 * @since 0.1.0
 */
import { Metrics, Spans } from "@warmpool/metrics"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Cycle from "./internal/reconcileCycle.js"
import * as Pools from "./internal/reconcilePools.js"
import { JobNotifications } from "./JobNotifications.js"
import * as ReconcilerMetrics from "./ReconcilerMetrics.js"
import * as Settings from "./Settings.js"
import type { StoreError } from "./Store.js"
import { Store } from "./Store.js"
import { WorkspaceBuilder } from "./WorkspaceBuilder.js"

/**
 * `{ elapsed, presetsTotal, presetsReconciled, lockAcquired }` of §3.3 (`elapsed` from `Clock`).
 *
 * @since 0.1.0
 * @category models
 */
export type CycleStats = Cycle.CycleStats

/**
 * One cycle as the status API shows it: cycle number, start, duration, lock, pause, preset
 * counts, creates / deletes / cancels, renders (performed), parses (template compilations),
 * render-cache hits and misses, errors, and pools filled.
 *
 * @since 0.1.0
 * @category models
 */
export type CycleReport = Cycle.CycleReport

/**
 * The result of {@link ReconcilerShape.reconcileOnce}: the statistics, the report and the pools
 * as the cycle's snapshot showed them (before its actions).
 *
 * @since 0.1.0
 * @category models
 */
export type CycleResult = Cycle.CycleResult

/**
 * One preset's pool: template, ids, preset, desired / running / eligible, status with a reason,
 * the end of a backoff in force, whether the version is active.
 *
 * @since 0.1.0
 * @category models
 */
export type PoolStatus = Pools.PoolStatus

/**
 * A snapshot with the instant it was taken at.
 *
 * @since 0.1.0
 * @category models
 */
export type TakenSnapshot = Cycle.TakenSnapshot

/**
 * Options of the reconciler's layer.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReconcilerOptions {
  /** Intervals, backoff and hard limit (default `Settings.defaults`). */
  readonly settings?: Settings.Settings | undefined
  /** How many cycle reports `recentCycles` keeps (default 100). */
  readonly historySize?: number | undefined
  /**
   * The most prebuild jobs waiting for a provisioner; creates beyond it wait for a later cycle
   * (default: no cap). Deletes and cancels always run first and are never capped. Issue 16.
   */
  readonly maxPendingJobs?: number | undefined
}

/**
 * The operations of the `Reconciler` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReconcilerShape {
  readonly settings: Settings.Settings
  /** Run one cycle now (waits for a cycle in progress in this process first). */
  readonly reconcileOnce: Effect.Effect<CycleResult, StoreError>
  /** Set the global pause flag (every replica stops acting from its next cycle). */
  readonly pause: Effect.Effect<void, StoreError>
  readonly resume: Effect.Effect<void, StoreError>
  readonly paused: Effect.Effect<boolean, StoreError>
  /** The latest cycle reports, oldest first. */
  readonly recentCycles: Effect.Effect<ReadonlyArray<CycleReport>>
  /** Every prebuild preset's pool now (deleted templates and outdated versions included). */
  readonly poolStatus: Effect.Effect<ReadonlyArray<PoolStatus>, StoreError>
  /**
   * A current snapshot for status reads: a fresh one when the reconcile lock is free, else the
   * one this process's last cycle took (`None` when there is neither).
   */
  readonly statusSnapshot: Effect.Effect<Option.Option<TakenSnapshot>, StoreError>
}

/**
 * The `Reconciler` service tag; its operations are {@link ReconcilerShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class Reconciler extends Context.Tag("@warmpool/prebuilds/Reconciler")<Reconciler, ReconcilerShape>() {}

/**
 * The services a reconciler runs on.
 *
 * @since 0.1.0
 * @category models
 */
export type Requirements =
  | Store
  | WorkspaceBuilder
  | Metrics.Metrics
  | JobNotifications

/**
 * The reconciler without a loop.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: ReconcilerOptions = {}): Effect.Effect<ReconcilerShape, never, Requirements> =>
  Effect.gen(function*() {
    const settings = options.settings ?? Settings.defaults
    const historySize = Math.max(1, options.historySize ?? 100)
    const store = yield* Store
    const notifications = yield* JobNotifications
    const latest = yield* Ref.make(Option.none<TakenSnapshot>())
    const history = yield* Ref.make<ReadonlyArray<CycleReport>>([])
    const cycleNumber = yield* Ref.make(0)
    const mutex = yield* Effect.makeSemaphore(1)
    const deps: Cycle.CycleDeps = {
      store,
      builder: yield* WorkspaceBuilder,
      settings,
      maxPendingJobs: options.maxPendingJobs,
      notify: (jobId) => Effect.asVoid(notifications.offer(jobId)),
      metrics: yield* Metrics.Metrics,
      remember: (taken) => Ref.set(latest, Option.some(taken)),
      reported: { hardLimited: "", invalid: "", quarantined: "" },
      backingOff: new Set()
    }
    const record = (report: CycleReport) =>
      Ref.update(history, (reports) => {
        const next = [...reports, report]
        return next.length > historySize ? next.slice(next.length - historySize) : next
      })

    const reconcileOnce = mutex.withPermits(1)(
      Effect.flatMap(Ref.updateAndGet(cycleNumber, (n) => n + 1), (n) => Cycle.runCycle(deps, n, record))
    )

    const statusSnapshot = mutex.withPermits(1)(
      Effect.gen(function*() {
        const fresh = yield* store.withReconcileLock((reads) =>
          Effect.flatMap(
            DateTime.now,
            (now) =>
              Effect.map(reads.snapshot(now, settings), (snapshot): TakenSnapshot => ({ snapshot, takenAt: now }))
          )
        )
        return Option.isSome(fresh) ? fresh : yield* Ref.get(latest)
      })
    )

    const paused = Effect.map(store.settings(), (row) => row.reconciliationPaused)

    return yield* Spans.traced<ReconcilerShape>("Reconciler", {
      settings,
      reconcileOnce,
      pause: store.setPaused(true),
      resume: store.setPaused(false),
      paused,
      recentCycles: Ref.get(history),
      statusSnapshot,
      poolStatus: Effect.gen(function*() {
        const isPaused = yield* paused
        const taken = yield* statusSnapshot
        if (Option.isNone(taken)) return []
        // Evaluate at the current instant: expiry and scheduling move with time.
        const now = yield* DateTime.now
        const pools = Pools.poolStatuses(taken.value.snapshot, now, settings, isPaused)
        // The snapshot has no build errors: read the newest failure of the pools in trouble.
        return yield* Effect.forEach(pools, (pool) =>
          pool.state === "backing_off" || pool.state === "hard_limited"
            ? Effect.map(
              store.listBuilds({ presetId: pool.presetId, status: "failed", limit: 1 }),
              (builds): PoolStatus => ({ ...pool, lastError: builds[0]?.error ?? null })
            )
            : Effect.succeed(pool))
      })
    })
  })

/**
 * How soon the loop runs again after a cycle that deferred creates because the provisioner
 * queue was full (at most one interval).
 *
 * @since 0.1.0
 * @category constants
 */
export const deferredRetryMillis = 5_000

/**
 * The loop of §3.1 on `Clock`: the first cycle right after start (**warmpool**: an operator sees
 * the pools at once instead of after a silent interval), then one per interval at a fixed rate
 * (a cycle longer than the interval skips the ticks it missed, like a Go ticker); after a cycle
 * that deferred creates to a full provisioner queue, the next one comes within
 * {@link deferredRetryMillis}. `afterCycle`
 * runs after every cycle, whatever its outcome (the metrics refresh). Cycle failures and defects
 * are logged and never end the loop; only interruption does.
 *
 * @since 0.1.0
 * @category utils
 */
export const loop = (
  reconciler: ReconcilerShape,
  afterCycle: Effect.Effect<void> = Effect.void
): Effect.Effect<never> =>
  Effect.gen(function*() {
    const interval = Duration.toMillis(reconciler.settings.reconciliationInterval)
    let next = yield* Clock.currentTimeMillis
    while (true) {
      const now = yield* Clock.currentTimeMillis
      if (next > now) yield* Effect.sleep(Duration.millis(next - now))
      // A failed cycle was logged by the cycle; a defect is logged here. Neither ends the loop.
      const deferred = yield* reconciler.reconcileOnce.pipe(
        Effect.map((result) => result.report.deferredCreates ?? 0),
        Effect.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause)
            ? Effect.interrupt
            : Cause.isFailType(cause)
            ? Effect.succeed(0)
            : Effect.as(
              Effect.logError("reconcile cycle crashed").pipe(Effect.annotateLogs({ cause: Cause.pretty(cause) })),
              0
            )
        )
      )
      yield* afterCycle
      const after = yield* Clock.currentTimeMillis
      next += interval
      while (next <= after) next += interval
      // Issue 16: creates deferred by a full provisioner queue are retried sooner than a whole
      // interval (a cap of 4 would otherwise take 3 intervals to fill a pool of 10).
      if (deferred > 0) next = Math.min(next, after + Math.min(interval, deferredRetryMillis))
    }
  })

/**
 * Options of {@link layer}.
 *
 * @since 0.1.0
 * @category models
 */
export interface LayerOptions extends ReconcilerOptions {
  /** The metrics refresh (default every 60 s with a 10 s timeout); `false` disables it. */
  readonly metricsRefresh?: ReconcilerMetrics.RefreshOptions | false | undefined
}

/**
 * The running reconciler: the service, its loop and its metrics refresh fiber, all in the layer's
 * scope.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: LayerOptions = {}): Layer.Layer<Reconciler, never, Requirements> =>
  Layer.scoped(
    Reconciler,
    Effect.gen(function*() {
      const reconciler = yield* make(options)
      if (options.metricsRefresh !== false) {
        const store = yield* Store
        const metrics = yield* Metrics.Metrics
        const refreshOptions = options.metricsRefresh ?? {}
        yield* Effect.forkScoped(
          loop(reconciler, ReconcilerMetrics.refresh(reconciler, store, metrics, refreshOptions))
        )
        yield* Effect.forkScoped(ReconcilerMetrics.run(reconciler, store, metrics, refreshOptions))
      } else {
        yield* Effect.forkScoped(loop(reconciler))
      }
      return reconciler
    })
  )

/**
 * {@link layer} with options read from configuration, as `@effect/sql`'s clients take theirs: a
 * `Config` of the whole options or a record of one `Config` per option (`settings` is itself a
 * record). The application decides the names.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<LayerOptions>
): Layer.Layer<Reconciler, ConfigError.ConfigError, Requirements> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(config), layer))

/**
 * The service without the loop or the metrics fiber (cycles run on `reconcileOnce`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerManual = (options: ReconcilerOptions = {}): Layer.Layer<Reconciler, never, Requirements> =>
  Layer.effect(Reconciler, make(options))
