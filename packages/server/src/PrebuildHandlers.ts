/**
 * Prebuild pools and claims.
 *
 * @since 0.1.0
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import { BadRequest, NotFound, ServiceUnavailable, ValidationFailed, WarmpoolApi } from "@warmpool/client/Api"
import { Claims, Reconciler, Store } from "@warmpool/prebuilds"
import { RenderOutput, SecretRequirements } from "@warmpool/render"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { sourceUnavailable, storeFailure, validationFailed } from "./internal/errors.js"
import { ownerOf } from "./internal/owner.js"

const decodeDiagnostics = Schema.decodeUnknownOption(Schema.Array(RenderOutput.Diagnostic))

/** Claims, misses and the demand policy of a pool (issue 16). */
const demandOf = (pool: Reconciler.PoolStatus) => ({
  claims: {
    last5m: pool.demand.claims5m,
    last15m: pool.demand.claims15m,
    last1h: pool.demand.claims1h,
    last24h: pool.demand.claims24h
  },
  misses: {
    last5m: pool.demand.misses5m,
    last15m: pool.demand.misses15m,
    last1h: pool.demand.misses1h,
    last24h: pool.demand.misses24h
  },
  policy: pool.policy === null ? null : { ...pool.policy, fallback: pool.policy.error !== null }
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = HttpApiBuilder.group(WarmpoolApi, "prebuilds", (handlers) =>
  Effect.gen(function*() {
    const reconciler = yield* Reconciler.Reconciler
    const claims = yield* Claims.Claims
    const store = yield* Store.Store
    /** A preset failing validation: the errors found at import, after the pool's reason. */
    const reasonOf = (pool: Reconciler.PoolStatus) =>
      pool.status !== "validation_failed"
        ? Effect.succeed(pool.statusReason)
        : Effect.map(store.presetById(pool.presetId), (preset) => {
          const errors = Option.getOrElse(
            Option.flatMap(preset, (p) => decodeDiagnostics(p.validationDiagnostics)),
            () => []
          ).filter((d) => d.severity === "error")
          const details = errors.map((d) =>
            (d.detail === "" ? d.summary : `${d.summary}: ${d.detail}`).replace(/\.$/, "")
          )
          return details.length === 0 ? pool.statusReason : `${pool.statusReason} (${details.join("; ")})`
        })
    /** The preset with this name on the active version of the live template with this name. */
    const presetOnActiveVersion = (templateName: string, presetName: string) =>
      Effect.gen(function*() {
        const templates = yield* store.listTemplates()
        const template = templates.find((t) => t.name === templateName && !t.deleted)
        if (template === undefined || template.activeVersionId === null) return Option.none()
        const presets = yield* store.presetsOfVersion(template.activeVersionId)
        return Option.fromNullable(presets.find((p) => p.name === presetName))
      })
    return handlers
      .handle("presets", () =>
        reconciler.poolStatus.pipe(
          Effect.flatMap((pools) =>
            Effect.forEach(pools, (pool) => Effect.map(reasonOf(pool), (statusReason) => ({ ...pool, statusReason })))
          ),
          Effect.map((pools) => ({
            presets: pools.map((p) => ({
              template: p.template,
              templateId: p.templateId,
              templateVersionId: p.templateVersionId,
              templateVersionName: p.templateVersionName,
              presetId: p.presetId,
              preset: p.preset,
              desired: p.desired,
              running: p.running,
              eligible: p.eligible,
              status: p.status,
              statusReason: p.statusReason === "" ? null : p.statusReason,
              backoffUntil: p.backoffUntil,
              activeVersion: p.activeVersion,
              state: p.state,
              quarantineReason: p.quarantineReason,
              lastError: p.lastError,
              ...demandOf(p)
            }))
          })),
          Effect.catchTag("StoreError", storeFailure)
        ))
      .handle("resume", ({ path }) =>
        Effect.gen(function*() {
          const found = yield* presetOnActiveVersion(path.template, path.preset)
          if (Option.isNone(found)) {
            return yield* new NotFound({
              message: `No preset "${path.preset}" on the active version of template "${path.template}".`
            })
          }
          const preset = found.value
          if (preset.prebuildStatus === "validation_failed") {
            return yield* new BadRequest({
              message:
                `Preset ${path.template}/${path.preset} fails parameter validation: resuming cannot help; import a fixed template version.`
            })
          }
          const now = yield* DateTime.now
          const result = yield* store.resumePreset(preset.id, now)
          yield* Effect.logInfo("preset resumed by an operator").pipe(Effect.annotateLogs({
            template: path.template,
            preset: path.preset,
            previous_status: result.previousStatus,
            cleared_quarantine: result.clearedQuarantine ?? ""
          }))
          return {
            template: path.template,
            preset: path.preset,
            presetId: result.presetId,
            templateVersionId: result.templateVersionId,
            previousStatus: result.previousStatus,
            status: result.status,
            clearedQuarantine: result.clearedQuarantine
          }
        }).pipe(Effect.catchTag("StoreError", storeFailure)))
      .handle("claim", ({ payload }) =>
        Effect.gen(function*() {
          const owner = ownerOf(payload.owner)
          if (owner.id === "") return yield* new BadRequest({ message: "owner.id: the claiming user's id is required" })
          const claimed = yield* claims.claim({
            template: payload.template,
            preset: payload.preset,
            owner,
            values: payload.values,
            secrets: payload.owner.secrets,
            workspaceName: payload.name
          })
          if (Option.isNone(claimed)) {
            return yield* new NotFound({ message: "No claimable prebuilt workspace: create an ordinary workspace." })
          }
          const c = claimed.value
          return {
            workspaceId: c.workspace.id,
            name: c.workspace.name,
            template: payload.template,
            preset: c.presetName,
            templateVersionId: c.templateVersionId,
            ownerId: c.workspace.ownerId,
            buildId: c.buildId,
            buildNumber: c.buildNumber
          }
        }).pipe(
          Effect.catchTags({
            ClaimError: (e) =>
              Effect.fail(
                e.reason === "TemplateNotFound" || e.reason === "PresetNotFound" || e.reason === "NoActiveVersion"
                  ? new NotFound({ message: e.message })
                  : e.reason === "Timeout"
                  ? new ServiceUnavailable({ message: e.message })
                  : new BadRequest({ message: e.message })
              ),
            ParameterValidationError: (e) => Effect.fail(validationFailed(e)),
            MissingSecrets: (e) =>
              Effect.fail(
                new ValidationFailed({
                  message: e.message,
                  validations: e.missing.map((r) => ({
                    field: "owner.secrets",
                    detail: `${SecretRequirements.describe(r)}: ${r.help_message}`
                  }))
                })
              ),
            RenderCrashed: (e) => Effect.fail(new ServiceUnavailable({ message: `render failed: ${e.message}` })),
            RenderTimeout: (e) => Effect.fail(new ServiceUnavailable({ message: `render failed: ${e.message}` })),
            RenderResourceExhausted: (e) =>
              Effect.fail(new ServiceUnavailable({ message: `render failed: ${e.message}` })),
            RenderWorkerFailed: (e) => Effect.fail(new ServiceUnavailable({ message: `render failed: ${e.message}` })),
            RenderLimitExceeded: (e) =>
              Effect.fail(new ServiceUnavailable({ message: `the render exceeded a limit: ${e.message}` })),
            TemplateNotFound: (e) => Effect.fail(new NotFound({ message: e.message })),
            TemplateSourceUnavailable: sourceUnavailable,
            StoreError: storeFailure
          })
        ))
  }))
