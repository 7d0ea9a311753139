/**
 * The prebuilds `Store` (`docs/prebuilds.md` §3, §6.3, §7, §8; docs/architecture.md decision 7): templates
 * and their versions (files stored content-addressed), presets, the settings row, the reconcile
 * lock with the seven reads of a cycle, the writes of the reconciler and of claims, provisioner
 * jobs and the store-derived metric counts.
 *
 * One implementation on `@effect/sql`, three layers: {@link layerSqlite} (the embedded default, a
 * file), {@link layerMemory} (`:memory:` SQLite, tests) and {@link layerPg} (PostgreSQL, several
 * replicas). Every method is an `Effect` failing with {@link StoreError}; instants are passed in
 * by callers (who read Effect's `Clock`) and stored as epoch milliseconds.
 *
 * @since 0.1.0
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqliteClient from "@effect/sql-sqlite-node/SqliteClient"
import type * as SqlClient from "@effect/sql/SqlClient"
import { Spans } from "@warmpool/metrics"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as DateTime from "effect/DateTime"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type { ClaimCounts, ClaimRecord } from "./ClaimLog.js"
import type { Policy, PresetPolicy } from "./DemandPolicy.js"
import type {
  Agent,
  OrganizationId,
  PrebuildsSettings,
  PrebuildStatus,
  PresetId,
  ProvisionerJob,
  ProvisionerJobId,
  ProvisionerJobStatus,
  ProvisionerWorkerId,
  ScheduleSpec,
  TemplateId,
  TemplateVersionId,
  UserId,
  Workspace,
  WorkspaceBuild,
  WorkspaceBuildId,
  WorkspaceId,
  WorkspaceTransition
} from "./Domain.js"
import { type DeleteResult, DeleteResult as DeleteResultConstructors } from "./internal/storeDeleteResult.js"
import { fromSqlError, StoreError } from "./internal/storeError.js"
import { withFaults as decorateWithFaults } from "./internal/storeFaults.js"
import { filesDigest as computeFilesDigest } from "./internal/storeFiles.js"
import { makeStore } from "./internal/storeMake.js"
import type { ReapResult as JobLeasesReapResult } from "./JobLeases.js"
import type { Settings } from "./Settings.js"
import type { Snapshot } from "./Snapshot.js"

export {
  /**
   * A failed store operation: `reason` is `Database`, `Conflict`, `NotFound`, `Migration` or
   * `Injected`; `operation` names the method.
   *
   * @since 0.1.0
   * @category errors
   */
  StoreError
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

/**
 * A template as stored. `activeVersionId` is `null` until a version is activated.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredTemplate {
  readonly id: TemplateId
  readonly organizationId: OrganizationId | null
  readonly name: string
  readonly activeVersionId: TemplateVersionId | null
  readonly deleted: boolean
  readonly deprecationMessage: string
}

/**
 * A template version. `digest` identifies its files (see {@link filesDigest}).
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredVersion {
  readonly id: TemplateVersionId
  readonly templateId: TemplateId
  readonly name: string
  readonly digest: string
  readonly createdAt: DateTime.Utc
}

/**
 * A template with its organization's name (`""` without one) and its versions, oldest first.
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateListing extends StoredTemplate {
  readonly organizationName: string
  readonly versions: ReadonlyArray<{
    readonly id: TemplateVersionId
    readonly name: string
    readonly createdAt: DateTime.Utc
    readonly active: boolean
  }>
}

/**
 * One import attempt of a template (issue 16): a new version (`ok`, with the version id) or a
 * change that could not become a version (not `ok`: e.g. an HCL syntax error), with its
 * diagnostics. `source` says where the files came from (`api`, `directory`, `watch`).
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateImportRecord {
  readonly templateId: TemplateId
  readonly templateVersionId: TemplateVersionId | null
  readonly createdAt: DateTime.Utc
  readonly ok: boolean
  readonly source: string
  readonly message: string
  readonly diagnostics: ReadonlyArray<unknown>
}

/**
 * A stored {@link TemplateImportRecord}.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredTemplateImport extends TemplateImportRecord {
  readonly id: string
}

/**
 * A preset extracted from a version's files at import, with the diagnostics of its validation
 * (`docs/prebuilds.md` §6.3). Any diagnostic with `severity: "error"` stores the preset as
 * `validation_failed`; otherwise it starts `healthy`.
 *
 * @since 0.1.0
 * @category models
 */
export interface PresetImport {
  readonly name: string
  readonly parameters: Readonly<Record<string, string>>
  readonly desiredInstances: number | null
  readonly ttlSeconds: number | null
  readonly schedulingTimezone: string
  readonly schedules: ReadonlyArray<ScheduleSpec>
  readonly isDefault: boolean
  readonly validationDiagnostics: ReadonlyArray<unknown>
}

