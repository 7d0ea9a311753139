/**
 * Compiled preset schedules: each cron parsed once with `effect/Cron`, then reduced to bit masks
 * (months, hours, and days-of-month per day-of-week) so that matching needs one zoned
 * conversion of the instant per evaluation and overlap detection is a few `&`s.
 *
 * @internal
 */
import * as Cron from "effect/Cron"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Option from "effect/Option"

/**
 * A reason why a preset's schedule set is invalid. Indexes are declaration positions.
 *
 * @internal
 */
export type Problem = Data.TaggedEnum<{
  /** Schedules without a timezone. */
  MissingTimezone: Record<never, never>
  /** Not a known IANA zone name. */
  UnknownTimezone: { readonly timezone: string }
  InvalidCron: { readonly index: number; readonly cron: string; readonly message: string }
  /** Not a non-negative integer. */
  InvalidInstances: { readonly index: number; readonly instances: number }
  /** Two schedules can match the same hour. */
  Overlap: { readonly first: number; readonly second: number }
}>

/** @internal */
export const Problem = Data.taggedEnum<Problem>()

/** @internal */
export interface CompiledSchedule {
  readonly index: number
  readonly cron: string
  readonly instances: number
  /** Bit `m` set when month `m` (1–12) matches. */
  readonly months: number
  /** Bit `h` set when hour `h` (0–23) matches. */
  readonly hours: number
  /** `days[weekday]`: bit `d - 1` set when day-of-month `d` matches on that weekday (0 = Sunday). */
  readonly days: ReadonlyArray<number>
}

/** @internal */
export interface CompiledScheduleSet {
  readonly zone: DateTime.TimeZone
  readonly schedules: ReadonlyArray<CompiledSchedule>
}

const allMonths = 0b1_1111_1111_1110
const allHours = 0xff_ffff
const allDaysOfMonth = 0x7fff_ffff

const maskOf = (values: ReadonlySet<number>, all: number, bit: (value: number) => number): number => {
  if (values.size === 0) return all
  let mask = 0
  for (const value of values) mask |= 1 << bit(value)
  return mask
}

// A field is a wildcard for day matching when its first list element is `*` (with or without a
// step): effect's `Cron.match` then requires both day fields to match, otherwise either one.
const startsWithWildcard = (field: string): boolean => field.split(",")[0]!.split("/")[0] === "*"

const dayMasks = (cron: Cron.Cron, dayField: string, weekdayField: string): ReadonlyArray<number> => {
  const domMask = maskOf(cron.days, allDaysOfMonth, (day) => day - 1)
  // Both fields restricted and neither starts with `*`: classic cron, either field is enough.
  const either = cron.days.size !== 0 && cron.weekdays.size !== 0 && !startsWithWildcard(dayField) &&
    !startsWithWildcard(weekdayField)
  const days: Array<number> = []
  for (let weekday = 0; weekday < 7; weekday++) {
    const weekdayMatches = cron.weekdays.size === 0 || cron.weekdays.has(weekday)
    if (either) days.push(weekdayMatches ? allDaysOfMonth : domMask)
    else days.push(weekdayMatches ? domMask : 0)
  }
  return days
}

const compileOne = (
  index: number,
  schedule: { readonly cron: string; readonly instances: number },
  zone: DateTime.TimeZone
): Either.Either<CompiledSchedule, Problem> => {
  const invalid = (message: string): Either.Either<never, Problem> =>
    Either.left(Problem.InvalidCron({ index, cron: schedule.cron, message }))
  if (!Number.isSafeInteger(schedule.instances) || schedule.instances < 0) {
    return Either.left(Problem.InvalidInstances({ index, instances: schedule.instances }))
  }
  const fields = schedule.cron.trim().split(/\s+/).filter((field) => field !== "")
  if (fields.length !== 5) {
    return invalid(`expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`)
  }
  if (fields[0] !== "*") return invalid(`the minute field must be "*", got "${fields[0]}"`)
  // A leading `*` seconds field makes the match cover whole minutes (effect defaults it to 0).
  const parsed = Cron.parse(`* ${fields.join(" ")}`, zone)
  if (Either.isLeft(parsed)) return invalid(parsed.left.message)
  const cron = parsed.right
  return Either.right({
    index,
    cron: schedule.cron,
    instances: schedule.instances,
    months: maskOf(cron.months, allMonths, (month) => month),
    hours: maskOf(cron.hours, allHours, (hour) => hour),
    days: dayMasks(cron, fields[2]!, fields[4]!)
  })
}

