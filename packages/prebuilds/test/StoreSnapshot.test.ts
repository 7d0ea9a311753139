import * as SqlClient from "@effect/sql/SqlClient"
import { expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { randomUUID } from "node:crypto"
import type { PresetId, ProvisionerJobStatus, WorkspaceId, WorkspaceTransition } from "../src/Domain.js"
import { SystemUserId } from "../src/Domain.js"
import type { Action } from "../src/PresetActions.js"
import { presetActions } from "../src/PresetActions.js"
import * as Settings from "../src/Settings.js"
import type { Snapshot } from "../src/Snapshot.js"
import { filterByPreset } from "../src/Snapshot.js"
import * as Store from "../src/Store.js"
import { describeEachBackend, onFresh } from "./utils/storeBackends.js"
import {
  addBuild,
  at,
  HOUR,
  importTemplate,
  importVersion,
  MINUTE,
  prebuild,
  presetImport,
  SECOND,
  setJobStatus,
  setOwner,
  settings,
  snapshotAt,
  T0,
  user
} from "./utils/storeFixtures.js"

const onlyPreset = (snapshot: Snapshot, presetId: PresetId) => ({
  presets: snapshot.presets.filter((row) => row.presetId === presetId),
  running: snapshot.running.filter((row) => row.currentPresetId === presetId),
  inProgress: snapshot.inProgress.filter((row) => row.presetId === presetId),
  pendingCounts: snapshot.pendingCounts.filter((row) => row.presetId === presetId),
  backoffs: snapshot.backoffs.filter((row) => row.presetId === presetId),
  hardLimited: snapshot.hardLimitedPresetIds.filter((id) => id === presetId)
})

const statuses: ReadonlyArray<ProvisionerJobStatus> = [
  "pending",
  "running",
  "succeeded",
  "failed",
  "canceled",
  "canceling"
]
const transitions: ReadonlyArray<WorkspaceTransition> = ["start", "stop", "delete"]

/** A prebuild whose latest build has `transition` and a job in `status`. */
const prebuildWithLatest = (presetId: PresetId, transition: WorkspaceTransition, status: ProvisionerJobStatus) =>
  Effect.gen(function*() {
    if (transition === "start") return (yield* prebuild(presetId, { status })).workspaceId
    const created = yield* prebuild(presetId)
    yield* addBuild(created.workspaceId, { transition, status, now: at(SECOND) })
    return created.workspaceId
  })

describeEachBackend("Store snapshot: the seven reads (§3.4)", (backend) => {
  const fresh = onFresh(backend)

  it.effect("no prebuild presets → an empty snapshot", () =>
    fresh(Effect.gen(function*() {
      expect(yield* snapshotAt(T0)).toEqual({
        presets: [],
        schedules: [],
        running: [],
        inProgress: [],
        pendingCounts: [],
        backoffs: [],
        hardLimitedPresetIds: []
      })
      // A preset without desiredInstances is not a prebuild preset, even with workspaces.
      const fixture = yield* importTemplate("plain", { presets: [presetImport("p", { desiredInstances: null })] })
      yield* prebuild(fixture.presets.p!)
      const snapshot = yield* snapshotAt(T0)
      expect(snapshot.presets).toEqual([])
      expect(snapshot.running).toEqual([])
    })))

  it.effect("read 1 and 2: presets with their template, version, organization and schedules", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const org = yield* store.ensureOrganization("acme")
      const template = yield* store.createTemplate({ name: "docker", organizationId: org })
      const old = yield* importVersion(template.id, {
        name: "v1",
        presets: [presetImport("small", { desiredInstances: 2 })],
        now: T0
      })
      const current = yield* importVersion(template.id, {
        name: "v2",
        now: at(SECOND),
        presets: [
          presetImport("small", {
            desiredInstances: 0,
            ttlSeconds: 600,
            schedulingTimezone: "UTC",
            schedules: [{ cron: "* 9-18 * * 1-5", instances: 3 }, { cron: "* 8-14 * * 6", instances: 1 }]
          }),
          presetImport("big", { validationDiagnostics: [{ severity: "error", summary: "nope" }] }),
          presetImport("manual", { desiredInstances: null })
        ]
      })
      yield* store.invalidatePreset(current.presets.small!, at(7))
      const deleted = yield* importTemplate("gone")
      yield* store.deleteTemplate(deleted.templateId)
      const deprecated = yield* importTemplate("old-school")
      yield* store.deprecateTemplate(deprecated.templateId, "use docker")

      const snapshot = yield* snapshotAt(at(MINUTE))
      expect(snapshot.presets.map((p) => [p.templateName, p.templateVersionName, p.presetName])).toEqual([
        ["docker", "v1", "small"],
        ["docker", "v2", "big"],
        ["docker", "v2", "small"],
        ["gone", expect.any(String), "p"],
        ["old-school", expect.any(String), "p"]
      ])
      const [v1small, v2big, v2small, gone, oldSchool] = snapshot.presets
      expect(v1small).toEqual({
        presetId: old.presets.small,
        presetName: "small",
        templateId: template.id,
        templateName: "docker",
        templateVersionId: old.versionId,
        templateVersionName: "v1",
        organizationId: org,
        organizationName: "acme",
        usingActiveVersion: false,
        templateDeleted: false,
        templateDeprecated: false,
        desiredInstances: 2,
        ttlSeconds: null,
        lastInvalidatedAt: null,
        schedulingTimezone: "",
        prebuildStatus: "healthy",
        quarantineReason: null
      })
      expect(v2small).toMatchObject({
        usingActiveVersion: true,
        desiredInstances: 0,
        ttlSeconds: 600,
        lastInvalidatedAt: at(7),
        schedulingTimezone: "UTC"
      })
      expect(v2big!.prebuildStatus).toBe("validation_failed")
      expect(gone).toMatchObject({ templateDeleted: true, usingActiveVersion: true, organizationName: "" })
      expect(oldSchool).toMatchObject({ templateDeprecated: true, templateDeleted: false })
      expect(snapshot.schedules).toEqual([
        { presetId: current.presets.small, cron: "* 9-18 * * 1-5", instances: 3 },
        { presetId: current.presets.small, cron: "* 8-14 * * 6", instances: 1 }
      ])
    })))

  it.effect("read 3: running prebuilds are live system-owned workspaces whose latest build is a succeeded start", () =>
    fresh(Effect.gen(function*() {
      const fixture = yield* importTemplate("running", { presets: [presetImport("p", { desiredInstances: 5 })] })
      const presetId = fixture.presets.p!
      const expectedRunning = new Set<WorkspaceId>()
      for (const transition of transitions) {
        for (const status of statuses) {
          const id = yield* prebuildWithLatest(presetId, transition, status)
          if (transition === "start" && status === "succeeded") expectedRunning.add(id)
        }
      }
      // Claimed (another owner) and deleted workspaces are not prebuilds.
      const claimed = yield* prebuild(presetId)
      yield* setOwner(claimed.workspaceId, user("alice"))
      const deleted = yield* prebuild(presetId)
      yield* addBuild(deleted.workspaceId, { transition: "delete", status: "pending" })
      const store = yield* Store.Store
      const deleteJob = Option.getOrThrow(yield* store.latestBuild(deleted.workspaceId)).job.id
      yield* store.completeJob(deleteJob, { status: "succeeded", now: T0 })

      const snapshot = yield* snapshotAt(at(MINUTE))
      expect(new Set(snapshot.running.map((row) => row.id))).toEqual(expectedRunning)
      const [row] = snapshot.running
      expect(row).toMatchObject({
        templateId: fixture.templateId,
        templateVersionId: fixture.versionId,
        currentPresetId: presetId,
        ready: true,
        createdAt: T0
      })
    })))

  it.effect("read 3: readiness from non-deleted top-level agents; no agents is ready", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const sql = yield* SqlClient.SqlClient
      const fixture = yield* importTemplate("ready", { presets: [presetImport("p", { desiredInstances: 9 })] })
      const presetId = fixture.presets.p!
      const none = yield* prebuild(presetId, { now: at(1) })
      const allReady = yield* prebuild(presetId, {
        now: at(2),
        agents: [{ name: "main", ready: true }, { name: "side", ready: true }]
      })
      const oneStarting = yield* prebuild(presetId, {
        now: at(3),
        agents: [{ name: "main", ready: true }, { name: "side", ready: false }]
      })
      const deletedAgent = yield* prebuild(presetId, { now: at(4), agents: [{ name: "main", ready: true }] })
      yield* sql`INSERT INTO workspace_agents (id, workspace_id, name, lifecycle_state, deleted)
        VALUES (${randomUUID()}, ${deletedAgent.workspaceId}, 'old', 'starting', TRUE)`
      const subAgent = yield* prebuild(presetId, { now: at(5), agents: [{ name: "main", ready: true }] })
      const parent = (yield* store.agents(subAgent.workspaceId))[0]!
      yield* sql`INSERT INTO workspace_agents (id, workspace_id, parent_id, name, lifecycle_state, deleted)
        VALUES (${randomUUID()}, ${subAgent.workspaceId}, ${parent.id}, 'devcontainer', 'starting', FALSE)`
      const becomesReady = yield* prebuild(presetId, { now: at(6), agents: [{ name: "main", ready: false }] })

      const readiness = (snapshot: Snapshot) => snapshot.running.map((row) => [row.id, row.ready])
      expect(readiness(yield* snapshotAt(at(MINUTE)))).toEqual([
        [none.workspaceId, true],
        [allReady.workspaceId, true],
        [oneStarting.workspaceId, false],
        [deletedAgent.workspaceId, true],
        [subAgent.workspaceId, true],
        [becomesReady.workspaceId, false]
      ])
      expect(yield* store.setAgentReady(becomesReady.workspaceId, true)).toBe(1)
      expect(yield* store.setAgentReady(oneStarting.workspaceId, true, "side")).toBe(1)
      expect((yield* snapshotAt(at(MINUTE))).running.every((row) => row.ready)).toBe(true)
    })))

  it.effect("read 3: the current preset is the one of the newest start build that carried one", () =>
    fresh(Effect.gen(function*() {
      const fixture = yield* importTemplate("current", {
        presets: [presetImport("a", { desiredInstances: 1 }), presetImport("b", { desiredInstances: 1 })]
      })
      const { a, b } = fixture.presets as Record<string, PresetId>
      const kept = yield* prebuild(a!, { now: at(1) })
      yield* addBuild(kept.workspaceId, { transition: "stop", status: "succeeded", presetId: null })
      yield* addBuild(kept.workspaceId, { transition: "start", status: "succeeded", presetId: null })
      const moved = yield* prebuild(a!, { now: at(2) })
      yield* addBuild(moved.workspaceId, { transition: "start", status: "succeeded", presetId: b! })
      const snapshot = yield* snapshotAt(at(MINUTE))
      expect(snapshot.running.map((row) => [row.id, row.currentPresetId])).toEqual([
        [kept.workspaceId, a],
        [moved.workspaceId, b]
      ])
    })))

  it.effect("read 4: in-progress builds per transition and preset, active versions only", () =>
    fresh(Effect.gen(function*() {
      const fixture = yield* importTemplate("progress", { presets: [presetImport("p", { desiredInstances: 9 })] })
      const presetId = fixture.presets.p!
      for (const transition of transitions) {
        for (const status of statuses) yield* prebuildWithLatest(presetId, transition, status)
      }
      yield* prebuildWithLatest(presetId, "delete", "running")
      const claimed = yield* prebuild(presetId, { status: "pending" })
      yield* setOwner(claimed.workspaceId, user("bob"))
      // On a version that is no longer active, nothing is in progress.
      const outdated = yield* importTemplate("outdated", { presets: [presetImport("p", { desiredInstances: 9 })] })
      yield* prebuild(outdated.presets.p!, { status: "running" })
      yield* importVersion(outdated.templateId)

      const snapshot = yield* snapshotAt(at(MINUTE))
      expect(snapshot.inProgress).toHaveLength(3)
      const counts = Object.fromEntries(
        snapshot.inProgress.filter((row) => row.presetId === presetId).map((row) => [row.transition, row.count])
      )
      expect(counts).toEqual({ start: 2, stop: 2, delete: 3 })
      for (const row of snapshot.inProgress) {
        expect(row).toMatchObject({ templateId: fixture.templateId, templateVersionId: fixture.versionId })
      }
      expect(onlyPreset(snapshot, outdated.presets.p!).inProgress).toEqual([])
    })))

  it.effect("read 5: creates still pending on non-active versions", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("pending", { presets: [presetImport("p", { desiredInstances: 9 })] })
      const presetId = fixture.presets.p!
      yield* prebuild(presetId, { status: "pending" })
      yield* prebuild(presetId, { status: "pending" })
      yield* prebuild(presetId, { status: "running" })
      yield* prebuild(presetId, { status: "canceled" })
      yield* prebuild(presetId, { status: "succeeded" })
      const picked = yield* prebuild(presetId, { status: "pending" })
      yield* setJobStatus(picked.jobId, "pending", { workerId: "worker-9" })
      const stopped = yield* prebuild(presetId)
      yield* addBuild(stopped.workspaceId, { transition: "stop", status: "pending" })
      const users = yield* prebuild(presetId, { status: "pending" })
      yield* setOwner(users.workspaceId, user("carol"))
      // While the version is active, nothing is "pending on a non-active version".
      expect((yield* snapshotAt(at(MINUTE))).pendingCounts).toEqual([])
      yield* importVersion(fixture.templateId)
      expect((yield* snapshotAt(at(MINUTE))).pendingCounts).toEqual([{ presetId, count: 2 }])
      // A deleted template still drains its outdated pending creates.
      yield* store.deleteTemplate(fixture.templateId)
      expect((yield* snapshotAt(at(MINUTE))).pendingCounts).toEqual([{ presetId, count: 2 }])
    })))
})

