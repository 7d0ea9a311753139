/**
 * A template's versions with their import results (issue 16): every stored version (active or
 * not, with its presets' statuses) and every change that failed to become a version (a broken
 * edit of a watched template), newest first. What `GET /api/v1/templates/{name}/versions` shows.
 *
 * {@link merge} is pure; {@link list} reads the store.
 *
 * @since 0.1.0
 */
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import type { PrebuildStatus, TemplateId, TemplateVersionId } from "./Domain.js"
import type { StoredPreset, StoredTemplateImport, StoreError, StoreShape } from "./Store.js"

/**
 * One entry of the list. `id` is `null` for an import that made no version (then `ok` is false
 * and `message` and `diagnostics` say why).
 *
 * @since 0.1.0
 */
export interface VersionEntry {
  readonly id: TemplateVersionId | null
  readonly name: string | null
  readonly createdAt: DateTime.Utc
  readonly active: boolean
  readonly ok: boolean
  /** Where the files came from (`api`, `directory`, `watch`), `null` when unrecorded. */
  readonly source: string | null
  readonly message: string
  readonly diagnostics: ReadonlyArray<unknown>
  readonly presets: ReadonlyArray<{
    readonly name: string
    readonly status: PrebuildStatus
    readonly desiredInstances: number | null
  }>
}

/**
 * A stored version as `listTemplates` returns it.
 *
 * @since 0.1.0
 */
export interface VersionRow {
  readonly id: TemplateVersionId
  readonly name: string
  readonly createdAt: DateTime.Utc
  readonly active: boolean
}

/**
 * The list from the versions, the import records and the versions' presets: a version takes the
 * diagnostics of its (newest) successful import record, or none when it has no record (imported
 * before records were kept); failed records are entries of their own. Newest first; ties by id.
 *
 * @since 0.1.0
 */
export const merge = (
  versions: ReadonlyArray<VersionRow>,
  imports: ReadonlyArray<StoredTemplateImport>,
  presets: ReadonlyMap<TemplateVersionId, ReadonlyArray<StoredPreset>>
): ReadonlyArray<VersionEntry> => {
  const recordOf = new Map<TemplateVersionId, StoredTemplateImport>()
  for (const record of imports) {
    if (!record.ok || record.templateVersionId === null) continue
    const known = recordOf.get(record.templateVersionId)
    if (known === undefined || DateTime.lessThan(known.createdAt, record.createdAt)) {
      recordOf.set(record.templateVersionId, record)
    }
  }
  const entries: Array<VersionEntry & { readonly key: string }> = versions.map((version) => {
    const record = recordOf.get(version.id)
    return {
      key: version.id,
      id: version.id,
      name: version.name,
      createdAt: version.createdAt,
      active: version.active,
      ok: true,
      source: record?.source ?? null,
      message: record?.message ?? "",
      diagnostics: record?.diagnostics ?? [],
      presets: (presets.get(version.id) ?? []).map((p) => ({
        name: p.name,
        status: p.prebuildStatus,
        desiredInstances: p.desiredInstances
      }))
    }
  })
  for (const record of imports) {
    if (record.ok) continue
    entries.push({
      key: record.id,
      id: null,
      name: null,
      createdAt: record.createdAt,
      active: false,
      ok: false,
      source: record.source,
      message: record.message,
      diagnostics: record.diagnostics,
      presets: []
    })
  }
  entries.sort((a, b) => {
    const byTime = DateTime.toEpochMillis(b.createdAt) - DateTime.toEpochMillis(a.createdAt)
    return byTime !== 0 ? byTime : a.key < b.key ? 1 : a.key > b.key ? -1 : 0
  })
  return entries.map(({ key: _key, ...entry }) => entry)
}

/**
 * The list of a template (see {@link merge}); `versions` are the template's stored versions.
 *
 * @since 0.1.0
 */
export const list = (
  store: StoreShape,
  templateId: TemplateId,
  versions: ReadonlyArray<VersionRow>
): Effect.Effect<ReadonlyArray<VersionEntry>, StoreError> =>
  Effect.gen(function*() {
    const imports = yield* store.templateImports(templateId)
    const presets = new Map<TemplateVersionId, ReadonlyArray<StoredPreset>>()
    for (const version of versions) presets.set(version.id, yield* store.presetsOfVersion(version.id))
    return merge(versions, imports, presets)
  })
