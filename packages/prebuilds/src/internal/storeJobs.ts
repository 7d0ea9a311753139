/**
 * Provisioner jobs, builds, agents and workspaces as provisioners and the builder see them.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type {
  Agent,
  OrganizationId,
  ProvisionerJob,
  ProvisionerJobId,
  Workspace,
  WorkspaceBuildId,
  WorkspaceId
} from "../Domain.js"
import type { AcquiredJob, BuildWithJob, JobCompletion, WorkspaceFilter } from "../Store.js"
import { newId, type StoreContext } from "./storeContext.js"
import { bindBoolean } from "./storeDialect.js"
import { conflict, notFound, type StoreError } from "./storeError.js"
import {
  buildWithJobColumns,
  nullableString,
  type Row,
  toAgent,
  toBuildWithJob,
  toJob,
  toRecord,
  toWorkspace
} from "./storeRows.js"
import { type BuildLogLimits, defaultBuildLogLimits, saveBuildLogs } from "./storeVisibility.js"
import { markDeleted } from "./storeWorkspaces.js"

type Op<A> = Effect.Effect<A, SqlError | StoreError>

const workspaceColumns = "w.id, w.template_id, w.owner_id, w.name, w.created_at, w.deleted"

/**
 * @internal
 */
export const buildParameters = ({ sql }: StoreContext, buildId: WorkspaceBuildId): Op<Record<string, string>> =>
  Effect.map(
    sql<Row>`SELECT name, value FROM build_parameters WHERE build_id = ${buildId} ORDER BY name`,
    toRecord
  )

/**
 * An acquired job with what its provisioner needs (`jobId` names a job that exists).
 *
 * @internal
 */
export const readAcquiredJob = (ctx: StoreContext, jobId: ProvisionerJobId): Op<AcquiredJob> =>
  Effect.gen(function*() {
    const { sql } = ctx
    const rows = yield* sql<Row>`SELECT ${sql.literal(buildWithJobColumns)}, ${sql.literal(workspaceColumns)},
        t.name AS template_name, t.organization_id AS template_organization_id
      FROM provisioner_jobs j
      JOIN workspace_builds b ON b.job_id = j.id
      JOIN workspaces w ON w.id = b.workspace_id
      JOIN templates t ON t.id = w.template_id
      WHERE j.id = ${jobId}`
    const row = rows[0]!
    const { build, job, orphan } = toBuildWithJob(row)
    return {
      build,
      job,
      orphan,
      workspace: toWorkspace(row),
      templateName: row.template_name as string,
      organizationId: nullableString<OrganizationId>(row.template_organization_id),
      parameters: yield* buildParameters(ctx, build.id)
    }
  })

const jobColumns = "j.id AS j_id, j.status AS j_status, j.worker_id AS j_worker_id, j.created_at AS j_created_at, " +
  "j.canceled_at AS j_canceled_at, j.completed_at AS j_completed_at"

const replaceAgents = (
  { sql }: StoreContext,
  workspaceId: WorkspaceId,
  agents: ReadonlyArray<{ readonly name: string; readonly ready: boolean }>
) =>
  Effect.gen(function*() {
    const live = yield* sql<Row>`SELECT id, name FROM workspace_agents
      WHERE workspace_id = ${workspaceId} AND deleted = FALSE`
    const byName = new Map(live.map((row) => [row.name as string, row.id as string]))
    const wanted = new Set<string>()
    for (const agent of agents) {
      wanted.add(agent.name)
      const state = agent.ready ? "ready" : "starting"
      const id = byName.get(agent.name)
      if (id === undefined) {
        yield* sql`INSERT INTO workspace_agents ${
          sql.insert({
            id: newId(),
            workspace_id: workspaceId,
            parent_id: null,
            name: agent.name,
            lifecycle_state: state,
            deleted: bindBoolean(false)
          })
        }`
      } else {
        yield* sql`UPDATE workspace_agents SET lifecycle_state = ${state} WHERE id = ${id}`
      }
    }
    for (const [name, id] of byName) {
      if (!wanted.has(name)) yield* sql`UPDATE workspace_agents SET deleted = TRUE WHERE id = ${id}`
    }
  })

const endedStatuses: ReadonlySet<string> = new Set(["succeeded", "failed", "canceled"])

/**
 * @internal
 */
