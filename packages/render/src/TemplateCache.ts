/**
 * The `TemplateCache`: template version id → `CompiledTemplate`, on Effect's `Cache` (versions are
 * immutable, so an entry is only ever dropped for idleness, age or capacity). This is the cache
 * that removes the parse cost an output-only cache leaves in place.
 *
 * It is bounded in bytes as well as in entries (docs/architecture.md decision 10): a compiled
 * template weighs its estimated retained bytes (`CompiledTemplate.weight`, counted while
 * compiling: the heap of a compiled template varies from 15 to over 200 times its source bytes
 * with its shape, so source bytes would be no bound). The least recently used versions go until
 * both bounds hold (`maxBytes`, default {@link defaultMaxBytes}); a version heavier than 1/16 of
 * the budget is returned but not kept, so that one template cannot push out a sixteenth of the
 * others: it is compiled again when next asked for (the render cache still answers its repeated
 * renders).
 *
 * @since 0.1.0
 */
import { Metrics, Spans } from "@warmpool/metrics"
import type { CompiledTemplate } from "@warmpool/terraform"
import { Budgets, CompiledTemplate as Compiled, HclParser } from "@warmpool/terraform"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as CacheSettings from "./CacheSettings.js"
import { StringKey } from "./internal/cacheKey.js"
import { templateCacheObserver } from "./internal/cacheObserver.js"
import * as ManagedCache from "./internal/managedCache.js"
import * as RenderTally from "./RenderTally.js"
import type { TemplateSourceError } from "./TemplateSource.js"
import { TemplateSource } from "./TemplateSource.js"

/**
 * What the template cache holds and has done since its layer started (`TemplateCacheShape.stats`).
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateCacheStats {
  readonly entries: number
  /** Total estimated retained bytes of the entries (`CompiledTemplate.weight`). */
  readonly bytes: number
  /** Template compilations performed since the layer started. */
  readonly compilations: number
}

/**
 * The operations of the `TemplateCache` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateCacheShape {
  readonly get: (templateVersionId: string) => Effect.Effect<CompiledTemplate.CompiledTemplate, TemplateSourceError>
  readonly stats: Effect.Effect<TemplateCacheStats>
  readonly sweep: Effect.Effect<void>
}

/**
 * The template cache's default byte budget: 512 MiB of estimated retained bytes. The estimate is
 * 1.3 to 2 times the heap a real template keeps, and such a template weighs 0.1 to 1 MiB (10
 * MiB for 1000 parameters): hundreds of versions fit, the default capacity (256) binds first for
 * real templates, and the budget for hostile or huge ones (an entry above 32 MiB is not kept).
 * The service runs with Node's default heap of 2 GiB or more.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxBytes: number = CacheSettings.defaultTemplateMaxBytes

/**
 * The `TemplateCache` service tag; its operations are {@link TemplateCacheShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class TemplateCache extends Context.Tag("@warmpool/render/TemplateCache")<TemplateCache, TemplateCacheShape>() {}

const compiler = Effect.gen(function*() {
  const source = yield* TemplateSource
  const parser = yield* HclParser.HclParser
  // the budgets of the context the cache is built in (`Budgets.CurrentBudgets`), for every compile
  const budgets = yield* Budgets.CurrentBudgets
  let compilations = 0
  const compile = (templateVersionId: string) =>
    source.files(templateVersionId).pipe(
      Effect.flatMap((files) => Compiled.compile(files)),
      Effect.tap(() => Effect.zipRight(Effect.sync(() => compilations++), RenderTally.count("compilations"))),
      Effect.provideService(HclParser.HclParser, parser),
      Effect.provideService(Budgets.CurrentBudgets, budgets)
    )
  return { compile, compilations: () => compilations }
})

/**
 * A cache with explicit settings; its sweep fiber lives in the current scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  settings: CacheSettings.CacheSettings
): Effect.Effect<TemplateCacheShape, never, Scope.Scope | TemplateSource | HclParser.HclParser | Metrics.Metrics> =>
  Effect.gen(function*() {
    const metrics = yield* Metrics.Metrics
    const { compilations, compile } = yield* compiler
    const cache = yield* ManagedCache.make({
      ...settings,
      lookup: (key: StringKey) => compile(key.id),
      cacheable: () => true,
      weigh: (template) => template.weight,
      maxWeight: settings.maxBytes ?? defaultMaxBytes,
      observer: templateCacheObserver(metrics)
    })
    return yield* Spans.traced<TemplateCacheShape>("TemplateCache", {
      get: (templateVersionId) => cache.get(new StringKey(templateVersionId)),
      stats: Effect.map(cache.stats, (s) => ({ entries: s.entries, bytes: s.weight, compilations: compilations() })),
      sweep: cache.sweep
    })
  })

/**
 * A live layer with explicit settings.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (settings: CacheSettings.CacheSettings) => Layer.scoped(TemplateCache, make(settings))

/**
 * The live layer with settings read from configuration (a `Config` of the settings, or one
 * `Config` per setting, as `@effect/sql`'s clients take theirs); the application decides the
 * names (the server's are `WARMPOOL_TEMPLATE_CACHE_TTL`, `_MAX_AGE`, `_SWEEP_INTERVAL`,
 * `_CAPACITY`, `_MAX_BYTES`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (config: Config.Config.Wrap<CacheSettings.CacheSettings>) =>
  Layer.scoped(TemplateCache, Effect.flatMap(Config.unwrap(config), make))

/**
 * The same as {@link layer}.
 *
 * @since 0.1.0
 * @category layers
 * @deprecated use {@link layer}
 */
export const layerWith = layer

/**
 * The no-op layer: loads and compiles on every `get`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoop: Layer.Layer<TemplateCache, never, TemplateSource | HclParser.HclParser> = Layer.effect(
  TemplateCache,
  Effect.flatMap(compiler, ({ compilations, compile }) =>
    Spans.traced<TemplateCacheShape>("TemplateCache", {
      get: compile,
      stats: Effect.sync(() => ({ entries: 0, bytes: 0, compilations: compilations() })),
      sweep: Effect.void
    }))
)
