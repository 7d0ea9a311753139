/**
 * The prebuild domain (`PREBUILDS.md` §1): identifiers, entities and the derived predicates the
 * reconciler, the store and claims share.
 *
 * Conventions:
 * - **Instants** are `DateTime.Utc` (schema `Instant`, encoded as an ISO-8601 string). They come
 *   from `DateTime.now` (Effect's `Clock`), compare and add `Duration`s without unit mistakes, and
 *   encode losslessly for the HTTP API. A store with another column encoding (epoch millis,
 *   driver `Date`s) composes its own row schema onto the same `Type`.
 * - **Nullable columns** are `X | null` (`Schema.NullOr`), as in the store and in the spec's
 *   `number | null` fields; the spec's optional fields (`workerId?`, `canceledAt?`, ...) are
 *   nullable too, so a row decodes and encodes symmetrically.
 * - **Identifiers** are branded strings: the store generates UUIDs, tests may use readable ids.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

// ---------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------

/**
 * The id of an organization: a branded string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OrganizationId = Schema.String.pipe(Schema.brand("OrganizationId"))
/**
 * The decoded type of the `OrganizationId` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type OrganizationId = typeof OrganizationId.Type

/**
 * The id of a template: a branded string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TemplateId = Schema.String.pipe(Schema.brand("TemplateId"))
/**
 * The decoded type of the `TemplateId` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type TemplateId = typeof TemplateId.Type

/**
 * The id of a template version: a branded string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TemplateVersionId = Schema.String.pipe(Schema.brand("TemplateVersionId"))
/**
 * The decoded type of the `TemplateVersionId` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type TemplateVersionId = typeof TemplateVersionId.Type

/**
 * The id of a preset: a branded string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PresetId = Schema.String.pipe(Schema.brand("PresetId"))
/**
 * The decoded type of the `PresetId` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type PresetId = typeof PresetId.Type

/**
 * The id of a workspace: a branded string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkspaceId = Schema.String.pipe(Schema.brand("WorkspaceId"))
/**
 * The decoded type of the `WorkspaceId` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type WorkspaceId = typeof WorkspaceId.Type

/**
 * The id of a workspace build: a branded string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkspaceBuildId = Schema.String.pipe(Schema.brand("WorkspaceBuildId"))
/**
 * The decoded type of the `WorkspaceBuildId` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type WorkspaceBuildId = typeof WorkspaceBuildId.Type

/**
 * The id of a provisioner job: a branded string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ProvisionerJobId = Schema.String.pipe(Schema.brand("ProvisionerJobId"))
/**
 * The decoded type of the `ProvisionerJobId` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type ProvisionerJobId = typeof ProvisionerJobId.Type

/**
 * Identifies the provisioner daemon that picked up a job.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ProvisionerWorkerId = Schema.String.pipe(Schema.brand("ProvisionerWorkerId"))
/**
 * The decoded type of the `ProvisionerWorkerId` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type ProvisionerWorkerId = typeof ProvisionerWorkerId.Type

/**
 * The id of an agent: a branded string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AgentId = Schema.String.pipe(Schema.brand("AgentId"))
/**
 * The decoded type of the `AgentId` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type AgentId = typeof AgentId.Type

/**
 * The id of a user: a branded string.
 *
 * @since 0.1.0
 * @category schemas
 */
export const UserId = Schema.String.pipe(Schema.brand("UserId"))
/**
 * The decoded type of the `UserId` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type UserId = typeof UserId.Type

// ---------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------

/**
 * A point in time, `DateTime.Utc` in memory and an ISO-8601 string when encoded.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Instant = Schema.DateTimeUtc
/**
 * The decoded type of the `Instant` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type Instant = typeof Instant.Type

/**
 * A count of instances or builds: an integer, never negative.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Count = Schema.Int.pipe(Schema.nonNegative())

/**
 * The persisted health of a preset (§3.11). New rows start `healthy`; only a new template
 * version (new rows) brings a preset back to `healthy`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PrebuildStatus = Schema.Literal("healthy", "hard_limited", "validation_failed")
/**
 * The decoded type of the `PrebuildStatus` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type PrebuildStatus = typeof PrebuildStatus.Type

/**
 * What a workspace build does: `start`, `stop` or `delete`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkspaceTransition = Schema.Literal("start", "stop", "delete")
/**
 * The decoded type of the `WorkspaceTransition` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type WorkspaceTransition = typeof WorkspaceTransition.Type

/**
 * A provisioner job's status; `canceling` is transient (a cancel was requested, the worker has
 * not stopped yet).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ProvisionerJobStatus = Schema.Literal(
  "pending",
  "running",
  "succeeded",
  "failed",
  "canceled",
  "canceling"
)
/**
 * The decoded type of the `ProvisionerJobStatus` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type ProvisionerJobStatus = typeof ProvisionerJobStatus.Type

/**
 * An agent's lifecycle state (Coder's names). Only `ready` makes a workspace ready.
 *
 * @since 0.1.0
 * @category schemas
 */
