/**
 * What operators inspect (issue 12): builds with their job's outcome and the provisioner's
 * output, workspaces with the state of their latest build, resuming a preset, and the render
 * overruns that quarantine a template version (issue 11). Kept apart from the reconciler's
 * queries so that the hot path of a cycle does not grow.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type {
  PrebuildStatus,
  PresetId,
  ProvisionerJobStatus,
  TemplateId,
  TemplateVersionId,
  UserId,
  WorkspaceBuildId,
  WorkspaceId,
  WorkspaceTransition
} from "../Domain.js"
import { SystemUserId } from "../Domain.js"
import type {
  BuildFilter,
  BuildLogs,
  BuildSummary,
  OverrunResult,
  ResumeResult,
  WorkspaceState,
  WorkspaceSummary,
  WorkspaceSummaryFilter
} from "../Store.js"
import type { StoreContext } from "./storeContext.js"
import { bindBoolean, readBoolean, readNullableNumber, readNumber } from "./storeDialect.js"
import { notFound, type StoreError } from "./storeError.js"
import { instant, nullableInstant, nullableString, type Row } from "./storeRows.js"
import { hasUnreadyAgent, isLatestBuild } from "./storeSql.js"

type Op<A> = Effect.Effect<A, SqlError | StoreError>

/**
 * The caps of stored build output.
 *
 * @internal
 */
export interface BuildLogLimits {
  /** Bytes kept per build (stdout and stderr together; each keeps its tail). */
  readonly maxBytes: number
  /** Builds whose output is kept; older output is pruned when a new one is stored. */
  readonly retain: number
}

/**
 * 64 KiB per build, the newest 1,000 builds.
 *
 * @internal
 */
export const defaultBuildLogLimits: BuildLogLimits = { maxBytes: 64 * 1024, retain: 1000 }

const encoder = new TextEncoder()

/**
 * The last `maxBytes` bytes of `text` (UTF-8), without a character cut in half.
 *
 * @internal
 */
export const utf8Tail = (text: string, maxBytes: number): { readonly text: string; readonly truncated: boolean } => {
  const bytes = encoder.encode(text)
  if (bytes.length <= maxBytes) return { text, truncated: false }
  let start = bytes.length - Math.max(maxBytes, 0)
  while (start < bytes.length && (bytes[start]! & 0xc0) === 0x80) start++
  return { text: Buffer.from(bytes.subarray(start)).toString("utf8"), truncated: true }
}

/**
 * Stores a build's output (capped) and prunes the output of builds beyond the retention limit.
 * Runs inside the caller's write transaction.
 *
 * @internal
 */
export const saveBuildLogs = (
  { sql }: StoreContext,
  buildId: WorkspaceBuildId,
  logs: { readonly stdout: string; readonly stderr: string; readonly truncated?: boolean | undefined },
  now: DateTime.Utc,
  limits: BuildLogLimits
): Effect.Effect<void, SqlError> =>
  Effect.gen(function*() {
    // stderr carries the failure: it gets the larger share when both are long.
    const stderrBytes = encoder.encode(logs.stderr).length
    const stdoutShare = Math.max(limits.maxBytes - Math.min(stderrBytes, Math.ceil(limits.maxBytes * 3 / 4)), 0)
    const stdout = utf8Tail(logs.stdout, stdoutShare)
    const stderr = utf8Tail(logs.stderr, limits.maxBytes - encoder.encode(stdout.text).length)
    const truncated = stdout.truncated || stderr.truncated || logs.truncated === true
    yield* sql`DELETE FROM build_logs WHERE build_id = ${buildId}`
    yield* sql`INSERT INTO build_logs ${
      sql.insert({
        build_id: buildId,
        created_at: DateTime.toEpochMillis(now),
        stdout: stdout.text,
        stderr: stderr.text,
        truncated: bindBoolean(truncated)
      })
    }`
    yield* sql`DELETE FROM build_logs WHERE build_id NOT IN (
      SELECT k.build_id FROM build_logs k ORDER BY k.created_at DESC, k.build_id DESC LIMIT ${
      Math.max(limits.retain, 1)
    }
    )`
  })

