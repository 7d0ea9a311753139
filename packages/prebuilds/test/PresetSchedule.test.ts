// Section numbers (§) in this file refer to docs/prebuilds.md.
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as TestClock from "effect/TestClock"
import * as fc from "fast-check"
import type { SchedulablePreset, ScheduleEntry } from "../src/PresetSchedule.js"
import {
  describeProblem,
  desiredInstancesAt,
  desiredInstancesLogged,
  desiredInstancesNow,
  DesiredInstancesSource,
  isError,
  ScheduleProblem,
  validateSchedules
} from "../src/PresetSchedule.js"

const utc = (iso: string) => DateTime.unsafeMake(iso)

const preset = (desiredInstances: number | null, schedulingTimezone = "UTC"): SchedulablePreset => ({
  desiredInstances,
  schedulingTimezone
})

const schedules = (...entries: ReadonlyArray<readonly [string, number]>): ReadonlyArray<ScheduleEntry> =>
  entries.map(([cron, instances]) => ({ cron, instances }))

const instancesAt = (p: SchedulablePreset, s: ReadonlyArray<ScheduleEntry>, at: DateTime.DateTime) =>
  desiredInstancesAt(p, s, at).instances

/** Runs an effect with a logger that records `[level, message]` pairs. */
const withCapturedLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const logs: Array<readonly [string, string]> = []
    const logger = Logger.make(({ logLevel, message }) => {
      logs.push([logLevel.label, Array.isArray(message) ? message.join(" ") : String(message)])
    })
    const value = yield* effect.pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.All)
    )
    return { value, logs }
  })

// 2024-01-01 is a Monday; 2024-01-06 a Saturday, 2024-01-07 a Sunday.
const s1Schedules = schedules(["* 9-18 * * 1-5", 3])
const s1Table: ReadonlyArray<readonly [string, number]> = [
  ["2024-01-01T08:59:59Z", 1],
  ["2024-01-01T09:00:00Z", 3],
  ["2024-01-01T18:59:59Z", 3],
  ["2024-01-01T19:00:00Z", 1]
]

