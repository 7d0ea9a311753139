/**
 * The workspace builder's parameter resolution (`docs/prebuilds.md` §6): the values a build runs with,
 * from the preset's, the user's and the previous build's values and the template's defaults,
 * checked against the template version's dynamic parameters.
 *
 * Renders go through the `Renderer`: the introspection render (#1, only needed when the previous
 * build has values) through the template cache only, the final render (#2) through the render
 * cache. Tags come from render #2; there is no third render.
 *
 * @since 0.1.0
 */
import { Spans } from "@warmpool/metrics"
import type { RenderError, RenderOutput, TemplateSource } from "@warmpool/render"
import { Renderer, RenderTally } from "@warmpool/render"
import { Owner } from "@warmpool/terraform"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { SystemUserId, SystemUserName } from "./Domain.js"
import * as Resolve from "./internal/builderResolve.js"
import * as ParameterValidationError from "./ParameterValidationError.js"

/**
 * Where a resolved value came from: `preset > build > previous > default`.
 *
 * @since 0.1.0
 * @category models
 */
export type ParameterSource = Resolve.ParameterSource

/**
 * The inputs of a resolution.
 *
 * - Prebuild creates pass the preset's values only (`previousValues` absent: the first build).
 * - Claims pass the user's values, the preset's values and the prebuild's persisted values as
 *   `previousValues`.
 * - Deletes and stops pass the previous values only.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolveRequest {
  readonly templateVersionId: string
  readonly owner: Owner.WorkspaceOwner
  /** `start` by default. Values matching no parameter are dropped on `start` builds only. */
  readonly transition?: "start" | "stop" | "delete" | undefined
  readonly presetValues?: Readonly<Record<string, string>> | undefined
  readonly buildValues?: Readonly<Record<string, string>> | undefined
  /**
   * The previous build's persisted values. Absent for the workspace's first build (then no
   * immutability or monotonicity check applies).
   */
  readonly previousValues?: Readonly<Record<string, string>> | undefined
}

/**
 * A successful resolution.
 *
 * @since 0.1.0
 * @category models
 */
export interface ResolvedParameters {
  /** The values the build runs with (and persists): name → value. */
  readonly values: Readonly<Record<string, string>>
  readonly sources: Readonly<Record<string, ParameterSource>>
  /** Workspace tags from the final render. */
  readonly tags: Readonly<Record<string, string>>
  /** The final render (frozen; shared with the render cache). */
  readonly output: RenderOutput.RenderOutput
}

/**
 * The renderer crashed (its internal-error diagnostic): not a parameter validation failure, so it
 * never marks a preset `validation_failed`.
 *
 * @since 0.1.0
 * @category errors
 */
export class RenderCrashed extends Data.TaggedError("RenderCrashed")<{
  readonly templateVersionId: string
  readonly message: string
}> {}

/**
 * A render stopped at an evaluation budget: its output has a top-level error diagnostic with code
 * `resource_limit` (issue 11). Not a validation failure either: it counts towards the version's
 * quarantine instead.
 *
 * @since 0.1.0
 * @category errors
 */
export class RenderLimitExceeded extends Data.TaggedError("RenderLimitExceeded")<{
  readonly templateVersionId: string
  /** The diagnostic's summary (which limit), and its detail. */
  readonly message: string
}> {}

/**
 * The diagnostic code of an exceeded evaluation budget.
 *
 * @since 0.1.0
 * @category constants
 */
export const resourceLimitCode = "resource_limit"

/**
 * Why a resolution failed: only `ParameterValidationError` is a validation failure.
 *
 * @since 0.1.0
 * @category models
 */
export type ResolveError =
  | ParameterValidationError.ParameterValidationError
  | TemplateSource.TemplateSourceError
  | RenderCrashed
  | RenderError.RenderFailure
  | RenderLimitExceeded

/**
 * Counters of the renders the builder asked for since it started.
 *
 * @since 0.1.0
 * @category models
 */
export interface BuilderStats {
  /** Final renders requested through the render cache (hits and misses). */
  readonly cachedLookups: number
  /** Introspection renders performed (never cached). */
  readonly uncachedRenders: number
}

/**
 * The operations of the `WorkspaceBuilder` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkspaceBuilderShape {
  readonly resolveParameters: (request: ResolveRequest) => Effect.Effect<ResolvedParameters, ResolveError>
  readonly stats: Effect.Effect<BuilderStats>
}

/**
 * The `WorkspaceBuilder` service tag; its operations are {@link WorkspaceBuilderShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class WorkspaceBuilder
  extends Context.Tag("@warmpool/prebuilds/WorkspaceBuilder")<WorkspaceBuilder, WorkspaceBuilderShape>()
{}

/**
 * The owner of every prebuild: the system user (id `c42fdf75-…`, name `prebuilds`), other fields
 * empty.
 *
 * @since 0.1.0
 * @category constants
 */
