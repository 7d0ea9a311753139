/**
 * Prebuild pools and claims.
 *
 * @since 0.1.0
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import { Claims, Reconciler } from "@warmpool/prebuilds"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { BadRequest, NotFound, ServiceUnavailable, WarmpoolApi } from "./Api.js"
import { storeFailure, validationFailed } from "./internal/errors.js"
import { ownerOf } from "./internal/owner.js"

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = HttpApiBuilder.group(WarmpoolApi, "prebuilds", (handlers) =>
  Effect.gen(function*() {
    const reconciler = yield* Reconciler.Reconciler
    const claims = yield* Claims.Claims
    return handlers
      .handle("presets", () =>
        reconciler.poolStatus.pipe(
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
            RenderCrashed: (e) => Effect.fail(new ServiceUnavailable({ message: `render failed: ${e.message}` })),
            TemplateNotFound: (e) => Effect.fail(new NotFound({ message: e.message })),
            StoreError: storeFailure
          })
        ))
  }))
