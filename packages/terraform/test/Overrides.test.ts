import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Diagnostic from "../src/Diagnostic.js"
import * as Overrides from "../src/Overrides.js"
import { addresses, blockAt, diagnosticLines, loadRecord } from "./utils/loadRecord.js"

const region = `data "coder_parameter" "region" {
  name        = "region"
  default     = "us"
  description = "Where"
  option {
    name  = "US"
    value = "us"
  }
  dynamic "option" {
    for_each = ["eu", "au"]
    content {
      name  = option.value
      value = option.value
    }
  }
  option {
    name  = "Asia"
    value = "asia"
  }
  validation {
    regex = "^[a-z]+$"
  }
}
`

describe("Overrides.isOverrideFile", () => {
  const table: ReadonlyArray<[string, boolean]> = [
    ["override.tf", true],
    ["x_override.tf", true],
    ["_override.tf", true],
    ["override.tf.json", true],
    ["x_override.tf.json", true],
    ["modules/net/override.tf", true],
    ["modules/net/a_override.tf", true],
    ["overrides.tf", false],
    ["my_override_file.tf", false],
    ["xoverride.tf", false],
    ["Override.tf", false],
    ["override.tfvars", false],
    ["override", false],
    ["main.tf", false]
  ]
  for (const [path, expected] of table) {
    it(`${path} → ${expected}`, () => expect(Overrides.isOverrideFile(path)).toBe(expected))
  }
})

