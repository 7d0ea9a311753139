/**
 * The live bearer-token check of `/api/v1` routes (constant-time comparison). The same check runs
 * in the request guards before any body is read, so an unauthenticated client never makes the
 * server read, buffer or parse what it sends.
 *
 * @since 0.1.0
 */
import { Authorization, Unauthorized } from "@warmpool/client/Api"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { timingSafeEqual } from "node:crypto"
import { ServerConfig } from "./ServerConfig.js"

const same = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * What a refused request is told.
 *
 * @since 0.1.0
 * @category constants
 */
export const unauthorizedMessage = "A valid bearer token is required: Authorization: Bearer <token>"

/**
 * Whether a token equals the expected one (never for an empty token).
 *
 * @since 0.1.0
 * @category utils
 */
export const tokenMatches = (token: string, expected: Redacted.Redacted<string>): boolean =>
  token !== "" && same(token, Redacted.value(expected))

/**
 * Whether an `Authorization` header value carries the expected bearer token (`Bearer <token>`,
 * the scheme name in any case).
 *
 * @since 0.1.0
 * @category utils
 */
export const headerMatches = (header: string | undefined, expected: Redacted.Redacted<string>): boolean => {
  if (header === undefined) return false
  const match = /^bearer +(.+)$/i.exec(header)
  return match !== null && tokenMatches(match[1]!, expected)
}

/**
 * The live layer: checks bearer tokens against the configured token.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<Authorization, never, ServerConfig> = Layer.effect(
  Authorization,
  Effect.gen(function*() {
    const config = yield* ServerConfig
    return Authorization.of({
      bearer: (token) =>
        tokenMatches(Redacted.value(token), config.token)
          ? Effect.void
          : Effect.fail(new Unauthorized({ message: unauthorizedMessage }))
    })
  })
)