/**
 * The state of a workspace from its latest build: in progress per transition, or how it ended.
 *
 * @internal
 */
export const workspaceStateOf = (
  transition: WorkspaceTransition,
  status: ProvisionerJobStatus,
  deleted: boolean
): WorkspaceState => {
  if (deleted) return "deleted"
  switch (status) {
    case "pending":
    case "running":
    case "canceling":
      return transition === "start" ? "starting" : transition === "stop" ? "stopping" : "deleting"
    case "failed":
      return "failed"
    case "canceled":
      return "canceled"
    case "succeeded":
      return transition === "start" ? "running" : transition === "stop" ? "stopped" : "deleted"
  }
}

const buildColumns = `b.id AS build_id, b.workspace_id, w.name AS workspace_name, w.owner_id,
  t.id AS template_id, t.name AS template_name, b.template_version_id, v.name AS version_name,
  b.preset_id, p.name AS preset_name, b.build_number, b.transition, b.initiator_id, b.created_at,
  j.id AS job_id, j.status AS job_status, j.started_at, j.completed_at, j.error,
  CASE WHEN l.build_id IS NULL THEN 0 ELSE 1 END AS has_logs`

const buildJoins = `FROM workspace_builds b
  JOIN provisioner_jobs j ON j.id = b.job_id
  JOIN workspaces w ON w.id = b.workspace_id
  JOIN templates t ON t.id = w.template_id
  JOIN template_versions v ON v.id = b.template_version_id
  LEFT JOIN presets p ON p.id = b.preset_id
  LEFT JOIN build_logs l ON l.build_id = b.id`

const toBuildSummary = (row: Row): BuildSummary => ({
  id: row.build_id as WorkspaceBuildId,
  workspaceId: row.workspace_id as WorkspaceId,
  workspaceName: row.workspace_name as string,
  ownerId: row.owner_id as UserId,
  templateId: row.template_id as TemplateId,
  templateName: row.template_name as string,
  templateVersionId: row.template_version_id as TemplateVersionId,
  templateVersionName: row.version_name as string,
  presetId: nullableString<PresetId>(row.preset_id),
  presetName: nullableString<string>(row.preset_name),
  buildNumber: readNumber(row.build_number),
  transition: row.transition as WorkspaceTransition,
  initiatorId: row.initiator_id as UserId,
  status: row.job_status as ProvisionerJobStatus,
  createdAt: instant(row.created_at),
  startedAt: nullableInstant(row.started_at),
  completedAt: nullableInstant(row.completed_at),
  error: nullableString<string>(row.error),
  hasLogs: readBoolean(row.has_logs)
})

/**
 * Builds matching the filter, newest first (`createdAt`, then id), `limit` from `offset`.
 *
 * @internal
 */
export const listBuilds = ({ sql }: StoreContext, filter: BuildFilter): Op<ReadonlyArray<BuildSummary>> => {
  const clauses = [
    sql.literal("TRUE"),
    filter.status === undefined ? sql.literal("TRUE") : sql`j.status = ${filter.status}`,
    filter.templateId === undefined ? sql.literal("TRUE") : sql`t.id = ${filter.templateId}`,
    filter.templateName === undefined ? sql.literal("TRUE") : sql`t.name = ${filter.templateName}`,
    filter.presetId === undefined ? sql.literal("TRUE") : sql`b.preset_id = ${filter.presetId}`,
    filter.presetName === undefined ? sql.literal("TRUE") : sql`p.name = ${filter.presetName}`,
    filter.workspaceId === undefined ? sql.literal("TRUE") : sql`b.workspace_id = ${filter.workspaceId}`
  ]
  const limit = Math.max(0, Math.floor(filter.limit ?? 50))
  const offset = Math.max(0, Math.floor(filter.offset ?? 0))
  return Effect.map(
    sql<Row>`SELECT ${sql.literal(buildColumns)} ${sql.literal(buildJoins)}
      WHERE ${sql.and(clauses)}
      ORDER BY b.created_at DESC, b.build_number DESC, b.id DESC
      LIMIT ${limit} OFFSET ${offset}`,
    (rows) => rows.map(toBuildSummary)
  )
}

