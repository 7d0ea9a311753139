/**
 * Job leases in the store (issue 17): fair job pickup with a lease, lease renewal, the reaper's
 * pass and cancelling a build. The rules themselves are `JobLeases`' pure functions; this module
 * only reads and writes rows.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type {
  PresetId,
  ProvisionerJobId,
  ProvisionerJobStatus,
  ProvisionerWorkerId,
  TemplateVersionId,
  UserId,
  WorkspaceBuildId,
  WorkspaceId,
  WorkspaceTransition
} from "../Domain.js"
import { SystemUserId } from "../Domain.js"
import * as JobLeases from "../JobLeases.js"
import type { AcquiredJob, AcquireOptions, CanceledBuild, ReapOptions } from "../Store.js"
import { insertBuild, nextBuildNumber } from "./storeBuilds.js"
import type { StoreContext } from "./storeContext.js"
import { readBoolean, readNullableNumber, readNumber } from "./storeDialect.js"
import { conflict, notFound, type StoreError } from "./storeError.js"
import { readAcquiredJob } from "./storeJobs.js"
import { nullableString, type Row } from "./storeRows.js"
import { isUnpickedJob } from "./storeSql.js"

type Op<A> = Effect.Effect<A, SqlError | StoreError>

/** The lease a job gets when the caller names none. */
const defaultLeaseMillis = 30_000

/**
 * Takes a pending job for `workerId` under a lease. Claim builds (initiated by a user) come
 * first; then the preset with the fewest jobs in flight (on `ownWorkers` when given, else on any
 * worker), so presets take turns; a preset already running `perPresetLimit` jobs is passed over
 * (claims are never capped); then the oldest job.
 *
 * @internal
 */
export const acquireJob = (
  ctx: StoreContext,
  workerId: ProvisionerWorkerId,
  now: DateTime.Utc,
  options: AcquireOptions
): Op<Option.Option<AcquiredJob>> =>
  ctx.tx.write(Effect.gen(function*() {
    const { dialect, sql } = ctx
    const leaseUntil = options.leaseUntil === undefined
      ? DateTime.toEpochMillis(now) + defaultLeaseMillis
      : DateTime.toEpochMillis(options.leaseUntil)
    const own = options.ownWorkers !== undefined && options.ownWorkers.length > 0
      ? sql`AND ${sql.in("rj.worker_id", options.ownWorkers)}`
      : sql.literal("")
    const inFlight = sql`(SELECT COUNT(*) FROM provisioner_jobs rj JOIN workspace_builds rb ON rb.job_id = rj.id
      WHERE rj.status IN ('running', 'canceling') AND rb.preset_id = b.preset_id ${own})`
    const isClaim = sql`b.initiator_id <> ${SystemUserId}`
    const cap = options.perPresetLimit === undefined
      ? sql.literal("")
      : sql`AND (${isClaim} OR ${inFlight} < ${Math.max(1, Math.floor(options.perPresetLimit))})`
    const taken = yield* sql<Row>`UPDATE provisioner_jobs
      SET status = 'running', worker_id = ${workerId}, started_at = NULL, lease_expires_at = ${leaseUntil}
      WHERE id IN (
        SELECT j.id FROM provisioner_jobs j JOIN workspace_builds b ON b.job_id = j.id
        WHERE ${sql.literal(isUnpickedJob)} ${cap}
        ORDER BY CASE WHEN ${isClaim} THEN 0 WHEN b.transition = 'delete' THEN 1 ELSE 2 END, ${inFlight}, j.created_at, j.id
        LIMIT 1${sql.literal(dialect.forUpdateSkipLocked("j"))}
      )
      RETURNING id`
    if (taken[0] === undefined) return Option.none()
    return Option.some(yield* readAcquiredJob(ctx, taken[0].id as ProvisionerJobId))
  }))

/**
 * Renews a job's lease (and records when its worker started it, on the first renewal). `None`:
 * the job is no longer the worker's (reaped or ended); otherwise its status (`canceling` asks
 * the worker to stop it).
 *
 * @internal
 */
export const renewJobLease = (
  { sql }: StoreContext,
  jobId: ProvisionerJobId,
  workerId: ProvisionerWorkerId,
  now: DateTime.Utc,
  leaseUntil: DateTime.Utc
): Op<Option.Option<"running" | "canceling">> =>
  Effect.map(
    sql<Row>`UPDATE provisioner_jobs
      SET lease_expires_at = ${DateTime.toEpochMillis(leaseUntil)},
        started_at = COALESCE(started_at, ${DateTime.toEpochMillis(now)})
      WHERE id = ${jobId} AND worker_id = ${workerId} AND status IN ('running', 'canceling')
      RETURNING status`,
    (rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.status as "running" | "canceling")
  )

interface ReapCandidate {
  readonly jobId: ProvisionerJobId
  readonly job: JobLeases.LeasedJob
  readonly workspaceId: WorkspaceId
  readonly templateVersionId: TemplateVersionId
  readonly presetId: PresetId | null
  readonly transition: WorkspaceTransition
  readonly buildNumber: number
  readonly initiatorId: UserId
  readonly ownerId: UserId
  readonly workspaceDeleted: boolean
}

