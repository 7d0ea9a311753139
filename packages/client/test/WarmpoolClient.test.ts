/**
 * The typed client alone, over a scripted `HttpClient`: the URL (base, percent-encoded path
 * parameters, query), the bearer token read at every request, answers decoded by the API's
 * schemas, and errors decoded into the API's typed errors.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Api from "../src/Api.js"
import * as WarmpoolClient from "../src/WarmpoolClient.js"

interface Seen {
  readonly method: string
  readonly url: string
  readonly authorization: string | undefined
}

/** An `HttpClient` answering every request with `status` and `body`, recording what it was sent. */
const scripted = (status: number, body: unknown, seen: Array<Seen>) =>
  Layer.succeed(
    HttpClient.HttpClient,
    HttpClient.make((request: HttpClientRequest.HttpClientRequest, url) =>
      Effect.sync(() => {
        seen.push({ method: request.method, url: url.toString(), authorization: request.headers["authorization"] })
        return HttpClientResponse.fromWeb(
          request,
          new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } })
        )
      })
    )
  )

const cycle: typeof Api.CycleReport.Encoded = {
  cycle: 1,
  startedAt: "2026-01-15T09:00:00.000Z",
  durationMs: 12,
  lockAcquired: true,
  paused: false,
  presetsTotal: 2,
  presetsReconciled: 2,
  creates: 1,
  deletes: 0,
  cancels: 0,
  renders: 1,
  parses: 1,
  cacheHits: 0,
  cacheMisses: 1,
  errors: 0
}

describe("WarmpoolClient", () => {
  it.effect("sends the token read at each request, to the base URL, and decodes the answer", () =>
    Effect.gen(function*() {
      const seen: Array<Seen> = []
      let token = "first"
      const client = yield* WarmpoolClient.make({ baseUrl: "http://warmpool.test:8080", token: () => token }).pipe(
        Effect.provide(scripted(200, { paused: false, intervalMs: 1000, cycles: [cycle] }, seen))
      )
      const status = yield* client.reconciler.status()
      token = "second"
      yield* client.reconciler.status()
      expect(status).toEqual({ paused: false, intervalMs: 1000, cycles: [cycle] })
      expect(seen).toEqual([
        { method: "GET", url: "http://warmpool.test:8080/api/v1/reconciler", authorization: "Bearer first" },
        { method: "GET", url: "http://warmpool.test:8080/api/v1/reconciler", authorization: "Bearer second" }
      ])
    }))

  it.effect("percent-encodes path parameters and encodes the query with the API's schema", () =>
    Effect.gen(function*() {
      const seen: Array<Seen> = []
      const resumed = {
        template: "t",
        preset: "a/b c%",
        presetId: "p",
        templateVersionId: "v",
        previousStatus: "hard_limited",
        status: "healthy",
        clearedQuarantine: null
      }
      const layer = WarmpoolClient.layer({ baseUrl: "http://h", token: "x" }).pipe(
        Layer.provide(scripted(200, resumed, seen))
      )
      const client = yield* Effect.provide(WarmpoolClient.WarmpoolClient, layer)
      expect(yield* client.prebuilds.resume({ path: { template: "t", preset: "a/b c%" } })).toEqual(resumed)
      expect(seen[0]!.url).toBe("http://h/api/v1/presets/t/a%2Fb%20c%25/resume")
      yield* Effect.ignore(client.builds.list({ urlParams: { status: "failed", limit: 5 } }))
      expect(seen[1]!.url).toBe("http://h/api/v1/builds?status=failed&limit=5")
    }))

  it.effect("an answer that does not match the schema is a ParseError", () =>
    Effect.gen(function*() {
      const client = yield* WarmpoolClient.make({ baseUrl: "http://h" }).pipe(
        Effect.provide(scripted(200, { paused: "no" }, []))
      )
      const error = yield* Effect.flip(client.reconciler.pause())
      expect(error._tag).toBe("ParseError")
    }))

  const errors: ReadonlyArray<readonly [number, unknown, string]> = [
    [401, { _tag: "Unauthorized", message: "A valid bearer token is required" }, "Unauthorized"],
    [404, { _tag: "NotFound", message: "Build \"b\" not found." }, "NotFound"],
    [409, { _tag: "Conflict", message: "The build has ended." }, "Conflict"],
    [503, { _tag: "ServiceUnavailable", message: "The store is not reachable." }, "ServiceUnavailable"],
    [500, { _tag: "InternalError", message: "failed" }, "InternalError"]
  ]
  for (const [status, body, tag] of errors) {
    it.effect(`a ${status} answer is the typed ${tag}`, () =>
      Effect.gen(function*() {
        const client = yield* WarmpoolClient.make({ baseUrl: "http://h", token: "x" }).pipe(
          Effect.provide(scripted(status, body, []))
        )
        const error = yield* Effect.flip(client.buildControl.cancel({ path: { id: "b" } }))
        expect(error._tag).toBe(tag)
        expect(error).toMatchObject(body as object)
      }))
  }
})
