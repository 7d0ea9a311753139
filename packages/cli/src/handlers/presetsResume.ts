/**
 * `warmpool presets resume <template>/<preset> --url --token`: asks a running server to lift a
 * preset's hard limit and its version's quarantine (`POST /api/v1/presets/{template}/{preset}/resume`),
 * through the typed `WarmpoolClient` derived from the API's `HttpApi` definition (no hand-written
 * requests; the preset name is percent-encoded, so a `/` in it stays in the name).
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { WarmpoolClient } from "@warmpool/client"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { exitCode } from "../internal/keyValue.js"

/**
 * Splits `template/preset` (the template name has no `/`; the preset name may).
 */
export const parseTarget = (
  target: string
): { readonly template: string; readonly preset: string } | undefined => {
  const slash = target.indexOf("/")
  if (slash <= 0 || slash === target.length - 1) return undefined
  return { template: target.slice(0, slash), preset: target.slice(slash + 1) }
}

const describe = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const tagged = error as { readonly _tag?: unknown; readonly message?: unknown }
    const message = typeof tagged.message === "string" ? tagged.message : String(error)
    return typeof tagged._tag === "string" ? `${tagged._tag}: ${message}` : message
  }
  return String(error)
}

export const run = (args: {
  readonly target: string
  readonly url: string
  readonly token: string
  readonly json: boolean
}) =>
  Effect.gen(function*() {
    const target = parseTarget(args.target)
    if (target === undefined) {
      yield* Console.error(`warmpool presets resume: expected <template>/<preset>, got "${args.target}"`)
      return yield* exitCode(2)
    }
    if (args.token === "") {
      yield* Console.error("warmpool presets resume: --token (or WARMPOOL_TOKEN) is required")
      return yield* exitCode(2)
    }
    const client = yield* WarmpoolClient.make({ baseUrl: args.url, token: args.token })
    const result = yield* Effect.either(
      client.prebuilds.resume({ path: target }).pipe(Effect.timeoutFail({
        duration: "30 seconds",
        onTimeout: () => new Error("no answer within 30 s")
      }))
    )
    if (result._tag === "Left") {
      yield* Console.error(`warmpool presets resume: ${args.url}: ${describe(result.left)}`)
      return yield* exitCode(1)
    }
    const r = result.right
    if (args.json) {
      yield* Console.log(JSON.stringify(r, null, 2))
    } else {
      const cleared = r.clearedQuarantine === null ? "" : `; quarantine cleared (${r.clearedQuarantine})`
      yield* Console.log(`${r.template}/${r.preset}: ${r.previousStatus} → ${r.status}${cleared}`)
    }
  }).pipe(Effect.provide(FetchHttpClient.layer))
