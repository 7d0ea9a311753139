// Section numbers (§) in this file refer to docs/prebuilds.md.
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as TestClock from "effect/TestClock"
import * as fc from "fast-check"
import type { WorkspaceId } from "../src/Domain.js"
import { PresetId } from "../src/Domain.js"
import type { Action } from "../src/PresetActions.js"
import {
  Action as A,
  backoffInForce,
  backoffUntil,
  canSkip,
  CreateDecision,
  decideCreate,
  derive,
  isNoop,
  presetActions
} from "../src/PresetActions.js"
import type { PresetState } from "../src/PresetState.js"
import type { BackoffRow, PresetSnapshot } from "../src/Snapshot.js"
import type { PresetSpec } from "./utils/scenario.js"
import { at, HOUR, ids, MINUTE, presetAt, SECOND, settings, sliceOf, snapshotOf, T0 } from "./utils/scenario.js"

interface Expected {
  readonly state?: Partial<PresetState>
  readonly actions: ReadonlyArray<Action>
}

interface Case {
  readonly id: string
  readonly given: ReadonlyArray<PresetSpec>
  readonly expected: Readonly<Record<string, Expected>>
}

const zeroState = {
  actual: 0,
  expired: 0,
  desired: 0,
  eligible: 0,
  extraneous: 0,
  starting: 0,
  stopping: 0,
  deleting: 0
}

// Five prebuilds created one minute apart, listed newest first so that ordering is tested.
const fiveRunning = [
  { id: "w5", createdAt: at(-1 * MINUTE) },
  { id: "w4", createdAt: at(-2 * MINUTE) },
  { id: "w3", createdAt: at(-3 * MINUTE) },
  { id: "w2", createdAt: at(-4 * MINUTE) },
  { id: "w1", createdAt: at(-5 * MINUTE) }
]

const ttl = 5
const fresh = (id: string) => ({ id, createdAt: at(-ttl * SECOND) }) // exactly TTL old: not expired
const stale = (id: string, extraMillis = 1) => ({ id, createdAt: at(-ttl * SECOND - extraMillis) }) // just past