describe("desiredInstancesAt (§4)", () => {
  it("S1: an hour range covers whole hours, both ends included", () => {
    for (const [iso, expected] of s1Table) expect(instancesAt(preset(1), s1Schedules, utc(iso))).toBe(expected)
    expect(instancesAt(preset(1), s1Schedules, utc("2024-01-01T18:59:59.999Z"))).toBe(3)
    expect(instancesAt(preset(1), s1Schedules, utc("2024-01-06T12:00:00Z"))).toBe(1)
  })

  it("S2: two presets with two schedules each", () => {
    const p1 = schedules(["* 2-4 * * 1-5", 2], ["* 6-8 * * 1-5", 3])
    const p2 = schedules(["* 10-12 * * 1-5", 4], ["* 14-16 * * 1-5", 5])
    const table: ReadonlyArray<readonly [string, number, number]> = [
      ["2024-01-01T01:00:00Z", 1, 1],
      ["2024-01-01T03:00:00Z", 2, 1],
      ["2024-01-01T07:00:00Z", 3, 1],
      ["2024-01-01T11:00:00Z", 1, 4],
      ["2024-01-01T15:00:00Z", 1, 5]
    ]
    for (const [iso, e1, e2] of table) {
      expect([instancesAt(preset(1), p1, utc(iso)), instancesAt(preset(1), p2, utc(iso))]).toEqual([e1, e2])
    }
  })

  it("S3: America/Los_Angeles on a daylight-saving date", () => {
    const la = preset(1, "America/Los_Angeles")
    const s = schedules(["* 9-13 * * *", 3])
    const table: ReadonlyArray<readonly [string, number]> = [
      ["2024-07-01T15:00:00Z", 1],
      ["2024-07-01T16:00:00Z", 3],
      ["2024-07-01T20:59:00Z", 3],
      ["2024-07-01T21:00:00Z", 1]
    ]
    for (const [iso, expected] of table) expect(instancesAt(la, s, utc(iso))).toBe(expected)
  })

  it("S3: the same schedule follows standard time in winter (UTC−8)", () => {
    const la = preset(1, "America/Los_Angeles")
    const s = schedules(["* 9-13 * * *", 3])
    const table: ReadonlyArray<readonly [string, number]> = [
      ["2024-01-01T16:59:59Z", 1],
      ["2024-01-01T17:00:00Z", 3],
      ["2024-01-01T21:59:00Z", 3],
      ["2024-01-01T22:00:00Z", 1]
    ]
    for (const [iso, expected] of table) expect(instancesAt(la, s, utc(iso))).toBe(expected)
  })

  it("S3: local weekdays, not UTC weekdays, decide (Sunday evening in LA is Monday in UTC)", () => {
    const la = preset(0, "America/Los_Angeles")
    const s = schedules(["* 17-19 * * 0", 2])
    expect(instancesAt(la, s, utc("2024-01-08T02:30:00Z"))).toBe(2) // Sunday 18:30 PST
    expect(instancesAt(la, s, utc("2024-01-07T18:30:00Z"))).toBe(0) // Sunday 10:30 PST
  })

  it("S4: inputs at non-UTC offsets give the same results", () => {
    const zones = [
      DateTime.zoneMakeOffset(5.5 * 3600 * 1000),
      DateTime.zoneMakeOffset(-8 * 3600 * 1000),
      DateTime.zoneUnsafeMakeNamed("Asia/Tokyo"),
      DateTime.zoneUnsafeMakeNamed("America/New_York")
    ]
    for (const zone of zones) {
      for (const [iso, expected] of s1Table) {
        const zoned = DateTime.setZone(utc(iso), zone)
        expect(DateTime.toEpochMillis(zoned)).toBe(DateTime.toEpochMillis(utc(iso)))
        expect(instancesAt(preset(1), s1Schedules, zoned)).toBe(expected)
      }
    }
  })

  it("S5: without schedules the base size applies", () => {
    for (const iso of ["2024-01-01T00:00:00Z", "2024-01-06T12:34:56Z", "2031-06-30T23:59:59.999Z"]) {
      expect(desiredInstancesAt(preset(2), [], utc(iso))).toEqual({
        instances: 2,
        source: DesiredInstancesSource.NoSchedules()
      })
    }
  })

  it("S5: a preset without scheduling timezone and without schedules is not an error", () => {
    expect(desiredInstancesAt(preset(2, ""), [], utc("2024-01-01T10:00:00Z")).instances).toBe(2)
  })

  it.effect("S6: an unknown timezone falls back to the base size and logs an error", () =>
    Effect.gen(function*() {
      const decision = desiredInstancesAt(preset(2, "Not/AZone"), s1Schedules, utc("2024-01-01T10:00:00Z"))
      expect(decision).toEqual({
        instances: 2,
        source: DesiredInstancesSource.InvalidSchedules({
          problems: [ScheduleProblem.UnknownTimezone({ timezone: "Not/AZone" })]
        })
      })
      expect(isError(decision)).toBe(true)
      const { logs, value } = yield* withCapturedLogs(
        desiredInstancesLogged(preset(2, "Not/AZone"), s1Schedules, utc("2024-01-01T10:00:00Z"))
      )
      expect(value.instances).toBe(2)
      expect(logs).toEqual([["ERROR", "invalid prebuild schedules; using the base pool size"]])
    }))

  it("S6: an empty timezone with schedules is an error too", () => {
    expect(desiredInstancesAt(preset(2, ""), s1Schedules, utc("2024-01-01T10:00:00Z"))).toEqual({
      instances: 2,
      source: DesiredInstancesSource.InvalidSchedules({ problems: [ScheduleProblem.MissingTimezone()] })
    })
  })

  it.effect("S7: overlapping schedules invalidate the set", () =>
    Effect.gen(function*() {
      const s = schedules(["* 8-12 * * *", 4], ["* 10-14 * * *", 5])
      const decision = desiredInstancesAt(preset(2), s, utc("2024-01-01T11:00:00Z"))
      expect(decision).toEqual({
        instances: 2,
        source: DesiredInstancesSource.InvalidSchedules({
          problems: [ScheduleProblem.Overlap({ first: 0, second: 1 })]
        })
      })
      // Outside the overlap too: the whole set is invalid.
      expect(instancesAt(preset(2), s, utc("2024-01-01T09:00:00Z"))).toBe(2)
      const { logs } = yield* withCapturedLogs(desiredInstancesLogged(preset(2), s, utc("2024-01-01T11:00:00Z")))
      expect(logs.map(([level]) => level)).toEqual(["ERROR"])
    }))

  it("S8: weekday and Saturday schedules with base 0", () => {
    const s = schedules(["* 8-18 * * 1-5", 3], ["* 8-14 * * 6", 1])
    expect(instancesAt(preset(0), s, utc("2024-01-06T10:00:00Z"))).toBe(1)
    expect(instancesAt(preset(0), s, utc("2024-01-06T15:00:00Z"))).toBe(0)
    expect(instancesAt(preset(0), s, utc("2024-01-07T10:00:00Z"))).toBe(0)
    expect(instancesAt(preset(0), s, utc("2024-01-08T10:00:00Z"))).toBe(3)
  })

  it("reports which schedule matched, or that none did", () => {
    const s = schedules(["* 0-5 * * *", 4], ["* 6-11 * * *", 5])
    expect(desiredInstancesAt(preset(1), s, utc("2024-01-01T07:00:00Z")).source).toEqual(
      DesiredInstancesSource.Matched({ index: 1, cron: "* 6-11 * * *" })
    )
    expect(desiredInstancesAt(preset(1), s, utc("2024-01-01T13:00:00Z")).source).toEqual(
      DesiredInstancesSource.NoMatch()
    )
  })

  it("a preset without desiredInstances is not a prebuild preset", () => {
    expect(desiredInstancesAt(preset(null), s1Schedules, utc("2024-01-01T10:00:00Z"))).toEqual({
      instances: 0,
      source: DesiredInstancesSource.NotPrebuildPreset()
    })
  })

  it("a minute field other than * makes the set invalid", () => {
    for (const cron of ["0 9-18 * * 1-5", "*/5 9-18 * * 1-5", "0-59 9-18 * * 1-5"]) {
      const decision = desiredInstancesAt(preset(1), schedules([cron, 3]), utc("2024-01-01T10:00:00Z"))
      expect(decision.instances).toBe(1)
      expect(decision.source._tag).toBe("InvalidSchedules")
    }
  })

  it("malformed crons make the set invalid", () => {
    for (const cron of ["", "* * * *", "* * * * * *", "* 25 * * *", "* 9-x * * *", "* 18-9 * * *", "* * 0 * *"]) {
      const decision = desiredInstancesAt(preset(1), schedules([cron, 3]), utc("2024-01-01T10:00:00Z"))
      expect(decision.source._tag, cron).toBe("InvalidSchedules")
      expect(decision.instances).toBe(1)
    }
  })

  it("day 0 and day 7 are Sunday; names work", () => {
    const sunday = utc("2024-01-07T10:00:00Z")
    const monday = utc("2024-01-08T10:00:00Z")
    for (const cron of ["* * * * 0", "* * * * 7", "* * * * sun", "* * * * SUN"]) {
      expect(instancesAt(preset(0), schedules([cron, 1]), sunday), cron).toBe(1)
      expect(instancesAt(preset(0), schedules([cron, 1]), monday), cron).toBe(0)
    }
    expect(instancesAt(preset(0), schedules(["* 9-17 * * mon-fri", 2]), monday)).toBe(2)
    expect(instancesAt(preset(0), schedules(["* * * jan *", 2]), monday)).toBe(2)
    expect(instancesAt(preset(0), schedules(["* * * feb *", 2]), monday)).toBe(0)
  })

  it("day-of-month and day-of-week both restricted: either matches", () => {
    const s = schedules(["* * 1 * 1", 1])
    expect(instancesAt(preset(0), s, utc("2024-01-01T10:00:00Z"))).toBe(1) // Monday the 1st
    expect(instancesAt(preset(0), s, utc("2024-01-08T10:00:00Z"))).toBe(1) // a Monday
    expect(instancesAt(preset(0), s, utc("2024-02-01T10:00:00Z"))).toBe(1) // Thursday the 1st
    expect(instancesAt(preset(0), s, utc("2024-01-02T10:00:00Z"))).toBe(0) // Tuesday the 2nd
  })

  it("lists and steps in the hour field", () => {
    const s = schedules(["* 1,3,20-21 * * *", 2], ["* 6/6 * * *", 7])
    const table: ReadonlyArray<readonly [number, number]> = [
      [0, 0],
      [1, 2],
      [2, 0],
      [3, 2],
      [6, 7],
      [12, 7],
      [18, 7],
      [20, 2],
      [21, 2],
      [22, 0]
    ]
    for (const [hour, expected] of table) {
      const iso = `2024-01-01T${String(hour).padStart(2, "0")}:30:00Z`
      expect(instancesAt(preset(0), s, utc(iso)), iso).toBe(expected)
    }
  })

  it.effect("desiredInstancesNow reads Effect's Clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(DateTime.toEpochMillis(utc("2024-01-01T08:59:59.999Z")))
      expect((yield* desiredInstancesNow(preset(1), s1Schedules)).instances).toBe(1)
      yield* TestClock.adjust("1 millis")
      expect((yield* desiredInstancesNow(preset(1), s1Schedules)).instances).toBe(3)
    }))
})

