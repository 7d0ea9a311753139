/**
 * The seven reads of a reconciliation cycle (`docs/prebuilds.md` §3.4) and the settings read. They
 * run on whatever connection the caller routes them to (the lock transaction on PostgreSQL, a
 * read transaction on SQLite).
 *
 * @internal
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type {
  OrganizationId,
  PrebuildStatus,
  PresetId,
  TemplateId,
  TemplateVersionId,
  WorkspaceId,
  WorkspaceTransition
} from "../Domain.js"
import { PrebuildsSettings, SystemUserId } from "../Domain.js"
import type { Settings } from "../Settings.js"
import type {
  BackoffRow,
  InProgressRow,
  PendingCountRow,
  PresetRow,
  RunningPrebuildRow,
  ScheduleRow,
  Snapshot
} from "../Snapshot.js"
import { readClaimCounts, readPolicies } from "./storeDemand.js"
import { readBoolean, readNullableNumber, readNumber } from "./storeDialect.js"
import { instant, nullableInstant } from "./storeRows.js"
import { currentPresetOf, hasUnreadyAgent, isLatestBuild, isUnpickedJob } from "./storeSql.js"

const readPresets = (sql: SqlClient.SqlClient) =>
  Effect.map(
    sql<Record<string, unknown>>`SELECT p.id AS preset_id, p.name AS preset_name, t.id AS template_id,
      t.name AS template_name, v.id AS version_id, v.name AS version_name, t.organization_id,
      COALESCE(o.name, '') AS organization_name,
      CASE WHEN t.active_version_id = v.id THEN 1 ELSE 0 END AS using_active_version,
      t.deleted AS template_deleted,
      CASE WHEN t.deprecation_message <> '' THEN 1 ELSE 0 END AS template_deprecated,
      p.desired_instances, p.ttl_seconds, p.last_invalidated_at, p.scheduling_timezone, p.prebuild_status,
      v.quarantine_reason
    FROM presets p
    JOIN template_versions v ON v.id = p.template_version_id
    JOIN templates t ON t.id = v.template_id
    LEFT JOIN organizations o ON o.id = t.organization_id
    WHERE p.desired_instances IS NOT NULL
    ORDER BY t.name, t.id, v.created_at, v.id, p.name, p.id`,
    (rows) =>
      rows.map((row): PresetRow => ({
        presetId: row.preset_id as PresetId,
        presetName: row.preset_name as string,
        templateId: row.template_id as TemplateId,
        templateName: row.template_name as string,
        templateVersionId: row.version_id as TemplateVersionId,
        templateVersionName: row.version_name as string,
        organizationId: (row.organization_id ?? null) as OrganizationId | null,
        organizationName: row.organization_name as string,
        usingActiveVersion: readBoolean(row.using_active_version),
        templateDeleted: readBoolean(row.template_deleted),
        templateDeprecated: readBoolean(row.template_deprecated),
        desiredInstances: readNumber(row.desired_instances),
        ttlSeconds: readNullableNumber(row.ttl_seconds),
        lastInvalidatedAt: nullableInstant(row.last_invalidated_at),
        schedulingTimezone: row.scheduling_timezone as string,
        prebuildStatus: row.prebuild_status as PrebuildStatus,
        quarantineReason: (row.quarantine_reason ?? null) as string | null
      }))
  )

const readSchedules = (sql: SqlClient.SqlClient) =>
  Effect.map(
    sql<Record<string, unknown>>`SELECT s.preset_id, s.cron, s.instances
    FROM preset_schedules s JOIN presets p ON p.id = s.preset_id
    WHERE p.desired_instances IS NOT NULL
    ORDER BY s.preset_id, s.ordinal`,
    (rows) =>
      rows.map((row): ScheduleRow => ({
        presetId: row.preset_id as PresetId,
        cron: row.cron as string,
        instances: readNumber(row.instances)
      }))
  )

const readRunning = (sql: SqlClient.SqlClient) =>
  Effect.map(
    sql<Record<string, unknown>>`SELECT w.id, w.name, w.template_id, b.template_version_id,
      ${sql.literal(currentPresetOf)} AS current_preset_id,
      CASE WHEN ${sql.literal(hasUnreadyAgent)} THEN 0 ELSE 1 END AS ready,
      w.created_at
    FROM workspaces w
    JOIN workspace_builds b ON b.workspace_id = w.id
    JOIN provisioner_jobs j ON j.id = b.job_id
    WHERE w.owner_id = ${SystemUserId} AND w.deleted = FALSE AND ${sql.literal(isLatestBuild)}
      AND b.transition = 'start' AND j.status = 'succeeded'
    ORDER BY w.created_at, w.id`,
    (rows) =>
      rows.map((row): RunningPrebuildRow => ({
        id: row.id as WorkspaceId,
        name: row.name as string,
        templateId: row.template_id as TemplateId,
        templateVersionId: row.template_version_id as TemplateVersionId,
        currentPresetId: (row.current_preset_id ?? null) as PresetId | null,
        ready: readBoolean(row.ready),
        createdAt: instant(row.created_at)
      }))
  )

const readInProgress = (sql: SqlClient.SqlClient) =>
  Effect.map(
    sql<Record<string, unknown>>`SELECT t.id AS template_id, b.template_version_id, b.transition, b.preset_id,
      COUNT(*) AS count
    FROM workspaces w
    JOIN workspace_builds b ON b.workspace_id = w.id
    JOIN provisioner_jobs j ON j.id = b.job_id
    JOIN templates t ON t.id = w.template_id AND t.active_version_id = b.template_version_id
    WHERE w.owner_id = ${SystemUserId} AND w.deleted = FALSE AND ${sql.literal(isLatestBuild)}
      AND j.status IN ('pending', 'running')
    GROUP BY t.id, b.template_version_id, b.transition, b.preset_id
    ORDER BY t.id, b.template_version_id, b.transition, b.preset_id`,
    (rows) =>
      rows.map((row): InProgressRow => ({
        templateId: row.template_id as TemplateId,
        templateVersionId: row.template_version_id as TemplateVersionId,
        transition: row.transition as WorkspaceTransition,
        presetId: (row.preset_id ?? null) as PresetId | null,
        count: readNumber(row.count)
      }))
  )

const readPendingCounts = (sql: SqlClient.SqlClient) =>
  Effect.map(
    sql<Record<string, unknown>>`SELECT b.preset_id, COUNT(*) AS count
    FROM workspace_builds b
    JOIN workspaces w ON w.id = b.workspace_id
    JOIN templates t ON t.id = w.template_id
    JOIN provisioner_jobs j ON j.id = b.job_id
    WHERE w.owner_id = ${SystemUserId} AND b.build_number = 1 AND b.transition = 'start'
      AND b.preset_id IS NOT NULL AND ${sql.literal(isUnpickedJob)}
      AND (t.active_version_id IS NULL OR b.template_version_id <> t.active_version_id)
    GROUP BY b.preset_id
    ORDER BY b.preset_id`,
    (rows) =>
      rows.map((row): PendingCountRow => ({
        presetId: row.preset_id as PresetId,
        count: readNumber(row.count)
      }))
  )

/**
 * The builds counted by the backoff and the hard limit (§3.9): the latest build of each live
 * workspace of the system user, a `start` with a prebuild preset, on its template's active
 * version, created since the preset was last resumed (if ever); `excludeDeletedTemplates` adds
 * the backoff's extra filter.
 */
