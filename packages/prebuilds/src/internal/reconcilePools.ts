/**
 * The per-preset pool view of a snapshot: what the status API, the cycle log line, `simulate` and
 * the metrics show.
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"
import type { PrebuildStatus, PresetId, TemplateId, TemplateVersionId } from "../Domain.js"
import * as PoolState from "../PoolState.js"
import * as PresetState from "../PresetState.js"
import type { Settings } from "../Settings.js"
import * as Snapshot from "../Snapshot.js"

/**
 * One preset's pool.
 *
 * @internal
 */
export interface PoolStatus {
  readonly template: string
  readonly templateId: TemplateId
  readonly templateVersionId: TemplateVersionId
  /** The name of the version the pool runs (issue 16: the console shows it). */
  readonly templateVersionName: string
  readonly presetId: PresetId
  readonly preset: string
  /** The pool size wanted now (0 for inactive presets). */
  readonly desired: number
  /** Running prebuilds, expired ones included. */
  readonly running: number
  /** Running, ready and not expired: claimable. */
  readonly eligible: number
  /** The stored status, or `hard_limited` when the hard limit holds now. */
  readonly status: PrebuildStatus
  /** Why the pool is not growing normally (`""` when nothing stands in the way). */
  readonly statusReason: string
  /** ISO-8601 end of a backoff in force (only in `backing_off`), else `null`. */
  readonly backoffUntil: string | null
  /** The derived state (see `PoolState`). */
  readonly state: PoolState.PoolStateName
  /** The version's quarantine reason, when quarantined. */
  readonly quarantineReason: string | null
  /**
   * The error of the preset's newest failed build, filled in by status reads in `backing_off`
   * and `hard_limited` (the snapshot does not carry it), else `null`.
   */
  readonly lastError: string | null
  /** The preset is on its template's active version. */
  readonly activeVersion: boolean
}

const reasonOf = (slice: Snapshot.PresetSnapshot, state: PoolState.PoolState, settings: Settings): string => {
  const preset = slice.preset
  switch (state.state) {
    case "template_deleted":
      return "template deleted: draining"
    case "draining":
      return preset.usingActiveVersion ? "template deprecated: draining" : "outdated template version: draining"
    case "validation_failed":
      return "parameters fail validation: never prebuilt until a new template version"
    case "quarantined":
      return `quarantined: renders keep exceeding a limit (${
        state.quarantineReason ?? "unknown"
      }); no prebuilds until resumed or a new template version`
    case "hard_limited":
      return `hard limit: the last ${settings.failureHardLimit} builds failed; no prebuilds until resumed or a new template version`
    case "paused":
      return "reconciliation paused"
    case "backing_off":
      return `backoff after ${state.failedBuilds} failed build(s) until ${
        state.backingOffUntil === null ? "?" : DateTime.formatIso(state.backingOffUntil)
      }`
    case "ready":
    case "filling":
      return ""
  }
}

/**
 * The pools of every preset of a snapshot at `now`, in snapshot order.
 *
 * @internal
 */
export const poolStatuses = (
  snapshot: Snapshot.Snapshot,
  now: DateTime.Utc,
  settings: Settings,
  paused: boolean
): ReadonlyArray<PoolStatus> =>
  Snapshot.presetSnapshots(snapshot, now).map((slice) => {
    const state = PresetState.presetState(slice, now, settings)
    const pool = PoolState.poolState(slice, now, settings, paused)
    const preset = slice.preset
    return {
      template: preset.templateName,
      templateId: preset.templateId,
      templateVersionId: preset.templateVersionId,
      templateVersionName: preset.templateVersionName,
      presetId: preset.presetId,
      preset: preset.presetName,
      desired: state.desired,
      running: state.actual,
      eligible: state.eligible,
      status: slice.isHardLimited && preset.prebuildStatus === "healthy" ? "hard_limited" : preset.prebuildStatus,
      statusReason: reasonOf(slice, pool, settings),
      backoffUntil: pool.backingOffUntil === null ? null : DateTime.formatIso(pool.backingOffUntil),
      state: pool.state,
      quarantineReason: pool.quarantineReason,
      lastError: null,
      activeVersion: preset.usingActiveVersion
    }
  })

/**
 * How many pools of active presets that can fill (`PoolState.canFill`: not failing validation,
 * quarantined or hard-limited) hold at least their desired count of non-expired running
 * prebuilds, out of how many such presets.
 *
 * @internal
 */
export const poolsFilled = (
  snapshot: Snapshot.Snapshot,
  now: DateTime.Utc,
  settings: Settings
): { readonly filled: number; readonly total: number } => {
  let filled = 0
  let total = 0
  for (const slice of Snapshot.presetSnapshots(snapshot, now)) {
    const state = PresetState.presetState(slice, now, settings)
    if (!state.active) continue
    if (!PoolState.poolState(slice, now, settings, false).canFill) continue
    total++
    if (state.actual - state.expired >= state.desired) filled++
  }
  return { filled, total }
}
