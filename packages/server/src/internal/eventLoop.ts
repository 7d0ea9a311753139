/**
 * Giving the serving thread's event loop a turn in the middle of a request's work. Checking a
 * 6 MiB JSON body or encoding a 6 MiB render takes tens of milliseconds of the one thread that
 * answers every request; a request that splits such work at a turn of the event loop lets the
 * requests that arrived meanwhile (`/healthz`, cache hits) be answered in between, instead of
 * after all of it (docs/architecture.md decision 10).
 *
 * @internal
 */
import * as Effect from "effect/Effect"

/**
 * From this many bytes of body or of render output on, the work on them is split at a turn of
 * the event loop; below it, a turn would cost more than the work it lets others go ahead of.
 */
export const largeWorkBytes = 1024 * 1024

/**
 * Resumes after the event loop has run its pending I/O callbacks (`setImmediate`, not a timer:
 * no clock is involved, so it also runs under `TestClock`). Interrupting it cancels the turn.
 */
export const yieldToEventLoop: Effect.Effect<void> = Effect.async<void>((resume) => {
  const handle = setImmediate(() => resume(Effect.void))
  return Effect.sync(() => clearImmediate(handle))
})
