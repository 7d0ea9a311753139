/**
 * Raw job rows of a server's database for the crash-recovery suites: status, worker, error and
 * the build each job belongs to (the `Store` service does not expose workers' errors). The SQL
 * client under `Store.layerSqliteClient` / `Store.layerPgClient` is looked up by its tag key, as
 * in `pg.ts`.
 */
import { Store } from "@warmpool/prebuilds"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type { Database } from "./store.js"

interface SqlClient {
  readonly unsafe: <A>(sql: string) => Effect.Effect<ReadonlyArray<A>, unknown>
}
const SqlClient = Context.GenericTag<SqlClient>("@effect/sql/SqlClient")

/** A provisioner job with its build and workspace. */
export interface JobRow {
  readonly jobId: string
  readonly status: string
  readonly workerId: string | null
  readonly error: string | null
  readonly workspaceId: string
  readonly buildNumber: number
  readonly transition: string
  readonly latest: boolean
  readonly workspaceDeleted: boolean
  readonly ownerId: string
}

const clientOf = (database: Database) =>
  database._tag === "sqlite"
    ? Store.layerSqliteClient(database.filename)
    : Store.layerPgClient({ url: database.url, schema: database.schema, maxConnections: 1 })

/** Every job of the database, oldest first. */
export const jobRows = (database: Database): Promise<ReadonlyArray<JobRow>> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(Layer.build(clientOf(database)), (context) =>
        Effect.map(
          Context.unsafeGet(context, SqlClient).unsafe<Record<string, unknown>>(
            `SELECT j.id, j.status, j.worker_id, j.error, b.workspace_id, b.build_number, b.transition,
              w.deleted, w.owner_id,
              CASE WHEN b.build_number = (SELECT MAX(lb.build_number) FROM workspace_builds lb
                WHERE lb.workspace_id = b.workspace_id) THEN 1 ELSE 0 END AS latest
            FROM provisioner_jobs j JOIN workspace_builds b ON b.job_id = j.id
            JOIN workspaces w ON w.id = b.workspace_id
            ORDER BY j.created_at, j.id`
          ),
          (rows) =>
            rows.map((row): JobRow => ({
              jobId: row.id as string,
              status: row.status as string,
              workerId: (row.worker_id ?? null) as string | null,
              error: (row.error ?? null) as string | null,
              workspaceId: row.workspace_id as string,
              buildNumber: Number(row.build_number),
              transition: row.transition as string,
              latest: Number(row.latest) === 1,
              workspaceDeleted: row.deleted === true || Number(row.deleted) === 1,
              ownerId: row.owner_id as string
            }))
        ))
    )
  )

/** Jobs still waiting or running. */
export const unfinished = (jobs: ReadonlyArray<JobRow>): ReadonlyArray<JobRow> =>
  jobs.filter((job) => job.status === "pending" || job.status === "running" || job.status === "canceling")

/** The live workspaces whose latest build is a `start` that succeeded (the running ones). */
export const runningWorkspaces = (jobs: ReadonlyArray<JobRow>): ReadonlySet<string> =>
  new Set(
    jobs.filter((job) =>
      job.latest && !job.workspaceDeleted && job.transition === "start" && job.status === "succeeded"
    )
      .map((job) => job.workspaceId)
  )
