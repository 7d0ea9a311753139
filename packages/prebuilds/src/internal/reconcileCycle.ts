/**
 * One reconciliation cycle (`docs/prebuilds.md` §3.3): the lock, the pause flag, the snapshot, the
 * per-preset work under bounded concurrency with per-preset isolation, the cycle's statistics,
 * its report and its duration metric.
 *
 * @internal
 */
import type { Api } from "@warmpool/client"
import type { Metrics } from "@warmpool/metrics"
import { RenderTally } from "@warmpool/render"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import type * as Schema from "effect/Schema"
import * as PresetActions from "../PresetActions.js"
import * as QueueBudget from "../QueueBudget.js"
import * as Settings from "../Settings.js"
import * as Snapshot from "../Snapshot.js"
import type { StoreError } from "../Store.js"
import { poolsFilled, type PoolStatus, poolStatuses } from "./reconcilePools.js"
import { makeCounters, type PresetDeps, reconcilePreset, runCreates } from "./reconcilePreset.js"

/**
 * The statistics of §3.3 step 8.
 *
 * @internal
 */
export interface CycleStats {
  readonly elapsed: Duration.Duration
  readonly presetsTotal: number
  readonly presetsReconciled: number
  readonly lockAcquired: boolean
}

/**
 * What a cycle did, for the status API and `simulate`: the API's `CycleReport` (one `Schema` in
 * `@warmpool/client`, which the server, the web console and the tests read too) plus the pool
 * counts that only `simulate` and the metrics use.
 *
 * @internal
 */
export interface CycleReport extends Schema.Schema.Type<typeof Api.CycleReport> {
  /** Active presets whose pool holds the desired count / active presets (from the snapshot). */
  readonly poolsFilled: number
  readonly poolsTotal: number
}

/**
 * A cycle's statistics, report and the pools as the cycle's snapshot showed them (empty when the
 * lock was lost, the cycle paused, or the snapshot failed).
 *
 * @internal
 */
export interface CycleResult {
  readonly stats: CycleStats
  readonly report: CycleReport
  readonly pools: ReadonlyArray<PoolStatus>
}

/**
 * A snapshot with the instant it was taken at.
 *
 * @internal
 */
export interface TakenSnapshot {
  readonly snapshot: Snapshot.Snapshot
  readonly takenAt: DateTime.Utc
}

/**
 * What a cycle needs.
 *
 * @internal
 */
export interface CycleDeps extends PresetDeps {
  readonly metrics: Metrics.MetricsShape
  /**
   * The most prebuild jobs that may wait for a provisioner before creates are deferred
   * (`undefined`: no cap). Issue 16.
   */
  readonly maxPendingJobs?: number | undefined
  /** Remember the cycle's snapshot (status reads on this replica fall back to it). */
  readonly remember: (taken: TakenSnapshot) => Effect.Effect<void>
  /** The problem lists last reported (a warning when they change, a debug line otherwise). */
  readonly reported: { hardLimited: string; invalid: string; quarantined: string }
}

const reportProblems = (deps: CycleDeps, slices: ReadonlyArray<Snapshot.PresetSnapshot>) => {
  const current = slices.filter((s) => s.preset.usingActiveVersion && !s.preset.templateDeleted)
  const label = (s: Snapshot.PresetSnapshot) => `${s.preset.templateName}/${s.preset.presetName}`
  const hardLimited = current.filter((s) => s.isHardLimited).map(label).join(", ")
  const invalid = current.filter((s) => s.preset.prebuildStatus === "validation_failed").map(label).join(", ")
  const quarantined = current.filter((s) => (s.preset.quarantineReason ?? null) !== null).map(label).join(", ")
  const report = (key: "hardLimited" | "invalid" | "quarantined", list: string, message: string, recovered: string) => {
    const previous = deps.reported[key]
    deps.reported[key] = list
    if (list === previous) return list === "" ? Effect.void : Effect.logDebug(`${message}: ${list}`)
    const now = new Set(list === "" ? [] : list.split(", "))
    const gone = (previous === "" ? [] : previous.split(", ")).filter((name) => !now.has(name))
    return Effect.zipRight(
      list === "" ? Effect.void : Effect.logWarning(`${message}: ${list}`),
      gone.length === 0 ? Effect.void : Effect.logInfo(`${recovered}: ${gone.join(", ")}`)
    )
  }
  return Effect.all([
    report(
      "hardLimited",
      hardLimited,
      "hard-limited presets (no prebuilds until resumed or a new template version)",
      "presets no longer hard-limited"
    ),
    report(
      "invalid",
      invalid,
      "presets failing parameter validation (never prebuilt until a new template version)",
      "presets no longer failing validation"
    ),
    report(
      "quarantined",
      quarantined,
      "quarantined presets (no prebuilds until resumed or a new template version)",
      "presets no longer quarantined"
    )
  ], { discard: true })
}

