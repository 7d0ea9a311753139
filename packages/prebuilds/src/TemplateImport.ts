/**
 * Importing template versions (`PREBUILDS.md` §6.3): the files are compiled and rendered once
 * for the system user with no values, the presets are extracted with their prebuild settings and
 * validated (`validatePresets` plus the scheduling checks), and the version is stored with its
 * presets in one store transaction.
 *
 * **warmpool:** a preset that fails validation is stored `validation_failed` with its diagnostics
 * (never provisioned, zero renders per cycle) while the valid presets are provisioned; the
 * failures are reported in the result and logged. `strict` rejects the import instead.
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { Metrics } from "@warmpool/metrics"
import { Renderer, type RenderError, RenderOutput } from "@warmpool/render"
import type { Diagnostic } from "@warmpool/terraform"
import { TemplateFiles } from "@warmpool/terraform"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { OrganizationId, PrebuildStatus, PresetId, ScheduleSpec, TemplateId, TemplateVersionId } from "./Domain.js"
import * as ParameterValidationError from "./ParameterValidationError.js"
import * as Schedule from "./Schedule.js"
import type { StoreError } from "./Store.js"
import { filesDigest, type PresetImport, Store, type StoredPreset } from "./Store.js"
import { systemOwner } from "./WorkspaceBuilder.js"

/**
 * What to import.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportRequest {
  /** The template (created when missing). */
  readonly templateName: string
  /** Path → content (text is UTF-8). */
  readonly files: Readonly<Record<string, Uint8Array | string>>
  /** Make the version the template's active version. */
  readonly activate: boolean
  /** Reject the import when a preset fails validation (default `false`). */
  readonly strict?: boolean | undefined
  readonly organizationId?: OrganizationId | null | undefined
  /** Default: `v-` and the first 12 hex digits of the files' digest. */
  readonly versionName?: string | undefined
  /** Where the files came from, kept with the import record (default `api`). */
  readonly source?: string | undefined
}

/**
 * A preset of an imported version, with its validation diagnostics (errors make it
 * `validation_failed`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportedPreset {
  readonly id: PresetId
  readonly name: string
  readonly status: PrebuildStatus
  readonly desiredInstances: number | null
  readonly ttlSeconds: number | null
  readonly schedulingTimezone: string
  readonly schedules: ReadonlyArray<ScheduleSpec>
  readonly diagnostics: ReadonlyArray<RenderOutput.Diagnostic>
}

/**
 * The outcome of an import.
 *
 * @since 0.1.0
 * @category models
 */
export interface ImportResult {
  readonly templateId: TemplateId
  readonly templateName: string
  readonly templateVersionId: TemplateVersionId
  /** `true` when a version with exactly these files existed and was returned instead. */
  readonly reused: boolean
  /** Whether the version is the template's active version now. */
  readonly active: boolean
  readonly presets: ReadonlyArray<ImportedPreset>
  /** Top-level diagnostics of the import render (warnings; errors reject the import). */
  readonly diagnostics: ReadonlyArray<RenderOutput.Diagnostic>
  /**
   * Presets that were not stored: a repeated name keeps its first declaration (the store keys
   * presets by name within a version).
   */
  readonly skippedPresets: ReadonlyArray<{ readonly name: string; readonly reason: string }>
}

/**
 * The files could not be read as a template (`InvalidFiles`), or the import render has top-level
 * errors (`RenderFailed`: the template cannot build at all, so its version is not imported).
 *
 * @since 0.1.0
 * @category errors
 */
export class TemplateImportError extends Data.TaggedError("TemplateImportError")<{
  readonly reason: "InvalidFiles" | "RenderFailed"
  readonly templateName: string
  readonly message: string
  readonly diagnostics: ReadonlyArray<RenderOutput.Diagnostic>
}> {}

/**
 * Every failure of an import.
 *
 * @since 0.1.0
 * @category models
 */
export type ImportError =
  | TemplateImportError
  | ParameterValidationError.ParameterValidationError
  | StoreError
  | RenderError.RenderFailure

/**
 * One sub-directory of {@link TemplateImportShape.importDirectory}.
 *
 * @since 0.1.0
 * @category models
 */
export interface DirectoryImport {
  readonly name: string
  readonly directory: string
  readonly result: Either.Either<ImportResult, ImportError>
}

