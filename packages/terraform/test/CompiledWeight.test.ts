/**
 * `CompiledTemplate.weight`, the estimated retained bytes of a compiled template, counted while
 * compiling: it grows with what compile builds (nodes, references, blocks, module calls, source
 * bytes), a hostile shape weighs several times a normal template of the same size, and it bounds
 * the heap a compiled template really keeps (measured in a process of its own, on the built module).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as CompiledTemplate from "../src/CompiledTemplate.js"
import * as Evaluator from "../src/ExpressionEvaluator.js"
import * as Parser from "../src/ExpressionParser.js"
import * as FunctionTable from "../src/FunctionTable.js"
import * as HclParser from "../src/HclParser.js"
import * as TemplateFiles from "../src/TemplateFiles.js"

const compile = (record: Record<string, string>) =>
  CompiledTemplate.compile(Either.getOrThrow(TemplateFiles.fromRecord(record))).pipe(Effect.provide(HclParser.layer))

const weightOf = (record: Record<string, string>) => Effect.map(compile(record), (t) => t.weight)

const sourceBytes = (record: Record<string, string>) =>
  Object.values(record).reduce((sum, text) => sum + new TextEncoder().encode(text).length, 0)

const repeat = (n: number, f: (i: number) => string, separator: string) =>
  Array.from({ length: n }, (_, i) => f(i)).join(separator)

/** `n` parameters of the usual kind (options, a validation) and a local reading them. */
const normal = (n: number) => ({
  "main.tf": repeat(
    n,
    (i) =>
      `data "coder_parameter" "p${i}" {
  name         = "p${i}"
  display_name = "Parameter ${i}"
  description  = "Parameter number ${i}."
  type         = "string"
  default      = "a${i}"
  option {
    name  = "A ${i}"
    value = "a${i}"
  }
  validation {
    regex = "^[a-z]+[0-9]+$"
    error = "a word and a number"
  }
}`,
    "\n"
  ) + `\nlocals {\n  all = [${repeat(n, (i) => `data.coder_parameter.p${i}.value`, ", ")}]\n}\n`
})

const tallyOf = (hcl2jsonString: string) => {
  const tally = Evaluator.emptyTally()
  Evaluator.compile(
    Parser.parseHcl2JsonString(hcl2jsonString, { file: "main.tf" }).expression,
    FunctionTable.standard,
    [],
    tally
  )
  return tally
}

describe("the compile tally", () => {
  it("counts expressions, nodes of constant and other expressions, and references", () => {
    expect(tallyOf("${1 + 2 + 3}")).toEqual({
      expressions: 1,
      nodes: 0,
      constantNodes: 5,
      references: 0,
      bodies: 0,
      blocks: 0
    })
    expect(tallyOf("${[var.a, local.b, 1]}")).toEqual({
      expressions: 1,
      nodes: 4,
      constantNodes: 0,
      references: 2,
      bodies: 0,
      blocks: 0
    })
    const tally = Evaluator.emptyTally()
    for (const source of ["a", "${var.a}", "${upper(var.b)}"]) {
      Evaluator.compile(Parser.parseHcl2JsonString(source).expression, FunctionTable.standard, [], tally)
    }
    expect(tally).toEqual({ expressions: 3, nodes: 3, constantNodes: 1, references: 2, bodies: 0, blocks: 0 })
  })

  it("weightOf is the linear sum of the coefficients", () => {
    const c = CompiledTemplate.weightCoefficients
    const tally = { expressions: 2, nodes: 3, constantNodes: 5, references: 7, bodies: 17, blocks: 13 }
    expect(CompiledTemplate.weightOf(tally, { totalBytes: 11, fileCount: 19 })).toBe(
      c.base + 11 * c.sourceByte + 19 * c.file + 3 * c.node + 5 * c.constantNode + 7 * c.reference + 2 * c.expression +
        13 * c.block + 17 * c.body
    )
    expect(CompiledTemplate.weightOf(Evaluator.emptyTally(), { totalBytes: 0, fileCount: 0 })).toBe(c.base)
  })
})