/**
 * The input of {@link StoreShape.importVersion}. File contents are bytes or UTF-8 text.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportVersionInput {
  readonly templateId: TemplateId
  readonly name: string
  readonly files: Readonly<Record<string, Uint8Array | string>>
  readonly presets: ReadonlyArray<PresetImport>
  readonly activate: boolean
  readonly now: DateTime.Utc
}

/**
 * A preset as stored: the fields of `Domain.Preset` plus the import's `isDefault` flag and
 * validation diagnostics.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoredPreset {
  readonly id: PresetId
  readonly templateVersionId: TemplateVersionId
  readonly name: string
  readonly parameters: Readonly<Record<string, string>>
  readonly desiredInstances: number | null
  readonly ttlSeconds: number | null
  readonly lastInvalidatedAt: DateTime.Utc | null
  readonly schedulingTimezone: string
  readonly schedules: ReadonlyArray<ScheduleSpec>
  readonly prebuildStatus: PrebuildStatus
  readonly isDefault: boolean
  readonly validationDiagnostics: ReadonlyArray<unknown>
}

/**
 * A build with its provisioner job. `orphan` deletes skip the provisioner (§3.8 CancelPending).
 *
 * @since 0.1.0
 * @category models
 */
export interface BuildWithJob {
  readonly build: WorkspaceBuild
  readonly job: ProvisionerJob
  readonly orphan: boolean
}

/**
 * The ids written by {@link StoreShape.createPrebuild}.
 *
 * @since 0.1.0
 * @category models
 */
export interface CreatedPrebuild {
  readonly workspaceId: WorkspaceId
  readonly buildId: WorkspaceBuildId
  readonly jobId: ProvisionerJobId
  readonly templateVersionId: TemplateVersionId
}

/**
 * The outcome of {@link StoreShape.deletePrebuild}:
 *
 * - `Enqueued`: a `delete` build and its pending job were written;
 * - `NotOwned`: the system user no longer owns the workspace (probably claimed): nothing written;
 * - `AlreadyDeleted`: the workspace is deleted: nothing written;
 * - `BuildInProgress`: its latest build is still pending, running or canceling: nothing written
 *   (builds never overlap).
 *
 * @since 0.1.0
 * @category models
 */
export type DeletePrebuildResult = DeleteResult

/**
 * Constructors and matchers of {@link DeletePrebuildResult}.
 *
 * @since 0.1.0
 * @category constants
 */
export const DeletePrebuildResult = DeleteResultConstructors

/**
 * The input of {@link StoreShape.claim} (§7).
 *
 * @since 0.1.0
 * @category models
 */
export interface ClaimInput {
  readonly templateId: TemplateId
  readonly presetId: PresetId
  readonly userId: UserId
  /** The workspace's new name. */
  readonly name: string
  readonly now: DateTime.Utc
  /** The claim build's parameter values; the preset's values when absent. */
  readonly parameters?: Readonly<Record<string, string>> | undefined
}

/**
 * A claimed prebuild: the workspace as it is now (owned by the user) and its claim build.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClaimedPrebuild {
  readonly workspace: Workspace
  readonly buildId: WorkspaceBuildId
  readonly buildNumber: number
  readonly jobId: ProvisionerJobId
  readonly templateVersionId: TemplateVersionId
}

/**
 * A job handed to a provisioner, with what it needs to run it.
 *
 * @since 0.1.0
 * @category models
 */
export interface AcquiredJob extends BuildWithJob {
  readonly workspace: Workspace
  readonly templateName: string
  readonly organizationId: OrganizationId | null
  readonly parameters: Readonly<Record<string, string>>
}

/**
 * How a job ended. `agents` (optional) replaces the workspace's set of agents: each named agent
 * is created or updated (`ready` → `ready`, else `starting`) and the others are marked deleted.
 *
 * @since 0.1.0
 * @category models
 */
export interface JobCompletion {
  readonly status: "succeeded" | "failed" | "canceled"
  readonly now: DateTime.Utc
  readonly agents?: ReadonlyArray<{ readonly name: string; readonly ready: boolean }> | undefined
  readonly error?: string | undefined
  /**
   * The worker reporting it: when given, the job must still be that worker's (a job whose lease
   * was reaped and handed to another worker is a `Conflict`).
   */
  readonly workerId?: ProvisionerWorkerId | undefined
  /**
   * The provisioner's output, stored with the build (capped per build, pruned beyond the
   * retention limit: {@link StoreOptions.buildLogs}).
   */
  readonly logs?: {
    readonly stdout: string
    readonly stderr: string
    /** The provisioner already dropped output (it keeps tails too). */
    readonly truncated?: boolean | undefined
  } | undefined
}

