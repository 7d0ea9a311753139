// Section numbers (§) in this file refer to docs/prebuilds.md.
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import { PresetId, TemplateId, TemplateVersionId, WorkspaceId } from "../src/Domain.js"
import { isActive, presetState } from "../src/PresetState.js"
import type { Snapshot } from "../src/Snapshot.js"
import { filterByPreset, isExpired, presetSnapshots } from "../src/Snapshot.js"
import type { PresetSpec } from "./utils/scenario.js"
import { at, HOUR, MINUTE, presetAt, SECOND, settings, sliceOf, snapshotOf, T0 } from "./utils/scenario.js"

const expiredIds = (spec: PresetSpec, now: DateTime.Utc) => presetAt(spec, now).expired.map((p) => p.id as string)

describe("expiry (§5)", () => {
  it("a prebuild created exactly at the invalidation instant is not expired", () => {
    expect(expiredIds({ lastInvalidatedAt: T0, running: [{ id: "w1", createdAt: T0 }] }, at(HOUR))).toEqual([])
  })

  it("a prebuild created 1ms before the invalidation is expired", () => {
    expect(expiredIds({ lastInvalidatedAt: T0, running: [{ id: "w1", createdAt: at(-1) }] }, at(HOUR))).toEqual([
      "w1"
    ])
  })

  it("the TTL must be strictly exceeded", () => {
    const spec = (createdAt: DateTime.Utc): PresetSpec => ({ ttlSeconds: 5, running: [{ id: "w1", createdAt }] })
    expect(expiredIds(spec(at(-5 * SECOND)), T0)).toEqual([])
    expect(expiredIds(spec(at(-5 * SECOND - 1)), T0)).toEqual(["w1"])
  })

  it("a TTL of 0 or null never expires anything", () => {
    const old = [{ id: "w1", createdAt: at(-1000 * HOUR) }]
    expect(expiredIds({ ttlSeconds: 0, running: old }, T0)).toEqual([])
    expect(expiredIds({ ttlSeconds: null, running: old }, T0)).toEqual([])
  })

  it("either rule is enough", () => {
    const spec: PresetSpec = {
      ttlSeconds: 60,
      lastInvalidatedAt: at(-10 * SECOND),
      running: [
        { id: "invalidated", createdAt: at(-20 * SECOND) },
        { id: "too-old", createdAt: at(-2 * MINUTE) },
        { id: "fine", createdAt: at(-5 * SECOND) }
      ]
    }
    expect(expiredIds(spec, T0).sort()).toEqual(["invalidated", "too-old"])
    expect(presetAt(spec, T0).running.map((p) => p.id)).toEqual(["fine"])
  })

  it("an invalidation in the future of a prebuild's creation counts whatever now is", () => {
    const preset = { lastInvalidatedAt: at(MINUTE), ttlSeconds: null }
    expect(isExpired(preset, { createdAt: T0 }, T0)).toBe(true)
  })

  it("now may be given in any zone", () => {
    const preset = { lastInvalidatedAt: null, ttlSeconds: 5 }
    const zoned = DateTime.setZone(at(5 * SECOND + 1), DateTime.zoneMakeOffset(-7 * 3600 * 1000))
    expect(isExpired(preset, { createdAt: T0 }, zoned)).toBe(true)
  })
})

describe("filterByPreset (§3.4)", () => {
  const snapshot: Snapshot = snapshotOf(
    {
      id: "p1",
      desired: 2,
      running: ["w1", "w2"],
      starting: 1,
      deleting: 2,
      pending: 3,
      backoff: { numFailed: 2, lastBuildAt: T0 }
    },
    { id: "p2", desired: 1, running: ["w3"], hardLimited: true }
  )

  it("an unknown preset id gives none", () => {
    expect(filterByPreset(snapshot, PresetId.make("nope"), T0)).toEqual(Option.none())
  })

  it("slices every read by preset", () => {
    const p1 = sliceOf(snapshot, "p1", T0)
    expect(p1.preset.presetId).toBe("p1")
    expect(p1.running.map((p) => p.id)).toEqual(["w1", "w2"])
    expect(p1.expired).toEqual([])
    expect(p1.inProgress.map((row) => [row.transition, row.count])).toEqual([["start", 1], ["delete", 2]])
    expect(p1.pendingCount).toBe(3)
    expect(Option.map(p1.backoff, (row) => row.numFailed)).toEqual(Option.some(2))
    expect(p1.isHardLimited).toBe(false)

    const p2 = sliceOf(snapshot, "p2", T0)
    expect(p2.running.map((p) => p.id)).toEqual(["w3"])
    expect(p2.inProgress).toEqual([])
    expect(p2.pendingCount).toBe(0)
    expect(p2.backoff).toEqual(Option.none())
    expect(p2.isHardLimited).toBe(true)
  })

  it("matches running prebuilds on currentPresetId and ignores those without one", () => {
    const base = snapshotOf({ id: "p1", desired: 1 })
    const row = (id: string, currentPresetId: string | null) => ({
      id: WorkspaceId.make(id),
      name: id,
      templateId: TemplateId.make("t1"),
      templateVersionId: TemplateVersionId.make("v1"),
      currentPresetId: currentPresetId === null ? null : PresetId.make(currentPresetId),
      ready: true,
      createdAt: T0
    })
    const withRows: Snapshot = { ...base, running: [row("mine", "p1"), row("orphan", null), row("other", "p9")] }
    expect(sliceOf(withRows, "p1", T0).running.map((p) => p.id)).toEqual(["mine"])
  })

  it("sums the pending counts of a preset", () => {
    const base = snapshotOf({ id: "p1", activeVersion: false, desired: 1 })
    const pendingCounts = [
      { presetId: PresetId.make("p1"), count: 2 },
      { presetId: PresetId.make("p1"), count: 3 }
    ]
    expect(sliceOf({ ...base, pendingCounts }, "p1", T0).pendingCount).toBe(5)
  })

  it("presetSnapshots slices every preset in read order", () => {
    expect(presetSnapshots(snapshot, T0).map((s) => s.preset.presetId)).toEqual(["p1", "p2"])
  })

  it("splits by expiry at the instant asked for", () => {
    const expiring = snapshotOf({ id: "p1", desired: 1, ttlSeconds: 5, running: [{ id: "w1", createdAt: T0 }] })
    expect(sliceOf(expiring, "p1", at(5 * SECOND)).expired).toEqual([])
    expect(sliceOf(expiring, "p1", at(5 * SECOND + 1)).expired.map((p) => p.id)).toEqual(["w1"])
  })
})

