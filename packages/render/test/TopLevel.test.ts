/**
 * Top-level diagnostics: docs/render.md §4.5 duplicate names, §2.13 evaluation warnings, §1.2 parse errors and
 * docs/render.md §6 (order, renders that stop early).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { lines, main, render, summaries } from "./utils/render.js"

const param = (label: string, body: string) => `data "coder_parameter" "${label}" {\n${body}\n}\n`

describe("§4.5 duplicate parameter names", () => {
  it.effect("the same name in the root and in a module: one error, both parameters output", () =>
    Effect.gen(function*() {
      const output = yield* render({
        "main.tf": param("root_label", `name = "dupe"\ndefault = "a"`) + `module "m" {\n  source = "./m"\n}\n`,
        "m/main.tf": param("child_label", `name = "dupe"\ndefault = "b"`)
      })
      expect(lines(output.diagnostics)).toEqual([
        `error|Found 2 duplicate parameters with name "dupe", this is not allowed|block "data.coder_parameter.root_label"\nblock "data.coder_parameter.child_label"`
      ])
      expect(output.parameters.map((p) => [p.name, p.default_value.value])).toEqual([["dupe", "a"], ["dupe", "b"]])
    }))

  it.effect("instances of one counted block", () =>
    Effect.gen(function*() {
      const output = yield* render(main(param("x", `count = 3\nname = "same"\ndefault = count.index`)))
      expect(lines(output.diagnostics)).toEqual([
        `error|Found 3 duplicate parameters with name "same", this is not allowed|block "data.coder_parameter.x"\nblock "data.coder_parameter.x"\nblock "data.coder_parameter.x"`
      ])
      expect(output.parameters.length).toBe(3)
    }))

  it.effect("one address declared twice in two files", () =>
    Effect.gen(function*() {
      const output = yield* render({
        "a.tf": param("q", `name = "Dupe Question"\ndefault = "1"`),
        "b.tf": param("q", `name = "Dupe Question"\ndefault = "2"`)
      })
      expect(summaries(output.diagnostics)).toEqual([
        `Found 2 duplicate parameters with name "Dupe Question", this is not allowed`
      ])
      expect(output.parameters.length).toBe(2)
    }))

  it.effect("several duplicated names: one error each, sorted by name", () =>
    Effect.gen(function*() {
      const output = yield* render(main(
        param("z1", `name = "zz"\ndefault = ""`) + param("z2", `name = "zz"\ndefault = ""`) +
          param("a1", `name = "aa"\ndefault = ""`) + param("a2", `name = "aa"\ndefault = ""`) +
          param("m1", `name = "Mm"\ndefault = ""`) + param("m2", `name = "Mm"\ndefault = ""`) +
          param("u", `name = "unique"\ndefault = ""`)
      ))
      expect(summaries(output.diagnostics)).toEqual([
        `Found 2 duplicate parameters with name "Mm", this is not allowed`,
        `Found 2 duplicate parameters with name "aa", this is not allowed`,
        `Found 2 duplicate parameters with name "zz", this is not allowed`
      ])
      expect(output.parameters.length).toBe(7)
    }))

  it.effect("a duplicate that only exists for some parameter values", () =>
    Effect.gen(function*() {
      const files = main(
        param("mode", `name = "mode"\ndefault = "one"`) +
          param("extra", `count = data.coder_parameter.mode.value == "two" ? 2 : 1\nname = "extra"\ndefault = ""`)
      )
      expect((yield* render(files)).diagnostics).toEqual([])
      expect(summaries((yield* render(files, { values: { mode: "two" } })).diagnostics)).toEqual([
        `Found 2 duplicate parameters with name "extra", this is not allowed`
      ])
    }))
})

describe("§2.13 evaluation warnings", () => {
  const notLoaded = (name: string, file: string) =>
    `warning|Module not loaded. Did you run \`terraform init\`?|Module 'module "${name}"' in file "${file}" cannot be resolved. This module will be ignored.|module_not_loaded`

  it.effect("a module that cannot be found: one warning per call, with code module_not_loaded", () =>
    Effect.gen(function*() {
      const output = yield* render({
        "main.tf": `module "registry" {\n  source = "registry.example.com/acme/x/coder"\n}\n` +
          `module "local" {\n  source = "./nowhere"\n}\nmodule "counted" {\n  count = 2\n  source = "./nowhere"\n}\n` +
          `module "real" {\n  source = "./real"\n}\n`,
        "real/inner.tf": `module "deep" {\n  source = "./deeper"\n}\n`
      })
      expect(lines(output.diagnostics)).toEqual([
        notLoaded("counted", "main.tf"),
        notLoaded("local", "main.tf"),
        notLoaded("registry", "main.tf"),
        notLoaded("deep", "real/inner.tf")
      ])
    }))

  for (const meta of ["count = 0", "for_each = {}", "for_each = toset([])"]) {
    it.effect(`no warning when ${meta}`, () =>
      Effect.gen(function*() {
        const output = yield* render(main(`module "gone" {\n  ${meta}\n  source = "./nowhere"\n}\n`))
        expect(output.diagnostics).toEqual([])
      }))
  }

  it.effect("a module that is not loaded: its outputs are errors, the render goes on", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`
        module "gone" {
          source = "./nowhere"
        }
        data "coder_parameter" "p" {
          name    = "p"
          default = try(module.gone.value, "fallback")
        }
        data "coder_parameter" "q" {
          count = try(module.gone.count, 0)
          name  = "q"
        }
      `))
      expect(output.parameters.map((p) => [p.name, p.value.value])).toEqual([["p", "fallback"]])
      expect(summaries(output.diagnostics)).toEqual(["Module not loaded. Did you run `terraform init`?"])
    }))

  const unexpanded = (address: string) =>
    `warning|Unexpanded count argument on block "${address}"|The count argument is not expanded. This may lead to unexpected behavior. The default behavior is to assume count is 1.`

  it.effect("unexpanded count on coder_ blocks only (data and resources), not for_each", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`
        variable "unset" {}
        data "coder_parameter" "p" {
          count   = var.unset
          name    = "p"
          default = "x"
        }
        data "coder_workspace_tags" "t" {
          count = var.unset ? 1 : 0
          tags  = { a = "b" }
        }
        resource "coder_agent" "a" {
          count = length(var.unset)
        }
        data "http" "h" {
          count = var.unset
        }
        data "coder_parameter" "f" {
          for_each = var.unset
          name     = "f"
          default  = "y"
        }
        data "coder_parameter" "known" {
          count   = 1
          name    = "known"
          default = "z"
        }
      `))
      expect(lines(output.diagnostics)).toEqual([
        unexpanded("coder_agent.a"),
        unexpanded("data.coder_parameter.p"),
        unexpanded("data.coder_workspace_tags.t")
      ])
      // The unexpanded instances render as single blocks without count.index / each.
      expect(output.parameters.map((p) => [p.name, p.value])).toEqual([
        ["f", { value: "y", valid: true }],
        ["known", { value: "z", valid: true }],
        ["p", { value: "x", valid: true }]
      ])
      expect(output.tags).toEqual({ a: "b" })
    }))
})

describe("§1.2 files that do not parse", () => {
  it.effect("the file is skipped with a Parse terraform files error; the other files render", () =>
    Effect.gen(function*() {
      const output = yield* render({
        "bad.tf": `data "coder_parameter" "broken" {\n  name = \n`,
        "good.tf": param("ok", `name = "ok"\ndefault = "yes"`)
      })
      expect(output.diagnostics.length).toBe(1)
      const [d] = output.diagnostics
      expect([d!.severity, d!.summary]).toEqual(["error", "Parse terraform files"])
      expect(d!.detail.startsWith("bad.tf: ")).toBe(true)
      expect(output.parameters.map((p) => p.name)).toEqual(["ok"])
    }))
})

describe("§6 the order of top-level diagnostics", () => {
  it.effect("evaluation warnings, override warnings, parameter errors, tag errors", () =>
    Effect.gen(function*() {
      const output = yield* render({
        "main.tf": `
          variable "unset" {}
          data "coder_workspace_tags" "t" {
            tags = "not an object"
          }
          data "coder_parameter" "dupe1" {
            name    = "dupe"
            default = ""
          }
          data "coder_parameter" "dupe2" {
            name    = "dupe"
            default = ""
          }
          data "coder_parameter" "nameless" {
            default = ""
          }
          data "coder_parameter" "counted" {
            count   = var.unset
            name    = "counted"
            default = ""
          }
          module "gone" {
            source = "./nowhere"
          }
        `,
        "main_override.tf": `terraform {\n  required_version = ">= 1.0"\n}\n`
      })
      const category = (summary: string): number =>
        summary.startsWith("Module not loaded") || summary.startsWith("Unexpanded count")
          ? 0
          : summary.startsWith("Override file")
          ? 1
          : summary.startsWith("Found") || summary.startsWith("Missing required attribute")
          ? 2
          : summary.startsWith("Incorrect type for \"tags\"")
          ? 3
          : -1
      const found = summaries(output.diagnostics)
      expect([...found].sort()).toEqual([
        `Found 2 duplicate parameters with name "dupe", this is not allowed`,
        `Incorrect type for "tags" attribute`,
        `Missing required attribute "name" for block "coder_parameter.nameless"`,
        "Module not loaded. Did you run `terraform init`?",
        "Override file has unsupported 'terraform' block",
        `Unexpanded count argument on block "data.coder_parameter.counted"`
      ])
      const categories = found.map(category)
      expect(categories).toEqual([...categories].sort((a, b) => a - b))
    }))

  it.effect("expression errors are never top-level", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`
        locals {
          broken = jsondecode("{")
        }
        data "coder_parameter" "p" {
          name    = "p"
          default = try(jsondecode("{").a, "ok")
          display_name = undefined_function(1)
          description = local.nope
          icon = local.broken.a
        }
        data "coder_parameter" "stored" {
          name    = "stored"
          default = try(local.broken.a, "ok")
        }
      `))
      expect(output.diagnostics).toEqual([])
      expect(output.parameters.map((p) => [p.name, p.value, p.display_name, p.description, p.icon])).toEqual([
        ["p", { value: "ok", valid: true }, "", "", ""],
        // A local keeps the partial value and drops the error (docs/render.md §2.2): try() sees an unknown.
        ["stored", { value: "data.coder_parameter.stored.value", valid: false }, "", "", ""]
      ])
    }))
})

describe("§6 renders that stop early: empty collections and only the diagnostic", () => {
  const stopped = {
    parameters: [],
    presets: [],
    tags: {},
    unusable_tags: [],
    variables: [],
    secret_requirements: []
  }
  const template = {
    "main.tf": param("p", `name = "p"\ndefault = "x"`) + `variable "v" {\n  default = 1\n}\n` +
      `data "coder_workspace_tags" "t" {\n  tags = { a = "b" }\n}\n`
  }

  it.effect("a tfvars file that does not parse", () =>
    Effect.gen(function*() {
      const output = yield* render({ ...template, "nested/bad.tfvars": `v = \n` })
      expect({ ...output, diagnostics: [] }).toEqual({ ...stopped, diagnostics: [] })
      expect(output.diagnostics.length).toBe(1)
      const [d] = output.diagnostics
      expect([d!.severity, d!.summary]).toEqual(["error", "Failed to load tfvars from files"])
      expect(d!.detail.startsWith("failed to load tfvars from nested/bad.tfvars: ")).toBe(true)
    }))

  it.effect("a tfvars.json file that is not an object", () =>
    Effect.gen(function*() {
      const output = yield* render({ ...template, "x.tfvars.json": `[1, 2]` })
      expect(summaries(output.diagnostics)).toEqual(["Failed to load tfvars from files"])
      expect(output.parameters).toEqual([])
    }))

  const plans: ReadonlyArray<readonly [string, { plan?: string; planPath?: string }, string]> = [
    ["plan JSON that does not parse", { plan: "{not json" }, "unable to parse plan JSON: "],
    ["a plan file that does not parse", { planPath: "broken.json" }, "unable to parse plan JSON: "],
    ["a plan file that does not exist", { planPath: "missing.json" }, "unable to open plan JSON file: "]
  ]
  for (const [title, inputs, prefix] of plans) {
    it.effect(title, () =>
      Effect.gen(function*() {
        const output = yield* render({ ...template, "broken.json": "[[" }, inputs)
        expect({ ...output, diagnostics: [] }).toEqual({ ...stopped, diagnostics: [] })
        expect(output.diagnostics.map((d) => [d.severity, d.summary])).toEqual([["error", "Parsing plan JSON"]])
        expect(output.diagnostics[0]!.detail.startsWith(prefix)).toBe(true)
      }))
  }

  for (const plan of ["", "{}", "  { }  "]) {
    it.effect(`plan ${JSON.stringify(plan)} means no plan`, () =>
      Effect.gen(function*() {
        const output = yield* render(template, { plan })
        expect(output.diagnostics).toEqual([])
        expect(output.parameters.length).toBe(1)
      }))
  }

  it.effect("a plan file is read only when planJson means no plan", () =>
    Effect.gen(function*() {
      const output = yield* render({ ...template, "broken.json": "[[" }, { plan: "{}", planPath: "broken.json" })
      expect(summaries(output.diagnostics)).toEqual(["Parsing plan JSON"])
      const ignored = yield* render({ ...template, "broken.json": "[[" }, {
        plan: `{"format_version": "1.2", "prior_state": {"values": {"root_module": {}}}}`,
        planPath: "broken.json"
      })
      expect(ignored.diagnostics).toEqual([])
    }))
})