/**
 * Options of {@link StoreShape.acquireJob}.
 *
 * @since 0.1.0
 * @category models
 */
export interface AcquireOptions {
  /** The job's lease ends then unless renewed (default: 30 s after `now`). */
  readonly leaseUntil?: DateTime.Utc | undefined
  /**
   * Prebuild jobs of one preset in flight at most (on `ownWorkers`, or on any worker); claim
   * builds are never capped. Default: no cap.
   */
  readonly perPresetLimit?: number | undefined
  /** The workers whose jobs count as in flight for the cap and the turn order (default: all). */
  readonly ownWorkers?: ReadonlyArray<ProvisionerWorkerId> | undefined
}

/**
 * Options of {@link StoreShape.reapJobs}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReapOptions {
  readonly now: DateTime.Utc
  /**
   * Every worker that may still run a job. When given, running jobs of any other worker are
   * reaped whatever their lease (a SQLite file has one writer: at start-up every other worker is
   * gone). When absent, only expired leases are reaped.
   */
  readonly liveWorkers?: ReadonlyArray<ProvisionerWorkerId> | undefined
}

/**
 * The outcome of {@link StoreShape.cancelBuild}: `canceled` (the job had not been picked up) or
 * `canceling` (its worker stops it).
 *
 * @since 0.1.0
 * @category models
 */
export interface CanceledBuild {
  readonly buildId: WorkspaceBuildId
  readonly jobId: ProvisionerJobId
  readonly status: "canceled" | "canceling"
}

/**
 * The one-writer lock of a SQLite file (see {@link StoreOptions.writerLock}).
 *
 * @since 0.1.0
 * @category models
 */
export interface WriterLockOptions {
  /** Who holds it, as shown to a refused process (e.g. `host:pid`). */
  readonly holder: string
  /** How long the lock stays held without renewal. */
  readonly lease: Duration.Duration
  /** How often the holder renews it (shorter than `lease`). */
  readonly renewEvery: Duration.Duration
  /** Whether a recorded holder is known to be gone (e.g. no such process on this host). */
  readonly holderGone?: ((holder: string) => boolean) | undefined
}

/**
 * The store-derived counters of §8 for one (template name, preset name, organization name).
 *
 * @since 0.1.0
 * @category models
 */
export interface PrebuildCount {
  readonly templateName: string
  readonly presetName: string
  readonly organizationName: string
  /** Build-1 builds initiated by the system user, any outcome (deleted templates excluded). */
  readonly created: number
  /** Those whose job failed. */
  readonly failed: number
  /** Those whose workspace someone else owns now. */
  readonly claimed: number
}

/**
 * The reads available inside the reconcile lock; on PostgreSQL they run in the lock's
 * read-only repeatable-read transaction (one consistent view for the whole cycle).
 *
 * @since 0.1.0
 * @category models
 */
export interface SnapshotReads {
  /** The seven reads of §3.4 at `now`, with the settings' lookback and hard limit. */
  readonly snapshot: (now: DateTime.Utc, settings: Settings) => Effect.Effect<Snapshot, StoreError>
  /** The settings row (read 0: the pause flag). */
  readonly settings: () => Effect.Effect<PrebuildsSettings, StoreError>
}

/**
 * A filter of {@link StoreShape.workspaces}.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkspaceFilter {
  readonly templateId?: TemplateId | undefined
  readonly ownerId?: UserId | undefined
  readonly includeDeleted?: boolean | undefined
}

/**
 * A filter of {@link StoreShape.listBuilds}: every given field must match; newest first,
 * `limit` (default 50) builds from `offset` (default 0).
 *
 * @since 0.1.0
 * @category models
 */
export interface BuildFilter {
  readonly status?: ProvisionerJobStatus | undefined
  readonly templateId?: TemplateId | undefined
  readonly templateName?: string | undefined
  readonly presetId?: PresetId | undefined
  readonly presetName?: string | undefined
  readonly workspaceId?: WorkspaceId | undefined
  readonly limit?: number | undefined
  readonly offset?: number | undefined
}

/**
 * A build as operators inspect it: its workspace, template, version and preset by id and name,
 * its job's status and times, the job's error (a failed command's stderr tail) and whether its
 * output was kept.
 *
 * @since 0.1.0
 * @category models
 */
