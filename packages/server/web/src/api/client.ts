/**
 * The console's HTTP client for `/api/v1`. Every failure (network, status, unexpected body) is
 * returned as a value; nothing is thrown to the caller.
 *
 * @since 0.1.0
 */
import * as Decode from "./decode.js"
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

const queryString = (query: BuildsQuery): string => {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(key, String(value))
  }
  const text = params.toString()
  return text === "" ? "" : `?${text}`
}

/**
 * @since 0.1.0
 */
export interface ApiClientOptions {
  /** Prefix of the API routes; `/api/v1` by default. */
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

/**
 * @since 0.1.0
 */
export const makeApiClient = (options: ApiClientOptions): ApiClient => {
  const base = options.baseUrl ?? "/api/v1"
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))

  const call = async <A>(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    decoder: Decode.Decoder<A>,
    body?: unknown
  ): Promise<ApiResult<A>> => {
    const headers: Record<string, string> = { accept: "application/json" }
    const token = options.token()
    if (token !== undefined) headers.authorization = `Bearer ${token}`
    if (body !== undefined) headers["content-type"] = "application/json"
    let response: Response
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
    } catch (e) {
      return { ok: false, failure: { _tag: "NetworkFailure", message: errorOf(e) } }
    }
    let json: unknown = undefined
    let text = ""
    try {
      text = await response.text()
      json = text === "" ? undefined : JSON.parse(text)
    } catch (e) {
      if (response.ok) return { ok: false, failure: { _tag: "DecodeFailure", message: errorOf(e) } }
    }
    if (response.status === 401) {
      options.onUnauthorized()
      return { ok: false, failure: { _tag: "Unauthorized", message: messageOf(json) ?? "Unauthorized" } }
    }
    if (!response.ok) {
      const record = typeof json === "object" && json !== null ? json as Record<string, unknown> : {}
      return {
        ok: false,
        failure: {
          _tag: "HttpFailure",
          status: response.status,
          code: typeof record._tag === "string" ? record._tag : response.statusText,
          message: messageOf(json) ?? text.slice(0, 200)
        }
      }
    }
    const decoded = decoder(json)
    return decoded.ok
      ? { ok: true, value: decoded.value }
      : { ok: false, failure: { _tag: "DecodeFailure", message: decoded.problem } }
  }

  return {
    templates: () => call("GET", "/templates", Decode.templates),
    render: (versionId, body) =>
      call("POST", `/templateversions/${encodeURIComponent(versionId)}/render`, Decode.renderResult, body),
    presets: () => call("GET", "/presets", Decode.presets),
    reconciler: () => call("GET", "/reconciler", Decode.reconciler),
    setPaused: (paused) => call("POST", paused ? "/reconciler/pause" : "/reconciler/resume", Decode.paused),
    builds: (query) => call("GET", `/builds${queryString(query)}`, Decode.builds),
    buildLogs: (buildId) => call("GET", `/builds/${encodeURIComponent(buildId)}/logs`, Decode.buildLogs),
    resumePreset: (template, preset) =>
      call(
        "POST",
        `/presets/${encodeURIComponent(template)}/${encodeURIComponent(preset)}/resume`,
        Decode.resume
      ),
    setPolicy: (template, preset, body) =>
      call(
        "PUT",
        `/presets/${encodeURIComponent(template)}/${encodeURIComponent(preset)}/policy`,
        Decode.policy,
        body
      ),
    removePolicy: (template, preset) =>
      call(
        "DELETE",
        `/presets/${encodeURIComponent(template)}/${encodeURIComponent(preset)}/policy`,
        Decode.policyRemoved
      )
  }
}

const messageOf = (json: unknown): string | undefined => {
  if (typeof json !== "object" || json === null) return undefined
  const message = (json as Record<string, unknown>).message
  return typeof message === "string" ? message : undefined
}
