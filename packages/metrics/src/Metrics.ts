/**
 * The `Metrics` service: every metric warmpool exports, with a live layer that records through
 * Effect's `Metric` registry and renders the Prometheus text exposition, and a no-op layer that
 * records nothing.
 *
 * In-process metrics (cache hits, render durations, cycle durations, resource replacements) are
 * Effect metrics. Store-derived prebuild metrics (pool sizes, created / failed / claimed counts,
 * status gauges) are a snapshot the reconciler publishes with `setPrebuildState`: Effect's
 * registry cannot forget a series, but an outdated preset's series must disappear.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import * as MetricKeyType from "effect/MetricKeyType"
import * as MetricState from "effect/MetricState"
import * as Ref from "effect/Ref"
import * as ExpositionFormat from "./Exposition.js"
import * as Exposition from "./internal/exposition.js"
import type { PrebuildState } from "./PrebuildState.js"
import { emptyPrebuildState } from "./PrebuildState.js"

/**
 * Names of every metric in the exposition. The render-cache names are Coder-compatible; the
 * prebuild names follow `docs/prebuilds.md` §8.
 *
 * @since 0.1.0
 * @category constants
 */
export const names = {
  renderCacheHits: "coderd_prebuilds_render_cache_hits_total",
  renderCacheMisses: "coderd_prebuilds_render_cache_misses_total",
  renderCacheSize: "coderd_prebuilds_render_cache_size_entries",
  templateCacheHits: "warmpool_template_cache_hits_total",
  templateCacheMisses: "warmpool_template_cache_misses_total",
  templateCacheSize: "warmpool_template_cache_size_entries",
  renderCacheBytes: "warmpool_render_cache_size_bytes",
  templateCacheBytes: "warmpool_template_cache_size_bytes",
  renderCacheEvictions: "warmpool_render_cache_evictions_total",
  renderDuration: "warmpool_render_duration_seconds",
  reconciliationDuration: "coderd_prebuilds_reconciliation_duration_seconds",
  resourceReplacements: "coderd_prebuilt_workspaces_resource_replacements_total",
  created: "coderd_prebuilt_workspaces_created_total",
  failed: "coderd_prebuilt_workspaces_failed_total",
  claimed: "coderd_prebuilt_workspaces_claimed_total",
  desired: "coderd_prebuilt_workspaces_desired",
  running: "coderd_prebuilt_workspaces_running",
  eligible: "coderd_prebuilt_workspaces_eligible",
  presetHardLimited: "coderd_prebuilt_workspaces_preset_hard_limited",
  presetValidationFailed: "coderd_prebuilt_workspaces_preset_validation_failed",
  metricsLastUpdated: "coderd_prebuilt_workspaces_metrics_last_updated",
  reconciliationPaused: "coderd_prebuilt_workspaces_reconciliation_paused",
  prebuildClaims: "warmpool_prebuild_claims_total",
  policyFallbacks: "warmpool_prebuild_policy_fallbacks_total",
  templateImports: "warmpool_template_imports_total"
} as const

/**
 * Why a render-cache entry left the cache (label `reason`).
 *
 * @since 0.1.0
 * @category models
 */
export type EvictionReason = "idle" | "max_age" | "capacity"

/**
 * Which path performed a render (label `cache`): a render-cache miss, or an uncached
 * (introspection) render.
 *
 * @since 0.1.0
 * @category models
 */
export type RenderPath = "miss" | "uncached"

/**
 * Outcome of a performed render (label `outcome`).
 *
 * @since 0.1.0
 * @category models
 */
export type RenderOutcome = "success" | "failure"