export interface BuildSummary {
  readonly id: WorkspaceBuildId
  readonly workspaceId: WorkspaceId
  readonly workspaceName: string
  readonly ownerId: UserId
  readonly templateId: TemplateId
  readonly templateName: string
  readonly templateVersionId: TemplateVersionId
  readonly templateVersionName: string
  readonly presetId: PresetId | null
  readonly presetName: string | null
  readonly buildNumber: number
  readonly transition: WorkspaceTransition
  readonly initiatorId: UserId
  readonly status: ProvisionerJobStatus
  readonly createdAt: DateTime.Utc
  readonly startedAt: DateTime.Utc | null
  readonly completedAt: DateTime.Utc | null
  readonly error: string | null
  readonly hasLogs: boolean
}

/**
 * A build's stored provisioner output. `stored` is `false` when none was kept (no output yet,
 * pruned by the retention limit, or a build that never ran).
 *
 * @since 0.1.0
 * @category models
 */
export interface BuildLogs {
  readonly buildId: WorkspaceBuildId
  readonly stdout: string
  readonly stderr: string
  readonly truncated: boolean
  readonly stored: boolean
  readonly storedAt: DateTime.Utc | null
}

/**
 * A workspace's state, from its latest build: in progress (`starting`, `stopping`, `deleting`),
 * or how that build ended (`running`, `stopped`, `deleted`, `failed`, `canceled`).
 *
 * @since 0.1.0
 * @category models
 */
export type WorkspaceState =
  | "starting"
  | "running"
  | "stopping"
  | "stopped"
  | "deleting"
  | "deleted"
  | "failed"
  | "canceled"

/**
 * A filter of {@link StoreShape.listWorkspaces}.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkspaceSummaryFilter {
  readonly templateId?: TemplateId | undefined
  readonly templateName?: string | undefined
  readonly presetId?: PresetId | undefined
  readonly presetName?: string | undefined
  readonly state?: WorkspaceState | undefined
  readonly includeDeleted?: boolean | undefined
}

/**
 * A workspace with its template, current preset and latest build.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkspaceSummary {
  readonly id: WorkspaceId
  readonly name: string
  readonly ownerId: UserId
  /** The system user owns it. */
  readonly prebuild: boolean
  readonly templateId: TemplateId
  readonly templateName: string
  readonly templateVersionId: TemplateVersionId
  readonly presetId: PresetId | null
  readonly presetName: string | null
  readonly createdAt: DateTime.Utc
  readonly state: WorkspaceState
  /** Running and every top-level agent ready. */
  readonly ready: boolean
  readonly latestBuildId: WorkspaceBuildId
  readonly latestBuildNumber: number
  /** The latest build's error when it failed. */
  readonly error: string | null
}

/**
 * The outcome of {@link StoreShape.resumePreset}.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResumeResult {
  readonly presetId: PresetId
  readonly templateVersionId: TemplateVersionId
  readonly previousStatus: PrebuildStatus
  /** `healthy`, or `validation_failed` (which only a new version clears). */
  readonly status: PrebuildStatus
  /** The quarantine reason cleared, if the version was quarantined. */
  readonly clearedQuarantine: string | null
}

/**
 * The outcome of {@link StoreShape.recordRenderOverrun}.
 *
 * @since 0.1.0
 * @category models
 */
export interface OverrunResult {
  /** Overruns counted for the version (since its import or its last resume). */
  readonly overruns: number
  readonly quarantined: boolean
  readonly reason: string | null
  /** This overrun put the version in quarantine. */
  readonly newlyQuarantined: boolean
}

// ---------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------

