/**
 * Demand policies (issue 16): list them, set one per preset (the expression is parsed and its
 * inputs checked here: a bad one is a 400 with the diagnostic and its position, and nothing is
 * stored), remove one. Policies are stored by template and preset name and take effect at the
 * next reconciliation cycle.
 *
 * @since 0.1.0
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import { InvalidPolicy, NotFound, WarmpoolApi } from "@warmpool/client/Api"
import { DemandPolicy, Store } from "@warmpool/prebuilds"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { storeFailure } from "./internal/errors.js"

const info = (policy: DemandPolicy.PresetPolicy) => ({
  template: policy.templateName,
  preset: policy.presetName,
  expression: policy.expression,
  min: policy.min,
  max: policy.max,
  updatedAt: DateTime.formatIso(policy.updatedAt)
})

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = HttpApiBuilder.group(WarmpoolApi, "policies", (handlers) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    /** Whether the live template with this name has the preset on its active version. */
    const presetExists = (templateName: string, presetName: string) =>
      Effect.gen(function*() {
        const template = (yield* store.listTemplates()).find((t) => t.name === templateName && !t.deleted)
        if (template === undefined || template.activeVersionId === null) return false
        return (yield* store.presetsOfVersion(template.activeVersionId)).some((p) => p.name === presetName)
      })
    return handlers
      .handle("list", () =>
        Effect.map(store.policies(), (policies) => ({ policies: policies.map(info) })).pipe(
          Effect.catchTag("StoreError", storeFailure)
        ))
      .handle("set", ({ path, payload }) =>
        Effect.gen(function*() {
          const policy = DemandPolicy.make(payload)
          if (Either.isLeft(policy)) {
            return yield* new InvalidPolicy({
              message: policy.left.message,
              diagnostics: policy.left.diagnostics
            })
          }
          if (!(yield* presetExists(path.template, path.preset))) {
            return yield* new NotFound({
              message: `No preset "${path.preset}" on the active version of template "${path.template}".`
            })
          }
          const stored = yield* store.setPolicy(path.template, path.preset, policy.right, yield* DateTime.now)
          yield* Effect.logInfo("demand policy set").pipe(Effect.annotateLogs({
            template: path.template,
            preset: path.preset,
            expression: stored.expression,
            min: stored.min,
            max: stored.max
          }))
          return info(stored)
        }).pipe(Effect.catchTag("StoreError", storeFailure)))
      .handle("remove", ({ path }) =>
        Effect.gen(function*() {
          const removed = yield* store.deletePolicy(path.template, path.preset)
          if (!removed) {
            return yield* new NotFound({ message: `Preset ${path.template}/${path.preset} has no demand policy.` })
          }
          yield* Effect.logInfo("demand policy removed").pipe(
            Effect.annotateLogs({ template: path.template, preset: path.preset })
          )
          return { template: path.template, preset: path.preset, removed }
        }).pipe(Effect.catchTag("StoreError", storeFailure)))
  }))