const cases: ReadonlyArray<Case> = [
  { id: "U1", given: [{ desired: 0 }], expected: { p1: { state: { ...zeroState, active: true }, actions: [] } } },
  {
    id: "U2",
    given: [{ desired: 1 }],
    expected: { p1: { state: { ...zeroState, desired: 1 }, actions: [A.Create({ count: 1 })] } }
  },
  {
    id: "U3",
    given: [
      { id: "old", version: "v1", activeVersion: false, desired: 1, running: ["w1"] },
      { id: "new", version: "v2", desired: 1 }
    ],
    expected: {
      old: { state: { actual: 1, desired: 0, active: false }, actions: [A.Delete({ ids: ids("w1") })] },
      new: { state: { actual: 0, desired: 1, active: true }, actions: [A.Create({ count: 1 })] }
    }
  },
  {
    id: "U4",
    given: [{ activeVersion: false, desired: 1, running: ["w1"], deleting: 1 }],
    expected: { p1: { state: { actual: 1, deleting: 1, desired: 0 }, actions: [A.Delete({ ids: ids("w1") })] } }
  },
  {
    id: "U5",
    given: [{ activeVersion: false, desired: 1, pending: 2 }],
    expected: { p1: { state: { actual: 0 }, actions: [A.CancelPending()] } }
  },
  {
    id: "U6",
    given: [{ desired: 0, pending: 2 }],
    expected: { p1: { state: { ...zeroState, active: true }, actions: [] } }
  },
  {
    id: "U6 (the pending creates also counted as starting)",
    given: [{ desired: 2, pending: 2, starting: 2 }],
    expected: { p1: { state: { desired: 2, starting: 2 }, actions: [] } }
  },
  {
    id: "U7",
    given: [{ desired: 1, starting: 1 }],
    expected: { p1: { state: { actual: 0, desired: 1, starting: 1 }, actions: [] } }
  },
  {
    id: "U8",
    given: [{ desired: 2, running: ["w1"], starting: 1 }],
    expected: { p1: { state: { actual: 1, desired: 2, starting: 1 }, actions: [] } }
  },
  {
    id: "U9",
    given: [{ desired: 2, running: ["w1", "w2"], starting: 1 }],
    expected: { p1: { state: { actual: 2, desired: 2, starting: 1, extraneous: 0 }, actions: [] } }
  },
  {
    id: "U10",
    given: [{ desired: 1, stopping: 1 }],
    expected: { p1: { state: { actual: 0, stopping: 1 }, actions: [A.Create({ count: 1 })] } }
  },
  {
    id: "U11",
    given: [{ desired: 3, running: ["w1", "w2"], stopping: 1 }],
    expected: { p1: { state: { actual: 2, stopping: 1 }, actions: [A.Create({ count: 1 })] } }
  },
  {
    id: "U12",
    given: [{ desired: 3, running: ["w1", "w2", "w3"], stopping: 1 }],
    expected: { p1: { state: { actual: 3, stopping: 1 }, actions: [] } }
  },
  {
    id: "U13",
    given: [{ desired: 1, deleting: 1 }],
    expected: { p1: { state: { actual: 0, deleting: 1 }, actions: [A.Create({ count: 1 })] } }
  },
  {
    id: "U14",
    given: [{ desired: 2, running: ["w1"], deleting: 1 }],
    expected: { p1: { state: { actual: 1, deleting: 1 }, actions: [A.Create({ count: 1 })] } }
  },
  {
    id: "U15",
    given: [{ desired: 2, running: ["w1", "w2"], deleting: 1 }],
    expected: { p1: { state: { actual: 2, deleting: 1 }, actions: [] } }
  },
  {
    id: "U16",
    given: [{ desired: 3, running: ["w1"], starting: 2 }],
    expected: { p1: { state: { actual: 1, desired: 3, starting: 2 }, actions: [] } }
  },
  {
    id: "U17",
    given: [{ desired: 3, running: fiveRunning, deleting: 2 }],
    expected: {
      p1: {
        state: { actual: 5, desired: 3, extraneous: 2, deleting: 2 },
        actions: [A.Delete({ ids: ids("w1", "w2") })]
      }
    }
  },
  {
    id: "U18",
    given: [{ desired: 1, running: [{ id: "w-new" }, { id: "w-old", createdAt: at(-HOUR) }] }],
    expected: {
      p1: { state: { actual: 2, desired: 1, extraneous: 1, eligible: 2 }, actions: [A.Delete({ ids: ids("w-old") })] }
    }
  },
  {
    id: "U19",
    given: [{ desired: 2, ttlSeconds: ttl, running: [fresh("w1"), { id: "w2" }] }],
    expected: { p1: { state: { actual: 2, expired: 0, eligible: 2 }, actions: [] } }
  },
  {
    id: "U20",
    given: [{ desired: 2, ttlSeconds: ttl, running: [stale("w1"), { id: "w2" }] }],
    expected: {
      p1: {
        state: { actual: 2, expired: 1, eligible: 1, extraneous: 0 },
        actions: [A.Delete({ ids: ids("w1") }), A.Create({ count: 1 })]
      }
    }
  },
  {
    id: "U21",
    given: [{ desired: 2, ttlSeconds: ttl, running: [stale("w2"), stale("w1", 1000)] }],
    expected: {
      p1: {
        state: { actual: 2, expired: 2, eligible: 0 },
        actions: [A.Delete({ ids: ids("w1", "w2") }), A.Create({ count: 2 })]
      }
    }
  },
  {
    id: "U22",
    given: [{ desired: 2, ttlSeconds: ttl, running: [stale("w1"), stale("w2"), fresh("w3"), { id: "w4" }] }],
    expected: {
      p1: { state: { actual: 4, expired: 2, extraneous: 0 }, actions: [A.Delete({ ids: ids("w1", "w2") })] }
    }
  },
  {
    id: "U23",
    given: [{ desired: 2, ttlSeconds: ttl, running: [{ id: "w4" }, stale("w1"), fresh("w2"), { id: "w3" }] }],
    expected: {
      p1: {
        state: { actual: 4, expired: 1, extraneous: 1 },
        actions: [A.Delete({ ids: ids("w1") }), A.Delete({ ids: ids("w2") })]
      }
    }
  },
  {
    id: "U24",
    given: [{
      desired: 2,
      lastInvalidatedAt: at(-SECOND),
      running: [{ id: "w1", createdAt: at(-2 * MINUTE) }, { id: "w2", createdAt: at(-MINUTE) }]
    }],
    expected: {
      p1: {
        state: { actual: 2, expired: 2, eligible: 0 },
        actions: [A.Delete({ ids: ids("w1", "w2") }), A.Create({ count: 2 })]
      }
    }
  },
  {
    id: "U25",
    given: [{
      desired: 2,
      lastInvalidatedAt: at(-MINUTE),
      running: [{ id: "w-before", createdAt: at(-2 * MINUTE) }, { id: "w-after", createdAt: at(-30 * SECOND) }]
    }],
    expected: {
      p1: {
        state: { actual: 2, expired: 1, eligible: 1 },
        actions: [A.Delete({ ids: ids("w-before") }), A.Create({ count: 1 })]
      }
    }
  },
  {
    id: "U26",
    given: [{ templateDeprecated: true, desired: 1, running: ["w1"] }],
    expected: { p1: { state: { actual: 1, desired: 0, active: false }, actions: [A.Delete({ ids: ids("w1") })] } }
  },
  {
    id: "U28",
    given: [{ desired: 1, starting: 1 }, { desired: 1 }],
    expected: {
      p1: { state: { starting: 1 }, actions: [] },
      p2: { state: { starting: 0 }, actions: [A.Create({ count: 1 })] }
    }
  },
  {
    id: "W1",
    given: [{
      activeVersion: false,
      desired: 2,
      ttlSeconds: ttl,
      running: [{ id: "w-running" }, stale("w-expired")]
    }],
    expected: {
      p1: { state: { actual: 2, expired: 1 }, actions: [A.Delete({ ids: ids("w-expired", "w-running") })] }
    }
  },
  {
    id: "W2",
    given: [{ desired: 1, backoff: { numFailed: 1, lastBuildAt: at(-5 * SECOND) } }],
    expected: { p1: { actions: [A.Backoff({ until: T0 })] } }
  },
  {
    id: "W3",
    given: [{
      activeVersion: false,
      desired: 1,
      running: ["w1"],
      pending: 1,
      backoff: { numFailed: 2, lastBuildAt: at(-SECOND) }
    }],
    expected: { p1: { actions: [A.Backoff({ until: at(9 * SECOND) })] } }
  },
  {
    id: "W5",
    given: [{ desired: 2, status: "validation_failed", ttlSeconds: ttl, running: [stale("w1")] }],
    expected: {
      p1: { state: { actual: 1, expired: 1 }, actions: [A.Delete({ ids: ids("w1") }), A.Create({ count: 2 })] }
    }
  }
]

