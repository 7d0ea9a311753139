/**
 * The demand-policy core (issue 16): desired = f(policy, inputs), table-driven; validation of
 * policies as given; the clock inputs in the preset's time zone; and the policy reaching the
 * reconciler's pure state (`PresetState`, `PresetActions.decideCreate`) through the snapshot,
 * with the instant from the TestClock.
 */
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as ClaimLog from "../src/ClaimLog.js"
import * as DemandPolicy from "../src/DemandPolicy.js"
import type { PresetId, TemplateId, TemplateVersionId } from "../src/Domain.js"
import * as PresetActions from "../src/PresetActions.js"
import * as PresetState from "../src/PresetState.js"
import * as Settings from "../src/Settings.js"
import * as Snapshot from "../src/Snapshot.js"

const inputs = (overrides: Partial<DemandPolicy.Inputs> = {}): DemandPolicy.Inputs => ({
  baseline: 1,
  claims_5m: 0,
  claims_15m: 0,
  claims_1h: 0,
  claims_24h: 0,
  misses_5m: 0,
  misses_15m: 0,
  misses_1h: 0,
  misses_24h: 0,
  hour: 12,
  weekday: 1,
  ...overrides
})

const policy = (expression: string, min = 0, max = 100): DemandPolicy.Policy => ({ expression, min, max })

describe("DemandPolicy.evaluate (desired = f(policy, inputs))", () => {
  // [case, expression, min, max, inputs, desired, fell back]
  const table: ReadonlyArray<
    readonly [string, string, number, number, Partial<DemandPolicy.Inputs>, number, boolean]
  > = [
    ["the issue's policy, no demand", "max(baseline, ceil(claims_1h / 4))", 0, 10, { baseline: 1 }, 1, false],
    ["the issue's policy, 30 claims an hour", "max(baseline, ceil(claims_1h / 4))", 0, 10, { claims_1h: 30 }, 8, false],
    ["the issue's policy, clamped to max", "max(baseline, ceil(claims_1h / 4))", 0, 10, { claims_1h: 90 }, 10, false],
    [
      "the issue's example",
      "max(baseline, ceil(claims_1h * 1.5) + misses_15m)",
      0,
      100,
      {
        baseline: 2,
        claims_1h: 3,
        misses_15m: 2
      },
      7,
      false
    ],
    ["fractions round up", "claims_1h / 3", 0, 100, { claims_1h: 7 }, 3, false],
    ["an exact integer is kept", "claims_1h / 2", 0, 100, { claims_1h: 8 }, 4, false],
    ["a tiny fraction is one prebuild", "0.01", 0, 100, {}, 1, false],
    ["negative results clamp to min", "baseline - 5", 0, 100, { baseline: 1 }, 0, false],
    ["min raises the result", "0", 2, 100, {}, 2, false],
    [
      "hour and weekday are inputs",
      "hour >= 9 && hour < 18 && weekday >= 1 && weekday <= 5 ? 5 : 1",
      0,
      100,
      {
        hour: 10,
        weekday: 3
      },
      5,
      false
    ],
    ["outside office hours", "hour >= 9 && hour < 18 ? 5 : 1", 0, 100, { hour: 20 }, 1, false],
    [
      "every window is an input",
      "claims_5m + claims_15m + claims_24h + misses_5m + misses_1h + misses_24h",
      0,
      100,
      {
        claims_5m: 1,
        claims_15m: 2,
        claims_24h: 3,
        misses_5m: 4,
        misses_1h: 5,
        misses_24h: 6
      },
      21,
      false
    ],
    ["a function error falls back", "tonumber(\"many\")", 0, 10, { baseline: 3 }, 3, true],
    ["a string falls back", "\"five\"", 0, 10, { baseline: 2 }, 2, true],
    ["a numeric string is still not a number", "\"5\"", 0, 10, { baseline: 2 }, 2, true],
    ["a bool falls back", "claims_1h > 3", 0, 10, { baseline: 2 }, 2, true],
    ["null falls back", "null", 0, 10, { baseline: 2 }, 2, true],
    ["a list falls back", "[1, 2]", 0, 10, { baseline: 2 }, 2, true],
    [
      "division by zero falls back",
      "claims_1h / (claims_5m - claims_5m)",
      0,
      10,
      { baseline: 4, claims_1h: 3 },
      4,
      true
    ],
    ["an unknown input falls back", "claims_2h", 0, 10, { baseline: 1 }, 1, true],
    ["a parse error falls back", "max(baseline,", 0, 10, { baseline: 1 }, 1, true],
    ["the fallback is the baseline, unclamped", "\"x\"", 2, 3, { baseline: 7 }, 7, true]
  ]
  for (const [name, expression, min, max, given, desired, fellBack] of table) {
    it(name, () => {
      const decision = DemandPolicy.evaluate(policy(expression, min, max), inputs(given))
      expect(decision.desired).toBe(desired)
      expect(decision.baseline).toBe(inputs(given).baseline)
      expect(decision.error !== null).toBe(fellBack)
      if (fellBack) expect(decision.value).toBeNull()
    })
  }

  it("keeps the policy's number before rounding and clamping", () => {
    expect(DemandPolicy.evaluate(policy("claims_1h * 1.5", 0, 10), inputs({ claims_1h: 9 }))).toEqual({
      desired: 10,
      baseline: 1,
      value: 13.5,
      error: null
    })
  })

  it("says why it fell back", () => {
    expect(DemandPolicy.evaluate(policy("\"five\""), inputs()).error).toBe("the policy gave a string, not a number")
    expect(DemandPolicy.evaluate(policy("claims_2h"), inputs()).error).toContain("claims_2h")
  })

  it("runs on the policy budgets: a policy past them falls back, and says which budget", () => {
    const table: ReadonlyArray<readonly [string, string, string]> = [
      [
        "steps",
        "length(flatten([for i in range(1000): [for j in range(1000): [for k in range(1000): k]]]))",
        "more than 100000 evaluation steps"
      ],
      ["string length", "length(join(\"\", [for i in range(100): format(\"%01000d\", i)]))", "more than 65536"],
      ["collection size", "length(flatten([for i in range(200): range(100)]))", "more than 10000 elements"]
    ]
    for (const [budget, expression, message] of table) {
      const decision = DemandPolicy.evaluate(policy(expression), inputs({ baseline: 4 }))
      expect({ budget, desired: decision.desired, error: decision.error }).toMatchObject({
        budget,
        desired: 4,
        error: expect.stringContaining(message)
      })
      expect(decision.error).toContain("Resource limit exceeded")
      // a policy is not a render: the message does not speak of one
      expect(decision.error).not.toContain("render")
    }
    // within them: a thousand iterations is an ordinary policy
    const sum = DemandPolicy.evaluate(policy("sum([for i in range(1000): i]) / 100000"), inputs())
    expect(sum).toMatchObject({ value: 4.995, error: null })
  })

  it("is pure: the same policy and inputs give the same decision", () => {
    const p = policy("max(baseline, ceil(claims_1h / 4)) + (weekday == 0 ? 1 : 0)", 0, 10)
    const given = inputs({ claims_1h: 17, weekday: 0 })
    const first = DemandPolicy.evaluate(p, given)
    for (let i = 0; i < 5; i++) expect(DemandPolicy.evaluate(p, given)).toEqual(first)
    expect(first.desired).toBe(6)
  })
})

