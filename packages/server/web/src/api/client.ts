/**
 * The console's HTTP client for `/api/v1`: the typed `WarmpoolClient` of `@warmpool/client`
 * (derived from the API's `HttpApi`, so requests are encoded and answers decoded by the server's
 * own schemas) over the browser's `fetch`, behind promises. Every failure (network, status,
 * unexpected body) is returned as a value; nothing is thrown to the caller.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpClientError from "@effect/platform/HttpClientError"
import { JobStatus } from "@warmpool/client/Api"
import * as WarmpoolClient from "@warmpool/client/WarmpoolClient"
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import type {
  BuildLogs,
  BuildsResponse,
  PausedResponse,
  PolicyBody,
  PolicyInfo,
  PolicyRemoved,
  PresetsResponse,
  ReconcilerState,
  RenderRequestBody,
  RenderResult,
  ResumeResponse,
  TemplatesResponse
} from "./types.js"

/**
 * @since 0.1.0
 */
export type ApiFailure =
  | { readonly _tag: "Unauthorized"; readonly message: string }
  | { readonly _tag: "HttpFailure"; readonly status: number; readonly code: string; readonly message: string }
  | { readonly _tag: "NetworkFailure"; readonly message: string }
  | { readonly _tag: "DecodeFailure"; readonly message: string }

/**
 * @since 0.1.0
 */
export type ApiResult<A> = { readonly ok: true; readonly value: A } | {
  readonly ok: false
  readonly failure: ApiFailure
}

/**
 * @since 0.1.0
 */
export interface ApiClient {
  readonly templates: () => Promise<ApiResult<TemplatesResponse>>
  readonly render: (versionId: string, body: RenderRequestBody) => Promise<ApiResult<RenderResult>>
  readonly presets: () => Promise<ApiResult<PresetsResponse>>
  readonly reconciler: () => Promise<ApiResult<ReconcilerState>>
  readonly setPaused: (paused: boolean) => Promise<ApiResult<PausedResponse>>
  /** Builds, newest first (filters as `GET /api/v1/builds` takes them). */
  readonly builds: (query: BuildsQuery) => Promise<ApiResult<BuildsResponse>>
  readonly buildLogs: (buildId: string) => Promise<ApiResult<BuildLogs>>
  /** Lifts a preset's hard limit, backoff and quarantine. */
  readonly resumePreset: (template: string, preset: string) => Promise<ApiResult<ResumeResponse>>
  /** Sets a preset's demand policy (a bad expression: `HttpFailure` 400 with the diagnostic). */
  readonly setPolicy: (template: string, preset: string, body: PolicyBody) => Promise<ApiResult<PolicyInfo>>
  /** Removes a preset's demand policy. */
  readonly removePolicy: (template: string, preset: string) => Promise<ApiResult<PolicyRemoved>>
}

/**
 * @since 0.1.0
 */
export interface BuildsQuery {
  readonly template?: string | undefined
  readonly preset?: string | undefined
  readonly status?: string | undefined
  readonly limit?: number | undefined
}

/**
 * @since 0.1.0
 */
export interface ApiClientOptions {
  /** The server's origin (default: the page's). */
  readonly baseUrl?: string
  readonly token: () => string | undefined
  /** Called on every 401, after which the caller should ask for a token again. */
  readonly onUnauthorized: () => void
  readonly fetch?: typeof fetch
}

const errorOf = (e: unknown): string => e instanceof Error ? e.message : String(e)

/**
 * A readable sentence for a failure.
 *
 * @since 0.1.0
 */
export const describeFailure = (failure: ApiFailure): string => {
  switch (failure._tag) {
    case "Unauthorized":
      return "The API token was not accepted."
    case "HttpFailure":
      return `${failure.message === "" ? failure.code : failure.message} (HTTP ${failure.status})`
    case "NetworkFailure":
      return `The server could not be reached: ${failure.message}`
    case "DecodeFailure":
      return `The server sent an unexpected response: ${failure.message}`
  }
}

const isJobStatus = Schema.is(JobStatus)

const recordOf = (json: unknown): Record<string, unknown> =>
  typeof json === "object" && json !== null ? json as Record<string, unknown> : {}

/** A decode problem as one short line: where, and what was expected. */
const parseProblem = (error: ParseResult.ParseError): string => {
  const [first] = ParseResult.ArrayFormatter.formatErrorSync(error)
  return first === undefined ? error.message : `${first.path.join(".") || "response"}: ${first.message}`
}

