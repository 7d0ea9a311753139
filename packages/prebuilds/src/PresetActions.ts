/**
 * What the reconciler does for one preset in one cycle (`docs/prebuilds.md` §3.6–§3.9): a pure
 * function of the preset's snapshot slice, the instant and the settings.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import type { WorkspaceId } from "./Domain.js"
import * as PresetState from "./PresetState.js"
import type { Settings } from "./Settings.js"
import type { BackoffRow, PresetSnapshot, RunningPrebuildRow } from "./Snapshot.js"

/**
 * One step for a preset:
 *
 * - `Backoff`: recent builds failed; do nothing until `until` has passed.
 * - `CancelPending`: cancel the creates still pending on non-active versions.
 * - `Delete`: delete these prebuilds (one write transaction each).
 * - `Create`: create this many prebuilds.
 *
 * @since 0.1.0
 * @category models
 */
export type Action = Data.TaggedEnum<{
  Backoff: { readonly until: DateTime.Utc }
  CancelPending: Record<never, never>
  Delete: { readonly ids: ReadonlyArray<WorkspaceId> }
  Create: { readonly count: number }
}>

/**
 * Constructors and matchers of {@link Action}.
 *
 * @since 0.1.0
 * @category constants
 */
export const Action = Data.taggedEnum<Action>()

/**
 * An action is a no-op when it is not `CancelPending`, creates nothing, deletes nothing and has
 * no `until` (so a `Backoff` is never a no-op).
 *
 * @since 0.1.0
 * @category guards
 */
export const isNoop: (action: Action) => boolean = Action.$match({
  Backoff: () => false,
  CancelPending: () => false,
  Delete: ({ ids }) => ids.length === 0,
  Create: ({ count }) => count <= 0
})

/**
 * The end of a backoff (§3.9): `lastBuildAt + numFailed × backoffInterval` (linear), or none
 * when no build failed.
 *
 * @since 0.1.0
 * @category utils
 */
export const backoffUntil = (row: BackoffRow, settings: Settings): Option.Option<DateTime.Utc> =>
  row.numFailed > 0
    ? Option.some(DateTime.addDuration(row.lastBuildAt, Duration.times(settings.backoffInterval, row.numFailed)))
    : Option.none()

/**
 * The backoff in force at `now`, if any: the preset has a backoff row with failures and
 * `now <= until` (the boundary is inclusive).
 *
 * @since 0.1.0
 * @category utils
 */
export const backoffInForce = (
  snapshot: PresetSnapshot,
  now: DateTime.DateTime,
  settings: Settings
): Option.Option<DateTime.Utc> =>
  snapshot.backoff.pipe(
    Option.flatMap((row) => backoffUntil(row, settings)),
    Option.filter((until) => DateTime.toEpochMillis(now) <= DateTime.toEpochMillis(until))
  )