describeEachBackend("Store snapshot: backoff and hard limit (§3.9, §3.10)", (backend) => {
  const fresh = onFresh(backend)

  it.effect("backoff: failures within the lookback, newest desiredInstances builds decide", () =>
    fresh(Effect.gen(function*() {
      const fixture = yield* importTemplate("backoff", { presets: [presetImport("p", { desiredInstances: 2 })] })
      const presetId = fixture.presets.p!
      yield* prebuild(presetId, { status: "failed", now: at(-2 * HOUR) })
      yield* prebuild(presetId, { status: "failed", now: at(-30 * MINUTE) })
      yield* prebuild(presetId, { status: "succeeded", now: at(-20 * MINUTE) })
      yield* prebuild(presetId, { status: "failed", now: at(-10 * MINUTE) })
      const now = T0
      expect((yield* snapshotAt(now)).backoffs).toEqual([{ presetId, numFailed: 2, lastBuildAt: at(-10 * MINUTE) }])
      // A newer success pushes the failure out of the newest two builds: no backoff.
      yield* prebuild(presetId, { status: "succeeded", now: at(-5 * MINUTE) })
      yield* prebuild(presetId, { status: "running", now: at(-4 * MINUTE) })
      expect((yield* snapshotAt(now)).backoffs).toEqual([])
    })))

  it.effect("backoff: the lookback window starts inclusively at now − lookback", () =>
    fresh(Effect.gen(function*() {
      const fixture = yield* importTemplate("window", { presets: [presetImport("p", { desiredInstances: 1 })] })
      const presetId = fixture.presets.p!
      yield* prebuild(presetId, { status: "failed", now: T0 })
      const lookback = Settings.make({ backoffLookback: Duration.hours(1) })
      expect((yield* snapshotAt(at(HOUR), lookback)).backoffs).toEqual([{ presetId, numFailed: 1, lastBuildAt: T0 }])
      expect((yield* snapshotAt(at(HOUR + 1), lookback)).backoffs).toEqual([])
    })))

  it.effect("backoff: only latest start builds of system-owned prebuilds on active versions of live templates", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const make = (name: string) => importTemplate(name, { presets: [presetImport("p", { desiredInstances: 1 })] })
      // A failed start followed by a delete build: the latest build is not a start.
      const superseded = yield* make("superseded")
      const failed = yield* prebuild(superseded.presets.p!, { status: "failed" })
      yield* addBuild(failed.workspaceId, { transition: "delete", status: "pending" })
      // Claimed by a user.
      const claimed = yield* make("claimed")
      const claimedBuild = yield* prebuild(claimed.presets.p!, { status: "failed" })
      yield* setOwner(claimedBuild.workspaceId, user("dan"))
      // On a version that is no longer active.
      const outdated = yield* make("outdated")
      yield* prebuild(outdated.presets.p!, { status: "failed" })
      yield* importVersion(outdated.templateId)
      // Of a deleted template.
      const deleted = yield* make("deleted")
      yield* prebuild(deleted.presets.p!, { status: "failed" })
      yield* store.deleteTemplate(deleted.templateId)
      // Counted: a deprecated template still backs off.
      const deprecated = yield* make("deprecated")
      yield* prebuild(deprecated.presets.p!, { status: "failed" })
      yield* store.deprecateTemplate(deprecated.templateId, "old")

      const snapshot = yield* snapshotAt(at(MINUTE))
      expect(snapshot.backoffs).toEqual([{ presetId: deprecated.presets.p, numFailed: 1, lastBuildAt: T0 }])
    })))

  it.effect("hard limit: the newest N counted builds all failed, deleted templates included", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const make = (name: string) => importTemplate(name, { presets: [presetImport("p", { desiredInstances: 1 })] })
      const three = yield* make("three")
      for (let i = 0; i < 3; i++) yield* prebuild(three.presets.p!, { status: "failed", now: at(i) })
      const two = yield* make("two")
      for (let i = 0; i < 2; i++) yield* prebuild(two.presets.p!, { status: "failed", now: at(i) })
      const recovered = yield* make("recovered")
      for (let i = 0; i < 3; i++) yield* prebuild(recovered.presets.p!, { status: "failed", now: at(i) })
      yield* prebuild(recovered.presets.p!, { status: "succeeded", now: at(10) })
      const olderSuccess = yield* make("older-success")
      yield* prebuild(olderSuccess.presets.p!, { status: "succeeded", now: at(-10) })
      for (let i = 0; i < 3; i++) yield* prebuild(olderSuccess.presets.p!, { status: "failed", now: at(i) })
      const deleted = yield* make("deleted")
      for (let i = 0; i < 3; i++) yield* prebuild(deleted.presets.p!, { status: "failed", now: at(i) })
      yield* store.deleteTemplate(deleted.templateId)
      const outdated = yield* make("outdated")
      for (let i = 0; i < 3; i++) yield* prebuild(outdated.presets.p!, { status: "failed", now: at(i) })
      yield* importVersion(outdated.templateId)

      const limited = (yield* snapshotAt(at(HOUR * 5))).hardLimitedPresetIds
      expect(new Set(limited)).toEqual(new Set([three.presets.p, olderSuccess.presets.p, deleted.presets.p]))
      const limitTwo = yield* snapshotAt(at(HOUR), Settings.make({ failureHardLimit: 2 }))
      expect(limitTwo.hardLimitedPresetIds).toContain(two.presets.p)
      expect((yield* snapshotAt(at(HOUR), Settings.make({ failureHardLimit: 0 }))).hardLimitedPresetIds).toEqual([])
    })))
})

