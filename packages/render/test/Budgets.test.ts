/**
 * Evaluation budgets (issue 11, item 3): every limit, just under and just over, gives a render
 * that passes and one that stops with a single `resource_limit` diagnostic naming the limit, its
 * value and the source position; the project's fixtures and example templates never meet a
 * budget; hostile inputs are refused in bounded time.
 */
import { describe, expect, it } from "@effect/vitest"
import type { RenderOutput } from "@warmpool/render"
import { Budgets, CompiledTemplate, HclParser, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import * as path from "node:path"
import { renderTemplate } from "../src/internal/render.js"
import {
  compile,
  type Files,
  fixtureCases,
  fixtureFiles,
  fixtureNames,
  inputsOf,
  type TestInputs
} from "./utils/render.js"

/** Compile with explicit budgets (the load-time limits apply while compiling). */
const compileWith = (files: Files, budgets: Budgets.Budgets) =>
  Effect.suspend(() => {
    const snapshot = TemplateFiles.fromRecord(files)
    if (Either.isLeft(snapshot)) return Effect.die(snapshot.left)
    return CompiledTemplate.compile(snapshot.right)
  }).pipe(Effect.provide(HclParser.layer), Effect.provideService(Budgets.CurrentBudgets, budgets))

const limitErrors = (output: RenderOutput.RenderOutput) =>
  output.diagnostics.filter((d) => d.extra.code === Budgets.code)

const generous = Budgets.make({ maxSteps: 1e12, maxCollectionElements: 1e9, maxInstances: 1e9 })

/**
 * Renders with one budget set to `value` (the others generous), selectively and fully: both
 * meet the same size limits (full evaluation takes more steps, so not for `maxSteps`).
 */
const renderWithLimit = (files: Files, limit: Budgets.Limit, value: number, inputs: TestInputs = {}) =>
  Effect.map(compileWith(files, Budgets.make({ [limit]: value }, generous)), (template) => {
    const selective = renderTemplate(template, inputsOf(inputs)).output
    if (limit !== "maxSteps") {
      const full = renderTemplate(template, inputsOf(inputs), { full: true }).output
      expect(limitErrors(full).length > 0).toBe(limitErrors(selective).length > 0)
    }
    return selective
  })

const expectLimit = (output: RenderOutput.RenderOutput, limit: Budgets.Limit, value: number, at: RegExp) => {
  expect(output.diagnostics).toHaveLength(1)
  const d = output.diagnostics[0]!
  expect(d.severity).toBe("error")
  expect(d.extra.code).toBe("resource_limit")
  expect(d.summary).toContain(`more than ${value} `)
  expect(d.summary).toContain(`(${limit})`)
  expect(d.detail).toMatch(at)
  expect(output.parameters).toEqual([])
}

const parameter = (value: string) =>
  `data "coder_parameter" "p" {\n  name = "p"\n  type = "string"\n  default = ${value}\n}\n`

interface Case {
  readonly name: string
  readonly limit: Budgets.Limit
  /** The smallest value of the budget that lets the render through. */
  readonly fits: number
  readonly files: Files
  readonly inputs?: TestInputs
  /** Where the excess is reported (the start of the detail). */
  readonly at: RegExp
}

const deepJson = (n: number) => "[".repeat(n) + "1" + "]".repeat(n)

const cases: ReadonlyArray<Case> = [
  {
    name: "count of a data block",
    limit: "maxInstances",
    fits: 7,
    files: {
      "main.tf": `data "coder_parameter" "p" {\n  count = 7\n  name = "p\${count.index}"\n  type = "string"\n}\n`
    },
    at: /^main\.tf:1,1: This count or for_each asks for 7 instances/
  },
  {
    name: "for_each of a resource",
    limit: "maxInstances",
    fits: 4,
    files: {
      "main.tf": `resource "null_resource" "r" {\n  for_each = toset(["a", "b", "c", "d"])\n}\n` +
        parameter(`tostring(length(null_resource.r))`)
    },
    at: /^main\.tf:\d+,\d+: /
  },
  {
    name: "count of a module",
    limit: "maxInstances",
    fits: 12,
    files: {
      "main.tf": `module "m" {\n  source = "./m"\n  count = 12\n}\n` + parameter(`tostring(length(module.m))`),
      "m/main.tf": `output "o" {\n  value = 1\n}\n`
    },
    at: /^main\.tf:\d+,\d+: /
  },
  {
    name: "dynamic blocks",
    limit: "maxInstances",
    fits: 3,
    files: {
      "main.tf": `data "coder_parameter" "p" {\n  name = "p"\n  type = "string"\n  dynamic "option" {\n` +
        `    for_each = ["a", "b", "c"]\n    content {\n      name = option.value\n      value = option.value\n    }\n  }\n}\n`
    },
    at: /^main\.tf:\d+,\d+: /
  },
  {
    name: "concat",
    limit: "maxCollectionElements",
    fits: 300,
    files: { "main.tf": parameter(`tostring(length(concat(range(100), range(100), range(100))))`) },
    at: /^main\.tf:\d+,\d+: This collection would have 300 elements/
  },
  {
    name: "setproduct (refused before it is built)",
    limit: "maxCollectionElements",
    fits: 1000,
    files: { "main.tf": parameter(`tostring(length(setproduct(range(10), range(10), range(10))))`) },
    at: /^main\.tf:\d+,\d+: This collection would have 1000 elements/
  },
  {
    name: "flatten of a shared list",
    limit: "maxCollectionElements",
    fits: 1024 * 64,
    files: {
      "main.tf": `locals {\n  row = range(1024)\n}\n` +
        parameter(`tostring(length(flatten([for i in range(64) : local.row])))`)
    },
    at: /^main\.tf:\d+,\d+: This collection would have 65536 elements/
  },
  {
    name: "setunion",
    limit: "maxCollectionElements",
    fits: 2048,
    files: { "main.tf": parameter(`tostring(length(setunion(range(1024), [for i in range(1024) : i + 1024])))`) },
    at: /^main\.tf:\d+,\d+: /
  },
  {
    name: "join",
    limit: "maxStringBytes",
    fits: 4096,
    files: { "main.tf": parameter(`join("", [for i in range(1024) : "abcd"])`) },
    at: /^main\.tf:\d+,\d+: This string would be 4096 characters long/
  },
  {
    name: "a template doubling a string",
    limit: "maxStringBytes",
    fits: 2048,
    files: {
      "main.tf": `locals {\n  a = join("", [for i in range(1024) : "x"])\n  b = "\${local.a}\${local.a}"\n}\n` +
        parameter("local.b")
    },
    at: /^main\.tf:\d+,\d+: This string would be 2048 characters long/
  },
  {
    // estimated before the call: the format text and its widths
    name: "format padding (refused before it is built)",
    limit: "maxStringBytes",
    fits: "%5000s".length + 5000,
    files: { "main.tf": parameter(`format("%5000s", "")`) },
    at: /^main\.tf:\d+,\d+: /
  },
  {
    name: "a terraform.tfvars file",
    limit: "maxTfvarsBytes",
    fits: 2006,
    files: {
      "main.tf": `variable "x" {\n  type = string\n}\n` + parameter("var.x"),
      "terraform.tfvars": `x = "${"a".repeat(2000)}"`
    },
    at: /^The variable files \(terraform\.tfvars\) are 2006 bytes long together/
  },
  {
    name: "one configuration file",
    limit: "maxFileBytes",
    fits: parameter(`"${"a".repeat(3000)}"`).length,
    files: { "main.tf": parameter(`"${"a".repeat(3000)}"`) },
    at: /^main\.tf: the file is \d+ bytes long/
  },
  {
    name: "all files of the version",
    limit: "maxTotalFileBytes",
    fits: parameter(`"x"`).length + 5000,
    files: { "main.tf": parameter(`"x"`), "README.md": "r".repeat(5000) },
    at: /^The template version's files are \d+ bytes long in total/
  },
  {
    name: "a .tf.json document",
    limit: "maxNestingDepth",
    fits: 52,
    files: { "main.tf.json": `{"locals": {"x": ${deepJson(50)}}}` },
    at: /^main\.tf\.json:1,\d+: This JSON document nests too deeply/
  },
  {
    name: "a terraform.tfvars.json document",
    limit: "maxNestingDepth",
    fits: 41,
    files: { "main.tf": `variable "x" {}\n` + parameter(`"a"`), "terraform.tfvars.json": `{"x": ${deepJson(40)}}` },
    at: /^terraform\.tfvars\.json:1,\d+: This JSON document nests too deeply/
  },
  {
    name: "jsondecode",
    limit: "maxNestingDepth",
    fits: 30,
    files: { "main.tf": parameter(`tostring(length(jsondecode("${deepJson(30)}")))`) },
    at: /^main\.tf:\d+,\d+: This JSON document nests too deeply/
  },
  {
    name: "a variable value given by the caller",
    limit: "maxNestingDepth",
    fits: 20,
    files: { "main.tf": `variable "x" {}\n` + parameter(`tostring(length(var.x))`) },
    inputs: { tfvars: { x: JSON.parse(deepJson(20)) } },
    at: /The value given for variable "x" nests too deeply/
  }
]

describe("each budget: just under passes, just over is a resource_limit diagnostic", () => {
  for (const c of cases) {
    it.effect(`${c.limit}: ${c.name}`, () =>
      Effect.gen(function*() {
        const under = yield* renderWithLimit(c.files, c.limit, c.fits, c.inputs)
        expect(limitErrors(under)).toEqual([])
        const over = yield* renderWithLimit(c.files, c.limit, c.fits - 1, c.inputs)
        expectLimit(over, c.limit, c.fits - 1, c.at)
      }))
  }
})

describe("maxSteps", () => {
  const files = {
    "main.tf": `locals {\n  xs = [for i in range(1000) : i * 2 if i % 3 == 0]\n}\n` +
      parameter(`tostring(sum([for x in local.xs : x + 1]))`)
  }

  it.effect("the smallest budget that fits passes, one step less stops the render", () =>
    Effect.gen(function*() {
      // find the exact cost by bisection, then check both sides of it
      let lo = 1
      let hi = 1_000_000
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2)
        const out = yield* renderWithLimit(files, "maxSteps", mid)
        if (limitErrors(out).length === 0) hi = mid
        else lo = mid + 1
      }
      expect(lo).toBeGreaterThan(1000)
      expect(lo).toBeLessThan(20_000)
      expect(limitErrors(yield* renderWithLimit(files, "maxSteps", lo))).toEqual([])
      expectLimit(yield* renderWithLimit(files, "maxSteps", lo - 1), "maxSteps", lo - 1, /^main\.tf:\d+,\d+: /)
    }))

  it.effect("bcrypt is charged by its cost before it hashes", () =>
    Effect.gen(function*() {
      const start = Date.now()
      const out = yield* compile({ "main.tf": parameter(`join(",", [for i in range(100) : bcrypt("x", 14)])`) }).pipe(
        Effect.map((template) => renderTemplate(template, inputsOf()).output)
      )
      expectLimit(out, "maxSteps", Budgets.defaults.maxSteps, /^main\.tf:\d+,\d+: /)
      expect(Date.now() - start).toBeLessThan(5_000)
    }))

  it.effect("a render that would take minutes stops within the default budget", () =>
    Effect.gen(function*() {
      const start = Date.now()
      const out = yield* compile({
        "main.tf": parameter(
          `jsonencode(distinct(flatten([for a in range(60) : [for b in range(1024) : "\${a}-\${b}"]])))`
        )
      }).pipe(Effect.map((template) => renderTemplate(template, inputsOf()).output))
      expectLimit(out, "maxSteps", Budgets.defaults.maxSteps, /^main\.tf:\d+,\d+: /)
      expect(Date.now() - start).toBeLessThan(10_000)
    }))
})

