/**
 * The fixture templates under `fixtures/` (each with its input cases): what each renders to.
 * They exercise evaluation end to end: owner data, conditional parameters, dynamic options,
 * local and registry modules, plan data, tfvars files, override files and cycles.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { RenderOutput } from "../src/index.js"
import { fixtureCases, fixtureFiles, lines, render, renderValidated } from "./utils/render.js"

/** A compact view: `name=value` (`!` when invalid), with the diagnostics' summaries. */
const view = (output: RenderOutput.RenderOutput) => ({
  parameters: output.parameters.map((p) =>
    `${p.name}=${p.value.valid ? p.value.value : `!${p.value.value}`}${
      p.diagnostics.length === 0 ? "" : ` [${p.diagnostics.map((d) => d.summary).join("; ")}]`
    }`
  ),
  tags: output.tags,
  unusable: output.unusable_tags,
  diagnostics: lines(output.diagnostics)
})

const renderCase = (name: string, caseName: string) => {
  const inputs = fixtureCases(name)[caseName]
  if (inputs === undefined) throw new Error(`no case ${name} / ${caseName}`)
  return render(fixtureFiles(name), inputs)
}

const options = (output: RenderOutput.RenderOutput, name: string) =>
  output.parameters.find((p) => p.name === name)?.options.map((o) => o.value.value)

describe("fixture: conditional (owner groups, parameters that drive options and count)", () => {
  it.effect("blank", () =>
    Effect.gen(function*() {
      const output = yield* renderCase("conditional", "blank")
      expect(view(output)).toEqual({
        parameters: ["gpu=1", "tier=large", "machine=xxl"],
        tags: { admin: "false", owner: "", tier: "large" },
        unusable: [],
        diagnostics: []
      })
      expect(options(output, "machine")).toEqual(["nano", "micro", "xl", "xxl"])
    }))

  it.effect("small tier: fewer options, a new default, no gpu", () =>
    Effect.gen(function*() {
      const output = yield* renderCase("conditional", "small tier")
      expect(view(output).parameters).toEqual(["tier=small", "machine=micro"])
      expect(options(output, "machine")).toEqual(["nano", "micro"])
    }))

  it.effect("small tier with a machine that is no longer an option", () =>
    Effect.gen(function*() {
      const output = yield* renderCase("conditional", "small tier, bad machine")
      expect(view(output).parameters).toEqual([
        "gpu=1",
        "tier=small",
        "machine=xxl [Value must be a valid option]"
      ])
    }))

  it.effect("an admin owner sees debug; gpu is validated", () =>
    Effect.gen(function*() {
      const output = yield* renderCase("conditional", "admin")
      expect(view(output)).toEqual({
        parameters: [
          "debug=true",
          "gpu=9 [Invalid parameter value according to 'validation' block]",
          "tier=large",
          "machine=xxl"
        ],
        tags: { admin: "true", owner: "root", tier: "large" },
        unusable: [],
        diagnostics: []
      })
      expect(output.parameters[0]!.form_type).toBe("checkbox")
    }))
})

describe("fixture: modules (for_each from a parameter, count from an output, nested outputs)", () => {
  it.effect("blank", () =>
    Effect.gen(function*() {
      expect(view(yield* renderCase("modules", "blank"))).toEqual({
        parameters: [`regions=["eu"]`, "size_eu=eu-", "summary=EU", "zone_0=0", "zone_1=10"],
        tags: { owner: "", region_eu: "true" },
        unusable: [],
        diagnostics: []
      })
    }))

  it.effect("two regions (a repeated element counts once) and the owner in every module", () =>
    Effect.gen(function*() {
      expect(view(yield* renderCase("modules", "two regions"))).toEqual({
        parameters: [
          `regions=["us","eu","us"]`,
          "size_eu=eu-ann",
          "size_us=us-ann",
          "summary=EU,US",
          "zone_0=0",
          "zone_1=10"
        ],
        tags: { owner: "ann@example.com", region_eu: "true", region_us: "true" },
        unusable: [],
        diagnostics: []
      })
    }))

  it.effect("no regions: the module has no instances", () =>
    Effect.gen(function*() {
      expect(view(yield* renderCase("modules", "no regions")).parameters).toEqual([
        "regions=[]",
        "summary=",
        "zone_0=0",
        "zone_1=10"
      ])
    }))
})

describe("fixture: registry (modules.json, path.module, nested local source, a missing module)", () => {
  const warning =
    "warning|Module not loaded. Did you run `terraform init`?|Module 'module \"absent\"' in file \"main.tf\" cannot be resolved. This module will be ignored.|module_not_loaded"
  it.effect("blank", () =>
    Effect.gen(function*() {
      const output = yield* renderCase("registry", "blank")
      expect(view(output)).toEqual({
        parameters: ["extra=GO in .terraform/modules/ide/sub", "ide=GO"],
        tags: {},
        unusable: [],
        diagnostics: [warning]
      })
      expect(options(output, "ide")).toEqual(["CL", "GO", "IU", "PY"])
      expect(output.parameters[1]!.options.map((o) => o.name)).toEqual(["CLion", "GoLand", "IntelliJ IDEA", "PyCharm"])
    }))

  it.effect("a value flows through the nested module's output", () =>
    Effect.gen(function*() {
      expect(view(yield* renderCase("registry", "pycharm")).parameters).toEqual([
        "extra=PY in .terraform/modules/ide/sub",
        "ide=PY"
      ])
    }))
})

