// Section numbers (§) in this file refer to docs/prebuilds.md.
import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { PresetId, TemplateId, WorkspaceId } from "../src/Domain.js"
import { SystemUserId } from "../src/Domain.js"
import * as Store from "../src/Store.js"
import { describeEachBackend, onFresh } from "./utils/storeBackends.js"
import {
  addBuild,
  at,
  importTemplate,
  importVersion,
  MINUTE,
  prebuild,
  presetImport,
  snapshotAt,
  T0,
  user
} from "./utils/storeFixtures.js"

const claimFor = (templateId: TemplateId, presetId: PresetId, name: string) =>
  Effect.flatMap(Store.Store, (store) =>
    Effect.map(
      store.claim({ templateId, presetId, userId: user(name), name: `ws-${name}`, now: at(MINUTE) }),
      Option.map((claimed) => claimed.workspace.id)
    ))

describeEachBackend("Store claims (§7)", (backend) => {
  const fresh = onFresh(backend)

  it.effect("hands over the oldest ready prebuild of the preset, with a claim build", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("claim", {
        presets: [presetImport("p", { parameters: { region: "eu" }, desiredInstances: 5 })]
      })
      const presetId = fixture.presets.p!
      const younger = yield* prebuild(presetId, { now: at(2) })
      const older = yield* prebuild(presetId, { now: at(1) })
      const claimed = Option.getOrThrow(
        yield* store.claim({
          templateId: fixture.templateId,
          presetId,
          userId: user("ivy"),
          name: "ivy-dev",
          now: at(MINUTE),
          parameters: { region: "eu", dotfiles: "https://example.com/d" }
        })
      )
      expect(claimed.workspace).toMatchObject({ id: older.workspaceId, ownerId: user("ivy"), name: "ivy-dev" })
      expect(claimed.workspace.createdAt).toEqual(at(1))
      expect(claimed).toMatchObject({ buildNumber: 2, templateVersionId: fixture.versionId })
      const { build, job } = Option.getOrThrow(yield* store.latestBuild(older.workspaceId))
      expect(build).toMatchObject({
        id: claimed.buildId,
        buildNumber: 2,
        transition: "start",
        presetId,
        initiatorId: user("ivy"),
        templateVersionId: fixture.versionId
      })
      expect(job).toMatchObject({ id: claimed.jobId, status: "pending" })
      expect(yield* store.buildParameters(claimed.buildId)).toEqual({
        region: "eu",
        dotfiles: "https://example.com/d"
      })
      // The claimed workspace is no prebuild any more: the pool is one short.
      expect((yield* snapshotAt(at(MINUTE))).running.map((row) => row.id)).toEqual([younger.workspaceId])
      expect((yield* store.deletePrebuild(older.workspaceId, at(MINUTE)))._tag).toBe("NotOwned")
      // Without values, the claim build carries the preset's.
      const next = Option.getOrThrow(
        yield* store.claim({
          templateId: fixture.templateId,
          presetId,
          userId: user("jo"),
          name: "jo-dev",
          now: at(MINUTE)
        })
      )
      expect(next.workspace.id).toBe(younger.workspaceId)
      expect(yield* store.buildParameters(next.buildId)).toEqual({ region: "eu" })
      expect(yield* claimFor(fixture.templateId, presetId, "kim")).toEqual(Option.none())
    })))

  it.effect("only candidates that are ready, running on the active version, of the preset, of a live template", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("candidates", {
        presets: [presetImport("p", { desiredInstances: 9 }), presetImport("q", { desiredInstances: 9 })]
      })
      const { p, q } = fixture.presets as Record<string, PresetId>
      yield* prebuild(p!, { agents: [{ name: "main", ready: false }] })
      yield* prebuild(p!, { status: "pending" })
      yield* prebuild(p!, { status: "running" })
      yield* prebuild(p!, { status: "failed" })
      const stopped = yield* prebuild(p!)
      yield* addBuild(stopped.workspaceId, { transition: "stop", status: "succeeded" })
      const deleting = yield* prebuild(p!)
      yield* addBuild(deleting.workspaceId, { transition: "delete", status: "pending" })
      const otherPreset = yield* prebuild(q!)
      const alreadyClaimed = yield* prebuild(p!)
      yield* store.claim({
        templateId: fixture.templateId,
        presetId: p!,
        userId: user("lee"),
        name: "lee",
        now: T0
      })
      expect(Option.getOrThrow(yield* store.workspace(alreadyClaimed.workspaceId)).ownerId).toBe(user("lee"))
      expect(yield* claimFor(fixture.templateId, p!, "max")).toEqual(Option.none())
      // Wrong template id: nothing.
      const another = yield* importTemplate("another")
      expect(yield* claimFor(another.templateId, q!, "max")).toEqual(Option.none())
      expect(yield* claimFor(fixture.templateId, q!, "max")).toEqual(Option.some(otherPreset.workspaceId))

      // A version that is no longer active, or a deleted template, has no candidates.
      const outdated = yield* importTemplate("outdated")
      yield* prebuild(outdated.presets.p!)
      yield* importVersion(outdated.templateId)
      expect(yield* claimFor(outdated.templateId, outdated.presets.p!, "ned")).toEqual(Option.none())
      const deleted = yield* importTemplate("deleted")
      yield* prebuild(deleted.presets.p!)
      yield* store.deleteTemplate(deleted.templateId)
      expect(yield* claimFor(deleted.templateId, deleted.presets.p!, "ned")).toEqual(Option.none())
    })))

  it.effect("a claimed workspace that stops and starts is never claimed again", () =>
    fresh(Effect.gen(function*() {
      const fixture = yield* importTemplate("restart")
      const presetId = fixture.presets.p!
      const created = yield* prebuild(presetId)
      expect(yield* claimFor(fixture.templateId, presetId, "oz")).toEqual(Option.some(created.workspaceId))
      yield* addBuild(created.workspaceId, { transition: "stop", status: "succeeded", initiatorId: user("oz") })
      yield* addBuild(created.workspaceId, { transition: "start", status: "succeeded", initiatorId: user("oz") })
      expect(yield* claimFor(fixture.templateId, presetId, "pat")).toEqual(Option.none())
    })))

  it.effect("a name taken by the user's own live workspace is a Conflict and claims nothing", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("names", { presets: [presetImport("p", { desiredInstances: 2 })] })
      const presetId = fixture.presets.p!
      const first = yield* prebuild(presetId, { now: at(1) })
      yield* prebuild(presetId, { now: at(2) })
      const input = { templateId: fixture.templateId, presetId, userId: user("quinn"), name: "dev", now: T0 }
      expect(Option.map(yield* store.claim(input), (c) => c.workspace.id)).toEqual(Option.some(first.workspaceId))
      const again = yield* Effect.either(store.claim(input))
      expect(again._tag === "Left" && again.left.reason).toBe("Conflict")
      expect((yield* store.workspaces({ ownerId: SystemUserId })).length).toBe(1)
    })))

  it.effect("claims racing deletes (§10 R2): a workspace is either claimed or deleted, never both", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("r2", { presets: [presetImport("p", { desiredInstances: 6 })] })
      const presetId = fixture.presets.p!
      const ids: Array<WorkspaceId> = []
      for (let i = 0; i < 6; i++) ids.push((yield* prebuild(presetId, { now: at(i) })).workspaceId)
      // Deleted first: the delete build is the latest, so the claim passes over it.
      expect((yield* store.deletePrebuild(ids[0]!, at(MINUTE)))._tag).toBe("Enqueued")
      const racers = [
        ...ids.slice(1).map((id) => Effect.map(store.deletePrebuild(id, at(MINUTE)), (r) => ({ delete: r }))),
        ...Array.from(
          { length: 5 },
          (_, i) => Effect.map(claimFor(fixture.templateId, presetId, `r${i}`), (c) => ({ claim: c }))
        )
      ]
      const results = yield* Effect.all(racers, { concurrency: "unbounded" })
      const claimed = new Set(
        results.flatMap((r) => "claim" in r && Option.isSome(r.claim) ? [r.claim.value] : [])
      )
      expect(claimed.has(ids[0]!)).toBe(false)
      for (const result of results) {
        if (!("delete" in result)) continue
        const { workspaceId } = result.delete
        const owner = Option.getOrThrow(yield* store.workspace(workspaceId)).ownerId
        if (result.delete._tag === "Enqueued") {
          expect([workspaceId, claimed.has(workspaceId), owner]).toEqual([workspaceId, false, SystemUserId])
        } else {
          expect(result.delete._tag).toBe("NotOwned")
          expect(claimed.has(workspaceId)).toBe(true)
        }
      }
    })))

  it.effect("20 concurrent claims for 5 ready prebuilds: exactly 5 succeed, none twice", () =>
    fresh(Effect.gen(function*() {
      const fixture = yield* importTemplate("race", { presets: [presetImport("p", { desiredInstances: 5 })] })
      const presetId = fixture.presets.p!
      const pool = new Set<WorkspaceId>()
      for (let i = 0; i < 5; i++) pool.add((yield* prebuild(presetId, { now: at(i) })).workspaceId)
      const results = yield* Effect.all(
        Array.from({ length: 20 }, (_, i) => claimFor(fixture.templateId, presetId, `racer-${i}`)),
        { concurrency: "unbounded" }
      )
      const claimed = results.flatMap((result) => Option.isSome(result) ? [result.value] : [])
      expect(claimed).toHaveLength(5)
      expect(new Set(claimed)).toEqual(pool)
      const store = yield* Store.Store
      const owners = new Set<string>()
      for (const id of pool) owners.add(Option.getOrThrow(yield* store.workspace(id)).ownerId)
      expect(owners.size).toBe(5)
      for (const id of pool) {
        expect(Option.getOrThrow(yield* store.latestBuild(id)).build.buildNumber).toBe(2)
      }
    })))
})