export const completeJob = (
  ctx: StoreContext,
  jobId: ProvisionerJobId,
  completion: JobCompletion,
  logLimits: BuildLogLimits = defaultBuildLogLimits
): Op<ProvisionerJob> =>
  ctx.tx.write(Effect.gen(function*() {
    const { dialect, sql } = ctx
    const jobs = yield* sql<Row>`SELECT status, worker_id FROM provisioner_jobs
      WHERE id = ${jobId}${sql.literal(dialect.forUpdate)}`
    if (jobs[0] === undefined) return yield* Effect.fail(notFound("completeJob", `job ${jobId} does not exist`))
    if (endedStatuses.has(jobs[0].status as string)) {
      return yield* Effect.fail(conflict("completeJob", `job ${jobId} has already ended (${jobs[0].status as string})`))
    }
    if (completion.workerId !== undefined && jobs[0].worker_id !== completion.workerId) {
      return yield* Effect.fail(
        conflict("completeJob", `job ${jobId} is no longer held by ${completion.workerId} (its lease was reaped)`)
      )
    }
    const at = DateTime.toEpochMillis(completion.now)
    const canceledAt = completion.status === "canceled" ? at : null
    yield* sql`UPDATE provisioner_jobs
      SET status = ${completion.status}, completed_at = ${at}, canceled_at = COALESCE(canceled_at, ${canceledAt}),
        error = ${completion.error ?? null}
      WHERE id = ${jobId}`
    const builds = yield* sql<Row>`SELECT id, workspace_id, transition FROM workspace_builds WHERE job_id = ${jobId}`
    const build = builds[0]
    if (build !== undefined && completion.logs !== undefined) {
      yield* saveBuildLogs(ctx, build.id as WorkspaceBuildId, completion.logs, completion.now, logLimits)
    }
    if (build !== undefined) {
      const workspaceId = build.workspace_id as WorkspaceId
      if (completion.status === "succeeded" && build.transition === "delete") {
        yield* markDeleted(ctx, workspaceId, at)
      } else if (completion.agents !== undefined) {
        yield* replaceAgents(ctx, workspaceId, completion.agents)
      }
    }
    const ended = yield* sql<Row>`SELECT ${sql.literal(jobColumns)} FROM provisioner_jobs j WHERE j.id = ${jobId}`
    return toJob(ended[0]!)
  }))

/**
 * @internal
 */
export const setAgentReady = (
  { sql }: StoreContext,
  workspaceId: WorkspaceId,
  ready: boolean,
  agentName: string | undefined
): Op<number> => {
  const state = ready ? "ready" : "starting"
  const byName = agentName === undefined ? sql.literal("") : sql`AND name = ${agentName}`
  return Effect.map(
    sql<Row>`UPDATE workspace_agents SET lifecycle_state = ${state}
      WHERE workspace_id = ${workspaceId} AND deleted = FALSE AND lifecycle_state <> ${state} ${byName}
      RETURNING id`,
    (rows) => rows.length
  )
}

/**
 * @internal
 */
export const agents = ({ sql }: StoreContext, workspaceId: WorkspaceId): Op<ReadonlyArray<Agent>> =>
  Effect.map(
    sql<Row>`SELECT id, workspace_id, parent_id, lifecycle_state, deleted FROM workspace_agents
      WHERE workspace_id = ${workspaceId} ORDER BY name, id`,
    (rows) => rows.map(toAgent)
  )

/**
 * @internal
 */
export const pendingJobs = ({ sql }: StoreContext): Op<ReadonlyArray<BuildWithJob>> =>
  Effect.map(
    sql<Row>`SELECT ${sql.literal(buildWithJobColumns)}
      FROM provisioner_jobs j JOIN workspace_builds b ON b.job_id = j.id
      WHERE j.status = 'pending' AND j.canceled_at IS NULL
      ORDER BY j.created_at, j.id`,
    (rows) => rows.map(toBuildWithJob)
  )

/**
 * @internal
 */
export const latestBuild = ({ sql }: StoreContext, workspaceId: WorkspaceId): Op<Option.Option<BuildWithJob>> =>
  Effect.map(
    sql<Row>`SELECT ${sql.literal(buildWithJobColumns)}
      FROM workspace_builds b JOIN provisioner_jobs j ON j.id = b.job_id
      WHERE b.workspace_id = ${workspaceId} ORDER BY b.build_number DESC LIMIT 1`,
    (rows) => Option.map(Option.fromNullable(rows[0]), toBuildWithJob)
  )

/**
 * @internal
 */
export const workspace = ({ sql }: StoreContext, id: WorkspaceId): Op<Option.Option<Workspace>> =>
  Effect.map(
    sql<Row>`SELECT ${sql.literal(workspaceColumns)} FROM workspaces w WHERE w.id = ${id}`,
    (rows) => Option.map(Option.fromNullable(rows[0]), toWorkspace)
  )

/**
 * @internal
 */
export const workspaces = ({ sql }: StoreContext, filter: WorkspaceFilter): Op<ReadonlyArray<Workspace>> => {
  const clauses = [
    filter.includeDeleted === true ? sql.literal("TRUE") : sql.literal("w.deleted = FALSE"),
    filter.templateId === undefined ? sql.literal("TRUE") : sql`w.template_id = ${filter.templateId}`,
    filter.ownerId === undefined ? sql.literal("TRUE") : sql`w.owner_id = ${filter.ownerId}`
  ]
  return Effect.map(
    sql<Row>`SELECT ${sql.literal(workspaceColumns)} FROM workspaces w WHERE ${sql.and(clauses)}
      ORDER BY w.created_at, w.id`,
    (rows) => rows.map(toWorkspace)
  )
}
