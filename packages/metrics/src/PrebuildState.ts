/**
 * The store-derived prebuild metrics: a snapshot that the reconciler's metrics fiber refreshes
 * (every 60 s in `PREBUILDS.md` §8) and that scrapes only read.
 *
 * @since 0.1.0
 */

/**
 * The labels of one preset's series.
 *
 * @since 0.1.0
 * @category models
 */
export interface PresetLabels {
  readonly templateName: string
  readonly presetName: string
  /** `""` when there are no organizations. */
  readonly organizationName: string
}

/**
 * Store counts for one preset, exposed as Prometheus counters.
 *
 * @since 0.1.0
 * @category models
 */
export interface PresetCounts extends PresetLabels {
  readonly created: number
  readonly failed: number
  readonly claimed: number
}

/**
 * Pool gauges for one preset. The reconciler includes only the presets whose series must
 * exist (active versions of non-deleted templates), so outdated series disappear.
 *
 * @since 0.1.0
 * @category models
 */
export interface PresetGauges extends PresetLabels {
  readonly desired: number
  readonly running: number
  readonly eligible: number
  readonly hardLimited: boolean
  readonly validationFailed: boolean
  /** The derived pool state (`filling`, `ready`, `backing_off`, ...), when known. */
  readonly state?: string | undefined
  /** The preset's template version is quarantined. */
  readonly quarantined?: boolean | undefined
}

/**
 * The store-derived prebuild metrics the reconciler publishes (`Metrics.setPrebuildState`):
 * per-preset counters and gauges, the refresh time and whether reconciliation is paused.
 *
 * @since 0.1.0
 * @category models
 */
export interface PrebuildState {
  readonly counts: ReadonlyArray<PresetCounts>
  readonly presets: ReadonlyArray<PresetGauges>
  /** Unix seconds of the refresh that produced this state; `0` before the first refresh. */
  readonly lastUpdated: number
  readonly paused: boolean
}

/**
 * The state before the first refresh.
 *
 * @since 0.1.0
 * @category constants
 */
export const emptyPrebuildState: PrebuildState = { counts: [], presets: [], lastUpdated: 0, paused: false }
