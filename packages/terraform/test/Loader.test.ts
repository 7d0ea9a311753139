import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as fc from "fast-check"
import * as path from "node:path"
import * as BlockOrder from "../src/BlockOrder.js"
import * as HclParser from "../src/HclParser.js"
import * as Loader from "../src/Loader.js"
import * as TemplateFiles from "../src/TemplateFiles.js"
import { addresses, blockAt, diagnosticLines, loadRecord } from "./utils/loadRecord.js"

const fixture = (name: string) => path.join(import.meta.dirname, "fixtures", "loader", name)

const loadDirectory = (dir: string) =>
  Effect.flatMap(TemplateFiles.fromDirectory(dir), (files) => Loader.load(files)).pipe(
    Effect.provide(NodeFileSystem.layer),
    Effect.provide(HclParser.layer)
  )

const tree = (module: Loader.LoadedModule, indent = ""): Array<string> => [
  `${indent}${module.dir} [${module.callPath.join(".")}]`,
  ...module.calls.flatMap((call) =>
    call.module === undefined
      ? [`${indent}  ${call.name}: not loaded (${call.reason})`]
      : tree(call.module, indent + "  ")
  )
]

describe("Loader: a template directory", () => {
  it.effect("loads root files, local and registry modules, tfvars", () =>
    Effect.gen(function*() {
      const t = yield* loadDirectory(fixture("tree"))
      expect(tree(t.root)).toEqual([
        ". []",
        "  missing: not loaded (module source \"registry.example.com/acme/missing/coder\" is not available locally)",
        "  modules/net [net]",
        "    modules/shared [net.shared]",
        "  .terraform/modules/reg [reg]",
        "    .terraform/modules/reg/inner [reg.inner]"
      ])
      expect(t.root.files).toEqual(["extra.tf", "main.tf"])
      expect(addresses(t.root)).toEqual([
        "data.coder_parameter.a@extra.tf:1",
        "data.coder_parameter.a@main.tf:25",
        "data.coder_parameter.b@main.tf:18",
        "module.missing@main.tf:14",
        "module.net@main.tf:4",
        "module.reg@main.tf:9",
        "variable.region@extra.tf:5"
      ])
      expect(t.root.calls.map((c) => [c.name, c.source])).toEqual([
        ["missing", "registry.example.com/acme/missing/coder"],
        ["net", "./modules/net"],
        ["reg", "registry.example.com/acme/reg/coder"]
      ])
      expect(Object.fromEntries(t.tfvars)).toEqual({ region: "json", hidden: 1, size: 3 })
      expect(t.diagnostics).toEqual([])
      expect(t.fatal).toBeUndefined()
      expect(Loader.modules(t).map((m) => m.dir)).toEqual([
        ".",
        "modules/net",
        "modules/shared",
        ".terraform/modules/reg",
        ".terraform/modules/reg/inner"
      ])
    }))
})