/**
 * The operations of the `Store` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoreShape {
  /** `sqlite` or `pg`. */
  readonly dialect: "sqlite" | "pg"
  /** The connection pool's size (1 on SQLite), for the per-preset concurrency (§3.13). */
  readonly maxConnections: number

  // Readiness
  /** Succeeds when the database answers. */
  readonly ping: Effect.Effect<void, StoreError>
  /** Whether every migration has been applied. */
  readonly migrationsApplied: Effect.Effect<boolean, StoreError>

  // Organizations, templates and versions
  /** The organization with this name, created when missing. */
  readonly ensureOrganization: (name: string) => Effect.Effect<OrganizationId, StoreError>
  /** A new template (`Conflict` when a live template of the organization has the name). */
  readonly createTemplate: (input: {
    readonly name: string
    readonly organizationId?: OrganizationId | null | undefined
  }) => Effect.Effect<StoredTemplate, StoreError>
  /** The live template with this name in the organization, created when missing. */
  readonly ensureTemplate: (
    name: string,
    organizationId?: OrganizationId | null
  ) => Effect.Effect<StoredTemplate, StoreError>
  readonly template: (id: TemplateId) => Effect.Effect<Option.Option<StoredTemplate>, StoreError>
  /** Templates (deleted ones only on request) with their versions, by name. */
  readonly listTemplates: (options?: {
    readonly includeDeleted?: boolean | undefined
  }) => Effect.Effect<ReadonlyArray<TemplateListing>, StoreError>
  /** Soft-deletes a template: its prebuilds drain, its presets create nothing. */
  readonly deleteTemplate: (id: TemplateId) => Effect.Effect<void, StoreError>
  /** Sets the deprecation message (`""` lifts the deprecation). */
  readonly deprecateTemplate: (id: TemplateId, message: string) => Effect.Effect<void, StoreError>
  /**
   * Stores a version: its files (blobs deduplicated by SHA-256), its presets (status from their
   * validation diagnostics) and, when `activate`, makes it the active version. One transaction.
   * A template has one version per set of files: importing files that are already stored (also
   * by a concurrent replica) returns that version.
   */
  readonly importVersion: (input: ImportVersionInput) => Effect.Effect<TemplateVersionId, StoreError>
  /** Makes a version of the template its active version. */
  readonly activateVersion: (templateId: TemplateId, versionId: TemplateVersionId) => Effect.Effect<void, StoreError>
  readonly templateVersion: (id: TemplateVersionId) => Effect.Effect<Option.Option<StoredVersion>, StoreError>
  /** The files of a version (`NotFound` for an unknown version). */
  readonly versionFiles: (id: TemplateVersionId) => Effect.Effect<Record<string, Uint8Array>, StoreError>
  /** The newest version of the template with exactly these files (see {@link filesDigest}). */
  readonly findVersionByDigest: (
    templateId: TemplateId,
    digest: string
  ) => Effect.Effect<Option.Option<TemplateVersionId>, StoreError>

  /** Records an import attempt (issue 16); returns its id. */
  readonly recordTemplateImport: (record: TemplateImportRecord) => Effect.Effect<string, StoreError>
  /** The template's import attempts, newest first (at most `limit`, default 100). */
  readonly templateImports: (
    templateId: TemplateId,
    limit?: number
  ) => Effect.Effect<ReadonlyArray<StoredTemplateImport>, StoreError>

  // Presets
  readonly presetsOfVersion: (versionId: TemplateVersionId) => Effect.Effect<ReadonlyArray<StoredPreset>, StoreError>
  readonly presetById: (id: PresetId) => Effect.Effect<Option.Option<StoredPreset>, StoreError>
  /**
   * Moves a preset's status along §3.11 and returns the stored status afterwards. Idempotent.
   * `healthy → hard_limited` and `healthy | hard_limited → validation_failed` are applied
   * (diagnostics replace the stored ones when given); `validation_failed → hard_limited` leaves
   * it `validation_failed`; going back to `healthy` is a `Conflict` (only a new version does that).
   */
  readonly setPresetStatus: (
    id: PresetId,
    status: PrebuildStatus,
    diagnostics?: ReadonlyArray<unknown>
  ) => Effect.Effect<PrebuildStatus, StoreError>
  /** Sets `lastInvalidatedAt = now` (§5). */
  readonly invalidatePreset: (id: PresetId, now: DateTime.Utc) => Effect.Effect<void, StoreError>

  // Settings
  readonly settings: () => Effect.Effect<PrebuildsSettings, StoreError>
  readonly setPaused: (paused: boolean) => Effect.Effect<void, StoreError>

  // The reconcile lock
  /**
   * Runs `body` if this caller wins the reconcile lock (§3.2), `None` when another holder has
   * it. PostgreSQL: a read-only repeatable-read transaction holding
   * `pg_try_advisory_xact_lock`; `reads` go through it, and it ends (releasing the lock) after
   * `body`. SQLite: a process-local try-lock. Writes made by `body` always run in short
   * transactions of their own, on other connections.
   */
  readonly withReconcileLock: <A, E, R>(
    body: (reads: SnapshotReads) => Effect.Effect<A, E, R>
  ) => Effect.Effect<Option.Option<A>, E | StoreError, R>

  // Writes of the reconciler (each its own transaction)
  /**
   * Creates one prebuild of a preset on its template's active version: the workspace (owned by
   * the system user), build 1 `start` with the preset id and `parameters` (the preset's values
   * when absent), and its pending job. `Conflict` when the preset's version is not active or
   * the template is deleted.
   */
  readonly createPrebuild: (input: {
    readonly presetId: PresetId
    readonly name: string
    readonly now: DateTime.Utc
    readonly parameters?: Readonly<Record<string, string>> | undefined
  }) => Effect.Effect<CreatedPrebuild, StoreError>
  /** Enqueues a `delete` build of a prebuild after re-reading (and locking) it. */
  readonly deletePrebuild: (workspaceId: WorkspaceId, now: DateTime.Utc) => Effect.Effect<
    DeletePrebuildResult,
    StoreError
  >
  /**
   * §3.8 CancelPending: cancels the preset's build-1 creates still pending (unpicked) on a
   * non-active version, and deletes each affected workspace with an orphan `delete` build that
   * completes at once (no provisioner). Returns the number of cancelled jobs.
   */
  readonly cancelPending: (presetId: PresetId, now: DateTime.Utc) => Effect.Effect<number, StoreError>
  /** Hands the oldest claimable prebuild of the preset to a user (§7), with its claim build. */
  readonly claim: (input: ClaimInput) => Effect.Effect<Option.Option<ClaimedPrebuild>, StoreError>

  // Jobs, builds and agents
  /**
   * Takes a pending job for `workerId` (marks it `running` under a lease, not yet started):
   * claim builds first, then prebuild deletes (issue 16), then presets in turn (fewest jobs in
   * flight first, optionally capped), then the oldest.
   */
  readonly acquireJob: (
    workerId: ProvisionerWorkerId,
    now: DateTime.Utc,
    options?: AcquireOptions
  ) => Effect.Effect<Option.Option<AcquiredJob>, StoreError>
  /**
   * Renews the lease of a job `workerId` holds (the first renewal also records that the job
   * started). `None` when the job is no longer the worker's; else its status (`canceling`: stop).
   */
  readonly renewJobLease: (
    jobId: ProvisionerJobId,
    workerId: ProvisionerWorkerId,
    now: DateTime.Utc,
    leaseUntil: DateTime.Utc
  ) => Effect.Effect<Option.Option<"running" | "canceling">, StoreError>
  /**
   * The reaper (issue 17): jobs whose lease expired (or whose worker is not live) go back to
   * pending when they never started, fail with `lease expired: worker <id> stopped heartbeating`
   * when they did, or end canceled when a cancel was asked; a reaped prebuild create or delete
   * gets a `delete` build. One transaction.
   */
  readonly reapJobs: (options: ReapOptions) => Effect.Effect<JobLeasesReapResult, StoreError>
  /** Cancels a build's job (`NotFound`, or `Conflict` when it has ended). */
  readonly cancelBuild: (buildId: WorkspaceBuildId, now: DateTime.Utc) => Effect.Effect<CanceledBuild, StoreError>
  /**
   * Ends a pending or running job (`Conflict` when it has already ended). A succeeded `delete`
   * marks the workspace and its agents deleted.
   */
  readonly completeJob: (jobId: ProvisionerJobId, completion: JobCompletion) => Effect.Effect<
    ProvisionerJob,
    StoreError
  >
  /**
   * Sets the readiness of a workspace's live agents (all of them, or the one named); returns
   * how many changed.
   */
  readonly setAgentReady: (
    workspaceId: WorkspaceId,
    ready: boolean,
    agentName?: string
  ) => Effect.Effect<number, StoreError>
  readonly agents: (workspaceId: WorkspaceId) => Effect.Effect<ReadonlyArray<Agent>, StoreError>
  /** Prebuild jobs (creates and deletes of the system user) no provisioner has picked up yet. */
  readonly pendingPrebuildJobs: () => Effect.Effect<number, StoreError>
  /** Jobs waiting for a provisioner (pending, not cancelled), oldest first. */
  readonly pendingJobs: () => Effect.Effect<ReadonlyArray<BuildWithJob>, StoreError>
  readonly buildParameters: (buildId: WorkspaceBuildId) => Effect.Effect<Record<string, string>, StoreError>
  readonly latestBuild: (workspaceId: WorkspaceId) => Effect.Effect<Option.Option<BuildWithJob>, StoreError>
  readonly workspace: (id: WorkspaceId) => Effect.Effect<Option.Option<Workspace>, StoreError>
  /** Workspaces (live ones unless `includeDeleted`), oldest first. */
  readonly workspaces: (filter?: WorkspaceFilter) => Effect.Effect<ReadonlyArray<Workspace>, StoreError>

  // Visibility (issue 12) and quarantine (issue 11)
  /** Builds matching the filter, newest first, paginated. */
  readonly listBuilds: (filter?: BuildFilter) => Effect.Effect<ReadonlyArray<BuildSummary>, StoreError>
  readonly build: (id: WorkspaceBuildId) => Effect.Effect<Option.Option<BuildSummary>, StoreError>
  /** A build's stored output (`None` for an unknown build). */
  readonly buildLogs: (id: WorkspaceBuildId) => Effect.Effect<Option.Option<BuildLogs>, StoreError>
  /** Workspaces with their latest build's state, oldest first. */
  readonly listWorkspaces: (
    filter?: WorkspaceSummaryFilter
  ) => Effect.Effect<ReadonlyArray<WorkspaceSummary>, StoreError>
  /**
   * Lifts a preset's hard limit (failed builds before `now` stop counting towards the backoff
   * and the hard limit) and clears its version's quarantine. `validation_failed` stays.
   */
  readonly resumePreset: (id: PresetId, now: DateTime.Utc) => Effect.Effect<ResumeResult, StoreError>
  /**
   * Counts a render of the version that exceeded a budget or a deadline; at `threshold` the
   * version is quarantined with `reason` (its presets create nothing until a resume or a new
   * version).
   */
  readonly recordRenderOverrun: (
    versionId: TemplateVersionId,
    reason: string,
    threshold: number,
    now: DateTime.Utc
  ) => Effect.Effect<OverrunResult, StoreError>
  /** The version's quarantine reason, if quarantined. */
  readonly quarantineOf: (versionId: TemplateVersionId) => Effect.Effect<Option.Option<string>, StoreError>

  // Metrics
  /** The store-derived counters of §8, by (template, preset, organization) name. */
  readonly prebuildCounts: () => Effect.Effect<ReadonlyArray<PrebuildCount>, StoreError>

  // Demand (issue 16): the claim log and demand policies, by template and preset name
  /** Records a claim (hit or miss); claims older than 7 days are pruned. */
  readonly recordClaim: (record: ClaimRecord) => Effect.Effect<void, StoreError>
  /** Recorded claims, newest first (default limit 100). */
  readonly listClaims: (filter?: {
    readonly templateName?: string | undefined
    readonly presetName?: string | undefined
    readonly limit?: number | undefined
  }) => Effect.Effect<ReadonlyArray<ClaimRecord>, StoreError>
  /** Claims and misses per preset over 5 min, 15 min, 1 h and 24 h before `now` (claimed presets only). */
  readonly claimCounts: (now: DateTime.Utc) => Effect.Effect<ReadonlyArray<ClaimCounts>, StoreError>
  /** Every demand policy. */
  readonly policies: () => Effect.Effect<ReadonlyArray<PresetPolicy>, StoreError>
  /** Sets a preset's demand policy (validated by `DemandPolicy.make`), replacing any. */
  readonly setPolicy: (
    templateName: string,
    presetName: string,
    policy: Policy,
    now: DateTime.Utc
  ) => Effect.Effect<PresetPolicy, StoreError>
  /** Removes a preset's demand policy; whether it had one. */
  readonly deletePolicy: (templateName: string, presetName: string) => Effect.Effect<boolean, StoreError>
}

