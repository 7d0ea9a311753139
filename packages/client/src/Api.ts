/**
 * warmpool's HTTP API, as an `@effect/platform` `HttpApi` (its OpenAPI document is served at
 * `/openapi.json`). Every `/api/v1` route needs `Authorization: Bearer <token>`.
 *
 * @since 0.1.0
 */
import * as HttpApi from "@effect/platform/HttpApi"
import * as HttpApiEndpoint from "@effect/platform/HttpApiEndpoint"
import * as HttpApiGroup from "@effect/platform/HttpApiGroup"
import * as HttpApiMiddleware from "@effect/platform/HttpApiMiddleware"
import * as HttpApiSchema from "@effect/platform/HttpApiSchema"
import * as HttpApiSecurity from "@effect/platform/HttpApiSecurity"
import * as OpenApi from "@effect/platform/OpenApi"
import * as Exposition from "@warmpool/metrics/Exposition"
import * as RenderOutput from "@warmpool/render/RenderOutput"
import * as SecretRequirements from "@warmpool/render/SecretRequirements"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

// ---------------------------------------------------------------------------------------------
// errors

/**
 * 401: the bearer token is missing or wrong.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", {
  message: Schema.String
}, HttpApiSchema.annotations({ status: 401 })) {}

/**
 * 400: the request is malformed (body, parameters or query).
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", {
  message: Schema.String
}, HttpApiSchema.annotations({ status: 400 })) {}

/**
 * 404: the template, version, preset, build or workspace does not exist.
 *
 * @since 0.1.0
 * @category errors
 */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  message: Schema.String
}, HttpApiSchema.annotations({ status: 404 })) {}

/**
 * The request conflicts with the resource's state (e.g. cancelling a build that has ended).
 *
 * @since 0.1.0
 * @category errors
 */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  message: Schema.String
}, HttpApiSchema.annotations({ status: 409 })) {}

/**
 * 504: the render did not finish within its deadline (the worker was stopped).
 *
 * @since 0.1.0
 * @category errors
 */
export class RenderTimeout extends Schema.TaggedError<RenderTimeout>()("RenderTimeout", {
  message: Schema.String
}, HttpApiSchema.annotations({ status: 504 })) {}

/**
 * 503: the service cannot answer now (the store is unreachable, the service is shutting down).
 *
 * @since 0.1.0
 * @category errors
 */
export class ServiceUnavailable extends Schema.TaggedError<ServiceUnavailable>()("ServiceUnavailable", {
  message: Schema.String
}, HttpApiSchema.annotations({ status: 503 })) {}

/**
 * Template version import rejected (strict mode) or invalid: per-field validation details.
 *
 * @since 0.1.0
 * @category errors
 */
export class ValidationFailed extends Schema.TaggedError<ValidationFailed>()("ValidationFailed", {
  message: Schema.String,
  detail: Schema.optional(Schema.String),
  validations: Schema.Array(Schema.Struct({ field: Schema.String, detail: Schema.String }))
}, HttpApiSchema.annotations({ status: 400 })) {}

/**
 * A demand policy that cannot be set (issue 16): its expression does not parse or reads an
 * unknown input, or its bounds are invalid. Each diagnostic has its position when it has one.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidPolicy extends Schema.TaggedError<InvalidPolicy>()("InvalidPolicy", {
  message: Schema.String,
  diagnostics: Schema.Array(Schema.Struct({
    summary: Schema.String,
    detail: Schema.String,
    line: Schema.optional(Schema.Number),
    column: Schema.optional(Schema.Number)
  }))
}, HttpApiSchema.annotations({ status: 400 })) {}

/**
 * 500: an unexpected failure; the message says what failed.
 *
 * @since 0.1.0
 * @category errors
 */
export class InternalError extends Schema.TaggedError<InternalError>()("InternalError", {
  message: Schema.String
}, HttpApiSchema.annotations({ status: 500 })) {}

// ---------------------------------------------------------------------------------------------
// security

/**
 * Bearer-token authorization of `/api/v1` routes.
 *
 * @since 0.1.0
 * @category middleware
 */
