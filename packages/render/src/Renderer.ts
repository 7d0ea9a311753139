/**
 * The `Renderer` service: dynamic parameters of a Coder-style template (docs/render.md), directly on
 * a `CompiledTemplate`, or by template version id through the `TemplateCache` (and the
 * `RenderCache`), or of new files (an import).
 *
 * Layers that swap: `layer` renders in process (the CLI, tests, embedding apps), `layerWorker`
 * sends stored versions and imports to the `RenderWorkerPool` (the service: docs/architecture.md
 * decision 10), and `layerStandalone` renders compiled templates only.
 *
 * @since 0.1.0
 */
import { Metrics, Spans } from "@warmpool/metrics"
import type { CompiledTemplate } from "@warmpool/terraform"
import type { TemplateFiles } from "@warmpool/terraform"
import { Budgets, HclParser, Owner } from "@warmpool/terraform"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as CacheSettings from "./CacheSettings.js"
import { StringKey } from "./internal/cacheKey.js"
import { templateCacheObserver } from "./internal/cacheObserver.js"
import { type FilesRendered, renderFiles } from "./internal/filesRender.js"
import * as ManagedCache from "./internal/managedCache.js"
import type { PrebuildSettings } from "./internal/preset.js"
import * as Render from "./internal/render.js"
import { type Rendered, type RenderInputs, validatePresets } from "./internal/render.js"
import { timedRender } from "./internal/timedRender.js"
import * as RenderCacheModule from "./RenderCache.js"
import { RenderCache } from "./RenderCache.js"
import type { RenderFailure } from "./RenderError.js"
import * as RenderKey from "./RenderKey.js"
import * as RenderOutput from "./RenderOutput.js"
import * as RenderTally from "./RenderTally.js"
import type * as RenderWorker from "./RenderWorker.js"
import { RenderWorkerPool } from "./RenderWorkerPool.js"
import * as StaleOptions from "./StaleOptions.js"
import * as TemplateCacheModule from "./TemplateCache.js"
import { TemplateCache } from "./TemplateCache.js"
import * as TemplateSource from "./TemplateSource.js"
import type { TemplateSourceError } from "./TemplateSource.js"

/**
 * The render results and inputs of the render core: `Rendered` (output, preset settings, purity),
 * `RenderInputs`, `FilesRendered` (an import's render and validated presets) and
 * `PrebuildSettings`.
 *
 * @since 0.1.0
 * @category models
 */
export type { FilesRendered, PrebuildSettings, Rendered, RenderInputs }

/**
 * Render a compiled template, synchronously and without any service (the core of every render).
 * `full` evaluates every block, local and output, not only what the output needs; the result is
 * the same.
 *
 * @since 0.1.0
 * @category utils
 */
export const renderTemplate: (
  template: CompiledTemplate.CompiledTemplate,
  inputs: RenderInputs,
  options?: { readonly full: boolean }
) => Rendered = Render.renderTemplate

/**
 * A render of a compiled template.
 *
 * @since 0.1.0
 * @category models
 */
export interface RenderRequest {
  readonly template: CompiledTemplate.CompiledTemplate
  readonly owner?: Owner.WorkspaceOwner | undefined
  readonly values?: Readonly<Record<string, string>> | undefined
  readonly tfvars?: Readonly<Record<string, unknown>> | undefined
  /** Plan JSON text; `""`, absent and `{}` mean no plan. */
  readonly plan?: string | undefined
  /** A plan file inside the template, read when `plan` means no plan. */
  readonly planPath?: string | undefined
  /**
   * The workspace's previous values: used for parameters `values` does not set, except stale
   * options of mutable parameters (dropped with a `stale_option` warning, see `StaleOptions`).
   */
  readonly previousValues?: Readonly<Record<string, string>> | undefined
  /**
   * Evaluate every block, local and output, not only what the output needs (coder/preview's
   * `OptionFullEvaluation`); the output is the same.
   */
  readonly fullEvaluation?: boolean | undefined
}

/**
 * A render of a stored template version (the reconciler's and the API's path).
 *
 * @since 0.1.0
 * @category models
 */
export interface VersionRenderRequest {
  readonly templateVersionId: string
  readonly owner: Owner.WorkspaceOwner
  readonly values: Readonly<Record<string, string>>
  /** As `RenderRequest.previousValues` (each render of the resolution goes through the caches). */
  readonly previousValues?: Readonly<Record<string, string>> | undefined
  /**
   * As `RenderRequest.fullEvaluation`. A full evaluation bypasses the render cache (it neither
   * reads nor fills it: it exists to check selective evaluation, so it must really render).
   */
  readonly fullEvaluation?: boolean | undefined
}

