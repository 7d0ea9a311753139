/**
 * The render route's bytes (issue 14): one encoding per cached output (a hit hands back the same
 * output object, so the same bytes), the same bytes the API's success schema writes, a strong
 * `ETag` of them, `If-None-Match` → 304; and the request the guards hand on with its body read.
 */
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import type { CacheSettings } from "@warmpool/render"
import { RenderCache, Renderer, RenderOutput, TemplateCache, TemplateSource } from "@warmpool/render"
import { HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { createHash } from "node:crypto"
import { withReadBody } from "../src/internal/readRequest.js"
import { encodedRender, encodeRender, noneMatch, renderResponse } from "../src/internal/renderBody.js"

const template = Either.getOrThrow(TemplateFiles.fromRecord({
  "main.tf": `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
  option {
    name  = "Small"
    value = "small"
  }
  option {
    name  = "Large"
    value = "large"
  }
}
`
}))

const settings: CacheSettings.CacheSettings = {
  ttl: Duration.hours(1),
  maxAge: Duration.hours(24),
  sweepInterval: Duration.minutes(15),
  capacity: 100
}

const live = Renderer.layer.pipe(
  Layer.provideMerge(Layer.mergeAll(TemplateCache.layerWith(settings), RenderCache.layerWith(settings))),
  Layer.provideMerge(
    Layer.mergeAll(TemplateSource.layerFromMap(new Map([["v1", template]])), HclParser.layer, Metrics.layer)
  )
)

const render = (values: Record<string, string>) =>
  Effect.flatMap(
    Renderer.Renderer,
    (renderer) => renderer.renderCached({ templateVersionId: "v1", owner: Owner.empty, values })
  )

describe("noneMatch", () => {
  const etag = "\"abc\""
  const table: ReadonlyArray<readonly [string | undefined, boolean]> = [
    [undefined, false],
    ["", false],
    ["\"abc\"", true],
    ["W/\"abc\"", true],
    ["\"x\", \"abc\"", true],
    ["\"x\",W/\"abc\"", true],
    ["*", true],
    ["\"abcd\"", false],
    ["abc", false],
    ["\"x\", \"y\"", false]
  ]
  for (const [header, expected] of table) {
    it(`${JSON.stringify(header)} → ${expected}`, () => {
      expect(noneMatch(header, etag)).toBe(expected)
    })
  }
})

describe("encodedRender", () => {
  it.scoped("a cache hit hands back the same output object, so the same bytes, encoded once", () =>
    Effect.gen(function*() {
      const first = yield* render({ size: "large" })
      const hit = yield* render({ size: "large" })
      expect(hit.output).toBe(first.output)
      const encoded = encodedRender(first.output)
      expect(encodedRender(hit.output)).toBe(encoded)
      const other = yield* render({ size: "small" })
      expect(other.output).not.toBe(first.output)
      expect(encodedRender(other.output).etag).not.toBe(encoded.etag)
    }).pipe(Effect.provide(live)))

  it.scoped("writes what the API's success schema writes, tagged with the SHA-256 of the bytes", () =>
    Effect.gen(function*() {
      const { output } = yield* render({ size: "large" })
      const encoded = encodedRender(output)
      const text = new TextDecoder().decode(encoded.body)
      expect(text).toBe(JSON.stringify(Schema.encodeSync(RenderOutput.RenderOutput)(output)))
      expect(encoded.etag).toBe(`"${createHash("sha256").update(encoded.body).digest("base64url")}"`)
      // A fresh encoding of an equal output has the same tag (the tag names the bytes).
      expect(encodeRender(structuredClone(output)).etag).toBe(encoded.etag)
    }).pipe(Effect.provide(live)))
})

describe("renderResponse", () => {
  const encoded = encodeRender(RenderOutput.failed([]))

  it("is 200 with the bytes, JSON and the tag when the client's tag differs or is absent", () => {
    for (const header of [undefined, "\"other\""]) {
      const response = renderResponse(encoded, header)
      expect(response.status).toBe(200)
      expect(response.headers["etag"]).toBe(encoded.etag)
      expect(response.body._tag).toBe("Uint8Array")
      if (response.body._tag === "Uint8Array") {
        expect(response.body.body).toBe(encoded.body)
        expect(response.body.contentType).toBe("application/json")
      }
    }
  })

  it("is 304 with the tag and no body when the client holds it", () => {
    const response = renderResponse(encoded, encoded.etag)
    expect(response.status).toBe(304)
    expect(response.headers["etag"]).toBe(encoded.etag)
    expect(response.body._tag).toBe("Empty")
  })
})

describe("withReadBody", () => {
  const original = HttpServerRequest.fromWeb(
    new Request("http://warmpool.invalid/api/v1/x?y=1", {
      method: "POST",
      headers: { "content-type": "application/json", "if-none-match": "\"t\"" }
    })
  )
  const body = new TextEncoder().encode("{\"values\":{\"a\":\"é\"}}")

  it.effect("answers every body accessor from the bytes and keeps the rest of the request", () =>
    Effect.gen(function*() {
      const request = withReadBody(original, body)
      expect([request.method, request.url, request.headers["if-none-match"]]).toEqual([
        "POST",
        original.url,
        "\"t\""
      ])
      expect(yield* request.json).toEqual({ values: { a: "é" } })
      expect(yield* request.text).toBe("{\"values\":{\"a\":\"é\"}}")
      expect(new Uint8Array(yield* request.arrayBuffer)).toEqual(body)
      // A derived request (a router's prefix) keeps the body.
      const derived = request.modify({ url: "/x" })
      expect(derived.url).toBe("/x")
      expect(yield* derived.json).toEqual({ values: { a: "é" } })
    }))

  it.effect("a body the guards already parsed is handed over, not decoded and parsed again", () =>
    Effect.gen(function*() {
      const value = { values: { a: "é" } }
      const request = withReadBody(original, body, { text: "{\"values\":{\"a\":\"é\"}}", value })
      // the very value the guards parsed: the bytes were not parsed again
      expect(yield* request.json).toBe(value)
      expect(yield* request.text).toBe("{\"values\":{\"a\":\"é\"}}")
      expect(yield* request.modify({ url: "/x" }).json).toBe(value)
    }))

  it.effect("fails a body that is not JSON with the platform's RequestError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(withReadBody(original, new TextEncoder().encode("{nope")).json)
      expect(error._tag).toBe("RequestError")
      expect(error.reason).toBe("Decode")
    }))
})