/**
 * The `Store` service tag; its operations are {@link StoreShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class Store extends Context.Tag("@warmpool/prebuilds/Store")<Store, StoreShape>() {}

/**
 * The digest identifying a set of files: SHA-256 over the path-sorted `(path, sha256(content))`
 * pairs, each field length-prefixed (an injective encoding). Equal digests ⇔ equal files.
 *
 * @since 0.1.0
 * @category utils
 */
export const filesDigest: (files: Readonly<Record<string, Uint8Array | string>>) => string = computeFilesDigest

// ---------------------------------------------------------------------------
// Layers
// ---------------------------------------------------------------------------

/**
 * Options of every store constructor.
 *
 * @since 0.1.0
 * @category models
 */
export interface StoreOptions {
  /** Run the migrations when the store starts (default `true`). */
  readonly migrate?: boolean | undefined
  /**
   * PostgreSQL: the advisory lock id of the reconcile lock. Default: derived from the
   * connection's current schema, so deployments in separate schemas of one database never
   * contend; replicas of one deployment share it.
   */
  readonly reconcileLockId?: bigint | undefined
  /**
   * SQLite files: hold the one-writer lock while the store is open, so that a second process on
   * the same file is refused (a `Conflict` naming the holder). Off by default (tools that only
   * read a live server's file must not take it).
   */
  readonly writerLock?: WriterLockOptions | undefined
  /**
   * Stored build output: bytes kept per build (default 64 KiB, the tail) and the number of
   * builds whose output is kept (default 1,000; older output is pruned).
   */
  readonly buildLogs?: {
    readonly maxBytes?: number | undefined
    readonly retain?: number | undefined
  } | undefined
}