/**
 * Demand policies that fell back to their baseline in this cycle (issue 16): one count each in
 * `warmpool_prebuild_policy_fallbacks_total` and a warning (the pool still reconciles, on its
 * baseline).
 */
const reportPolicyFallbacks = (deps: CycleDeps, pools: ReadonlyArray<PoolStatus>) =>
  Effect.forEach(
    pools.filter((pool) => pool.activeVersion && pool.policy !== null && pool.policy.error !== null),
    (pool) =>
      Effect.zipRight(
        Metric.increment(
          Metric.tagged(Metric.tagged(deps.metrics.policyFallbacks, "template", pool.template), "preset", pool.preset)
        ),
        Effect.logWarning(
          `demand policy of ${pool.template}/${pool.preset} fell back to its baseline of ${pool.policy?.baseline}: ${pool.policy?.error}`
        )
      ),
    { discard: true }
  )

const percent = (part: number, whole: number): string => whole === 0 ? "n/a" : `${Math.round((100 * part) / whole)}%`

const logLine = (report: CycleReport): Effect.Effect<void> => {
  if (!report.lockAcquired) return Effect.logDebug(`reconcile cycle ${report.cycle}: another replica holds the lock`)
  if (report.paused) return Effect.logInfo(`reconcile cycle ${report.cycle}: paused`)
  const lookups = report.cacheHits + report.cacheMisses
  return Effect.logInfo(
    `reconcile cycle ${report.cycle}: ${report.creates} created, ${report.deletes} deleted, ${report.cancels} canceled, ` +
      `pools filled ${report.poolsFilled}/${report.poolsTotal}, render cache hit rate ${
        percent(report.cacheHits, lookups)
      } (${report.cacheHits}/${lookups}), ${report.renders} renders, ${report.parses} parses, ${report.errors} errors, ` +
      `${report.durationMs} ms`
  )
}

/**
 * Runs cycle number `cycle`. Fails only when the lock, the settings read or the snapshot fails
 * (the report is returned through `onReport` either way); preset failures are isolated.
 *
 * @internal
 */
