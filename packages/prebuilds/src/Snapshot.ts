/**
 * The reconciler's view of the store for one cycle: the rows of the seven reads of
 * `docs/prebuilds.md` §3.4, all taken in the lock transaction, and their per-preset slices
 * (`filterByPreset`), which is what the pure `PresetState` and `PresetActions` work on.
 *
 * The row schemas decode what the store's queries return (nullable columns as `null`, instants as
 * ISO strings); a store with other column encodings maps onto the same `Type`s.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { ClaimCounts } from "./ClaimLog.js"
import { type Policy, PresetPolicy } from "./DemandPolicy.js"
import {
  Count,
  Instant,
  OrganizationId,
  PrebuildStatus,
  PresetId,
  TemplateId,
  TemplateVersionId,
  WorkspaceId,
  WorkspaceTransition
} from "./Domain.js"

/**
 * Read 1: a preset with a non-null `desiredInstances`, with its template, version and
 * organization. Presets of deleted templates are included so that they drain.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PresetRow = Schema.Struct({
  presetId: PresetId,
  presetName: Schema.String,
  templateId: TemplateId,
  templateName: Schema.String,
  templateVersionId: TemplateVersionId,
  templateVersionName: Schema.String,
  /** `null` without organizations. */
  organizationId: Schema.NullOr(OrganizationId),
  /** `""` without organizations (the metric label's value). */
  organizationName: Schema.String,
  /** The version is the template's active version. */
  usingActiveVersion: Schema.Boolean,
  templateDeleted: Schema.Boolean,
  /** The template has a non-empty deprecation message. */
  templateDeprecated: Schema.Boolean,
  desiredInstances: Count,
  ttlSeconds: Schema.NullOr(Count),
  lastInvalidatedAt: Schema.NullOr(Instant),
  schedulingTimezone: Schema.String,
  prebuildStatus: PrebuildStatus,
  /**
   * Why the preset's version is quarantined (its renders kept exceeding a budget or a
   * deadline), `null` or absent when it is not.
   */
  quarantineReason: Schema.optional(Schema.NullOr(Schema.String))
})
/**
 * The decoded type of the `PresetRow` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type PresetRow = typeof PresetRow.Type

/**
 * Read 2: a schedule of one of those presets. A preset's rows come in declaration order.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ScheduleRow = Schema.Struct({
  presetId: PresetId,
  cron: Schema.String,
  instances: Count
})
/**
 * The decoded type of the `ScheduleRow` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type ScheduleRow = typeof ScheduleRow.Type

/**
 * Read 3: a running prebuild (owned by the system user, latest build a succeeded `start`).
 * `currentPresetId` is the preset of its newest `start` build that carried one.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RunningPrebuildRow = Schema.Struct({
  id: WorkspaceId,
  name: Schema.String,
  templateId: TemplateId,
  templateVersionId: TemplateVersionId,
  currentPresetId: Schema.NullOr(PresetId),
  ready: Schema.Boolean,
  createdAt: Instant
})
/**
 * The decoded type of the `RunningPrebuildRow` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type RunningPrebuildRow = typeof RunningPrebuildRow.Type

/**
 * Read 4: prebuilds whose latest build's job is `pending` or `running`, counted per
 * (template, version, transition, preset), on active versions only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const InProgressRow = Schema.Struct({
  templateId: TemplateId,
  templateVersionId: TemplateVersionId,
  transition: WorkspaceTransition,
  presetId: Schema.NullOr(PresetId),
  count: Count
})
/**
 * The decoded type of the `InProgressRow` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type InProgressRow = typeof InProgressRow.Type

/**
 * Read 5: creates still pending (not picked up, not cancelled) on a non-active version, per
 * preset (§1.3).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PendingCountRow = Schema.Struct({
  presetId: PresetId,
  count: Count
})
/**
 * The decoded type of the `PendingCountRow` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type PendingCountRow = typeof PendingCountRow.Type

/**
 * Read 6: a preset in backoff (§3.9): the failed counted builds within the lookback window and
 * the newest failure's creation time.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BackoffRow = Schema.Struct({
  presetId: PresetId,
  numFailed: Count,
  lastBuildAt: Instant
})
/**
 * The decoded type of the `BackoffRow` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type BackoffRow = typeof BackoffRow.Type

/**
 * The seven reads of one cycle. Read 7 is the list of hard-limited preset ids (empty when the
 * hard limit is 0).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Snapshot = Schema.Struct({
  presets: Schema.Array(PresetRow),
  schedules: Schema.Array(ScheduleRow),
  running: Schema.Array(RunningPrebuildRow),
  inProgress: Schema.Array(InProgressRow),
  pendingCounts: Schema.Array(PendingCountRow),
  backoffs: Schema.Array(BackoffRow),
  hardLimitedPresetIds: Schema.Array(PresetId),
  /** Demand policies by (template name, preset name) (issue 16; absent = none). */
  policies: Schema.optional(Schema.Array(PresetPolicy)),
  /** Claim counts at the snapshot's instant by (template name, preset name) (absent = none). */
  demand: Schema.optional(Schema.Array(ClaimCounts))
})
/**
 * The decoded type of the `Snapshot` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type Snapshot = typeof Snapshot.Type

/**
 * A snapshot with no rows at all.
 *
 * @since 0.1.0
 * @category constants
 */