export class Authorization extends HttpApiMiddleware.Tag<Authorization>()("Authorization", {
  failure: Unauthorized,
  security: { bearer: HttpApiSecurity.bearer }
}) {}

// ---------------------------------------------------------------------------------------------
// payloads and responses

const Instant = Schema.String.annotations({ description: "An ISO 8601 instant" })

const loneSurrogate = /\p{Cs}/u

const isObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

/**
 * A JSON object of strings, decoded into a null-prototype record that keeps every key:
 * `__proto__`, `constructor` or `toString` are ordinary names (a `Schema.Record` drops
 * `__proto__`, and a plain object answers `constructor` for a name it does not hold). Names and
 * values must be well-formed Unicode (no lone surrogates), so distinct maps stay distinct once
 * encoded as UTF-8.
 *
 * @since 0.1.0
 * @category schemas
 */
export const StringMap: Schema.Schema<Readonly<Record<string, string>>> = Schema.declare<
  Readonly<Record<string, string>>,
  Readonly<Record<string, string>>,
  readonly []
>([], {
  decode: () => (input, _options, ast) => {
    if (!isObject(input)) return ParseResult.fail(new ParseResult.Type(ast, input, "Expected an object of strings"))
    const out: Record<string, string> = Object.create(null)
    for (const key of Object.keys(input)) {
      const value = input[key]
      if (typeof value !== "string") {
        return ParseResult.fail(new ParseResult.Pointer(key, input, new ParseResult.Type(Schema.String.ast, value)))
      }
      // Encoded as UTF-8 a lone surrogate becomes U+FFFD: two different maps would share a digest.
      if (loneSurrogate.test(key) || loneSurrogate.test(value)) {
        return ParseResult.fail(
          new ParseResult.Pointer(
            key,
            input,
            new ParseResult.Type(
              ast,
              value,
              `${JSON.stringify(key)}: the ${
                loneSurrogate.test(key) ? "name" : "value"
              } is not well-formed Unicode (a lone surrogate)`
            )
          )
        )
      }
      out[key] = value
    }
    return ParseResult.succeed(out)
  },
  encode: () => (input, _options, ast) =>
    isObject(input)
      ? ParseResult.succeed(input as Readonly<Record<string, string>>)
      : ParseResult.fail(new ParseResult.Type(ast, input, "Expected an object of strings"))
}, {
  identifier: "StringMap",
  description: "An object whose values are strings",
  jsonSchema: { type: "object", additionalProperties: { type: "string" } }
})

/**
 * A template version in a template listing.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TemplateVersionInfo = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  createdAt: Instant,
  active: Schema.Boolean
})

/**
 * A template with its versions (`GET /api/v1/templates`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const TemplateInfo = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  activeVersionId: Schema.NullOr(Schema.String),
  deleted: Schema.Boolean,
  deprecationMessage: Schema.String,
  versions: Schema.Array(TemplateVersionInfo)
})

/**
 * A template version with its import result, or a change that failed to become a version
 * (`id: null`, `ok: false`; the active version stayed). Issue 16.
 *
 * @since 0.1.0
 * @category models
 */
export const TemplateVersionImport = Schema.Struct({
  id: Schema.NullOr(Schema.String),
  name: Schema.NullOr(Schema.String),
  createdAt: Instant,
  active: Schema.Boolean,
  ok: Schema.Boolean,
  source: Schema.NullOr(Schema.String),
  message: Schema.String,
  diagnostics: Schema.Array(Schema.Unknown),
  presets: Schema.Array(Schema.Struct({
    name: Schema.String,
    status: Schema.String,
    desiredInstances: Schema.NullOr(Schema.Number)
  }))
})

/**
 * The answer of `GET /api/v1/templates/{name}/versions`: every version with its import result.
 *
 * @since 0.1.0
 * @category models
 */
export const TemplateVersionsResponse = Schema.Struct({
  template: Schema.String,
  activeVersionId: Schema.NullOr(Schema.String),
  versions: Schema.Array(TemplateVersionImport)
})

