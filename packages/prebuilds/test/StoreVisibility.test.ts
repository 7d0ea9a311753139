import { expect, it } from "@effect/vitest"
import type * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { WorkspaceBuildId } from "../src/Domain.js"
import { SystemUserId } from "../src/Domain.js"
import * as Settings from "../src/Settings.js"
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
  SECOND,
  snapshotAt,
  T0
} from "./utils/storeFixtures.js"

const store = Store.Store

/** A prebuild whose build 1 failed with this output. */
const failedPrebuild = (presetId: Parameters<typeof prebuild>[0], now: DateTime.Utc, stderr: string) =>
  Effect.gen(function*() {
    const s = yield* store
    const created = yield* prebuild(presetId, { now, status: "pending" })
    yield* s.completeJob(created.jobId, {
      status: "failed",
      now,
      error: `exit status 1: ${stderr}`,
      logs: { stdout: "planning...\n", stderr }
    })
    return created
  })

describeEachBackend("Store: builds and their output", (backend) => {
  const fresh = onFresh(backend)

  it.effect("a failed build carries its error, newest first, filtered by status, template and preset", () =>
    fresh(Effect.gen(function*() {
      const s = yield* store
      const docker = yield* importTemplate("docker", { presets: [presetImport("small"), presetImport("big")] })
      const k8s = yield* importTemplate("k8s", { presets: [presetImport("small")] })
      const ok = yield* prebuild(docker.presets.small!, { now: at(1 * SECOND) })
      const bad = yield* failedPrebuild(docker.presets.big!, at(2 * SECOND), "MARKER-big\n")
      const other = yield* failedPrebuild(k8s.presets.small!, at(3 * SECOND), "MARKER-k8s\n")

      const all = yield* s.listBuilds()
      expect(all.map((b) => b.id)).toEqual([other.buildId, bad.buildId, ok.buildId])

      const failed = yield* s.listBuilds({ status: "failed" })
      expect(failed.map((b) => b.id)).toEqual([other.buildId, bad.buildId])
      expect(failed[1]).toMatchObject({
        templateName: "docker",
        presetName: "big",
        status: "failed",
        transition: "start",
        buildNumber: 1,
        ownerId: SystemUserId,
        error: "exit status 1: MARKER-big\n",
        hasLogs: true
      })
      expect((yield* s.listBuilds({ templateName: "docker" })).map((b) => b.id)).toEqual([bad.buildId, ok.buildId])
      expect((yield* s.listBuilds({ presetName: "small" })).map((b) => b.id)).toEqual([other.buildId, ok.buildId])
      expect(yield* s.listBuilds({ templateName: "docker", presetName: "small", status: "failed" })).toEqual([])
      expect((yield* s.listBuilds({ workspaceId: ok.workspaceId })).map((b) => b.id)).toEqual([ok.buildId])

      // Pages: newest first, no overlap.
      const page1 = yield* s.listBuilds({ limit: 2 })
      const page2 = yield* s.listBuilds({ limit: 2, offset: 2 })
      expect([...page1, ...page2].map((b) => b.id)).toEqual(all.map((b) => b.id))

      const one = yield* s.build(bad.buildId)
      expect(Option.map(one, (b) => b.error)).toEqual(Option.some("exit status 1: MARKER-big\n"))
      expect(yield* s.build("nope" as WorkspaceBuildId)).toEqual(Option.none())

      const logs = Option.getOrThrow(yield* s.buildLogs(bad.buildId))
      expect(logs).toMatchObject({ stdout: "planning...\n", stderr: "MARKER-big\n", truncated: false, stored: true })
      // A build without stored output: empty, not an error.
      expect(Option.getOrThrow(yield* s.buildLogs(ok.buildId))).toMatchObject({ stored: false, stdout: "" })
      expect(yield* s.buildLogs("nope" as WorkspaceBuildId)).toEqual(Option.none())
    })))

  it.effect("output is capped per build (the tail is kept) and pruned beyond the retention limit", () =>
    onFresh(backend, { buildLogs: { maxBytes: 1024, retain: 2 } })(Effect.gen(function*() {
      const s = yield* store
      const fixture = yield* importTemplate("cap", { presets: [presetImport("p", { desiredInstances: 5 })] })
      const presetId = fixture.presets.p!
      const huge = "é".repeat(5000) + "THE-END"
      const first = yield* failedPrebuild(presetId, at(1), huge)
      const logs = Option.getOrThrow(yield* s.buildLogs(first.buildId))
      expect(logs.truncated).toBe(true)
      expect(logs.stderr.endsWith("THE-END")).toBe(true)
      expect(Buffer.byteLength(logs.stdout) + Buffer.byteLength(logs.stderr)).toBeLessThanOrEqual(1024)
      expect(logs.stderr).not.toContain("\uFFFD")

      const second = yield* failedPrebuild(presetId, at(2), "two")
      const third = yield* failedPrebuild(presetId, at(3), "three")
      expect(Option.getOrThrow(yield* s.buildLogs(first.buildId)).stored).toBe(false)
      expect(Option.getOrThrow(yield* s.buildLogs(second.buildId)).stderr).toBe("two")
      expect(Option.getOrThrow(yield* s.buildLogs(third.buildId)).stderr).toBe("three")
      // The build and its error stay: only the output is pruned.
      expect(Option.getOrThrow(yield* s.build(first.buildId)).error).toContain("THE-END")
    })))

  it.effect("workspaces with their latest build's state, filtered by template, preset and state", () =>
    fresh(Effect.gen(function*() {
      const s = yield* store
      const docker = yield* importTemplate("docker", { presets: [presetImport("small"), presetImport("big")] })
      const running = yield* prebuild(docker.presets.small!, { now: at(1) })
      const failed = yield* failedPrebuild(docker.presets.big!, at(2), "boom")
      const starting = yield* prebuild(docker.presets.small!, { now: at(3), status: "pending" })
      const stopped = yield* prebuild(docker.presets.small!, { now: at(4) })
      yield* addBuild(stopped.workspaceId, { transition: "stop", status: "succeeded", now: at(5) })

      const all = yield* s.listWorkspaces()
      const stateOf = Object.fromEntries(all.map((w) => [w.id, w.state]))
      expect(stateOf).toEqual({
        [running.workspaceId]: "running",
        [failed.workspaceId]: "failed",
        [starting.workspaceId]: "starting",
        [stopped.workspaceId]: "stopped"
      })
      const failedRow = all.find((w) => w.id === failed.workspaceId)!
      expect(failedRow).toMatchObject({ presetName: "big", templateName: "docker", prebuild: true, ready: false })
      expect(failedRow.error).toContain("boom")
      expect(all.find((w) => w.id === running.workspaceId)).toMatchObject({ ready: true, error: null })

      expect((yield* s.listWorkspaces({ state: "failed" })).map((w) => w.id)).toEqual([failed.workspaceId])
      expect((yield* s.listWorkspaces({ presetName: "small" })).length).toBe(3)
      expect(yield* s.listWorkspaces({ templateName: "nope" })).toEqual([])
    })))
})

