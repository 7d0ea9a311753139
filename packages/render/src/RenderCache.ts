/**
 * The `RenderCache`: `RenderKey(templateVersionId, ownerDigest, valuesDigest)` → frozen render
 * output, on Effect's `Cache`. One render per key under concurrent misses; renders with top-level
 * errors, failures and impure renders are never kept. Bounded in entries and in bytes: each entry
 * weighs its serialised size (`RENDER_CACHE_MAX_BYTES`, default 256 MiB, least recently used out
 * first; a render larger than 1/16 of the budget is returned but not kept). A key lets go of its
 * request (compiled template, raw values) as soon as the lookup takes it.
 *
 * @since 0.1.0
 */
import { Metrics, Spans } from "@warmpool/metrics"
import type { CompiledTemplate } from "@warmpool/terraform"
import * as Clock from "effect/Clock"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
import type * as Scope from "effect/Scope"
import * as CacheSettings from "./CacheSettings.js"
import * as ManagedCache from "./internal/managedCache.js"
import type { Rendered, RenderInputs } from "./internal/render.js"
import { renderTemplate } from "./internal/render.js"
import { jsonSize } from "./internal/sharedParts.js"
import type { RenderFailure } from "./RenderError.js"
import type { RenderKey } from "./RenderKey.js"
import * as RenderOutput from "./RenderOutput.js"
import * as RenderTally from "./RenderTally.js"
import type { TemplateSourceError } from "./TemplateSource.js"

/**
 * What to render on a miss: a compiled template in process, or work run elsewhere (the render
 * worker pool).
 *
 * @since 0.1.0
 * @category models
 */
export type RenderJob =
  | {
    readonly template: CompiledTemplate.CompiledTemplate
    readonly inputs: RenderInputs
  }
  | {
    readonly run: Effect.Effect<Rendered, RenderCacheError>
  }

/**
 * Why a render through the cache failed (never kept).
 *
 * @since 0.1.0
 * @category models
 */
export type RenderCacheError = TemplateSourceError | RenderFailure

/**
 * What the render cache holds and has done since its layer started (`RenderCacheShape.stats`).
 *
 * @since 0.1.0
 * @category models
 */
export interface RenderCacheStats {
  readonly entries: number
  /** Total serialised size of the entries, in bytes. */
  readonly bytes: number
  /** Renders performed (misses) since the layer started. */
  readonly renders: number
  /** Rebuilds of the underlying Effect cache (bounding its access list). */
  readonly generation: number
}

/**
 * The operations of the `RenderCache` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface RenderCacheShape {
  /** The frozen render for the key, rendering it on a miss. */
  readonly get: (key: RenderKey<RenderJob>) => Effect.Effect<Rendered, RenderCacheError>
  readonly stats: Effect.Effect<RenderCacheStats>
  readonly sweep: Effect.Effect<void>
  readonly invalidateAll: Effect.Effect<void>
}

/**
 * The `RenderCache` service tag; its operations are {@link RenderCacheShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class RenderCache extends Context.Tag("@warmpool/render/RenderCache")<RenderCache, RenderCacheShape>() {}

const cacheable = (rendered: Rendered): boolean => !rendered.impure && !RenderOutput.hasErrors(rendered.output)

/**
 * The weight of the render most recently frozen (`freezeAndWeigh`), which the cache asks for
 * right after: one remembered pair, not a `WeakMap` entry per render (an ephemeron costs about
 * a microsecond to add, and more to collect).
 */
let lastWeighed: Rendered | undefined
let lastWeight = 0

/**
 * The weight of a render: the size of its JSON serialisation (output and preset settings), in
 * bytes for ASCII text (UTF-16 code units otherwise), counted without serialising it.
 *
 * @since 0.1.0
 * @category utils
 */
export const weigh = (rendered: Rendered): number =>
  rendered === lastWeighed
    ? lastWeight
    : jsonSize(rendered.output, false) + jsonSize(rendered.presetSettings, false)

/**
 * Freeze a fresh render deeply and weigh it, in one walk (the weight is remembered for
 * {@link weigh}): what every miss does to its render before keeping it. A render is made of plain
 * objects and arrays only; the parts it shares with the template's other renders (see
 * `internal/sharedParts.ts`) are frozen already and counted by their remembered size, not walked.
 *
 * @since 0.1.0
 * @category utils
 */