/** An answer the API does not declare (e.g. 413): its status, with the body's `_tag` and `message` when it has them. */
const statusFailure = (response: { readonly status: number; readonly text: Effect.Effect<string, unknown> }) =>
  Effect.map(Effect.orElseSucceed(response.text, () => ""), (text): ApiFailure => {
    let json: unknown = undefined
    try {
      json = JSON.parse(text)
    } catch {
      // not JSON: the text is the message
    }
    const record = recordOf(json)
    return {
      _tag: "HttpFailure",
      status: response.status,
      code: typeof record._tag === "string" ? record._tag : `HTTP ${response.status}`,
      message: typeof record.message === "string" ? record.message : text.slice(0, 200)
    }
  })

/** What went wrong, from any failure of the typed client. */
const failureOf = (error: unknown): Effect.Effect<ApiFailure> => {
  if (ParseResult.isParseError(error)) return Effect.succeed({ _tag: "DecodeFailure", message: parseProblem(error) })
  if (HttpClientError.isHttpClientError(error)) {
    if (error._tag === "RequestError") {
      return Effect.succeed({ _tag: "NetworkFailure", message: errorOf(error.cause ?? error) })
    }
    // An error status the API does not declare (e.g. 413) is a `ResponseError` too.
    return error._tag === "ResponseError" && (error.reason === "StatusCode" || error.response.status >= 300)
      ? statusFailure(error.response)
      : Effect.succeed({ _tag: "DecodeFailure", message: errorOf(error.cause ?? error) })
  }
  const record = recordOf(error)
  const message = typeof record.message === "string" ? record.message : ""
  if (record._tag === "Unauthorized") return Effect.succeed({ _tag: "Unauthorized", message })
  // One of the API's typed errors: its class carries its status.
  const schema: unknown = typeof error === "object" && error !== null ? error.constructor : undefined
  const status = Schema.isSchema(schema) ? HttpApiSchema.getStatusError(schema) : 500
  return Effect.succeed({
    _tag: "HttpFailure",
    status,
    code: typeof record._tag === "string" ? record._tag : "Error",
    message
  })
}

/**
 * @since 0.1.0
 */
export const makeApiClient = (options: ApiClientOptions): ApiClient => {
  const client = Effect.runSync(
    WarmpoolClient.make({ baseUrl: options.baseUrl, token: options.token }).pipe(Effect.provide(FetchHttpClient.layer))
  )
  const withFetch = options.fetch === undefined
    ? <A, E>(effect: Effect.Effect<A, E>) => effect
    : <A, E>(effect: Effect.Effect<A, E>) => Effect.provideService(effect, FetchHttpClient.Fetch, options.fetch!)

  const call = <A, E>(effect: Effect.Effect<A, E>): Promise<ApiResult<A>> =>
    Effect.runPromise(
      withFetch(effect).pipe(
        Effect.map((value): ApiResult<A> => ({ ok: true, value })),
        Effect.catchAll((error) =>
          Effect.map(failureOf(error), (failure): ApiResult<A> => {
            if (failure._tag === "Unauthorized") options.onUnauthorized()
            return { ok: false, failure }
          })
        ),
        Effect.catchAllDefect((defect) =>
          Effect.succeed<ApiResult<A>>({ ok: false, failure: { _tag: "NetworkFailure", message: errorOf(defect) } })
        )
      )
    )

  const present = (value: string | undefined) => value === undefined || value === "" ? undefined : value

  return {
    templates: () => call(client.templates.list()),
    render: (versionId, body) => call(client.templates.render({ path: { id: versionId }, payload: body })),
    presets: () => call(client.prebuilds.presets()),
    reconciler: () => call(client.reconciler.status()),
    setPaused: (paused) => call(paused ? client.reconciler.pause() : client.reconciler.resume()),
    builds: (query) => {
      const status = present(query.status)
      if (status !== undefined && !isJobStatus(status)) {
        return Promise.resolve({
          ok: false,
          failure: {
            _tag: "HttpFailure",
            status: 400,
            code: "BadRequest",
            message: `"${status}" is not a build status`
          }
        })
      }
      const template = present(query.template)
      const preset = present(query.preset)
      return call(client.builds.list({
        urlParams: {
          ...(template === undefined ? {} : { template }),
          ...(preset === undefined ? {} : { preset }),
          ...(status === undefined ? {} : { status }),
          ...(query.limit === undefined ? {} : { limit: query.limit })
        }
      }))
    },
    buildLogs: (buildId) => call(client.builds.logs({ path: { id: buildId } })),
    resumePreset: (template, preset) => call(client.prebuilds.resume({ path: { template, preset } })),
    setPolicy: (template, preset, body) => call(client.policies.set({ path: { template, preset }, payload: body })),
    removePolicy: (template, preset) => call(client.policies.remove({ path: { template, preset } }))
  }
}
