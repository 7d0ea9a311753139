/**
 * Settings of a cache (`TemplateCache`, `RenderCache`), read through Effect `Config`.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Duration from "effect/Duration"

/**
 * @since 0.1.0
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
   * larger than 1/16 of it is returned but not kept). Only the `RenderCache` weighs its entries.
   */
  readonly maxBytes?: number | undefined
}

/**
 * The render cache's default byte budget: 256 MiB.
 *
 * @since 0.1.0
 */
export const defaultMaxBytes = 256 * 1024 * 1024

/**
 * The defaults: 1 h idle TTL, 24 h maximum age, 15 min sweep, the given capacity.
 *
 * @since 0.1.0
 */
export const defaults = (capacity: number): CacheSettings => ({
  ttl: Duration.hours(1),
  maxAge: Duration.hours(24),
  sweepInterval: Duration.minutes(15),
  capacity
})

/**
 * Read settings under a prefix (`RENDER_CACHE_TTL`, `RENDER_CACHE_MAX_AGE`,
 * `RENDER_CACHE_SWEEP_INTERVAL`, `RENDER_CACHE_CAPACITY` for the prefix `RENDER_CACHE`), with
 * the defaults above, and `RENDER_CACHE_MAX_BYTES` when `defaultBytes` is given. `duration`
 * reads the durations (default: Effect's syntax, `1 hour`).
 *
 * @since 0.1.0
 */
export const config = (
  prefix: string,
  defaultCapacity: number,
  duration: (name: string) => Config.Config<Duration.Duration> = Config.duration,
  defaultBytes?: number
): Config.Config<CacheSettings> => {
  const d = defaults(defaultCapacity)
  return Config.nested(
    Config.all({
      ttl: Config.withDefault(duration("TTL"), d.ttl),
      maxAge: Config.withDefault(duration("MAX_AGE"), d.maxAge),
      sweepInterval: Config.withDefault(duration("SWEEP_INTERVAL"), d.sweepInterval),
      capacity: Config.withDefault(Config.integer("CAPACITY"), d.capacity),
      maxBytes: defaultBytes === undefined
        ? Config.succeed(undefined)
        : Config.withDefault(
          Config.integer("MAX_BYTES").pipe(
            Config.validate({ message: "Expected a positive number of bytes", validation: (n) => n > 0 })
          ),
          defaultBytes
        )
    }),
    prefix
  )
}
