/**
 * The template cache's metrics as a `ManagedCache` observer (hits, misses, size in entries and in
 * bytes; evictions are not counted), shared by the in-process template cache and the worker-pool
 * renderer's.
 *
 * @internal
 */
import type { Metrics } from "@warmpool/metrics"
import type * as ManagedCache from "./managedCache.js"

/** Counts hits and misses and sets the size gauges (entries, bytes) of the template cache. */
export const templateCacheObserver = (metrics: Metrics.MetricsShape): ManagedCache.Observer => ({
  hit: () => metrics.templateCacheHits.unsafeUpdate(1, []),
  miss: () => metrics.templateCacheMisses.unsafeUpdate(1, []),
  evicted: () => {},
  size: (entries, bytes) => {
    metrics.templateCacheSize.unsafeUpdate(entries, [])
    metrics.templateCacheBytes.unsafeUpdate(bytes, [])
  }
})