describe("the default budgets", () => {
  it.effect("refuse a count of ten million and a module count of a million at once", () =>
    Effect.gen(function*() {
      const start = Date.now()
      for (
        const files of [
          { "main.tf": `data "coder_parameter" "p" {\n  count = 10000000\n  name = "p"\n  type = "string"\n}\n` },
          { "main.tf": `module "m" {\n  source = "./m"\n  count = 1e6\n}\n`, "m/main.tf": `locals {\n  a = 1\n}\n` }
        ]
      ) {
        const out = yield* Effect.map(compile(files), (template) => renderTemplate(template, inputsOf()).output)
        expectLimit(out, "maxInstances", 10_000, /^main\.tf:\d+,\d+: /)
      }
      expect(Date.now() - start).toBeLessThan(5_000)
    }))

  const examplesDir = path.join(import.meta.dirname, "..", "..", "..", "examples", "templates")
  const readDir = (root: string): Files => {
    const out: Record<string, string> = {}
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name)
        if (entry.isDirectory()) walk(full)
        else out[path.relative(root, full).split(path.sep).join("/")] = fs.readFileSync(full, "utf8")
      }
    }
    walk(root)
    return out
  }
  const templates: ReadonlyArray<readonly [string, Files, Readonly<Record<string, TestInputs>>]> = [
    ...fixtureNames().map((name) => [`fixture ${name}`, fixtureFiles(name), fixtureCases(name)] as const),
    ...fs.readdirSync(examplesDir).map((name) =>
      [`example ${name}`, readDir(path.join(examplesDir, name)), { blank: {} }] as const
    )
  ]

  for (const [name, files, inputs] of templates) {
    it.effect(`${name} renders exactly as without budgets`, () =>
      Effect.gen(function*() {
        const limited = yield* compile(files)
        const unlimited = yield* compileWith(
          files,
          Budgets.make({
            maxSteps: 1e15,
            maxCollectionElements: 1e15,
            maxInstances: 1e15,
            maxStringBytes: 1e15,
            maxFileBytes: 1e15,
            maxTotalFileBytes: 1e15,
            maxTfvarsBytes: 1e15
          })
        )
        for (const input of Object.values(inputs)) {
          const a = renderTemplate(limited, inputsOf(input)).output
          expect(limitErrors(a)).toEqual([])
          expect(a).toEqual(renderTemplate(unlimited, inputsOf(input)).output)
        }
      }))
  }
})

describe("a root variable's default over a budget", () => {
  it.effect("stops every render of the template, not only the first (variables over budget are not kept)", () =>
    Effect.gen(function*() {
      const template = yield* compileWith(
        { "main.tf": `variable "v" {\n  default = range(1000)\n}\n` + parameter(`"a"`) },
        Budgets.make({ maxCollectionElements: 100 }, generous)
      )
      for (let i = 0; i < 2; i++) {
        const output = renderTemplate(template, inputsOf()).output
        expect(limitErrors(output)).toHaveLength(1)
        expect(output.parameters).toEqual([])
      }
    }))
})
