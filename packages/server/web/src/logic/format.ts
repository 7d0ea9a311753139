/**
 * Text for numbers, times and durations on the dashboard.
 *
 * @since 0.1.0
 */

/**
 * `0.934` → `"93%"`; `null` → `"–"`.
 *
 * @since 0.1.0
 */
export const formatPercent = (rate: number | null): string => rate === null ? "–" : `${Math.round(rate * 100)}%`

/**
 * Milliseconds as `"850 ms"`, `"1.2 s"`, `"2 min"` or `"1.5 h"`.
 *
 * @since 0.1.0
 */
export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms)) return "–"
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${trim(ms / 1000)} s`
  if (ms < 3_600_000) return `${trim(ms / 60_000)} min`
  return `${trim(ms / 3_600_000)} h`
}

const trim = (n: number): string => (Math.round(n * 10) / 10).toString()

/**
 * An ISO instant as local `HH:MM:SS`, or the text itself when it is not a date.
 *
 * @since 0.1.0
 */
export const formatClock = (iso: string): string => {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const pad = (n: number) => n.toString().padStart(2, "0")
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
}

/**
 * How long until `iso`, from `nowMs`: `"in 45 s"`, or `"passed"` when it is not in the future.
 *
 * @since 0.1.0
 */
export const formatUntil = (iso: string, nowMs: number): string => {
  const at = new Date(iso).getTime()
  if (Number.isNaN(at)) return iso
  const left = at - nowMs
  return left > 0 ? `in ${formatDuration(left)}` : "passed"
}
