/**
 * The truthful state of a preset's pool (issue 12): one name that the API, the console,
 * `simulate`, the logs and the metrics all show, derived purely from the preset's snapshot slice,
 * the instant, the settings and the pause flag. Coder's persisted `status` (healthy /
 * hard_limited / validation_failed) stays beside it for compatibility, but it says "healthy" for
 * a preset whose every build fails; this state does not.
 *
 * @since 0.1.0
 */
import type * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as PresetActions from "./PresetActions.js"
import * as PresetState from "./PresetState.js"
import type { Settings } from "./Settings.js"
import type { PresetSnapshot } from "./Snapshot.js"

/**
 * The states, most severe first (the first that applies wins):
 *
 * | state | when |
 * |---|---|
 * | `template_deleted` | the template is deleted: its prebuilds drain |
 * | `draining` | an outdated version or a deprecated template: nothing new, prebuilds drain |
 * | `validation_failed` | the preset's parameters fail validation (until a new version) |
 * | `quarantined` | the version's renders kept exceeding a budget or deadline (until resume / new version) |
 * | `hard_limited` | the last builds all failed up to the hard limit (until resume / new version) |
 * | `paused` | reconciliation is paused globally |
 * | `backing_off` | recent builds failed: no creates before `backingOffUntil` |
 * | `ready` | every desired prebuild is running and claimable |
 * | `filling` | fewer claimable prebuilds than desired, creates under way or due |
 *
 * @since 0.1.0
 * @category models
 */
export type PoolStateName =
  | "filling"
  | "ready"
  | "backing_off"
  | "hard_limited"
  | "validation_failed"
  | "quarantined"
  | "paused"
  | "template_deleted"
  | "draining"

/**
 * Every state name, in the order of {@link PoolStateName}'s table.
 *
 * @since 0.1.0
 * @category constants
 */
export const names: ReadonlyArray<PoolStateName> = [
  "template_deleted",
  "draining",
  "validation_failed",
  "quarantined",
  "hard_limited",
  "paused",
  "backing_off",
  "ready",
  "filling"
]

/**
 * A pool's state with what qualifies it.
 *
 * @since 0.1.0
 * @category models
 */
export interface PoolState {
  readonly state: PoolStateName
  /** The end of the backoff, only in `backing_off`. */
  readonly backingOffUntil: DateTime.Utc | null
  /** Failed builds counted by the backoff (0 outside `backing_off`). */
  readonly failedBuilds: number
  /** The quarantine reason, only in `quarantined`. */
  readonly quarantineReason: string | null
  /** The pool can grow now or later without an operator (see {@link canFill}). */
  readonly canFill: boolean
}

/**
 * Whether a pool in this state can fill without an operator or a new template version: `filling`,
 * `ready`, `backing_off` and `paused`. "Pools filled" counts only these.
 *
 * @since 0.1.0
 * @category utils
 */
export const canFill = (state: PoolStateName): boolean =>
  state === "filling" || state === "ready" || state === "backing_off" || state === "paused"

const make = (
  state: PoolStateName,
  extra: Partial<Pick<PoolState, "backingOffUntil" | "failedBuilds" | "quarantineReason">> = {}
): PoolState => ({
  state,
  backingOffUntil: extra.backingOffUntil ?? null,
  failedBuilds: extra.failedBuilds ?? 0,
  quarantineReason: extra.quarantineReason ?? null,
  canFill: canFill(state)
})

/**
 * The state of a preset's pool at `now` (see {@link PoolStateName} for the precedence).
 *
 * @since 0.1.0
 * @category utils
 */
export const poolState = (
  slice: PresetSnapshot,
  now: DateTime.DateTime,
  settings: Settings,
  paused: boolean
): PoolState => {
  const preset = slice.preset
  if (preset.templateDeleted) return make("template_deleted")
  if (!preset.usingActiveVersion || preset.templateDeprecated) return make("draining")
  if (preset.prebuildStatus === "validation_failed") return make("validation_failed")
  const quarantineReason = preset.quarantineReason ?? null
  if (quarantineReason !== null) return make("quarantined", { quarantineReason })
  // Read 7 decides (as it does for creates); the persisted status may lag or outlive it.
  if (slice.isHardLimited) return make("hard_limited")
  if (paused) return make("paused")
  const backoff = PresetActions.backoffInForce(slice, now, settings)
  if (Option.isSome(backoff)) {
    const failedBuilds = Option.match(slice.backoff, { onNone: () => 0, onSome: (row) => row.numFailed })
    return make("backing_off", { backingOffUntil: backoff.value, failedBuilds })
  }
  const state = PresetState.presetState(slice, now, settings)
  return make(state.eligible >= state.desired ? "ready" : "filling")
}
