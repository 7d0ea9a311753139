/**
 * The HTTP server: the API handlers, `/openapi.json`, the guards every request passes first
 * (body limit, bearer token before any body is read, JSON depth) and the web console's static
 * files, on Node's HTTP server.
 *
 * @since 0.1.0
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as NodeHttpServerRequest from "@effect/platform-node/NodeHttpServerRequest"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import type * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { WarmpoolApi } from "@warmpool/client/Api"
import type { Metrics } from "@warmpool/metrics"
import type { Claims, Reconciler, Store, TemplateImport } from "@warmpool/prebuilds"
import type { Renderer } from "@warmpool/render"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import { createServer, IncomingMessage, type Server, type ServerResponse } from "node:http"
import { fileURLToPath } from "node:url"
import * as Authorization from "./Authorization.js"
import * as BuildControlHandlers from "./BuildControlHandlers.js"
import * as BuildHandlers from "./BuildHandlers.js"
import * as HealthHandlers from "./HealthHandlers.js"
import { largeWorkBytes, yieldToEventLoop } from "./internal/eventLoop.js"
import { depthScanner, describeProblem, type ShapeLimits, shapeProblem } from "./internal/jsonShape.js"
import { type ParsedBody, withReadBody } from "./internal/readRequest.js"
import { BodyTooLarge, lingerAfterEarlyAnswer, readBody } from "./internal/requestBody.js"
import * as PolicyHandlers from "./PolicyHandlers.js"
import * as PrebuildHandlers from "./PrebuildHandlers.js"
import type { Readiness } from "./Readiness.js"
import * as ReconcilerHandlers from "./ReconcilerHandlers.js"
import { ServerConfig, type ServerConfigShape } from "./ServerConfig.js"
import * as StaticFiles from "./StaticFiles.js"
import * as TemplateHandlers from "./TemplateHandlers.js"

/**
 * What the API's handlers need.
 *
 * @since 0.1.0
 * @category models
 */
export type Requirements =
  | Store.Store
  | Metrics.Metrics
  | TemplateImport.TemplateImport
  | Renderer.Renderer
  | Reconciler.Reconciler
  | Claims.Claims
  | ServerConfig
  | Readiness

/**
 * The API with its handlers.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerApi: Layer.Layer<HttpApi.Api, never, Requirements> = HttpApiBuilder.api(WarmpoolApi).pipe(
  Layer.provide(
    Layer.mergeAll(
      HealthHandlers.layer,
      TemplateHandlers.layer,
      PrebuildHandlers.layer,
      BuildHandlers.layer,
      ReconcilerHandlers.layer,
      BuildControlHandlers.layer,
      PolicyHandlers.layer
    )
  ),
  Layer.provide(Authorization.layer)
)

/**
 * What the guards in front of the API enforce.
 *
 * @since 0.1.0
 * @category models
 */
export interface GuardOptions {
  /** Request bodies larger than this get 413. */
  readonly maxBodyBytes: number
  /** JSON bodies nesting deeper than this get 400, before they are parsed. */
  readonly maxJsonDepth: number
  /**
   * JSON bodies with an object of more keys, or an array of more elements, than this get 400,
   * before they are parsed (default
   * {@link defaultMaxJsonItems}).
   */
  readonly maxJsonItems?: number | undefined
  /** The bearer token `/api` routes and every request with a body must carry. */
  readonly token: Redacted.Redacted<string>
}

const errorBody = (status: number, tag: string, message: string) =>
  HttpServerResponse.unsafeJson({ _tag: tag, message }, { status })

const tooLarge = (limit: number) =>
  errorBody(413, "PayloadTooLarge", `The request body exceeds the limit of ${limit} bytes.`)

const malformed = (message: string) => errorBody(400, "BadRequest", `Malformed JSON body: ${message}`)

const unauthorized = () => errorBody(401, "Unauthorized", Authorization.unauthorizedMessage)

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true })

/** Methods whose body the API reads; any other method's body is never read. */
const bodyMethods = new Set(["POST", "PUT", "PATCH", "DELETE"])

