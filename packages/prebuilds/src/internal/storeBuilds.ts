/**
 * Inserting builds: a build, its provisioner job and its parameter values, written together.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type {
  PresetId,
  ProvisionerJobId,
  TemplateVersionId,
  UserId,
  WorkspaceBuildId,
  WorkspaceId,
  WorkspaceTransition
} from "../Domain.js"
import { newId, type StoreContext } from "./storeContext.js"
import { bindBoolean, readNullableNumber } from "./storeDialect.js"
import type { Row } from "./storeRows.js"

/**
 * @internal
 */
export interface NewBuild {
  readonly workspaceId: WorkspaceId
  readonly templateVersionId: TemplateVersionId
  readonly buildNumber: number
  readonly transition: WorkspaceTransition
  readonly presetId: PresetId | null
  readonly initiatorId: UserId
  readonly parameters: Readonly<Record<string, string>>
  readonly now: DateTime.Utc
  /** An orphan delete needs no provisioner: its job is written already succeeded. */
  readonly orphan?: boolean
}

/**
 * Writes a build with its job (pending, or succeeded at once for an orphan) and its parameters.
 *
 * @internal
 */
export const insertBuild = (
  { sql }: StoreContext,
  build: NewBuild
): Effect.Effect<{ readonly buildId: WorkspaceBuildId; readonly jobId: ProvisionerJobId }, SqlError> =>
  Effect.gen(function*() {
    const now = DateTime.toEpochMillis(build.now)
    const orphan = build.orphan === true
    const buildId = newId<WorkspaceBuildId>()
    const jobId = newId<ProvisionerJobId>()
    yield* sql`INSERT INTO provisioner_jobs ${
      sql.insert({
        id: jobId,
        status: orphan ? "succeeded" : "pending",
        worker_id: null,
        created_at: now,
        started_at: orphan ? now : null,
        canceled_at: null,
        completed_at: orphan ? now : null,
        error: null
      })
    }`
    yield* sql`INSERT INTO workspace_builds ${
      sql.insert({
        id: buildId,
        workspace_id: build.workspaceId,
        template_version_id: build.templateVersionId,
        build_number: build.buildNumber,
        transition: build.transition,
        preset_id: build.presetId,
        initiator_id: build.initiatorId,
        job_id: jobId,
        orphan: bindBoolean(orphan),
        created_at: now
      })
    }`
    const parameters = Object.entries(build.parameters).map(([name, value]) => ({ build_id: buildId, name, value }))
    if (parameters.length > 0) yield* sql`INSERT INTO build_parameters ${sql.insert(parameters)}`
    return { buildId, jobId }
  })

/**
 * The parameter values of a preset.
 *
 * @internal
 */
export const presetParameters = (
  { sql }: StoreContext,
  presetId: PresetId
): Effect.Effect<Record<string, string>, SqlError> =>
  Effect.map(
    sql<Row>`SELECT name, value FROM preset_parameters WHERE preset_id = ${presetId} ORDER BY name`,
    (rows) => {
      const values: Record<string, string> = {}
      for (const row of rows) values[row.name as string] = row.value as string
      return values
    }
  )

/**
 * The next build number of a workspace.
 *
 * @internal
 */
export const nextBuildNumber = ({ sql }: StoreContext, workspaceId: WorkspaceId): Effect.Effect<number, SqlError> =>
  Effect.map(
    sql<Row>`SELECT MAX(build_number) AS n FROM workspace_builds WHERE workspace_id = ${workspaceId}`,
    (rows) => (readNullableNumber(rows[0]?.n) ?? 0) + 1
  )