export const empty: Snapshot = {
  presets: [],
  schedules: [],
  running: [],
  inProgress: [],
  pendingCounts: [],
  backoffs: [],
  hardLimitedPresetIds: []
}

/**
 * One preset's slice of a snapshot at a given instant: its running prebuilds split into
 * non-expired (`running`) and `expired` (§5), its in-progress rows, its pending count on
 * non-active versions, its backoff row if any, and whether read 7 lists it.
 *
 * @since 0.1.0
 * @category models
 */
export interface PresetSnapshot {
  readonly preset: PresetRow
  readonly schedules: ReadonlyArray<ScheduleRow>
  readonly running: ReadonlyArray<RunningPrebuildRow>
  readonly expired: ReadonlyArray<RunningPrebuildRow>
  readonly inProgress: ReadonlyArray<InProgressRow>
  readonly pendingCount: number
  readonly backoff: Option.Option<BackoffRow>
  readonly isHardLimited: boolean
  /** The preset's demand policy (by template and preset name), if it has one. */
  readonly policy?: Policy | null | undefined
  /** The preset's claim counts (by template and preset name), if it was claimed in 24 h. */
  readonly demand?: ClaimCounts | null | undefined
}

/**
 * Whether a running prebuild of `preset` is expired at `now` (§5): created strictly before the
 * preset's invalidation, or older than a positive TTL (strictly longer).
 *
 * @since 0.1.0
 * @category guards
 */
export const isExpired = (
  preset: { readonly lastInvalidatedAt: DateTime.Utc | null; readonly ttlSeconds: number | null },
  prebuild: { readonly createdAt: DateTime.Utc },
  now: DateTime.DateTime
): boolean => {
  const createdAt = DateTime.toEpochMillis(prebuild.createdAt)
  if (preset.lastInvalidatedAt !== null && createdAt < DateTime.toEpochMillis(preset.lastInvalidatedAt)) return true
  return preset.ttlSeconds !== null && preset.ttlSeconds > 0 &&
    DateTime.toEpochMillis(now) - createdAt > preset.ttlSeconds * 1000
}

interface Index {
  readonly presets: ReadonlyMap<PresetId, PresetRow>
  readonly schedules: ReadonlyMap<PresetId, ReadonlyArray<ScheduleRow>>
  readonly running: ReadonlyMap<PresetId, ReadonlyArray<RunningPrebuildRow>>
  readonly inProgress: ReadonlyMap<PresetId, ReadonlyArray<InProgressRow>>
  readonly pendingCounts: ReadonlyMap<PresetId, number>
  readonly backoffs: ReadonlyMap<PresetId, BackoffRow>
  readonly hardLimited: ReadonlySet<PresetId>
  readonly policies: ReadonlyMap<string, PresetPolicy>
  readonly demand: ReadonlyMap<string, ClaimCounts>
}

