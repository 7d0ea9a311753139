/**
 * Settings of a cache (`TemplateCache`, `RenderCache`). Applications read them from their own
 * configuration and give them to `layer` or, as a `Config`, to `layerConfig`.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"

/**
 * The settings of one cache: sliding TTL, maximum age, sweep interval, capacity and byte budget.
 *
 * @since 0.1.0
 * @category models
 */
export interface CacheSettings {
  /** Idle time-to-live, refreshed on every hit. */
  readonly ttl: Duration.Duration
  /** Hard limit on an entry's age, whatever its hits. */
  readonly maxAge: Duration.Duration
  /** How often idle and over-age entries are swept. */
  readonly sweepInterval: Duration.Duration
  /** Maximum number of entries (least recently used ones are evicted). */
  readonly capacity: number
  /**
   * Maximum total size of the entries in bytes (least recently used ones are evicted; an entry
   * larger than 1/16 of it is returned but not kept). The `RenderCache` weighs a render's
   * serialised size (default {@link defaultMaxBytes}), the `TemplateCache` a compiled template's
   * estimated retained bytes (default {@link defaultTemplateMaxBytes}, 512 MiB).
   */
  readonly maxBytes?: number | undefined
}

/**
 * The render cache's default byte budget: 256 MiB.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxBytes = 256 * 1024 * 1024

/**
 * The template cache's default byte budget: 512 MiB of estimated retained bytes (see
 * `TemplateCache.defaultMaxBytes`, the same value, for why).
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultTemplateMaxBytes = 512 * 1024 * 1024

/**
 * The defaults: 1 h idle TTL, 24 h maximum age, 15 min sweep, the given capacity.
 *
 * @since 0.1.0
 * @category utils
 */
export const defaults = (capacity: number): CacheSettings => ({
  ttl: Duration.hours(1),
  maxAge: Duration.hours(24),
  sweepInterval: Duration.minutes(15),
  capacity
})
