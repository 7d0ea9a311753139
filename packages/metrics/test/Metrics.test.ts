import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as MetricBoundaries from "effect/MetricBoundaries"
import { parsePrometheusText, sampleValue } from "./utils/parsePrometheusText.js"

const exposition = Effect.flatMap(Metrics.Metrics, (m) => m.prometheusText).pipe(
  Effect.map((text) => ({ text, families: parsePrometheusText(text) }))
)

const counterValue = (metric: Metric.Metric.Counter<number>) => Effect.map(Metric.value(metric), (s) => s.count)

describe("Metrics (live layer)", () => {
  it.effect("exposes every render-path metric at zero before any event, with HELP and TYPE", () =>
    Effect.gen(function*() {
      const { families } = yield* exposition
      const expected: Array<[string, string]> = [
        [Metrics.names.renderCacheHits, "counter"],
        [Metrics.names.renderCacheMisses, "counter"],
        [Metrics.names.renderCacheSize, "gauge"],
        [Metrics.names.templateCacheHits, "counter"],
        [Metrics.names.templateCacheMisses, "counter"],
        [Metrics.names.templateCacheSize, "gauge"],
        [Metrics.names.renderCacheBytes, "gauge"],
        [Metrics.names.templateCacheBytes, "gauge"],
        [Metrics.names.renderCacheEvictions, "counter"],
        [Metrics.names.renderDuration, "histogram"],
        [Metrics.names.reconciliationDuration, "histogram"],
        [Metrics.names.created, "counter"],
        [Metrics.names.failed, "counter"],
        [Metrics.names.claimed, "counter"],
        [Metrics.names.desired, "gauge"],
        [Metrics.names.running, "gauge"],
        [Metrics.names.eligible, "gauge"],
        [Metrics.names.metricsLastUpdated, "gauge"],
        [Metrics.names.reconciliationPaused, "gauge"]
      ]
      for (const [name, type] of expected) {
        const family = families.get(name)
        expect(family, name).toBeDefined()
        expect(family!.type, name).toBe(type)
        expect(family!.help, name).toBeTruthy()
      }
      for (const reason of ["idle", "max_age", "capacity"]) {
        expect(sampleValue(families, Metrics.names.renderCacheEvictions, { reason })).toBeGreaterThanOrEqual(0)
      }
      expect(sampleValue(families, Metrics.names.metricsLastUpdated)).toBe(0)
      expect(sampleValue(families, Metrics.names.reconciliationPaused)).toBe(0)
    }).pipe(Effect.provide(Metrics.layer)))

  it.effect("counters end in _total and record increments", () =>
    Effect.gen(function*() {
      const metrics = yield* Metrics.Metrics
      const before = sampleValue((yield* exposition).families, Metrics.names.renderCacheHits) ?? 0
      yield* Metric.increment(metrics.renderCacheHits)
      yield* Metric.increment(metrics.renderCacheHits)
      const { families } = yield* exposition
      expect(sampleValue(families, Metrics.names.renderCacheHits)).toBe(before + 2)
      for (const family of families.values()) {
        if (family.type === "counter") expect(family.name.endsWith("_total"), family.name).toBe(true)
      }
    }).pipe(Effect.provide(Metrics.layer)))

  it.effect("a counter, a gauge and a histogram with hostile label values parse as valid exposition", () =>
    Effect.gen(function*() {
      const metrics = yield* Metrics.Metrics
      const hostile = "quote \" backslash \\ newline \n end"
      const labels = { templateName: hostile, presetName: "p\\\"", organizationName: "" }
      yield* Metric.increment(Metrics.presetLabels(metrics.resourceReplacements, labels))
      yield* Metric.set(metrics.templateCacheSize, 7)
      yield* Metrics.rendered(metrics, "miss", "success", 0.003)
      yield* Metrics.rendered(metrics, "miss", "success", 0.2)
      yield* Metrics.rendered(metrics, "uncached", "failure", 9)
      const { text, families } = yield* exposition
      expect(text).toContain(`template_name="quote \\" backslash \\\\ newline \\n end"`)
      expect(
        sampleValue(families, Metrics.names.resourceReplacements, {
          template_name: hostile,
          preset_name: "p\\\"",
          organization_name: ""
        })
      ).toBe(1)
      expect(sampleValue(families, Metrics.names.templateCacheSize)).toBe(7)
      const miss = { cache: "miss", outcome: "success" }
      const count = sampleValue(families, `${Metrics.names.renderDuration}_count`, miss)!
      expect(count).toBeGreaterThanOrEqual(2)
      expect(sampleValue(families, `${Metrics.names.renderDuration}_bucket`, { ...miss, le: "+Inf" })).toBe(count)
      const overflow = { cache: "uncached", outcome: "failure" }
      expect(sampleValue(families, `${Metrics.names.renderDuration}_bucket`, { ...overflow, le: "2.5" })).toBe(0)
      expect(sampleValue(families, `${Metrics.names.renderDuration}_bucket`, { ...overflow, le: "+Inf" }))
        .toBeGreaterThanOrEqual(1)
    }).pipe(Effect.provide(Metrics.layer)))

  it.effect("leaves Effect's fiber metrics and foreign registry entries out of the exposition", () =>
    Effect.gen(function*() {
      yield* Metric.increment(Metric.counter("some_foreign_metric_total"))
      yield* Metric.update(
        Metric.histogram("foreign_histogram", MetricBoundaries.linear({ start: 0, width: 1, count: 3 })),
        1
      )
      const { families } = yield* exposition
      expect(families.has("some_foreign_metric_total")).toBe(false)
      expect(families.has("foreign_histogram")).toBe(false)
      for (const name of families.keys()) expect(name.startsWith("effect_")).toBe(false)
    }).pipe(Effect.provide(Metrics.layer)))

  it.effect("labelled metrics have no unlabelled series (even after the no-op layer was built)", () =>
    Effect.gen(function*() {
      yield* Metrics.Metrics.pipe(Effect.provide(Metrics.layerNoop))
      const { families } = yield* exposition
      for (const sample of families.get(Metrics.names.renderCacheEvictions)!.samples) {
        expect(sample.labels["reason"]).toBeDefined()
      }
      for (const sample of families.get(Metrics.names.renderDuration)!.samples) {
        expect(sample.labels["cache"]).toBeDefined()
        expect(sample.labels["outcome"]).toBeDefined()
      }
    }).pipe(Effect.provide(Metrics.layer)))

  it.effect("publishes the prebuild state, and outdated preset series disappear", () =>
    Effect.gen(function*() {
      const metrics = yield* Metrics.Metrics
      const labels = { templateName: "docker", presetName: "small", organizationName: "" }
      const promLabels = { template_name: "docker", preset_name: "small", organization_name: "" }
      yield* metrics.setPrebuildState({
        counts: [{ ...labels, created: 5, failed: 1, claimed: 2 }],
        presets: [{ ...labels, desired: 3, running: 2, eligible: 1, hardLimited: false, validationFailed: true }],
        lastUpdated: 1_700_000_000,
        paused: true
      })
      let { families } = yield* exposition
      expect(sampleValue(families, Metrics.names.created, promLabels)).toBe(5)
      expect(sampleValue(families, Metrics.names.failed, promLabels)).toBe(1)
      expect(sampleValue(families, Metrics.names.claimed, promLabels)).toBe(2)
      expect(sampleValue(families, Metrics.names.desired, promLabels)).toBe(3)
      expect(sampleValue(families, Metrics.names.running, promLabels)).toBe(2)
      expect(sampleValue(families, Metrics.names.eligible, promLabels)).toBe(1)
      expect(sampleValue(families, Metrics.names.presetValidationFailed, promLabels)).toBe(1)
      expect(sampleValue(families, Metrics.names.presetHardLimited, promLabels)).toBeUndefined()
      expect(sampleValue(families, Metrics.names.metricsLastUpdated)).toBe(1_700_000_000)
      expect(sampleValue(families, Metrics.names.reconciliationPaused)).toBe(1)

      yield* metrics.setPrebuildState({ counts: [], presets: [], lastUpdated: 1_700_000_060, paused: false })
      ;({ families } = yield* exposition)
      expect(sampleValue(families, Metrics.names.desired, promLabels)).toBeUndefined()
      expect(sampleValue(families, Metrics.names.presetValidationFailed, promLabels)).toBeUndefined()
      expect(sampleValue(families, Metrics.names.reconciliationPaused)).toBe(0)
    }).pipe(Effect.provide(Metrics.layer)))
})