/**
 * A render of files that are not a stored version yet (a template import).
 *
 * @since 0.1.0
 * @category models
 */
export interface FilesRenderRequest {
  readonly files: TemplateFiles.TemplateFiles
  readonly owner: Owner.WorkspaceOwner
  readonly values: Readonly<Record<string, string>>
}

/**
 * The operations of the `Renderer` service. Only `renderCached` goes through the `RenderCache`
 * (and the `TemplateCache`); `renderUncached` goes through the `TemplateCache` only; `render`,
 * `renderDetailed` and `validatePresets` take a compiled template the caller holds and always
 * render; `renderFiles` compiles and renders new files and caches nothing.
 *
 * @since 0.1.0
 * @category models
 */
export interface RendererShape {
  /** Render a compiled template (no cache). */
  readonly render: (request: RenderRequest) => Effect.Effect<RenderOutput.RenderOutput>
  /** Render with the details callers beyond the wire format need (preset settings, purity). */
  readonly renderDetailed: (request: RenderRequest) => Effect.Effect<Rendered>
  /** docs/render.md §5.2: re-render presets with prebuilds and attach their errors. */
  readonly validatePresets: (
    request: RenderRequest,
    output: RenderOutput.RenderOutput
  ) => Effect.Effect<RenderOutput.RenderOutput>
  /** Through the template cache and the render cache. */
  readonly renderCached: (
    request: VersionRenderRequest
  ) => Effect.Effect<Rendered, TemplateSourceError | RenderFailure>
  /** Through the template cache only (the builder's introspection render). */
  readonly renderUncached: (
    request: VersionRenderRequest
  ) => Effect.Effect<Rendered, TemplateSourceError | RenderFailure>
  /**
   * Compile and render new files, then validate their presets (docs/render.md §5.2) when the render has
   * no top-level errors: a template import. Nothing is cached.
   */
  readonly renderFiles: (request: FilesRenderRequest) => Effect.Effect<FilesRendered, RenderFailure>
}

/**
 * The `Renderer` service tag; its operations are {@link RendererShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class Renderer extends Context.Tag("@warmpool/render/Renderer")<Renderer, RendererShape>() {}

const inputsOf = (request: RenderRequest): RenderInputs => ({
  owner: request.owner ?? Owner.empty,
  values: request.values ?? {},
  tfvars: request.tfvars,
  plan: request.plan,
  planPath: request.planPath
})

const full = (fullEvaluation: boolean | undefined) => ({ full: fullEvaluation === true })

/** Render with the request's values, resolving previous values (stale options) when there are some. */
const withPrevious = <E>(
  values: Readonly<Record<string, string>>,
  previous: Readonly<Record<string, string>> | undefined,
  renderValues: (values: Readonly<Record<string, string>>) => Effect.Effect<Rendered, E>
): Effect.Effect<Rendered, E> =>
  previous === undefined || Object.keys(previous).length === 0
    ? renderValues(values)
    : Effect.map(StaleOptions.resolve(values, previous, renderValues), (r) => r.rendered)

/** A render of a compiled template the caller holds, in this process (both layers). */
const renderInProcess = (metrics: Metrics.MetricsShape, request: RenderRequest): Effect.Effect<Rendered> =>
  withPrevious(
    request.values ?? {},
    request.previousValues,
    (values) =>
      timedRender(metrics, "uncached", request.template, { ...inputsOf(request), values }, full(request.fullEvaluation))
  )

