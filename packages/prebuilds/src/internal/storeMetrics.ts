/**
 * The store-derived prebuild counters (`docs/prebuilds.md` §8).
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import { SystemUserId } from "../Domain.js"
import type { PrebuildCount } from "../Store.js"
import type { StoreContext } from "./storeContext.js"
import { readNumber } from "./storeDialect.js"
import type { Row } from "./storeRows.js"

/**
 * Build-1 builds initiated by the system user on templates that are not deleted, grouped by
 * (template name, preset name, organization name): all of them (`created`), those whose job
 * failed (`failed`), those whose workspace another user owns now (`claimed`).
 *
 * @internal
 */
export const prebuildCounts = ({ sql }: StoreContext): Effect.Effect<ReadonlyArray<PrebuildCount>, SqlError> =>
  Effect.map(
    sql<Row>`SELECT t.name AS template_name, p.name AS preset_name, COALESCE(o.name, '') AS organization_name,
        COUNT(*) AS created,
        SUM(CASE WHEN j.status = 'failed' THEN 1 ELSE 0 END) AS failed,
        SUM(CASE WHEN w.owner_id <> ${SystemUserId} THEN 1 ELSE 0 END) AS claimed
      FROM workspace_builds b
      JOIN workspaces w ON w.id = b.workspace_id
      JOIN templates t ON t.id = w.template_id
      JOIN presets p ON p.id = b.preset_id
      JOIN provisioner_jobs j ON j.id = b.job_id
      LEFT JOIN organizations o ON o.id = t.organization_id
      WHERE b.build_number = 1 AND b.initiator_id = ${SystemUserId} AND t.deleted = FALSE
      GROUP BY t.name, p.name, COALESCE(o.name, '')
      ORDER BY t.name, p.name, COALESCE(o.name, '')`,
    (rows) =>
      rows.map((row): PrebuildCount => ({
        templateName: row.template_name as string,
        presetName: row.preset_name as string,
        organizationName: row.organization_name as string,
        created: readNumber(row.created),
        failed: readNumber(row.failed),
        claimed: readNumber(row.claimed)
      }))
  )
