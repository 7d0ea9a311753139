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
import { fileURLToPath } from "node:url"
import { WarmpoolApi } from "./Api.js"
import * as Authorization from "./Authorization.js"
import * as BuildHandlers from "./BuildHandlers.js"
import * as HealthHandlers from "./HealthHandlers.js"
import * as PrebuildHandlers from "./PrebuildHandlers.js"
import * as ReconcilerHandlers from "./ReconcilerHandlers.js"
import { ServerConfig } from "./ServerConfig.js"
import * as StaticFiles from "./StaticFiles.js"
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
    Layer.mergeAll(
      HealthHandlers.layer,
      TemplateHandlers.layer,
      PrebuildHandlers.layer,
      BuildHandlers.layer,
      ReconcilerHandlers.layer
    )
  ),
  Layer.provide(Authorization.layer)
)

const tooLarge = (limit: number) =>
  HttpServerResponse.unsafeJson(
    { _tag: "PayloadTooLarge", message: `The request body exceeds the limit of ${limit} bytes.` },
    { status: 413 }
  )

const malformed = (message: string) =>
  HttpServerResponse.unsafeJson({ _tag: "BadRequest", message: `Malformed JSON body: ${message}` }, { status: 400 })

const exceeded = (error: unknown): boolean => String((error as { cause?: unknown }).cause ?? error).includes("maxBytes")

/**
 * Guards in front of the API: request bodies over the limit get 413 (a declared
 * `Content-Length` at once, a streamed body when it crosses the limit), and a JSON body that does
 * not parse gets 400 with the parser's message (the API then decodes the same, cached, text).
 *
 * @since 0.1.0
 */
export const requestGuards = (limit: number) => <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const declared = Number(request.headers["content-length"] ?? "0")
    if (Number.isFinite(declared) && declared > limit) return tooLarge(limit)
    const isJson = (request.headers["content-type"] ?? "").includes("json")
    if (isJson && request.method !== "GET" && request.method !== "HEAD") {
      const text = yield* Effect.either(request.text)
      if (text._tag === "Left") {
        return exceeded(text.left) ? tooLarge(limit) : malformed("the body could not be read")
      }
      if (text.right.trim() !== "") {
        try {
          JSON.parse(text.right)
        } catch (e) {
          return malformed(e instanceof Error ? e.message : String(e))
        }
      }
    }
    return yield* app
  }).pipe(Effect.provideService(HttpIncomingMessage.MaxBodySize, Option.some(FileSystem.Size(limit))))

/**
 * Where the built web console is (`packages/server/dist/web`, next to the compiled server).
 *
 * @since 0.1.0
 */
export const webDirectory: string = fileURLToPath(new URL("../dist/web", import.meta.url))

/**
 * The web console's files at `/`; the API's own routes take precedence.
 *
 * @since 0.1.0
 * @category layers
 */
export const webConsoleLayer = (directory: string = webDirectory) =>
  HttpApiBuilder.Router.use((router) => router.concat(StaticFiles.router(directory)))

/**
 * The server: listens on the configured host and port until its scope closes.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpServer.HttpServer, HttpServerError.ServeError, Requirements> = Layer.unwrapEffect(
  Effect.map(ServerConfig, (config) =>
    HttpApiBuilder.serve(requestGuards(config.maxBodyBytes)).pipe(
      Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
      Layer.provide(webConsoleLayer()),
      Layer.provide(apiLayer),
      Layer.provideMerge(NodeHttpServer.layer(createServer, { port: config.port, host: config.host }))
    ))
)
