/**
 * Small builders for prebuild snapshots in tests: a readable description of each preset becomes
 * the seven reads of `Snapshot`.
 */
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Option from "effect/Option"
import type { PrebuildStatus, WorkspaceTransition } from "../../src/Domain.js"
import { PresetId, TemplateId, TemplateVersionId, WorkspaceId } from "../../src/Domain.js"
import * as Settings from "../../src/Settings.js"
import type { PresetSnapshot, Snapshot } from "../../src/Snapshot.js"
import { filterByPreset } from "../../src/Snapshot.js"

/** 2024-01-01T00:00:00Z, a Monday. */
export const T0: DateTime.Utc = DateTime.unsafeMake("2024-01-01T00:00:00Z")

/** The test settings of docs/prebuilds.md §9: backoff interval 5 s. */
export const settings: Settings.Settings = Settings.make({ backoffInterval: Duration.seconds(5) })

/** `T0` shifted by a number of milliseconds. */
export const at = (offsetMillis: number): DateTime.Utc => DateTime.unsafeMake(DateTime.toEpochMillis(T0) + offsetMillis)

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE

export interface PrebuildSpec {
  readonly id: string
  /** Creation time; `T0` by default. */
  readonly createdAt?: DateTime.Utc
  /** `true` by default. */
  readonly ready?: boolean
}

export interface PresetSpec {
  readonly id?: string
  readonly name?: string
  readonly template?: string
  readonly version?: string
  /** The version is the active one (`true` by default). */
  readonly activeVersion?: boolean
  readonly templateDeleted?: boolean
  readonly templateDeprecated?: boolean
  readonly desired?: number
  readonly ttlSeconds?: number | null
  readonly lastInvalidatedAt?: DateTime.Utc | null
  readonly status?: PrebuildStatus
  readonly timezone?: string
  readonly schedules?: ReadonlyArray<readonly [cron: string, instances: number]>
  readonly running?: ReadonlyArray<PrebuildSpec | string>
  readonly starting?: number
  readonly stopping?: number
  readonly deleting?: number
  readonly pending?: number
  readonly backoff?: { readonly numFailed: number; readonly lastBuildAt: DateTime.Utc }
  readonly hardLimited?: boolean
  /** The version's quarantine reason (none by default). */
  readonly quarantineReason?: string
}

const inProgressRows = (spec: PresetSpec, presetId: PresetId) => {
  const counts: ReadonlyArray<readonly [WorkspaceTransition, number | undefined]> = [
    ["start", spec.starting],
    ["stop", spec.stopping],
    ["delete", spec.deleting]
  ]
  return counts.flatMap(([transition, count]) =>
    count === undefined || count === 0 ? [] : [{
      templateId: TemplateId.make(spec.template ?? "t1"),
      templateVersionId: TemplateVersionId.make(spec.version ?? "v1"),
      transition,
      presetId,
      count
    }]
  )
}

/** The snapshot of the given presets (preset ids default to `p1`, `p2`, ...). */
export const snapshotOf = (...specs: ReadonlyArray<PresetSpec>): Snapshot => {
  const withIds = specs.map((spec, i) => ({ spec, presetId: PresetId.make(spec.id ?? `p${i + 1}`) }))
  return {
    presets: withIds.map(({ presetId, spec }) => ({
      presetId,
      presetName: spec.name ?? presetId,
      templateId: TemplateId.make(spec.template ?? "t1"),
      templateName: spec.template ?? "t1",
      templateVersionId: TemplateVersionId.make(spec.version ?? "v1"),
      templateVersionName: spec.version ?? "v1",
      organizationId: null,
      organizationName: "",
      usingActiveVersion: spec.activeVersion ?? true,
      templateDeleted: spec.templateDeleted ?? false,
      templateDeprecated: spec.templateDeprecated ?? false,
      desiredInstances: spec.desired ?? 0,
      ttlSeconds: spec.ttlSeconds ?? null,
      lastInvalidatedAt: spec.lastInvalidatedAt ?? null,
      schedulingTimezone: spec.timezone ?? "",
      prebuildStatus: spec.status ?? "healthy",
      ...(spec.quarantineReason === undefined ? {} : { quarantineReason: spec.quarantineReason })
    })),
    schedules: withIds.flatMap(({ presetId, spec }) =>
      (spec.schedules ?? []).map(([cron, instances]) => ({ presetId, cron, instances }))
    ),
    running: withIds.flatMap(({ presetId, spec }) =>
      (spec.running ?? []).map((prebuild) => {
        const p = typeof prebuild === "string" ? { id: prebuild } : prebuild
        return {
          id: WorkspaceId.make(p.id),
          name: `prebuild-${p.id}`,
          templateId: TemplateId.make(spec.template ?? "t1"),
          templateVersionId: TemplateVersionId.make(spec.version ?? "v1"),
          currentPresetId: presetId,
          ready: p.ready ?? true,
          createdAt: p.createdAt ?? T0
        }
      })
    ),
    inProgress: withIds.flatMap(({ presetId, spec }) => inProgressRows(spec, presetId)),
    pendingCounts: withIds.flatMap(({ presetId, spec }) =>
      spec.pending === undefined || spec.pending === 0 ? [] : [{ presetId, count: spec.pending }]
    ),
    backoffs: withIds.flatMap(({ presetId, spec }) =>
      spec.backoff === undefined ? [] : [{ presetId, ...spec.backoff }]
    ),
    hardLimitedPresetIds: withIds.flatMap(({ presetId, spec }) => spec.hardLimited === true ? [presetId] : [])
  }
}

/** The slice of one preset at `now` (the preset must exist). */
export const sliceOf = (snapshot: Snapshot, presetId: string, now: DateTime.DateTime): PresetSnapshot =>
  Option.getOrThrowWith(
    filterByPreset(snapshot, PresetId.make(presetId), now),
    () => new Error(`no preset ${presetId}`)
  )

/** The slice of a snapshot holding this single preset (id `p1`). */
export const presetAt = (spec: PresetSpec, now: DateTime.DateTime): PresetSnapshot =>
  sliceOf(snapshotOf({ ...spec, id: "p1" }), "p1", now)

export const ids = (...values: ReadonlyArray<string>) => values.map((value) => WorkspaceId.make(value))
