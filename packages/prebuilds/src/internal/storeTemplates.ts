/**
 * Organizations, templates, versions (with content-addressed files) and presets.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { OrganizationId, PrebuildStatus, PresetId, TemplateId, TemplateVersionId } from "../Domain.js"
import type {
  ImportVersionInput,
  PresetImport,
  StoredPreset,
  StoredTemplate,
  StoredVersion,
  TemplateListing
} from "../Store.js"
import { newId, type StoreContext } from "./storeContext.js"
import { bindBoolean, bindBytes, readBytes, readNumber } from "./storeDialect.js"
import { conflict, notFound, type StoreError } from "./storeError.js"
import { digestOfHashed, hashFiles } from "./storeFiles.js"
import { instant, type Row, toPreset, toTemplate, toVersion } from "./storeRows.js"

type Op<A> = Effect.Effect<A, SqlError | StoreError>

const templateColumns = "t.id, t.organization_id, t.name, t.active_version_id, t.deleted, t.deprecation_message"

/**
 * @internal
 */
export const ensureOrganization = ({ sql, tx }: StoreContext, name: string): Op<OrganizationId> =>
  tx.write(Effect.gen(function*() {
    yield* sql`INSERT INTO organizations (id, name) VALUES (${newId()}, ${name}) ON CONFLICT DO NOTHING`
    const rows = yield* sql<Row>`SELECT id FROM organizations WHERE name = ${name}`
    return rows[0]!.id as OrganizationId
  }))

const liveTemplateByName = (
  { sql }: StoreContext,
  name: string,
  organizationId: OrganizationId | null
) =>
  Effect.map(
    sql<Row>`SELECT ${sql.literal(templateColumns)} FROM templates t
      WHERE t.name = ${name} AND t.deleted = FALSE AND COALESCE(t.organization_id, '') = ${organizationId ?? ""}`,
    (rows) => Option.map(Option.fromNullable(rows[0]), toTemplate)
  )

const requireOrganization = ({ sql }: StoreContext, operation: string, id: OrganizationId | null) =>
  id === null ? Effect.void : Effect.flatMap(
    sql<Row>`SELECT id FROM organizations WHERE id = ${id}`,
    (rows) => rows.length === 0 ? Effect.fail(notFound(operation, `organization ${id} does not exist`)) : Effect.void
  )

const insertTemplate = ({ sql }: StoreContext, name: string, organizationId: OrganizationId | null) => {
  const template: StoredTemplate = {
    id: newId<TemplateId>(),
    organizationId,
    name,
    activeVersionId: null,
    deleted: false,
    deprecationMessage: ""
  }
  return Effect.as(
    sql`INSERT INTO templates (id, organization_id, name) VALUES (${template.id}, ${organizationId}, ${name})`,
    template
  )
}

/**
 * @internal
 */
export const createTemplate = (
  ctx: StoreContext,
  input: { readonly name: string; readonly organizationId?: OrganizationId | null | undefined }
): Op<StoredTemplate> => {
  const organizationId = input.organizationId ?? null
  return ctx.tx.write(Effect.gen(function*() {
    yield* requireOrganization(ctx, "createTemplate", organizationId)
    const existing = yield* liveTemplateByName(ctx, input.name, organizationId)
    if (Option.isSome(existing)) {
      return yield* Effect.fail(conflict("createTemplate", `a template named ${input.name} already exists`))
    }
    return yield* insertTemplate(ctx, input.name, organizationId)
  }))
}

/**
 * @internal
 */
export const ensureTemplate = (
  ctx: StoreContext,
  name: string,
  organizationId: OrganizationId | null
): Op<StoredTemplate> =>
  ctx.tx.write(Effect.gen(function*() {
    yield* requireOrganization(ctx, "ensureTemplate", organizationId)
    const existing = yield* liveTemplateByName(ctx, name, organizationId)
    if (Option.isSome(existing)) return existing.value
    return yield* insertTemplate(ctx, name, organizationId)
  })).pipe(
    // A concurrent replica created it between the read and the insert (the unique index on live
    // names refused ours): use theirs.
    Effect.catchAll((error) =>
      Effect.flatMap(
        liveTemplateByName(ctx, name, organizationId),
        (created) => Option.isSome(created) ? Effect.succeed(created.value) : Effect.fail(error)
      )
    )
  )