/**
 * The answer of `GET /api/v1/templates`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const TemplatesResponse = Schema.Struct({ templates: Schema.Array(TemplateInfo) })

const TemplateName = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  Schema.annotations({ description: "A template name: letters, digits, '.', '_', '-'; at most 64 characters" })
)

/**
 * A template version as a JSON map of file path → contents.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ImportFiles = Schema.Struct({
  files: StringMap,
  name: Schema.optional(Schema.String),
  activate: Schema.optional(Schema.Boolean),
  strict: Schema.optional(Schema.Boolean)
})

/**
 * A template version as a tar archive (`Content-Type: application/x-tar`).
 *
 * @since 0.1.0
 * @category api
 */
export const ImportTar = HttpApiSchema.Uint8Array({ contentType: "application/x-tar" })

/**
 * A preset of an imported version: its status after validation, its desired instances and its
 * diagnostics.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PresetImportResult = Schema.Struct({
  name: Schema.String,
  status: Schema.Literal("healthy", "hard_limited", "validation_failed"),
  desiredInstances: Schema.NullOr(Schema.Number),
  diagnostics: Schema.Array(RenderOutput.Diagnostic)
})

/**
 * The answer of a template version import.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ImportResponse = Schema.Struct({
  templateId: Schema.String,
  versionId: Schema.String,
  /** `false` when the files equal an existing version's (that version is returned). */
  created: Schema.Boolean,
  active: Schema.Boolean,
  presets: Schema.Array(PresetImportResult)
})

/**
 * The answer of a version activation.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ActivateResponse = Schema.Struct({ templateId: Schema.String, activeVersionId: Schema.String })

/**
 * The owner of a render or claim; missing fields are empty.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OwnerInput = Schema.Struct({
  id: Schema.optional(Schema.String),
  name: Schema.optional(Schema.String),
  full_name: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String),
  ssh_public_key: Schema.optional(Schema.String),
  groups: Schema.optional(Schema.Array(Schema.String)),
  login_type: Schema.optional(Schema.String),
  rbac_roles: Schema.optional(
    Schema.Array(Schema.Struct({ name: Schema.optional(Schema.String), org_id: Schema.optional(Schema.String) }))
  ),
  secrets: Schema.optional(
    SecretRequirements.OwnerSecrets.annotations({
      description:
        "The owner's secrets by name only (env and/or file, never values): a render then reports `satisfied` on each secret requirement, and a claim is refused when a required one is missing."
    })
  )
})

/**
 * The body of a render request: owner, values and previous values.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RenderRequest = Schema.Struct({
  owner: Schema.optional(OwnerInput),
  values: Schema.optional(StringMap),
  previousValues: Schema.optional(
    StringMap.annotations({
      description:
        "The workspace's previous values: used where `values` sets nothing; a mutable parameter's previous value that is no longer an option is dropped with a `stale_option` warning."
    })
  ),
  fullEvaluation: Schema.optional(
    Schema.Boolean.annotations({
      description: "Evaluate every block, not only what the output needs (same output; bypasses the render cache)."
    })
  )
})

/**
 * The derived state of a preset's pool (`PoolState` in `@warmpool/prebuilds`): what the console,
 * `simulate`, the logs and the metrics show. Coder's `status` stays beside it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PoolStateName = Schema.Literal(
  "filling",
  "ready",
  "backing_off",
  "hard_limited",
  "validation_failed",
  "quarantined",
  "paused",
  "template_deleted",
  "draining"
)

/**
 * Claims (or misses) of a preset over the last 5 minutes, 15 minutes, hour and day (issue 16).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DemandCounts = Schema.Struct({
  last5m: Schema.Number,
  last15m: Schema.Number,
  last1h: Schema.Number,
  last24h: Schema.Number
})

/**
 * A preset's demand policy and what it decides now: `desired` (what the pool works towards),
 * `baseline` (`instances` after schedules), `value` (the policy's number before rounding up and
 * clamping to [min, max]), `fallback` with its `error` when the policy failed and the baseline is
 * used instead.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PresetPolicyState = Schema.Struct({
  expression: Schema.String,
  min: Schema.Number,
  max: Schema.Number,
  baseline: Schema.Number,
  value: Schema.NullOr(Schema.Number),
  desired: Schema.Number,
  fallback: Schema.Boolean,
  error: Schema.NullOr(Schema.String)
})

/**
 * A preset's pool: its template and version, desired, running and eligible prebuilds, status and
 * pool state.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PresetStatus = Schema.Struct({
  template: Schema.String,
  templateId: Schema.String,
  templateVersionId: Schema.String,
  /** The name of the version the pool runs (issue 16). */
  templateVersionName: Schema.optional(Schema.String),
  presetId: Schema.String,
  preset: Schema.String,
  desired: Schema.Number,
  running: Schema.Number,
  eligible: Schema.Number,
  status: Schema.Literal("healthy", "hard_limited", "validation_failed"),
  statusReason: Schema.NullOr(Schema.String),
  backoffUntil: Schema.NullOr(Instant),
  activeVersion: Schema.Boolean,
  state: PoolStateName,
  quarantineReason: Schema.NullOr(Schema.String),
  lastError: Schema.NullOr(Schema.String),
  /** Claims (hits and misses) of the preset, by template and preset name (issue 16). */
  claims: DemandCounts,
  /** Claims that found no ready prebuild. */
  misses: DemandCounts,
  /** The preset's demand policy, `null` without one. */
  policy: Schema.NullOr(PresetPolicyState)
})