/**
 * Buckets of `warmpool_render_duration_seconds`: warm renders take well under a millisecond,
 * cold ones tens of milliseconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const renderDurationBoundaries: ReadonlyArray<number> = [
  0.0001,
  0.00025,
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5
]

/**
 * Prometheus' default buckets, used by `coderd_prebuilds_reconciliation_duration_seconds`.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultBoundaries: ReadonlyArray<number> = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

type Counter = Metric.Metric.Counter<number>
type Gauge = Metric.Metric.Gauge<number>
type Histogram = Metric.Metric.Histogram<number>

/**
 * The metrics warmpool records in process.
 *
 * @since 0.1.0
 * @category models
 */
export interface Instruments {
  readonly renderCacheHits: Counter
  readonly renderCacheMisses: Counter
  readonly renderCacheSize: Gauge
  readonly templateCacheHits: Counter
  readonly templateCacheMisses: Counter
  readonly templateCacheSize: Gauge
  /** The render cache's weight: the JSON size of the renders it keeps. */
  readonly renderCacheBytes: Gauge
  /** The template cache's weight: the estimated retained bytes of its compiled templates. */
  readonly templateCacheBytes: Gauge
  /** Tagged with `reason`: see {@link evicted}. */
  readonly renderCacheEvictions: Counter
  /** Tagged with `cache` and `outcome`: see {@link rendered}. */
  readonly renderDuration: Histogram
  readonly reconciliationDuration: Histogram
  /** Tagged with the preset labels: see {@link presetLabels}. */
  readonly resourceReplacements: Counter
  /** Claims of prebuild presets, tagged `template`, `preset` and `outcome` (`hit` | `miss`). */
  readonly prebuildClaims: Counter
  /**
   * Evaluations of a demand policy that fell back to the baseline (an error or a non-number),
   * tagged `template` and `preset`: one per cycle while the policy keeps failing.
   */
  readonly policyFallbacks: Counter
}

/**
 * The `Metrics` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetricsShape extends Instruments {
  /** Replace the store-derived prebuild state (refreshed by the reconciler, read by scrapes). */
  readonly setPrebuildState: (state: PrebuildState) => Effect.Effect<void>
  /** The store-derived prebuild state last published. */
  readonly prebuildState: Effect.Effect<PrebuildState>
  /** The Prometheus text exposition (format 0.0.4) of every warmpool metric. */
  readonly prometheusText: Effect.Effect<string>
}

/**
 * The metrics service: the instruments warmpool records and their Prometheus exposition.
 *
 * @since 0.1.0
 * @category tags
 */
export class Metrics extends Context.Tag("@warmpool/metrics/Metrics")<Metrics, MetricsShape>() {}

/**
 * Content type of the exposition, for the `/metrics` response (`Exposition.contentType`).
 *
 * @since 0.1.0
 * @category constants
 */
export const contentType: typeof ExpositionFormat.contentType = ExpositionFormat.contentType

const liveInstruments: Instruments = {
  renderCacheHits: Metric.counter(names.renderCacheHits, {
    description: "Render-cache lookups answered from the cache.",
    incremental: true
  }),
  renderCacheMisses: Metric.counter(names.renderCacheMisses, {
    description: "Render-cache lookups that rendered (including entries found expired).",
    incremental: true
  }),
  renderCacheSize: Metric.gauge(names.renderCacheSize, { description: "Entries in the render cache." }),
  templateCacheHits: Metric.counter(names.templateCacheHits, {
    description: "Template-cache lookups answered with an already compiled template.",
    incremental: true
  }),
  templateCacheMisses: Metric.counter(names.templateCacheMisses, {
    description: "Template-cache lookups that loaded and compiled a template version.",
    incremental: true
  }),
  templateCacheSize: Metric.gauge(names.templateCacheSize, {
    description: "Compiled templates in the template cache."
  }),
  renderCacheBytes: Metric.gauge(names.renderCacheBytes, {
    description: "Bytes of the renders in the render cache (their JSON size), the weight its byte bound applies to."
  }),
  templateCacheBytes: Metric.gauge(names.templateCacheBytes, {
    description:
      "Estimated retained bytes of the compiled templates in the template cache (one copy of each; render workers keep their own copies within their own budget)."
  }),
  renderCacheEvictions: Metric.counter(names.renderCacheEvictions, {
    description: "Render-cache entries removed, by reason (idle, max_age, capacity).",
    incremental: true
  }),
  renderDuration: Metric.histogram(
    names.renderDuration,
    MetricBoundaries.fromIterable(renderDurationBoundaries),
    "Duration of renders actually performed, by cache path (miss, uncached) and outcome."
  ),
  reconciliationDuration: Metric.histogram(
    names.reconciliationDuration,
    MetricBoundaries.fromIterable(defaultBoundaries),
    "Duration of reconciliation cycles run by the lock holder."
  ),
  resourceReplacements: Metric.counter(names.resourceReplacements, {
    description: "Claims whose build replaced resources.",
    incremental: true
  }),
  prebuildClaims: Metric.counter(names.prebuildClaims, {
    description: "Claims of prebuild presets by outcome: hit (a ready prebuild was claimed) or miss (none was ready).",
    incremental: true
  }),
  policyFallbacks: Metric.counter(names.policyFallbacks, {
    description: "Demand-policy evaluations that errored or gave a non-number and fell back to the baseline.",
    incremental: true
  })
}

