/**
 * The claim log (issue 16): every claim of a prebuild preset is stored with its instant,
 * template, preset and template version, as a `hit` (a ready prebuild was handed over) or a
 * `miss` (none was ready: the caller creates an ordinary workspace). The reconciler reads the
 * counts over the last 5 minutes, 15 minutes, hour and day with its snapshot (demand policies,
 * `DemandPolicy`), and `GET /api/v1/presets` shows them.
 *
 * Counts are keyed by template **name** and preset name, not by ids: demand for a preset carries
 * over from one template version to the next (each version has new preset rows).
 *
 * @since 0.1.0
 */
import type { Metrics } from "@warmpool/metrics"
import type * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as Metric from "effect/Metric"
import * as Schema from "effect/Schema"
import { Count } from "./Domain.js"
import type { TemplateId, TemplateVersionId } from "./Domain.js"

/**
 * `hit`: a ready prebuild was claimed; `miss`: the preset had none ready.
 *
 * @since 0.1.0
 * @category models
 */
export type ClaimOutcome = "hit" | "miss"

/**
 * One recorded claim.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClaimRecord {
  readonly at: DateTime.Utc
  readonly templateId: TemplateId
  readonly templateName: string
  readonly presetName: string
  readonly templateVersionId: TemplateVersionId
  readonly outcome: ClaimOutcome
}

/**
 * The windows counted, newest first: the inputs `claims_5m` .. `claims_24h` of a policy.
 *
 * @since 0.1.0
 * @category constants
 */
export const windows = {
  "5m": Duration.minutes(5),
  "15m": Duration.minutes(15),
  "1h": Duration.hours(1),
  "24h": Duration.hours(24)
} as const

/**
 * The longest window: claims older than this are never counted (the store prunes what is much
 * older, see {@link retention}).
 *
 * @since 0.1.0
 * @category constants
 */
export const longestWindow: Duration.Duration = windows["24h"]

/**
 * How long claim rows are kept (7 days: a week of history for operators).
 *
 * @since 0.1.0
 * @category constants
 */
export const retention: Duration.Duration = Duration.days(7)

/**
 * Claims (hits and misses) and misses of one preset over each window ending at the snapshot's
 * instant (a claim counts in a window when it happened strictly less than the window ago).
 *
 * @since 0.1.0
 * @category models
 */
export const ClaimCounts = Schema.Struct({
  templateName: Schema.String,
  presetName: Schema.String,
  claims5m: Count,
  claims15m: Count,
  claims1h: Count,
  claims24h: Count,
  misses5m: Count,
  misses15m: Count,
  misses1h: Count,
  misses24h: Count
})
/**
 * The type of {@link ClaimCounts}.
 *
 * @since 0.1.0
 * @category models
 */
export type ClaimCounts = typeof ClaimCounts.Type

/**
 * The counts of a preset nobody claimed.
 *
 * @since 0.1.0
 * @category constructors
 */
export const noClaims = (templateName: string, presetName: string): ClaimCounts => ({
  templateName,
  presetName,
  claims5m: 0,
  claims15m: 0,
  claims1h: 0,
  claims24h: 0,
  misses5m: 0,
  misses15m: 0,
  misses1h: 0,
  misses24h: 0
})

/**
 * Counts a list of claims at `nowMillis` (the reference the store's query follows; tests and
 * the in-memory paths use it).
 *
 * @since 0.1.0
 * @category utils
 */
export const countClaims = (
  templateName: string,
  presetName: string,
  claims: ReadonlyArray<{ readonly atMillis: number; readonly outcome: ClaimOutcome }>,
  nowMillis: number
): ClaimCounts => {
  const counts = { ...noClaims(templateName, presetName) }
  for (const claim of claims) {
    const age = nowMillis - claim.atMillis
    if (age < 0) continue
    const miss = claim.outcome === "miss" ? 1 : 0
    if (age < Duration.toMillis(windows["5m"])) {
      counts.claims5m++
      counts.misses5m += miss
    }
    if (age < Duration.toMillis(windows["15m"])) {
      counts.claims15m++
      counts.misses15m += miss
    }
    if (age < Duration.toMillis(windows["1h"])) {
      counts.claims1h++
      counts.misses1h += miss
    }
    if (age < Duration.toMillis(windows["24h"])) {
      counts.claims24h++
      counts.misses24h += miss
    }
  }
  return counts
}

/**
 * The key of a preset in the claim log and the policy table.
 *
 * @since 0.1.0
 * @category utils
 */
export const presetKey = (templateName: string, presetName: string): string => `${templateName}/${presetName}`

/**
 * Counts one claim in `warmpool_prebuild_claims_total{template,preset,outcome}`.
 *
 * @since 0.1.0
 * @category utils
 */
export const countMetric = (
  metrics: Metrics.Instruments,
  record: Pick<ClaimRecord, "templateName" | "presetName" | "outcome">
): Effect.Effect<void> =>
  Metric.increment(
    Metric.tagged(
      Metric.tagged(
        Metric.tagged(metrics.prebuildClaims, "template", record.templateName),
        "preset",
        record.presetName
      ),
      "outcome",
      record.outcome
    )
  )