export const freezeAndWeigh = (rendered: Rendered): Rendered => {
  lastWeight = jsonSize(rendered.output, true) + jsonSize(rendered.presetSettings, true)
  lastWeighed = rendered
  return Object.freeze(rendered)
}

/**
 * Updates of a metric under fixed labels. The labels array is made once: Effect finds a metric's
 * hook by the identity of the array it is given, and `Metric.tagged` gives a new one (and a
 * registry lookup, hashing the whole key) on every update.
 */
const labelled = (metric: Metric.Metric<any, number, any>, labels: ReadonlyArray<readonly [string, string]>) => {
  const fixed = labels.map(([key, value]) => MetricLabel.make(key, value))
  return (value: number) => metric.unsafeUpdate(value, fixed)
}

type Durations = Readonly<Record<"success" | "failure", (seconds: number) => void>>

const durationsOf = (metrics: Metrics.MetricsShape): Durations => ({
  success: labelled(metrics.renderDuration, [["cache", "miss"], ["outcome", "success"]]),
  failure: labelled(metrics.renderDuration, [["cache", "miss"], ["outcome", "failure"]])
})

/** A render in this process, timed on the clock, recorded, frozen and weighed, as one plain call. */
const renderNow = (clock: Clock.Clock, durations: Durations, job: InProcessJob): Rendered => {
  const start = clock.unsafeCurrentTimeNanos()
  const rendered = renderTemplate(job.template, job.inputs)
  const end = clock.unsafeCurrentTimeNanos()
  const seconds = Number(end - start) / 1e9
  ;(RenderOutput.hasErrors(rendered.output) ? durations.failure : durations.success)(seconds)
  return freezeAndWeigh(rendered)
}

type InProcessJob = Extract<RenderJob, { readonly template: CompiledTemplate.CompiledTemplate }>

const takeJob = (key: RenderKey<RenderJob>): Effect.Effect<RenderJob> =>
  Effect.suspend(() => {
    const job = key.take()
    return job === undefined
      ? Effect.dieMessage(`the request of render key ${key.id} was already taken`)
      : Effect.succeed(job)
  })

/**
 * The lookup of a key as an effect: take its job; render a compiled template here, or run the
 * job's effect (timed and recorded either way); freeze and weigh the result.
 */
const perform = (
  metrics: Metrics.MetricsShape,
  durations: Durations,
  key: RenderKey<RenderJob>
): Effect.Effect<Rendered, RenderCacheError> =>
  Effect.flatMap(takeJob(key), (job) => {
    if (!("run" in job)) return Effect.clockWith((clock) => Effect.succeed(renderNow(clock, durations, job)))
    return Effect.gen(function*() {
      const start = yield* Clock.currentTimeNanos
      const exit = yield* Effect.exit(job.run)
      const end = yield* Clock.currentTimeNanos
      const failed = exit._tag === "Failure" || RenderOutput.hasErrors(exit.value.output)
      yield* Metrics.rendered(metrics, "miss", failed ? "failure" : "success", Number(end - start) / 1e9)
      return freezeAndWeigh(yield* exit)
    })
  })

/**
 * The render of an in-process job as a plain call (`ManagedCache`'s synchronous lookup: no
 * fiber, no `Deferred`); `undefined` for a job run elsewhere.
 */
const inProcess = (clock: Clock.Clock, durations: Durations, key: RenderKey<RenderJob>) => {
  const job = key.request
  if (job === undefined || "run" in job) return undefined
  return (): Rendered => {
    key.take()
    return renderNow(clock, durations, job)
  }
}

/**
 * `get` counted in the asking fiber's tally (`RenderTally`: a reconcile cycle's own lookups and
 * renders); `get` is called inside this step (one step on a hit, with `ManagedCache.unsafeGet`).
 */
const tallied = <A>(get: (onLoad?: () => void) => Effect.Effect<A, RenderCacheError>) =>
  Effect.withFiberRuntime<A, RenderCacheError>((fiber) => {
    const tally = fiber.getFiberRef(RenderTally.current)
    if (tally === undefined) return get()
    tally.lookups++
    return get(() => tally.misses++)
  })