/** The empty state of a metric of this key type, built without touching the global registry. */
const emptyState = (keyType: MetricKeyType.MetricKeyType<any, any>): unknown => {
  if (MetricKeyType.isCounterKey(keyType)) return MetricState.counter(0)
  if (MetricKeyType.isGaugeKey(keyType)) return MetricState.gauge(0)
  if (MetricKeyType.isHistogramKey(keyType)) {
    return MetricState.histogram({
      buckets: keyType.boundaries.values.map((boundary) => [boundary, 0] as const),
      count: 0,
      min: Number.MAX_VALUE,
      max: Number.MIN_VALUE,
      sum: 0
    })
  }
  return undefined
}

const noopMetric = <Type extends MetricKeyType.MetricKeyType<any, any>, In, Out>(
  metric: Metric.Metric<Type, In, Out>
): Metric.Metric<Type, In, Out> => {
  const initial = emptyState(metric.keyType) as Out
  return Metric.make(metric.keyType, () => {}, () => initial, () => {})
}

const noopInstruments: Instruments = {
  renderCacheHits: noopMetric(liveInstruments.renderCacheHits),
  renderCacheMisses: noopMetric(liveInstruments.renderCacheMisses),
  renderCacheSize: noopMetric(liveInstruments.renderCacheSize),
  templateCacheHits: noopMetric(liveInstruments.templateCacheHits),
  templateCacheMisses: noopMetric(liveInstruments.templateCacheMisses),
  templateCacheSize: noopMetric(liveInstruments.templateCacheSize),
  renderCacheBytes: noopMetric(liveInstruments.renderCacheBytes),
  templateCacheBytes: noopMetric(liveInstruments.templateCacheBytes),
  renderCacheEvictions: noopMetric(liveInstruments.renderCacheEvictions),
  renderDuration: noopMetric(liveInstruments.renderDuration),
  reconciliationDuration: noopMetric(liveInstruments.reconciliationDuration),
  resourceReplacements: noopMetric(liveInstruments.resourceReplacements),
  prebuildClaims: noopMetric(liveInstruments.prebuildClaims),
  policyFallbacks: noopMetric(liveInstruments.policyFallbacks)
}

const inProcessNames: ReadonlySet<string> = new Set([
  names.renderCacheHits,
  names.renderCacheMisses,
  names.renderCacheSize,
  names.templateCacheHits,
  names.templateCacheMisses,
  names.templateCacheSize,
  names.renderCacheBytes,
  names.templateCacheBytes,
  names.renderCacheEvictions,
  names.renderDuration,
  names.reconciliationDuration,
  names.resourceReplacements,
  names.prebuildClaims,
  names.policyFallbacks,
  names.templateImports
])

