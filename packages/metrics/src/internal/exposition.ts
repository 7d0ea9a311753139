/**
 * Prometheus text exposition: Effect's metric registry is converted to OpenTelemetry metric data
 * by `@effect/opentelemetry`'s producer, filtered to warmpool's own metrics, joined with the
 * store-derived prebuild state, and serialized by OpenTelemetry's `PrometheusSerializer`.
 *
 * @internal
 */
import * as OtelMetrics from "@effect/opentelemetry/Metrics"
import * as OtelResource from "@effect/opentelemetry/Resource"
import { ValueType } from "@opentelemetry/api"
import { PrometheusSerializer } from "@opentelemetry/exporter-prometheus"
import type { DataPoint, MetricData, ResourceMetrics } from "@opentelemetry/sdk-metrics"
import { AggregationTemporality, DataPointType } from "@opentelemetry/sdk-metrics"
import * as Effect from "effect/Effect"
import type { PrebuildState, PresetLabels } from "../PrebuildState.js"

const serializer = new PrometheusSerializer("", false, undefined, true, true)

const labelsOf = (preset: PresetLabels) => ({
  template_name: preset.templateName,
  preset_name: preset.presetName,
  organization_name: preset.organizationName
})

const point = (attributes: Record<string, string>, value: number): DataPoint<number> => ({
  startTime: [0, 0],
  endTime: [0, 0],
  attributes,
  value
})

const sum = (name: string, description: string, dataPoints: Array<DataPoint<number>>): MetricData => ({
  descriptor: { name, description, unit: "", valueType: ValueType.DOUBLE },
  aggregationTemporality: AggregationTemporality.CUMULATIVE,
  dataPointType: DataPointType.SUM,
  isMonotonic: true,
  dataPoints
})

const gauge = (name: string, description: string, dataPoints: Array<DataPoint<number>>): MetricData => ({
  descriptor: { name, description, unit: "", valueType: ValueType.DOUBLE },
  aggregationTemporality: AggregationTemporality.CUMULATIVE,
  dataPointType: DataPointType.GAUGE,
  dataPoints
})

/** The store-derived prebuild metrics as OpenTelemetry metric data. */
export const prebuildMetricData = (state: PrebuildState): Array<MetricData> => {
  const counts = (pick: (c: PrebuildState["counts"][number]) => number) =>
    state.counts.map((c) => point(labelsOf(c), pick(c)))
  const presets = (pick: (p: PrebuildState["presets"][number]) => number | undefined) =>
    state.presets.flatMap((p) => {
      const value = pick(p)
      return value === undefined ? [] : [point(labelsOf(p), value)]
    })
  return [
    sum(
      "coderd_prebuilt_workspaces_created_total",
      "Prebuilt workspaces created (first builds initiated by the prebuilds user).",
      counts((c) => c.created)
    ),
    sum(
      "coderd_prebuilt_workspaces_failed_total",
      "Prebuilt workspaces whose creating build failed.",
      counts((c) => c.failed)
    ),
    sum(
      "coderd_prebuilt_workspaces_claimed_total",
      "Prebuilt workspaces claimed by users.",
      counts((c) => c.claimed)
    ),
    gauge("coderd_prebuilt_workspaces_desired", "Prebuilt workspaces desired per preset.", presets((p) => p.desired)),
    gauge(
      "coderd_prebuilt_workspaces_running",
      "Prebuilt workspaces running per preset (expired ones included).",
      presets((p) => p.running)
    ),
    gauge(
      "coderd_prebuilt_workspaces_eligible",
      "Prebuilt workspaces ready to be claimed per preset.",
      presets((p) => p.eligible)
    ),
    gauge(
      "coderd_prebuilt_workspaces_preset_hard_limited",
      "1 for presets that reached the failure hard limit.",
      presets((p) => (p.hardLimited ? 1 : undefined))
    ),
    gauge(
      "coderd_prebuilt_workspaces_preset_validation_failed",
      "1 for presets whose parameters failed validation.",
      presets((p) => (p.validationFailed ? 1 : undefined))
    ),
    gauge(
      "warmpool_prebuild_preset_quarantined",
      "1 for presets whose template version is quarantined (renders kept exceeding a budget or deadline).",
      presets((p) => (p.quarantined === true ? 1 : undefined))
    ),
    gauge(
      "warmpool_prebuild_preset_state",
      "1 for the derived state of each preset's pool (label state).",
      state.presets.flatMap((p) => p.state === undefined ? [] : [point({ ...labelsOf(p), state: p.state }, 1)])
    ),
    gauge(
      "coderd_prebuilt_workspaces_metrics_last_updated",
      "Unix time of the last refresh of the prebuild metrics.",
      [point({}, state.lastUpdated)]
    ),
    gauge(
      "coderd_prebuilt_workspaces_reconciliation_paused",
      "1 when prebuild reconciliation is paused.",
      [point({}, state.paused ? 1 : 0)]
    )
  ]
}

const attributesKey = (attributes: Record<string, unknown>): string =>
  Object.keys(attributes).sort().map((k) => `${k}=${String(attributes[k])}`).join(",")

const sorted = (metrics: Array<MetricData>): Array<MetricData> =>
  metrics
    .map((m) =>
      ({
        ...m,
        dataPoints: [...m.dataPoints].sort((a, b) => {
          const ka = attributesKey(a.attributes)
          const kb = attributesKey(b.attributes)
          return ka < kb ? -1 : ka > kb ? 1 : 0
        })
      }) as MetricData
    )
    .sort((a, b) => (a.descriptor.name < b.descriptor.name ? -1 : a.descriptor.name > b.descriptor.name ? 1 : 0))

/**
 * Build a renderer. The producer remembers series start times, so one is made per `Metrics`
 * layer.
 */
export const make = Effect.gen(function*() {
  const producer = yield* OtelMetrics.makeProducer.pipe(Effect.provide(OtelResource.layerEmpty))
  return (options: {
    readonly include: (name: string) => boolean
    readonly prebuilds: PrebuildState | undefined
  }): Effect.Effect<string> =>
    Effect.promise(() => producer.collect()).pipe(
      Effect.map(({ resourceMetrics }) => {
        const inProcess = resourceMetrics.scopeMetrics
          .flatMap((scope) => scope.metrics)
          .filter((m) => options.include(m.descriptor.name))
          .map((m) => ({ ...m, descriptor: { ...m.descriptor, unit: "" } }) as MetricData)
        const all = options.prebuilds === undefined
          ? inProcess
          : [...inProcess, ...prebuildMetricData(options.prebuilds)]
        const document: ResourceMetrics = {
          resource: resourceMetrics.resource,
          scopeMetrics: [{ scope: { name: "warmpool" }, metrics: sorted(all) }]
        }
        return serializer.serialize(document)
      })
    )
})