describe("Overrides: merge rules", () => {
  it.effect("attributes replace the primary's or are added; the override file is not configuration", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": region,
        "override.tf": `data "coder_parameter" "region" {
  default = "eu"
  mutable = true
}
`
      })
      const block = blockAt(t.root, "data.coder_parameter.region")
      expect(block.body["default"]).toBe("eu")
      expect(block.body["mutable"]).toBe(true)
      expect(block.body["description"]).toBe("Where")
      expect(block.file).toBe("main.tf")
      expect(block.line).toBe(1)
      expect((block.body["option"] as Array<unknown>).length).toBe(2)
      expect(t.diagnostics).toEqual([])
      expect(t.root.files).toEqual(["main.tf"])
      expect(addresses(t.root)).toEqual(["data.coder_parameter.region@main.tf:1"])
    }))

  it.effect("a nested block type replaces every primary block of that type, static and dynamic", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": region,
        "x_override.tf": `data "coder_parameter" "region" {
  option {
    name  = "Only"
    value = "only"
  }
}
`
      })
      const block = blockAt(t.root, "data.coder_parameter.region")
      expect(block.body["option"]).toEqual([{ name: "Only", value: "only" }])
      expect(block.body["dynamic"]).toBeUndefined()
      expect(block.body["validation"]).toEqual([{ regex: "^[a-z]+$" }])
      expect(block.nested?.map((n) => `${n.dynamic ? "dynamic " : ""}${n.type}@${n.file}:${n.line}`)).toEqual([
        "validation@main.tf:20",
        "option@x_override.tf:2"
      ])
    }))

  it.effect("a dynamic block in the override counts as its type", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": region,
        "override.tf": `data "coder_parameter" "region" {
  option {
    name  = "First"
    value = "first"
  }
  dynamic "option" {
    for_each = ["x"]
    content {
      name  = option.value
      value = option.value
    }
  }
  validation {
    min = 1
  }
}
`
      })
      const block = blockAt(t.root, "data.coder_parameter.region")
      expect(block.body["option"]).toEqual([{ name: "First", value: "first" }])
      expect(block.body["dynamic"]).toEqual({
        option: [{ for_each: ["x"], content: [{ name: "${option.value}", value: "${option.value}" }] }]
      })
      expect(block.body["validation"]).toEqual([{ min: 1 }])
      expect(block.nested?.map((n) => `${n.dynamic ? "dynamic " : ""}${n.type}@${n.line}`)).toEqual([
        "option@2",
        "dynamic option@6",
        "validation@13"
      ])
    }))

  it.effect("only a dynamic block in the override removes the primary's static blocks of that type too", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": region,
        "override.tf": `data "coder_parameter" "region" {
  dynamic "option" {
    for_each = ["x"]
    content {
      name  = "x"
      value = "x"
    }
  }
}
`
      })
      const block = blockAt(t.root, "data.coder_parameter.region")
      expect(block.body["option"]).toBeUndefined()
      expect(Object.keys(block.body["dynamic"] as object)).toEqual(["option"])
      expect((block.body["dynamic"] as any).option[0].for_each).toEqual(["x"])
    }))

  it.effect("prebuilds on presets and lifecycle everywhere are nested blocks; other keys are attributes", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `data "coder_workspace_preset" "p" {
  name = "p"
  parameters = { a = "1", b = "2" }
  prebuilds {
    instances = 1
    expiration_policy {
      ttl = 60
    }
  }
}
resource "docker_container" "c" {
  image = "x"
  volumes {
    host_path = "/a"
  }
  volumes {
    host_path = "/b"
  }
  dynamic "volumes" {
    for_each = []
    content {}
  }
  lifecycle {
    ignore_changes = [image]
  }
}
`,
        "override.tf": `data "coder_workspace_preset" "p" {
  parameters = { a = "9" }
  prebuilds {
    instances = 3
  }
}
resource "docker_container" "c" {
  volumes {
    host_path = "/c"
  }
  lifecycle {
    create_before_destroy = true
  }
}
`
      })
      const preset = blockAt(t.root, "data.coder_workspace_preset.p")
      expect(preset.body["prebuilds"]).toEqual([{ instances: 3 }])
      expect(preset.body["parameters"]).toEqual({ a: "9" })
      const container = blockAt(t.root, "docker_container.c")
      // `volumes` is not in the schema: an attribute, replaced whole; the dynamic block stays.
      expect(container.body["volumes"]).toEqual([{ host_path: "/c" }])
      expect(Object.keys(container.body["dynamic"] as object)).toEqual(["volumes"])
      expect(container.body["lifecycle"]).toEqual([{ create_before_destroy: true }])
      expect(t.diagnostics).toEqual([])
    }))

  it.effect("an empty override changes nothing", () =>
    Effect.gen(function*() {
      const base = yield* loadRecord({ "main.tf": region })
      const t = yield* loadRecord({
        "main.tf": region,
        "override.tf": `data "coder_parameter" "region" {}\n`,
        "empty_override.tf": ""
      })
      expect(blockAt(t.root, "data.coder_parameter.region")).toEqual(blockAt(base.root, "data.coder_parameter.region"))
      expect(t.diagnostics).toEqual([])
    }))

  it.effect("override files apply one at a time in lexical order, into the first primary block with the key", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "a.tf": `variable "env" {\n  default = "a"\n}\n`,
        "b.tf": `variable "env" {\n  default = "b"\n}\n`,
        "z_override.tf": `variable "env" {\n  default = "z"\n  description = "from z"\n}\n`,
        "override.tf": `variable "env" {\n  default = "o"\n  sensitive = true\n}\n`
      })
      const envs = t.root.blocks.filter((b) => b.address === "variable.env")
      expect(envs.map((b) => [b.file, b.body])).toEqual([
        ["a.tf", { default: "z", description: "from z", sensitive: true }],
        ["b.tf", { default: "b" }]
      ])
    }))

  it.effect("locals merge per attribute into the first primary locals block defining the name", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "a.tf": `locals {\n  x = 1\n}\nlocals {\n  y = 2\n}\n`,
        "b.tf": `locals {\n  y = 3\n  z = 4\n}\n`,
        "override.tf": `locals {\n  y = 20\n  z = 40\n}\n`
      })
      expect(t.root.blocks.filter((b) => b.kind === "locals").map((b) => [b.file, b.line, b.body])).toEqual([
        ["a.tf", 1, { x: 1 }],
        ["a.tf", 4, { y: 20 }],
        ["b.tf", 1, { y: 3, z: 40 }]
      ])
      expect(t.diagnostics).toEqual([])
    }))

  it.effect("overrides also merge module, output, provider and resource blocks", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf":
          `module "m" {\n  source = "./nowhere"\n}\noutput "o" {\n  value = 1\n}\nprovider "docker" {\n  host = "a"\n}\nresource "null_resource" "r" {}\n`,
        "override.tf":
          `module "m" {\n  source = "./m"\n}\noutput "o" {\n  value = 2\n}\nprovider "docker" {\n  host = "b"\n}\nresource "null_resource" "r" {\n  count = 0\n}\n`,
        "m/main.tf": `output "x" {\n  value = 1\n}\n`
      })
      expect(t.root.calls[0]?.module?.dir).toBe("m")
      expect(blockAt(t.root, "output.o").body).toEqual({ value: 2 })
      expect(blockAt(t.root, "provider.docker").body).toEqual({ host: "b" })
      expect(blockAt(t.root, "null_resource.r").body).toEqual({ count: 0 })
    }))
})