describe("DemandPolicy.make (validation)", () => {
  it("defaults the bounds to 0 and 100", () => {
    expect(DemandPolicy.make({ expression: "baseline" })).toEqual(
      Either.right({ expression: "baseline", min: 0, max: 100 })
    )
  })

  // [case, input, a word of the message]
  const invalid: ReadonlyArray<readonly [string, DemandPolicy.PolicyInput, string]> = [
    ["a parse error", { expression: "max(baseline," }, "invalid policy expression"],
    ["extra characters", { expression: "baseline baseline" }, "Extra characters"],
    ["an unknown input", { expression: "max(baseline, claims_2h)" }, "claims_2h"],
    ["a var reference", { expression: "var.baseline" }, "var"],
    ["an empty expression", { expression: "  " }, "needs an expression"],
    ["min above max", { expression: "baseline", min: 5, max: 2 }, "larger than max"],
    ["a negative min", { expression: "baseline", min: -1 }, "min must be"],
    ["a fractional max", { expression: "baseline", max: 2.5 }, "max must be"],
    ["a huge max", { expression: "baseline", max: 1e9 }, "max must be"],
    ["a huge expression", { expression: `baseline${" + 1".repeat(2000)}` }, "at most"]
  ]
  for (const [name, input, word] of invalid) {
    it(`rejects ${name}`, () => {
      const result = DemandPolicy.make(input)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left._tag).toBe("InvalidPolicy")
        expect(result.left.message).toContain(word)
        expect(result.left.diagnostics.length).toBeGreaterThan(0)
      }
    })
  }

  it("gives the position of a parse error", () => {
    const result = DemandPolicy.make({ expression: "max(baseline,\n  ]" })
    expect(Either.isLeft(result) && result.left.diagnostics[0]?.line).toBe(2)
  })

  it("accepts an expression that only fails at evaluation (it falls back then)", () => {
    expect(Either.isRight(DemandPolicy.make({ expression: "tonumber(\"many\")", max: 20 }))).toBe(true)
  })
})

