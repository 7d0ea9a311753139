/**
 * A database outage while a template version is read answers 503 with the API's typed body,
 * never 404: the store fails every call once the faults are switched on, and the render endpoint
 * is called in process (`NodeHttpServer.layerTest`). A version that does not exist still answers
 * 404.
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { Store, TemplateImport } from "@warmpool/prebuilds"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as App from "../src/App.js"
import * as HttpServer from "../src/HttpServer.js"
import * as ServerConfig from "../src/ServerConfig.js"

const token = "outage-test-token"

const main = `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}
`

/** The API on an in-memory store whose calls all fail while `faults.on` is set. */
const withApi = <A, E>(
  faults: { on: boolean },
  body: Effect.Effect<A, E, HttpClient.HttpClient | TemplateImport.TemplateImport>
) =>
  Effect.gen(function*() {
    const { config } = yield* ServerConfig.load({ flags: { "render-workers": "0", token } })
    const services = App.services(config).pipe(
      Layer.provideMerge(Store.layerWithFaults({ rate: Effect.sync(() => (faults.on ? 1 : 0)) })),
      Layer.provideMerge(Store.layerMemory()),
      Layer.provideMerge(Metrics.layerNoop),
      Layer.provideMerge(ServerConfig.layerWith(config))
    )
    const server = HttpApiBuilder.serve().pipe(
      Layer.provide(HttpServer.layerApi),
      Layer.provideMerge(NodeHttpServer.layerTest),
      Layer.provideMerge(services)
    )
    return yield* Effect.scoped(Effect.provide(body, server))
  })

const render = (id: string) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(
      HttpClientRequest.post(`/api/v1/templateversions/${id}/render`).pipe(
        HttpClientRequest.bearerToken(token),
        HttpClientRequest.bodyUnsafeJson({ values: {} })
      )
    )
    return { status: response.status, body: (yield* response.json) as Record<string, unknown> }
  })

describe("a template store outage", () => {
  it.live("answers 503 with a typed body on a render, 404 for a missing version once it is back", () => {
    const faults = { on: false }
    return withApi(
      faults,
      Effect.gen(function*() {
        const importer = yield* TemplateImport.TemplateImport
        const imported = yield* importer.importVersion({
          templateName: "t",
          files: { "main.tf": main },
          activate: true
        })
        const id = imported.templateVersionId
        faults.on = true
        const outage = yield* render(id)
        expect(outage.status).toBe(503)
        expect(outage.body._tag).toBe("ServiceUnavailable")
        expect(String(outage.body.message)).toContain("unavailable")
        faults.on = false
        const ok = yield* render(id)
        expect(ok.status).toBe(200)
        const missing = yield* render("00000000-0000-0000-0000-000000000000")
        expect(missing.status).toBe(404)
        expect(missing.body._tag).toBe("NotFound")
      })
    )
  })
})
