/**
 * The claim log and the demand policies in the store (issue 16, migration `0004_claims_demand`)
 * on every backend: claims recorded with their instant, template, preset and version; counts
 * per window at the snapshot's instant; pruning; policies set, replaced, listed, removed, kept
 * across a reopen, and carried into the reconciler's snapshot; and claims through the `Claims`
 * service recorded as hits and misses.
 */
import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ClaimLog from "../src/ClaimLog.js"
import type * as DemandPolicy from "../src/DemandPolicy.js"
import type { TemplateId, TemplateVersionId } from "../src/Domain.js"
import * as Migrations from "../src/Migrations.js"
import * as Snapshot from "../src/Snapshot.js"
import * as Store from "../src/Store.js"
import { describeEachBackend, onFresh, TestDatabase } from "./utils/storeBackends.js"
import { at, HOUR, importTemplate, MINUTE, presetImport, snapshotAt } from "./utils/storeFixtures.js"

const claimAt = (
  offset: number,
  outcome: ClaimLog.ClaimOutcome,
  presetName = "p",
  templateName = "demand",
  ids: { readonly templateId: TemplateId; readonly versionId: TemplateVersionId } = {
    templateId: "t-1" as TemplateId,
    versionId: "v-1" as TemplateVersionId
  }
): ClaimLog.ClaimRecord => ({
  at: at(offset),
  templateId: ids.templateId,
  templateName,
  presetName,
  templateVersionId: ids.versionId,
  outcome
})

const policy = (expression: string, min = 0, max = 100): DemandPolicy.Policy => ({ expression, min, max })

describeEachBackend("Store demand: claim log and policies (issue 16)", (backend) => {
  const fresh = onFresh(backend)

  it.effect("migration 0004_claims_demand is applied", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      expect(Object.keys(Migrations.migrations)).toContain("0004_claims_demand")
      expect(yield* store.migrationsApplied).toBe(true)
    })))

  it.effect("records claims with instant, template, preset, version and outcome, newest first", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.recordClaim(claimAt(1 * MINUTE, "hit"))
      yield* store.recordClaim(claimAt(2 * MINUTE, "miss"))
      yield* store.recordClaim(claimAt(3 * MINUTE, "hit", "q"))
      const all = yield* store.listClaims()
      expect(all).toEqual([claimAt(3 * MINUTE, "hit", "q"), claimAt(2 * MINUTE, "miss"), claimAt(1 * MINUTE, "hit")])
      expect(yield* store.listClaims({ templateName: "demand", presetName: "p", limit: 1 })).toEqual([
        claimAt(2 * MINUTE, "miss")
      ])
      expect(yield* store.listClaims({ templateName: "other" })).toEqual([])
    })))

  it.effect("counts claims and misses per preset over 5 min, 15 min, 1 h and 24 h", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const now = 30 * HOUR
      const offsets: ReadonlyArray<readonly [number, ClaimLog.ClaimOutcome]> = [
        [now, "hit"],
        [now - 4 * MINUTE, "miss"],
        [now - 5 * MINUTE, "hit"],
        [now - 14 * MINUTE, "miss"],
        [now - 59 * MINUTE, "hit"],
        [now - 2 * HOUR, "miss"],
        [now - 24 * HOUR, "miss"],
        [now - 25 * HOUR, "hit"],
        [now + MINUTE, "hit"]
      ]
      for (const [offset, outcome] of offsets) yield* store.recordClaim(claimAt(offset, outcome))
      yield* store.recordClaim(claimAt(now - MINUTE, "miss", "q"))
      const counts = yield* store.claimCounts(at(now))
      const expected = ClaimLog.countClaims(
        "demand",
        "p",
        offsets.map(([offset, outcome]) => ({ atMillis: at(offset).epochMillis, outcome })),
        at(now).epochMillis
      )
      expect(counts).toEqual([
        expected,
        ClaimLog.countClaims("demand", "q", [{
          atMillis: at(now - MINUTE).epochMillis,
          outcome: "miss"
        }], at(now).epochMillis)
      ])
      expect(expected).toMatchObject({
        claims5m: 2,
        claims15m: 4,
        claims1h: 5,
        claims24h: 6,
        misses5m: 1,
        misses15m: 2,
        misses1h: 2,
        misses24h: 3
      })
    })))

  it.effect("prunes claims older than 7 days when recording", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.recordClaim(claimAt(0, "hit"))
      yield* store.recordClaim(claimAt(6 * 24 * HOUR, "hit"))
      expect((yield* store.listClaims()).length).toBe(2)
      yield* store.recordClaim(claimAt(8 * 24 * HOUR, "miss"))
      expect((yield* store.listClaims()).map((c) => c.outcome)).toEqual(["miss", "hit"])
    })))

  it.effect("sets, replaces, lists and removes policies", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      expect(yield* store.policies()).toEqual([])
      yield* store.setPolicy("demand", "p", policy("max(baseline, claims_1h)", 1, 20), at(1))
      yield* store.setPolicy("alpha", "x", policy("baseline"), at(2))
      yield* store.setPolicy("demand", "p", policy("claims_1h / 4", 0, 10), at(3))
      expect(yield* store.policies()).toEqual([
        { templateName: "alpha", presetName: "x", expression: "baseline", min: 0, max: 100, updatedAt: at(2) },
        { templateName: "demand", presetName: "p", expression: "claims_1h / 4", min: 0, max: 10, updatedAt: at(3) }
      ])
      expect(yield* store.deletePolicy("demand", "p")).toBe(true)
      expect(yield* store.deletePolicy("demand", "p")).toBe(false)
      expect((yield* store.policies()).map((p) => p.templateName)).toEqual(["alpha"])
    })))

  it.effect("policies and claims survive reopening the database (a restart)", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const database = yield* TestDatabase
      yield* store.setPolicy("demand", "p", policy("max(baseline, ceil(claims_1h / 4))", 1, 10), at(1))
      yield* store.recordClaim(claimAt(MINUTE, "miss"))
      if (database.backend === "sqlite-memory") return
      const reopened = yield* Effect.scoped(Effect.gen(function*() {
        const another = yield* database.openAnother()
        return { policies: yield* another.policies(), claims: yield* another.listClaims() }
      }))
      expect(reopened.policies).toEqual([{
        templateName: "demand",
        presetName: "p",
        expression: "max(baseline, ceil(claims_1h / 4))",
        min: 1,
        max: 10,
        updatedAt: at(1)
      }])
      expect(reopened.claims).toEqual([claimAt(MINUTE, "miss")])
    })))

  it.effect("the reconciler's snapshot carries the policy and the counts to the preset's slice", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("demand", { presets: [presetImport("p", { desiredInstances: 1 })] })
      const ids = { templateId: fixture.templateId, versionId: fixture.versionId }
      yield* store.setPolicy("demand", "p", policy("max(baseline, ceil(claims_1h / 4))", 1, 10), at(0))
      for (let i = 0; i < 30; i++) {
        yield* store.recordClaim(claimAt(i * MINUTE, i % 3 === 0 ? "miss" : "hit", "p", "demand", ids))
      }
      const now = at(31 * MINUTE)
      const snapshot = yield* snapshotAt(now)
      const slice = Option.getOrThrow(Snapshot.filterByPreset(snapshot, fixture.presets.p!, now))
      expect(slice.policy).toMatchObject({ expression: "max(baseline, ceil(claims_1h / 4))", min: 1, max: 10 })
      expect(slice.demand).toMatchObject({ claims1h: 30, misses1h: 10, claims5m: 3, misses5m: 1 })
    })))
})