/** Touch every unlabelled series and every label combination known up front, so that scrapes
 * show them at zero before the first event. */
const registerSeries = (instruments: Instruments): void => {
  for (
    const metric of [
      instruments.renderCacheHits,
      instruments.renderCacheMisses,
      instruments.renderCacheSize,
      instruments.templateCacheHits,
      instruments.templateCacheMisses,
      instruments.templateCacheSize,
      instruments.renderCacheBytes,
      instruments.templateCacheBytes,
      instruments.reconciliationDuration
    ]
  ) {
    metric.register()
  }
  for (const reason of ["idle", "max_age", "capacity"] as const) {
    Metric.tagged(instruments.renderCacheEvictions, "reason", reason).register()
  }
  for (const path of ["miss", "uncached"] as const) {
    for (const outcome of ["success", "failure"] as const) {
      instruments.renderDuration.pipe(Metric.tagged("cache", path), Metric.tagged("outcome", outcome)).register()
    }
  }
}

/**
 * The live layer: records into Effect's metric registry; the exposition contains warmpool's
 * metrics only (never Effect's fiber runtime metrics or other registry entries).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Metrics> = Layer.effect(
  Metrics,
  Effect.gen(function*() {
    const state = yield* Ref.make(emptyPrebuildState)
    const render = yield* Exposition.make
    registerSeries(liveInstruments)
    return Metrics.of({
      ...liveInstruments,
      setPrebuildState: (next) => Ref.set(state, next),
      prebuildState: Ref.get(state),
      prometheusText: Effect.flatMap(
        Ref.get(state),
        (prebuilds) => render({ include: (name) => inProcessNames.has(name), prebuilds })
      )
    })
  })
)

/**
 * The no-op layer: the same instruments, recording nothing; the exposition is empty.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoop: Layer.Layer<Metrics> = Layer.succeed(
  Metrics,
  Metrics.of({
    ...noopInstruments,
    setPrebuildState: () => Effect.void,
    prebuildState: Effect.succeed(emptyPrebuildState),
    prometheusText: Effect.succeed("")
  })
)

/**
 * Template imports that made a new version (`outcome="ok"`) or failed to (`outcome="failed"`, e.g.
 * a watched template edited into an HCL syntax error), by `template` (issue 16). Recorded where
 * the import runs, without the service.
 *
 * @since 0.1.0
 * @category constants
 */
export const templateImports: Counter = Metric.counter(names.templateImports, {
  description: "Template imports that made a new version (ok) or failed to (failed), by template.",
  incremental: true
})

/**
 * The per-preset labels of `docs/prebuilds.md` §8 (`organization_name` is `""` without organizations).
 *
 * @since 0.1.0
 * @category utils
 */
export const presetLabels = <A extends Metric.Metric<any, any, any>>(
  metric: A,
  labels: { readonly templateName: string; readonly presetName: string; readonly organizationName?: string }
): A =>
  metric.pipe(
    Metric.tagged("template_name", labels.templateName),
    Metric.tagged("preset_name", labels.presetName),
    Metric.tagged("organization_name", labels.organizationName ?? "")
  ) as A

/**
 * Count one render-cache eviction with its reason.
 *
 * @since 0.1.0
 * @category utils
 */
export const evicted = (metrics: Instruments, reason: EvictionReason, count = 1): Effect.Effect<void> =>
  count <= 0 ? Effect.void : Metric.incrementBy(Metric.tagged(metrics.renderCacheEvictions, "reason", reason), count)

/**
 * Record the duration of one performed render.
 *
 * @since 0.1.0
 * @category utils
 */
export const rendered = (
  metrics: Instruments,
  path: RenderPath,
  outcome: RenderOutcome,
  seconds: number
): Effect.Effect<void> =>
  Metric.update(metrics.renderDuration.pipe(Metric.tagged("cache", path), Metric.tagged("outcome", outcome)), seconds)