describe("Loader: configuration files", () => {
  it.effect("reads .tf files in lexical order, sorts blocks by address, keeps duplicates in written order", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "b.tf": `data "coder_parameter" "x" {\n  name = "b1"\n}\n\ndata "coder_parameter" "x" {\n  name = "b2"\n}\n`,
        "a.tf":
          `resource "docker_image" "img" {}\ndata "coder_parameter" "x" {\n  name = "a1"\n}\nlocals {\n  l = 1\n}\n`,
        "c.txt": `data "coder_parameter" "ignored" {}\n`,
        "sub/d.tf": `data "coder_parameter" "ignored" {}\n`
      })
      expect(addresses(t.root)).toEqual([
        "data.coder_parameter.x@a.tf:2",
        "data.coder_parameter.x@b.tf:1",
        "data.coder_parameter.x@b.tf:5",
        "docker_image.img@a.tf:1",
        "locals@a.tf:5"
      ])
      expect(t.root.blocks.map((b) => b.body["name"] ?? null)).toEqual(["a1", "b1", "b2", null, null])
      expect(BlockOrder.writtenOrder(t.root.blocks).map((b) => `${b.file}:${b.line}`)).toEqual([
        "a.tf:1",
        "a.tf:2",
        "a.tf:5",
        "b.tf:1",
        "b.tf:5"
      ])
      const image = blockAt(t.root, "docker_image.img")
      expect([image.kind, image.type, image.name, image.key]).toEqual([
        "resource",
        "docker_image",
        "img",
        "resource.docker_image.img"
      ])
      const locals = blockAt(t.root, "locals")
      expect([locals.kind, locals.type, locals.name, locals.labels]).toEqual(["locals", undefined, undefined, []])
    }))

  it.effect("reads .tf.json files with JSON.parse into the same shape", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf.json": JSON.stringify({
          "//": "a comment",
          data: {
            coder_parameter: {
              region: {
                name: "region",
                "//": "ignored",
                option: { name: "US", value: "us" },
                validation: [{ regex: "^u" }],
                dynamic: { option: { for_each: "${var.regions}", content: { name: "${option.value}" } } },
                tags: { a: "b" }
              }
            },
            coder_workspace_preset: { p: { prebuilds: { instances: 1, scheduling: { schedule: { cron: "x" } } } } }
          },
          variable: { regions: { type: "list(string)", default: ["eu"] }, typed: { type: "${string}" } },
          resource: [{ null_resource: { a: {} } }, { null_resource: { b: [{}, { count: 0 }] } }],
          locals: [{ a: 1 }, { b: "${local.a}" }],
          module: { m: { source: "./m" } }
        }),
        "m/main.tf": ""
      })
      expect(t.diagnostics).toEqual([])
      expect(addresses(t.root)).toEqual([
        "data.coder_parameter.region@main.tf.json:?",
        "data.coder_workspace_preset.p@main.tf.json:?",
        "locals@main.tf.json:?",
        "locals@main.tf.json:?",
        "module.m@main.tf.json:?",
        "null_resource.a@main.tf.json:?",
        "null_resource.b@main.tf.json:?",
        "null_resource.b@main.tf.json:?",
        "variable.regions@main.tf.json:?",
        "variable.typed@main.tf.json:?"
      ])
      expect(blockAt(t.root, "data.coder_parameter.region").body).toEqual({
        name: "region",
        option: [{ name: "US", value: "us" }],
        validation: [{ regex: "^u" }],
        dynamic: { option: [{ for_each: "${var.regions}", content: [{ name: "${option.value}" }] }] },
        tags: { a: "b" }
      })
      expect(blockAt(t.root, "data.coder_workspace_preset.p").body).toEqual({
        prebuilds: [{ instances: 1, scheduling: [{ schedule: [{ cron: "x" }] }] }]
      })
      expect(blockAt(t.root, "variable.regions").body["type"]).toBe("${list(string)}")
      expect(blockAt(t.root, "variable.typed").body["type"]).toBe("${string}")
      expect(t.root.blocks.filter((b) => b.kind === "locals").map((b) => b.body)).toEqual([{ a: 1 }, {
        b: "${local.a}"
      }])
      expect(t.root.calls[0]?.module?.dir).toBe("m")
    }))

  it.effect("skips a file that does not parse with the error `Parse terraform files`", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "a.tf": `variable "ok" {}\n`,
        "b.tf": `locals {\n  broken = (true\n}\n`,
        "c.tf.json": `{"variable": `,
        "d.tf.json": `[1, 2]`,
        "e.tf": `variable "also_ok" {}\n`
      })
      const lines = diagnosticLines(t)
      expect(lines.length).toBe(3)
      expect(lines[0]).toMatch(/^error\|Parse terraform files\|b\.tf: Unbalanced parentheses; /)
      expect(lines[1]).toMatch(/^error\|Parse terraform files\|c\.tf\.json: .+/)
      expect(lines[2]).toBe(
        "error|Parse terraform files|d.tf.json: the root of a Terraform JSON configuration must be an object"
      )
      expect(t.diagnostics[0]!.range?.file).toBe("b.tf")
      expect(t.diagnostics[0]!.range?.start.line).toBe(3)
      expect(t.root.files).toEqual(["a.tf", "e.tf"])
      expect(addresses(t.root)).toEqual(["variable.also_ok@e.tf:1", "variable.ok@a.tf:1"])
    }))

  it.effect("refuses a pathologically nested file as a parse error", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `variable "ok" {}\n`,
        "deep.tf": "locals {\n  x = " + "[".repeat(3000) + "]".repeat(3000) + "\n}\n"
      })
      expect(diagnosticLines(t)).toEqual([
        "error|Parse terraform files|deep.tf: Nesting too deep; the file nests blocks, brackets and template sequences more than 256 levels deep"
      ])
      expect(addresses(t.root)).toEqual(["variable.ok@main.tf:1"])
    }))

  it.effect("refuses .tf.json documents nested past the budget (resource_limit), before decoding them", () =>
    Effect.gen(function*() {
      let dynamic = "{}"
      for (let i = 0; i < 20000; i++) dynamic = `{"dynamic": {"x": {"content": ${dynamic}}}}`
      const t = yield* loadRecord({
        "main.tf": `variable "ok" {}\n`,
        "deep.tf.json": `{"data": {"coder_parameter": {"p": ${dynamic}}}}`
      })
      const lines = diagnosticLines(t)
      expect(lines.length).toBe(1)
      expect(lines[0]).toMatch(
        /^error\|Resource limit exceeded: more than 1000 levels of nesting \(maxNestingDepth\)\|deep\.tf\.json:1,\d+: .+/
      )
      expect(t.diagnostics[0]?.code).toBe("resource_limit")
      expect(addresses(t.root)).toEqual(["variable.ok@main.tf:1"])
    }))

  it.effect("includes the snapshot's warnings first", () =>
    Effect.gen(function*() {
      const warning = {
        severity: "warning",
        summary: "Skipped template file",
        detail: "x",
        code: "file_skipped"
      } as const
      const files = { ...TemplateFiles.empty, warnings: [warning] }
      const t = yield* Loader.load(files).pipe(Effect.provide(HclParser.layer))
      expect(t.diagnostics).toEqual([warning])
      expect(t.root.blocks).toEqual([])
    }))

  it.effect("records nested blocks in written order for UI order", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `data "coder_parameter" "p" {
  name = "p"
  option {
    value = "first"
  }
  dynamic "option" {
    for_each = ["second", "third"]
    content {
      value = option.value
    }
  }
  option {
    value = "last"
  }
}
`
      })
      const p = blockAt(t.root, "data.coder_parameter.p")
      expect(BlockOrder.nestedInWrittenOrder(p, "option")).toEqual([
        { dynamic: false, body: { value: "first" } },
        { dynamic: true, body: { for_each: ["second", "third"], content: [{ value: "${option.value}" }] } },
        { dynamic: false, body: { value: "last" } }
      ])
    }))
})