/** The docs/prebuilds.md §9.2 matrix at store level: the store's snapshot fed to the pure actions, desired 1. */
describeEachBackend("Store snapshot: the §9.2 matrix through presetActions", (backend) => {
  type Place = "active" | "inactive-version" | "deleted-template"
  const places: ReadonlyArray<Place> = ["active", "inactive-version", "deleted-template"]

  const expected = (place: Place, transition: WorkspaceTransition, status: ProvisionerJobStatus) => {
    const running = transition === "start" && status === "succeeded"
    if (place !== "active") {
      if (running) return "Delete"
      if (place === "inactive-version" && transition === "start" && status === "pending") return "CancelPending"
      return "none"
    }
    if (transition === "start") {
      if (status === "succeeded" || status === "pending" || status === "running") return "none"
      if (status === "failed") return "Backoff"
      return "Create 1"
    }
    return "Create 1"
  }

  const describeActions = (actions: ReadonlyArray<Action>) =>
    actions.length === 0 ?
      "none" :
      actions.map((action) => action._tag === "Create" ? `Create ${action.count}` : action._tag).join(", ")

  it.effect("latest transition × job status × active/inactive/deleted", () =>
    onFresh(backend)(Effect.gen(function*() {
      const store = yield* Store.Store
      const cases: Array<{ readonly name: string; readonly presetId: PresetId; readonly expected: string }> = []
      for (const place of places) {
        for (const transition of transitions) {
          for (const status of statuses) {
            const name = `${place}-${transition}-${status}`
            const fixture = yield* importTemplate(name, { presets: [presetImport("p", { desiredInstances: 1 })] })
            const presetId = fixture.presets.p!
            yield* prebuildWithLatest(presetId, transition, status)
            if (place === "inactive-version") yield* importVersion(fixture.templateId, { presets: [] })
            if (place === "deleted-template") yield* store.deleteTemplate(fixture.templateId)
            cases.push({ name, presetId, expected: expected(place, transition, status) })
          }
        }
      }
      const now = at(2 * SECOND)
      const snapshot = yield* snapshotAt(now)
      const outcomes = cases.map(({ name, presetId }) => {
        const slice = Option.getOrThrow(filterByPreset(snapshot, presetId, now))
        return [name, describeActions(presetActions(slice, now, settings))]
      })
      expect(outcomes).toEqual(cases.map(({ expected, name }) => [name, expected]))
    })))
})