const byName = (templateName: string, presetName: string): string => `${templateName}\u0000${presetName}`

const groupBy = <A>(rows: ReadonlyArray<A>, key: (row: A) => PresetId | null): Map<PresetId, Array<A>> => {
  const groups = new Map<PresetId, Array<A>>()
  for (const row of rows) {
    const id = key(row)
    if (id === null) continue
    const group = groups.get(id)
    if (group === undefined) groups.set(id, [row])
    else group.push(row)
  }
  return groups
}

// Snapshots are immutable values, so an index built once per snapshot object stays valid.
const indexes = new WeakMap<Snapshot, Index>()

const indexOf = (snapshot: Snapshot): Index => {
  const cached = indexes.get(snapshot)
  if (cached !== undefined) return cached
  const pendingCounts = new Map<PresetId, number>()
  for (const row of snapshot.pendingCounts) {
    pendingCounts.set(row.presetId, (pendingCounts.get(row.presetId) ?? 0) + row.count)
  }
  const backoffs = new Map<PresetId, BackoffRow>()
  for (const row of snapshot.backoffs) {
    if (!backoffs.has(row.presetId)) backoffs.set(row.presetId, row)
  }
  const presets = new Map<PresetId, PresetRow>()
  for (const row of snapshot.presets) {
    if (!presets.has(row.presetId)) presets.set(row.presetId, row)
  }
  const index: Index = {
    presets,
    schedules: groupBy(snapshot.schedules, (row) => row.presetId),
    running: groupBy(snapshot.running, (row) => row.currentPresetId),
    inProgress: groupBy(snapshot.inProgress, (row) => row.presetId),
    pendingCounts,
    backoffs,
    hardLimited: new Set(snapshot.hardLimitedPresetIds),
    policies: new Map((snapshot.policies ?? []).map((row) => [byName(row.templateName, row.presetName), row])),
    demand: new Map((snapshot.demand ?? []).map((row) => [byName(row.templateName, row.presetName), row]))
  }
  indexes.set(snapshot, index)
  return index
}

const slice = (index: Index, preset: PresetRow, now: DateTime.DateTime): PresetSnapshot => {
  const running: Array<RunningPrebuildRow> = []
  const expired: Array<RunningPrebuildRow> = []
  for (const prebuild of index.running.get(preset.presetId) ?? []) {
    if (isExpired(preset, prebuild, now)) expired.push(prebuild)
    else running.push(prebuild)
  }
  return {
    preset,
    schedules: index.schedules.get(preset.presetId) ?? [],
    running,
    expired,
    inProgress: index.inProgress.get(preset.presetId) ?? [],
    pendingCount: index.pendingCounts.get(preset.presetId) ?? 0,
    backoff: Option.fromNullable(index.backoffs.get(preset.presetId)),
    isHardLimited: index.hardLimited.has(preset.presetId),
    policy: index.policies.get(byName(preset.templateName, preset.presetName)) ?? null,
    demand: index.demand.get(byName(preset.templateName, preset.presetName)) ?? null
  }
}

/**
 * The slice of one preset at `now`; `Option.none()` when the snapshot has no such preset (the
 * reconciler logs and skips it). Running prebuilds are matched on `currentPresetId`, the other
 * rows on `presetId`; pending counts of the same preset are summed, and the first backoff row
 * wins.
 *
 * @since 0.1.0
 * @category utils
 */
export const filterByPreset = (
  snapshot: Snapshot,
  presetId: PresetId,
  now: DateTime.DateTime
): Option.Option<PresetSnapshot> => {
  const index = indexOf(snapshot)
  const preset = index.presets.get(presetId)
  return preset === undefined ? Option.none() : Option.some(slice(index, preset, now))
}

/**
 * The slices of every preset of the snapshot at `now`, in the order of read 1 (a repeated
 * preset id appears once).
 *
 * @since 0.1.0
 * @category utils
 */
export const presetSnapshots = (snapshot: Snapshot, now: DateTime.DateTime): ReadonlyArray<PresetSnapshot> => {
  const index = indexOf(snapshot)
  return Array.from(index.presets.values(), (preset) => slice(index, preset, now))
}
