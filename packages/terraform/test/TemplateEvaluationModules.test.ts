/**
 * Modules (RENDER.md §1.3, §2.12, §2.13): inputs, outputs, nesting, count and for_each on
 * module calls, modules that are not loaded, instance order.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { evaluate, known, probe } from "./fixtures/evaluation/harness.js"

const notLoaded = (name: string, file: string) =>
  `warning|Module not loaded. Did you run \`terraform init\`?|Module 'module "${name}"' in file "${file}" cannot be resolved. This module will be ignored.|module_not_loaded`

const echo = `
variable "in" {
  default = "child default"
}
variable "typed" {
  type    = number
  default = 0
}
variable "required" {}
output "out" {
  value = var.in
}
output "typed" {
  value = var.typed
}
output "required" {
  value = var.required
}
`

describe("§2.12 inputs and outputs", () => {
  it.effect("inputs reach the module, converted to its types; outputs come back", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          module "m" {
            source = "./echo"
            in     = "from root"
            typed  = "41"
          }
          ${probe("out", "module.m.out")}
          ${probe("typed", "module.m.typed + 1")}
          ${probe("required", "module.m.required")}
          ${probe("whole", "keys(module.m)")}
          ${probe("missing", "module.m.nope")}
        `,
        "echo/main.tf": echo
      })
      expect(e.probe("out")).toEqual(known("from root"))
      expect(e.probe("typed")).toEqual(known(42))
      expect(e.probe("required")).toEqual({ value: "(unknown)", type: "any", whollyKnown: false, errors: [] })
      expect(e.probe("whole")).toEqual(known(["out", "required", "typed"]))
      expect(e.probe("missing").errors).toEqual(["Unsupported attribute"])
    }))

  it.effect("a missing input takes the child's default; child modules never receive tfvars", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          variable "in" {
            default = "root default"
          }
          module "m" {
            source = "./echo"
          }
          ${probe("out", "module.m.out")}
          ${probe("root", "var.in")}
        `,
        "echo/main.tf": echo,
        "terraform.tfvars": `in = "from tfvars"\n`
      }, { tfvars: { in: "from input" } })
      expect(e.probe("out")).toEqual(known("child default"))
      expect(e.probe("root")).toEqual(known("from input"))
    }))

  it.effect("nested modules: outputs through two levels, each with its own scope", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          module "outer" {
            source = "./outer"
            word   = "a"
          }
          module "second" {
            source = "./outer"
            word   = "b"
          }
          ${probe("both", "[module.outer.result, module.second.result]")}
        `,
        "outer/main.tf": `
          variable "word" {}
          module "inner" {
            source = "../inner"
            word   = upper(var.word)
          }
          output "result" {
            value = "\${var.word}-\${module.inner.result}"
          }
        `,
        "inner/main.tf": `variable "word" {}\noutput "result" {\n  value = "\${var.word}\${var.word}"\n}\n`
      })
      expect(e.probe("both")).toEqual(known(["a-AA", "b-BB"]))
      expect(e.lazy.instances().map((i) => i.address)).toEqual([
        "",
        "module.outer",
        "module.outer.module.inner",
        "module.second",
        "module.second.module.inner"
      ])
    }))

  it.effect("outputs drive count on blocks and on other modules", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          module "numbers" {
            source = "./numbers"
          }
          module "param" {
            count  = module.numbers.zero
            source = "./echo"
          }
          module "pair" {
            count  = module.numbers.two
            source = "./echo"
            in     = "instance \${count.index}"
          }
          data "coder_parameter" "p" {
            count = module.numbers.zero
            name  = "p"
          }
          ${probe("pair", "module.pair[*].out")}
          ${probe("second", "module.pair[1].out")}
          ${probe("param", "module.param")}
        `,
        "numbers/main.tf": `output "zero" {\n  value = 0\n}\noutput "two" {\n  value = "2"\n}\n`,
        "echo/main.tf": echo
      })
      expect(e.probe("pair")).toEqual(known(["instance 0", "instance 1"]))
      expect(e.probe("second")).toEqual(known("instance 1"))
      expect(e.probe("param")).toEqual(known([], "tuple([])"))
      expect(e.instances("data", "coder_parameter")).toEqual([])
      expect(e.lazy.instances().map((i) => i.address)).toEqual([
        "",
        "module.numbers",
        "module.pair[0]",
        "module.pair[1]"
      ])
    }))

  it.effect("for_each on a module: module.m[\"k\"].o, each.* in the inputs", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          module "m" {
            for_each = { west = 1, east = 2 }
            source   = "./echo"
            in       = "\${each.key}:\${each.value}"
          }
          ${probe("east", `module.m["east"].out`)}
          ${probe("all", "{ for k, m in module.m : k => m.out }")}
        `,
        "echo/main.tf": echo
      })
      expect(e.probe("east")).toEqual(known("east:2"))
      expect(e.probe("all")).toEqual(known({ east: "east:2", west: "west:1" }))
      expect(e.lazy.instances().map((i) => i.address)).toEqual(["", `module.m["east"]`, `module.m["west"]`])
    }))

  it.effect("a module whose count is unknown is one instance, without a warning", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          variable "unset" {}
          module "m" {
            count  = var.unset
            source = "./echo"
            in     = "x"
          }
          ${probe("out", "module.m.out")}
        `,
        "echo/main.tf": echo
      })
      expect(e.probe("out")).toEqual(known("x"))
      expect(e.diagnostics()).toEqual([])
    }))

  it.effect("a cycle through a module: unknown, no diagnostic", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          locals {
            x = module.m.out
          }
          module "m" {
            source = "./echo"
            in     = local.x
          }
          ${probe("x", "local.x")}
        `,
        "echo/main.tf": echo
      })
      expect(e.probe("x").value).toBe("(unknown)")
      expect(e.diagnostics()).toEqual([])
    }))
})

describe("§1.3 modules that are not loaded", () => {
  it.effect("outputs are errors (try catches them); one warning per call", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          module "gone" {
            source = "registry.example.com/acme/gone/coder"
          }
          module "escape" {
            source = "../outside"
          }
          ${probe("out", "module.gone.out")}
          ${probe("tried", `try(module.gone.out, "fallback")`)}
        `
      })
      expect(e.probe("out").errors).toEqual(["Module not loaded"])
      expect(e.probe("tried")).toEqual(known("fallback"))
      expect(e.diagnostics()).toEqual([notLoaded("escape", "main.tf"), notLoaded("gone", "main.tf")])
    }))

  it.effect("no warning when count is 0 or for_each is empty; a warning for each call in a loaded module", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          module "zero" {
            count  = 0
            source = "./nowhere"
          }
          module "empty" {
            for_each = toset([])
            source   = "./nowhere"
          }
          module "child" {
            count  = 2
            source = "./child"
          }
        `,
        "child/main.tf": `module "deep" {\n  source = "./missing"\n}\n`
      })
      // One warning per call, even with two instances of the calling module.
      expect(e.diagnostics()).toEqual([notLoaded("deep", "child/main.tf")])
    }))

  it.effect("a registry module through .terraform/modules/modules.json", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          module "reg" {
            source  = "registry.example.com/acme/reg/coder"
            version = "1.0.0"
            in      = "through the manifest"
          }
          ${probe("out", "module.reg.out")}
          ${probe("path", "module.reg.path")}
        `,
        ".terraform/modules/modules.json": JSON.stringify({
          Modules: [
            { Key: "", Source: "", Dir: "." },
            { Key: "reg", Source: "registry.example.com/acme/reg/coder", Dir: ".terraform/modules/reg" }
          ]
        }),
        ".terraform/modules/reg/main.tf": `${echo}\noutput "path" {\n  value = path.module\n}\n`
      })
      expect(e.probe("out")).toEqual(known("through the manifest"))
      expect(e.probe("path")).toEqual(known(".terraform/modules/reg"))
      expect(e.diagnostics()).toEqual([])
    }))
})