/**
 * The answer of `GET /api/v1/presets`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PresetsResponse = Schema.Struct({ presets: Schema.Array(PresetStatus) })

/**
 * The body of a claim: the template (and preset), the new owner, parameter values and an optional
 * workspace name.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ClaimRequest = Schema.Struct({
  template: Schema.String,
  preset: Schema.optional(Schema.String),
  owner: OwnerInput,
  values: Schema.optional(StringMap),
  name: Schema.optional(Schema.String)
})

/**
 * The workspace a claim handed over (a prebuild, or a new build when none was eligible).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ClaimedWorkspace = Schema.Struct({
  workspaceId: Schema.String,
  name: Schema.String,
  template: Schema.String,
  preset: Schema.String,
  templateVersionId: Schema.String,
  ownerId: Schema.String,
  buildId: Schema.String,
  buildNumber: Schema.Number
})

/**
 * The report of one reconciliation cycle: when, how long, whether it held the lock, and what it
 * did.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CycleReport = Schema.Struct({
  cycle: Schema.Number,
  startedAt: Instant,
  durationMs: Schema.Number,
  lockAcquired: Schema.Boolean,
  paused: Schema.Boolean,
  presetsTotal: Schema.Number,
  presetsReconciled: Schema.Number,
  creates: Schema.Number,
  deletes: Schema.Number,
  cancels: Schema.Number,
  renders: Schema.Number,
  parses: Schema.Number,
  cacheHits: Schema.Number,
  cacheMisses: Schema.Number,
  errors: Schema.Number,
  /** Creates due but deferred because the provisioner queue was full (`--max-pending-jobs`, issue 16). */
  deferredCreates: Schema.optional(Schema.Number)
})

/**
 * The reconciler's state: paused or not, its interval and its recent cycles.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ReconcilerResponse = Schema.Struct({
  paused: Schema.Boolean,
  intervalMs: Schema.Number,
  cycles: Schema.Array(CycleReport)
})

/**
 * The answer of pausing or resuming the reconciler.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PausedResponse = Schema.Struct({ paused: Schema.Boolean })

/**
 * A cancelled build: `canceled` (its job had not been picked up) or `canceling` (its worker
 * stops it; the reaper ends it if the worker is gone).
 *
 * @since 0.1.0
 * @category schemas
 */
export const CancelBuildResponse = Schema.Struct({
  buildId: Schema.String,
  jobId: Schema.String,
  status: Schema.Literal("canceled", "canceling")
})

/**
 * A provisioner job's status as the API shows it.
 *
 * @since 0.1.0
 * @category schemas
 */
export const JobStatus = Schema.Literal("pending", "running", "succeeded", "failed", "canceled", "canceling")

