import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Option from "effect/Option"
import { canFill, names, poolState, type PoolStateName } from "../src/PoolState.js"
import * as PresetActions from "../src/PresetActions.js"
import * as Quarantine from "../src/Quarantine.js"
import type { PresetSpec } from "./utils/scenario.js"
import { at, presetAt, SECOND, settings, T0 } from "./utils/scenario.js"

// settings: backoff interval 5 s, hard limit 3.
const failedAt = (offset: number, numFailed = 1) => ({ numFailed, lastBuildAt: at(offset) })

interface Row {
  readonly name: string
  readonly spec: PresetSpec
  readonly paused?: boolean
  readonly state: PoolStateName
}

const table: ReadonlyArray<Row> = [
  { name: "nothing running, two wanted", spec: { desired: 2 }, state: "filling" },
  { name: "creates in flight", spec: { desired: 2, starting: 2 }, state: "filling" },
  { name: "running but not ready", spec: { desired: 1, running: [{ id: "w1", ready: false }] }, state: "filling" },
  { name: "every desired prebuild claimable", spec: { desired: 2, running: ["w1", "w2"] }, state: "ready" },
  { name: "an empty pool wanted empty", spec: { desired: 0 }, state: "ready" },
  {
    name: "a failure 1 s ago: backoff in force",
    spec: { desired: 2, backoff: failedAt(-SECOND) },
    state: "backing_off"
  },
  { name: "a backoff that ended", spec: { desired: 2, backoff: failedAt(-6 * SECOND) }, state: "filling" },
  {
    name: "backoff with a full pool still says backing_off",
    spec: { desired: 1, running: ["w1"], backoff: failedAt(0) },
    state: "backing_off"
  },
  {
    name: "hard limit (read 7)",
    spec: { desired: 2, hardLimited: true, backoff: failedAt(0, 3) },
    state: "hard_limited"
  },
  { name: "validation failed", spec: { desired: 2, status: "validation_failed" }, state: "validation_failed" },
  {
    name: "validation failed beats the hard limit",
    spec: { desired: 2, status: "validation_failed", hardLimited: true },
    state: "validation_failed"
  },
  {
    name: "quarantined version",
    spec: { desired: 2, quarantineReason: "render deadline exceeded" },
    state: "quarantined"
  },
  {
    name: "quarantine beats the hard limit and the backoff",
    spec: { desired: 2, quarantineReason: "x", hardLimited: true, backoff: failedAt(0) },
    state: "quarantined"
  },
  { name: "paused", spec: { desired: 2 }, paused: true, state: "paused" },
  { name: "paused beats backoff", spec: { desired: 2, backoff: failedAt(0) }, paused: true, state: "paused" },
  { name: "hard limit beats paused", spec: { desired: 2, hardLimited: true }, paused: true, state: "hard_limited" },
  { name: "deleted template", spec: { desired: 2, templateDeleted: true, running: ["w1"] }, state: "template_deleted" },
  {
    name: "deleted beats everything",
    spec: { desired: 2, templateDeleted: true, status: "validation_failed", quarantineReason: "x" },
    paused: true,
    state: "template_deleted"
  },
  { name: "outdated version", spec: { desired: 2, activeVersion: false, running: ["w1"] }, state: "draining" },
  { name: "deprecated template", spec: { desired: 2, templateDeprecated: true }, state: "draining" },
  {
    name: "a persisted hard_limited status without read 7 does not block",
    spec: { desired: 1, status: "hard_limited" },
    state: "filling"
  }
]

