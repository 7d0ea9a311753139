/**
 * The messages between the service and its render workers (docs/architecture.md decision 10): each is
 * a `Schema.TaggedRequest`, serialised by `@effect/platform`'s `Worker` / `WorkerRunner`, so no
 * message format is written by hand. A worker keeps the compiled templates of the versions routed
 * to it; a `RenderVersion` for a version it does not hold is answered `NeedFiles`, and the pool
 * sends `Compile` with the files before asking again (files cross the boundary only when a worker
 * needs them, so a warm render carries just the owner and the values).
 *
 * @since 0.1.0
 */
import { Owner } from "@warmpool/terraform"
import * as Schema from "effect/Schema"
import * as RenderOutput from "./RenderOutput.js"

/**
 * A template's files as (path, content) pairs: a list, so names such as `__proto__` stay
 * ordinary names on both sides.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Files = Schema.Array(Schema.Tuple(Schema.String, Schema.Uint8ArrayFromSelf))

/**
 * Parameter values (name to value) as sent to a worker.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Values = Schema.Record({ key: Schema.String, value: Schema.String })

/**
 * What the caller's side needs to know about a compiled version: which owner fields its renders
 * read (the render cache's owner digest).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OwnerReads = Schema.Union(
  Schema.TaggedStruct("None", {}),
  Schema.TaggedStruct("All", {}),
  Schema.TaggedStruct("Fields", { fields: Schema.ReadonlySet(Schema.String) })
)

/**
 * What a worker answers when it compiles a stored version: what the template reads of the owner,
 * and its estimated retained bytes (`CompiledTemplate.weight`), which the template cache's bytes
 * gauge adds up.
 *
 * @since 0.1.0
 * @category schemas
 */
export const VersionSummary = Schema.Struct({ ownerReads: OwnerReads, weight: Schema.Number })

/**
 * The decoded type of the `VersionSummary` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type VersionSummary = typeof VersionSummary.Type

/**
 * A preset's prebuild settings (expiration, timezone, schedules) as a worker returns them.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PrebuildSettings = Schema.Struct({
  ttlSeconds: Schema.NullOr(Schema.Number),
  timezone: Schema.String,
  schedules: Schema.Array(Schema.Struct({ cron: Schema.String, instances: Schema.Number }))
})

/**
 * A render with its preset settings and purity (`Renderer.Rendered`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Rendered = Schema.Struct({
  output: RenderOutput.RenderOutput,
  presetSettings: Schema.Array(PrebuildSettings),
  impure: Schema.Boolean
})

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null

/**
 * A render as it comes back from a worker: the structured clone of a `Rendered` made by the
 * worker's own renderer (never by the template's author), so its shape is checked, not walked —
 * walking every field of a large output costs more than the render (issue 11's budget for the
 * pool's overhead is 0.2 ms per call). {@link Rendered} is the full schema of the same value.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RenderedFromWorker: Schema.Schema<typeof Rendered.Type> = Schema.declare(
  (u: unknown): u is typeof Rendered.Type =>
    isRecord(u) && typeof u.impure === "boolean" && Array.isArray(u.presetSettings) && isRecord(u.output) &&
    Array.isArray(u.output.parameters) && Array.isArray(u.output.presets) && Array.isArray(u.output.diagnostics) &&
    Array.isArray(u.output.variables) && Array.isArray(u.output.unusable_tags) && isRecord(u.output.tags),
  { identifier: "RenderedFromWorker" }
)

/**
 * The worker does not hold the compiled template of the version: send `Compile` first.
 *
 * @since 0.1.0
 * @category errors
 */
export class NeedFiles extends Schema.TaggedError<NeedFiles>()("NeedFiles", { versionId: Schema.String }) {}

/**
 * Boot the worker's parser (hcl2json's WebAssembly): a worker takes requests once this answered,
 * so its first compile is not charged the boot.
 *
 * @since 0.1.0
 * @category requests
 */
export class Warmup extends Schema.TaggedRequest<Warmup>()("Warmup", {
  failure: Schema.Never,
  success: Schema.Void,
  payload: {}
}) {}

/**
 * Compile a version's files and keep the compiled template in the worker.
 *
 * @since 0.1.0
 * @category requests
 */
export class Compile extends Schema.TaggedRequest<Compile>()("Compile", {
  failure: Schema.Never,
  success: VersionSummary,
  payload: { versionId: Schema.String, files: Files }
}) {}

/**
 * Render a version the worker has compiled.
 *
 * @since 0.1.0
 * @category requests
 */
export class RenderVersion extends Schema.TaggedRequest<RenderVersion>()("RenderVersion", {
  failure: NeedFiles,
  success: RenderedFromWorker,
  payload: {
    versionId: Schema.String,
    owner: Owner.WorkspaceOwner,
    values: Values,
    /** Full evaluation (`render --full-evaluation`, the API's `fullEvaluation`). */
    full: Schema.optional(Schema.Boolean)
  }
}) {}

/**
 * Compile files that are not a stored version yet (an import), render them, and when the render
 * has no top-level errors validate the presets (docs/render.md §5.2). Nothing is kept in the worker.
 *
 * @since 0.1.0
 * @category requests
 */
export class RenderFiles extends Schema.TaggedRequest<RenderFiles>()("RenderFiles", {
  failure: Schema.Never,
  success: Schema.Struct({ rendered: RenderedFromWorker, validated: RenderOutput.RenderOutput }),
  payload: { files: Files, owner: Owner.WorkspaceOwner, values: Values }
}) {}

/**
 * Every request a render worker answers.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Request = Schema.Union(Warmup, Compile, RenderVersion, RenderFiles)

/**
 * The decoded type of the `Request` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type Request = typeof Request.Type
