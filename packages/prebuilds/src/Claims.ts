/**
 * Claiming prebuilt workspaces (`docs/prebuilds.md` §7): a user asking for a workspace of a template
 * gets a ready prebuild of the requested (or matching) preset when there is one, with a claim
 * build that re-applies the template under the new owner and name.
 *
 * `claim` answers `None` when no prebuild is claimable (the caller then creates an ordinary
 * workspace). The claim build's parameters come from `resolveParameters`: the preset's values
 * override the user's for the parameters the preset defines, the prebuild's persisted values are
 * the previous build's (so immutable parameters cannot change at the claim).
 *
 * Resource replacements are detected statically (see `internal/claimReplacements.ts`): a claim
 * whose template has resources depending on the owner or the workspace name counts once in
 * `coderd_prebuilt_workspaces_resource_replacements_total`, is logged with the list for template
 * admins, and returns the list (`replacedResources`).
 *
 * Every claim of a prebuild preset (one with `instances`) is recorded in the claim log
 * (`ClaimLog`, issue 16) as a `hit` or a `miss` (no ready prebuild), with its instant, template,
 * preset and version, and counted in `warmpool_prebuild_claims_total{template,preset,outcome}`.
 * Recording never fails a claim: a store error there is logged.
 *
 * @since 0.1.0
 */
import { Metrics, Spans } from "@warmpool/metrics"
import {
  type RenderError,
  type RenderOutput,
  SecretRequirements,
  TemplateCache,
  type TemplateSource
} from "@warmpool/render"
import type { Owner } from "@warmpool/terraform"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as ClaimLog from "./ClaimLog.js"
import type {
  OrganizationId,
  PresetId,
  ProvisionerJobId,
  TemplateId,
  TemplateVersionId,
  UserId,
  Workspace,
  WorkspaceBuildId,
  WorkspaceId
} from "./Domain.js"
import { SystemUserId } from "./Domain.js"
import { matchingPreset } from "./internal/claimPreset.js"
import { claimReplacements } from "./internal/claimReplacements.js"
import { JobNotifications } from "./JobNotifications.js"
import type { ParameterValidationError } from "./ParameterValidationError.js"
import type { StoreError, StoreShape } from "./Store.js"
import { Store } from "./Store.js"
import type { RenderCrashed, RenderLimitExceeded } from "./WorkspaceBuilder.js"
import { WorkspaceBuilder } from "./WorkspaceBuilder.js"

/**
 * A claim request.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClaimRequest {
  /** The template's name (or id). */
  readonly template: string
  /** The preset's name; without one, the matching preset of the values (§7.1). */
  readonly preset?: string | undefined
  /** The user claiming: `id` is required; the other fields are what the template can read. */
  readonly owner: Owner.WorkspaceOwner
  /** The user's parameter values. */
  readonly values?: Readonly<Record<string, string>> | undefined
  /**
   * The user's secrets, by name only (never values). A claim whose template version requires a
   * secret (`data "coder_secret"`) the user lacks fails with `MissingSecrets`; absent means none.
   */
  readonly secrets?: ReadonlyArray<SecretRequirements.OwnerSecret> | undefined
  /** The workspace's new name (default: the template's name and a random suffix). */
  readonly workspaceName?: string | undefined
  /** Only templates of this organization (default: any). */
  readonly organizationId?: OrganizationId | null | undefined
}

/**
 * A claimed workspace.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClaimedWorkspace {
  /** The workspace as it is now (owned by the user). */
  readonly workspace: Workspace
  readonly templateId: TemplateId
  readonly templateVersionId: TemplateVersionId
  readonly presetId: PresetId
  readonly presetName: string
  /** The claim build (`start`, initiated by the user). */
  readonly buildId: WorkspaceBuildId
  readonly buildNumber: number
  readonly jobId: ProvisionerJobId
  /** The claim build's parameter values. */
  readonly parameters: Readonly<Record<string, string>>
  /** Resources the claim build replaces (empty when none is detected). */
  readonly replacedResources: ReadonlyArray<string>
}

/**
 * A claim that cannot even look for a prebuild: an unknown template or preset, a template
 * without an active version, an owner without an id, or the 10 s timeout.
 *
 * @since 0.1.0
 * @category errors
 */
export class ClaimError extends Data.TaggedError("ClaimError")<{
  readonly reason: "TemplateNotFound" | "PresetNotFound" | "NoActiveVersion" | "InvalidOwner" | "Timeout"
  readonly message: string
}> {}

/**
 * The claiming user lacks secrets the template version requires (its `coder_secret` blocks, for
 * this owner and these values). Nothing was claimed: the prebuild stays in the pool.
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingSecrets extends Data.TaggedError("MissingSecrets")<{
  readonly templateVersionId: string
  /** The requirements not satisfied, in the render's order. */
  readonly missing: ReadonlyArray<RenderOutput.SecretRequirement>
  readonly message: string
}> {}

