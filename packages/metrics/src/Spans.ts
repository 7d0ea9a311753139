/**
 * Tracing spans on service methods. {@link traced} wraps every method of a service's shape that
 * returns an `Effect` in a span named `<Service>.<method>` (with `Effect.fn`, so a span also
 * records where it was called from), and every `Effect` member in a span of its own; other
 * members are kept as they are. Spans cost little when no tracer exports them; an application
 * exports them by providing a tracer (`warmpool serve --otlp-endpoint` provides the OTLP one).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"

/**
 * The shape with its methods and effects in spans named `<service>.<member>`.
 *
 * @since 0.1.0
 */
export const traced = <S extends object>(service: string, shape: S): S => {
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