/**
 * The operations of the `TemplateImport` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateImportShape {
  /**
   * Import a version. When the template already has a version with exactly these files, that
   * version is returned (`reused`) and, when `activate`, activated.
   */
  readonly importVersion: (request: ImportRequest) => Effect.Effect<ImportResult, ImportError>
  /**
   * Import every sub-directory of `root` (sorted by name, hidden ones skipped) as a template
   * named after it, activating the new versions. One failing directory does not stop the others.
   */
  readonly importDirectory: (
    root: string,
    options?: {
      readonly strict?: boolean | undefined
      /** Only these sub-directories (default: all). */
      readonly only?: ReadonlyArray<string> | undefined
      /** Recorded with each import (default `directory`). */
      readonly source?: string | undefined
    }
  ) => Effect.Effect<ReadonlyArray<DirectoryImport>, TemplateImportError, FileSystem.FileSystem | Path.Path>
  /** Template compilations performed by imports. */
  readonly compilations: Effect.Effect<number>
}

/**
 * The `TemplateImport` service tag; its operations are {@link TemplateImportShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class TemplateImport
  extends Context.Tag("@warmpool/prebuilds/TemplateImport")<TemplateImport, TemplateImportShape>()
{}

const wireDiagnostic = (
  severity: "error" | "warning",
  summary: string,
  detail: string,
  code = ""
): RenderOutput.Diagnostic => ({ severity, summary, detail, extra: { code } })

const fromTerraform = (diagnostic: Diagnostic.Diagnostic): RenderOutput.Diagnostic =>
  wireDiagnostic(diagnostic.severity, diagnostic.summary, diagnostic.detail, diagnostic.code)

const decodeDiagnostics = Schema.decodeUnknownOption(Schema.Array(RenderOutput.Diagnostic))

const storedDiagnostics = (preset: StoredPreset): ReadonlyArray<RenderOutput.Diagnostic> =>
  Option.getOrElse(decodeDiagnostics(preset.validationDiagnostics), () => [])

const toImported = (preset: StoredPreset): ImportedPreset => ({
  id: preset.id,
  name: preset.name,
  status: preset.prebuildStatus,
  desiredInstances: preset.desiredInstances,
  ttlSeconds: preset.ttlSeconds,
  schedulingTimezone: preset.schedulingTimezone,
  schedules: preset.schedules,
  diagnostics: storedDiagnostics(preset)
})

const strictFailure = (
  presets: ReadonlyArray<{ readonly name: string; readonly diagnostics: ReadonlyArray<RenderOutput.Diagnostic> }>
): Option.Option<ParameterValidationError.ParameterValidationError> => {
  const keyed = new Map<string, ReadonlyArray<RenderOutput.Diagnostic>>()
  for (const preset of presets) {
    const errors = preset.diagnostics.filter((d) => d.severity === "error")
    if (errors.length > 0) keyed.set(preset.name, errors)
  }
  return keyed.size === 0
    ? Option.none()
    : Option.some(ParameterValidationError.make(ParameterValidationError.messages.presets, keyed))
}

/** The diagnostics an import failure carries (its message as one error when it has none). */
const failureDiagnostics = (error: ImportError): ReadonlyArray<RenderOutput.Diagnostic> => {
  if (error._tag === "TemplateImportError" && error.diagnostics.length > 0) return error.diagnostics
  if (error._tag === "ParameterValidationError") return ParameterValidationError.toDiagnostics(error)
  return [wireDiagnostic("error", "Import failed", error.message)]
}

const nonNegativeInteger = (n: number): number => Number.isFinite(n) ? Math.max(0, Math.trunc(n)) : 0

/**
 * The presets of an import render, ready for the store: prebuild settings from the render's
 * preset settings, scheduling problems added as errors, repeated names skipped.
 */
