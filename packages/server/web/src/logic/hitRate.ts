/**
 * The render cache's hit rate per reconciliation cycle, and the geometry of its chart.
 *
 * @since 0.1.0
 */
import type { ReconcilerCycle } from "../api/types.js"

/**
 * A cycle's hit rate in [0, 1], or `null` when the cycle looked nothing up.
 *
 * @since 0.1.0
 */
export interface RatePoint {
  readonly cycle: number
  readonly rate: number | null
}

/**
 * `cacheHits / (cacheHits + cacheMisses)` per cycle, in the order given (oldest first).
 *
 * @since 0.1.0
 */
export const hitRates = (
  cycles: ReadonlyArray<Pick<ReconcilerCycle, "cycle" | "cacheHits" | "cacheMisses">>
): ReadonlyArray<RatePoint> =>
  cycles.map((c) => {
    const total = c.cacheHits + c.cacheMisses
    return { cycle: c.cycle, rate: total > 0 ? c.cacheHits / total : null }
  })

/**
 * The latest cycle that has a rate, if any.
 *
 * @since 0.1.0
 */
export const latestRate = (points: ReadonlyArray<RatePoint>): RatePoint | undefined => {
  for (let i = points.length - 1; i >= 0; i--) {
    if (points[i]!.rate !== null) return points[i]
  }
  return undefined
}

/**
 * @since 0.1.0
 */
export interface ChartBox {
  readonly width: number
  readonly height: number
  readonly left: number
  readonly right: number
  readonly top: number
  readonly bottom: number
}

/**
 * @since 0.1.0
 */
export interface ChartDot {
  readonly x: number
  readonly y: number
  readonly cycle: number
  readonly rate: number
}

/**
 * @since 0.1.0
 */
export interface ChartGeometry {
  /** An SVG path; a cycle without a rate breaks the line. */
  readonly path: string
  readonly dots: ReadonlyArray<ChartDot>
  /**
   * The cycles that looked nothing up (their pools were full or nothing needed a render), on the
   * baseline: every cycle is plotted, with or without a rate.
   */
  readonly idle: ReadonlyArray<{ readonly x: number; readonly y: number; readonly cycle: number }>
  /** The y coordinate of a rate, for grid lines. */
  readonly yOf: (rate: number) => number
}

const round = (n: number): number => Math.round(n * 10) / 10

/**
 * Places the points evenly from left to right inside the box, rate 0 at the bottom and 1 at the
 * top. A single point sits in the middle.
 *
 * @since 0.1.0
 */
export const chartGeometry = (points: ReadonlyArray<RatePoint>, box: ChartBox): ChartGeometry => {
  const innerWidth = box.width - box.left - box.right
  const innerHeight = box.height - box.top - box.bottom
  const yOf = (rate: number) => round(box.top + (1 - Math.min(1, Math.max(0, rate))) * innerHeight)
  const xOf = (index: number) =>
    round(points.length <= 1 ? box.left + innerWidth / 2 : box.left + (index / (points.length - 1)) * innerWidth)
  const dots: Array<ChartDot> = []
  const idle: Array<{ readonly x: number; readonly y: number; readonly cycle: number }> = []
  const segments: Array<string> = []
  let drawing = false
  points.forEach((point, index) => {
    if (point.rate === null) {
      idle.push({ x: xOf(index), y: round(box.top + innerHeight), cycle: point.cycle })
      drawing = false
      return
    }
    const dot = { x: xOf(index), y: yOf(point.rate), cycle: point.cycle, rate: point.rate }
    dots.push(dot)
    segments.push(`${drawing ? "L" : "M"}${dot.x} ${dot.y}`)
    drawing = true
  })
  return { path: segments.join(" "), dots, idle, yOf }
}
