// Section numbers (§) in this file refer to docs/prebuilds.md.
import { describe, expect, it } from "@effect/vitest"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Schema from "effect/Schema"
import {
  AgentId,
  agentsReady,
  isActiveVersion,
  isDeprecated,
  isInProgress,
  isPrebuild,
  isPrebuildPreset,
  isUnpickedCreate,
  Preset,
  ProvisionerJob,
  ProvisionerWorkerId,
  SystemUserId,
  SystemUserName,
  Template,
  TemplateVersionId,
  UserId
} from "../src/Domain.js"
import { Snapshot } from "../src/Snapshot.js"

describe("system user", () => {
  it("has Coder's id and the name prebuilds", () => {
    expect(SystemUserId).toBe("c42fdf75-3097-471c-8c33-fb52454d81c0")
    expect(SystemUserName).toBe("prebuilds")
  })
})

describe("derived predicates (§1.3)", () => {
  it("a prebuild is a live workspace owned by the system user", () => {
    expect(isPrebuild({ ownerId: SystemUserId, deleted: false })).toBe(true)
    expect(isPrebuild({ ownerId: SystemUserId, deleted: true })).toBe(false)
    expect(isPrebuild({ ownerId: UserId.make("someone"), deleted: false })).toBe(false)
  })

  it("a template is deprecated when its message is non-empty", () => {
    expect(isDeprecated({ deprecationMessage: "" })).toBe(false)
    expect(isDeprecated({ deprecationMessage: "use v2" })).toBe(true)
  })

  it("a version is active when it is the template's active version", () => {
    const template = { activeVersionId: TemplateVersionId.make("v2") }
    expect(isActiveVersion(template, TemplateVersionId.make("v2"))).toBe(true)
    expect(isActiveVersion(template, TemplateVersionId.make("v1"))).toBe(false)
  })

  it("a preset takes part when desiredInstances is set, 0 included", () => {
    expect(isPrebuildPreset({ desiredInstances: null })).toBe(false)
    expect(isPrebuildPreset({ desiredInstances: 0 })).toBe(true)
    expect(isPrebuildPreset({ desiredInstances: 3 })).toBe(true)
  })

  const agent = (lifecycleState: string, options: { parentId?: string; deleted?: boolean } = {}) => ({
    parentId: options.parentId === undefined ? null : AgentId.make(options.parentId),
    deleted: options.deleted ?? false,
    lifecycleState
  })
  const readiness: ReadonlyArray<readonly [string, ReadonlyArray<ReturnType<typeof agent>>, boolean]> = [
    ["no agents", [], true],
    ["one ready agent", [agent("ready")], true],
    ["one starting agent", [agent("starting")], false],
    ["ready and starting", [agent("ready"), agent("starting")], false],
    ["a starting sub-agent is ignored", [agent("ready"), agent("starting", { parentId: "a1" })], true],
    ["a deleted agent is ignored", [agent("ready"), agent("start_error", { deleted: true })], true],
    ["only deleted agents", [agent("off", { deleted: true })], true],
    ["start_timeout is not ready", [agent("start_timeout")], false]
  ]
  for (const [name, agents, ready] of readiness) {
    it(`readiness: ${name} → ${ready}`, () => expect(agentsReady(agents)).toBe(ready))
  }

  it("in progress means pending or running", () => {
    expect(isInProgress("pending")).toBe(true)
    expect(isInProgress("running")).toBe(true)
    for (const status of ["succeeded", "failed", "canceled", "canceling"] as const) {
      expect(isInProgress(status)).toBe(false)
    }
  })

  it("an unpicked create is build 1, start, pending, no worker, not cancelled or completed", () => {
    const build = { buildNumber: 1, transition: "start" as const }
    const job = { status: "pending" as const, workerId: null, canceledAt: null, completedAt: null }
    const instant = DateTime.unsafeMake(0)
    expect(isUnpickedCreate(build, job)).toBe(true)
    expect(isUnpickedCreate({ ...build, buildNumber: 2 }, job)).toBe(false)
    expect(isUnpickedCreate({ ...build, transition: "delete" }, job)).toBe(false)
    expect(isUnpickedCreate(build, { ...job, status: "running" })).toBe(false)
    expect(isUnpickedCreate(build, { ...job, workerId: ProvisionerWorkerId.make("w") })).toBe(false)
    expect(isUnpickedCreate(build, { ...job, canceledAt: instant })).toBe(false)
    expect(isUnpickedCreate(build, { ...job, completedAt: instant })).toBe(false)
  })
})