const toCandidate = (row: Row): ReapCandidate => ({
  jobId: row.id as ProvisionerJobId,
  job: {
    status: row.status as "running" | "canceling",
    workerId: nullableString<ProvisionerWorkerId>(row.worker_id),
    startedAt: readNullableNumber(row.started_at),
    leaseExpiresAt: readNullableNumber(row.lease_expires_at)
  },
  workspaceId: row.workspace_id as WorkspaceId,
  templateVersionId: row.template_version_id as TemplateVersionId,
  presetId: nullableString<PresetId>(row.preset_id),
  transition: row.transition as WorkspaceTransition,
  buildNumber: readNumber(row.build_number),
  initiatorId: row.initiator_id as UserId,
  ownerId: row.owner_id as UserId,
  workspaceDeleted: readBoolean(row.deleted)
})

/**
 * One reaper pass in one write transaction (see `JobLeases.reapDecision` and
 * `JobLeases.needsFollowUpDelete`).
 *
 * @internal
 */
export const reapJobs = (ctx: StoreContext, options: ReapOptions): Op<JobLeases.ReapResult> =>
  ctx.tx.write(Effect.gen(function*() {
    const { dialect, sql } = ctx
    const now = DateTime.toEpochMillis(options.now)
    const live = options.liveWorkers === undefined ? undefined : new Set<string>(options.liveWorkers)
    // With the live workers known every running job is a candidate; otherwise only expired leases.
    const expiredOnly = live === undefined
      ? sql`AND (j.lease_expires_at IS NULL OR j.lease_expires_at < ${now})`
      : sql.literal("")
    const rows = yield* sql<Row>`SELECT j.id, j.status, j.worker_id, j.started_at, j.lease_expires_at,
        b.workspace_id, b.template_version_id, b.preset_id, b.transition, b.build_number, b.initiator_id,
        w.owner_id, w.deleted
      FROM provisioner_jobs j
      JOIN workspace_builds b ON b.job_id = j.id
      JOIN workspaces w ON w.id = b.workspace_id
      WHERE j.status IN ('running', 'canceling') ${expiredOnly}
      ORDER BY j.created_at, j.id${sql.literal(dialect.forUpdate === "" ? "" : " FOR UPDATE OF j")}`
    let requeued = 0
    let failed = 0
    let canceled = 0
    let deletes = 0
    for (const candidate of rows.map(toCandidate)) {
      const decision = JobLeases.reapDecision(candidate.job, now, live)
      if (decision === "keep") continue
      if (decision === "requeue") {
        yield* sql`UPDATE provisioner_jobs
          SET status = 'pending', worker_id = NULL, started_at = NULL, lease_expires_at = NULL
          WHERE id = ${candidate.jobId}`
        requeued++
        continue
      }
      const error = JobLeases.leaseExpiredError(candidate.job.workerId)
      if (decision === "cancel") {
        yield* sql`UPDATE provisioner_jobs
          SET status = 'canceled', completed_at = ${now}, canceled_at = COALESCE(canceled_at, ${now}),
            reaped_at = ${now}, error = ${error}
          WHERE id = ${candidate.jobId}`
        canceled++
      } else {
        yield* sql`UPDATE provisioner_jobs
          SET status = 'failed', completed_at = ${now}, reaped_at = ${now}, error = ${error}
          WHERE id = ${candidate.jobId}`
        failed++
      }
      if (JobLeases.needsFollowUpDelete(candidate)) {
        yield* sql`UPDATE workspaces SET deleting_at = ${now} WHERE id = ${candidate.workspaceId}`
        yield* insertBuild(ctx, {
          workspaceId: candidate.workspaceId,
          templateVersionId: candidate.templateVersionId,
          buildNumber: yield* nextBuildNumber(ctx, candidate.workspaceId),
          transition: "delete",
          presetId: candidate.presetId,
          initiatorId: SystemUserId,
          parameters: {},
          now: options.now
        })
        deletes++
      }
    }
    return { requeued, failed, canceled, deletes }
  }))

const endedStatuses: ReadonlySet<string> = new Set(["succeeded", "failed", "canceled"])

/**
 * Cancels a build's job: a pending job ends `canceled` at once; a running one becomes
 * `canceling` (its worker stops it at its next heartbeat, or the reaper ends it when the worker
 * is gone). `NotFound` for an unknown build, `Conflict` when the job has ended.
 *
 * @internal
 */
export const cancelBuild = (ctx: StoreContext, buildId: WorkspaceBuildId, now: DateTime.Utc): Op<CanceledBuild> =>
  ctx.tx.write(Effect.gen(function*() {
    const { dialect, sql } = ctx
    const at = DateTime.toEpochMillis(now)
    const rows = yield* sql<Row>`SELECT j.id, j.status FROM provisioner_jobs j
      JOIN workspace_builds b ON b.job_id = j.id
      WHERE b.id = ${buildId}${sql.literal(dialect.forUpdate === "" ? "" : " FOR UPDATE OF j")}`
    const row = rows[0]
    if (row === undefined) return yield* Effect.fail(notFound("cancelBuild", `build ${buildId} does not exist`))
    const jobId = row.id as ProvisionerJobId
    const status = row.status as ProvisionerJobStatus
    if (endedStatuses.has(status)) {
      return yield* Effect.fail(conflict("cancelBuild", `the job of build ${buildId} has already ended (${status})`))
    }
    if (status === "pending") {
      yield* sql`UPDATE provisioner_jobs
        SET status = 'canceled', canceled_at = ${at}, completed_at = ${at}, error = 'canceled on request'
        WHERE id = ${jobId}`
      return { buildId, jobId, status: "canceled" as const }
    }
    if (status === "running") {
      yield* sql`UPDATE provisioner_jobs SET status = 'canceling', canceled_at = ${at} WHERE id = ${jobId}`
    }
    return { buildId, jobId, status: "canceling" as const }
  }))
