/**
 * The prebuild service graph, assembled in one place. Every program that runs prebuilds builds
 * it from here — `warmpool serve` (with its own readiness service on top), `warmpool simulate`,
 * the benches and the tests — so that they all run the same composition and differ only in their
 * options:
 *
 * - {@link layerCore}: rendering (template source on the store, template and render caches,
 *   renderer in process or in the render worker pool), the workspace builder, template import,
 *   claims and the job notification queue. Nothing runs in the background but the caches' sweeps.
 * - {@link layer}: the core plus the running reconciler (loop and metrics refresh), a provisioner
 *   (echo or command) and the job reaper.
 *
 * Both need a `Store` and `Metrics` below them (the application picks the database and the
 * metrics); {@link layerConfig} reads the options from a `Config` the application describes
 * (the `WARMPOOL_` prefix and the setting names belong to the application).
 *
 * @since 0.1.0
 */
import type { Metrics } from "@warmpool/metrics"
import {
  CacheSettings,
  RenderCache,
  Renderer,
  RenderWorkerPool,
  TemplateCache,
  type TemplateSource
} from "@warmpool/render"
import { Budgets, HclParser } from "@warmpool/terraform"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Claims from "./Claims.js"
import * as JobNotifications from "./JobNotifications.js"
import * as JobReaper from "./JobReaper.js"
import * as Provisioner from "./Provisioner.js"
import * as Reconciler from "./Reconciler.js"
import type * as Store from "./Store.js"
import * as StoreTemplateSource from "./StoreTemplateSource.js"
import * as TemplateImport from "./TemplateImport.js"
import * as WorkspaceBuilder from "./WorkspaceBuilder.js"

/**
 * The services {@link layerCore} provides.
 *
 * @since 0.1.0
 * @category models
 */
export type CoreServices =
  | HclParser.HclParser
  | TemplateSource.TemplateSource
  | TemplateCache.TemplateCache
  | RenderCache.RenderCache
  | Renderer.Renderer
  | WorkspaceBuilder.WorkspaceBuilder
  | TemplateImport.TemplateImport
  | Claims.Claims
  | JobNotifications.JobNotifications

/**
 * Options of {@link layerCore}.
 *
 * @since 0.1.0
 * @category models
 */
export interface CoreOptions {
  /** `live` (default) or `noop` caches (every render performed, every lookup compiling). */
  readonly caches?: "live" | "noop" | undefined
  /** Default: `CacheSettings.defaults(256)`. */
  readonly templateCache?: CacheSettings.CacheSettings | undefined
  /** Default: `CacheSettings.defaults(10_000)`. */
  readonly renderCache?: CacheSettings.CacheSettings | undefined
  /**
   * Render stored versions and imports in a pool of worker threads with these settings; absent:
   * in process. The in-process template cache stays (the claims' static analysis reads it).
   */
  readonly renderWorkers?: RenderWorkerPool.RenderWorkerPoolSettings | undefined
  /** The evaluation budgets of every template the services compile (default: the context's). */
  readonly budgets?: Budgets.Budgets | undefined
  readonly claims?: Claims.ClaimsOptions | undefined
}

/**
 * Which provisioner {@link layer} runs.
 *
 * @since 0.1.0
 * @category models
 */
export type ProvisionerOptions =
  | ({ readonly _tag: "echo" } & Provisioner.EchoOptions)
  | ({ readonly _tag: "command" } & Provisioner.CommandOptions)
  | { readonly _tag: "none" }

/**
 * Options of {@link layer}.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends CoreOptions {
  /** The reconciler's settings, history and metrics refresh. */
  readonly reconciler?: Reconciler.LayerOptions | undefined
  /** Default: the echo provisioner with its defaults. */
  readonly provisioner?: ProvisionerOptions | undefined
  /** The job reaper (default: every 5 s). */
  readonly reaper?: JobReaper.ReaperOptions | undefined
}

