/**
 * The state of one preset's pool at an instant (`docs/prebuilds.md` §3.5), a pure function of its
 * snapshot slice.
 *
 * @since 0.1.0
 */
import type * as DateTime from "effect/DateTime"
import * as DemandPolicy from "./DemandPolicy.js"
import type { WorkspaceTransition } from "./Domain.js"
import * as PresetSchedule from "./PresetSchedule.js"
import type { Settings } from "./Settings.js"
import type { PresetRow, PresetSnapshot } from "./Snapshot.js"

/**
 * | Field | Active preset | Inactive preset |
 * |---|---|---|
 * | `actual` | running + expired | same |
 * | `expired` | expired running prebuilds | same |
 * | `desired` | pool size from scheduling at `now`, through the demand policy if any | 0 |
 * | `eligible` | non-expired running prebuilds that are ready | 0 |
 * | `extraneous` | `max(actual − expired − desired, 0)` | 0 |
 * | `starting` / `stopping` / `deleting` | in-progress builds per transition | same |
 *
 * @since 0.1.0
 * @category models
 */
export interface PresetState {
  readonly actual: number
  readonly expired: number
  readonly desired: number
  readonly eligible: number
  readonly extraneous: number
  readonly starting: number
  readonly stopping: number
  readonly deleting: number
  /** The version is active and the template neither deleted nor deprecated. */
  readonly active: boolean
}

/**
 * A preset is active when its version is its template's active version and the template is
 * neither deleted nor deprecated. Inactive presets never create; they only drain.
 *
 * @since 0.1.0
 * @category guards
 */
export const isActive = (preset: PresetRow): boolean =>
  preset.usingActiveVersion && !preset.templateDeleted && !preset.templateDeprecated

/**
 * In-progress builds of the preset with the given transition.
 *
 * @since 0.1.0
 * @category utils
 */
export const inProgressCount = (snapshot: PresetSnapshot, transition: WorkspaceTransition): number => {
  let count = 0
  for (const row of snapshot.inProgress) {
    if (row.transition === transition) count += row.count
  }
  return count
}

/**
 * The pool size an active preset wants at `now`: its `instances` after schedules (the baseline),
 * through its demand policy when it has one (issue 16; a failing policy falls back to the
 * baseline and the decision says why).
 *
 * @since 0.1.0
 * @category utils
 */
export const desiredAt = (snapshot: PresetSnapshot, now: DateTime.DateTime): DemandPolicy.Decision =>
  DemandPolicy.decide(
    snapshot.preset,
    snapshot.policy,
    snapshot.demand,
    PresetSchedule.desiredInstancesAt(snapshot.preset, snapshot.schedules, now).instances,
    now
  )

/**
 * The state of a preset's pool at `now`. Expiry is already decided by the slice
 * (`Snapshot.filterByPreset` at the same `now`); `now` here drives scheduling. The state does
 * not depend on the settings; the parameter keeps the `(snapshot, now, settings)` shape of the
 * pure core.
 *
 * @since 0.1.0
 * @category utils
 */
export const presetState = (snapshot: PresetSnapshot, now: DateTime.DateTime, _settings?: Settings): PresetState => {
  const active = isActive(snapshot.preset)
  const expired = snapshot.expired.length
  const actual = snapshot.running.length + expired
  const starting = inProgressCount(snapshot, "start")
  const stopping = inProgressCount(snapshot, "stop")
  const deleting = inProgressCount(snapshot, "delete")
  if (!active) {
    return { actual, expired, desired: 0, eligible: 0, extraneous: 0, starting, stopping, deleting, active }
  }
  const desired = desiredAt(snapshot, now).desired
  let eligible = 0
  for (const prebuild of snapshot.running) {
    if (prebuild.ready) eligible++
  }
  const extraneous = Math.max(actual - expired - desired, 0)
  return { actual, expired, desired, eligible, extraneous, starting, stopping, deleting, active }
}