describeEachBackend("Store: resume and quarantine", (backend) => {
  const fresh = onFresh(backend)

  it.effect("resume lifts the hard limit and the backoff: failures before it stop counting", () =>
    fresh(Effect.gen(function*() {
      const s = yield* store
      const settings = Settings.make({ failureHardLimit: 1 })
      const fixture = yield* importTemplate("t", { presets: [presetImport("p", { desiredInstances: 1 })] })
      const presetId = fixture.presets.p!
      yield* failedPrebuild(presetId, at(MINUTE), "boom")
      const before = yield* snapshotAt(at(MINUTE + SECOND), settings)
      expect(before.hardLimitedPresetIds).toEqual([presetId])
      expect(before.backoffs.map((b) => b.presetId)).toEqual([presetId])
      yield* s.setPresetStatus(presetId, "hard_limited")

      const resumed = yield* s.resumePreset(presetId, at(2 * MINUTE))
      expect(resumed).toMatchObject({ previousStatus: "hard_limited", status: "healthy", clearedQuarantine: null })
      expect(Option.getOrThrow(yield* s.presetById(presetId)).prebuildStatus).toBe("healthy")
      const after = yield* snapshotAt(at(2 * MINUTE + SECOND), settings)
      expect(after.hardLimitedPresetIds).toEqual([])
      expect(after.backoffs).toEqual([])

      // A failure after the resume counts again.
      yield* failedPrebuild(presetId, at(3 * MINUTE), "boom again")
      expect((yield* snapshotAt(at(3 * MINUTE + SECOND), settings)).hardLimitedPresetIds).toEqual([presetId])
    })))

  it.effect("resume keeps validation_failed; an unknown preset is NotFound", () =>
    fresh(Effect.gen(function*() {
      const s = yield* store
      const fixture = yield* importTemplate("t", {
        presets: [presetImport("bad", { validationDiagnostics: [{ severity: "error", summary: "x", detail: "" }] })]
      })
      const result = yield* s.resumePreset(fixture.presets.bad!, T0)
      expect(result.status).toBe("validation_failed")
      const missing = yield* Effect.either(s.resumePreset("nope" as never, T0))
      expect(missing._tag === "Left" && missing.left.reason).toBe("NotFound")
    })))

  it.effect("three overruns quarantine the version with the tipping reason; resume or a new version clears it", () =>
    fresh(Effect.gen(function*() {
      const s = yield* store
      const fixture = yield* importTemplate("t", { presets: [presetImport("p")] })
      const v1 = fixture.versionId
      const first = yield* s.recordRenderOverrun(v1, "render deadline exceeded", 3, T0)
      expect(first).toEqual({ overruns: 1, quarantined: false, reason: null, newlyQuarantined: false })
      yield* s.recordRenderOverrun(v1, "render deadline exceeded", 3, T0)
      const third = yield* s.recordRenderOverrun(v1, "evaluation budget exceeded: instances", 3, T0)
      expect(third).toEqual({
        overruns: 3,
        quarantined: true,
        reason: "evaluation budget exceeded: instances",
        newlyQuarantined: true
      })
      const fourth = yield* s.recordRenderOverrun(v1, "render memory limit exceeded", 3, T0)
      expect(fourth).toMatchObject({ quarantined: true, reason: "evaluation budget exceeded: instances" })
      expect(fourth.newlyQuarantined).toBe(false)
      expect(yield* s.quarantineOf(v1)).toEqual(Option.some("evaluation budget exceeded: instances"))
      const snapshot = yield* snapshotAt(at(SECOND))
      expect(snapshot.presets[0]!.quarantineReason).toBe("evaluation budget exceeded: instances")

      // Resume clears it (and the count).
      const resumed = yield* s.resumePreset(fixture.presets.p!, at(MINUTE))
      expect(resumed.clearedQuarantine).toBe("evaluation budget exceeded: instances")
      expect(yield* s.quarantineOf(v1)).toEqual(Option.none())
      expect((yield* s.recordRenderOverrun(v1, "x", 3, T0)).overruns).toBe(1)

      // A new version starts clean.
      yield* s.recordRenderOverrun(v1, "x", 3, T0)
      yield* s.recordRenderOverrun(v1, "x", 3, T0)
      expect(Option.isSome(yield* s.quarantineOf(v1))).toBe(true)
      const v2 = yield* importVersion(fixture.templateId, { presets: [presetImport("p")] })
      expect(yield* s.quarantineOf(v2.versionId)).toEqual(Option.none())
      const active = (yield* snapshotAt(at(2 * SECOND))).presets.filter((p) => p.usingActiveVersion)
      expect(active.map((p) => p.quarantineReason)).toEqual([null])
    })))
})