/**
 * One build.
 *
 * @internal
 */
export const build = ({ sql }: StoreContext, id: WorkspaceBuildId): Op<Option.Option<BuildSummary>> =>
  Effect.map(
    sql<Row>`SELECT ${sql.literal(buildColumns)} ${sql.literal(buildJoins)} WHERE b.id = ${id}`,
    (rows) => Option.map(Option.fromNullable(rows[0]), toBuildSummary)
  )

/**
 * A build's stored output; `None` for an unknown build, empty output when none was kept.
 *
 * @internal
 */
export const buildLogs = ({ sql }: StoreContext, id: WorkspaceBuildId): Op<Option.Option<BuildLogs>> =>
  Effect.gen(function*() {
    const builds = yield* sql<Row>`SELECT id FROM workspace_builds WHERE id = ${id}`
    if (builds.length === 0) return Option.none()
    const rows = yield* sql<Row>`SELECT stdout, stderr, truncated, created_at FROM build_logs WHERE build_id = ${id}`
    const row = rows[0]
    return Option.some<BuildLogs>(
      row === undefined
        ? { buildId: id, stdout: "", stderr: "", truncated: false, stored: false, storedAt: null }
        : {
          buildId: id,
          stdout: row.stdout as string,
          stderr: row.stderr as string,
          truncated: readBoolean(row.truncated),
          stored: true,
          storedAt: instant(row.created_at)
        }
    )
  })

/**
 * Workspaces with the state of their latest build, oldest first.
 *
 * @internal
 */
export const listWorkspaces = (
  { sql }: StoreContext,
  filter: WorkspaceSummaryFilter
): Op<ReadonlyArray<WorkspaceSummary>> => {
  const clauses = [
    filter.includeDeleted === true ? sql.literal("TRUE") : sql.literal("w.deleted = FALSE"),
    filter.templateName === undefined ? sql.literal("TRUE") : sql`t.name = ${filter.templateName}`,
    filter.templateId === undefined ? sql.literal("TRUE") : sql`t.id = ${filter.templateId}`,
    filter.presetName === undefined ? sql.literal("TRUE") : sql`p.name = ${filter.presetName}`,
    filter.presetId === undefined ? sql.literal("TRUE") : sql`b.preset_id = ${filter.presetId}`
  ]
  return Effect.map(
    sql<Row>`SELECT w.id, w.name, w.owner_id, w.created_at, w.deleted, t.id AS template_id, t.name AS template_name,
        b.id AS build_id, b.build_number, b.transition, b.template_version_id, b.preset_id, p.name AS preset_name,
        j.status AS job_status, j.error, CASE WHEN ${sql.literal(hasUnreadyAgent)} THEN 0 ELSE 1 END AS agents_ready
      FROM workspaces w
      JOIN templates t ON t.id = w.template_id
      JOIN workspace_builds b ON b.workspace_id = w.id AND ${sql.literal(isLatestBuild)}
      JOIN provisioner_jobs j ON j.id = b.job_id
      LEFT JOIN presets p ON p.id = (SELECT sb.preset_id FROM workspace_builds sb WHERE sb.workspace_id = w.id
        AND sb.preset_id IS NOT NULL ORDER BY sb.build_number DESC LIMIT 1)
      WHERE ${sql.and(clauses)}
      ORDER BY w.created_at, w.id`,
    (rows) =>
      rows.flatMap((row): ReadonlyArray<WorkspaceSummary> => {
        const state = workspaceStateOf(
          row.transition as WorkspaceTransition,
          row.job_status as ProvisionerJobStatus,
          readBoolean(row.deleted)
        )
        if (filter.state !== undefined && filter.state !== state) return []
        return [{
          id: row.id as WorkspaceId,
          name: row.name as string,
          ownerId: row.owner_id as UserId,
          prebuild: row.owner_id === SystemUserId,
          templateId: row.template_id as TemplateId,
          templateName: row.template_name as string,
          templateVersionId: row.template_version_id as TemplateVersionId,
          presetId: nullableString<PresetId>(row.preset_id),
          presetName: nullableString<string>(row.preset_name),
          createdAt: instant(row.created_at),
          state,
          ready: state === "running" && readBoolean(row.agents_ready),
          latestBuildId: row.build_id as WorkspaceBuildId,
          latestBuildNumber: readNumber(row.build_number),
          error: state === "failed" ? nullableString<string>(row.error) : null
        }]
      })
  )
}

