/**
 * Numbers requests so that only the answer to the most recent one is applied: a response that
 * arrives after a newer request was issued is stale and must be dropped, or it would overwrite
 * the form with values the user has already changed.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export interface LatestGate {
  /** Starts a request and returns its ticket. */
  readonly issue: () => number
  /** Whether `ticket` belongs to the latest request issued (and was not invalidated). */
  readonly isLatest: (ticket: number) => boolean
  /** Makes every outstanding ticket stale, e.g. when the template being previewed changes. */
  readonly invalidate: () => void
}

/**
 * A gate whose tickets count up from 1.
 *
 * @since 0.1.0
 */
export const makeLatestGate = (): LatestGate => {
  let latest = 0
  return {
    issue: () => ++latest,
    isLatest: (ticket) => ticket === latest,
    invalidate: () => {
      latest++
    }
  }
}