describe("PoolState.poolState", () => {
  it.each(table)("$name → $state", ({ paused, spec, state }) => {
    expect(poolState(presetAt(spec, T0), T0, settings, paused ?? false).state).toBe(state)
  })

  it("every state appears in the table", () => {
    expect(new Set(table.map((row) => row.state))).toEqual(new Set(names))
  })

  it("backing_off carries its end and the failures counted; other states carry none", () => {
    const backing = poolState(presetAt({ desired: 1, backoff: failedAt(0, 2) }, T0), T0, settings, false)
    expect(backing).toMatchObject({ state: "backing_off", failedBuilds: 2, quarantineReason: null })
    // 2 failures × 5 s after the last build.
    expect(DateTime.formatIso(backing.backingOffUntil!)).toBe("2024-01-01T00:00:10.000Z")
    const limited = poolState(
      presetAt({ desired: 1, hardLimited: true, backoff: failedAt(0) }, T0),
      T0,
      settings,
      false
    )
    expect(limited).toMatchObject({ state: "hard_limited", backingOffUntil: null, failedBuilds: 0 })
  })

  it("the backoff boundary is inclusive, as for the actions", () => {
    const spec: PresetSpec = { desired: 1, backoff: failedAt(0) }
    expect(poolState(presetAt(spec, at(5 * SECOND)), at(5 * SECOND), settings, false).state).toBe("backing_off")
    expect(poolState(presetAt(spec, at(5 * SECOND + 1)), at(5 * SECOND + 1), settings, false).state).toBe("filling")
  })

  it("backing_off agrees with the actions' Backoff", () => {
    for (const row of table) {
      const slice = presetAt(row.spec, T0)
      const state = poolState(slice, T0, settings, false).state
      if (state === "backing_off") {
        expect(Option.isSome(PresetActions.backoffInForce(slice, T0, settings))).toBe(true)
      }
    }
  })

  it("a quarantined state keeps its reason", () => {
    const state = poolState(
      presetAt({ desired: 1, quarantineReason: "evaluation budget exceeded" }, T0),
      T0,
      settings,
      false
    )
    expect(state.quarantineReason).toBe("evaluation budget exceeded")
    expect(state.canFill).toBe(false)
  })

  it.each<[PoolStateName, boolean]>([
    ["filling", true],
    ["ready", true],
    ["backing_off", true],
    ["paused", true],
    ["hard_limited", false],
    ["validation_failed", false],
    ["quarantined", false],
    ["template_deleted", false],
    ["draining", false]
  ])("canFill(%s) = %s", (state, expected) => {
    expect(canFill(state)).toBe(expected)
  })
})

describe("PresetActions.decideCreate with a quarantined version", () => {
  it("skips the create with the reason (zero renders)", () => {
    const slice = presetAt({ desired: 2, quarantineReason: "render deadline exceeded" }, T0)
    expect(PresetActions.decideCreate(slice, 2, T0)).toMatchObject({
      _tag: "SkipQuarantined",
      reason: "render deadline exceeded"
    })
  })
})

describe("Quarantine.overrunReason", () => {
  it.each<[string, string | undefined, string | null]>([
    ["RenderTimeout", "render exceeded 2s", "render deadline exceeded: render exceeded 2s"],
    ["RenderResourceExhausted", "", "render memory limit exceeded"],
    ["RenderLimitExceeded", "instances: 10001 > 10000", "evaluation budget exceeded: instances: 10001 > 10000"],
    ["RenderCrashed", "boom", null],
    ["ParameterValidationError", "bad", null],
    ["TemplateNotFound", undefined, null]
  ])("%s → %s", (tag, message, expected) => {
    const error = message === undefined ? { _tag: tag } : { _tag: tag, message }
    expect(Option.getOrNull(Quarantine.overrunReason(error))).toBe(expected)
  })

  it("long messages are cut", () => {
    const error: { readonly _tag: string; readonly message: string } = {
      _tag: "RenderTimeout",
      message: "x".repeat(10_000)
    }
    const reason = Option.getOrThrow(Quarantine.overrunReason(error))
    expect(reason.length).toBeLessThan(400)
  })

  it("the threshold defaults to 3 and is at least 1", () => {
    expect(Quarantine.thresholdOf(settings)).toBe(3)
    expect(Quarantine.thresholdOf({ ...settings, quarantineThreshold: 0 })).toBe(1)
  })
})