/**
 * The store on the `SqlClient` of the context (SQLite or PostgreSQL).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: StoreOptions = {}
): Effect.Effect<StoreShape, StoreError, SqlClient.SqlClient | Scope.Scope> =>
  Effect.flatMap(makeStore(options), (store) => Spans.traced("Store", store))

/**
 * The store on the `SqlClient` provided to the layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: StoreOptions = {}): Layer.Layer<Store, StoreError, SqlClient.SqlClient> =>
  Layer.scoped(Store, make(options))

/**
 * Options of {@link layerSqlite}.
 *
 * @since 0.1.0
 * @category models
 */
export interface SqliteOptions extends StoreOptions {
  /** A database file (created when missing), or `:memory:`. */
  readonly filename: string
}

/**
 * The SQLite client the store uses (exported so that tests and tools can share it).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSqliteClient = (filename: string): Layer.Layer<SqlClient.SqlClient, StoreError> =>
  SqliteClient.layer({ filename }).pipe(
    Layer.mapError((error) =>
      new StoreError({ operation: "open", reason: "Database", message: String(error), cause: error })
    )
  )

/**
 * The embedded store: SQLite in one file (one process).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSqlite = (options: SqliteOptions): Layer.Layer<Store, StoreError> =>
  layer(options).pipe(Layer.provide(layerSqliteClient(options.filename)))

/**
 * An in-memory SQLite store (tests, `warmpool simulate`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (options: StoreOptions = {}): Layer.Layer<Store, StoreError> =>
  layerSqlite({ ...options, filename: ":memory:" })

/**
 * {@link layerSqlite} with options read from configuration, as `@effect/sql`'s clients take
 * theirs: a `Config` of the whole options or a record of one `Config` per option. The
 * application decides the names.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerSqliteConfig = (
  config: Config.Config.Wrap<SqliteOptions>
): Layer.Layer<Store, StoreError | ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(config), layerSqlite))

/**
 * Options of {@link layerPg}.
 *
 * @since 0.1.0
 * @category models
 */
