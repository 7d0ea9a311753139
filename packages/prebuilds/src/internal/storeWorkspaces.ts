/**
 * The reconciler's writes (create, delete, cancel pending) and claims, each one transaction.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type {
  OrganizationId,
  PresetId,
  ProvisionerJobId,
  TemplateId,
  TemplateVersionId,
  UserId,
  WorkspaceId
} from "../Domain.js"
import { SystemUserId } from "../Domain.js"
import type { ClaimedPrebuild, ClaimInput, CreatedPrebuild } from "../Store.js"
import { insertBuild, nextBuildNumber, presetParameters } from "./storeBuilds.js"
import { newId, type StoreContext } from "./storeContext.js"
import { DeleteResult as DeletePrebuildResult } from "./storeDeleteResult.js"
import { bindBoolean, readBoolean, readNumber } from "./storeDialect.js"
import { conflict, notFound, type StoreError } from "./storeError.js"
import { buildWithJobColumns, nullableString, type Row, toBuildWithJob, toWorkspace } from "./storeRows.js"
import { currentPresetOf, hasUnreadyAgent, isLatestBuild } from "./storeSql.js"

type Op<A> = Effect.Effect<A, SqlError | StoreError>

/**
 * @internal
 */
export const createPrebuild = (
  ctx: StoreContext,
  input: {
    readonly presetId: PresetId
    readonly name: string
    readonly now: DateTime.Utc
    readonly parameters?: Readonly<Record<string, string>> | undefined
  }
): Op<CreatedPrebuild> =>
  ctx.tx.write(Effect.gen(function*() {
    const { sql } = ctx
    const rows = yield* sql<Row>`SELECT p.template_version_id, t.id AS template_id, t.organization_id,
        t.active_version_id, t.deleted
      FROM presets p
      JOIN template_versions v ON v.id = p.template_version_id
      JOIN templates t ON t.id = v.template_id
      WHERE p.id = ${input.presetId}`
    const row = rows[0]
    if (row === undefined) {
      return yield* Effect.fail(notFound("createPrebuild", `preset ${input.presetId} does not exist`))
    }
    if (readBoolean(row.deleted)) {
      return yield* Effect.fail(conflict("createPrebuild", `the template of preset ${input.presetId} is deleted`))
    }
    if (row.active_version_id !== row.template_version_id) {
      return yield* Effect.fail(
        conflict("createPrebuild", `preset ${input.presetId} is not on its template's active version`)
      )
    }
    const templateVersionId = row.template_version_id as TemplateVersionId
    const parameters = input.parameters ?? (yield* presetParameters(ctx, input.presetId))
    const workspaceId = newId<WorkspaceId>()
    const now = DateTime.toEpochMillis(input.now)
    yield* sql`INSERT INTO workspaces ${
      sql.insert({
        id: workspaceId,
        template_id: row.template_id as TemplateId,
        organization_id: nullableString<OrganizationId>(row.organization_id),
        owner_id: SystemUserId,
        name: input.name,
        created_at: now,
        updated_at: now,
        last_used_at: now,
        deleted: bindBoolean(false)
      })
    }`
    const { buildId, jobId } = yield* insertBuild(ctx, {
      workspaceId,
      templateVersionId,
      buildNumber: 1,
      transition: "start",
      presetId: input.presetId,
      initiatorId: SystemUserId,
      parameters,
      now: input.now
    })
    return { workspaceId, buildId, jobId, templateVersionId }
  }))

const inProgressStatuses: ReadonlySet<string> = new Set(["pending", "running", "canceling"])

/**
 * @internal
 */
export const deletePrebuild = (
  ctx: StoreContext,
  workspaceId: WorkspaceId,
  now: DateTime.Utc
): Op<DeletePrebuildResult> =>
  ctx.tx.write(Effect.gen(function*() {
    const { dialect, sql } = ctx
    // Re-read and lock the row: a concurrent claim either already changed the owner (refused
    // below) or waits for this transaction and then finds a delete as the latest build.
    const rows = yield* sql<Row>`SELECT owner_id, deleted FROM workspaces
      WHERE id = ${workspaceId}${sql.literal(dialect.forUpdate)}`
    const row = rows[0]
    if (row === undefined) {
      return yield* Effect.fail(notFound("deletePrebuild", `workspace ${workspaceId} does not exist`))
    }
    if (readBoolean(row.deleted)) return DeletePrebuildResult.AlreadyDeleted({ workspaceId })
    if (row.owner_id !== SystemUserId) {
      return DeletePrebuildResult.NotOwned({ workspaceId, ownerId: row.owner_id as UserId })
    }
    const latestRows = yield* sql<Row>`SELECT ${sql.literal(buildWithJobColumns)}
      FROM workspace_builds b JOIN provisioner_jobs j ON j.id = b.job_id
      WHERE b.workspace_id = ${workspaceId} ORDER BY b.build_number DESC LIMIT 1`
    if (latestRows[0] === undefined) {
      return yield* Effect.fail(conflict("deletePrebuild", `workspace ${workspaceId} has no build`))
    }
    const latest = toBuildWithJob(latestRows[0])
    if (inProgressStatuses.has(latest.job.status)) {
      return DeletePrebuildResult.BuildInProgress({ workspaceId, jobId: latest.job.id })
    }
    // Touch the row (R2): a claim racing this delete locks the row after this commit, sees it
    // changed, re-evaluates its conditions against the new version and skips it.
    yield* sql`UPDATE workspaces SET deleting_at = ${DateTime.toEpochMillis(now)} WHERE id = ${workspaceId}`
    const { buildId, jobId } = yield* insertBuild(ctx, {
      workspaceId,
      templateVersionId: latest.build.templateVersionId,
      buildNumber: latest.build.buildNumber + 1,
      transition: "delete",
      presetId: latest.build.presetId,
      initiatorId: SystemUserId,
      parameters: {},
      now
    })
    return DeletePrebuildResult.Enqueued({ workspaceId, buildId, jobId })
  }))