describe("Loader: modules", () => {
  it.effect("resolves ./ and ../ sources against the calling module's directory", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `module "a" {\n  source = "./modules/a/"\n}\n`,
        "modules/a/main.tf": `module "b" {\n  source = "../b"\n}\nmodule "c" {\n  source = "./../../modules/./c"\n}\n`,
        "modules/b/main.tf": `output "o" {\n  value = 1\n}\n`,
        "modules/c/main.tf": `output "o" {\n  value = 2\n}\n`
      })
      expect(tree(t.root)).toEqual([
        ". []",
        "  modules/a [a]",
        "    modules/b [a.b]",
        "    modules/c [a.c]"
      ])
    }))

  it.effect("looks up other sources in .terraform/modules/modules.json by call path", () =>
    Effect.gen(function*() {
      const manifest = {
        Modules: [
          { Key: "", Source: "", Dir: "." },
          { Key: "x", Source: "registry/x", Version: "1.0.0", Dir: ".terraform/modules/x" },
          { Key: "x.y", Source: "registry/y", Dir: "./.terraform/modules/x.y" },
          { Key: "z", Source: "registry/z", Dir: "../outside" },
          { Key: "w", Source: "registry/w", Dir: ".terraform/modules/empty" }
        ]
      }
      const t = yield* loadRecord({
        "main.tf":
          `module "x" {\n  source = "registry/x"\n}\nmodule "z" {\n  source = "registry/z"\n}\nmodule "w" {\n  source = "registry/w"\n}\nmodule "dyn" {\n  source = "\${var.s}"\n}\n`,
        ".terraform/modules/modules.json": JSON.stringify(manifest),
        ".terraform/modules/x/main.tf":
          `module "y" {\n  source = "registry/y"\n}\nmodule "local" {\n  source = "./sub"\n}\n`,
        ".terraform/modules/x/sub/main.tf": `locals {}\n`,
        ".terraform/modules/x.y/main.tf": `locals {}\n`,
        ".terraform/modules/empty/README.md": "",
        "outside/main.tf": ""
      })
      expect(tree(t.root)).toEqual([
        ". []",
        "  dyn: not loaded (the module has no literal source and no entry in the module manifest)",
        "  w: not loaded (module directory \".terraform/modules/empty\" has no configuration files)",
        "  .terraform/modules/x [x]",
        "    .terraform/modules/x/sub [x.local]",
        "    .terraform/modules/x.y [x.y]",
        "  z: not loaded (module directory \"../outside\" in .terraform/modules/modules.json leaves the template directory)"
      ])
      expect(t.root.calls.find((c) => c.name === "dyn")?.source).toBeUndefined()
    }))

  it.effect("leaves missing modules, escaping sources and cycles unloaded", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": [
          `module "gone" {\n  source = "./gone"\n}`,
          `module "escape" {\n  source = "../sibling"\n}`,
          `module "self" {\n  source = "./"\n}`,
          `module "loop" {\n  source = "./loop"\n}`,
          `module "registry" {\n  source = "hashicorp/consul/aws"\n}`
        ].join("\n") + "\n",
        "loop/main.tf": `module "back" {\n  source = "../"\n}\nmodule "again" {\n  source = "./"\n}\n`
      })
      expect(tree(t.root)).toEqual([
        ". []",
        "  escape: not loaded (module source \"../sibling\" leaves the template directory)",
        "  gone: not loaded (module source \"./gone\" is not available locally)",
        "  loop [loop]",
        "    again: not loaded (module \"again\" would load \"loop\", which is already being loaded (a cycle))",
        "    back: not loaded (module \"back\" would load \".\", which is already being loaded (a cycle))",
        "  registry: not loaded (module source \"hashicorp/consul/aws\" is not available locally)",
        "  self: not loaded (module \"self\" would load \".\", which is already being loaded (a cycle))"
      ])
      expect(t.diagnostics).toEqual([])
    }))

  it.effect("bounds module depth and count; a directory used twice is parsed once and shared", () =>
    Effect.gen(function*() {
      const record: Record<string, string> = { "main.tf": `module "m0" {\n  source = "./m0"\n}\n` }
      for (let i = 0; i < 5; i++) record[`m${i}/main.tf`] = `module "m${i + 1}" {\n  source = "../m${i + 1}"\n}\n`
      record["m5/main.tf"] = `locals {}\n`
      const deep = yield* loadRecord(record, { maxModuleDepth: 3 })
      expect(tree(deep.root)).toEqual([
        ". []",
        "  m0 [m0]",
        "    m1 [m0.m1]",
        "      m2 [m0.m1.m2]",
        "        m3: not loaded (modules are nested more than 3 levels deep)"
      ])
      const fan = yield* loadRecord({
        "main.tf":
          `module "a" {\n  source = "./shared"\n}\nmodule "b" {\n  source = "./shared"\n}\nmodule "c" {\n  source = "./shared"\n}\n`,
        "shared/main.tf": `variable "v" {}\n`
      }, { maxModules: 2 })
      expect(tree(fan.root)).toEqual([
        ". []",
        "  shared [a]",
        "  shared [b]",
        "  c: not loaded (more than 2 modules are loaded)"
      ])
      expect(fan.root.calls[0]!.module!.blocks).toBe(fan.root.calls[1]!.module!.blocks)
    }))

  it.effect("warns about an unreadable module manifest", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `module "x" {\n  source = "registry/x"\n}\n`,
        ".terraform/modules/modules.json": "{nope"
      })
      expect(t.root.calls[0]!.module).toBeUndefined()
      expect(diagnosticLines(t)[0]).toMatch(/^warning\|Invalid module manifest\|\.terraform\/modules\/modules\.json: /)
    }))

  it.effect("applies overrides before resolving module sources", () =>
    Effect.gen(function*() {
      const t = yield* loadRecord({
        "main.tf": `module "m" {\n  source = "./old"\n}\n`,
        "m_override.tf": `module "m" {\n  source = "./new"\n}\n`,
        "new/main.tf": `locals {}\n`
      })
      expect(t.root.calls[0]!.module?.dir).toBe("new")
    }))
})

