/**
 * Pool size from scheduling (`PREBUILDS.md` §4): a preset's schedules raise or lower its base
 * `desiredInstances` while their cron expressions match, evaluated in the preset's IANA timezone.
 *
 * Cron format: `minute hour day-of-month month day-of-week`, parsed with `effect/Cron`
 * (ranges, lists, steps, `jan`–`dec`, `sun`–`sat`; day 0 and 7 are Sunday; when both day fields
 * are restricted either one matching is enough, unless one starts with `*`). The minute field
 * must be `*`: a schedule covers whole hours, both ends of a range included
 * (`* 9-18 * * 1-5` = 09:00:00.000–18:59:59.999, Monday to Friday).
 *
 * Problems are values: `desiredInstancesAt` returns the decision with its reason, and
 * `desiredInstancesLogged` logs the invalid cases at error level. Nothing here throws.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ScheduleSet from "./internal/scheduleSet.js"

/**
 * Why a schedule set is invalid (declaration indexes are 0-based).
 *
 * @since 0.1.0
 * @category models
 */
export type ScheduleProblem = ScheduleSet.Problem

/**
 * Constructors and matchers of {@link ScheduleProblem}.
 *
 * @since 0.1.0
 * @category constants
 */
export const ScheduleProblem = ScheduleSet.Problem

/**
 * A human-readable sentence for a problem (for import responses and logs).
 *
 * @since 0.1.0
 * @category utils
 */
export const describeProblem: (problem: ScheduleProblem) => string = ScheduleProblem.$match({
  MissingTimezone: () => "schedules need a scheduling timezone",
  UnknownTimezone: ({ timezone }) => `unknown timezone "${timezone}" (expected an IANA zone name)`,
  InvalidCron: ({ cron, index, message }) => `schedule ${index + 1}: invalid cron "${cron}": ${message}`,
  InvalidInstances: ({ index, instances }) =>
    `schedule ${index + 1}: instances must be a non-negative integer, got ${instances}`,
  Overlap: ({ first, second }) => `schedules ${first + 1} and ${second + 1} overlap`
})

/**
 * What decided a preset's pool size.
 *
 * - `NotPrebuildPreset`: `desiredInstances` is `null` (never reconciled): 0.
 * - `NoSchedules`: the base size.
 * - `Matched`: the instances of the first matching schedule (declaration `index`).
 * - `NoMatch`: no schedule matches: the base size.
 * - `InvalidSchedules`: an error (timezone, cron, overlap): the base size.
 *
 * @since 0.1.0
 * @category models
 */
export type DesiredInstancesSource = Data.TaggedEnum<{
  NotPrebuildPreset: Record<never, never>
  NoSchedules: Record<never, never>
  Matched: { readonly index: number; readonly cron: string }
  NoMatch: Record<never, never>
  InvalidSchedules: { readonly problems: ReadonlyArray<ScheduleProblem> }
}>

/**
 * Constructors and matchers of {@link DesiredInstancesSource}.
 *
 * @since 0.1.0
 * @category constants
 */
export const DesiredInstancesSource = Data.taggedEnum<DesiredInstancesSource>()

/**
 * The pool size at an instant and what decided it.
 *
 * @since 0.1.0
 * @category models
 */
export interface DesiredInstances {
  readonly instances: number
  readonly source: DesiredInstancesSource
}

/**
 * What scheduling needs from a preset (a domain `Preset` and a snapshot `PresetRow` both fit).
 *
 * @since 0.1.0
 * @category models
 */
export interface SchedulablePreset {
  readonly desiredInstances: number | null
  readonly schedulingTimezone: string
}

/**
 * What scheduling needs from a schedule, in declaration order.
 *
 * @since 0.1.0
 * @category models
 */
export interface ScheduleEntry {
  readonly cron: string
  readonly instances: number
}

/**
 * The pool size of `preset` at `at` (any zone: only the instant matters):
 *
 * 1. no schedules → `desiredInstances`;
 * 2. missing or unknown timezone, or an invalid set (bad cron, overlapping schedules) →
 *    `desiredInstances`, reported as `InvalidSchedules`;
 * 3. otherwise the `instances` of the first schedule, in declaration order, matching `at`
 *    converted to the preset's timezone;
 * 4. no match → `desiredInstances`.
 *
 * @since 0.1.0
 * @category utils
 */
export const desiredInstancesAt = (
  preset: SchedulablePreset,
  schedules: ReadonlyArray<ScheduleEntry>,
  at: DateTime.DateTime
): DesiredInstances => {
  const base = preset.desiredInstances
  if (base === null) return { instances: 0, source: DesiredInstancesSource.NotPrebuildPreset() }
  if (schedules.length === 0) return { instances: base, source: DesiredInstancesSource.NoSchedules() }
  const compiled = ScheduleSet.compile(preset.schedulingTimezone, schedules)
  if (Either.isLeft(compiled)) {
    return { instances: base, source: DesiredInstancesSource.InvalidSchedules({ problems: compiled.left }) }
  }
  const match = ScheduleSet.firstMatch(compiled.right, at)
  return match === undefined
    ? { instances: base, source: DesiredInstancesSource.NoMatch() }
    : { instances: match.instances, source: DesiredInstancesSource.Matched({ index: match.index, cron: match.cron }) }
}

/**
 * Whether the decision came from an invalid schedule set (to be logged as an error).
 *
 * @since 0.1.0
 * @category guards
 */
export const isError = (decision: DesiredInstances): boolean => decision.source._tag === "InvalidSchedules"

/**
 * {@link desiredInstancesAt}, logging an invalid schedule set at error level (with the
 * problems and the fallback size as annotations).
 *
 * @since 0.1.0
 * @category utils
 */
export const desiredInstancesLogged = (
  preset: SchedulablePreset,
  schedules: ReadonlyArray<ScheduleEntry>,
  at: DateTime.DateTime
): Effect.Effect<DesiredInstances> =>
  Effect.suspend(() => {
    const decision = desiredInstancesAt(preset, schedules, at)
    if (decision.source._tag !== "InvalidSchedules") return Effect.succeed(decision)
    return Effect.logError("invalid prebuild schedules; using the base pool size").pipe(
      Effect.annotateLogs({
        problems: decision.source.problems.map(describeProblem),
        scheduling_timezone: preset.schedulingTimezone,
        desired_instances: decision.instances
      }),
      Effect.as(decision)
    )
  })

/**
 * {@link desiredInstancesLogged} at the current instant of Effect's `Clock`.
 *
 * @since 0.1.0
 * @category utils
 */
export const desiredInstancesNow = (
  preset: SchedulablePreset,
  schedules: ReadonlyArray<ScheduleEntry>
): Effect.Effect<DesiredInstances> =>
  Effect.flatMap(DateTime.now, (now) => desiredInstancesLogged(preset, schedules, now))

/**
 * Import-time validation of a preset's scheduling: every problem of the set (an empty array when
 * it is valid). Without schedules only a non-empty timezone is checked.
 *
 * @since 0.1.0
 * @category utils
 */
export const validateSchedules = (
  timezone: string,
  schedules: ReadonlyArray<ScheduleEntry>
): ReadonlyArray<ScheduleProblem> => {
  if (schedules.length === 0) {
    return timezone === "" || Option.isSome(DateTime.zoneMakeNamed(timezone))
      ? []
      : [ScheduleProblem.UnknownTimezone({ timezone })]
  }
  return Either.match(ScheduleSet.compile(timezone, schedules), { onLeft: (problems) => problems, onRight: () => [] })
}
