/**
 * Whether the service is ready for traffic (issue 17): `/readyz` answers 503 until the start-up
 * work — the template import and the first reconciliation cycle — has run, so that a load
 * balancer never routes to a replica whose pools and templates are not known yet.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Ref from "effect/Ref"

/**
 * The operations of the `Readiness` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReadinessShape {
  /** `undefined` when ready, else why not (shown in the 503 answer). */
  readonly notReadyReason: Effect.Effect<string | undefined>
  /** Marks the start-up work done. */
  readonly markReady: Effect.Effect<void>
}

/**
 * The `Readiness` service tag; its operations are {@link ReadinessShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class Readiness extends Context.Tag("@warmpool/server/Readiness")<Readiness, ReadinessShape>() {}

/**
 * Not ready until `markReady`.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Readiness> = Layer.effect(
  Readiness,
  Effect.map(Ref.make(false), (ready) => ({
    notReadyReason: Effect.map(
      Ref.get(ready),
      (isReady) =>
        isReady ? undefined : "Starting: the template import and the first reconciliation cycle have not run yet."
    ),
    markReady: Ref.set(ready, true)
  }))
)

/**
 * Always ready (tests and embeddings without a start-up phase).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerReady: Layer.Layer<Readiness> = Layer.succeed(Readiness, {
  notReadyReason: Effect.succeed(undefined),
  markReady: Effect.void
})