describe("presetState and presetActions (§9.1)", () => {
  for (const scenario of cases) {
    it.effect(scenario.id, () =>
      Effect.gen(function*() {
        yield* TestClock.setTime(DateTime.toEpochMillis(T0))
        const now = yield* DateTime.now
        const snapshot = snapshotOf(...scenario.given)
        for (const [presetId, expected] of Object.entries(scenario.expected)) {
          const { actions, state } = derive(sliceOf(snapshot, presetId, now), now, settings)
          if (expected.state !== undefined) expect(state).toMatchObject(expected.state)
          expect(actions).toEqual(expected.actions)
        }
      }))
  }

  it.effect("U27", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(DateTime.toEpochMillis(T0))
      const start = yield* DateTime.now
      const snapshot = snapshotOf(
        { id: "failing", desired: 1, backoff: { numFailed: 1, lastBuildAt: start } },
        { id: "healthy", desired: 1, running: ["w1"] }
      )
      const actionsNow = (presetId: string) =>
        Effect.map(DateTime.now, (now) => presetActions(sliceOf(snapshot, presetId, now), now, settings))

      expect(yield* actionsNow("failing")).toEqual([A.Backoff({ until: at(5 * SECOND) })])
      expect(yield* actionsNow("healthy")).toEqual([])

      yield* TestClock.adjust(Duration.seconds(5))
      expect(yield* actionsNow("failing")).toEqual([A.Backoff({ until: at(5 * SECOND) })])

      yield* TestClock.adjust(Duration.millis(1))
      expect(yield* actionsNow("failing")).toEqual([A.Create({ count: 1 })])
      expect(yield* actionsNow("healthy")).toEqual([])
    }))

  it.effect("W4", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(DateTime.toEpochMillis(T0))
      const snapshot = snapshotOf({ desired: 1, ttlSeconds: ttl, running: [{ id: "w1", createdAt: T0 }] })
      const current = Effect.map(DateTime.now, (now) => derive(sliceOf(snapshot, "p1", now), now, settings))

      yield* TestClock.adjust(Duration.seconds(ttl))
      const atTtl = yield* current
      expect(atTtl.state).toMatchObject({ actual: 1, expired: 0, eligible: 1 })
      expect(atTtl.actions).toEqual([])

      yield* TestClock.adjust(Duration.millis(1))
      const justPast = yield* current
      expect(justPast.state).toMatchObject({ actual: 1, expired: 1, eligible: 0 })
      expect(justPast.actions).toEqual([A.Delete({ ids: ids("w1") }), A.Create({ count: 1 })])
    }))

  it("W5: the create is skipped, the delete still runs", () => {
    const slice = presetAt({ desired: 2, status: "validation_failed", ttlSeconds: ttl, running: [stale("w1")] }, T0)
    const actions = presetActions(slice, T0, settings)
    expect(actions).toContainEqual(A.Delete({ ids: ids("w1") }))
    const decisions = actions.flatMap((action) =>
      action._tag === "Create" ? [decideCreate(slice, action.count, T0)] : []
    )
    expect(decisions).toEqual([CreateDecision.SkipValidationFailed({ requested: 2, capped: false })])
  })
})