describe("schemas", () => {
  const encodedPreset = {
    id: "p1",
    templateVersionId: "v1",
    name: "small",
    parameters: { region: "eu", size: "s" },
    desiredInstances: 2,
    ttlSeconds: null,
    lastInvalidatedAt: "2024-01-01T00:00:00.000Z",
    schedulingTimezone: "UTC",
    schedules: [{ cron: "* 9-18 * * 1-5", instances: 3 }],
    prebuildStatus: "healthy"
  }

  it.effect("a preset decodes instants and nulls, and encodes back", () =>
    Effect.gen(function*() {
      const preset = yield* Schema.decodeUnknown(Preset)(encodedPreset)
      expect(preset).toBeInstanceOf(Preset)
      expect(preset.lastInvalidatedAt !== null && DateTime.toEpochMillis(preset.lastInvalidatedAt)).toBe(
        Date.UTC(2024, 0, 1)
      )
      expect(preset.ttlSeconds).toBeNull()
      expect(yield* Schema.encode(Preset)(preset)).toEqual(encodedPreset)
    }))

  it("a preset rejects an unknown status, a negative or fractional pool size", () => {
    const decode = Schema.decodeUnknownEither(Preset)
    expect(Either.isLeft(decode({ ...encodedPreset, prebuildStatus: "broken" }))).toBe(true)
    expect(Either.isLeft(decode({ ...encodedPreset, desiredInstances: -1 }))).toBe(true)
    expect(Either.isLeft(decode({ ...encodedPreset, desiredInstances: 1.5 }))).toBe(true)
    expect(Either.isRight(decode({ ...encodedPreset, desiredInstances: null }))).toBe(true)
  })

  it("a template needs every field, with a nullable organization", () => {
    const decode = Schema.decodeUnknownEither(Template)
    const template = {
      id: "t1",
      organizationId: null,
      name: "docker",
      activeVersionId: "v1",
      deleted: false,
      deprecationMessage: ""
    }
    expect(Either.isRight(decode(template))).toBe(true)
    const { deprecationMessage: _, ...missing } = template
    expect(Either.isLeft(decode(missing))).toBe(true)
  })

  it("a job's status is one of the six", () => {
    const decode = Schema.decodeUnknownEither(ProvisionerJob)
    const job = {
      id: "j1",
      status: "canceling",
      workerId: null,
      createdAt: "2024-01-01T00:00:00Z",
      canceledAt: null,
      completedAt: null
    }
    expect(Either.isRight(decode(job))).toBe(true)
    expect(Either.isLeft(decode({ ...job, status: "queued" }))).toBe(true)
  })

  it.effect("a snapshot decodes from the stores' row shapes", () =>
    Effect.gen(function*() {
      const snapshot = yield* Schema.decodeUnknown(Snapshot)({
        presets: [{
          presetId: "p1",
          presetName: "small",
          templateId: "t1",
          templateName: "docker",
          templateVersionId: "v1",
          templateVersionName: "v1",
          organizationId: null,
          organizationName: "",
          usingActiveVersion: true,
          templateDeleted: false,
          templateDeprecated: false,
          desiredInstances: 1,
          ttlSeconds: 3600,
          lastInvalidatedAt: null,
          schedulingTimezone: "",
          prebuildStatus: "healthy"
        }],
        schedules: [],
        running: [{
          id: "w1",
          name: "prebuild-w1",
          templateId: "t1",
          templateVersionId: "v1",
          currentPresetId: "p1",
          ready: true,
          createdAt: "2024-01-01T00:00:00Z"
        }],
        inProgress: [{ templateId: "t1", templateVersionId: "v1", transition: "start", presetId: null, count: 1 }],
        pendingCounts: [],
        backoffs: [{ presetId: "p1", numFailed: 1, lastBuildAt: "2024-01-01T00:00:00Z" }],
        hardLimitedPresetIds: ["p1"]
      })
      expect(snapshot.running[0]!.createdAt).toEqual(DateTime.unsafeMake("2024-01-01T00:00:00Z"))
      expect(snapshot.hardLimitedPresetIds).toEqual(["p1"])
    }))
})