/**
 * A cache with explicit settings; its sweep fiber lives in the current scope.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  settings: CacheSettings.CacheSettings,
  options?: { readonly rebuildAfterLoads?: number }
): Effect.Effect<RenderCacheShape, never, Scope.Scope | Metrics.Metrics> =>
  Effect.gen(function*() {
    const metrics = yield* Metrics.Metrics
    const evictions = {
      idle: labelled(metrics.renderCacheEvictions, [["reason", "idle"]]),
      max_age: labelled(metrics.renderCacheEvictions, [["reason", "max_age"]]),
      capacity: labelled(metrics.renderCacheEvictions, [["reason", "capacity"]])
    }
    let renders = 0
    const durations = durationsOf(metrics)
    const clock = yield* Effect.clock
    const cache = yield* ManagedCache.make({
      ...settings,
      ...(options?.rebuildAfterLoads === undefined ? {} : { rebuildAfterLoads: options.rebuildAfterLoads }),
      lookup: (key: RenderKey<RenderJob>) => perform(metrics, durations, key),
      synchronous: (key) => inProcess(clock, durations, key),
      cacheable,
      weigh,
      maxWeight: settings.maxBytes ?? CacheSettings.defaultMaxBytes,
      observer: {
        hit: () => metrics.renderCacheHits.unsafeUpdate(1, []),
        miss: () => {
          renders++
          metrics.renderCacheMisses.unsafeUpdate(1, [])
        },
        evicted: (reason, count) => evictions[reason](count),
        size: (entries, bytes) => {
          metrics.renderCacheSize.unsafeUpdate(entries, [])
          metrics.renderCacheBytes.unsafeUpdate(bytes, [])
        }
      }
    })
    return yield* Spans.traced<RenderCacheShape>("RenderCache", {
      get: (key) => tallied((onLoad) => cache.unsafeGet(key, onLoad)),
      stats: Effect.map(
        cache.stats,
        (s) => ({ entries: s.entries, bytes: s.weight, renders, generation: s.generation })
      ),
      sweep: cache.sweep,
      invalidateAll: cache.invalidateAll
    })
  })

/**
 * A live layer with explicit settings.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (settings: CacheSettings.CacheSettings, options?: { readonly rebuildAfterLoads?: number }) =>
  Layer.scoped(RenderCache, make(settings, options))

/**
 * The live layer with settings read from configuration (a `Config` of the settings, or one
 * `Config` per setting, as `@effect/sql`'s clients take theirs); the application decides the
 * names (the server's are `WARMPOOL_RENDER_CACHE_TTL`, `_MAX_AGE`, `_SWEEP_INTERVAL`,
 * `_CAPACITY`, `_MAX_BYTES`).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (config: Config.Config.Wrap<CacheSettings.CacheSettings>) =>
  Layer.scoped(RenderCache, Effect.flatMap(Config.unwrap(config), (s) => make(s)))

/**
 * The same as {@link layer}.
 *
 * @since 0.1.0
 * @category layers
 * @deprecated use {@link layer}
 */
export const layerWith = layer

/**
 * The no-op layer: renders on every `get`, keeps nothing. Every `get` is a miss: it counts in
 * `stats.renders` and in the misses metric (`coderd_prebuilds_render_cache_misses_total`), as a
 * live cache's miss does, so swapping layers keeps the numbers comparable.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoop: Layer.Layer<RenderCache, never, Metrics.Metrics> = Layer.effect(
  RenderCache,
  Effect.gen(function*() {
    const metrics = yield* Metrics.Metrics
    const durations = durationsOf(metrics)
    let renders = 0
    return yield* Spans.traced<RenderCacheShape>("RenderCache", {
      get: (key) =>
        tallied((onLoad) =>
          Effect.map(perform(metrics, durations, key), (rendered) => {
            onLoad?.()
            metrics.renderCacheMisses.unsafeUpdate(1, [])
            renders++
            return rendered
          })
        ),
      stats: Effect.sync(() => ({ entries: 0, bytes: 0, renders, generation: 0 })),
      sweep: Effect.void,
      invalidateAll: Effect.void
    })
  })
)