describe("Metrics (no-op layer)", () => {
  it.effect("records nothing and exposes nothing", () =>
    Effect.gen(function*() {
      const live = yield* Metrics.Metrics.pipe(Effect.provide(Metrics.layer))
      const noop = yield* Metrics.Metrics.pipe(Effect.provide(Metrics.layerNoop))
      const before = yield* counterValue(live.renderCacheMisses)
      yield* Metric.increment(noop.renderCacheMisses)
      yield* Metric.incrementBy(noop.renderCacheMisses, 10)
      yield* Metrics.evicted(noop, "capacity", 3)
      yield* Metrics.rendered(noop, "miss", "success", 1)
      expect(yield* counterValue(live.renderCacheMisses)).toBe(before)
      expect(yield* counterValue(noop.renderCacheMisses)).toBe(0)
      expect(yield* noop.prometheusText).toBe("")
      yield* noop.setPrebuildState({ counts: [], presets: [], lastUpdated: 5, paused: true })
      expect((yield* noop.prebuildState).lastUpdated).toBe(0)
    }))

  it.effect("live increments are visible through the live instruments", () =>
    Effect.gen(function*() {
      const live = yield* Metrics.Metrics.pipe(Effect.provide(Metrics.layer))
      const before = yield* counterValue(live.renderCacheMisses)
      yield* Metric.increment(live.renderCacheMisses)
      expect(yield* counterValue(live.renderCacheMisses)).toBe(before + 1)
    }))
})

describe("parsePrometheusText (the checker itself)", () => {
  const rejects: Array<[string, string]> = [
    ["bad metric name", "9abc 1\n"],
    ["bad label escape", "a{x=\"\\t\"} 1\n"],
    ["unquoted label", "a{x=1} 1\n"],
    ["TYPE after samples", "a 1\n# TYPE a counter\n"],
    ["duplicate series", "a{x=\"1\"} 1\na{x=\"1\"} 2\n"],
    ["bad value", "a one\n"],
    ["histogram without +Inf", "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n"],
    [
      "non-cumulative histogram",
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"
    ],
    ["negative counter", "# TYPE c_total counter\nc_total -1\n"],
    ["missing final newline", "a 1"]
  ]
  it.each(rejects)("rejects %s", (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow()
  })
  it("accepts a well-formed document", () => {
    const text = "# HELP a Some \\\\ help\\n.\n# TYPE a gauge\na{x=\"q\\\"\\\\\\n\"} 1.5e3\n# a comment\nb NaN\n"
    const families = parsePrometheusText(text)
    expect(families.get("a")!.help).toBe("Some \\ help\n.")
    expect(sampleValue(families, "a", { x: "q\"\\\n" })).toBe(1500)
  })
})