/**
 * @internal
 */
export const cancelPending = (ctx: StoreContext, presetId: PresetId, now: DateTime.Utc): Op<number> =>
  ctx.tx.write(Effect.gen(function*() {
    const { sql } = ctx
    const at = DateTime.toEpochMillis(now)
    // The docs/prebuilds.md §1.3 pending predicate is part of the UPDATE: a job a worker took meanwhile is spared.
    const canceled = yield* sql<Row>`UPDATE provisioner_jobs
      SET status = 'canceled', canceled_at = ${at}, completed_at = ${at}
      WHERE status = 'pending' AND worker_id IS NULL AND canceled_at IS NULL AND completed_at IS NULL
        AND id IN (
          SELECT b.job_id FROM workspace_builds b
          JOIN workspaces w ON w.id = b.workspace_id
          JOIN templates t ON t.id = w.template_id
          WHERE b.preset_id = ${presetId} AND b.build_number = 1 AND b.transition = 'start'
            AND w.owner_id = ${SystemUserId} AND w.deleted = FALSE
            AND (t.active_version_id IS NULL OR b.template_version_id <> t.active_version_id)
        )
      RETURNING id`
    if (canceled.length === 0) return 0
    const builds = yield* sql<Row>`SELECT b.workspace_id, b.template_version_id, b.preset_id
      FROM workspace_builds b WHERE ${sql.in("b.job_id", canceled.map((row) => row.id as ProvisionerJobId))}
      ORDER BY b.workspace_id`
    for (const build of builds) {
      const workspaceId = build.workspace_id as WorkspaceId
      yield* insertBuild(ctx, {
        workspaceId,
        templateVersionId: build.template_version_id as TemplateVersionId,
        buildNumber: yield* nextBuildNumber(ctx, workspaceId),
        transition: "delete",
        presetId: nullableString<PresetId>(build.preset_id),
        initiatorId: SystemUserId,
        parameters: {},
        now,
        orphan: true
      })
      yield* markDeleted(ctx, workspaceId, at)
    }
    return canceled.length
  }))

/**
 * Marks a workspace and its agents deleted.
 *
 * @internal
 */
export const markDeleted = ({ sql }: StoreContext, workspaceId: WorkspaceId, at: number) =>
  Effect.zipRight(
    sql`UPDATE workspaces SET deleted = TRUE, updated_at = ${at} WHERE id = ${workspaceId}`,
    sql`UPDATE workspace_agents SET deleted = TRUE WHERE workspace_id = ${workspaceId}`
  )

/**
 * @internal
 */
export const claim = (ctx: StoreContext, input: ClaimInput): Op<Option.Option<ClaimedPrebuild>> =>
  ctx.tx.write(Effect.gen(function*() {
    const { dialect, sql } = ctx
    const now = DateTime.toEpochMillis(input.now)
    // One statement picks and takes the oldest candidate (docs/prebuilds.md §7). PostgreSQL passes rows other
    // claimers hold (SKIP LOCKED); SQLite has a single writer.
    const claimed = yield* sql<Row>`UPDATE workspaces
      SET owner_id = ${input.userId}, name = ${input.name}, updated_at = ${now}, last_used_at = ${now}
      WHERE id IN (
        SELECT w.id FROM workspaces w
        JOIN workspace_builds b ON b.workspace_id = w.id
        JOIN provisioner_jobs j ON j.id = b.job_id
        JOIN templates t ON t.id = w.template_id
        WHERE w.template_id = ${input.templateId} AND w.owner_id = ${SystemUserId} AND w.deleted = FALSE
          AND w.deleting_at IS NULL
          AND t.deleted = FALSE AND ${sql.literal(isLatestBuild)}
          AND b.transition = 'start' AND j.status = 'succeeded' AND b.template_version_id = t.active_version_id
          AND ${sql.literal(currentPresetOf)} = ${input.presetId}
          AND NOT ${sql.literal(hasUnreadyAgent)}
        ORDER BY w.created_at, w.id
        LIMIT 1${sql.literal(dialect.forUpdateSkipLocked("w"))}
      )
      RETURNING id, template_id, owner_id, name, created_at, deleted`
    if (claimed[0] === undefined) return Option.none()
    const workspace = toWorkspace(claimed[0])
    const latest = yield* sql<Row>`SELECT b.build_number, b.template_version_id FROM workspace_builds b
      WHERE b.workspace_id = ${workspace.id} ORDER BY b.build_number DESC LIMIT 1`
    const buildNumber = readNumber(latest[0]!.build_number) + 1
    const templateVersionId = latest[0]!.template_version_id as TemplateVersionId
    const parameters = input.parameters ?? (yield* presetParameters(ctx, input.presetId))
    const { buildId, jobId } = yield* insertBuild(ctx, {
      workspaceId: workspace.id,
      templateVersionId,
      buildNumber,
      transition: "start",
      presetId: input.presetId,
      initiatorId: input.userId,
      parameters,
      now: input.now
    })
    return Option.some({ workspace, buildId, buildNumber, jobId, templateVersionId })
  }))
