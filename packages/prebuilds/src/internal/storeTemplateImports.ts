/**
 * Import results per template (issue 16): every import attempt that made a new version or failed
 * to (a broken change of a watched template), with its diagnostics, so that the versions list
 * can show why a change was not activated. Also the count of prebuild jobs waiting for a
 * provisioner, which caps the reconciler's creates.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type { TemplateId, TemplateVersionId } from "../Domain.js"
import { SystemUserId } from "../Domain.js"
import type { StoredTemplateImport, TemplateImportRecord } from "../Store.js"
import { newId, type StoreContext } from "./storeContext.js"
import { bindBoolean, readBoolean, readNumber } from "./storeDialect.js"
import type { StoreError } from "./storeError.js"
import { instant, nullableString, parseJsonArray, type Row } from "./storeRows.js"
import { isUnpickedJob } from "./storeSql.js"

type Op<A> = Effect.Effect<A, SqlError | StoreError>

/**
 * @internal
 */
export const recordTemplateImport = ({ sql, tx }: StoreContext, record: TemplateImportRecord): Op<string> => {
  const id = newId<string>()
  return Effect.as(
    tx.write(
      sql`INSERT INTO template_imports
        (id, template_id, template_version_id, created_at, ok, source, message, diagnostics)
        VALUES (${id}, ${record.templateId}, ${record.templateVersionId}, ${DateTime.toEpochMillis(record.createdAt)},
          ${bindBoolean(record.ok)}, ${record.source}, ${record.message}, ${JSON.stringify(record.diagnostics)})`
    ),
    id
  )
}

/**
 * The template's import records, newest first.
 *
 * @internal
 */
export const templateImports = (
  { sql }: StoreContext,
  templateId: TemplateId,
  limit: number
): Op<ReadonlyArray<StoredTemplateImport>> =>
  Effect.map(
    sql<Row>`SELECT id, template_id, template_version_id, created_at, ok, source, message, diagnostics
      FROM template_imports WHERE template_id = ${templateId}
      ORDER BY created_at DESC, id DESC LIMIT ${Math.max(1, Math.floor(limit))}`,
    (rows) =>
      rows.map((row): StoredTemplateImport => ({
        id: row.id as string,
        templateId: row.template_id as TemplateId,
        templateVersionId: nullableString<TemplateVersionId>(row.template_version_id),
        createdAt: instant(row.created_at),
        ok: readBoolean(row.ok),
        source: row.source as string,
        message: row.message as string,
        diagnostics: parseJsonArray(row.diagnostics)
      }))
  )

/**
 * Prebuild jobs (initiated by the system user: creates and deletes) that no provisioner has
 * picked up yet.
 *
 * @internal
 */
export const pendingPrebuildJobs = ({ sql }: StoreContext): Op<number> =>
  Effect.map(
    sql<Row>`SELECT COUNT(*) AS n FROM provisioner_jobs j JOIN workspace_builds b ON b.job_id = j.id
      WHERE ${sql.literal(isUnpickedJob)} AND b.initiator_id = ${SystemUserId}`,
    (rows) => readNumber(rows[0]?.n ?? 0)
  )
