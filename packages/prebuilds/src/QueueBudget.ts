/**
 * Protecting the provisioner queue (issue 16): a pure plan of how a cycle's actions reach the
 * queue.
 *
 * - **Order.** Every preset's cancels and deletes (outdated versions, expired and extraneous
 *   prebuilds) run before any preset's creates: they shrink the pools nobody can claim from and
 *   free the provisioners first (the provisioner also takes delete jobs before create jobs).
 * - **Cap.** At most `maxPendingJobs` prebuild jobs wait for a provisioner. Once the first phase
 *   has run, the creates of the cycle share the room left, `max(maxPendingJobs − pending, 0)`,
 *   one at a time in turn across the presets (a big pool cannot starve a small one); what does
 *   not fit is deferred to a later cycle. Deletes and cancels are never capped, and claims never
 *   wait on the cap (they are not reconciler jobs).
 *
 * Pending creates of an outdated version are cancelled in the first phase (`CancelPending`), so
 * a new version's creates get the room they leave in the same cycle.
 *
 * @since 0.1.0
 */
/**
 * Room for new creates: `max(maxPendingJobs − pending, 0)`; unbounded when `maxPendingJobs` is
 * `undefined`.
 *
 * @since 0.1.0
 */
export const room = (maxPendingJobs: number | undefined, pending: number): number =>
  maxPendingJobs === undefined ? Number.POSITIVE_INFINITY : Math.max(Math.floor(maxPendingJobs) - pending, 0)

/**
 * One preset's share of the room.
 *
 * @since 0.1.0
 */
export interface Allotment<K> {
  readonly key: K
  readonly requested: number
  readonly granted: number
  readonly deferred: number
}

/**
 * Shares `room` among the requests one create at a time, in turn, in the requests' order:
 * every request gets `min(requested, fair share)`, and nothing is granted beyond `room`.
 *
 * @since 0.1.0
 */
export const allot = <K>(
  requests: ReadonlyArray<{ readonly key: K; readonly count: number }>,
  room: number
): ReadonlyArray<Allotment<K>> => {
  const wanted = requests.map((r) => Math.max(Math.floor(r.count), 0))
  const granted = wanted.map(() => 0)
  let left = room
  const total = wanted.reduce((a, b) => a + b, 0)
  if (left >= total) {
    return requests.map((r, i) => ({ key: r.key, requested: wanted[i]!, granted: wanted[i]!, deferred: 0 }))
  }
  // Whole rounds first (every request still wanting gets one per round), then the remainder in order.
  while (left > 0) {
    const open = wanted.flatMap((w, i) => (granted[i]! < w ? [i] : []))
    if (open.length === 0) break
    if (left >= open.length) {
      const perRequest = Math.min(
        Math.floor(left / open.length),
        Math.min(...open.map((i) => wanted[i]! - granted[i]!))
      )
      for (const i of open) granted[i]! += perRequest
      left -= perRequest * open.length
    } else {
      for (const i of open.slice(0, left)) granted[i]! += 1
      left = 0
    }
  }
  return requests.map((r, i) => ({
    key: r.key,
    requested: wanted[i]!,
    granted: granted[i]!,
    deferred: wanted[i]! - granted[i]!
  }))
}