export interface PgOptions extends StoreOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string | Redacted.Redacted
  /** Pool size (default 10). The reconcile lock holds one connection for a whole cycle. */
  readonly maxConnections?: number | undefined
  /** A schema to use instead of the default search path (it must exist). */
  readonly schema?: string | undefined
}

const withSchema = (url: string, schema: string | undefined): string => {
  if (schema === undefined) return url
  const parsed = new URL(url)
  parsed.searchParams.set("options", `-c search_path=${schema}`)
  return parsed.toString()
}

/**
 * The PostgreSQL client the store uses (exported so that tests and tools can share it).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPgClient = (options: PgOptions): Layer.Layer<SqlClient.SqlClient, StoreError> => {
  const url = typeof options.url === "string" ? options.url : Redacted.value(options.url)
  return PgClient.layer({
    url: Redacted.make(withSchema(url, options.schema)),
    maxConnections: options.maxConnections ?? 10,
    applicationName: "warmpool"
  }).pipe(Layer.mapError((error) => fromSqlError("open", error)))
}

/**
 * The store on PostgreSQL (several replicas may share it).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPg = (options: PgOptions): Layer.Layer<Store, StoreError> =>
  layer(options).pipe(Layer.provide(layerPgClient(options)))

/**
 * {@link layerPg} with options read from configuration (as {@link layerSqliteConfig}); the
 * URL may be a `Config.redacted`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerPgConfig = (
  config: Config.Config.Wrap<PgOptions>
): Layer.Layer<Store, StoreError | ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(config), layerPg))

// ---------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------

/**
 * Options of {@link withFaults}.
 *
 * @since 0.1.0
 * @category models
 */
export interface FaultOptions {
  /**
   * The probability that a call fails, read on every call (an `Effect`, e.g. a `Ref`'s `get`,
   * lets a test stop the faults).
   */
  readonly rate: number | Effect.Effect<number>
  /**
   * Where a write fails: `before` it runs (nothing written, the default), `after` it committed
   * (written, but reported failed), or `either` (half each).
   */
  readonly when?: "before" | "after" | "either" | undefined
}

/**
 * The store with injected failures (`StoreError` with reason `Injected`) for fault tests: each
 * call, including the lock and the reads inside it, fails with probability `rate`, drawn from
 * Effect's `Random` (seed it with `Effect.withRandom(Random.make(seed))` for a reproducible run).
 *
 * @since 0.1.0
 * @category utils
 */
export const withFaults: (store: StoreShape, options: FaultOptions) => StoreShape = decorateWithFaults

/**
 * A layer replacing the `Store` of its input with {@link withFaults}.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithFaults = (options: FaultOptions): Layer.Layer<Store, never, Store> =>
  Layer.effect(Store, Effect.map(Store, (store) => withFaults(store, options)))