describeEachBackend("Store snapshot: expiry from stored creation times (U19–U23)", (backend) => {
  it.effect("creations 1s apart, TTL 5s: expired ones first, then the oldest extraneous", () =>
    onFresh(backend)(Effect.gen(function*() {
      const cases = [
        { name: "U19", running: 2, expired: 0, expected: "none" },
        { name: "U20", running: 2, expired: 1, expected: "Delete[0] Create 1" },
        { name: "U21", running: 2, expired: 2, expected: "Delete[0,1] Create 2" },
        { name: "U22", running: 4, expired: 2, expected: "Delete[0,1]" },
        { name: "U23", running: 4, expired: 1, expected: "Delete[0] Delete[1]" }
      ]
      const now = at(10 * SECOND)
      const outcomes: Array<readonly [string, string]> = []
      for (const spec of cases) {
        const fixture = yield* importTemplate(spec.name, {
          presets: [presetImport("p", { desiredInstances: 2, ttlSeconds: 5 })]
        })
        const presetId = fixture.presets.p!
        const ids: Array<WorkspaceId> = []
        for (let i = 0; i < spec.running; i++) {
          // The first `expired` prebuilds are older than the TTL at `now`; the rest are 1s apart.
          const created = i < spec.expired ? at(i * SECOND) : at(5 * SECOND + i * SECOND)
          ids.push((yield* prebuild(presetId, { now: created })).workspaceId)
        }
        const snapshot = yield* snapshotAt(now)
        const actions = presetActions(Option.getOrThrow(filterByPreset(snapshot, presetId, now)), now, settings)
        const described = actions.length === 0 ? "none" : actions.map((action) =>
          action._tag === "Delete"
            ? `Delete[${action.ids.map((id) => ids.indexOf(id)).join(",")}]`
            : action._tag === "Create"
            ? `Create ${action.count}`
            : action._tag
        ).join(" ")
        outcomes.push([spec.name, described])
      }
      expect(outcomes).toEqual(cases.map((c) => [c.name, c.expected]))
    })))
})

describeEachBackend("Store snapshot: running prebuilds only count their owner", (backend) => {
  it.effect("a user's own workspace on the template is never a prebuild", () =>
    onFresh(backend)(Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const fixture = yield* importTemplate("mixed", { presets: [presetImport("p", { desiredInstances: 1 })] })
      const mine = yield* prebuild(fixture.presets.p!)
      yield* sql`UPDATE workspace_builds SET initiator_id = ${user("erin")} WHERE workspace_id = ${mine.workspaceId}`
      yield* setOwner(mine.workspaceId, user("erin"))
      const snapshot = yield* snapshotAt(at(MINUTE))
      expect(snapshot.running).toEqual([])
      expect(snapshot.presets).toHaveLength(1)
      expect(SystemUserId).toBe("c42fdf75-3097-471c-8c33-fb52454d81c0")
    })))
})
