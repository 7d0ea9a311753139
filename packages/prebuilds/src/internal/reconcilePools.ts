/**
 * The per-preset pool view of a snapshot: what the status API, the cycle log line, `simulate` and
 * the metrics show.
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"
import * as ClaimLog from "../ClaimLog.js"
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
  /** The preset's demand policy and what it decided at `now` (issue 16), `null` without one. */
  readonly policy: PoolPolicy | null
  /** Claims and misses of the preset (by template and preset name) over 5 min .. 24 h. */
  readonly demand: ClaimLog.ClaimCounts
}

/**
 * A preset's demand policy with its decision: `desired` is what the pool works towards,
 * `baseline` the `instances` after schedules, `value` the policy's number before rounding and
 * clamping, `error` why it fell back to the baseline (`null` when it did not).
 *
 * @internal
 */
export interface PoolPolicy {
  readonly expression: string
  readonly min: number
  readonly max: number
  readonly baseline: number
  readonly value: number | null
  readonly desired: number
  readonly error: string | null
}

const reasonOf = (
  slice: Snapshot.PresetSnapshot,
  state: PoolState.PoolState,
  settings: Settings,
  now: DateTime.Utc
): string => {
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
    case "filling": {
      const decision = PresetState.desiredAt(slice, now)
      return decision.error === null
        ? ""
        : `demand policy failed (${decision.error}): using the baseline of ${decision.baseline}`
    }
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
      statusReason: reasonOf(slice, pool, settings, now),
      backoffUntil: pool.backingOffUntil === null ? null : DateTime.formatIso(pool.backingOffUntil),
      state: pool.state,
      quarantineReason: pool.quarantineReason,
      lastError: null,
      activeVersion: preset.usingActiveVersion,
      policy: policyOf(slice, now),
      demand: slice.demand ?? ClaimLog.noClaims(preset.templateName, preset.presetName)
    }
  })

const policyOf = (slice: Snapshot.PresetSnapshot, now: DateTime.Utc): PoolPolicy | null => {
  const policy = slice.policy ?? null
  if (policy === null) return null
  const decision = PresetState.desiredAt(slice, now)
  return {
    expression: policy.expression,
    min: policy.min,
    max: policy.max,
    baseline: decision.baseline,
    value: decision.value,
    desired: decision.desired,
    error: decision.error
  }
}

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
