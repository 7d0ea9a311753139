/**
 * Scraping `/metrics` of a running server with the strict exposition parser of the metrics
 * package's tests.
 */
import { type Family, parsePrometheusText, sampleValue } from "../../packages/metrics/test/utils/parsePrometheusText.js"
import type { RunningServer } from "./server.js"

export type { Family }

/** The metric families of docs/architecture.md and docs/prebuilds.md §8 every exposition declares. */
export const expectedFamilies: ReadonlyArray<string> = [
  "coderd_prebuilds_render_cache_hits_total",
  "coderd_prebuilds_render_cache_misses_total",
  "coderd_prebuilds_render_cache_size_entries",
  "warmpool_template_cache_hits_total",
  "warmpool_template_cache_misses_total",
  "warmpool_template_cache_size_entries",
  "warmpool_render_cache_evictions_total",
  "warmpool_render_duration_seconds",
  "coderd_prebuilds_reconciliation_duration_seconds",
  "coderd_prebuilt_workspaces_created_total",
  "coderd_prebuilt_workspaces_failed_total",
  "coderd_prebuilt_workspaces_claimed_total",
  "coderd_prebuilt_workspaces_desired",
  "coderd_prebuilt_workspaces_running",
  "coderd_prebuilt_workspaces_eligible",
  "coderd_prebuilt_workspaces_preset_hard_limited",
  "coderd_prebuilt_workspaces_preset_validation_failed",
  "coderd_prebuilt_workspaces_metrics_last_updated",
  "coderd_prebuilt_workspaces_reconciliation_paused"
]

/** A parsed scrape. */
export interface Scrape {
  readonly status: number
  readonly contentType: string | null
  readonly families: Map<string, Family>
  /** The value of one series (exact label set), `undefined` when absent. */
  readonly value: (name: string, labels?: Record<string, string>) => number | undefined
  /** The value of the first series whose labels include `labels`, `undefined` when none. */
  readonly find: (name: string, labels: Record<string, string>) => number | undefined
}

/** Scrapes `/metrics` without a token and parses it (throws when the exposition is malformed). */
export const scrape = async (server: RunningServer): Promise<Scrape> => {
  const reply = await server.request("/metrics", { token: null })
  const families = parsePrometheusText(reply.text)
  return {
    status: reply.status,
    contentType: reply.headers.get("content-type"),
    families,
    value: (name, labels = {}) => sampleValue(families, name, labels),
    find: (name, labels) => {
      for (const family of families.values()) {
        for (const sample of family.samples) {
          if (sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v)) {
            return sample.value
          }
        }
      }
      return undefined
    }
  }
}

/** The labels of a per-preset series (any organization). */
export const presetLabels = (template: string, preset: string): Record<string, string> => ({
  template_name: template,
  preset_name: preset
})
