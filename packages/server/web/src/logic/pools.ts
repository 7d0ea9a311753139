/**
 * Grouping and ordering of prebuild pools for the dashboard.
 *
 * @since 0.1.0
 */
import type { PoolStatus, PresetPool } from "../api/types.js"

/**
 * @since 0.1.0
 */
export interface TemplatePools {
  readonly templateId: string
  readonly template: string
  readonly pools: ReadonlyArray<PresetPool>
  /** Desired instances of the pools on the active version. */
  readonly desired: number
  /** Eligible instances of the pools on the active version. */
  readonly eligible: number
  /** How many of its pools are not healthy. */
  readonly troubled: number
}

/**
 * Pools grouped by template (templates by name), active-version pools first, then by preset name.
 *
 * @since 0.1.0
 */
export const groupByTemplate = (pools: ReadonlyArray<PresetPool>): ReadonlyArray<TemplatePools> => {
  const groups = new Map<string, Array<PresetPool>>()
  for (const pool of pools) {
    const group = groups.get(pool.templateId)
    if (group === undefined) groups.set(pool.templateId, [pool])
    else group.push(pool)
  }
  return [...groups.entries()]
    .map(([templateId, members]) => {
      const sorted = [...members].sort((a, b) =>
        a.activeVersion === b.activeVersion ? compareText(a.preset, b.preset) : a.activeVersion ? -1 : 1
      )
      return {
        templateId,
        template: sorted[0]!.template,
        pools: sorted,
        desired: sum(sorted, (p) => p.activeVersion ? p.desired : 0),
        eligible: sum(sorted, (p) => p.activeVersion ? p.eligible : 0),
        troubled: sorted.filter((p) => p.status !== "healthy").length
      }
    })
    .sort((a, b) => compareText(a.template, b.template) || compareText(a.templateId, b.templateId))
}

const compareText = (a: string, b: string): number => a < b ? -1 : a > b ? 1 : 0

const sum = (pools: ReadonlyArray<PresetPool>, f: (pool: PresetPool) => number) =>
  pools.reduce((total, pool) => total + f(pool), 0)

/**
 * The words shown for a status.
 *
 * @since 0.1.0
 */
export const statusLabel = (status: PoolStatus): string =>
  status === "healthy" ? "Healthy" : status === "hard_limited" ? "Hard limited" : "Validation failed"

/**
 * A pool's fill as two fractions of `desired` in [0, 1]: running, and eligible (claimable).
 *
 * @since 0.1.0
 */
export const fillOf = (pool: Pick<PresetPool, "desired" | "running" | "eligible">): {
  readonly running: number
  readonly eligible: number
} => {
  if (pool.desired <= 0) return { running: pool.running > 0 ? 1 : 0, eligible: pool.eligible > 0 ? 1 : 0 }
  const clamp = (n: number) => Math.min(1, Math.max(0, n / pool.desired))
  return { running: clamp(pool.running), eligible: clamp(pool.eligible) }
}