const tagOfStatus = (status: number): string =>
  status === 404
    ? "NotFound"
    : status === 405
    ? "MethodNotAllowed"
    : status === 503
    ? "ServiceUnavailable"
    : status >= 500
    ? "InternalError"
    : "BadRequest"

/** An error response without a body gets a `{ _tag, message }` body for its status. */
const withErrorBody = (response: HttpServerResponse.HttpServerResponse): HttpServerResponse.HttpServerResponse =>
  response.body._tag === "Empty" && response.status >= 400
    ? errorBody(
      response.status,
      tagOfStatus(response.status),
      response.status >= 500
        ? "The server failed to answer this request (the failure is logged)."
        : `The request was refused (HTTP ${response.status}).`
    )
    : response

/**
 * Every answer of the app with a typed JSON body when it is an error: the platform's own answer
 * when it has a body, otherwise a `{ _tag, message }` body for its status; defects and other
 * unexpected failures are logged. A client that went away stays an interruption.
 */
const typedFailures = <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  Effect.matchCauseEffect(app, {
    onSuccess: (response) => Effect.succeed(withErrorBody(response)),
    onFailure: (cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
      return Effect.flatMap(HttpServerError.causeResponse(cause), ([response, unexpected]) => {
        const logged = Cause.isEmpty(unexpected) && response.status < 500
          ? Effect.void
          : Effect.logError("request failed", Cause.isEmpty(unexpected) ? cause : unexpected)
        return Effect.as(logged, withErrorBody(response))
      })
    }
  })

/**
 * The body to hand to the API once it passed the checks: a request like the original whose body
 * is the bytes already read.
 */
const withBody = (request: HttpServerRequest.HttpServerRequest, body: Uint8Array) =>
  Effect.try(() => {
    const contentType = request.headers["content-type"]
    return HttpServerRequest.fromWeb(
      new Request(`http://warmpool.invalid${request.url.startsWith("/") ? request.url : "/"}`, {
        method: request.method,
        body,
        ...(contentType === undefined ? {} : { headers: { "content-type": contentType } })
      })
    ).modify({
      url: request.url,
      headers: request.headers,
      ...(Option.isSome(request.remoteAddress) ? { remoteAddress: request.remoteAddress.value } : {})
    })
  })

/** Multipart bodies keep going through a web `Request` (no API endpoint takes one today). */
const isMultipart = (request: HttpServerRequest.HttpServerRequest) =>
  (request.headers["content-type"] ?? "").toLowerCase().includes("multipart/")

/**
 * A JSON body checked: why it cannot be handed to the API (`problem`), or its text and value (none
 * for an empty body), which the API then reads without decoding and parsing it again.
 */
const checkJson = (
  bytes: Uint8Array,
  limits: ShapeLimits
): { readonly problem: string } | { readonly parsed: ParsedBody | undefined } => {
  const problem = shapeProblem(bytes, limits)
  if (problem !== undefined) return { problem: describeProblem(problem) }
  let text: string
  try {
    text = fatalUtf8.decode(bytes)
  } catch {
    return { problem: "the body is not valid UTF-8" }
  }
  if (text.trim() === "") return { parsed: undefined }
  try {
    return { parsed: { text, value: JSON.parse(text) as unknown } }
  } catch (e) {
    return { problem: e instanceof Error ? e.message : String(e) }
  }
}

/**
 * Guards in front of the API, in this order, before anything reads a body:
 *
 * 1. a declared `Content-Length` over the limit gets 413;
 * 2. an `/api` request, or any request that carries a body, without the bearer token gets 401
 *    (its body is never read: Node drains it to nowhere);
 * 3. the body is read with a counting limit (a streamed body that crosses it gets 413, and the
 *    connection stays usable for the answer), and a JSON body's depth is checked chunk by chunk
 *    as it arrives (too deep: 400 at once);
 * 4. a JSON body that is not UTF-8, nests deeper than the limit or repeats a key in one object
 *    (checked by a linear scan, so no recursion sees it), or does not parse, gets 400 with a
 *    message.
 *
 * Every failure, of the guards or of the app, is answered with a typed JSON body; defects are
 * logged.
 *
 * @since 0.1.0
 * @category utils
 */
