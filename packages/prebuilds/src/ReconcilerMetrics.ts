/**
 * The store-derived prebuild metrics (`PREBUILDS.md` §8): a fiber refreshes them every 60 s
 * (10 s timeout) into `Metrics.setPrebuildState`, and scrapes only read that cached state.
 *
 * - Counters `created` / `failed` / `claimed` come from `Store.prebuildCounts` (emitted as
 *   counters from the snapshot, never incremented in process).
 * - Gauges `desired` / `running` (expired included) / `eligible` cover the presets on the active
 *   version of a non-deleted template only, so an outdated preset's series disappears;
 *   `hard_limited` (read 7) and `validation_failed` (stored status) follow the same presence rule.
 * - `warmpool_prebuild_preset_state{state}` is 1 for the preset's derived `PoolState` (and
 *   `warmpool_prebuild_preset_quarantined` 1 for quarantined versions), same presence rule.
 * - The reconciler also refreshes at the end of every cycle (`Reconciler.layer`).
 * - The paused gauge reads the settings row on every replica, not only on the lock winner.
 *
 * @since 0.1.0
 */
import type { Metrics, PrebuildState } from "@warmpool/metrics"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as PoolState from "./PoolState.js"
import * as PresetState from "./PresetState.js"
import type { ReconcilerShape } from "./Reconciler.js"
import * as Snapshot from "./Snapshot.js"
import type { StoreError, StoreShape } from "./Store.js"

/**
 * How often the prebuild metrics are refreshed from the store, and how long a refresh may take.
 *
 * @since 0.1.0
 * @category models
 */
export interface RefreshOptions {
  /** Default 60 s. */
  readonly interval?: Duration.DurationInput | undefined
  /** Default 10 s: a refresh taking longer is abandoned and the previous state kept. */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The state of the metrics now: counts, gauges from a status snapshot (a fresh one when the lock
 * is free, else the last cycle's; no gauges without either), the pause flag, and `lastUpdated` in
 * Unix seconds.
 *
 * @since 0.1.0
 * @category utils
 */
export const compute = (
  reconciler: ReconcilerShape,
  store: StoreShape
): Effect.Effect<PrebuildState.PrebuildState, StoreError> =>
  Effect.gen(function*() {
    const counts = yield* store.prebuildCounts()
    const settingsRow = yield* store.settings()
    const taken = yield* reconciler.statusSnapshot
    const now = yield* DateTime.now
    const presets: Array<PrebuildState.PresetGauges> = []
    if (Option.isSome(taken)) {
      for (const slice of Snapshot.presetSnapshots(taken.value.snapshot, now)) {
        const preset = slice.preset
        if (!preset.usingActiveVersion || preset.templateDeleted) continue
        const state = PresetState.presetState(slice, now, reconciler.settings)
        const pool = PoolState.poolState(slice, now, reconciler.settings, settingsRow.reconciliationPaused)
        presets.push({
          state: pool.state,
          quarantined: pool.state === "quarantined",
          templateName: preset.templateName,
          presetName: preset.presetName,
          organizationName: preset.organizationName,
          desired: state.desired,
          running: state.actual,
          eligible: state.eligible,
          hardLimited: slice.isHardLimited,
          validationFailed: preset.prebuildStatus === "validation_failed"
        })
      }
    }
    return {
      counts: counts.map((c) => ({
        templateName: c.templateName,
        presetName: c.presetName,
        organizationName: c.organizationName,
        created: c.created,
        failed: c.failed,
        claimed: c.claimed
      })),
      presets,
      lastUpdated: Math.floor(DateTime.toEpochMillis(now) / 1000),
      paused: settingsRow.reconciliationPaused
    }
  })

/**
 * One refresh: compute and publish, within the timeout. A failure or a timeout is logged and the
 * previous state stays published.
 *
 * @since 0.1.0
 * @category utils
 */
export const refresh = (
  reconciler: ReconcilerShape,
  store: StoreShape,
  metrics: Metrics.MetricsShape,
  options: RefreshOptions = {}
): Effect.Effect<void> =>
  compute(reconciler, store).pipe(
    Effect.flatMap(metrics.setPrebuildState),
    Effect.timeoutFail({
      duration: options.timeout ?? Duration.seconds(10),
      onTimeout: () => "the prebuild metrics refresh timed out" as const
    }),
    Effect.catchAll((error) =>
      Effect.logWarning("cannot refresh the prebuild metrics; keeping the previous values").pipe(
        Effect.annotateLogs({ error: typeof error === "string" ? error : error.message })
      )
    )
  )

/**
 * Refresh at once, then every interval, forever (fork it into a scope).
 *
 * @since 0.1.0
 * @category utils
 */
export const run = (
  reconciler: ReconcilerShape,
  store: StoreShape,
  metrics: Metrics.MetricsShape,
  options: RefreshOptions = {}
): Effect.Effect<never> =>
  Effect.forever(
    Effect.zipRight(
      refresh(reconciler, store, metrics, options),
      Effect.sleep(options.interval ?? Duration.seconds(60))
    )
  )