/**
 * A `MissingSecrets` with its message (`the claiming user lacks 1 required secret(s): env X (help)`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const missingSecrets = (
  templateVersionId: string,
  missing: ReadonlyArray<RenderOutput.SecretRequirement>
): MissingSecrets =>
  new MissingSecrets({
    templateVersionId,
    missing,
    message: `the claiming user lacks ${missing.length} required secret(s): ${
      missing.map((r) => `${SecretRequirements.describe(r)} (${r.help_message})`).join("; ")
    }`
  })

/**
 * Every failure of a claim. `ParameterValidationError` means the user's values do not validate
 * (HTTP 400); `MissingSecrets` that the user lacks required secrets.
 *
 * @since 0.1.0
 * @category models
 */
export type ClaimFailure =
  | ClaimError
  | MissingSecrets
  | ParameterValidationError
  | RenderCrashed
  | RenderError.RenderFailure
  | RenderLimitExceeded
  | TemplateSource.TemplateSourceError
  | StoreError

/**
 * The operations of the `Claims` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClaimsShape {
  readonly claim: (request: ClaimRequest) => Effect.Effect<Option.Option<ClaimedWorkspace>, ClaimFailure>
}

/**
 * The `Claims` service tag; its operations are {@link ClaimsShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class Claims extends Context.Tag("@warmpool/prebuilds/Claims")<Claims, ClaimsShape>() {}

/**
 * Options of the claims service.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClaimsOptions {
  /** Default 10 s (§2). */
  readonly timeout?: Duration.DurationInput | undefined
}

const suffixAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

const defaultName = (templateName: string): Effect.Effect<string> =>
  Effect.gen(function*() {
    let suffix = ""
    for (let i = 0; i < 6; i++) suffix += suffixAlphabet[yield* Random.nextIntBetween(0, suffixAlphabet.length)]
    const base = templateName.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "workspace"
    return `${base.slice(0, 24)}-${suffix}`
  })

/**
 * The persisted values of the prebuild the claim will most likely take: the oldest live prebuild
 * of the template whose latest build is a succeeded `start` of the preset on the active version
 * (the store's claim picks the oldest candidate too). `None` when there is no such prebuild.
 */
const candidateValues = (
  store: StoreShape,
  templateId: TemplateId,
  versionId: TemplateVersionId,
  presetId: PresetId
): Effect.Effect<
  Option.Option<{ readonly workspaceId: WorkspaceId; readonly values: Record<string, string> }>,
  StoreError
> =>
  Effect.gen(function*() {
    const prebuilds = yield* store.workspaces({ templateId, ownerId: SystemUserId })
    for (const workspace of prebuilds) {
      const latest = yield* store.latestBuild(workspace.id)
      if (Option.isNone(latest)) continue
      const { build, job } = latest.value
      if (
        build.transition !== "start" || job.status !== "succeeded" || build.templateVersionId !== versionId ||
        build.presetId !== presetId
      ) continue
      return Option.some({ workspaceId: workspace.id, values: yield* store.buildParameters(build.id) })
    }
    return Option.none()
  })