export const AgentLifecycleState = Schema.Literal(
  "created",
  "starting",
  "start_timeout",
  "start_error",
  "ready",
  "shutting_down",
  "shutdown_timeout",
  "shutdown_error",
  "off"
)
/**
 * The decoded type of the `AgentLifecycleState` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type AgentLifecycleState = typeof AgentLifecycleState.Type

// ---------------------------------------------------------------------------
// The system user
// ---------------------------------------------------------------------------

/**
 * The id of the unprivileged system user that owns and initiates every prebuild (same value as
 * Coder's).
 *
 * @since 0.1.0
 * @category constants
 */
export const SystemUserId: UserId = UserId.make("c42fdf75-3097-471c-8c33-fb52454d81c0")

/**
 * The system user's name.
 *
 * @since 0.1.0
 * @category constants
 */
export const SystemUserName = "prebuilds"

// ---------------------------------------------------------------------------
// Entities
// ---------------------------------------------------------------------------

/**
 * Organizations are optional: without one, the metric label `organization_name` is `""`.
 *
 * @since 0.1.0
 * @category models
 */
export class Organization extends Schema.Class<Organization>("Organization")({
  id: OrganizationId,
  name: Schema.String
}) {}

/**
 * A template. `deleted` is a soft delete (its prebuilds drain); a non-empty
 * `deprecationMessage` marks it deprecated (no new prebuilds either).
 *
 * @since 0.1.0
 * @category models
 */
export class Template extends Schema.Class<Template>("Template")({
  id: TemplateId,
  organizationId: Schema.NullOr(OrganizationId),
  name: Schema.String,
  activeVersionId: TemplateVersionId,
  deleted: Schema.Boolean,
  deprecationMessage: Schema.String
}) {}

/**
 * An immutable version of a template's files. A new version has new preset rows.
 *
 * @since 0.1.0
 * @category models
 */
export class TemplateVersion extends Schema.Class<TemplateVersion>("TemplateVersion")({
  id: TemplateVersionId,
  templateId: TemplateId,
  name: Schema.String
}) {}

/**
 * One schedule of a preset: while `cron` matches (in the preset's timezone), the pool size is
 * `instances` (§4).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ScheduleSpec = Schema.Struct({
  cron: Schema.String,
  instances: Count
})
/**
 * The decoded type of the `ScheduleSpec` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type ScheduleSpec = typeof ScheduleSpec.Type

/**
 * A preset of a template version (§1.2).
 *
 * - `desiredInstances`: the base pool size; `null` = not a prebuild preset (never reconciled).
 * - `ttlSeconds`: `null` or `0` = prebuilds never expire.
 * - `schedulingTimezone`: an IANA zone name, `""` = no scheduling.
 * - `schedules`: in declaration order (the first match wins).
 *
 * @since 0.1.0
 * @category models
 */
export class Preset extends Schema.Class<Preset>("Preset")({
  id: PresetId,
  templateVersionId: TemplateVersionId,
  name: Schema.String,
  parameters: Schema.Record({ key: Schema.String, value: Schema.String }),
  desiredInstances: Schema.NullOr(Count),
  ttlSeconds: Schema.NullOr(Count),
  lastInvalidatedAt: Schema.NullOr(Instant),
  schedulingTimezone: Schema.String,
  schedules: Schema.Array(ScheduleSpec),
  prebuildStatus: PrebuildStatus
}) {}

/**
 * A preset's parameter value, as stored.
 *
 * @since 0.1.0
 * @category models
 */
export class PresetParameter extends Schema.Class<PresetParameter>("PresetParameter")({
  presetId: PresetId,
  name: Schema.String,
  value: Schema.String
}) {}

/**
 * A preset's schedule, as stored. `position` is the declaration index (0-based): the store
 * returns a preset's schedules ordered by it, because the first matching schedule wins.
 *
 * @since 0.1.0
 * @category models
 */
export class PresetSchedule extends Schema.Class<PresetSchedule>("PresetSchedule")({
  presetId: PresetId,
  position: Count,
  cron: Schema.String,
  instances: Count
}) {}

/**
 * A workspace. It is a **prebuild** while the system user owns it; a claim changes the owner.
 *
 * @since 0.1.0
 * @category models
 */
export class Workspace extends Schema.Class<Workspace>("Workspace")({
  id: WorkspaceId,
  templateId: TemplateId,
  ownerId: UserId,
  name: Schema.String,
  createdAt: Instant,
  deleted: Schema.Boolean
}) {}

