/**
 * The render cache's hit rate per reconciliation cycle as a small inline SVG line chart.
 *
 * @since 0.1.0
 */
import type { ReconcilerCycle } from "../api/types.js"
import { formatPercent } from "../logic/format.js"
import type { ChartBox } from "../logic/hitRate.js"
import { chartGeometry, hitRates, latestRate } from "../logic/hitRate.js"

const box: ChartBox = { width: 560, height: 170, left: 44, right: 16, top: 14, bottom: 28 }

/**
 * @since 0.1.0
 */
export const HitRateChart = ({ cycles }: { readonly cycles: ReadonlyArray<ReconcilerCycle> }) => {
  const points = hitRates(cycles)
  const latest = latestRate(points)
  if (points.length === 0) return <p class="empty">No reconciliation cycles yet.</p>
  const geometry = chartGeometry(points, box)
  const first = points[0]!
  const last = points.at(-1)!
  const summary = latest === undefined
    ? `No render cache lookups in cycles ${first.cycle} to ${last.cycle}.`
    : `Render cache hit rate over cycles ${first.cycle} to ${last.cycle}; latest ${
      formatPercent(latest.rate)
    } in cycle ${latest.cycle}.`
  return (
    <figure class="chart">
      <svg
        class="chart-svg"
        viewBox={`0 0 ${box.width} ${box.height}`}
        role="img"
        aria-label={summary}
        preserveAspectRatio="xMidYMid meet"
      >
        {[0, 0.5, 1].map((rate) => (
          <g key={rate} class="chart-grid">
            <line x1={box.left} x2={box.width - box.right} y1={geometry.yOf(rate)} y2={geometry.yOf(rate)} />
            <text x={box.left - 8} y={geometry.yOf(rate)} text-anchor="end" dominant-baseline="middle">
              {formatPercent(rate)}
            </text>
          </g>
        ))}
        <path class="chart-line" d={geometry.path} />
        {geometry.dots.map((dot) => (
          <circle key={dot.cycle} class="chart-dot" cx={dot.x} cy={dot.y} r={3}>
            <title>{`Cycle ${dot.cycle}: ${formatPercent(dot.rate)}`}</title>
          </circle>
        ))}
        {geometry.idle.map((tick) => (
          <rect key={tick.cycle} class="chart-idle" x={tick.x - 2} y={tick.y - 2} width={4} height={4}>
            <title>{`Cycle ${tick.cycle}: no lookups`}</title>
          </rect>
        ))}
        <text class="chart-axis" x={box.left} y={box.height - 6} text-anchor="start">cycle {first.cycle}</text>
        <text class="chart-axis" x={box.width - box.right} y={box.height - 6} text-anchor="end">
          cycle {last.cycle}
        </text>
      </svg>
      <figcaption class="chart-caption">
        {latest === undefined
          ? <>No lookups yet; every cycle is marked on the baseline.</>
          : (
            <>
              Latest <strong>{formatPercent(latest.rate)}</strong> (cycle{" "}
              {latest.cycle}), per cycle: hits ÷ (hits + misses); squares on the baseline are cycles without lookups
            </>
          )}
      </figcaption>
    </figure>
  )
}