/**
 * @internal
 */
export const template = ({ sql }: StoreContext, id: TemplateId): Op<Option.Option<StoredTemplate>> =>
  Effect.map(
    sql<Row>`SELECT ${sql.literal(templateColumns)} FROM templates t WHERE t.id = ${id}`,
    (rows) => Option.map(Option.fromNullable(rows[0]), toTemplate)
  )

/**
 * @internal
 */
export const listTemplates = (
  { sql, tx }: StoreContext,
  includeDeleted: boolean
): Op<ReadonlyArray<TemplateListing>> =>
  tx.read(Effect.gen(function*() {
    const templates = yield* sql<Row>`SELECT ${sql.literal(templateColumns)}, COALESCE(o.name, '') AS organization_name
      FROM templates t LEFT JOIN organizations o ON o.id = t.organization_id
      WHERE ${includeDeleted ? sql.literal("TRUE") : sql.literal("t.deleted = FALSE")}
      ORDER BY t.name, t.id`
    const versions = yield* sql<Row>`SELECT v.id, v.template_id, v.name, v.created_at
      FROM template_versions v JOIN templates t ON t.id = v.template_id
      WHERE ${includeDeleted ? sql.literal("TRUE") : sql.literal("t.deleted = FALSE")}
      ORDER BY v.created_at, v.id`
    const byTemplate = new Map<string, Array<Row>>()
    for (const version of versions) {
      const list = byTemplate.get(version.template_id as string)
      if (list === undefined) byTemplate.set(version.template_id as string, [version])
      else list.push(version)
    }
    return templates.map((row): TemplateListing => {
      const stored = toTemplate(row)
      return {
        ...stored,
        organizationName: row.organization_name as string,
        versions: (byTemplate.get(stored.id) ?? []).map((version) => ({
          id: version.id as TemplateVersionId,
          name: version.name as string,
          createdAt: instant(version.created_at),
          active: version.id === stored.activeVersionId
        }))
      }
    })
  }))

const updateTemplate = (operation: string, id: TemplateId, update: Effect.Effect<ReadonlyArray<Row>, SqlError>) =>
  Effect.flatMap(
    update,
    (rows) => rows.length === 0 ? Effect.fail(notFound(operation, `template ${id} does not exist`)) : Effect.void
  )

/**
 * @internal
 */
export const deleteTemplate = ({ sql }: StoreContext, id: TemplateId): Op<void> =>
  updateTemplate("deleteTemplate", id, sql<Row>`UPDATE templates SET deleted = TRUE WHERE id = ${id} RETURNING id`)

/**
 * @internal
 */
export const deprecateTemplate = ({ sql }: StoreContext, id: TemplateId, message: string): Op<void> =>
  updateTemplate(
    "deprecateTemplate",
    id,
    sql<Row>`UPDATE templates SET deprecation_message = ${message} WHERE id = ${id} RETURNING id`
  )

const hasErrorDiagnostic = (diagnostics: ReadonlyArray<unknown>): boolean =>
  diagnostics.some((diagnostic) =>
    typeof diagnostic === "object" && diagnostic !== null &&
    (diagnostic as { readonly severity?: unknown }).severity === "error"
  )

/**
 * The status a preset starts with: `validation_failed` when its import validation found an
 * error, else `healthy`.
 *
 * @internal
 */
export const importedStatus = (preset: PresetImport): PrebuildStatus =>
  hasErrorDiagnostic(preset.validationDiagnostics) ? "validation_failed" : "healthy"