export const requestGuards = (options: GuardOptions) => <E, R>(app: HttpApp.Default<E, R>): HttpApp.Default<E, R> =>
  typedFailures(Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const source = NodeHttpServerRequest.toIncomingMessage(request)
    const isNode = source instanceof IncomingMessage
    // An answer given before the body was read: let the client finish sending and read it.
    const early = (response: HttpServerResponse.HttpServerResponse) =>
      isNode
        ? Effect.as(lingerAfterEarlyAnswer(source, NodeHttpServerRequest.toServerResponse(request)), response)
        : Effect.succeed(response)
    const length = request.headers["content-length"]
    const declared = Number(length ?? "0")
    if (Number.isFinite(declared) && declared > options.maxBodyBytes) {
      return yield* early(tooLarge(options.maxBodyBytes))
    }
    const hasBody = (length !== undefined && declared !== 0) || request.headers["transfer-encoding"] !== undefined
    const isApi = request.url === "/api" || request.url.startsWith("/api/") || request.url.startsWith("/api?")
    if ((isApi || hasBody) && !Authorization.headerMatches(request.headers["authorization"], options.token)) {
      return yield* early(unauthorized())
    }
    if (!hasBody || !bodyMethods.has(request.method)) return yield* app
    const isJson = (request.headers["content-type"] ?? "").includes("json")
    // A deep JSON body is refused while it arrives, not after all of it has been read.
    const deep = isJson ? depthScanner(options.maxJsonDepth) : undefined
    const inspect = deep === undefined ? undefined : (chunk: Uint8Array) => {
      const problem = deep(chunk)
      return problem === undefined ? undefined : describeProblem(problem)
    }
    const read = isNode
      ? readBody(source, options.maxBodyBytes, inspect)
      : Effect.map(request.arrayBuffer, (buffer) => new Uint8Array(buffer)).pipe(
        Effect.mapError(() => new BodyTooLarge({ limit: options.maxBodyBytes }))
      )
    const body = yield* Effect.either(read)
    if (body._tag === "Left") {
      switch (body.left._tag) {
        case "BodyTooLarge":
          return yield* early(tooLarge(options.maxBodyBytes))
        case "BodyRejected":
          return yield* early(malformed(body.left.message))
        case "BodyUnreadable":
          return errorBody(400, "BadRequest", `The request body could not be read: ${body.left.message}`)
      }
    }
    let parsed: ParsedBody | undefined
    if (isJson) {
      const checked = checkJson(body.right, {
        maxDepth: options.maxJsonDepth,
        maxItems: options.maxJsonItems ?? defaultMaxJsonItems
      })
      if ("problem" in checked) return malformed(checked.problem)
      parsed = checked.parsed
      // Decoding and parsing a 6 MiB body took tens of milliseconds: the requests that came in
      // meanwhile (`/healthz`) are answered before the API takes it up.
      if (body.right.byteLength >= largeWorkBytes) yield* yieldToEventLoop
    }
    const replaced = yield* Effect.either(
      isMultipart(request) ? withBody(request, body.right) : Effect.succeed(withReadBody(request, body.right, parsed))
    )
    if (replaced._tag === "Left") return errorBody(400, "BadRequest", "The request cannot carry a body.")
    return yield* app.pipe(Effect.provideService(HttpServerRequest.HttpServerRequest, replaced.right))
  })).pipe(
    Effect.provideService(HttpIncomingMessage.MaxBodySize, Option.some(FileSystem.Size(options.maxBodyBytes)))
  )

/**
 * Where the built web console is (`packages/server/dist/web`, next to the compiled server).
 *
 * @since 0.1.0
 * @category constants
 */
export const webDirectory: string = fileURLToPath(new URL("../dist/web", import.meta.url))