const countedBuilds = (excludeDeletedTemplates: boolean) =>
  `SELECT b.id AS build_id, b.preset_id, b.created_at, j.status AS job_status, p.desired_instances
  FROM workspaces w
  JOIN workspace_builds b ON b.workspace_id = w.id
  JOIN provisioner_jobs j ON j.id = b.job_id
  JOIN presets p ON p.id = b.preset_id
  JOIN template_versions v ON v.id = b.template_version_id
  JOIN templates t ON t.id = v.template_id AND t.active_version_id = v.id
  WHERE w.owner_id = '${SystemUserId}' AND w.deleted = FALSE AND ${isLatestBuild}
    AND b.transition = 'start' AND p.desired_instances IS NOT NULL
    AND (p.resumed_at IS NULL OR b.created_at >= p.resumed_at)
    ${excludeDeletedTemplates ? "AND t.deleted = FALSE" : ""}`

const readBackoffs = (sql: SqlClient.SqlClient, windowStart: number) =>
  Effect.map(
    sql<Record<string, unknown>>`WITH counted AS (${sql.literal(countedBuilds(true))}),
    ranked AS (
      SELECT c.preset_id, c.created_at, c.job_status, c.desired_instances,
        ROW_NUMBER() OVER (PARTITION BY c.preset_id ORDER BY c.created_at DESC, c.build_id DESC) AS rn,
        SUM(CASE WHEN c.job_status = 'failed' AND c.created_at >= ${windowStart} THEN 1 ELSE 0 END)
          OVER (PARTITION BY c.preset_id) AS num_failed
      FROM counted c
    )
    SELECT r.preset_id, MAX(r.num_failed) AS num_failed, MAX(r.created_at) AS last_build_at
    FROM ranked r
    WHERE r.rn <= r.desired_instances AND r.job_status = 'failed' AND r.created_at >= ${windowStart}
    GROUP BY r.preset_id
    ORDER BY r.preset_id`,
    (rows) =>
      rows.map((row): BackoffRow => ({
        presetId: row.preset_id as PresetId,
        numFailed: readNumber(row.num_failed),
        lastBuildAt: instant(row.last_build_at)
      }))
  )

