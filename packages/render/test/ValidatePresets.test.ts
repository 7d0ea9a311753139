/**
 * docs/render.md §5.2: validatePresets re-renders each preset that has prebuild instances and no
 * error yet, with the preset's parameters, and attaches the errors.
 */
import { describe, expect, it } from "@effect/vitest"
import { Renderer } from "@warmpool/render"
import * as Effect from "effect/Effect"
import { compile, lines, main, owner, preset, renderValidated } from "./utils/render.js"

const template = `
data "coder_parameter" "region" {
  name    = "region"
  default = "eu"
  option {
    name  = "EU"
    value = "eu"
  }
  option {
    name  = "US"
    value = "us"
  }
}
data "coder_parameter" "token" {
  name = "token"
}
`

const presetBlock = (label: string, body: string) => `data "coder_workspace_preset" "${label}" {\n${body}\n}\n`
const prebuilds = (n: number) => `prebuilds {\ninstances = ${n}\n}`

describe("§5.2 validatePresets", () => {
  it.effect("a preset whose parameters are valid stays clean", () =>
    Effect.gen(function*() {
      const output = yield* renderValidated(main(
        template + presetBlock("ok", `name = "ok"\nparameters = { region = "us", token = "t" }\n${prebuilds(2)}`)
      ))
      expect(preset(output, "ok").diagnostics).toEqual([])
    }))

  it.effect("parameter errors are copied with the `Parameter <name>:` prefix; detail and code stay", () =>
    Effect.gen(function*() {
      const output = yield* renderValidated(main(
        template + presetBlock("bad", `name = "bad"\nparameters = { region = "mars" }\n${prebuilds(1)}`)
      ))
      expect(lines(preset(output, "bad").diagnostics)).toEqual([
        `error|Parameter region: Value must be a valid option|the value "mars" must be defined as one of options`,
        "error|Parameter token: Required parameter not provided|parameter value is null|required"
      ])
    }))

  it.effect("keys that match no parameter name: Undefined Parameter, in byte-wise order", () =>
    Effect.gen(function*() {
      const output = yield* renderValidated(main(
        template +
          presetBlock(
            "typo",
            `name = "typo"\nparameters = { zone = "1", token = "t", Region = "eu", aa = "2", 9 = "x", 10 = "y" }\n${
              prebuilds(1)
            }`
          )
      ))
      // Byte-wise: "10" before "9" (a JS object would put integer-like keys first, numerically).
      expect(lines(preset(output, "typo").diagnostics)).toEqual([
        `error|Undefined Parameter|Preset parameter "10" is not defined by the template.`,
        `error|Undefined Parameter|Preset parameter "9" is not defined by the template.`,
        `error|Undefined Parameter|Preset parameter "Region" is not defined by the template.`,
        `error|Undefined Parameter|Preset parameter "aa" is not defined by the template.`,
        `error|Undefined Parameter|Preset parameter "zone" is not defined by the template.`
      ])
    }))

  // The re-renders leave the presets out (validating N presets used to evaluate N² preset blocks):
  // a preset block past a budget under another preset's values no longer stops that one's re-render.
  it.effect("a preset is judged on its own values: another preset that fails under them is not its error", () =>
    Effect.gen(function*() {
      const output = yield* renderValidated(main(
        template +
          presetBlock(
            "a_eu",
            // 11,000 steps under its own values, past the 10 million steps of a render under "us"
            `name = tostring(length(flatten([for i in range(data.coder_parameter.region.value == "us" ? 1000 : 1): ` +
              `[for j in range(1000): [for k in range(11): k]]])))\n` +
              `parameters = { region = "eu", token = "t" }\n${prebuilds(1)}`
          ) +
          presetBlock("b_us", `name = "us"\nparameters = { region = "us", token = "t" }\n${prebuilds(1)}`)
      ))
      expect(output.diagnostics).toEqual([])
      expect(preset(output, "11000").diagnostics).toEqual([])
      expect(preset(output, "us").diagnostics).toEqual([])
    }))

  it.effect("presets without prebuilds, with 0 instances, or with an error already are skipped", () =>
    Effect.gen(function*() {
      const output = yield* renderValidated(main(
        template +
          presetBlock("a_none", `name = "none"\nparameters = { region = "mars" }`) +
          presetBlock("b_zero", `name = "zero"\nparameters = { region = "mars" }\n${prebuilds(0)}`) +
          presetBlock("c_first", `name = "first"\ndefault = true\nparameters = { token = "t" }\n${prebuilds(1)}`) +
          presetBlock("d_second", `name = "second"\ndefault = true\nparameters = { region = "mars" }\n${prebuilds(1)}`)
      ))
      expect(output.presets.map((p) => [p.name, lines(p.diagnostics)])).toEqual([
        ["none", []],
        ["zero", []],
        ["first", []],
        ["second", [
          `error|Multiple default presets|Only one preset can be marked as default. "first" is already marked as default`
        ]]
      ])
    }))

  it.effect("only the preset's parameters are used, not the render's input values", () =>
    Effect.gen(function*() {
      const output = yield* renderValidated(
        main(template + presetBlock("p", `name = "p"\nparameters = { region = "us" }\n${prebuilds(1)}`)),
        { values: { token: "from the request" } }
      )
      expect(lines(preset(output, "p").diagnostics)).toEqual([
        "error|Parameter token: Required parameter not provided|parameter value is null|required"
      ])
    }))

  it.effect("the owner stays the same in the re-render", () =>
    Effect.gen(function*() {
      const files = main(`
        data "coder_workspace_owner" "me" {}
        data "coder_parameter" "admin_only" {
          count = data.coder_workspace_owner.me.name == "admin" ? 1 : 0
          name  = "admin_only"
        }
        ${presetBlock("p", `name = "p"\n${prebuilds(1)}`)}
      `)
      const asAdmin = yield* renderValidated(files, { owner: owner({ name: "admin" }) })
      expect(lines(preset(asAdmin, "p").diagnostics)).toEqual([
        "error|Parameter admin_only: Required parameter not provided|parameter value is null|required"
      ])
      const asUser = yield* renderValidated(files, { owner: owner({ name: "someone" }) })
      expect(preset(asUser, "p").diagnostics).toEqual([])
    }))

  it.effect("tfvars stay the same in the re-render", () =>
    Effect.gen(function*() {
      const files = main(`
        variable "allowed" {
          default = "a"
        }
        data "coder_parameter" "choice" {
          name    = "choice"
          default = var.allowed
          option {
            name  = "only"
            value = var.allowed
          }
        }
        ${presetBlock("p", `name = "p"\nparameters = { choice = "b" }\n${prebuilds(1)}`)}
      `)
      const withDefault = yield* renderValidated(files)
      expect(lines(preset(withDefault, "p").diagnostics)).toEqual([
        `error|Parameter choice: Value must be a valid option|the value "b" must be defined as one of options`
      ])
      const withTfvars = yield* renderValidated(files, { tfvars: { allowed: "b" } })
      expect(preset(withTfvars, "p").diagnostics).toEqual([])
    }))

  it.effect("a re-render with top-level errors: all its top-level diagnostics are appended, nothing else", () =>
    Effect.gen(function*() {
      const output = yield* renderValidated(main(`
        data "coder_parameter" "mode" {
          name    = "mode"
          default = "fine"
        }
        data "coder_parameter" "second" {
          count = data.coder_parameter.mode.value == "broken" ? 1 : 0
          name  = "mode"
        }
        module "gone" {
          count  = data.coder_parameter.mode.value == "broken" ? 1 : 0
          source = "registry.example.com/acme/gone/coder"
        }
        data "coder_workspace_tags" "t" {
          tags = data.coder_parameter.mode.value == "broken" ? null : { a = "b" }
        }
        ${presetBlock("p", `name = "p"\nparameters = { mode = "broken", unknown_key = "x" }\n${prebuilds(1)}`)}
      `))
      expect(output.diagnostics).toEqual([])
      expect(lines(preset(output, "p").diagnostics)).toEqual([
        "warning|Module not loaded. Did you run `terraform init`?|Module 'module \"gone\"' in file \"main.tf\" cannot be resolved. This module will be ignored.|module_not_loaded",
        `error|Found 2 duplicate parameters with name "mode", this is not allowed|block "data.coder_parameter.mode"\nblock "data.coder_parameter.second"`,
        `error|Incorrect type for "tags" attribute|"tags" attribute must be an 'Object', but got "object"` // a null typed by the conditional
      ])
    }))

  it.effect("through the Renderer service", () =>
    Effect.gen(function*() {
      const compiled = yield* compile(main(
        template + presetBlock("bad", `name = "bad"\nparameters = { region = "us" }\n${prebuilds(1)}`)
      ))
      const renderer = yield* Renderer.Renderer
      const request = { template: compiled }
      const output = yield* renderer.render(request)
      expect(preset(output, "bad").diagnostics).toEqual([])
      const validated = yield* renderer.validatePresets(request, output)
      expect(lines(preset(validated, "bad").diagnostics)).toEqual([
        "error|Parameter token: Required parameter not provided|parameter value is null|required"
      ])
      // The input output is not mutated.
      expect(preset(output, "bad").diagnostics).toEqual([])
    }).pipe(Effect.provide(Renderer.layerStandalone)))
})