describe("decideCreate (§3.8)", () => {
  it("proceeds with the requested count within the pool size", () => {
    expect(decideCreate(presetAt({ desired: 2 }, T0), 2, T0)).toEqual(
      CreateDecision.Proceed({ count: 2, requested: 2, capped: false })
    )
  })

  it("caps a request above the pool size", () => {
    expect(decideCreate(presetAt({ desired: 2 }, T0), 5, T0)).toEqual(
      CreateDecision.Proceed({ count: 2, requested: 5, capped: true })
    )
  })

  it("caps against the scheduled pool size, not the base", () => {
    const slice = presetAt({ desired: 1, timezone: "UTC", schedules: [["* 0-1 * * *", 4]] }, T0)
    expect(decideCreate(slice, 5, T0)).toEqual(CreateDecision.Proceed({ count: 4, requested: 5, capped: true }))
  })

  it("skips a hard-limited preset", () => {
    expect(decideCreate(presetAt({ desired: 2, hardLimited: true }, T0), 2, T0)).toEqual(
      CreateDecision.SkipHardLimited({ requested: 2, capped: false })
    )
  })

  it("skips a preset whose validation failed, even when hard-limited is not set", () => {
    expect(decideCreate(presetAt({ desired: 1, status: "validation_failed" }, T0), 3, T0)).toEqual(
      CreateDecision.SkipValidationFailed({ requested: 3, capped: true })
    )
  })

  it("a hard-limited preset keeps deleting and cancelling (§3.10)", () => {
    const slice = presetAt({ activeVersion: false, desired: 1, running: ["w1"], pending: 1, hardLimited: true }, T0)
    expect(presetActions(slice, T0, settings)).toEqual([A.CancelPending(), A.Delete({ ids: ids("w1") })])
  })
})