describe("validateSchedules", () => {
  it("accepts a valid set", () => {
    expect(validateSchedules("UTC", s1Schedules)).toEqual([])
    expect(validateSchedules("Europe/Berlin", schedules(["* 0-7 * * *", 0], ["* 8-17 * * 1-5", 5]))).toEqual([])
    expect(validateSchedules("", [])).toEqual([])
  })

  it("reports every problem, in order", () => {
    expect(validateSchedules("Not/AZone", schedules(["0 9 * * *", 1], ["* 8-12 * * *", -1]))).toEqual([
      ScheduleProblem.UnknownTimezone({ timezone: "Not/AZone" }),
      ScheduleProblem.InvalidCron({
        index: 0,
        cron: "0 9 * * *",
        message: "the minute field must be \"*\", got \"0\""
      }),
      ScheduleProblem.InvalidInstances({ index: 1, instances: -1 })
    ])
  })

  it("reports an unknown timezone even without schedules", () => {
    expect(validateSchedules("Mars/Olympus", [])).toEqual([
      ScheduleProblem.UnknownTimezone({ timezone: "Mars/Olympus" })
    ])
    expect(validateSchedules("+02:00", [])).toEqual([ScheduleProblem.UnknownTimezone({ timezone: "+02:00" })])
  })

  const overlapTable: ReadonlyArray<readonly [string, string, boolean]> = [
    ["* 8-12 * * *", "* 10-14 * * *", true],
    ["* 0-11 * * *", "* 12-23 * * *", false],
    ["* 9-17 * * 1-5", "* 9-17 * * 0,6", false],
    ["* 9-17 * * 1-5", "* 9-17 * * 5-6", true],
    ["* * * 1-6 *", "* * * 7-12 *", false],
    ["* * 1 * *", "* * 2 * *", false],
    ["* * 1 * *", "* * * * 1", true], // a Monday the 1st
    ["* * 1 * 1", "* * 2 * 2", true], // a Monday the 2nd matches both
    ["* * 15 * *", "* * * * *", true],
    ["* 8-12 * 1 *", "* 10-14 * 2 *", false]
  ]
  for (const [a, b, overlap] of overlapTable) {
    it(`S7: "${a}" and "${b}" ${overlap ? "overlap" : "do not overlap"}`, () => {
      const problems = validateSchedules("UTC", schedules([a, 1], [b, 2]))
      expect(problems).toEqual(overlap ? [ScheduleProblem.Overlap({ first: 0, second: 1 })] : [])
    })
  }

  it("reports every overlapping pair", () => {
    const s = schedules(["* 0-9 * * *", 1], ["* 5-14 * * *", 2], ["* 12-23 * * *", 3])
    expect(validateSchedules("UTC", s)).toEqual([
      ScheduleProblem.Overlap({ first: 0, second: 1 }),
      ScheduleProblem.Overlap({ first: 1, second: 2 })
    ])
  })

  it("describes problems for people", () => {
    expect(describeProblem(ScheduleProblem.Overlap({ first: 0, second: 2 }))).toBe("schedules 1 and 3 overlap")
    expect(describeProblem(ScheduleProblem.UnknownTimezone({ timezone: "X" }))).toContain("unknown timezone \"X\"")
    expect(describeProblem(ScheduleProblem.MissingTimezone())).toContain("timezone")
  })
})

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

