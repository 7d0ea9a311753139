/**
 * Rows as the drivers return them → the store's values (ids branded, instants `DateTime.Utc`,
 * booleans and integers normalised across drivers).
 *
 * @internal
 */
import * as DateTime from "effect/DateTime"
import type {
  AgentId,
  AgentLifecycleState,
  OrganizationId,
  PrebuildStatus,
  PresetId,
  ProvisionerJobId,
  ProvisionerJobStatus,
  ProvisionerWorkerId,
  TemplateId,
  TemplateVersionId,
  UserId,
  WorkspaceBuildId,
  WorkspaceId,
  WorkspaceTransition
} from "../Domain.js"
import { Agent, ProvisionerJob, Workspace, WorkspaceBuild } from "../Domain.js"
import type { BuildWithJob, StoredPreset, StoredTemplate, StoredVersion } from "../Store.js"
import { readBoolean, readNullableNumber, readNumber } from "./storeDialect.js"

/**
 * A row of any query: column name → driver value.
 *
 * @internal
 */
export type Row = Readonly<Record<string, unknown>>

/**
 * @internal
 */
export const instant = (millis: unknown): DateTime.Utc => DateTime.unsafeMake(readNumber(millis))

/**
 * @internal
 */
export const nullableInstant = (millis: unknown): DateTime.Utc | null => {
  const value = readNullableNumber(millis)
  return value === null ? null : DateTime.unsafeMake(value)
}

/**
 * @internal
 */
export const nullableString = <A extends string>(value: unknown): A | null =>
  value === null || value === undefined ? null : value as A

/**
 * Columns: `id, organization_id, name, active_version_id, deleted, deprecation_message`.
 *
 * @internal
 */
export const toTemplate = (row: Row): StoredTemplate => ({
  id: row.id as TemplateId,
  organizationId: nullableString<OrganizationId>(row.organization_id),
  name: row.name as string,
  activeVersionId: nullableString<TemplateVersionId>(row.active_version_id),
  deleted: readBoolean(row.deleted),
  deprecationMessage: row.deprecation_message as string
})

/**
 * Columns: `id, template_id, name, files_digest, created_at` (+ `active`).
 *
 * @internal
 */
export const toVersion = (row: Row): StoredVersion => ({
  id: row.id as TemplateVersionId,
  templateId: row.template_id as TemplateId,
  name: row.name as string,
  digest: row.files_digest as string,
  createdAt: instant(row.created_at)
})

/**
 * A JSON array stored as text (diagnostics); anything else (null, not JSON, not an array) is `[]`.
 *
 * @internal
 */
export const parseJsonArray = (text: unknown): ReadonlyArray<unknown> => {
  if (typeof text !== "string") return []
  try {
    const value: unknown = JSON.parse(text)
    return Array.isArray(value) ? value : []
  } catch {
    return []
  }
}

/**
 * A preset row with its parameters and schedules (in declaration order).
 *
 * @internal
 */
export const toPreset = (
  row: Row,
  parameters: Readonly<Record<string, string>>,
  schedules: ReadonlyArray<{ readonly cron: string; readonly instances: number }>
): StoredPreset => ({
  id: row.id as PresetId,
  templateVersionId: row.template_version_id as TemplateVersionId,
  name: row.name as string,
  parameters,
  desiredInstances: readNullableNumber(row.desired_instances),
  ttlSeconds: readNullableNumber(row.ttl_seconds),
  lastInvalidatedAt: nullableInstant(row.last_invalidated_at),
  schedulingTimezone: row.scheduling_timezone as string,
  schedules,
  prebuildStatus: row.prebuild_status as PrebuildStatus,
  isDefault: readBoolean(row.is_default),
  validationDiagnostics: parseJsonArray(row.validation_diagnostics)
})

/**
 * Columns: `id, template_id, owner_id, name, created_at, deleted`.
 *
 * @internal
 */
export const toWorkspace = (row: Row): Workspace =>
  new Workspace({
    id: row.id as WorkspaceId,
    templateId: row.template_id as TemplateId,
    ownerId: row.owner_id as UserId,
    name: row.name as string,
    createdAt: instant(row.created_at),
    deleted: readBoolean(row.deleted)
  }, true)

/**
 * Columns prefixed `b_` (build) and `j_` (job).
 *
 * @internal
 */
export const toBuildWithJob = (row: Row): BuildWithJob => ({
  build: new WorkspaceBuild({
    id: row.b_id as WorkspaceBuildId,
    workspaceId: row.b_workspace_id as WorkspaceId,
    templateVersionId: row.b_template_version_id as TemplateVersionId,
    buildNumber: readNumber(row.b_build_number),
    transition: row.b_transition as WorkspaceTransition,
    presetId: nullableString<PresetId>(row.b_preset_id),
    initiatorId: row.b_initiator_id as UserId,
    jobId: row.j_id as ProvisionerJobId,
    createdAt: instant(row.b_created_at)
  }, true),
  job: toJob(row),
  orphan: readBoolean(row.b_orphan)
})

/**
 * Columns prefixed `j_`.
 *
 * @internal
 */
export const toJob = (row: Row): ProvisionerJob =>
  new ProvisionerJob({
    id: row.j_id as ProvisionerJobId,
    status: row.j_status as ProvisionerJobStatus,
    workerId: nullableString<ProvisionerWorkerId>(row.j_worker_id),
    createdAt: instant(row.j_created_at),
    canceledAt: nullableInstant(row.j_canceled_at),
    completedAt: nullableInstant(row.j_completed_at)
  }, true)

/**
 * The build and job columns `toBuildWithJob` expects, for `b` and `j`.
 *
 * @internal
 */
export const buildWithJobColumns = "b.id AS b_id, b.workspace_id AS b_workspace_id, " +
  "b.template_version_id AS b_template_version_id, b.build_number AS b_build_number, b.transition AS b_transition, " +
  "b.preset_id AS b_preset_id, b.initiator_id AS b_initiator_id, b.orphan AS b_orphan, b.created_at AS b_created_at, " +
  "j.id AS j_id, j.status AS j_status, j.worker_id AS j_worker_id, j.created_at AS j_created_at, " +
  "j.canceled_at AS j_canceled_at, j.completed_at AS j_completed_at"

/**
 * Columns: `id, workspace_id, parent_id, lifecycle_state, deleted`.
 *
 * @internal
 */
export const toAgent = (row: Row): Agent =>
  new Agent({
    id: row.id as AgentId,
    workspaceId: row.workspace_id as WorkspaceId,
    parentId: nullableString<AgentId>(row.parent_id),
    lifecycleState: row.lifecycle_state as AgentLifecycleState,
    deleted: readBoolean(row.deleted)
  }, true)

/**
 * `(name, value)` rows → a record.
 *
 * @internal
 */
export const toRecord = (rows: ReadonlyArray<Row>): Record<string, string> => {
  const record: Record<string, string> = {}
  for (const row of rows) record[row.name as string] = row.value as string
  return record
}