/**
 * A workspace's state from its latest build.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkspaceState = Schema.Literal(
  "starting",
  "running",
  "stopping",
  "stopped",
  "deleting",
  "deleted",
  "failed",
  "canceled"
)

/**
 * A workspace build: its workspace, owner, template version, transition, job status and times.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BuildInfo = Schema.Struct({
  id: Schema.String,
  workspaceId: Schema.String,
  workspaceName: Schema.String,
  ownerId: Schema.String,
  templateId: Schema.String,
  template: Schema.String,
  templateVersionId: Schema.String,
  templateVersion: Schema.String,
  presetId: Schema.NullOr(Schema.String),
  preset: Schema.NullOr(Schema.String),
  buildNumber: Schema.Number,
  transition: Schema.Literal("start", "stop", "delete"),
  initiatorId: Schema.String,
  status: JobStatus,
  createdAt: Instant,
  startedAt: Schema.NullOr(Instant),
  completedAt: Schema.NullOr(Instant),
  error: Schema.NullOr(Schema.String).annotations({ description: "The job's error (a failed command's stderr tail)" }),
  hasLogs: Schema.Boolean
})

/**
 * A page of builds (`GET /api/v1/builds`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const BuildsResponse = Schema.Struct({
  builds: Schema.Array(BuildInfo),
  /** The `offset` of the next page, `null` on the last page. */
  nextOffset: Schema.NullOr(Schema.Number)
})

/**
 * The output a build's provisioner command wrote (stdout and stderr, possibly truncated).
 *
 * @since 0.1.0
 * @category schemas
 */
export const BuildLogsResponse = Schema.Struct({
  buildId: Schema.String,
  stdout: Schema.String,
  stderr: Schema.String,
  truncated: Schema.Boolean,
  stored: Schema.Boolean
})

const PageNumber = Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())

/**
 * Query of `GET /api/v1/builds`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const BuildsQuery = Schema.Struct({
  status: Schema.optional(JobStatus),
  template: Schema.optional(Schema.String),
  preset: Schema.optional(Schema.String),
  workspace: Schema.optional(Schema.String),
  limit: Schema.optional(PageNumber.pipe(Schema.between(1, 500))),
  offset: Schema.optional(PageNumber)
})

/**
 * A workspace: owner, whether it is a prebuild, its template, preset and latest build.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkspaceInfo = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  ownerId: Schema.String,
  prebuild: Schema.Boolean,
  templateId: Schema.String,
  template: Schema.String,
  templateVersionId: Schema.String,
  presetId: Schema.NullOr(Schema.String),
  preset: Schema.NullOr(Schema.String),
  createdAt: Instant,
  state: WorkspaceState,
  ready: Schema.Boolean,
  latestBuildId: Schema.String,
  latestBuildNumber: Schema.Number,
  error: Schema.NullOr(Schema.String)
})

/**
 * The answer of `GET /api/v1/workspaces`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkspacesResponse = Schema.Struct({ workspaces: Schema.Array(WorkspaceInfo) })

/**
 * Query of `GET /api/v1/workspaces`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const WorkspacesQuery = Schema.Struct({
  template: Schema.optional(Schema.String),
  preset: Schema.optional(Schema.String),
  state: Schema.optional(WorkspaceState)
})

/**
 * The answer of resuming a hard-limited or quarantined preset: its previous and new status.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResumePresetResponse = Schema.Struct({
  template: Schema.String,
  preset: Schema.String,
  presetId: Schema.String,
  templateVersionId: Schema.String,
  previousStatus: Schema.Literal("healthy", "hard_limited", "validation_failed"),
  status: Schema.Literal("healthy", "hard_limited", "validation_failed"),
  clearedQuarantine: Schema.NullOr(Schema.String)
})

// ---------------------------------------------------------------------------------------------
// groups

/**
 * Open endpoints: liveness, readiness, Prometheus metrics.
 *
 * @since 0.1.0
 * @category api
 */
export class HealthGroup extends HttpApiGroup.make("health")
  .add(
    HttpApiEndpoint.get("healthz", "/healthz").addSuccess(Schema.Struct({ status: Schema.Literal("ok") }))
  )
  .add(
    HttpApiEndpoint.get("readyz", "/readyz")
      .addSuccess(Schema.Struct({ status: Schema.Literal("ready"), store: Schema.String, migrations: Schema.Boolean }))
      .addError(ServiceUnavailable)
  )
  .add(
    HttpApiEndpoint.get("metrics", "/metrics").addSuccess(
      HttpApiSchema.Text({ contentType: Exposition.contentType })
    )
  )
  .annotate(OpenApi.Description, "Liveness, readiness and the Prometheus exposition (no token needed).")
{}

