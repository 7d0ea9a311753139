/**
 * Prebuild pools and claims.
 *
 * @since 0.1.0
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import { Claims, Reconciler, Store } from "@warmpool/prebuilds"
import { RenderOutput, SecretRequirements } from "@warmpool/render"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { BadRequest, NotFound, ServiceUnavailable, ValidationFailed, WarmpoolApi } from "./Api.js"
import { storeFailure, validationFailed } from "./internal/errors.js"
import { ownerOf } from "./internal/owner.js"

const decodeDiagnostics = Schema.decodeUnknownOption(Schema.Array(RenderOutput.Diagnostic))

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
              presetId: p.presetId,
              preset: p.preset,
              desired: p.desired,
              running: p.running,
              eligible: p.eligible,
              status: p.status,
              statusReason: p.statusReason === "" ? null : p.statusReason,
              backoffUntil: p.backoffUntil,
              activeVersion: p.activeVersion
            }))
          })),
          Effect.catchTag("StoreError", storeFailure)
        ))
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
            TemplateNotFound: (e) => Effect.fail(new NotFound({ message: e.message })),
            StoreError: storeFailure
          })
        ))
  }))