const extractPresets = (rendered: Renderer.Rendered) => {
  const presets: Array<PresetImport> = []
  const skipped: Array<{ readonly name: string; readonly reason: string }> = []
  const seen = new Set<string>()
  rendered.output.presets.forEach((preset, index) => {
    if (seen.has(preset.name)) {
      skipped.push({ name: preset.name, reason: "another preset of the version has the same name" })
      return
    }
    seen.add(preset.name)
    const settings = rendered.presetSettings[index] ?? { ttlSeconds: null, timezone: "", schedules: [] }
    const diagnostics: Array<RenderOutput.Diagnostic> = [...preset.diagnostics]
    const desiredInstances = preset.prebuilds === null ? null : nonNegativeInteger(preset.prebuilds.instances)
    if (desiredInstances !== null) {
      for (const problem of Schedule.validateSchedules(settings.timezone, settings.schedules)) {
        diagnostics.push(wireDiagnostic("error", "Invalid prebuild scheduling", Schedule.describeProblem(problem)))
      }
    }
    presets.push({
      name: preset.name,
      parameters: preset.parameters,
      desiredInstances,
      ttlSeconds: settings.ttlSeconds === null ? null : nonNegativeInteger(settings.ttlSeconds),
      schedulingTimezone: settings.timezone,
      schedules: settings.schedules.map((s) => ({ cron: s.cron, instances: nonNegativeInteger(s.instances) })),
      isDefault: preset.default,
      validationDiagnostics: diagnostics
    })
  })
  return { presets, skipped }
}