/**
 * Templates and their versions.
 *
 * @since 0.1.0
 * @category api
 */
export class TemplatesGroup extends HttpApiGroup.make("templates")
  .add(HttpApiEndpoint.get("list", "/api/v1/templates").addSuccess(TemplatesResponse))
  .add(
    HttpApiEndpoint.post("importVersion", "/api/v1/templates/:name/versions")
      .setPath(Schema.Struct({ name: TemplateName }))
      .setPayload(Schema.Union(ImportFiles, ImportTar))
      .addSuccess(ImportResponse, { status: 201 })
      .addError(BadRequest)
      .addError(ValidationFailed)
  )
  .add(
    HttpApiEndpoint.get("versions", "/api/v1/templates/:name/versions")
      .setPath(Schema.Struct({ name: TemplateName }))
      .addSuccess(TemplateVersionsResponse)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("activateVersion", "/api/v1/templates/:name/versions/:id/activate")
      .setPath(Schema.Struct({ name: TemplateName, id: Schema.String }))
      .addSuccess(ActivateResponse)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.post("render", "/api/v1/templateversions/:id/render")
      .setPath(Schema.Struct({ id: Schema.String }))
      .setPayload(RenderRequest)
      .addSuccess(RenderOutput.RenderOutput)
      .addError(NotFound)
      .addError(RenderTimeout)
      .annotate(
        OpenApi.Description,
        "Render a version's dynamic parameters through the caches. The answer carries an `ETag`; a request whose `If-None-Match` names it is answered 304 without a body."
      )
  )
  .middleware(Authorization)
  .annotate(OpenApi.Description, "Import template versions, activate them, preview their dynamic parameters.")
{}

/**
 * Prebuild pools and claims.
 *
 * @since 0.1.0
 * @category api
 */
export class PrebuildsGroup extends HttpApiGroup.make("prebuilds")
  .add(HttpApiEndpoint.get("presets", "/api/v1/presets").addSuccess(PresetsResponse))
  .add(
    HttpApiEndpoint.post("resume", "/api/v1/presets/:template/:preset/resume")
      .setPath(Schema.Struct({ template: Schema.String, preset: Schema.String }))
      .addSuccess(ResumePresetResponse)
      .addError(NotFound)
      .addError(BadRequest)
  )
  .add(
    HttpApiEndpoint.post("claim", "/api/v1/prebuilds/claim")
      .setPayload(ClaimRequest)
      .addSuccess(ClaimedWorkspace)
      .addError(NotFound)
      .addError(BadRequest)
      .addError(ValidationFailed)
  )
  .middleware(Authorization)
  .annotate(
    OpenApi.Description,
    "Pool status per preset, resuming a hard-limited or quarantined preset, and claiming a ready prebuilt workspace."
  )
{}

/**
 * A demand policy as set (`PUT /api/v1/presets/{template}/{preset}/policy`): an HCL expression
 * over `baseline`, `claims_5m` .. `claims_24h`, `misses_5m` .. `misses_24h`, `hour` and
 * `weekday`, with bounds (default 0 and 100).
 *
 * @since 0.1.0
 * @category schemas
 */
export const PolicyBody = Schema.Struct({
  expression: Schema.String,
  min: Schema.optional(Schema.Number),
  max: Schema.optional(Schema.Number)
})

/**
 * A stored demand policy.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PolicyInfo = Schema.Struct({
  template: Schema.String,
  preset: Schema.String,
  expression: Schema.String,
  min: Schema.Number,
  max: Schema.Number,
  updatedAt: Instant
})

/**
 * `GET /api/v1/policies`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PoliciesResponse = Schema.Struct({ policies: Schema.Array(PolicyInfo) })

/**
 * The `DELETE /api/v1/presets/{template}/{preset}/policy` response.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PolicyRemoved = Schema.Struct({ template: Schema.String, preset: Schema.String, removed: Schema.Boolean })

/**
 * Demand policies per preset (issue 16).
 *
 * @since 0.1.0
 * @category groups
 */