describe("Loader: robustness", () => {
  const base: Record<string, string> = {
    "main.tf": `data "coder_parameter" "p" {
  name = "p"
  option {
    value = "\${local.v}"
  }
  dynamic "option" {
    for_each = [1]
    content {
      value = <<-EOT
        x
      EOT
    }
  }
}
module "m" {
  source = "./m"
}
locals {
  v = "a"
}
`,
    "override.tf": `data "coder_parameter" "p" {\n  name = "q"\n}\nlocals {\n  v = "b"\n}\n`,
    "m/main.tf": `variable "x" {}\n`,
    "extra.tf.json": `{"variable": {"j": {"type": "string"}}}`,
    "a.tfvars": `x = 1\n`,
    "b.tfvars.json": `{"y": 2}`,
    ".terraform/modules/modules.json": `{"Modules": []}`
  }
  const paths = Object.keys(base)
  const mutation = fc.record({
    file: fc.constantFrom(...paths),
    at: fc.nat(),
    remove: fc.nat({ max: 8 }),
    insert: fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom("{", "}", "\"", "${", "<<EOT\n", "\n", "#", "/*", "(", "[", "module \"z\" {", "../")
    )
  })

  it.effect("never fails or dies on mutated templates (property)", () =>
    Effect.gen(function*() {
      const samples = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 4 }), { numRuns: 60, seed: 3 })
      for (const mutations of samples) {
        const record = { ...base }
        for (const m of mutations) {
          const text = record[m.file]!
          const at = m.at % (text.length + 1)
          record[m.file] = text.slice(0, at) + m.insert + text.slice(at + m.remove)
        }
        const exit = yield* Effect.exit(loadRecord(record))
        expect(exit._tag, JSON.stringify(mutations)).toBe("Success")
      }
    }))
})