/**
 * The live layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<
  Renderer,
  never,
  TemplateCache | RenderCache | Metrics.Metrics | HclParser.HclParser
> = Layer.effect(
  Renderer,
  Effect.gen(function*() {
    const metrics = yield* Metrics.Metrics
    const parser = yield* HclParser.HclParser
    const budgets = yield* Budgets.CurrentBudgets
    const templates = yield* TemplateCache
    const renders = yield* RenderCache
    const renderDetailed = (request: RenderRequest) => renderInProcess(metrics, request)
    return yield* Spans.traced<RendererShape>("Renderer", {
      renderDetailed,
      render: (request) => Effect.map(renderDetailed(request), (r) => r.output),
      validatePresets: (request, output) =>
        Effect.sync(() => validatePresets(request.template, inputsOf(request), output)),
      renderCached: (request) =>
        Effect.flatMap(templates.get(request.templateVersionId), (template) =>
          withPrevious(
            request.values,
            request.previousValues,
            (values) =>
              request.fullEvaluation === true
                ? timedRender(metrics, "uncached", template, { owner: request.owner, values }, full(true))
                : renders.get(
                  RenderKey.make(request.templateVersionId, template, request.owner, values, {
                    template,
                    inputs: { owner: request.owner, values }
                  })
                )
          )),
      renderUncached: (request) =>
        Effect.flatMap(
          templates.get(request.templateVersionId),
          (template) => timedRender(metrics, "uncached", template, { owner: request.owner, values: request.values })
        ),
      renderFiles: (request) =>
        renderFiles(request.files, request.owner, request.values).pipe(
          Effect.provideService(HclParser.HclParser, parser),
          Effect.provideService(Budgets.CurrentBudgets, budgets)
        )
    })
  })
)

/**
 * The worker-backed layer (the service): stored versions are compiled and rendered in the
 * `RenderWorkerPool`, imports too. From the caller's side the caches behave as in `layer`: a
 * version is loaded and compiled once (here a small summary of it is kept, with the template
 * cache's settings and metrics, while its worker keeps the compiled template), a render key is
 * rendered once under concurrent misses through the `RenderCache`, with its TTL and metrics.
 * `render`, `renderDetailed` and `validatePresets` take a compiled template the caller already
 * holds, so they run in process.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWorker = (
  templateCache: CacheSettings.CacheSettings
): Layer.Layer<Renderer, never, RenderWorkerPool | RenderCache | TemplateSource.TemplateSource | Metrics.Metrics> =>
  Layer.scoped(Renderer, makeWorker(templateCache))

const makeWorker = (
  settings: CacheSettings.CacheSettings
): Effect.Effect<
  RendererShape,
  never,
  Scope.Scope | RenderWorkerPool | RenderCache | TemplateSource.TemplateSource | Metrics.Metrics
> =>
  Effect.gen(function*() {
    const metrics = yield* Metrics.Metrics
    const pool = yield* RenderWorkerPool
    const renders = yield* RenderCache
    const source = yield* TemplateSource.TemplateSource
    const summaries = yield* ManagedCache.make({
      ...settings,
      lookup: (key: StringKey): Effect.Effect<RenderWorker.VersionSummary, TemplateSourceError | RenderFailure> =>
        Effect.flatMap(source.files(key.id), (files) => pool.compile(key.id, files)).pipe(
          Effect.tap(() => RenderTally.count("compilations"))
        ),
      cacheable: () => true,
      // Weighed for the bytes gauge only: the workers' own budgets bound what they keep compiled,
      // and a summary is tiny, so the byte bound does not apply to it.
      weigh: (summary) => summary.weight,
      maxWeight: Number.POSITIVE_INFINITY,
      observer: templateCacheObserver(metrics)
    })
    const inProcess = (request: RenderRequest) => renderInProcess(metrics, request)
    const renderInWorker = (request: VersionRenderRequest) =>
      pool.renderVersion(request, source.files(request.templateVersionId))
    /** A render in the worker that bypasses the render cache (the builder's introspection, full evaluations). */
    const renderUncachedInWorker = (request: VersionRenderRequest) =>
      Effect.gen(function*() {
        const start = yield* Clock.currentTimeNanos
        const exit = yield* Effect.exit(renderInWorker(request))
        const end = yield* Clock.currentTimeNanos
        const failed = exit._tag === "Failure" || RenderOutput.hasErrors(exit.value.output)
        yield* Metrics.rendered(metrics, "uncached", failed ? "failure" : "success", Number(end - start) / 1e9)
        return yield* exit
      })
    return yield* Spans.traced<RendererShape>("Renderer", {
      renderDetailed: inProcess,
      render: (request) => Effect.map(inProcess(request), (r) => r.output),
      validatePresets: (request, output) =>
        Effect.sync(() => validatePresets(request.template, inputsOf(request), output)),
      renderCached: (request) =>
        Effect.flatMap(summaries.get(new StringKey(request.templateVersionId)), (summary) =>
          withPrevious(request.values, request.previousValues, (values) =>
            request.fullEvaluation === true
              ? renderUncachedInWorker({ ...request, values, previousValues: undefined })
              : renders.get(
                RenderKey.makeWith(request.templateVersionId, summary.ownerReads, request.owner, values, {
                  run: renderInWorker({ ...request, values, previousValues: undefined })
                })
              ))),
      renderUncached: renderUncachedInWorker,
      renderFiles: (request) =>
        pool.renderFiles(request.files, request.owner, request.values)
    })
  })

/**
 * A renderer for compiled templates only: no caches, no stored versions, no metrics (the CLI's
 * `render` and tests). `renderCached` / `renderUncached` answer `TemplateNotFound`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerStandalone: Layer.Layer<Renderer> = layer.pipe(
  Layer.provide(TemplateCacheModule.layerNoop),
  Layer.provide(RenderCacheModule.layerNoop),
  Layer.provide(TemplateSource.layerFromMap(new Map())),
  Layer.provide(HclParser.layer),
  Layer.provide(Metrics.layerNoop)
)