describe("presetState (§3.5)", () => {
  it("is active only on the active version of a live, non-deprecated template", () => {
    expect(isActive(presetAt({}, T0).preset)).toBe(true)
    expect(isActive(presetAt({ activeVersion: false }, T0).preset)).toBe(false)
    expect(isActive(presetAt({ templateDeleted: true }, T0).preset)).toBe(false)
    expect(isActive(presetAt({ templateDeprecated: true }, T0).preset)).toBe(false)
  })

  it("counts only ready, non-expired prebuilds as eligible", () => {
    const slice = presetAt({
      desired: 4,
      ttlSeconds: 60,
      running: [
        { id: "ready" },
        { id: "starting-agent", ready: false },
        { id: "expired-ready", createdAt: at(-HOUR) }
      ]
    }, T0)
    expect(presetState(slice, T0, settings)).toEqual({
      actual: 3,
      expired: 1,
      desired: 4,
      eligible: 1,
      extraneous: 0,
      starting: 0,
      stopping: 0,
      deleting: 0,
      active: true
    })
  })

  it("an inactive preset wants nothing, whatever its schedules say", () => {
    const slice = presetAt({
      activeVersion: false,
      desired: 3,
      timezone: "UTC",
      schedules: [["* * * * *", 5]],
      running: ["w1", "w2"],
      stopping: 1
    }, T0)
    expect(presetState(slice, T0, settings)).toEqual({
      actual: 2,
      expired: 0,
      desired: 0,
      eligible: 0,
      extraneous: 0,
      starting: 0,
      stopping: 1,
      deleting: 0,
      active: false
    })
  })

  it("U29: S2 through the state of two presets", () => {
    const snapshot = snapshotOf(
      { id: "p1", desired: 1, timezone: "UTC", schedules: [["* 2-4 * * 1-5", 2], ["* 6-8 * * 1-5", 3]] },
      { id: "p2", desired: 1, timezone: "UTC", schedules: [["* 10-12 * * 1-5", 4], ["* 14-16 * * 1-5", 5]] }
    )
    const table: ReadonlyArray<readonly [number, number, number]> = [
      [1, 1, 1],
      [3, 2, 1],
      [7, 3, 1],
      [11, 1, 4],
      [15, 1, 5]
    ]
    for (const [hour, d1, d2] of table) {
      const now = at(hour * HOUR)
      const desired = ["p1", "p2"].map((id) => presetState(sliceOf(snapshot, id, now), now, settings).desired)
      expect(desired, `${hour}:00`).toEqual([d1, d2])
    }
  })

  it.effect("U29: S2 on TestClock", () =>
    Effect.gen(function*() {
      const snapshot = snapshotOf(
        { id: "p1", desired: 1, timezone: "UTC", schedules: [["* 2-4 * * 1-5", 2], ["* 6-8 * * 1-5", 3]] },
        { id: "p2", desired: 1, timezone: "UTC", schedules: [["* 10-12 * * 1-5", 4], ["* 14-16 * * 1-5", 5]] }
      )
      yield* TestClock.setTime(DateTime.toEpochMillis(T0))
      const observed: Array<ReadonlyArray<number>> = []
      for (const hour of [1, 3, 7, 11, 15]) {
        yield* TestClock.setTime(DateTime.toEpochMillis(at(hour * HOUR)))
        const now = yield* DateTime.now
        observed.push(["p1", "p2"].map((id) => presetState(sliceOf(snapshot, id, now), now, settings).desired))
      }
      expect(observed).toEqual([[1, 1], [2, 1], [3, 1], [1, 4], [1, 5]])
    }))

  describe("U30", () => {
    const desiredAt = (spec: PresetSpec, now: DateTime.DateTime) =>
      presetState(presetAt(spec, now), now, settings).desired

    it("S1 through the state", () => {
      const spec: PresetSpec = { desired: 1, timezone: "UTC", schedules: [["* 9-18 * * 1-5", 3]] }
      expect([9 * HOUR - 1000, 9 * HOUR, 19 * HOUR - 1000, 19 * HOUR].map((ms) => desiredAt(spec, at(ms)))).toEqual([
        1,
        3,
        3,
        1
      ])
    })

    it("S3 through the state (America/Los_Angeles, daylight saving time)", () => {
      const spec: PresetSpec = { desired: 1, timezone: "America/Los_Angeles", schedules: [["* 9-13 * * *", 3]] }
      const table: ReadonlyArray<readonly [string, number]> = [
        ["2024-07-01T15:00:00Z", 1],
        ["2024-07-01T16:00:00Z", 3],
        ["2024-07-01T20:59:00Z", 3],
        ["2024-07-01T21:00:00Z", 1]
      ]
      for (const [iso, expected] of table) expect(desiredAt(spec, DateTime.unsafeMake(iso)), iso).toBe(expected)
    })

    it("S4 through the state (now at non-UTC offsets)", () => {
      const spec: PresetSpec = { desired: 1, timezone: "UTC", schedules: [["* 9-18 * * 1-5", 3]] }
      const plus0530 = DateTime.zoneMakeOffset(5.5 * HOUR)
      const minus0800 = DateTime.zoneMakeOffset(-8 * HOUR)
      for (const zone of [plus0530, minus0800]) {
        expect(
          [9 * HOUR - 1000, 9 * HOUR, 19 * HOUR - 1000, 19 * HOUR].map((ms) =>
            desiredAt(spec, DateTime.setZone(at(ms), zone))
          )
        ).toEqual([1, 3, 3, 1])
      }
    })

    it("a daily and weekly mix: night, weekday office hours, weekend days, evenings", () => {
      const spec: PresetSpec = {
        desired: 1,
        timezone: "Europe/Berlin",
        schedules: [["* 0-6 * * *", 0], ["* 8-17 * * mon-fri", 5], ["* 9-16 * * 0,6", 2]]
      }
      // Berlin is UTC+1 in January. 2024-01-01 is a Monday, 2024-01-06 a Saturday.
      const table: ReadonlyArray<readonly [string, number]> = [
        ["2024-01-01T02:00:00Z", 0], // 03:00 Monday: night
        ["2024-01-01T06:59:59Z", 1], // 07:59 Monday: between night and office hours
        ["2024-01-01T07:00:00Z", 5], // 08:00 Monday
        ["2024-01-01T16:59:59Z", 5], // 17:59 Monday
        ["2024-01-01T17:00:00Z", 1], // 18:00 Monday
        ["2024-01-06T08:00:00Z", 2], // 09:00 Saturday
        ["2024-01-06T16:00:00Z", 1], // 17:00 Saturday
        ["2024-01-06T23:30:00Z", 0] //  00:30 Sunday: night
      ]
      for (const [iso, expected] of table) expect(desiredAt(spec, DateTime.unsafeMake(iso)), iso).toBe(expected)
    })

    it("a monthly mix: the first of the month and one month of the year", () => {
      const spec: PresetSpec = {
        desired: 2,
        timezone: "UTC",
        schedules: [["* * 1 1-11 *", 6], ["* * * 12 *", 0]]
      }
      expect(desiredAt(spec, DateTime.unsafeMake("2024-03-01T12:00:00Z"))).toBe(6)
      expect(desiredAt(spec, DateTime.unsafeMake("2024-03-02T12:00:00Z"))).toBe(2)
      expect(desiredAt(spec, DateTime.unsafeMake("2024-12-01T12:00:00Z"))).toBe(0)
      expect(desiredAt(spec, DateTime.unsafeMake("2024-12-24T12:00:00Z"))).toBe(0)
    })

    it("extraneous follows the scheduled size, not the base", () => {
      const spec: PresetSpec = {
        desired: 3,
        timezone: "UTC",
        schedules: [["* 0-5 * * *", 1]],
        running: ["w1", "w2", "w3"]
      }
      const night = presetState(presetAt(spec, at(2 * HOUR)), at(2 * HOUR), settings)
      expect(night).toMatchObject({ desired: 1, extraneous: 2 })
      const day = presetState(presetAt(spec, at(12 * HOUR)), at(12 * HOUR), settings)
      expect(day).toMatchObject({ desired: 3, extraneous: 0 })
    })
  })
})
