/**
 * The `RenderCache`: `RenderKey(templateVersionId, ownerDigest, valuesDigest)` → frozen render
 * output, on Effect's `Cache`. One render per key under concurrent misses; renders with top-level
 * errors, failures and impure renders are never kept.
 *
 * @since 0.1.0
 */
import { Metrics } from "@warmpool/metrics"
import type { CompiledTemplate } from "@warmpool/terraform"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import type * as Scope from "effect/Scope"
import type * as CacheSettings from "./CacheSettings.js"
import * as ManagedCache from "./internal/managedCache.js"
import type { Rendered, RenderInputs } from "./internal/render.js"
import { deepFreeze, timedRender } from "./internal/timedRender.js"
import type { RenderKey } from "./RenderKey.js"
import * as RenderOutput from "./RenderOutput.js"

/**
 * What to render on a miss.
 *
 * @since 0.1.0
 */
export interface RenderJob {
  readonly template: CompiledTemplate.CompiledTemplate
  readonly inputs: RenderInputs
}

/**
 * @since 0.1.0
 */
export interface RenderCacheStats {
  readonly entries: number
  /** Renders performed (misses) since the layer started. */
  readonly renders: number
  /** Rebuilds of the underlying Effect cache (bounding its access list). */
  readonly generation: number
}

/**
 * @since 0.1.0
 */
export interface RenderCacheShape {
  /** The frozen render for the key, rendering it on a miss. */
  readonly get: (key: RenderKey<RenderJob>) => Effect.Effect<Rendered>
  readonly stats: Effect.Effect<RenderCacheStats>
  readonly sweep: Effect.Effect<void>
  readonly invalidateAll: Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class RenderCache extends Context.Tag("@warmpool/render/RenderCache")<RenderCache, RenderCacheShape>() {}

const cacheable = (rendered: Rendered): boolean => !rendered.impure && !RenderOutput.hasErrors(rendered.output)

/**
 * A cache with explicit settings; its sweep fiber lives in the current scope.
 *
 * @since 0.1.0
 */
export const make = (
  settings: CacheSettings.CacheSettings,
  options?: { readonly rebuildAfterLoads?: number }
): Effect.Effect<RenderCacheShape, never, Scope.Scope | Metrics.Metrics> =>
  Effect.gen(function*() {
    const metrics = yield* Metrics.Metrics
    const evictions = {
      idle: Metric.tagged(metrics.renderCacheEvictions, "reason", "idle"),
      max_age: Metric.tagged(metrics.renderCacheEvictions, "reason", "max_age"),
      capacity: Metric.tagged(metrics.renderCacheEvictions, "reason", "capacity")
    }
    let renders = 0
    const cache = yield* ManagedCache.make({
      ...settings,
      ...(options?.rebuildAfterLoads === undefined ? {} : { rebuildAfterLoads: options.rebuildAfterLoads }),
      lookup: (key: RenderKey<RenderJob>) =>
        Effect.map(timedRender(metrics, "miss", key.request.template, key.request.inputs), (rendered) => {
          renders++
          return deepFreeze(rendered)
        }),
      cacheable,
      observer: {
        hit: () => metrics.renderCacheHits.unsafeUpdate(1, []),
        miss: () => metrics.renderCacheMisses.unsafeUpdate(1, []),
        evicted: (reason, count) => evictions[reason].unsafeUpdate(count, []),
        size: (entries) => metrics.renderCacheSize.unsafeUpdate(entries, [])
      }
    })
    return {
      get: cache.get,
      stats: Effect.map(cache.stats, (s) => ({ entries: s.entries, renders, generation: s.generation })),
      sweep: cache.sweep,
      invalidateAll: cache.invalidateAll
    }
  })

/**
 * The live layer with settings read from configuration; the application decides the names (the
 * server's are `WARMPOOL_RENDER_CACHE_TTL`, `_MAX_AGE`, `_SWEEP_INTERVAL`, `_CAPACITY`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (config: Config.Config<CacheSettings.CacheSettings>) =>
  Layer.scoped(RenderCache, Effect.flatMap(config, (s) => make(s)))

/**
 * A live layer with explicit settings.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (settings: CacheSettings.CacheSettings, options?: { readonly rebuildAfterLoads?: number }) =>
  Layer.scoped(RenderCache, make(settings, options))

/**
 * The no-op layer: renders on every `get`, keeps nothing.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoop: Layer.Layer<RenderCache, never, Metrics.Metrics> = Layer.effect(
  RenderCache,
  Effect.gen(function*() {
    const metrics = yield* Metrics.Metrics
    let renders = 0
    return {
      get: (key) =>
        Effect.map(timedRender(metrics, "miss", key.request.template, key.request.inputs), (rendered) => {
          renders++
          return deepFreeze(rendered)
        }),
      stats: Effect.sync(() => ({ entries: 0, renders, generation: 0 })),
      sweep: Effect.void,
      invalidateAll: Effect.void
    }
  })
)
