/**
 * Counting the render work one piece of work causes, not the whole process: a fiber (and every
 * fiber it forks) runs with a tally in `RenderTally.current`, and the caches add to the tally of
 * the fiber that asked — render-cache lookups and misses, template compilations, renders that
 * bypass the cache. The caches' own `stats` stay global (every caller together); a tally only
 * sees its own callers, so a reconcile cycle reports its renders and not the API's renders that
 * ran at the same time.
 *
 * A miss runs in a fiber the cache forks, which inherits the asking fiber's tally; when two
 * callers miss the same key at once, the one whose lookup runs is charged.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import { dual } from "effect/Function"

/**
 * The counts of a tally.
 *
 * @since 0.1.0
 * @category models
 */
export interface RenderCounts {
  /** Render-cache lookups (hits and misses). */
  readonly lookups: number
  /** Render-cache misses: renders performed through the cache. */
  readonly misses: number
  /** Renders performed outside the render cache (introspection renders, full evaluations). */
  readonly uncached: number
  /** Template compilations. */
  readonly compilations: number
}

/**
 * A mutable tally, shared by the fibers that run with it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tally {
  lookups: number
  misses: number
  uncached: number
  compilations: number
}

/**
 * The tally of the current fiber (`undefined`: nothing counts).
 *
 * @since 0.1.0
 * @category fiber refs
 */
export const current: FiberRef.FiberRef<Tally | undefined> = FiberRef.unsafeMake<Tally | undefined>(undefined)

/**
 * Add one to a count of the current fiber's tally (nothing when there is none).
 *
 * @since 0.1.0
 * @category utils
 */
export const count = (key: keyof RenderCounts): Effect.Effect<void> =>
  FiberRef.getWith(current, (tally) => {
    if (tally !== undefined) tally[key]++
    return Effect.void
  })

/**
 * Run an effect with a fresh tally and return its result with what it counted (what the fibers
 * it forked counted included).
 *
 * @since 0.1.0
 * @category utils
 */
export const tallied = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<[A, RenderCounts], E, R> =>
  Effect.suspend(() => {
    const tally = make()
    return Effect.map(
      Effect.locally(effect, current, tally),
      (a): [A, RenderCounts] => [a, { ...tally }]
    )
  })

/**
 * Run an effect with a given tally (to read it also when the effect fails).
 *
 * @since 0.1.0
 * @category utils
 */
export const withTally: {
  (tally: Tally): <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  <A, E, R>(effect: Effect.Effect<A, E, R>, tally: Tally): Effect.Effect<A, E, R>
} = dual(2, <A, E, R>(effect: Effect.Effect<A, E, R>, tally: Tally) => Effect.locally(effect, current, tally))

/**
 * A tally with every count at zero.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (): Tally => ({ lookups: 0, misses: 0, uncached: 0, compilations: 0 })