/**
 * The services {@link layer} provides.
 *
 * @since 0.1.0
 * @category models
 */
export type Services = CoreServices | Reconciler.Reconciler | Provisioner.Provisioner | JobReaper.JobReaper

const rendering = (options: CoreOptions) => {
  const noop = options.caches === "noop"
  const templateSettings = options.templateCache ?? CacheSettings.defaults(256)
  const templateCache = noop ? TemplateCache.layerNoop : TemplateCache.layer(templateSettings)
  const renderCache = noop
    ? RenderCache.layerNoop
    : RenderCache.layer(options.renderCache ?? CacheSettings.defaults(10_000))
  const workers = options.renderWorkers
  const renderer: Layer.Layer<
    Renderer.Renderer,
    never,
    | TemplateCache.TemplateCache
    | RenderCache.RenderCache
    | TemplateSource.TemplateSource
    | Metrics.Metrics
    | HclParser.HclParser
  > = workers === undefined
    ? Renderer.layer
    : Renderer.layerWorker(templateSettings).pipe(Layer.provide(RenderWorkerPool.layer(workers)))
  return renderer.pipe(
    Layer.provideMerge(Layer.mergeAll(templateCache, renderCache)),
    Layer.provideMerge(StoreTemplateSource.layer),
    Layer.provideMerge(HclParser.layerMemoized())
  )
}

const withBudgets = <A, E, R>(options: CoreOptions, layer: Layer.Layer<A, E, R>): Layer.Layer<A, E, R> =>
  options.budgets === undefined
    ? layer
    : layer.pipe(Layer.provide(Layer.succeed(Budgets.CurrentBudgets, options.budgets)))

/**
 * The core services on the `Store` and the `Metrics` of the context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerCore = (
  options: CoreOptions = {}
): Layer.Layer<CoreServices, never, Store.Store | Metrics.Metrics> =>
  withBudgets(
    options,
    Layer.mergeAll(TemplateImport.layer, Claims.layer(options.claims)).pipe(
      Layer.provideMerge(WorkspaceBuilder.layer),
      Layer.provideMerge(rendering(options)),
      Layer.provideMerge(JobNotifications.layer)
    )
  )

const provisionerLayer = (
  options: ProvisionerOptions
): Layer.Layer<
  Provisioner.Provisioner,
  ConfigError.ConfigError,
  Store.Store | JobNotifications.JobNotifications
> => {
  switch (options._tag) {
    case "echo":
      return Provisioner.layerEcho(options)
    case "command":
      return Provisioner.layerCommand(options)
    case "none":
      return Provisioner.layerNoop
  }
}

/**
 * Every prebuild service, running: the core, the reconciler loop, a provisioner and the job
 * reaper, on the `Store` and the `Metrics` of the context. Closing the layer's scope stops them all.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: Options = {}
): Layer.Layer<Services, ConfigError.ConfigError | Store.StoreError, Store.Store | Metrics.Metrics> =>
  withBudgets(
    options,
    Layer.mergeAll(
      Reconciler.layer(options.reconciler),
      JobReaper.layer(options.reaper).pipe(
        Layer.provideMerge(provisionerLayer(options.provisioner ?? { _tag: "echo" }))
      )
    ).pipe(Layer.provideMerge(layerCore({ ...options, budgets: undefined })))
  )

/**
 * {@link layer} with options read from configuration, as `@effect/sql`'s clients take theirs: a
 * `Config` of the whole options or a record of one `Config` per option. The application decides
 * the names (and the `WARMPOOL_` prefix).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<Options>
): Layer.Layer<Services, ConfigError.ConfigError | Store.StoreError, Store.Store | Metrics.Metrics> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(config), layer))

/**
 * {@link layerCore} with options read from configuration (as {@link layerConfig}).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerCoreConfig = (
  config: Config.Config.Wrap<CoreOptions>
): Layer.Layer<CoreServices, ConfigError.ConfigError, Store.Store | Metrics.Metrics> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(config), layerCore))