describe("fixture: plan (prior-state data by module and instance key)", () => {
  it.effect("no plan: computed attributes are missing, id is unknown", () =>
    Effect.gen(function*() {
      expect(view(yield* renderCase("plan", "no plan"))).toEqual({
        parameters: ["counted=counter 1: ?", "from_module=offline", "image=no digest"],
        tags: { alpine: "none", nested: "none" },
        unusable: ["unknown"],
        diagnostics: []
      })
    }))

  it.effect("the plan file: values merged per instance; coder_ data and managed resources ignored", () =>
    Effect.gen(function*() {
      expect(view(yield* renderCase("plan", "plan file"))).toEqual({
        parameters: ["counted=counter 1: 42", "from_module=1.2.3", "image=sha256:ubuntu"],
        tags: { alpine: "sha256:alpine", nested: "arm64", unknown: "alpine-id" },
        unusable: [],
        diagnostics: []
      })
    }))

  it.effect("the same plan as planJson text", () =>
    Effect.gen(function*() {
      const files = fixtureFiles("plan")
      const output = yield* render(files, { plan: files["plan.json"]! })
      expect(view(output).parameters).toEqual(["counted=counter 1: 42", "from_module=1.2.3", "image=sha256:ubuntu"])
    }))
})

describe("fixture: tfvars (input > files > default; hidden and nested files; conversions)", () => {
  it.effect("files", () =>
    Effect.gen(function*() {
      const output = yield* renderCase("tfvars", "files")
      expect(view(output).parameters).toEqual([
        "counted_0=.|.|/|default",
        "counted_1=.|.|/|default",
        "no_default=!data.coder_parameter.no_default.value [Parameter value is unknown, it likely includes a reference without a value]",
        `values=["from terraform.tfvars",2,"from hidden",["x","y"]]`
      ])
      // Variables report the declared defaults, never the tfvars values.
      expect(output.variables.map((v) => [v.name, v.type, v.default])).toEqual([
        ["count_hint", "number", 1],
        ["hidden_only", "string", "declared"],
        ["json_only", "list(string)", []],
        ["no_default", "string", null],
        ["size", "string", "declared"]
      ])
    }))

  it.effect("input tfvars win", () =>
    Effect.gen(function*() {
      expect(view(yield* renderCase("tfvars", "input wins")).parameters).toEqual([
        "counted_0=.|.|/|default",
        "counted_1=.|.|/|default",
        "counted_2=.|.|/|default",
        "no_default=given",
        `values=["from input",3,"from hidden",["x","y"]]`
      ])
    }))
})

describe("fixture: overrides", () => {
  it.effect("an override replaces the default and all options; locals merge per name", () =>
    Effect.gen(function*() {
      const output = yield* renderCase("overrides", "blank")
      expect(view(output)).toEqual({
        parameters: ["greeting=overridden", "region=eu"],
        tags: {},
        unusable: [],
        diagnostics: []
      })
      expect(output.parameters[1]!.options.map((o) => o.name)).toEqual(["EU", "US"])
    }))
})

describe("fixture: dynamic", () => {
  it.effect("nested dynamic blocks with custom iterators; unknown for_each generates nothing", () =>
    Effect.gen(function*() {
      const output = yield* renderCase("dynamic", "blank")
      expect(view(output)).toEqual({
        parameters: ["labels=eu/eu-1 eu/eu-2 us/us-1", "unknown_options=a", "zone=eu-1"],
        tags: { volumes: "2" },
        unusable: ["container"],
        diagnostics: []
      })
      expect(output.parameters[2]!.options.map((o) => [o.name, o.description])).toEqual([
        ["eu-1 (eu)", "option 0"],
        ["eu-2 (eu)", "option 1"],
        ["us-1 (us)", "option 2"]
      ])
    }))
})

describe("fixture: cycles", () => {
  const unexpanded =
    `warning|Unexpanded count argument on block "data.coder_parameter.self"|The count argument is not expanded. This may lead to unexpected behavior. The default behavior is to assume count is 1.`
  it.effect("a parameter cycle: both absent and clean; a resolvable chain resolves", () =>
    Effect.gen(function*() {
      expect(view(yield* renderCase("cycles", "blank"))).toEqual({
        parameters: [
          "alpha=!data.coder_parameter.alpha.value",
          "beta=!data.coder_parameter.beta.value",
          "first=three+2+1",
          // A local in a cycle is stored as unknown (docs/render.md §2.2), so try() gives unknown.
          "looped=!data.coder_parameter.looped.value [Parameter value is unknown, it likely includes a reference without a value]",
          "second=three+2",
          // A count that depends on its own block cannot be expanded.
          "self=x",
          "third=three"
        ],
        tags: {},
        unusable: [],
        diagnostics: [unexpanded]
      })
    }))

  it.effect("an input breaks the cycle", () =>
    Effect.gen(function*() {
      expect(view(yield* renderCase("cycles", "alpha given")).parameters.slice(0, 2)).toEqual(["alpha=A", "beta=A"])
    }))
})

describe("fixture: presets", () => {
  it.effect("extraction and validatePresets", () =>
    Effect.gen(function*() {
      const output = yield* renderValidated(fixtureFiles("presets"))
      expect(output.presets.map((p) => [p.name, p.default, p.prebuilds, lines(p.diagnostics)])).toEqual([
        ["EU small", true, { instances: 3 }, []],
        ["Manual", true, null, [
          `error|Multiple default presets|Only one preset can be marked as default. "EU small" is already marked as default`
        ]],
        ["No repo", false, { instances: 2 }, [
          `error|Undefined Parameter|Preset parameter "cpu" is not defined by the template.`,
          "error|Parameter repo: Required parameter not provided|parameter value is null|required"
        ]],
        ["US huge", false, { instances: 1 }, [
          "error|Parameter cpus: Invalid parameter value according to 'validation' block|value 64 is more than the maximum 8"
        ]]
      ])
      expect(output.presets[0]!.parameters).toEqual({ cpus: "2", region: "eu", repo: "github.com/acme/app" })
    }))
})