/**
 * The builds the hard limit counts (§3.10, **warmpool** deviation, issue 17): every prebuild
 * create of a preset on its template's active version — build 1, a `start` initiated by the
 * system user — whether the workspace was claimed since, or deleted. Canceled jobs and jobs the
 * reaper failed (their worker died) are not the template's doing and are left out. Coder counts
 * only builds still owned by the system user, so claiming the successful prebuilds makes
 * scattered failures look consecutive (F S* F F S*, * = claimed, was limited); counted this way,
 * the limit means "the newest creates keep failing" and a success resets it. Builds created before
 * the preset was last resumed (issue 12) do not count, so a resume lifts the limit.
 */
const hardLimitBuilds = `SELECT b.id AS build_id, b.preset_id, b.created_at, j.status AS job_status
  FROM workspace_builds b
  JOIN provisioner_jobs j ON j.id = b.job_id
  JOIN presets p ON p.id = b.preset_id
  JOIN template_versions v ON v.id = b.template_version_id
  JOIN templates t ON t.id = v.template_id AND t.active_version_id = v.id
  WHERE b.build_number = 1 AND b.transition = 'start' AND b.initiator_id = '${SystemUserId}'
    AND p.desired_instances IS NOT NULL AND j.status <> 'canceled' AND j.reaped_at IS NULL
    AND (p.resumed_at IS NULL OR b.created_at >= p.resumed_at)`

const readHardLimited = (sql: SqlClient.SqlClient, hardLimit: number) =>
  hardLimit <= 0 ?
    Effect.succeed([]) :
    Effect.map(
      sql<Record<string, unknown>>`WITH counted AS (${sql.literal(hardLimitBuilds)}),
      ranked AS (
        SELECT c.preset_id, c.job_status,
          ROW_NUMBER() OVER (PARTITION BY c.preset_id ORDER BY c.created_at DESC, c.build_id DESC) AS rn
        FROM counted c
      )
      SELECT r.preset_id FROM ranked r
      WHERE r.rn <= ${hardLimit} AND r.job_status = 'failed'
      GROUP BY r.preset_id
      HAVING COUNT(*) = ${hardLimit}
      ORDER BY r.preset_id`,
      (rows) => rows.map((row) => row.preset_id as PresetId)
    )

/**
 * The seven reads at `now` with the settings' lookback and hard limit. Read 1 empty → the
 * other reads are skipped (the cycle stops anyway).
 *
 * @internal
 */
export const readSnapshot = (
  sql: SqlClient.SqlClient,
  now: DateTime.DateTime,
  settings: Settings
): Effect.Effect<Snapshot, SqlError> =>
  Effect.gen(function*() {
    const presets = yield* readPresets(sql)
    if (presets.length === 0) {
      return {
        presets,
        schedules: [],
        running: [],
        inProgress: [],
        pendingCounts: [],
        backoffs: [],
        hardLimitedPresetIds: []
      }
    }
    const windowStart = DateTime.toEpochMillis(now) - Duration.toMillis(settings.backoffLookback)
    // Sequential: the reads share one connection.
    const schedules = yield* readSchedules(sql)
    const running = yield* readRunning(sql)
    const inProgress = yield* readInProgress(sql)
    const pendingCounts = yield* readPendingCounts(sql)
    const backoffs = yield* readBackoffs(sql, windowStart)
    const hardLimitedPresetIds = yield* readHardLimited(sql, settings.failureHardLimit)
    // Issue 16: demand policies and the claim counts they read.
    const policies = yield* readPolicies(sql)
    const demand = yield* readClaimCounts(sql, now)
    return { presets, schedules, running, inProgress, pendingCounts, backoffs, hardLimitedPresetIds, policies, demand }
  })

/**
 * The global settings row.
 *
 * @internal
 */
export const readSettings = (sql: SqlClient.SqlClient): Effect.Effect<PrebuildsSettings, SqlError> =>
  Effect.map(
    sql<{ readonly reconciliation_paused: unknown }>`SELECT reconciliation_paused FROM prebuild_settings WHERE id = 1`,
    (rows) => new PrebuildsSettings({ reconciliationPaused: readBoolean(rows[0]?.reconciliation_paused) }, true)
  )