interface FieldSpec {
  readonly text: string
  /** `null` = any value. */
  readonly values: ReadonlySet<number> | null
  readonly startsWithStar: boolean
}

const rangeField = (min: number, max: number): fc.Arbitrary<FieldSpec> =>
  fc.oneof(
    fc.constant<FieldSpec>({ text: "*", values: null, startsWithStar: true }),
    fc.integer({ min, max }).map((v): FieldSpec => ({ text: `${v}`, values: new Set([v]), startsWithStar: false })),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]): FieldSpec => {
      const [lo, hi] = a <= b ? [a, b] : [b, a]
      const values = new Set<number>()
      for (let v = lo; v <= hi; v++) values.add(v)
      return { text: `${lo}-${hi}`, values, startsWithStar: false }
    }),
    fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 4 }).map((vs): FieldSpec => ({
      text: vs.join(","),
      values: new Set(vs),
      startsWithStar: false
    })),
    fc.integer({ min: 2, max: 5 }).map((step): FieldSpec => {
      const values = new Set<number>()
      for (let v = min; v <= max; v += step) values.add(v)
      return { text: `*/${step}`, values, startsWithStar: true }
    })
  )

const has = (field: FieldSpec, value: number) => field.values === null || field.values.has(value)

/** Cron day semantics as documented in `Schedule.ts`. */
const referenceMatch = (
  fields: { hour: FieldSpec; dom: FieldSpec; month: FieldSpec; dow: FieldSpec },
  at: Date
): boolean => {
  if (!has(fields.hour, at.getUTCHours()) || !has(fields.month, at.getUTCMonth() + 1)) return false
  const domMatch = has(fields.dom, at.getUTCDate())
  const dowMatch = has(fields.dow, at.getUTCDay())
  if (fields.dom.values === null || fields.dow.values === null) return domMatch && dowMatch
  if (fields.dom.startsWithStar || fields.dow.startsWithStar) return domMatch && dowMatch
  return domMatch || dowMatch
}