/** Oldest first: `createdAt` ascending, then id. */
const oldestFirst = (a: RunningPrebuildRow, b: RunningPrebuildRow): number => {
  const byAge = DateTime.toEpochMillis(a.createdAt) - DateTime.toEpochMillis(b.createdAt)
  if (byAge !== 0) return byAge
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

const idsOldestFirst = (prebuilds: ReadonlyArray<RunningPrebuildRow>): Array<WorkspaceId> =>
  [...prebuilds].sort(oldestFirst).map((prebuild) => prebuild.id)

const actionsFor = (
  snapshot: PresetSnapshot,
  state: PresetState.PresetState,
  now: DateTime.DateTime,
  settings: Settings
): ReadonlyArray<Action> => {
  const backoff = backoffInForce(snapshot, now, settings)
  if (Option.isSome(backoff)) return [Action.Backoff({ until: backoff.value })]

  const actions: Array<Action> = []
  if (!state.active) {
    if (snapshot.pendingCount > 0) actions.push(Action.CancelPending())
    // warmpool: expired prebuilds of an inactive preset are drained too.
    const all = [...snapshot.running, ...snapshot.expired]
    if (all.length > 0) actions.push(Action.Delete({ ids: idsOldestFirst(all) }))
    return actions
  }

  if (snapshot.expired.length > 0) actions.push(Action.Delete({ ids: idsOldestFirst(snapshot.expired) }))
  if (state.extraneous > 0) {
    actions.push(Action.Delete({ ids: idsOldestFirst(snapshot.running).slice(0, state.extraneous) }))
  }
  const toCreate = Math.max(state.desired - (state.actual - state.expired) - state.starting, 0)
  if (toCreate > 0) actions.push(Action.Create({ count: toCreate }))
  return actions
}

/**
 * The state and the actions of a preset at `now`, in the order of §3.6:
 *
 * 1. a backoff in force → only `Backoff(until)`, active or not;
 * 2. inactive → `CancelPending` when creates are pending on non-active versions, then one
 *    `Delete` of every running and expired prebuild, oldest first;
 * 3. active → `Delete` of the expired prebuilds; a separate `Delete` of the oldest `extraneous`
 *    non-expired ones; `Create(desired − (actual − expired) − starting)` when positive.
 *
 * Only in-flight starts reduce creation; no action is emitted that would be a no-op.
 *
 * @since 0.1.0
 * @category utils
 */
export const derive = (
  snapshot: PresetSnapshot,
  now: DateTime.DateTime,
  settings: Settings
): { readonly state: PresetState.PresetState; readonly actions: ReadonlyArray<Action> } => {
  const state = PresetState.presetState(snapshot, now, settings)
  return { state, actions: actionsFor(snapshot, state, now, settings) }
}

/**
 * The actions of a preset at `now` (see {@link derive}).
 *
 * @since 0.1.0
 * @category utils
 */
export const presetActions = (
  snapshot: PresetSnapshot,
  now: DateTime.DateTime,
  settings: Settings
): ReadonlyArray<Action> => derive(snapshot, now, settings).actions

/**
 * Whether the reconciler can skip a preset before taking a concurrency slot (§3.7): never when
 * it is active; when inactive, only with no running or expired prebuilds, no pending creates and
 * no backoff row. Then every action of {@link presetActions} is a no-op.
 *
 * @since 0.1.0
 * @category utils
 */
export const canSkip = (snapshot: PresetSnapshot): boolean =>
  !PresetState.isActive(snapshot.preset) && snapshot.running.length === 0 && snapshot.expired.length === 0 &&
  snapshot.pendingCount === 0 && Option.isNone(snapshot.backoff)

/**
 * The decision for a `Create(requested)` at execution time (§3.8), in the spec's order:
 *
 * 1. cap: `capped` when `requested` exceeds the pool size at `now` (a bug worth logging at top
 *    severity); the count is clamped to it;
 * 2. `SkipHardLimited`: read 7 lists the preset (deletes and cancels still run);
 * 3. `SkipValidationFailed`: the stored status is `validation_failed`;
 * 4. `SkipQuarantined`: the preset's version is quarantined (issue 11: zero renders);
 * 5. otherwise `Proceed` with `count` creates.
 *
 * @since 0.1.0
 * @category models
 */
export type CreateDecision = Data.TaggedEnum<{
  Proceed: { readonly count: number; readonly requested: number; readonly capped: boolean }
  SkipHardLimited: { readonly requested: number; readonly capped: boolean }
  SkipValidationFailed: { readonly requested: number; readonly capped: boolean }
  SkipQuarantined: { readonly requested: number; readonly capped: boolean; readonly reason: string }
}>

/**
 * Constructors and matchers of {@link CreateDecision}.
 *
 * @since 0.1.0
 * @category constants
 */
export const CreateDecision = Data.taggedEnum<CreateDecision>()

/**
 * Decides a `Create(requested)` of the preset at `now` (see {@link CreateDecision}).
 *
 * @since 0.1.0
 * @category utils
 */
export const decideCreate = (snapshot: PresetSnapshot, requested: number, now: DateTime.DateTime): CreateDecision => {
  const limit = PresetState.desiredAt(snapshot, now).desired
  const capped = requested > limit
  if (snapshot.isHardLimited) return CreateDecision.SkipHardLimited({ requested, capped })
  if (snapshot.preset.prebuildStatus === "validation_failed") {
    return CreateDecision.SkipValidationFailed({ requested, capped })
  }
  const quarantine = snapshot.preset.quarantineReason ?? null
  if (quarantine !== null) return CreateDecision.SkipQuarantined({ requested, capped, reason: quarantine })
  return CreateDecision.Proceed({ count: Math.max(Math.min(requested, limit), 0), requested, capped })
}
