/**
 * Tracing spans on service methods. {@link traced} wraps every method of a service's shape that
 * returns an `Effect` in a span named `<Service>.<method>` (with `Effect.fn`, so a span also
 * records where it was called from), and every `Effect` member in a span of its own; other
 * members are kept as they are.
 *
 * Whether a service has spans is decided when it is built, from {@link currentEnabled} (off by
 * default): a span costs microseconds, as much as a render-cache hit itself, so a service built
 * without spans runs its own methods, unwrapped, at no cost. Turn them on for the layers built
 * after {@link layerEnabled} (or under `Effect.locally`), together with a tracer;
 * `warmpool serve --otlp-endpoint` does both.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"

/**
 * Whether service methods open spans in the current fiber (default: off).
 *
 * @since 0.1.0
 * @category fiber refs
 */
export const currentEnabled: FiberRef.FiberRef<boolean> = FiberRef.unsafeMake(false)

/**
 * Spans on for the layers built after this one and the fibers they start.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerEnabled: Layer.Layer<never> = Layer.locallyScoped(currentEnabled, true)

/**
 * The shape with its methods and effects in spans named `<service>.<member>` when spans are on
 * in the fiber that builds the service, else the shape itself.
 *
 * @since 0.1.0
 * @category utils
 */
export const traced = <S extends object>(service: string, shape: S): Effect.Effect<S> =>
  FiberRef.getWith(currentEnabled, (enabled) => Effect.succeed(enabled ? wrap(service, shape) : shape))

/**
 * The shape with every method and effect in a span, whatever {@link currentEnabled} says.
 *
 * @since 0.1.0
 * @category utils
 */
export const wrap = <S extends object>(service: string, shape: S): S => {
  const wrapped: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(shape)) {
    const name = `${service}.${key}`
    if (Effect.isEffect(value)) {
      wrapped[key] = Effect.withSpan(value, name)
    } else if (typeof value === "function") {
      const method = value as (...args: Array<unknown>) => unknown
      const spanned = Effect.fn(name)(function*(result: Effect.Effect<unknown, unknown, unknown>) {
        return yield* result
      })
      wrapped[key] = (...args: Array<unknown>) => {
        const result = method.apply(shape, args)
        return Effect.isEffect(result) ? spanned(result) : result
      }
    } else {
      wrapped[key] = value
    }
  }
  return wrapped as S
}
