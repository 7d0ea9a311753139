/**
 * The claim log and the demand policies (issue 16, migration `0004_claims_demand`): recording a
 * claim, counting claims and misses per preset over the policy windows, and setting, listing
 * and removing policies. Both are keyed by template and preset **name**.
 *
 * @internal
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ClaimLog from "../ClaimLog.js"
import type { Policy, PresetPolicy } from "../DemandPolicy.js"
import type { TemplateId, TemplateVersionId } from "../Domain.js"
import { newId, type StoreContext } from "./storeContext.js"
import { readNumber } from "./storeDialect.js"
import { instant, type Row } from "./storeRows.js"

/**
 * Records one claim, and prunes claims older than the retention (7 days) in the same write.
 *
 * @internal
 */
export const recordClaim = (ctx: StoreContext, record: ClaimLog.ClaimRecord): Effect.Effect<void, SqlError> => {
  const at = DateTime.toEpochMillis(record.at)
  return ctx.tx.write(Effect.gen(function*() {
    yield* ctx.sql`INSERT INTO prebuild_claims
        (id, at, template_id, template_name, preset_name, template_version_id, outcome)
      VALUES (${newId<string>()}, ${at}, ${record.templateId}, ${record.templateName}, ${record.presetName},
        ${record.templateVersionId}, ${record.outcome})`
    yield* ctx.sql`DELETE FROM prebuild_claims WHERE at < ${at - Duration.toMillis(ClaimLog.retention)}`
  }))
}

/**
 * Recorded claims, newest first (at most `limit`, default 100), optionally of one preset.
 *
 * @internal
 */
export const listClaims = (
  { sql }: StoreContext,
  filter: {
    readonly templateName?: string | undefined
    readonly presetName?: string | undefined
    readonly limit?: number | undefined
  }
): Effect.Effect<ReadonlyArray<ClaimLog.ClaimRecord>, SqlError> => {
  const limit = Math.max(0, Math.floor(filter.limit ?? 100))
  const conditions = [
    ...(filter.templateName === undefined ? [] : [sql`template_name = ${filter.templateName}`]),
    ...(filter.presetName === undefined ? [] : [sql`preset_name = ${filter.presetName}`])
  ]
  return Effect.map(
    sql<Row>`SELECT at, template_id, template_name, preset_name, template_version_id, outcome
      FROM prebuild_claims ${conditions.length === 0 ? sql`` : sql`WHERE ${sql.and(conditions)}`}
      ORDER BY at DESC, id DESC LIMIT ${limit}`,
    (rows) =>
      rows.map((row): ClaimLog.ClaimRecord => ({
        at: instant(row.at),
        templateId: row.template_id as TemplateId,
        templateName: row.template_name as string,
        presetName: row.preset_name as string,
        templateVersionId: row.template_version_id as TemplateVersionId,
        outcome: row.outcome === "hit" ? "hit" : "miss"
      }))
  )
}

/**
 * Claims and misses per (template name, preset name) over each window ending at `now`; presets
 * without a claim in the last 24 hours are absent.
 *
 * @internal
 */
export const readClaimCounts = (
  sql: SqlClient.SqlClient,
  now: DateTime.DateTime
): Effect.Effect<ReadonlyArray<ClaimLog.ClaimCounts>, SqlError> => {
  const nowMillis = DateTime.toEpochMillis(now)
  const since = (window: Duration.Duration) => nowMillis - Duration.toMillis(window)
  const [m5, m15, h1, h24] = [
    since(ClaimLog.windows["5m"]),
    since(ClaimLog.windows["15m"]),
    since(ClaimLog.windows["1h"]),
    since(ClaimLog.windows["24h"])
  ]
  return Effect.map(
    sql<Row>`SELECT template_name, preset_name,
        SUM(CASE WHEN at > ${m5} THEN 1 ELSE 0 END) AS claims_5m,
        SUM(CASE WHEN at > ${m15} THEN 1 ELSE 0 END) AS claims_15m,
        SUM(CASE WHEN at > ${h1} THEN 1 ELSE 0 END) AS claims_1h,
        COUNT(*) AS claims_24h,
        SUM(CASE WHEN at > ${m5} AND outcome = 'miss' THEN 1 ELSE 0 END) AS misses_5m,
        SUM(CASE WHEN at > ${m15} AND outcome = 'miss' THEN 1 ELSE 0 END) AS misses_15m,
        SUM(CASE WHEN at > ${h1} AND outcome = 'miss' THEN 1 ELSE 0 END) AS misses_1h,
        SUM(CASE WHEN outcome = 'miss' THEN 1 ELSE 0 END) AS misses_24h
      FROM prebuild_claims
      WHERE at > ${h24} AND at <= ${nowMillis}
      GROUP BY template_name, preset_name
      ORDER BY template_name, preset_name`,
    (rows) =>
      rows.map((row): ClaimLog.ClaimCounts => ({
        templateName: row.template_name as string,
        presetName: row.preset_name as string,
        claims5m: readNumber(row.claims_5m),
        claims15m: readNumber(row.claims_15m),
        claims1h: readNumber(row.claims_1h),
        claims24h: readNumber(row.claims_24h),
        misses5m: readNumber(row.misses_5m),
        misses15m: readNumber(row.misses_15m),
        misses1h: readNumber(row.misses_1h),
        misses24h: readNumber(row.misses_24h)
      }))
  )
}

/**
 * Every demand policy, by template and preset name.
 *
 * @internal
 */
export const readPolicies = (sql: SqlClient.SqlClient): Effect.Effect<ReadonlyArray<PresetPolicy>, SqlError> =>
  Effect.map(
    sql<Row>`SELECT template_name, preset_name, expression, min_instances, max_instances, updated_at
      FROM preset_policies ORDER BY template_name, preset_name`,
    (rows) =>
      rows.map((row): PresetPolicy => ({
        templateName: row.template_name as string,
        presetName: row.preset_name as string,
        expression: row.expression as string,
        min: readNumber(row.min_instances),
        max: readNumber(row.max_instances),
        updatedAt: instant(row.updated_at)
      }))
  )

/**
 * Sets (inserts or replaces) a preset's policy. The caller validated it (`DemandPolicy.make`).
 *
 * @internal
 */
export const setPolicy = (
  ctx: StoreContext,
  templateName: string,
  presetName: string,
  policy: Policy,
  now: DateTime.Utc
): Effect.Effect<PresetPolicy, SqlError> =>
  Effect.as(
    ctx.tx.write(ctx.sql`INSERT INTO preset_policies
        (template_name, preset_name, expression, min_instances, max_instances, updated_at)
      VALUES (${templateName}, ${presetName}, ${policy.expression}, ${policy.min}, ${policy.max},
        ${DateTime.toEpochMillis(now)})
      ON CONFLICT (template_name, preset_name) DO UPDATE SET expression = excluded.expression,
        min_instances = excluded.min_instances, max_instances = excluded.max_instances,
        updated_at = excluded.updated_at`),
    { templateName, presetName, expression: policy.expression, min: policy.min, max: policy.max, updatedAt: now }
  )

/**
 * Removes a preset's policy; whether there was one.
 *
 * @internal
 */
export const deletePolicy = (
  ctx: StoreContext,
  templateName: string,
  presetName: string
): Effect.Effect<boolean, SqlError> =>
  Effect.map(
    ctx.tx.write(ctx.sql<Row>`DELETE FROM preset_policies
      WHERE template_name = ${templateName} AND preset_name = ${presetName} RETURNING template_name`),
    (rows) => rows.length > 0
  )
