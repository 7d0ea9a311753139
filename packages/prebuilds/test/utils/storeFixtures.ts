/**
 * Hand-built store states: templates with presets, prebuilds in any build/job state, and raw
 * builds for states the store's API never writes by itself (stop builds, canceling jobs).
 */
import * as SqlClient from "@effect/sql/SqlClient"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { randomUUID } from "node:crypto"
import type {
  PresetId,
  ProvisionerJobId,
  ProvisionerJobStatus,
  TemplateId,
  TemplateVersionId,
  UserId,
  WorkspaceId,
  WorkspaceTransition
} from "../../src/Domain.js"
import { SystemUserId } from "../../src/Domain.js"
import * as Settings from "../../src/Settings.js"
import type { Snapshot } from "../../src/Snapshot.js"
import * as Store from "../../src/Store.js"

/** 2024-01-01T00:00:00Z, a Monday. */
export const T0: DateTime.Utc = DateTime.unsafeMake("2024-01-01T00:00:00Z")

/** `T0` shifted by a number of milliseconds. */
export const at = (offsetMillis: number): DateTime.Utc => DateTime.unsafeMake(DateTime.toEpochMillis(T0) + offsetMillis)

export const SECOND = 1000
export const MINUTE = 60 * SECOND
export const HOUR = 60 * MINUTE

/** Test settings: lookback 1h, hard limit 3, backoff interval 5s. */
export const settings: Settings.Settings = Settings.make({ backoffInterval: Duration.seconds(5) })

export const user = (name: string): UserId => `user-${name}` as UserId

/** A preset to import: one prebuild instance by default, no schedules, no diagnostics. */
export const presetImport = (name: string, overrides: Partial<Store.PresetImport> = {}): Store.PresetImport => ({
  name,
  parameters: { region: "eu" },
  desiredInstances: 1,
  ttlSeconds: null,
  schedulingTimezone: "",
  schedules: [],
  isDefault: false,
  validationDiagnostics: [],
  ...overrides
})

export interface VersionFixture {
  readonly templateId: TemplateId
  readonly versionId: TemplateVersionId
  /** Preset ids by name. */
  readonly presets: Readonly<Record<string, PresetId>>
}

const presetIds = (store: Store.StoreShape, versionId: TemplateVersionId) =>
  Effect.map(
    store.presetsOfVersion(versionId),
    (presets) => Object.fromEntries(presets.map((preset) => [preset.name, preset.id]))
  )

/** A version of an existing template (active by default). */
export const importVersion = (
  templateId: TemplateId,
  options: {
    readonly presets?: ReadonlyArray<Store.PresetImport>
    readonly files?: Readonly<Record<string, string | Uint8Array>>
    readonly activate?: boolean
    readonly now?: DateTime.Utc
    readonly name?: string
  } = {}
): Effect.Effect<VersionFixture, Store.StoreError, Store.Store> =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const versionId = yield* store.importVersion({
      templateId,
      name: options.name ?? `v-${randomUUID().slice(0, 8)}`,
      files: options.files ?? { "main.tf": `# ${randomUUID()}` },
      presets: options.presets ?? [presetImport("p")],
      activate: options.activate ?? true,
      now: options.now ?? T0
    })
    return { templateId, versionId, presets: yield* presetIds(store, versionId) }
  })

/** A new template with one active version. */
export const importTemplate = (
  name: string,
  options: Parameters<typeof importVersion>[1] = {}
): Effect.Effect<VersionFixture, Store.StoreError, Store.Store> =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const template = yield* store.createTemplate({ name })
    return yield* importVersion(template.id, options)
  })

/** Sets a job's status directly (and the columns that go with it). */
export const setJobStatus = (
  jobId: ProvisionerJobId,
  status: ProvisionerJobStatus,
  options: { readonly workerId?: string | null; readonly now?: DateTime.Utc } = {}
): Effect.Effect<void, unknown, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const now = DateTime.toEpochMillis(options.now ?? T0)
    const ended = status === "succeeded" || status === "failed" || status === "canceled"
    const picked = status !== "pending"
    const workerId = options.workerId !== undefined ? options.workerId : picked ? "worker-1" : null
    yield* sql`UPDATE provisioner_jobs SET status = ${status}, worker_id = ${workerId},
      started_at = ${picked ? now : null}, completed_at = ${ended ? now : null},
      canceled_at = ${status === "canceled" || status === "canceling" ? now : null}
      WHERE id = ${jobId}`
  })

