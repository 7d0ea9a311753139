/**
 * Trailing-edge debouncing with an injectable timer (so tests drive time themselves).
 *
 * @since 0.1.0
 */

/**
 * The two timer functions a debouncer needs.
 *
 * @since 0.1.0
 */
export interface Timers {
  readonly set: (run: () => void, ms: number) => unknown
  readonly clear: (handle: unknown) => void
}

/**
 * The global `setTimeout` / `clearTimeout`.
 *
 * @since 0.1.0
 */
export const globalTimers: Timers = {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0])
}

/**
 * @since 0.1.0
 */
export interface Debounced<A extends ReadonlyArray<unknown>> {
  /** Schedules a call with these arguments `waitMs` from now, replacing any scheduled call. */
  (...args: A): void
  /** Drops the scheduled call, if any. */
  readonly cancel: () => void
  /** Runs the scheduled call now, if any. */
  readonly flush: () => void
  /** Whether a call is scheduled. */
  readonly pending: () => boolean
}

/**
 * Delays `run` until `waitMs` have passed without another call; the last arguments win.
 *
 * @since 0.1.0
 */
export const debounce = <A extends ReadonlyArray<unknown>>(
  run: (...args: A) => void,
  waitMs: number,
  timers: Timers = globalTimers
): Debounced<A> => {
  let handle: unknown = undefined
  let scheduled: { readonly args: A } | undefined = undefined

  const fire = () => {
    const call = scheduled
    handle = undefined
    scheduled = undefined
    if (call !== undefined) run(...call.args)
  }
  const cancel = () => {
    if (handle !== undefined) timers.clear(handle)
    handle = undefined
    scheduled = undefined
  }
  const debounced = (...args: A) => {
    if (handle !== undefined) timers.clear(handle)
    scheduled = { args }
    handle = timers.set(fire, waitMs)
  }
  return Object.assign(debounced, {
    cancel,
    flush: () => {
      if (handle !== undefined) timers.clear(handle)
      fire()
    },
    pending: () => scheduled !== undefined
  })
}