/**
 * Two schedules overlap when their months, their days (day-of-month combined with day-of-week:
 * some (day-of-month, weekday) pair matches both) and their hours all intersect.
 *
 * @internal
 */
export const overlaps = (a: CompiledSchedule, b: CompiledSchedule): boolean => {
  if ((a.months & b.months) === 0 || (a.hours & b.hours) === 0) return false
  for (let weekday = 0; weekday < 7; weekday++) {
    if ((a.days[weekday]! & b.days[weekday]!) !== 0) return true
  }
  return false
}

const compileUncached = (
  timezone: string,
  schedules: ReadonlyArray<{ readonly cron: string; readonly instances: number }>
): Either.Either<CompiledScheduleSet, ReadonlyArray<Problem>> => {
  const problems: Array<Problem> = []
  let zone: DateTime.TimeZone | undefined
  if (timezone === "") {
    problems.push(Problem.MissingTimezone())
  } else {
    zone = Option.getOrUndefined(DateTime.zoneMakeNamed(timezone))
    if (zone === undefined) problems.push(Problem.UnknownTimezone({ timezone }))
  }
  const compiled: Array<CompiledSchedule> = []
  const parseZone = zone ?? DateTime.zoneMakeOffset(0)
  schedules.forEach((schedule, index) => {
    const result = compileOne(index, schedule, parseZone)
    if (Either.isLeft(result)) problems.push(result.left)
    else compiled.push(result.right)
  })
  for (let i = 0; i < compiled.length; i++) {
    for (let j = i + 1; j < compiled.length; j++) {
      if (overlaps(compiled[i]!, compiled[j]!)) {
        problems.push(Problem.Overlap({ first: compiled[i]!.index, second: compiled[j]!.index }))
      }
    }
  }
  return problems.length > 0 || zone === undefined
    ? Either.left(problems)
    : Either.right({ zone, schedules: compiled })
}

const cacheCapacity = 1024
const cache = new Map<string, Either.Either<CompiledScheduleSet, ReadonlyArray<Problem>>>()

/**
 * Compiles a preset's schedules (memoised on their text: compilation is a pure function of it),
 * or returns every problem found.
 *
 * @internal
 */
export const compile = (
  timezone: string,
  schedules: ReadonlyArray<{ readonly cron: string; readonly instances: number }>
): Either.Either<CompiledScheduleSet, ReadonlyArray<Problem>> => {
  const key = JSON.stringify([timezone, schedules.map((schedule) => [schedule.cron, schedule.instances])])
  const cached = cache.get(key)
  if (cached !== undefined) return cached
  const result = compileUncached(timezone, schedules)
  if (cache.size >= cacheCapacity) cache.delete(cache.keys().next().value!)
  cache.set(key, result)
  return result
}

/**
 * The first schedule (declaration order) matching `at` in the set's zone, if any.
 *
 * @internal
 */
export const firstMatch = (set: CompiledScheduleSet, at: DateTime.DateTime): CompiledSchedule | undefined => {
  const parts = DateTime.toParts(DateTime.setZone(at, set.zone))
  const month = 1 << parts.month
  const hour = 1 << parts.hours
  const day = 1 << (parts.day - 1)
  for (const schedule of set.schedules) {
    if (
      (schedule.months & month) !== 0 && (schedule.hours & hour) !== 0 && (schedule.days[parts.weekDay]! & day) !== 0
    ) {
      return schedule
    }
  }
  return undefined
}