export interface PrebuildOptions {
  readonly now?: DateTime.Utc
  /** The status of build 1's job (default `succeeded`). */
  readonly status?: ProvisionerJobStatus
  /** Agents written when the job succeeded (none by default: ready). */
  readonly agents?: ReadonlyArray<{ readonly name: string; readonly ready: boolean }>
  readonly name?: string
}

/** A prebuild of the preset created at `now` whose build 1 job has `status`. */
export const prebuild = (
  presetId: PresetId,
  options: PrebuildOptions = {}
): Effect.Effect<Store.CreatedPrebuild, unknown, Store.Store | SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const now = options.now ?? T0
    const created = yield* store.createPrebuild({
      presetId,
      name: options.name ?? `pb-${randomUUID().slice(0, 8)}`,
      now
    })
    const status = options.status ?? "succeeded"
    if (status === "succeeded" || status === "failed" || status === "canceled") {
      yield* store.completeJob(created.jobId, { status, now, agents: options.agents })
    } else if (status !== "pending") {
      yield* setJobStatus(created.jobId, status, { now })
    }
    return created
  })

/**
 * Appends a build (with its job in `status`) to a workspace, as the builder would: version and
 * preset default to the latest build's, the initiator to the system user.
 */
export const addBuild = (
  workspaceId: WorkspaceId,
  options: {
    readonly transition: WorkspaceTransition
    readonly status: ProvisionerJobStatus
    readonly now?: DateTime.Utc
    readonly presetId?: PresetId | null
    readonly versionId?: TemplateVersionId
    readonly initiatorId?: UserId
  }
): Effect.Effect<{ readonly jobId: ProvisionerJobId; readonly buildNumber: number }, unknown, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const latest = yield* sql<Record<string, unknown>>`SELECT build_number, template_version_id, preset_id
      FROM workspace_builds WHERE workspace_id = ${workspaceId} ORDER BY build_number DESC LIMIT 1`
    const buildNumber = Number(latest[0]!.build_number) + 1
    const jobId = randomUUID() as ProvisionerJobId
    const now = DateTime.toEpochMillis(options.now ?? T0)
    yield* sql`INSERT INTO provisioner_jobs (id, status, created_at) VALUES (${jobId}, 'pending', ${now})`
    yield* sql`INSERT INTO workspace_builds (id, workspace_id, template_version_id, build_number, transition,
        preset_id, initiator_id, job_id, orphan, created_at)
      VALUES (${randomUUID()}, ${workspaceId}, ${options.versionId ?? latest[0]!.template_version_id as string},
        ${buildNumber}, ${options.transition},
        ${options.presetId !== undefined ? options.presetId : (latest[0]!.preset_id as string | null)},
        ${options.initiatorId ?? SystemUserId}, ${jobId}, FALSE, ${now})`
    if (options.status !== "pending") yield* setJobStatus(jobId, options.status, { now: options.now ?? T0 })
    return { jobId, buildNumber }
  })

/** Hands a workspace to another owner directly (a claim without the claim build). */
export const setOwner = (
  workspaceId: WorkspaceId,
  ownerId: UserId
): Effect.Effect<void, unknown, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    yield* sql`UPDATE workspaces SET owner_id = ${ownerId} WHERE id = ${workspaceId}`
  })

/** The snapshot at `now`, taken inside the reconcile lock. */
export const snapshotAt = (
  now: DateTime.Utc,
  withSettings: Settings.Settings = settings
): Effect.Effect<Snapshot, Store.StoreError, Store.Store> =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const snapshot = yield* store.withReconcileLock((reads) => reads.snapshot(now, withSettings))
    return Option.getOrThrowWith(snapshot, () => new Error("the reconcile lock was not free"))
  })

/** A counter of SQL statements with a marker, for checks on raw rows. */
export const count = (
  query: string
): Effect.Effect<number, unknown, SqlClient.SqlClient> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql.unsafe<{ readonly n: unknown }>(query)
    return Number(rows[0]!.n)
  })