const logFailures = (templateName: string, presets: ReadonlyArray<ImportedPreset>) =>
  Effect.forEach(
    presets.filter((p) => p.status === "validation_failed"),
    (preset) =>
      Effect.logWarning(
        `preset "${preset.name}" of template "${templateName}" failed validation; it will not be prebuilt`
      ).pipe(
        Effect.annotateLogs({
          template: templateName,
          preset: preset.name,
          diagnostics: preset.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.summary}; ${d.detail}`)
        })
      ),
    { discard: true }
  )

/**
 * The import service on the `Store` and the `Renderer` of the context (with the worker-backed
 * renderer, the files are compiled, rendered and their presets validated in a render worker,
 * under the import deadline: `RenderTimeout` / `RenderResourceExhausted`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<
  TemplateImportShape,
  never,
  Store | Renderer.Renderer
> = Effect.gen(function*() {
  const store = yield* Store
  const renderer = yield* Renderer.Renderer
  let compilations = 0

  const reuse = (request: ImportRequest, templateId: TemplateId, versionId: TemplateVersionId) =>
    Effect.gen(function*() {
      const template = yield* store.template(templateId)
      const stored = (yield* store.presetsOfVersion(versionId)).map(toImported)
      if (request.strict === true) {
        const failure = strictFailure(stored)
        if (Option.isSome(failure)) return yield* Effect.fail(failure.value)
      }
      let active = Option.exists(template, (t) => t.activeVersionId === versionId)
      if (request.activate && !active) {
        yield* store.activateVersion(templateId, versionId)
        active = true
      }
      const result: ImportResult = {
        templateId,
        templateName: request.templateName,
        templateVersionId: versionId,
        reused: true,
        active,
        presets: stored,
        diagnostics: [],
        skippedPresets: []
      }
      return result
    })

  /**
   * Keeps the outcome of an import that made (or failed to make) a new version, and counts it.
   * A failure to record is logged: it never changes the import's own outcome.
   */
  const record = (
    request: ImportRequest,
    templateId: TemplateId,
    outcome: Either.Either<ImportResult, ImportError>
  ) =>
    Effect.gen(function*() {
      if (Either.isRight(outcome) && outcome.right.reused) return
      const now = yield* DateTime.now
      const ok = Either.isRight(outcome)
      yield* Metric.increment(
        Metric.tagged(
          Metric.tagged(Metrics.templateImports, "template", request.templateName),
          "outcome",
          ok ? "ok" : "failed"
        )
      )
      const recorded = yield* Effect.either(store.recordTemplateImport({
        templateId,
        templateVersionId: ok ? outcome.right.templateVersionId : null,
        createdAt: now,
        ok,
        source: request.source ?? "api",
        message: ok ? "" : outcome.left.message,
        diagnostics: ok ? outcome.right.diagnostics : failureDiagnostics(outcome.left)
      }))
      if (Either.isLeft(recorded)) {
        yield* Effect.logWarning(`cannot record the import of template "${request.templateName}"`).pipe(
          Effect.annotateLogs({ error: recorded.left.message })
        )
      }
    })

  const importVersion = (request: ImportRequest): Effect.Effect<ImportResult, ImportError> =>
    Effect.gen(function*() {
      const template = yield* store.ensureTemplate(request.templateName, request.organizationId ?? null)
      const outcome = yield* Effect.either(importInto(request, template.id))
      yield* record(request, template.id, outcome)
      return yield* outcome
    })

  const importInto = (request: ImportRequest, templateId: TemplateId): Effect.Effect<ImportResult, ImportError> =>
    Effect.gen(function*() {
      const template = { id: templateId }
      const digest = filesDigest(request.files)
      const existing = yield* store.findVersionByDigest(template.id, digest)
      if (Option.isSome(existing)) return yield* reuse(request, template.id, existing.value)

      const files = yield* Either.match(TemplateFiles.fromRecord(request.files), {
        onLeft: (error) =>
          Effect.fail(
            new TemplateImportError({
              reason: "InvalidFiles",
              templateName: request.templateName,
              message: error.message,
              diagnostics: [fromTerraform(TemplateFiles.toDiagnostic(error))]
            })
          ),
        onRight: Effect.succeed
      })
      const { rendered, validated } = yield* renderer.renderFiles({ files, owner: systemOwner, values: {} }).pipe(
        Effect.tap(() => Effect.sync(() => compilations++))
      )
      if (RenderOutput.hasErrors(rendered.output)) {
        return yield* Effect.fail(
          new TemplateImportError({
            reason: "RenderFailed",
            templateName: request.templateName,
            message: `template "${request.templateName}" does not render: ${
              ParameterValidationError.describe(rendered.output.diagnostics)
            }`,
            diagnostics: rendered.output.diagnostics
          })
        )
      }
      const { presets, skipped } = extractPresets({ ...rendered, output: validated })
      if (request.strict === true) {
        const failure = strictFailure(
          presets.map((p) => ({
            name: p.name,
            diagnostics: p.validationDiagnostics as ReadonlyArray<RenderOutput.Diagnostic>
          }))
        )
        if (Option.isSome(failure)) return yield* Effect.fail(failure.value)
      }
      const now = yield* DateTime.now
      const versionId = yield* store.importVersion({
        templateId: template.id,
        name: request.versionName ?? `v-${digest.slice(0, 12)}`,
        files: request.files,
        presets,
        activate: request.activate,
        now
      })
      const stored = (yield* store.presetsOfVersion(versionId)).map(toImported)
      yield* logFailures(request.templateName, stored)
      const result: ImportResult = {
        templateId: template.id,
        templateName: request.templateName,
        templateVersionId: versionId,
        reused: false,
        active: request.activate,
        presets: stored,
        diagnostics: validated.diagnostics,
        skippedPresets: skipped
      }
      return result
    })

  const importDirectory: TemplateImportShape["importDirectory"] = (root, options) =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const path = yield* Path.Path
      const names = yield* fs.readDirectory(root).pipe(
        Effect.mapError((error) =>
          new TemplateImportError({
            reason: "InvalidFiles",
            templateName: "",
            message: `cannot read templates directory ${root}: ${error.message}`,
            diagnostics: []
          })
        )
      )
      const results: Array<DirectoryImport> = []
      for (const name of [...names].sort()) {
        if (name.startsWith(".")) continue
        if (options?.only !== undefined && !options.only.includes(name)) continue
        const directory = path.join(root, name)
        const info = yield* Effect.either(fs.stat(directory))
        if (Either.isLeft(info) || info.right.type !== "Directory") continue
        const result = yield* TemplateFiles.fromDirectory(directory).pipe(
          Effect.mapError((error) =>
            new TemplateImportError({
              reason: "InvalidFiles",
              templateName: name,
              message: error.message,
              diagnostics: [fromTerraform(TemplateFiles.toDiagnostic(error))]
            })
          ),
          Effect.flatMap((snapshot) => {
            const files: Record<string, Uint8Array> = Object.create(null)
            for (const file of snapshot.listFiles()) files[file] = snapshot.readFile(file)!
            return importVersion({
              templateName: name,
              files,
              activate: true,
              strict: options?.strict,
              source: options?.source ?? "directory"
            })
          }),
          Effect.either
        )
        results.push({ name, directory, result })
      }
      return results
    })

  return {
    importVersion,
    importDirectory,
    compilations: Effect.sync(() => compilations)
  }
})

/**
 * The live layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<TemplateImport, never, Store | Renderer.Renderer> = Layer
  .effect(TemplateImport, make)