const instant = fc.integer({
  min: Date.UTC(2020, 0, 1),
  max: Date.UTC(2030, 0, 1)
})

describe("cron properties", () => {
  it("a single schedule matches exactly when the reference semantics say so (UTC)", () => {
    fc.assert(
      fc.property(
        rangeField(0, 23),
        rangeField(1, 31),
        rangeField(1, 12),
        rangeField(0, 6),
        instant,
        (hour, dom, month, dow, millis) => {
          const cron = `* ${hour.text} ${dom.text} ${month.text} ${dow.text}`
          const expected = referenceMatch({ hour, dom, month, dow }, new Date(millis)) ? 7 : 1
          expect(instancesAt(preset(1), schedules([cron, 7]), DateTime.unsafeMake(millis)), cron).toBe(expected)
        }
      ),
      { numRuns: 3000 }
    )
  })

  it("any text as a cron never throws and yields the base or the schedule's size", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(fc.constantFrom("*", "1", "9-18", "*/2", ",", "-", "/", "mon", "x", " "), { maxLength: 12 }).map((
            parts
          ) => parts.join(""))
        ),
        instant,
        (cron, millis) => {
          const decision = desiredInstancesAt(preset(1), schedules([cron, 7]), DateTime.unsafeMake(millis))
          expect([1, 7]).toContain(decision.instances)
          expect(Array.isArray(validateSchedules("UTC", schedules([cron, 7])))).toBe(true)
        }
      ),
      { numRuns: 2000 }
    )
  })

  it("only the instant matters, not the zone it is expressed in", () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: -12 * 60, max: 14 * 60 }),
        fc.constantFrom("UTC", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe"),
        (millis, offsetMinutes, timezone) => {
          const s = schedules(["* 9-13 * * 1-5", 3], ["* 14-15 * * *", 5])
          const utcAt = DateTime.unsafeMake(millis)
          const shifted = DateTime.setZone(utcAt, DateTime.zoneMakeOffset(offsetMinutes * 60 * 1000))
          expect(desiredInstancesAt(preset(1, timezone), s, shifted)).toEqual(
            desiredInstancesAt(preset(1, timezone), s, utcAt)
          )
        }
      ),
      { numRuns: 1000 }
    )
  })

  it("non-overlapping sets match at most one schedule at any instant", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(rangeField(0, 23), rangeField(1, 31), rangeField(1, 12), rangeField(0, 6)), {
          minLength: 2,
          maxLength: 3
        }),
        instant,
        (specs, millis) => {
          const s = specs.map(([h, d, m, w], i) => ({
            cron: `* ${h.text} ${d.text} ${m.text} ${w.text}`,
            instances: i + 10
          }))
          if (validateSchedules("UTC", s).length > 0) return
          const matching = specs.filter(([hour, dom, month, dow]) =>
            referenceMatch({ hour, dom, month, dow }, new Date(millis))
          )
          expect(matching.length).toBeLessThanOrEqual(1)
        }
      ),
      { numRuns: 2000 }
    )
  })
})
