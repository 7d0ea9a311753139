/**
 * The live bearer-token check of `/api/v1` routes (constant-time comparison).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { timingSafeEqual } from "node:crypto"
import { Authorization, Unauthorized } from "./Api.js"
import { ServerConfig } from "./ServerConfig.js"

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Authorization, never, ServerConfig> = Layer.effect(
  Authorization,
  Effect.gen(function*() {
    const config = yield* ServerConfig
    const expected = Redacted.value(config.token)
    return Authorization.of({
      bearer: (token) =>
        Redacted.value(token) !== "" && same(Redacted.value(token), expected)
          ? Effect.void
          : Effect.fail(
            new Unauthorized({ message: "A valid bearer token is required: Authorization: Bearer <token>" })
          )
    })
  })
)