/**
 * The claims service.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: ClaimsOptions = {}
): Effect.Effect<
  ClaimsShape,
  never,
  Store | WorkspaceBuilder | TemplateCache.TemplateCache | Metrics.Metrics | JobNotifications
> =>
  Effect.gen(function*() {
    const store = yield* Store
    const builder = yield* WorkspaceBuilder
    const templates = yield* TemplateCache.TemplateCache
    const metrics = yield* Metrics.Metrics
    const notifications = yield* JobNotifications
    const timeout = options.timeout ?? Duration.seconds(10)

    const claimOnce = (request: ClaimRequest): Effect.Effect<Option.Option<ClaimedWorkspace>, ClaimFailure> =>
      Effect.gen(function*() {
        if (request.owner.id === "") {
          return yield* new ClaimError({ reason: "InvalidOwner", message: "the claiming owner needs an id" })
        }
        const listing = (yield* store.listTemplates()).find((t) =>
          (t.name === request.template || t.id === request.template) &&
          (request.organizationId === undefined || t.organizationId === request.organizationId)
        )
        if (listing === undefined) {
          return yield* new ClaimError({
            reason: "TemplateNotFound",
            message: `template "${request.template}" does not exist`
          })
        }
        const versionId = listing.activeVersionId
        if (versionId === null) {
          return yield* new ClaimError({
            reason: "NoActiveVersion",
            message: `template "${listing.name}" has no active version`
          })
        }
        const presets = yield* store.presetsOfVersion(versionId)
        const values = request.values ?? {}
        const preset = request.preset === undefined
          ? matchingPreset(presets, values)
          : Option.fromNullable(presets.find((p) => p.name === request.preset))
        if (Option.isNone(preset)) {
          if (request.preset === undefined) return Option.none()
          return yield* new ClaimError({
            reason: "PresetNotFound",
            message: `the active version of template "${listing.name}" has no preset "${request.preset}"`
          })
        }
        const chosen = preset.value
        if (chosen.desiredInstances === null) return Option.none()
        const record = (outcome: ClaimLog.ClaimOutcome) =>
          Effect.flatMap(DateTime.now, (at) => {
            const entry: ClaimLog.ClaimRecord = {
              at,
              templateId: listing.id,
              templateName: listing.name,
              presetName: chosen.name,
              templateVersionId: versionId,
              outcome
            }
            return Effect.zipRight(
              ClaimLog.countMetric(metrics, entry),
              store.recordClaim(entry).pipe(
                Effect.catchAll((error) =>
                  Effect.logWarning(`could not record a claim of ${listing.name}/${chosen.name}: ${error.message}`)
                )
              )
            )
          })
        const candidate = yield* candidateValues(store, listing.id, versionId, chosen.id)
        if (Option.isNone(candidate)) {
          yield* record("miss")
          return Option.none()
        }

        const resolved = yield* builder.resolveParameters({
          templateVersionId: versionId,
          owner: request.owner,
          transition: "start",
          presetValues: chosen.parameters,
          buildValues: values,
          previousValues: candidate.value.values
        })
        // Secret status is the owner's own: computed from this render, never cached with it.
        const missing = SecretRequirements.missing(resolved.output, request.secrets ?? [])
        if (missing.length > 0) return yield* missingSecrets(versionId, missing)
        const now = yield* DateTime.now
        const name = request.workspaceName ?? (yield* defaultName(listing.name))
        const claimed = yield* store.claim({
          templateId: listing.id,
          presetId: chosen.id,
          userId: request.owner.id as UserId,
          name,
          now,
          parameters: resolved.values
        })
        if (Option.isNone(claimed)) {
          yield* record("miss")
          return Option.none()
        }
        yield* record("hit")
        const result = claimed.value
        yield* notifications.offer(result.jobId)
        if (result.workspace.id !== candidate.value.workspaceId) {
          yield* Effect.logDebug("claimed another prebuild than the one whose values were read (a concurrent claim)")
        }

        const replacedResources = claimReplacements(yield* templates.get(result.templateVersionId))
        if (replacedResources.length > 0) {
          yield* Metric.increment(
            Metrics.presetLabels(metrics.resourceReplacements, {
              templateName: listing.name,
              presetName: chosen.name,
              organizationName: listing.organizationName
            })
          )
          yield* Effect.logWarning(
            `the claim of a prebuild of ${listing.name}/${chosen.name} replaces resources that depend on the owner or the workspace name (template admins: consider lifecycle.ignore_changes): ${
              replacedResources.join(", ")
            }`
          ).pipe(Effect.annotateLogs({ workspace_id: result.workspace.id }))
        }
        const workspace: ClaimedWorkspace = {
          workspace: result.workspace,
          templateId: listing.id,
          templateVersionId: result.templateVersionId,
          presetId: chosen.id,
          presetName: chosen.name,
          buildId: result.buildId,
          buildNumber: result.buildNumber,
          jobId: result.jobId,
          parameters: resolved.values,
          replacedResources
        }
        return Option.some(workspace)
      })

    return {
      claim: (request) =>
        claimOnce(request).pipe(
          Effect.timeoutFail({
            duration: timeout,
            onTimeout: () =>
              new ClaimError({
                reason: "Timeout",
                message: `claiming a prebuild took longer than ${Duration.format(Duration.decode(timeout))}`
              })
          })
        )
    }
  })

/**
 * The live layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: ClaimsOptions = {}
): Layer.Layer<
  Claims,
  never,
  Store | WorkspaceBuilder | TemplateCache.TemplateCache | Metrics.Metrics | JobNotifications
> => Layer.effect(Claims, Effect.flatMap(make(options), (claims) => Spans.traced("Claims", claims)))

/**
 * {@link layer} with options read from configuration, as `@effect/sql`'s clients take theirs: a
 * `Config` of the whole options or a record of one `Config` per option. The application decides
 * the names.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<ClaimsOptions>
): Layer.Layer<
  Claims,
  ConfigError.ConfigError,
  Store | WorkspaceBuilder | TemplateCache.TemplateCache | Metrics.Metrics | JobNotifications
> => Layer.unwrapEffect(Effect.map(Config.unwrap(config), layer))
