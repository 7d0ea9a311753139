/**
 * Light structural checks of API responses: enough that the views can trust the fields they
 * read, without shipping a schema library to the browser.
 *
 * @since 0.1.0
 */
import type {
  BuildLogs,
  BuildsResponse,
  PausedResponse,
  PolicyInfo,
  PolicyRemoved,
  PresetsResponse,
  ReconcilerState,
  RenderResult,
  ResumeResponse,
  TemplatesResponse
} from "./types.js"

/**
 * A check: the value on success, a short description of what is wrong otherwise.
 *
 * @since 0.1.0
 */
export type Decoder<A> = (json: unknown) => { readonly ok: true; readonly value: A } | {
  readonly ok: false
  readonly problem: string
}

type Json = Record<string, unknown>

const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value)

const check = (
  value: unknown,
  where: string,
  fields: Readonly<Record<string, "string" | "number" | "boolean" | "array" | "object" | "string|null">>
): string | undefined => {
  if (!isRecord(value)) return `${where} is not an object`
  for (const [field, kind] of Object.entries(fields)) {
    const v = value[field]
    const ok = kind === "array"
      ? Array.isArray(v)
      : kind === "object"
      ? isRecord(v)
      : kind === "string|null"
      ? v === null || typeof v === "string"
      : typeof v === kind
    if (!ok) return `${where}.${field} is not ${kind === "string|null" ? "a string or null" : `a ${kind}`}`
  }
  return undefined
}

const checkEach = (
  items: ReadonlyArray<unknown>,
  where: string,
  fields: Parameters<typeof check>[2]
): string | undefined => {
  for (let i = 0; i < items.length; i++) {
    const problem = check(items[i], `${where}[${i}]`, fields)
    if (problem !== undefined) return problem
  }
  return undefined
}

const decoder = <A>(validate: (json: unknown) => string | undefined): Decoder<A> => (json) => {
  const problem = validate(json)
  return problem === undefined ? { ok: true, value: json as A } : { ok: false, problem }
}

/**
 * @since 0.1.0
 */
export const templates: Decoder<TemplatesResponse> = decoder((json) =>
  check(json, "response", { templates: "array" }) ??
    checkEach((json as Json).templates as Array<unknown>, "templates", {
      id: "string",
      name: "string",
      activeVersionId: "string|null",
      deleted: "boolean",
      versions: "array"
    }) ??
    ((json as { templates: Array<Json> }).templates
      .map((t, i) =>
        checkEach(t.versions as Array<unknown>, `templates[${i}].versions`, {
          id: "string",
          name: "string",
          active: "boolean"
        })
      )
      .find((problem) => problem !== undefined))
)

/**
 * @since 0.1.0
 */
export const renderResult: Decoder<RenderResult> = decoder((json) =>
  check(json, "render", { parameters: "array", presets: "array", diagnostics: "array" }) ??
    checkEach((json as Json).parameters as Array<unknown>, "parameters", {
      name: "string",
      form_type: "string",
      type: "string",
      value: "object",
      options: "array",
      validations: "array",
      diagnostics: "array",
      styling: "object"
    }) ??
    checkEach((json as Json).presets as Array<unknown>, "presets", {
      name: "string",
      parameters: "object",
      default: "boolean"
    })
)

/**
 * @since 0.1.0
 */
export const presets: Decoder<PresetsResponse> = decoder((json) =>
  check(json, "response", { presets: "array" }) ??
    checkEach((json as Json).presets as Array<unknown>, "presets", {
      template: "string",
      templateId: "string",
      presetId: "string",
      preset: "string",
      desired: "number",
      running: "number",
      eligible: "number",
      status: "string",
      statusReason: "string|null",
      backoffUntil: "string|null",
      activeVersion: "boolean",
      state: "string",
      quarantineReason: "string|null",
      lastError: "string|null"
    })
)

/**
 * @since 0.1.0
 */
export const builds: Decoder<BuildsResponse> = decoder((json) =>
  check(json, "response", { builds: "array" }) ??
    checkEach((json as Json).builds as Array<unknown>, "builds", {
      id: "string",
      workspaceName: "string",
      template: "string",
      preset: "string|null",
      buildNumber: "number",
      transition: "string",
      status: "string",
      createdAt: "string",
      error: "string|null",
      hasLogs: "boolean"
    })
)

/**
 * @since 0.1.0
 */
export const buildLogs: Decoder<BuildLogs> = decoder((json) =>
  check(json, "logs", {
    buildId: "string",
    stdout: "string",
    stderr: "string",
    truncated: "boolean",
    stored: "boolean"
  })
)

/**
 * @since 0.1.0
 */
export const resume: Decoder<ResumeResponse> = decoder((json) =>
  check(json, "response", { template: "string", preset: "string", previousStatus: "string", status: "string" })
)

/**
 * @since 0.1.0
 */
export const reconciler: Decoder<ReconcilerState> = decoder((json) =>
  check(json, "reconciler", { paused: "boolean", intervalMs: "number", cycles: "array" }) ??
    checkEach((json as Json).cycles as Array<unknown>, "cycles", {
      cycle: "number",
      startedAt: "string",
      durationMs: "number",
      lockAcquired: "boolean",
      cacheHits: "number",
      cacheMisses: "number"
    })
)

/**
 * @since 0.1.0
 */
export const paused: Decoder<PausedResponse> = decoder((json) => check(json, "response", { paused: "boolean" }))

/**
 * @since 0.1.0
 */
export const policy: Decoder<PolicyInfo> = decoder((json) =>
  check(json, "policy", { template: "string", preset: "string", expression: "string", min: "number", max: "number" })
)

/**
 * @since 0.1.0
 */
export const policyRemoved: Decoder<PolicyRemoved> = decoder((json) =>
  check(json, "response", { template: "string", preset: "string", removed: "boolean" })
)
