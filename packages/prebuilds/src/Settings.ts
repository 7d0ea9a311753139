/**
 * The reconciler's settings (`PREBUILDS.md` §2) with their defaults, and the per-preset
 * concurrency derived from the store's pool size (§3.13). Applications read them from their own
 * configuration (warmpool's server: `ServerConfig.settings`) and pass them to `Reconciler.layer`.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"

/**
 * The reconciler's settings: cycle interval, backoff interval and lookback, and the failure hard
 * limit.
 *
 * @since 0.1.0
 * @category models
 */
export interface Settings {
  /** Time between two cycles; never zero (see {@link reconciliationIntervalFrom}). */
  readonly reconciliationInterval: Duration.Duration
  /** Added once per failed build to the last failure's time (§3.9). */
  readonly backoffInterval: Duration.Duration
  /** How far back failed builds count for the backoff (§3.9). */
  readonly backoffLookback: Duration.Duration
  /** Consecutive failed builds that hard-limit a preset (§3.10); `0` disables the limit. */
  readonly failureHardLimit: number
  /**
   * Renders of a template version that exceed a budget or a deadline before the version is
   * quarantined (issue 11); default 3 (see `Quarantine`).
   */
  readonly quarantineThreshold?: number | undefined
}

/**
 * The interval used when the configured one is zero or negative.
 *
 * @since 0.1.0
 * @category constants
 */
export const fallbackReconciliationInterval: Duration.Duration = Duration.minutes(5)

/**
 * The defaults of §2: interval 1m, backoff interval 1m, lookback 1h, hard limit 3.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults: Settings = {
  reconciliationInterval: Duration.minutes(1),
  backoffInterval: Duration.minutes(1),
  backoffLookback: Duration.hours(1),
  failureHardLimit: 3,
  quarantineThreshold: 3
}

/**
 * The effective interval for a configured value in milliseconds: `<= 0` (or not a number)
 * falls back to 5 minutes.
 *
 * @since 0.1.0
 * @category utils
 */
export const reconciliationIntervalFrom = (millis: number): Duration.Duration =>
  millis > 0 ? Duration.millis(millis) : fallbackReconciliationInterval

/**
 * The defaults with some fields replaced (tests use a 5 s backoff interval, for instance).
 * A zero reconciliation interval is replaced by the 5-minute fallback.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (overrides: Partial<Settings> = {}): Settings => {
  const settings = { ...defaults, ...overrides }
  return Duration.greaterThan(settings.reconciliationInterval, Duration.zero)
    ? settings
    : { ...settings, reconciliationInterval: fallbackReconciliationInterval }
}

/**
 * Per-preset concurrency for a store with `poolSize` connections:
 * `clamp(floor(poolSize / 2), 1, 5)`, and `1` for anything that is not a number.
 *
 * @since 0.1.0
 * @category utils
 */
export const presetConcurrency = (poolSize: number): number => {
  const half = Math.floor(poolSize / 2)
  if (!Number.isFinite(half)) return poolSize === Infinity ? 5 : 1
  return Math.min(Math.max(half, 1), 5)
}