/**
 * Resumes a preset: a hard limit is lifted (status back to `healthy`, failures before `now` no
 * longer count) and its version's quarantine is cleared. A preset failing validation stays so
 * (nothing but a new version can make it succeed).
 *
 * @internal
 */
export const resumePreset = (
  { dialect, sql, tx }: StoreContext,
  id: PresetId,
  now: DateTime.Utc
): Op<ResumeResult> =>
  tx.write(Effect.gen(function*() {
    const rows = yield* sql<Row>`SELECT prebuild_status, template_version_id FROM presets
      WHERE id = ${id}${sql.literal(dialect.forUpdate)}`
    const row = rows[0]
    if (row === undefined) return yield* Effect.fail(notFound("resumePreset", `preset ${id} does not exist`))
    const before = row.prebuild_status as PrebuildStatus
    const versionId = row.template_version_id as TemplateVersionId
    const versions = yield* sql<Row>`SELECT quarantine_reason FROM template_versions WHERE id = ${versionId}`
    const quarantineReason = nullableString<string>(versions[0]?.quarantine_reason)
    const status: PrebuildStatus = before === "validation_failed" ? before : "healthy"
    yield* sql`UPDATE presets SET prebuild_status = ${status}, resumed_at = ${DateTime.toEpochMillis(now)}
      WHERE id = ${id}`
    yield* sql`UPDATE template_versions SET render_overruns = 0, quarantine_reason = NULL, quarantined_at = NULL
      WHERE id = ${versionId}`
    return {
      presetId: id,
      templateVersionId: versionId,
      previousStatus: before,
      status,
      clearedQuarantine: quarantineReason
    }
  }))

/**
 * Counts one render of a version that exceeded a budget or a deadline; at `threshold` overruns
 * the version is quarantined with `reason` (an existing quarantine keeps its first reason).
 *
 * @internal
 */
export const recordRenderOverrun = (
  { dialect, sql, tx }: StoreContext,
  versionId: TemplateVersionId,
  reason: string,
  threshold: number,
  now: DateTime.Utc
): Op<OverrunResult> =>
  tx.write(Effect.gen(function*() {
    const rows = yield* sql<Row>`SELECT render_overruns, quarantine_reason FROM template_versions
      WHERE id = ${versionId}${sql.literal(dialect.forUpdate)}`
    const row = rows[0]
    if (row === undefined) {
      return yield* Effect.fail(notFound("recordRenderOverrun", `template version ${versionId} does not exist`))
    }
    const overruns = (readNullableNumber(row.render_overruns) ?? 0) + 1
    const existing = nullableString<string>(row.quarantine_reason)
    const quarantined = existing !== null || overruns >= Math.max(threshold, 1)
    const quarantineReason = existing ?? (quarantined ? reason : null)
    yield* sql`UPDATE template_versions SET render_overruns = ${overruns}, quarantine_reason = ${quarantineReason},
      quarantined_at = COALESCE(quarantined_at, ${quarantined ? DateTime.toEpochMillis(now) : null})
      WHERE id = ${versionId}`
    return { overruns, quarantined, reason: quarantineReason, newlyQuarantined: quarantined && existing === null }
  }))

/**
 * A version's quarantine: its reason, or `None`.
 *
 * @internal
 */
export const quarantineOf = ({ sql }: StoreContext, versionId: TemplateVersionId): Op<Option.Option<string>> =>
  Effect.map(
    sql<Row>`SELECT quarantine_reason FROM template_versions WHERE id = ${versionId}`,
    (rows) => Option.fromNullable(nullableString<string>(rows[0]?.quarantine_reason))
  )
