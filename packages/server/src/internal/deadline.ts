/**
 * A deadline for the render route that costs one fiber instead of `Effect.timeoutFail`'s race of
 * two (issue 14: on a render cache hit the race was the largest single cost left, about a third
 * of the request's server CPU). `self` runs in a child fiber; the caller waits for its exit or the
 * timer, whichever comes first; at the deadline the child is interrupted and the caller fails with
 * `onTimeout()`. An interrupted caller interrupts the child (it is the caller's child) and clears
 * the timer.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"

export const withDeadline = <A, E, R, E2>(
  self: Effect.Effect<A, E, R>,
  duration: Duration.DurationInput,
  onTimeout: () => E2
): Effect.Effect<A, E | E2, R> =>
  Effect.flatMap(Effect.fork(self), (fiber) =>
    Effect.async<A, E | E2>((resume) => {
      let settled = false
      const timer = setTimeout(() => {
        if (settled) return
        settled = true
        resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.fail(onTimeout())))
      }, Duration.toMillis(duration))
      fiber.addObserver((exit) => {
        clearTimeout(timer)
        if (settled) return
        settled = true
        resume(exit)
      })
      return Effect.sync(() => clearTimeout(timer))
    }))
