/**
 * `warmpool presets <dir>`: the presets of a template as an import would store them — prebuild
 * instances, expiration, scheduling, and the validation verdict (`healthy` or
 * `validation_failed` with the diagnostics), rendered as the prebuilds system user.
 */
import { Renderer, RenderOutput } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { exitCode } from "../internal/keyValue.js"

const systemOwner: Owner.WorkspaceOwner = {
  ...Owner.empty,
  id: "c42fdf75-3097-471c-8c33-fb52454d81c0",
  name: "prebuilds"
}

export const run = (args: { readonly dir: string; readonly json: boolean }) =>
  Effect.gen(function*() {
    const files = yield* Effect.either(TemplateFiles.fromDirectory(args.dir))
    if (Either.isLeft(files)) {
      const d = TemplateFiles.toDiagnostic(files.left)
      yield* Console.error(`warmpool presets: ${d.summary}: ${d.detail}`)
      return yield* exitCode(1)
    }
    const template = yield* CompiledTemplate.compile(files.right)
    const renderer = yield* Renderer.Renderer
    const request = { template, owner: systemOwner }
    const rendered = yield* renderer.renderDetailed(request)
    if (RenderOutput.hasErrors(rendered.output)) {
      for (const d of rendered.output.diagnostics) yield* Console.error(`${d.severity}: ${d.summary}: ${d.detail}`)
      return yield* exitCode(1)
    }
    const validated = yield* renderer.validatePresets(request, rendered.output)
    const presets = validated.presets.map((preset, i) => {
      const settings = rendered.presetSettings[i]!
      const failed = preset.diagnostics.some((d) => d.severity === "error")
      return {
        name: preset.name,
        default: preset.default,
        parameters: preset.parameters,
        desiredInstances: preset.prebuilds === null ? null : preset.prebuilds.instances,
        ttlSeconds: settings.ttlSeconds,
        timezone: settings.timezone,
        schedules: settings.schedules,
        status: failed ? "validation_failed" : "healthy",
        diagnostics: preset.diagnostics
      }
    })
    if (args.json) {
      yield* Console.log(JSON.stringify({ presets }, null, 2))
    } else {
      for (const p of presets) {
        const pool = p.desiredInstances === null ? "no prebuilds" : `${p.desiredInstances} prebuild(s)`
        const extras = [
          p.ttlSeconds === null ? undefined : `expire after ${p.ttlSeconds}s`,
          p.schedules.length === 0
            ? undefined
            : `${p.schedules.map((s) => `${s.instances} on "${s.cron}"`).join(", ")} (${p.timezone || "no timezone"})`
        ].filter((x) => x !== undefined)
        yield* Console.log(
          `${p.name}${p.default ? " (default)" : ""}: ${p.status}; ${pool}${
            extras.length ? `; ${extras.join("; ")}` : ""
          }`
        )
        for (const d of p.diagnostics) yield* Console.log(`    ${d.severity}: ${d.summary} — ${d.detail}`)
      }
    }
    if (presets.some((p) => p.status === "validation_failed")) yield* exitCode(1)
  }).pipe(Effect.provide(Layer.merge(Renderer.layerStandalone, HclParser.layer)))