describe("CompiledTemplate.weight", () => {
  it.effect("counts block bodies, nested ones included", () =>
    Effect.gen(function*() {
      const template = yield* compile({
        "main.tf": `data "coder_parameter" "p" {\n  name = "p"\n${repeat(10, () => "  option {}", "\n")}\n}\n`
      })
      const bare = yield* weightOf({ "main.tf": `data "coder_parameter" "p" {\n  name = "p"\n}\n` })
      // ten empty bodies: no expression in them, still weighed (plus their source bytes)
      expect(template.weight - bare).toBeGreaterThanOrEqual(10 * CompiledTemplate.weightCoefficients.body)
    }))

  it.effect("grows with the template: parameters, references, module calls", () =>
    Effect.gen(function*() {
      const ten = yield* weightOf(normal(10))
      const hundred = yield* weightOf(normal(100))
      expect(hundred).toBeGreaterThan(8 * ten)
      expect(hundred).toBeLessThan(12 * ten)
      // one more reference in an otherwise identical template
      const plain = yield* weightOf({ "main.tf": `locals {\n  x = [1, 2]\n}\n` })
      const referring = yield* weightOf({ "main.tf": `locals {\n  x = [1, var.a]\n}\n` })
      expect(referring - plain).toBeGreaterThanOrEqual(CompiledTemplate.weightCoefficients.reference)
      // a module is compiled once per call: ten calls weigh about ten times its body
      const module = `variable "a" {}\nlocals {\n  b = [${repeat(100, () => "var.a", ", ")}]\n}\n`
      const calls = (n: number) => ({
        "main.tf": repeat(n, (i) => `module "m${i}" {\n  source = "./m"\n  a = 1\n}`, "\n"),
        "m/main.tf": module
      })
      const one = yield* weightOf(calls(1))
      const ten_ = yield* weightOf(calls(10))
      expect(ten_).toBeGreaterThan(8 * one)
    }))

  it.effect("hostile shapes weigh several times a normal template of the same source size", () =>
    Effect.gen(function*() {
      const reference = normal(60)
      const size = sourceBytes(reference)
      const perByte = (yield* weightOf(reference)) / size
      const hostile = {
        sum: `locals {\n  x = ${repeat(Math.floor(size / 2), () => "1", "+")}\n}\n`,
        references: `locals {\n  x = [${repeat(Math.floor(size / 5), () => "a.b", ", ")}]\n}\n`,
        interpolations: `locals {\n  x = "${repeat(Math.floor(size / 4), () => "${a}", "")}"\n}\n`
      }
      for (const [name, source] of Object.entries(hostile)) {
        const record = { "main.tf": source }
        const ratio = (yield* weightOf(record)) / sourceBytes(record) / perByte
        expect(ratio, name).toBeGreaterThan(4)
      }
    }))

  it("bounds the retained heap of every shape, within 3 times for a normal template", () => {
    const script = fileURLToPath(new URL("./fixtures/retainedWeight.mjs", import.meta.url))
    const output = execFileSync(process.execPath, ["--expose-gc", script], { encoding: "utf8" })
    const rows = JSON.parse(output.trim().split("\n").pop()!) as ReadonlyArray<{
      readonly name: string
      readonly kind: "normal" | "hostile"
      readonly bytes: number
      readonly retained: number
      readonly weight: number
    }>
    expect(rows.map((r) => r.name)).toContain("normal-50")
    for (const row of rows) {
      // every copy keeps far more than its source: the measure measured something
      expect(row.retained, row.name).toBeGreaterThan(10 * row.bytes)
      expect(row.weight, row.name).toBeGreaterThanOrEqual(row.retained)
      if (row.kind === "normal") expect(row.weight, row.name).toBeLessThanOrEqual(3 * row.retained)
    }
  }, 120_000)
})