describe("DemandPolicy.clockInputs", () => {
  // 2024-01-01 is a Monday.
  const table: ReadonlyArray<readonly [string, string, number, number]> = [
    ["2024-01-01T10:30:00Z", "", 10, 1],
    ["2024-01-01T10:30:00Z", "UTC", 10, 1],
    ["2024-01-01T02:00:00Z", "America/Los_Angeles", 18, 0],
    ["2024-01-01T23:30:00Z", "Asia/Tokyo", 8, 2],
    ["2024-01-01T10:30:00Z", "Not/AZone", 10, 1]
  ]
  for (const [iso, zone, hour, weekday] of table) {
    it(`${iso} in ${zone === "" ? "no zone" : zone} → hour ${hour}, weekday ${weekday}`, () => {
      expect(DemandPolicy.clockInputs(DateTime.unsafeMake(iso), zone)).toEqual({ hour, weekday })
    })
  }
})

describe("ClaimLog.countClaims", () => {
  it("counts claims strictly inside each window", () => {
    const now = 10 * 24 * 3_600_000
    const minute = 60_000
    const counts = ClaimLog.countClaims("t", "p", [
      { atMillis: now, outcome: "hit" },
      { atMillis: now - 5 * minute + 1, outcome: "miss" },
      { atMillis: now - 5 * minute, outcome: "hit" },
      { atMillis: now - 59 * minute, outcome: "miss" },
      { atMillis: now - 23 * 60 * minute, outcome: "hit" },
      { atMillis: now - 24 * 60 * minute, outcome: "miss" },
      { atMillis: now + 1, outcome: "miss" }
    ], now)
    expect(counts).toEqual({
      templateName: "t",
      presetName: "p",
      claims5m: 2,
      claims15m: 3,
      claims1h: 4,
      claims24h: 5,
      misses5m: 1,
      misses15m: 1,
      misses1h: 2,
      misses24h: 2
    })
  })
})

describe("a policy in the reconciler's pure state", () => {
  const presetRow: Snapshot.PresetRow = {
    presetId: "p-1" as PresetId,
    presetName: "small",
    templateId: "t-1" as TemplateId,
    templateName: "pool",
    templateVersionId: "v-1" as TemplateVersionId,
    templateVersionName: "v1",
    organizationId: null,
    organizationName: "",
    usingActiveVersion: true,
    templateDeleted: false,
    templateDeprecated: false,
    desiredInstances: 1,
    ttlSeconds: null,
    lastInvalidatedAt: null,
    schedulingTimezone: "",
    prebuildStatus: "healthy",
    quarantineReason: null
  }
  const snapshotWith = (expression: string | null, claims1h: number): Snapshot.Snapshot => ({
    ...Snapshot.empty,
    presets: [presetRow],
    policies: expression === null ? [] : [{
      templateName: "pool",
      presetName: "small",
      expression,
      min: 0,
      max: 10,
      updatedAt: DateTime.unsafeMake(0)
    }],
    demand: [{ ...ClaimLog.noClaims("pool", "small"), claims1h, claims24h: claims1h }]
  })
  const sliceAt = (snapshot: Snapshot.Snapshot, now: DateTime.Utc) =>
    Option.getOrThrow(Snapshot.filterByPreset(snapshot, presetRow.presetId, now))

  it.effect("desired follows the policy; creates are capped by it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.unsafeMake("2024-01-01T09:00:00Z")))
      const now = yield* DateTime.now
      const slice = sliceAt(snapshotWith("max(baseline, ceil(claims_1h / 4))", 30), now)
      expect(PresetState.presetState(slice, now).desired).toBe(8)
      const decision = PresetActions.decideCreate(slice, 20, now)
      expect(decision._tag === "Proceed" && decision.count).toBe(8)
      expect(PresetActions.presetActions(slice, now, Settings.defaults)).toEqual([
        PresetActions.Action.Create({ count: 8 })
      ])
    }))

  it.effect("no policy: desired is the baseline", () =>
    Effect.gen(function*() {
      const now = yield* DateTime.now
      expect(PresetState.presetState(sliceAt(snapshotWith(null, 30), now), now).desired).toBe(1)
    }))

  it.effect("a policy that errors falls back to the baseline", () =>
    Effect.gen(function*() {
      const now = yield* DateTime.now
      const slice = sliceAt(snapshotWith("tonumber(\"many\")", 30), now)
      expect(PresetState.presetState(slice, now).desired).toBe(1)
      expect(PresetState.desiredAt(slice, now).error).toContain("cannot convert \"many\" to number")
    }))

  it.effect("hour follows the TestClock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(DateTime.toEpochMillis(DateTime.unsafeMake("2024-01-01T08:00:00Z")))
      const snapshot = snapshotWith("hour >= 9 ? 4 : 1", 0)
      const before = yield* DateTime.now
      expect(PresetState.presetState(sliceAt(snapshot, before), before).desired).toBe(1)
      yield* TestClock.adjust("1 hour")
      const after = yield* DateTime.now
      expect(PresetState.presetState(sliceAt(snapshot, after), after).desired).toBe(4)
    }))
})