const insertPreset = ({ sql }: StoreContext, versionId: TemplateVersionId, preset: PresetImport) =>
  Effect.gen(function*() {
    const id = newId<PresetId>()
    yield* sql`INSERT INTO presets ${
      sql.insert({
        id,
        template_version_id: versionId,
        name: preset.name,
        is_default: bindBoolean(preset.isDefault),
        desired_instances: preset.desiredInstances,
        ttl_seconds: preset.ttlSeconds,
        last_invalidated_at: null,
        scheduling_timezone: preset.schedulingTimezone,
        prebuild_status: importedStatus(preset),
        validation_diagnostics: JSON.stringify(preset.validationDiagnostics)
      })
    }`
    const parameters = Object.entries(preset.parameters).map(([name, value]) => ({ preset_id: id, name, value }))
    if (parameters.length > 0) yield* sql`INSERT INTO preset_parameters ${sql.insert(parameters)}`
    const schedules = preset.schedules.map((schedule, ordinal) => ({
      preset_id: id,
      ordinal,
      cron: schedule.cron,
      instances: schedule.instances
    }))
    if (schedules.length > 0) yield* sql`INSERT INTO preset_schedules ${sql.insert(schedules)}`
  })

/**
 * @internal
 */
export const importVersion = (ctx: StoreContext, input: ImportVersionInput): Op<TemplateVersionId> => {
  const { sql } = ctx
  const files = hashFiles(input.files)
  const digest = digestOfHashed(files)
  return ctx.tx.write(Effect.gen(function*() {
    const owner = yield* template(ctx, input.templateId)
    if (Option.isNone(owner)) {
      return yield* Effect.fail(notFound("importVersion", `template ${input.templateId} does not exist`))
    }
    if (owner.value.deleted) {
      return yield* Effect.fail(conflict("importVersion", `template ${input.templateId} is deleted`))
    }
    // The same files already stored for this template (another replica may have imported
    // them a moment ago): that version is the answer.
    const existing = yield* sql<Row>`SELECT id FROM template_versions
      WHERE template_id = ${input.templateId} AND files_digest = ${digest}`
    if (existing.length > 0) {
      const existingId = existing[0]!.id as TemplateVersionId
      if (input.activate) {
        yield* sql`UPDATE templates SET active_version_id = ${existingId} WHERE id = ${input.templateId}`
      }
      return existingId
    }
    const blobs = new Map(files.map((file) => [file.sha256, file.bytes]))
    if (blobs.size > 0) {
      const present = yield* sql<Row>`SELECT sha256 FROM file_blobs WHERE ${sql.in("sha256", [...blobs.keys()])}`
      for (const row of present) blobs.delete(row.sha256 as string)
      for (const [sha256, bytes] of blobs) {
        yield* sql`INSERT INTO file_blobs (sha256, size, content)
          VALUES (${sha256}, ${bytes.byteLength}, ${bindBytes(bytes)}) ON CONFLICT DO NOTHING`
      }
    }
    const versionId = newId<TemplateVersionId>()
    const inserted = yield* sql<Row>`INSERT INTO template_versions ${
      sql.insert({
        id: versionId,
        template_id: input.templateId,
        name: input.name,
        files_digest: digest,
        created_at: DateTime.toEpochMillis(input.now)
      })
    } ON CONFLICT (template_id, files_digest) DO NOTHING RETURNING id`
    if (inserted.length === 0) {
      // Lost a race with a concurrent import of the same files: use the winner's version.
      const winner = yield* sql<Row>`SELECT id FROM template_versions
        WHERE template_id = ${input.templateId} AND files_digest = ${digest}`
      const winnerId = winner[0]!.id as TemplateVersionId
      if (input.activate) {
        yield* sql`UPDATE templates SET active_version_id = ${winnerId} WHERE id = ${input.templateId}`
      }
      return winnerId
    }
    if (files.length > 0) {
      yield* sql`INSERT INTO template_version_files ${
        sql.insert(files.map((file) => ({ template_version_id: versionId, path: file.path, blob_sha256: file.sha256 })))
      }`
    }
    for (const preset of input.presets) yield* insertPreset(ctx, versionId, preset)
    if (input.activate) {
      yield* sql`UPDATE templates SET active_version_id = ${versionId} WHERE id = ${input.templateId}`
    }
    return versionId
  }))
}