export class PoliciesGroup extends HttpApiGroup.make("policies")
  .add(HttpApiEndpoint.get("list", "/api/v1/policies").addSuccess(PoliciesResponse))
  .add(
    HttpApiEndpoint.put("set", "/api/v1/presets/:template/:preset/policy")
      .setPath(Schema.Struct({ template: Schema.String, preset: Schema.String }))
      .setPayload(PolicyBody)
      .addSuccess(PolicyInfo)
      .addError(InvalidPolicy)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.del("remove", "/api/v1/presets/:template/:preset/policy")
      .setPath(Schema.Struct({ template: Schema.String, preset: Schema.String }))
      .addSuccess(PolicyRemoved)
      .addError(NotFound)
  )
  .middleware(Authorization)
  .annotate(
    OpenApi.Description,
    "Demand policies: a preset's pool size as an HCL expression over its recent claims and misses."
  )
{}

/**
 * Workspaces and builds, with each build's error and provisioner output.
 *
 * @since 0.1.0
 * @category api
 */
export class BuildsGroup extends HttpApiGroup.make("builds")
  .add(
    HttpApiEndpoint.get("workspaces", "/api/v1/workspaces")
      .setUrlParams(WorkspacesQuery)
      .addSuccess(WorkspacesResponse)
  )
  .add(
    HttpApiEndpoint.get("list", "/api/v1/builds")
      .setUrlParams(BuildsQuery)
      .addSuccess(BuildsResponse)
  )
  .add(
    HttpApiEndpoint.get("get", "/api/v1/builds/:id")
      .setPath(Schema.Struct({ id: Schema.String }))
      .addSuccess(BuildInfo)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("logs", "/api/v1/builds/:id/logs")
      .setPath(Schema.Struct({ id: Schema.String }))
      .addSuccess(BuildLogsResponse)
      .addError(NotFound)
  )
  .middleware(Authorization)
  .annotate(OpenApi.Description, "Workspaces and builds: why a build failed, and what the provisioner printed.")
{}

/**
 * The reconciler: recent cycles, pause and resume.
 *
 * @since 0.1.0
 * @category api
 */
export class ReconcilerGroup extends HttpApiGroup.make("reconciler")
  .add(HttpApiEndpoint.get("status", "/api/v1/reconciler").addSuccess(ReconcilerResponse))
  .add(HttpApiEndpoint.post("pause", "/api/v1/reconciler/pause").addSuccess(PausedResponse))
  .add(HttpApiEndpoint.post("resume", "/api/v1/reconciler/resume").addSuccess(PausedResponse))
  .middleware(Authorization)
  .annotate(OpenApi.Description, "The prebuild reconciler.")
{}

/**
 * Build control: cancelling a build's provisioner job.
 *
 * @since 0.1.0
 * @category api
 */
export class BuildControlGroup extends HttpApiGroup.make("buildControl")
  .add(
    HttpApiEndpoint.post("cancel", "/api/v1/builds/:id/cancel")
      .setPath(Schema.Struct({ id: Schema.String }))
      .addSuccess(CancelBuildResponse)
      .addError(NotFound)
      .addError(Conflict)
  )
  .middleware(Authorization)
  .annotate(OpenApi.Description, "Cancel a build: a pending job ends at once, a running one is stopped by its worker.")
{}

/**
 * The warmpool HTTP API (`HttpApi`): health, templates, prebuilds and claims, builds, the
 * reconciler and workspaces. The OpenAPI document is derived from it.
 *
 * @since 0.1.0
 * @category api
 */
export class WarmpoolApi extends HttpApi.make("warmpool")
  .add(HealthGroup)
  .add(TemplatesGroup)
  .add(PrebuildsGroup)
  .add(BuildsGroup)
  .add(ReconcilerGroup)
  .add(BuildControlGroup)
  .add(PoliciesGroup)
  .addError(InternalError)
  .addError(ServiceUnavailable)
  .annotate(OpenApi.Title, "warmpool")
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(
    OpenApi.Description,
    "Prebuilt-workspace pools and dynamic-parameter rendering for Coder-style Terraform templates."
  )
{}