describe("backoff (§3.9)", () => {
  const row = (numFailed: number, lastBuildAt = T0): BackoffRow => ({
    presetId: PresetId.make("p1"),
    numFailed,
    lastBuildAt
  })

  it("is linear in the number of failures", () => {
    expect(backoffUntil(row(1), settings)).toEqual(Option.some(at(5 * SECOND)))
    expect(backoffUntil(row(3), settings)).toEqual(Option.some(at(15 * SECOND)))
  })

  it("has no end without failures", () => {
    expect(backoffUntil(row(0), settings)).toEqual(Option.none())
    const slice = presetAt({ desired: 1, backoff: { numFailed: 0, lastBuildAt: T0 } }, T0)
    expect(backoffInForce(slice, T0, settings)).toEqual(Option.none())
    expect(presetActions(slice, T0, settings)).toEqual([A.Create({ count: 1 })])
  })

  it("uses the configured interval", () => {
    const oneMinute = { ...settings, backoffInterval: Duration.minutes(1) }
    expect(backoffUntil(row(2), oneMinute)).toEqual(Option.some(at(2 * MINUTE)))
  })

  it("is in force up to and including until, not after", () => {
    const slice = presetAt({ desired: 1, backoff: { numFailed: 2, lastBuildAt: T0 } }, T0)
    expect(backoffInForce(slice, at(10 * SECOND), settings)).toEqual(Option.some(at(10 * SECOND)))
    expect(backoffInForce(slice, at(10 * SECOND + 1), settings)).toEqual(Option.none())
  })
})

describe("isNoop (§3.6)", () => {
  it("classifies every action", () => {
    expect(isNoop(A.Create({ count: 0 }))).toBe(true)
    expect(isNoop(A.Create({ count: 1 }))).toBe(false)
    expect(isNoop(A.Delete({ ids: [] }))).toBe(true)
    expect(isNoop(A.Delete({ ids: ids("w1") }))).toBe(false)
    expect(isNoop(A.CancelPending())).toBe(false)
    expect(isNoop(A.Backoff({ until: T0 }))).toBe(false)
  })
})

describe("canSkip (§3.7)", () => {
  const skipCases: ReadonlyArray<readonly [string, PresetSpec, boolean]> = [
    ["inactive version, nothing to drain", { activeVersion: false, desired: 1 }, true],
    ["deleted template, nothing to drain", { templateDeleted: true, desired: 1 }, true],
    ["deprecated template, nothing to drain", { templateDeprecated: true, desired: 1 }, true],
    ["inactive and hard-limited, nothing to drain", { activeVersion: false, desired: 1, hardLimited: true }, true],
    ["inactive with a running prebuild", { activeVersion: false, desired: 1, running: ["w1"] }, false],
    ["inactive with pending creates", { activeVersion: false, desired: 1, pending: 1 }, false],
    [
      "inactive with a backoff row",
      { activeVersion: false, desired: 1, backoff: { numFailed: 1, lastBuildAt: at(-HOUR) } },
      false
    ],
    ["active with nothing to do", { desired: 0 }, false],
    ["active with work to do", { desired: 1 }, false],
    ["active and hard-limited", { desired: 1, hardLimited: true }, false]
  ]

  skipCases.forEach(([name, spec, skip], i) => {
    it(`U31 case ${i + 1}: ${name} → ${skip ? "skip" : "no skip"}`, () => {
      const slice = presetAt(spec, T0)
      expect(canSkip(slice)).toBe(skip)
      if (skip) expect(presetActions(slice, T0, settings).every(isNoop)).toBe(true)
    })
  })

  it("U31: inactive with only expired prebuilds is not skipped", () => {
    const slice = presetAt({ activeVersion: false, desired: 1, ttlSeconds: ttl, running: [stale("w1")] }, T0)
    expect(slice.expired.length).toBe(1)
    expect(canSkip(slice)).toBe(false)
  })
})

// ---------------------------------------------------------------------------
// Properties over random preset slices
// ---------------------------------------------------------------------------