export const runCycle = (
  deps: CycleDeps,
  cycle: number,
  onReport: (report: CycleReport) => Effect.Effect<void>
): Effect.Effect<CycleResult, StoreError> =>
  Effect.gen(function*() {
    const startedMillis = yield* Clock.currentTimeMillis
    const counters = makeCounters()
    // The renders of this cycle only (its fibers' tally), not those the API runs meanwhile.
    const tally = RenderTally.make()
    let acquired = false
    let paused = false
    let presetsTotal = 0
    let presetsReconciled = 0
    let pools: ReadonlyArray<PoolStatus> = []
    let filled = { filled: 0, total: 0 }
    let deferredCreates = 0

    const exit = yield* deps.store.withReconcileLock((reads) =>
      Effect.gen(function*() {
        acquired = true
        const settingsRow = yield* reads.settings()
        if (settingsRow.reconciliationPaused) {
          paused = true
          return
        }
        const now = yield* DateTime.now
        const snapshot = yield* reads.snapshot(now, deps.settings)
        yield* deps.remember({ snapshot, takenAt: now })
        presetsTotal = snapshot.presets.length
        if (presetsTotal === 0) return
        const slices = Snapshot.presetSnapshots(snapshot, now)
        pools = poolStatuses(snapshot, now, deps.settings, false)
        filled = poolsFilled(snapshot, now, deps.settings)
        yield* reportPolicyFallbacks(deps, pools)
        yield* reportProblems(deps, slices)
        const work = slices.filter((slice) => !PresetActions.canSkip(slice))
        presetsReconciled = work.length
        const isolated = (slice: Snapshot.PresetSnapshot) => <A>(effect: Effect.Effect<A>, fallback: A) =>
          effect.pipe(
            Effect.catchAllCause((cause) =>
              Cause.isInterruptedOnly(cause) ? Effect.failCause(cause) : Effect.sync(() => {
                counters.errors++
              }).pipe(
                Effect.zipRight(
                  Effect.logError("preset reconciliation failed").pipe(
                    Effect.annotateLogs({ preset_id: slice.preset.presetId, cause: Cause.pretty(cause) })
                  )
                ),
                Effect.as(fallback)
              )
            )
          )
        const concurrency = Settings.presetConcurrency(deps.store.maxConnections)
        // Issue 16: first every preset's cancels and deletes, then the creates, under the queue cap.
        const requested = yield* Effect.forEach(
          work,
          (slice) =>
            Effect.map(
              isolated(slice)(reconcilePreset(deps, slice, now, counters, { deferCreates: true }), 0),
              (count) => ({ key: slice, count })
            ),
          { concurrency }
        )
        const creates = requested.filter((r) => r.count > 0)
        if (creates.length === 0) return
        const pending = deps.maxPendingJobs === undefined
          ? Either.right(0)
          : yield* Effect.either(deps.store.pendingPrebuildJobs())
        if (Either.isLeft(pending)) {
          counters.errors++
          return yield* Effect.logError("cannot count the jobs waiting for a provisioner; no creates this cycle").pipe(
            Effect.annotateLogs({ error: pending.left.message })
          )
        }
        const allotments = QueueBudget.allot(creates, QueueBudget.room(deps.maxPendingJobs, pending.right))
        deferredCreates = allotments.reduce((sum, a) => sum + a.deferred, 0)
        if (deferredCreates > 0) {
          yield* Effect.logInfo(
            `provisioner queue full: ${deferredCreates} create(s) deferred to a later cycle (${pending.right} prebuild jobs waiting, at most ${deps.maxPendingJobs})`
          )
        }
        yield* Effect.forEach(
          allotments.filter((a) => a.granted > 0),
          (a) => isolated(a.key)(runCreates(deps, a.key, a.granted, counters), undefined),
          { concurrency, discard: true }
        )
      })
    ).pipe(
      RenderTally.withTally(tally),
      Effect.onExit(() =>
        Effect.gen(function*() {
          if (!acquired || paused) return
          const end = yield* Clock.currentTimeMillis
          yield* Metric.update(deps.metrics.reconciliationDuration, (end - startedMillis) / 1000)
        })
      ),
      Effect.exit
    )
    if (Exit.isFailure(exit) && Exit.isInterrupted(exit)) return yield* Effect.failCause(exit.cause)
    if (Exit.isFailure(exit)) counters.errors++

    const endMillis = yield* Clock.currentTimeMillis
    const misses = tally.misses
    const report: CycleReport = {
      cycle,
      startedAt: DateTime.formatIso(DateTime.unsafeMake(startedMillis)),
      durationMs: endMillis - startedMillis,
      lockAcquired: acquired,
      paused,
      presetsTotal,
      presetsReconciled,
      creates: counters.creates,
      deletes: counters.deletes,
      cancels: counters.cancels,
      renders: misses + tally.uncached,
      parses: tally.compilations,
      cacheHits: Math.max(tally.lookups - misses, 0),
      cacheMisses: misses,
      errors: counters.errors,
      deferredCreates,
      poolsFilled: filled.filled,
      poolsTotal: filled.total
    }
    yield* onReport(report)
    yield* logLine(report)
    if (Exit.isFailure(exit)) {
      // A store failure (e.g. the database is unreachable) is logged by its message, a defect in full.
      const failure = Cause.failureOption(exit.cause)
      yield* Effect.logError("reconcile cycle failed").pipe(Effect.annotateLogs(
        Option.isSome(failure) && Cause.isFailType(exit.cause)
          ? { operation: failure.value.operation, reason: failure.value.reason, error: failure.value.message }
          : { cause: Cause.pretty(exit.cause) }
      ))
      return yield* Effect.failCause(exit.cause)
    }
    const stats: CycleStats = {
      elapsed: Duration.millis(endMillis - startedMillis),
      presetsTotal,
      presetsReconciled,
      lockAcquired: Option.isSome(exit.value)
    }
    return { stats, report, pools }
  })
