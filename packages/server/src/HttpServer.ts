/**
 * The HTTP server: the API handlers, `/openapi.json`, the request-body limit (413) and the web
 * console's static files, on Node's HTTP server.
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import type * as HttpServer from "@effect/platform/HttpServer"
import type * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type { Metrics } from "@warmpool/metrics"
import type { Claims, Reconciler, Store, TemplateImport } from "@warmpool/prebuilds"
import type { Renderer } from "@warmpool/render"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { createServer } from "node:http"
import { WarmpoolApi } from "./Api.js"
import * as Authorization from "./Authorization.js"
import * as HealthHandlers from "./HealthHandlers.js"
import * as PrebuildHandlers from "./PrebuildHandlers.js"
import * as ReconcilerHandlers from "./ReconcilerHandlers.js"
import { ServerConfig } from "./ServerConfig.js"
import * as TemplateHandlers from "./TemplateHandlers.js"

/**
 * What the API's handlers need.
 *
 * @since 0.1.0
 */
export type Requirements =
  | Store.Store
  | Metrics.Metrics
  | TemplateImport.TemplateImport
  | Renderer.Renderer
  | Reconciler.Reconciler
  | Claims.Claims
  | ServerConfig

/**
 * The API with its handlers.
 *
 * @since 0.1.0
 * @category layers
 */
export const apiLayer: Layer.Layer<HttpApi.Api, never, Requirements> = HttpApiBuilder.api(WarmpoolApi).pipe(
  Layer.provide(
    Layer.mergeAll(HealthHandlers.layer, TemplateHandlers.layer, PrebuildHandlers.layer, ReconcilerHandlers.layer)
  ),
  Layer.provide(Authorization.layer)
)

const tooLarge = (limit: number) =>
  HttpServerResponse.unsafeJson(
    { _tag: "PayloadTooLarge", message: `The request body exceeds the limit of ${limit} bytes.` },
    { status: 413 }
  )

/**
 * Cap request bodies: a declared `Content-Length` over the limit is refused at once with 413;
 * streamed bodies are cut at the limit, and that failure is answered with 413 too.
 *
 * @since 0.1.0
 */
export const bodyLimit = (limit: number) => <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const declared = Number(request.headers["content-length"] ?? "0")
    if (Number.isFinite(declared) && declared > limit) return tooLarge(limit)
    const response = yield* Effect.provideService(
      app,
      HttpIncomingMessage.MaxBodySize,
      Option.some(FileSystem.Size(limit))
    )
    return response
  })

/**
 * The server: listens on the configured host and port until its scope closes.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpServer.HttpServer, HttpServerError.ServeError, Requirements> = Layer.unwrapEffect(
  Effect.map(ServerConfig, (config) =>
    HttpApiBuilder.serve(bodyLimit(config.maxBodyBytes)).pipe(
      Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
      Layer.provide(apiLayer),
      Layer.provideMerge(NodeHttpServer.layer(createServer, { port: config.port, host: config.host }))
    ))
)