/**
 * The web console's files at `/`; the API's own routes take precedence.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWebConsole = (directory: string = webDirectory) =>
  HttpApiBuilder.Router.use((router) => router.concat(StaticFiles.router(directory)))

/**
 * Node's HTTP server, answering `Expect: 100-continue` itself: a client that waits for the go-ahead
 * before uploading (curl does for bodies over 1 MiB) is told 401 or 413 instead, and never sends
 * the body; Node's default would invite every body, authenticated or not.
 *
 * @since 0.1.0
 * @category utils
 */
export const createGuardedServer = (options: GuardOptions): Server => {
  const server = createServer()
  server.on("checkContinue", (request: IncomingMessage, response: ServerResponse) => {
    const declared = Number(request.headers["content-length"] ?? "0")
    const refusal = Number.isFinite(declared) && declared > options.maxBodyBytes
      ? {
        status: 413,
        _tag: "PayloadTooLarge",
        message: `The request body exceeds the limit of ${options.maxBodyBytes} bytes.`
      }
      : !Authorization.headerMatches(request.headers["authorization"], options.token)
      ? { status: 401, _tag: "Unauthorized", message: Authorization.unauthorizedMessage }
      : undefined
    if (refusal === undefined) {
      response.writeContinue()
      server.emit("request", request, response)
      return
    }
    const body = JSON.stringify({ _tag: refusal._tag, message: refusal.message })
    response.writeHead(refusal.status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      connection: "close"
    })
    response.end(body)
  })
  return server
}

/**
 * `HttpApiBuilder.serve` with the guards around the API's app rather than in the serving
 * middleware position: a guard may hand the app a request whose body it already read, while the
 * response is still written through the original request.
 */
const guardedServe = (options: GuardOptions) =>
  HttpApiBuilder.httpApp.pipe(
    Effect.map((app) => HttpServer.serve(requestGuards(options)(app))),
    Layer.unwrapEffect,
    Layer.provide([HttpApiBuilder.Router.Live, HttpApiBuilder.Middleware.layer])
  )

/**
 * The whole application (guards, API, `/openapi.json`, web console from `webDirectory`) served
 * on the `HttpServer` in context: Node's server in {@link layer}, `NodeHttpServer.layerTest` in
 * the in-process tests.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerServe = (
  options: GuardOptions & { readonly webDirectory?: string | undefined }
): Layer.Layer<never, never, Requirements | HttpServer.HttpServer | HttpRouter.HttpRouter.DefaultServices> =>
  guardedServe(options).pipe(
    Layer.provide(HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" })),
    Layer.provide(layerWebConsole(options.webDirectory)),
    Layer.provide(layerApi)
  )

/**
 * The most keys one object, and elements one array, of a JSON body may have when
 * {@link GuardOptions} say nothing: as many as a template version may have files
 * (`--upload-max-files`), far more than any template has parameters.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxJsonItems = 10_000

/**
 * The guard options of a configuration.
 *
 * @since 0.1.0
 * @category models
 */
export const guardOptions = (config: ServerConfigShape): GuardOptions => ({
  maxBodyBytes: config.maxBodyBytes,
  maxJsonDepth: config.maxJsonDepth,
  maxJsonItems: config.maxJsonItems,
  token: config.token
})

/**
 * The server: listens on the configured host and port until its scope closes.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HttpServer.HttpServer, HttpServerError.ServeError, Requirements> = Layer.unwrapEffect(
  Effect.map(ServerConfig, (config) => {
    const options = guardOptions(config)
    return layerServe(options).pipe(
      Layer.provideMerge(
        NodeHttpServer.layer(() => createGuardedServer(options), { port: config.port, host: config.host })
      )
    )
  })
)

/**
 * The same as {@link layerApi}.
 *
 * @since 0.1.0
 * @category layers
 * @deprecated use {@link layerApi}
 */
export const apiLayer = layerApi

/**
 * The same as {@link layerWebConsole}.
 *
 * @since 0.1.0
 * @category layers
 * @deprecated use {@link layerWebConsole}
 */
export const webConsoleLayer = layerWebConsole