const versionColumns = "v.id, v.template_id, v.name, v.files_digest, v.created_at"

/**
 * @internal
 */
export const templateVersion = ({ sql }: StoreContext, id: TemplateVersionId): Op<Option.Option<StoredVersion>> =>
  Effect.map(
    sql<Row>`SELECT ${sql.literal(versionColumns)} FROM template_versions v WHERE v.id = ${id}`,
    (rows) => Option.map(Option.fromNullable(rows[0]), toVersion)
  )

/**
 * @internal
 */
export const activateVersion = (ctx: StoreContext, templateId: TemplateId, versionId: TemplateVersionId): Op<void> =>
  ctx.tx.write(Effect.gen(function*() {
    const version = yield* templateVersion(ctx, versionId)
    if (Option.isNone(version)) {
      return yield* Effect.fail(notFound("activateVersion", `template version ${versionId} does not exist`))
    }
    if (version.value.templateId !== templateId) {
      return yield* Effect.fail(
        conflict("activateVersion", `template version ${versionId} belongs to another template`)
      )
    }
    yield* updateTemplate(
      "activateVersion",
      templateId,
      ctx.sql<Row>`UPDATE templates SET active_version_id = ${versionId} WHERE id = ${templateId} RETURNING id`
    )
  }))

/**
 * @internal
 */
export const versionFiles = (ctx: StoreContext, id: TemplateVersionId): Op<Record<string, Uint8Array>> =>
  Effect.gen(function*() {
    const version = yield* templateVersion(ctx, id)
    if (Option.isNone(version)) {
      return yield* Effect.fail(notFound("versionFiles", `template version ${id} does not exist`))
    }
    const rows = yield* ctx.sql<Row>`SELECT f.path, b.content FROM template_version_files f
      JOIN file_blobs b ON b.sha256 = f.blob_sha256
      WHERE f.template_version_id = ${id} ORDER BY f.path`
    // Null prototype: `__proto__`, `constructor`... are ordinary file names.
    const files: Record<string, Uint8Array> = Object.create(null)
    for (const row of rows) files[row.path as string] = readBytes(row.content)
    return files
  })

/**
 * @internal
 */
export const findVersionByDigest = (
  { sql }: StoreContext,
  templateId: TemplateId,
  digest: string
): Op<Option.Option<TemplateVersionId>> =>
  Effect.map(
    sql<Row>`SELECT id FROM template_versions WHERE template_id = ${templateId} AND files_digest = ${digest}
      ORDER BY created_at DESC, id DESC LIMIT 1`,
    (rows) => Option.map(Option.fromNullable(rows[0]), (row) => row.id as TemplateVersionId)
  )

const presetColumns = "p.id, p.template_version_id, p.name, p.is_default, p.desired_instances, p.ttl_seconds, " +
  "p.last_invalidated_at, p.scheduling_timezone, p.prebuild_status, p.validation_diagnostics"