const arbitrarySlice: fc.Arbitrary<{ slice: PresetSnapshot; now: DateTime.Utc }> = fc.record({
  activeVersion: fc.boolean(),
  templateDeleted: fc.boolean(),
  templateDeprecated: fc.boolean(),
  desired: fc.nat(6),
  ttlSeconds: fc.option(fc.nat(120), { nil: null }),
  invalidatedAgo: fc.option(fc.nat(600), { nil: null }),
  status: fc.constantFrom("healthy" as const, "hard_limited" as const, "validation_failed" as const),
  running: fc.array(fc.record({ ageSeconds: fc.nat(600), ready: fc.boolean() }), { maxLength: 8 }),
  starting: fc.nat(3),
  stopping: fc.nat(3),
  deleting: fc.nat(3),
  pending: fc.nat(3),
  backoff: fc.option(fc.record({ numFailed: fc.nat(4), agoSeconds: fc.nat(60) }), { nil: null }),
  hardLimited: fc.boolean(),
  nowOffsetSeconds: fc.nat(3600)
}).map((r) => {
  const now = at(r.nowOffsetSeconds * SECOND)
  const before = (seconds: number) => DateTime.subtract(now, { seconds })
  const spec: PresetSpec = {
    activeVersion: r.activeVersion,
    templateDeleted: r.templateDeleted,
    templateDeprecated: r.templateDeprecated,
    desired: r.desired,
    ttlSeconds: r.ttlSeconds,
    lastInvalidatedAt: r.invalidatedAgo === null ? null : before(r.invalidatedAgo),
    status: r.status,
    running: r.running.map((p, i) => ({ id: `w${i}`, createdAt: before(p.ageSeconds), ready: p.ready })),
    starting: r.starting,
    stopping: r.stopping,
    deleting: r.deleting,
    pending: r.pending,
    ...(r.backoff === null
      ? {}
      : { backoff: { numFailed: r.backoff.numFailed, lastBuildAt: before(r.backoff.agoSeconds) } }),
    hardLimited: r.hardLimited
  }
  return { slice: presetAt(spec, now), now }
})

describe("properties of presetActions", () => {
  it("U31: canSkip ⇒ every action is a no-op", () => {
    fc.assert(
      fc.property(arbitrarySlice, ({ now, slice }) => {
        if (canSkip(slice)) {
          expect(presetActions(slice, now, settings).every(isNoop)).toBe(true)
        }
      }),
      { numRuns: 2000 }
    )
  })

  it("never emits a no-op action", () => {
    fc.assert(
      fc.property(arbitrarySlice, ({ now, slice }) => {
        expect(presetActions(slice, now, settings).some(isNoop)).toBe(false)
      }),
      { numRuns: 500 }
    )
  })

  it("a backoff in force yields exactly one Backoff", () => {
    fc.assert(
      fc.property(arbitrarySlice, ({ now, slice }) => {
        const actions = presetActions(slice, now, settings)
        const backoff = backoffInForce(slice, now, settings)
        if (Option.isSome(backoff)) expect(actions).toEqual([A.Backoff({ until: backoff.value })])
        else expect(actions.some((action) => action._tag === "Backoff")).toBe(false)
      }),
      { numRuns: 500 }
    )
  })

  it("inactive presets never create; active presets never cancel", () => {
    fc.assert(
      fc.property(arbitrarySlice, ({ now, slice }) => {
        const { actions, state } = derive(slice, now, settings)
        const tags = actions.map((action) => action._tag)
        if (state.active) expect(tags).not.toContain("CancelPending")
        else expect(tags).not.toContain("Create")
      }),
      { numRuns: 500 }
    )
  })

  it("deletes are disjoint, drawn from the preset's prebuilds, and leave the pool at or above desired", () => {
    fc.assert(
      fc.property(arbitrarySlice, ({ now, slice }) => {
        const { actions, state } = derive(slice, now, settings)
        const deleted = actions.flatMap((action) => action._tag === "Delete" ? action.ids : [])
        const own = new Set<WorkspaceId>([...slice.running, ...slice.expired].map((p) => p.id))
        expect(new Set(deleted).size).toBe(deleted.length)
        for (const id of deleted) expect(own.has(id)).toBe(true)
        if (state.active) {
          const created = actions.reduce((n, action) => action._tag === "Create" ? n + action.count : n, 0)
          const kept = state.actual - deleted.length
          const backoff = Option.isSome(backoffInForce(slice, now, settings))
          if (!backoff) {
            expect(kept + state.starting + created).toBeGreaterThanOrEqual(state.desired)
            expect(kept).toBe(Math.min(slice.running.length, state.desired))
            expect(deleted.length).toBe(state.expired + state.extraneous)
          }
        }
      }),
      { numRuns: 500 }
    )
  })
})