export const systemOwner: Owner.WorkspaceOwner = { ...Owner.empty, id: SystemUserId, name: SystemUserName }

const empty: Readonly<Record<string, string>> = {}

const failOnTopLevel = (
  templateVersionId: string,
  output: RenderOutput.RenderOutput
): Effect.Effect<void, ParameterValidationError.ParameterValidationError | RenderCrashed | RenderLimitExceeded> => {
  const errors = output.diagnostics.filter((d) => d.severity === "error")
  if (errors.length === 0) return Effect.void
  const crash = errors.find((d) => d.summary === Resolve.renderCrashSummary)
  if (crash !== undefined) {
    return Effect.fail(new RenderCrashed({ templateVersionId, message: `${crash.summary}: ${crash.detail}` }))
  }
  const limit = errors.find((d) => d.extra.code === resourceLimitCode)
  if (limit !== undefined) {
    const message = limit.detail === "" ? limit.summary : `${limit.summary}: ${limit.detail}`
    return Effect.fail(new RenderLimitExceeded({ templateVersionId, message }))
  }
  return Effect.fail(
    ParameterValidationError.make(ParameterValidationError.messages.parameters, new Map(), output.diagnostics)
  )
}

/**
 * The builder on a `Renderer`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<WorkspaceBuilderShape, never, Renderer.Renderer> = Effect.gen(function*() {
  const renderer = yield* Renderer.Renderer
  let cachedLookups = 0
  let uncachedRenders = 0

  const resolveParameters = (request: ResolveRequest): Effect.Effect<ResolvedParameters, ResolveError> =>
    Effect.gen(function*() {
      const templateVersionId = request.templateVersionId
      const firstBuild = request.previousValues === undefined
      const inputs: Resolve.MergeInputs = {
        presetValues: request.presetValues ?? empty,
        buildValues: request.buildValues ?? empty,
        previousValues: request.previousValues ?? empty
      }
      // Render #1 (introspection, never cached) only finds the ephemeral parameters whose
      // previous values must be dropped; without previous values there is nothing to drop.
      let dropped: ReadonlySet<string> = new Set()
      if (Object.keys(inputs.previousValues).length > 0) {
        uncachedRenders++
        yield* RenderTally.count("uncached")
        const introspection = yield* renderer.renderUncached({
          templateVersionId,
          owner: request.owner,
          values: inputs.previousValues
        })
        yield* failOnTopLevel(templateVersionId, introspection.output)
        dropped = Resolve.previousEphemerals(introspection.output, inputs)
      }
      const merged = Resolve.merge(inputs, dropped)

      // Render #2 (final) through the render cache.
      cachedLookups++
      const rendered = yield* renderer.renderCached({ templateVersionId, owner: request.owner, values: merged.values })
      const output = rendered.output
      yield* failOnTopLevel(templateVersionId, output)

      const checked = Resolve.checkParameters(output, merged, {
        firstBuild,
        transition: request.transition ?? "start",
        previousValues: inputs.previousValues
      })
      if (checked.keyed.size > 0) {
        return yield* Effect.fail(
          ParameterValidationError.make(ParameterValidationError.messages.parameters, checked.keyed)
        )
      }
      const tags = Resolve.checkTags(output)
      if (tags.keyed.size > 0) {
        return yield* Effect.fail(ParameterValidationError.make(ParameterValidationError.messages.tags, tags.keyed))
      }
      return { values: checked.values, sources: checked.sources, tags: tags.tags, output }
    })

  return yield* Spans.traced<WorkspaceBuilderShape>("WorkspaceBuilder", {
    resolveParameters,
    stats: Effect.sync(() => ({ cachedLookups, uncachedRenders }))
  })
})

/**
 * The live layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<WorkspaceBuilder, never, Renderer.Renderer> = Layer.effect(WorkspaceBuilder, make)

/**
 * Resolve a build's parameters with the builder of the context.
 *
 * @since 0.1.0
 * @category utils
 */
export const resolveParameters = (
  request: ResolveRequest
): Effect.Effect<ResolvedParameters, ResolveError, WorkspaceBuilder> =>
  Effect.flatMap(WorkspaceBuilder, (builder) => builder.resolveParameters(request))