/** Presets (rows selected by `where`) with their parameters and schedules, in one read. */
const presetsWhere = (
  { sql, tx }: StoreContext,
  where: { readonly column: "p.id" | "p.template_version_id"; readonly value: string }
): Op<ReadonlyArray<StoredPreset>> =>
  tx.read(Effect.gen(function*() {
    const column = sql.literal(where.column)
    const presets = yield* sql<Row>`SELECT ${sql.literal(presetColumns)} FROM presets p
      WHERE ${column} = ${where.value} ORDER BY p.name, p.id`
    if (presets.length === 0) return []
    const parameters = yield* sql<Row>`SELECT pp.preset_id, pp.name, pp.value
      FROM preset_parameters pp JOIN presets p ON p.id = pp.preset_id
      WHERE ${column} = ${where.value} ORDER BY pp.preset_id, pp.name`
    const schedules = yield* sql<Row>`SELECT ps.preset_id, ps.cron, ps.instances
      FROM preset_schedules ps JOIN presets p ON p.id = ps.preset_id
      WHERE ${column} = ${where.value} ORDER BY ps.preset_id, ps.ordinal`
    return presets.map((row) => {
      const values: Record<string, string> = {}
      for (const parameter of parameters) {
        if (parameter.preset_id === row.id) values[parameter.name as string] = parameter.value as string
      }
      const ordered = schedules
        .filter((schedule) => schedule.preset_id === row.id)
        .map((schedule) => ({ cron: schedule.cron as string, instances: readNumber(schedule.instances) }))
      return toPreset(row, values, ordered)
    })
  }))

/**
 * @internal
 */
export const presetsOfVersion = (ctx: StoreContext, versionId: TemplateVersionId): Op<ReadonlyArray<StoredPreset>> =>
  presetsWhere(ctx, { column: "p.template_version_id", value: versionId })

/**
 * @internal
 */
export const presetById = (ctx: StoreContext, id: PresetId): Op<Option.Option<StoredPreset>> =>
  Effect.map(presetsWhere(ctx, { column: "p.id", value: id }), (presets) => Option.fromNullable(presets[0]))

/** The status after asking for `target` from `current` (docs/prebuilds.md §3.11), or `undefined` when refused. */
const nextStatus = (current: PrebuildStatus, target: PrebuildStatus): PrebuildStatus | undefined => {
  if (target === current) return current
  switch (target) {
    case "healthy":
      return undefined
    case "hard_limited":
      return current === "healthy" ? "hard_limited" : current
    case "validation_failed":
      return "validation_failed"
  }
}

/**
 * @internal
 */
export const setPresetStatus = (
  { dialect, sql, tx }: StoreContext,
  id: PresetId,
  status: PrebuildStatus,
  diagnostics: ReadonlyArray<unknown> | undefined
): Op<PrebuildStatus> =>
  tx.write(Effect.gen(function*() {
    const rows = yield* sql<Row>`SELECT prebuild_status FROM presets WHERE id = ${id}${sql.literal(dialect.forUpdate)}`
    if (rows.length === 0) return yield* Effect.fail(notFound("setPresetStatus", `preset ${id} does not exist`))
    const current = rows[0]!.prebuild_status as PrebuildStatus
    const next = nextStatus(current, status)
    if (next === undefined) {
      return yield* Effect.fail(
        conflict("setPresetStatus", `preset ${id} is ${current}: only a new template version makes it healthy`)
      )
    }
    const applied = next === status
    if (applied && diagnostics !== undefined) {
      yield* sql`UPDATE presets SET prebuild_status = ${next}, validation_diagnostics = ${JSON.stringify(diagnostics)}
        WHERE id = ${id}`
    } else if (next !== current) {
      yield* sql`UPDATE presets SET prebuild_status = ${next} WHERE id = ${id}`
    }
    return next
  }))

/**
 * @internal
 */
export const invalidatePreset = ({ sql }: StoreContext, id: PresetId, now: DateTime.Utc): Op<void> =>
  Effect.flatMap(
    sql<Row>`UPDATE presets SET last_invalidated_at = ${DateTime.toEpochMillis(now)} WHERE id = ${id} RETURNING id`,
    (rows) => rows.length === 0 ? Effect.fail(notFound("invalidatePreset", `preset ${id} does not exist`)) : Effect.void
  )

/**
 * @internal
 */
export const setPaused = ({ sql }: StoreContext, paused: boolean): Op<void> =>
  Effect.asVoid(sql`UPDATE prebuild_settings SET reconciliation_paused = ${bindBoolean(paused)} WHERE id = 1`)
