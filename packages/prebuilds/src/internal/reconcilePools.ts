/**
 * The per-preset pool view of a snapshot: what the status API, the cycle log line, `simulate` and
 * the metrics show.
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import type { PrebuildStatus, PresetId, TemplateId, TemplateVersionId } from "../Domain.js"
import * as PresetActions from "../PresetActions.js"
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
  /** ISO-8601 end of a backoff in force, else `null`. */
  readonly backoffUntil: string | null
  /** The preset is on its template's active version. */
  readonly activeVersion: boolean
}

const reasonOf = (
  slice: Snapshot.PresetSnapshot,
  backoff: Option.Option<DateTime.Utc>,
  settings: Settings,
  paused: boolean
): string => {
  const preset = slice.preset
  if (preset.templateDeleted) return "template deleted: draining"
  if (!preset.usingActiveVersion) return "outdated template version: draining"
  if (preset.templateDeprecated) return "template deprecated: draining"
  if (preset.prebuildStatus === "validation_failed") {
    return "parameters fail validation: never prebuilt until a new template version"
  }
  if (slice.isHardLimited) {
    return `hard limit: the last ${settings.failureHardLimit} builds failed; no prebuilds until a new template version`
  }
  if (Option.isSome(backoff)) {
    const failed = Option.match(slice.backoff, { onNone: () => 0, onSome: (row) => row.numFailed })
    return `backoff after ${failed} failed build(s) until ${DateTime.formatIso(backoff.value)}`
  }
  if (paused) return "reconciliation paused"
  return ""
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
    const backoff = PresetActions.backoffInForce(slice, now, settings)
    const preset = slice.preset
    return {
      template: preset.templateName,
      templateId: preset.templateId,
      templateVersionId: preset.templateVersionId,
      presetId: preset.presetId,
      preset: preset.presetName,
      desired: state.desired,
      running: state.actual,
      eligible: state.eligible,
      status: slice.isHardLimited && preset.prebuildStatus === "healthy" ? "hard_limited" : preset.prebuildStatus,
      statusReason: reasonOf(slice, backoff, settings, paused),
      backoffUntil: Option.match(backoff, { onNone: () => null, onSome: DateTime.formatIso }),
      activeVersion: preset.usingActiveVersion
    }
  })

/**
 * How many pools of active presets hold at least their desired count of non-expired running
 * prebuilds, out of how many active presets.
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
    total++
    if (state.actual - state.expired >= state.desired) filled++
  }
  return { filled, total }
}
