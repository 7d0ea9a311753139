/**
 * Grouping and ordering of prebuild pools for the dashboard.
 *
 * @since 0.1.0
 */
import type { PoolState, PoolStatus, PresetPool } from "../api/types.js"

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
        troubled: sorted.filter((p) => p.activeVersion && needsAttention(p.state)).length
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
 * The words shown for a derived pool state.
 *
 * @since 0.1.0
 */
export const stateLabel = (state: PoolState): string => {
  switch (state) {
    case "filling":
      return "Filling"
    case "ready":
      return "Ready"
    case "backing_off":
      return "Backing off"
    case "hard_limited":
      return "Hard limited"
    case "validation_failed":
      return "Validation failed"
    case "quarantined":
      return "Quarantined"
    case "paused":
      return "Paused"
    case "template_deleted":
      return "Template deleted"
    case "draining":
      return "Draining"
  }
}

/**
 * Whether a state needs an operator's look (a red row): builds fail, or nothing can be built.
 *
 * @since 0.1.0
 */
export const needsAttention = (state: PoolState): boolean =>
  state === "backing_off" || state === "hard_limited" || state === "validation_failed" || state === "quarantined"

/**
 * Whether the dashboard offers to resume the pool: the states a resume clears (a hard limit,
 * a quarantine, a backoff).
 *
 * @since 0.1.0
 */
export const canResume = (pool: Pick<PresetPool, "state" | "activeVersion">): boolean =>
  pool.activeVersion && (pool.state === "hard_limited" || pool.state === "quarantined" || pool.state === "backing_off")

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

/**
 * The version a pool runs, as the dashboard shows it: its name, or the first 8 characters of its
 * id when the server does not send the name (issue 16).
 *
 * @since 0.1.0
 */
export const versionLabel = (pool: Pick<PresetPool, "templateVersionId" | "templateVersionName">): string =>
  pool.templateVersionName !== undefined && pool.templateVersionName !== ""
    ? pool.templateVersionName
    : pool.templateVersionId.slice(0, 8)