describe("Overrides: warnings and errors", () => {
  const disabled = "warning|Override file merging disabled due to an error|"

  it.effect("a terraform block in an override file is skipped with a warning; the rest applies", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `terraform {\n  required_version = ">= 1.0"\n}\nvariable "v" {\n  default = 1\n}\n`,
        "x_override.tf": `terraform {\n  required_version = ">= 2.0"\n}\nvariable "v" {\n  default = 2\n}\n`
      })
      expect(diagnosticLines(t)).toEqual([
        "warning|Override file has unsupported 'terraform' block|'terraform' block in x_override.tf skipped for override merging"
      ])
      expect(blockAt(t.root, "terraform").body).toEqual({ required_version: ">= 1.0" })
      expect(blockAt(t.root, "variable.v").body).toEqual({ default: 2 })
    }))

  it.effect("a .tf.json override file is ignored with a warning", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `variable "v" {\n  default = 1\n}\n`,
        "override.tf.json": `{"variable": {"v": {"default": 2}}}`
      })
      expect(diagnosticLines(t)).toEqual([
        "warning|Override file uses unsupported .tf.json format|override.tf.json skipped for override merging"
      ])
      expect(blockAt(t.root, "variable.v").body).toEqual({ default: 1 })
      expect(t.root.blocks.length).toBe(1)
    }))

  it.effect("a .tf.json primary file in a directory with overrides is loaded but never a merge target", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `variable "a" {\n  default = 1\n}\n`,
        "extra.tf.json": `{"variable": {"b": {"default": 1}}}`,
        "override.tf": `variable "a" {\n  default = 2\n}\n`
      })
      expect(diagnosticLines(t)).toEqual([
        "warning|Primary file uses .tf.json format|extra.tf.json skipped for override merging"
      ])
      expect(blockAt(t.root, "variable.a").body).toEqual({ default: 2 })
      expect(blockAt(t.root, "variable.b").body).toEqual({ default: 1 })
      const noOverrides = yield* loadRecord({ "extra.tf.json": `{"variable": {"b": {"default": 1}}}` })
      expect(noOverrides.diagnostics).toEqual([])
      const unmatched = yield* loadRecord({
        "extra.tf.json": `{"variable": {"b": {"default": 1}}}`,
        "override.tf": `variable "b" {\n  default = 2\n}\n`
      })
      expect(diagnosticLines(unmatched)).toEqual([
        "warning|Primary file uses .tf.json format|extra.tf.json skipped for override merging",
        disabled + `override block "variable.b" in override.tf has no matching block in a primary file`
      ])
      expect(blockAt(unmatched.root, "variable.b").body).toEqual({ default: 1 })
    }))

  it.effect("an unmatched override block disables merging for the directory and drops its override files", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": region,
        "a_override.tf": `data "coder_parameter" "region" {\n  default = "eu"\n}\n`,
        "b_override.tf": `data "coder_parameter" "nope" {\n  default = "x"\n}\n`
      })
      expect(diagnosticLines(t)).toEqual([
        disabled + `override block "data.coder_parameter.nope" in b_override.tf has no matching block in a primary file`
      ])
      expect(Diagnostic.hasErrors(t.diagnostics)).toBe(false)
      expect(blockAt(t.root, "data.coder_parameter.region").body["default"]).toBe("us")
      expect(addresses(t.root)).toEqual(["data.coder_parameter.region@main.tf:1"])
    }))

  it.effect("a local without a base definition is an error, downgraded to a warning", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `locals {\n  a = 1\n}\n`,
        "override.tf": `locals {\n  a = 2\n  b = 3\n}\n`
      })
      expect(diagnosticLines(t)).toEqual([
        "warning|Missing base local value definition to override|Local \"b\" in override.tf has no base definition to override",
        disabled +
        "Missing base local value definition to override; Local \"b\" in override.tf has no base definition to override"
      ])
      expect(t.diagnostics[0]!.range?.file).toBe("override.tf")
      expect(blockAt(t.root, "locals").body).toEqual({ a: 1 })
    }))

  it.effect("an override file that does not parse is a downgraded parse error and disables merging", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `variable "v" {\n  default = 1\n}\n`,
        "a_override.tf": `variable "v" {\n  default = 2\n}\n`,
        "b_override.tf": `variable "v" {\n  default = (\n}\n`
      })
      const lines = diagnosticLines(t)
      expect(lines.length).toBe(2)
      expect(lines[0]).toMatch(/^warning\|Parse terraform files\|b_override\.tf: .+/)
      expect(lines[1]).toMatch(
        /^warning\|Override file merging disabled due to an error\|Parse terraform files; b_override\.tf: /
      )
      expect(Diagnostic.hasErrors(t.diagnostics)).toBe(false)
      expect(blockAt(t.root, "variable.v").body).toEqual({ default: 1 })
    }))

  it.effect("overrides apply per directory: an error in a module directory leaves the root merged", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `module "m" {\n  source = "./m"\n}\nvariable "v" {\n  default = 1\n}\n`,
        "override.tf": `variable "v" {\n  default = 2\n}\n`,
        "m/main.tf": `variable "w" {\n  default = 1\n}\n`,
        "m/override.tf": `variable "w" {\n  default = 2\n}\n`,
        "m/z_override.tf": `variable "missing" {}\n`
      })
      expect(blockAt(t.root, "variable.v").body).toEqual({ default: 2 })
      const m = t.root.calls[0]!.module!
      expect(blockAt(m, "variable.w").body).toEqual({ default: 1 })
      expect(diagnosticLines(t)).toEqual([
        disabled + `override block "variable.missing" in m/z_override.tf has no matching block in a primary file`
      ])
    }))
})