/**
 * A build of a workspace. Build number 1 creates the workspace; the highest number is the
 * latest. A `delete` reuses the previous build's version.
 *
 * @since 0.1.0
 * @category models
 */
export class WorkspaceBuild extends Schema.Class<WorkspaceBuild>("WorkspaceBuild")({
  id: WorkspaceBuildId,
  workspaceId: WorkspaceId,
  templateVersionId: TemplateVersionId,
  buildNumber: Schema.Int.pipe(Schema.positive()),
  transition: WorkspaceTransition,
  presetId: Schema.NullOr(PresetId),
  initiatorId: UserId,
  jobId: ProvisionerJobId,
  createdAt: Instant
}) {}

/**
 * The provisioner job of a build. `pending` with no `workerId` = not yet picked up.
 *
 * @since 0.1.0
 * @category models
 */
export class ProvisionerJob extends Schema.Class<ProvisionerJob>("ProvisionerJob")({
  id: ProvisionerJobId,
  status: ProvisionerJobStatus,
  workerId: Schema.NullOr(ProvisionerWorkerId),
  createdAt: Instant,
  canceledAt: Schema.NullOr(Instant),
  completedAt: Schema.NullOr(Instant)
}) {}

/**
 * An agent of a workspace; `parentId` is set for sub-agents (e.g. dev containers).
 *
 * @since 0.1.0
 * @category models
 */
export class Agent extends Schema.Class<Agent>("Agent")({
  id: AgentId,
  workspaceId: WorkspaceId,
  parentId: Schema.NullOr(AgentId),
  lifecycleState: AgentLifecycleState,
  deleted: Schema.Boolean
}) {}

/**
 * The single global settings row.
 *
 * @since 0.1.0
 * @category models
 */
export class PrebuildsSettings extends Schema.Class<PrebuildsSettings>("PrebuildsSettings")({
  reconciliationPaused: Schema.Boolean
}) {}

// ---------------------------------------------------------------------------
// Derived predicates (§1.3)
// ---------------------------------------------------------------------------

/**
 * A template is deprecated when its deprecation message is non-empty.
 *
 * @since 0.1.0
 * @category guards
 */
export const isDeprecated = (template: { readonly deprecationMessage: string }): boolean =>
  template.deprecationMessage !== ""

/**
 * A version is active when it is its template's active version.
 *
 * @since 0.1.0
 * @category guards
 */
export const isActiveVersion = (
  template: { readonly activeVersionId: TemplateVersionId },
  versionId: TemplateVersionId
): boolean => template.activeVersionId === versionId

/**
 * A workspace is a prebuild when it is not deleted and the system user owns it.
 *
 * @since 0.1.0
 * @category guards
 */
export const isPrebuild = (workspace: { readonly ownerId: UserId; readonly deleted: boolean }): boolean =>
  !workspace.deleted && workspace.ownerId === SystemUserId

/**
 * A preset takes part in reconciliation when it has a base pool size (`0` included).
 *
 * @since 0.1.0
 * @category guards
 */
export const isPrebuildPreset = (preset: { readonly desiredInstances: number | null }): boolean =>
  preset.desiredInstances !== null

/**
 * Readiness from a workspace's agents: every non-deleted top-level agent is `ready`.
 * **warmpool:** a workspace without such agents is ready (its start build succeeded).
 *
 * @since 0.1.0
 * @category utils
 */
export const agentsReady = (
  agents: Iterable<{ readonly parentId: AgentId | null; readonly deleted: boolean; readonly lifecycleState: string }>
): boolean => {
  for (const agent of agents) {
    if (!agent.deleted && agent.parentId === null && agent.lifecycleState !== "ready") return false
  }
  return true
}

/**
 * A job is in progress while `pending` or `running` (§1.3).
 *
 * @since 0.1.0
 * @category guards
 */
export const isInProgress = (status: ProvisionerJobStatus): boolean => status === "pending" || status === "running"

/**
 * The §1.3 predicate of a pending create on a non-active version, minus the version check (which
 * needs the template): build 1, `start`, job `pending` with no worker, neither cancelled nor
 * completed.
 *
 * @since 0.1.0
 * @category guards
 */
export const isUnpickedCreate = (
  build: { readonly buildNumber: number; readonly transition: WorkspaceTransition },
  job: {
    readonly status: ProvisionerJobStatus
    readonly workerId: ProvisionerWorkerId | null
    readonly canceledAt: Instant | null
    readonly completedAt: Instant | null
  }
): boolean =>
  build.buildNumber === 1 && build.transition === "start" && job.status === "pending" && job.workerId === null &&
  job.canceledAt === null && job.completedAt === null
