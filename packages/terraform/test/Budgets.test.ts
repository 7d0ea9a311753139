/**
 * Budgets at the engine level: the meter, the configuration, the pre-checks before hcl2json,
 * long operator chains (not nesting), real nesting up to the limit, and deep or large input of
 * every kind giving a value or a `resource_limit` diagnostic, never a thrown exception.
 */
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fc from "fast-check"
import * as Budgets from "../src/Budgets.js"
import * as CompiledTemplate from "../src/CompiledTemplate.js"
import type * as Evaluator from "../src/ExpressionEvaluator.js"
import { defaultMaxDepth, parseExpression } from "../src/ExpressionParser.js"
import { noFiles } from "../src/FunctionDefinition.js"
import * as HclParser from "../src/HclParser.js"
import { loadRecord } from "./utils/loadRecord.js"

const scope: Evaluator.Scope = { files: noFiles, resolve: () => undefined }

const evaluate = (source: string) => CompiledTemplate.compileExpression(source).evaluate(scope)

/** A value, or only `resource_limit` errors: never a thrown exception, never an internal error. */
const contained = (source: string) => {
  const r = evaluate(source)
  for (const e of r.errors) expect(e.summary).not.toMatch(/^Internal/)
  return r
}

describe("Meter", () => {
  it("charges steps up to the budget and throws the same excess ever after", () => {
    const meter = new Budgets.Meter(Budgets.make({ maxSteps: 10 }))
    meter.step(10)
    expect(() => meter.step(1)).toThrow(Budgets.BudgetExceeded)
    const first = meter.exceeded
    expect(first?.limit).toBe("maxSteps")
    const thrown = (f: () => void): unknown => {
      try {
        f()
      } catch (e) {
        return e
      }
      return undefined
    }
    expect(thrown(() => meter.elements(0))).toBe(first)
    expect(thrown(() => meter.string(0))).toBe(first)
    expect(thrown(() => meter.step(0))).toBe(first)
    expect(meter.exceeded).toBe(first)
  })

  it("checks sizes against their budgets (equal passes, one more fails)", () => {
    const budgets = Budgets.make({ maxCollectionElements: 5, maxStringBytes: 7, maxInstances: 3 })
    const table = [
      ["elements", 5, "maxCollectionElements"],
      ["string", 7, "maxStringBytes"],
      ["instances", 3, "maxInstances"]
    ] as const
    for (const [method, limit, name] of table) {
      const meter = new Budgets.Meter(budgets)
      meter[method](limit)
      expect(meter.exceeded).toBeUndefined()
      expect(() => meter[method](limit + 1)).toThrow(Budgets.BudgetExceeded)
      expect(meter.exceeded?.limit).toBe(name)
      const d = meter.exceeded!.diagnostic
      expect([d.severity, d.code]).toEqual(["error", "resource_limit"])
      expect(d.summary).toBe(`Resource limit exceeded: more than ${limit} ${d.summary.split(`${limit} `)[1]}`)
      expect(d.summary).toContain(`(${name})`)
    }
  })

  it("the first catcher that knows a range records it in the detail", () => {
    const meter = new Budgets.Meter(Budgets.make({ maxInstances: 1 }))
    const range = {
      file: "main.tf",
      start: { line: 3, column: 5, offset: 20 },
      end: { line: 3, column: 9, offset: 24 }
    }
    try {
      meter.instances(2)
    } catch (e) {
      expect(Budgets.isBudgetExceeded(e)).toBe(true)
      ;(e as Budgets.BudgetExceeded).at(range).at(undefined)
    }
    expect(meter.exceeded!.diagnostic.range).toEqual(range)
    expect(meter.exceeded!.diagnostic.detail).toMatch(/^main\.tf:3,5: /)
  })
})

describe("configuration", () => {
  it.effect("reads WARMPOOL_BUDGET_* keys over the defaults and refuses non-positive values", () =>
    Effect.gen(function*() {
      const read = (map: Record<string, string>) =>
        Effect.either(
          Effect.withConfigProvider(Budgets.config(), ConfigProvider.fromMap(new Map(Object.entries(map))))
        )
      const defaults = yield* read({})
      expect(Either.getOrThrow(defaults)).toEqual(Budgets.defaults)
      const set = Either.getOrThrow(
        yield* read({ WARMPOOL_BUDGET_MAX_STEPS: "123", WARMPOOL_BUDGET_MAX_NESTING_DEPTH: "64" })
      )
      expect([set.maxSteps, set.maxNestingDepth]).toEqual([123, 64])
      expect((yield* read({ WARMPOOL_BUDGET_MAX_INSTANCES: "0" }))._tag).toBe("Left")
      expect(Budgets.make({ maxSteps: -1, maxInstances: Number.NaN, maxStringBytes: 9.5 })).toEqual({
        ...Budgets.defaults,
        maxStringBytes: 9
      })
    }))
})

describe("pre-checks before hcl2json", () => {
  it.effect("an unterminated heredoc in a 125 KiB file is refused in milliseconds, with its position", () =>
    Effect.gen(function*() {
      const source = `locals {\n  a = 1\n  x = <<-EOT\n` + "line ${local.a} of text\n".repeat(5_500)
      expect(source.length).toBeGreaterThan(125 * 1024)
      const start = performance.now()
      const refused = HclParser.screen("main.tf", source)
      expect(performance.now() - start).toBeLessThan(200)
      expect(refused?.message).toMatch(/^Unterminated template string; the heredoc opened with "<<EOT" at line 3/)
      expect(refused?.range?.start).toEqual({ line: 3, column: 7, offset: 23 })
      const loaded = yield* loadRecord({ "main.tf": source })
      expect(loaded.diagnostics.map((d) => d.detail)).toEqual([
        `main.tf: Unterminated template string; the heredoc opened with "<<EOT" at line 3 has no closing "EOT" line`
      ])
    }))

  it("an unterminated block comment too; closed ones and heredocs pass", () => {
    expect(HclParser.screen("a.tf", `locals {\n  a = 1 /* open\n}\n`)?.message).toMatch(/^Unterminated comment/)
    const fine = [
      `locals {\n  x = <<EOT\nhello\nEOT\n}\n`,
      `locals {\n  x = <<-EOT\n    hello\n    EOT\n}\n`,
      `locals {\n  x = <<EOT\nEOT\n}\n`,
      `locals {\n  a = 1 /* closed */\n}\n`,
      `locals {\n  x = "<<EOT"\n}\n`,
      `# <<EOT\nlocals {}\n`
    ]
    for (const source of fine) expect(HclParser.screen("a.tf", source), source).toBeUndefined()
  })
})

describe("operator chains are not nesting", () => {
  it("1 + 1 + ... + 1 with up to 100 000 operands parses and evaluates", () => {
    for (const n of [201, 1_000, 100_000]) {
      const r = evaluate(Array.from({ length: n }, () => "1").join(" + "))
      expect(r.errors).toEqual([])
      expect(r.value).toMatchObject({ _tag: "Number" })
      expect(JSON.stringify(r.value, (_, v) => (typeof v === "bigint" ? v.toString() : v))).toContain(String(n))
    }
  })

  it("mixed precedences and errors keep HCL's semantics in a long chain", () => {
    const r = evaluate(`1 + 2 * 3 - 4 / 2` + " + 1".repeat(10_000))
    expect(r.errors).toEqual([])
    expect(JSON.stringify(r.value, (_, v) => (typeof v === "bigint" ? v.toString() : v))).toContain("10005")
    const bad = evaluate(`1 + "a"` + " + 1".repeat(5_000))
    expect(bad.errors.map((e) => e.summary)).toEqual(["Invalid operand"])
    expect(bad.errors[0]!.range?.end.offset).toBe(7)
  })

  it("long attribute and index chains", () => {
    const r = evaluate(`{a = [{a = 1}]}` + ".a[0]".repeat(1) + ".a")
    expect(r.errors).toEqual([])
    expect(parseExpression("x" + ".a[0]".repeat(20_000)).diagnostics).toEqual([])
  })
})

describe("real nesting up to the limit", () => {
  const shapes: ReadonlyArray<readonly [string, (n: number) => string]> = [
    ["parentheses", (n) => "(".repeat(n) + "1" + ")".repeat(n)],
    ["tuples", (n) => "[".repeat(n) + "1" + "]".repeat(n)],
    ["objects", (n) => "{a = ".repeat(n) + "1" + "}".repeat(n)],
    ["calls", (n) => "abs(".repeat(n) + "1" + ")".repeat(n)],
    ["negations", (n) => "-".repeat(n) + "1"],
    ["conditionals", (n) => "true ? ".repeat(n) + "1" + " : 2".repeat(n)],
    ["for expressions", (n) => "[for x in ".repeat(n) + "[1]" + " : x]".repeat(n)],
    ["try", (n) => "try(".repeat(n) + "1" + ")".repeat(n)]
  ]
  for (const [name, make] of shapes) {
    it(`${name}: deep ones evaluate, deeper ones are a resource_limit diagnostic`, () => {
      const deep = contained(make(Math.floor(defaultMaxDepth / 2)))
      expect(deep.errors).toEqual([])
      for (const n of [defaultMaxDepth - 5, defaultMaxDepth + 1, 50_000]) {
        const r = contained(make(n))
        for (const e of r.errors) expect(e.code).toBe("resource_limit")
        if (n > defaultMaxDepth) expect(r.errors.length).toBeGreaterThan(0)
      }
    })
  }
})

describe("deep and large input never throws", () => {
  const opener = fc.constantFrom("(", "[", "{a = ", "abs(", "-", "!", "[for x in ", "\"${", "true ? ", "try(")
  it("random nestings of random depth", () => {
    fc.assert(
      fc.property(fc.array(opener, { minLength: 1, maxLength: 3_000 }), fc.constantFrom("1", "x", "[1]"), (
        opens,
        leaf
      ) => {
        const closers: Record<string, string> = {
          "(": ")",
          "[": "]",
          "{a = ": "}",
          "abs(": ")",
          "-": "",
          "!": "",
          "[for x in ": " : x]",
          "\"${": "}\"",
          "true ? ": " : 1",
          "try(": ")"
        }
        const source = opens.join("") + leaf + opens.map((o) => closers[o]).reverse().join("")
        contained(source)
      }),
      { numRuns: 40 }
    )
  })

  it("deep jsondecode, JSON and HCL-like input in expressions", () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n)
    for (const n of [10, 1_100, 20_000]) {
      const r = contained(`jsondecode(${JSON.stringify(deep(n))})`)
      if (n > defaultMaxDepth) expect(r.errors.map((e) => e.code)).toEqual(["resource_limit"])
      else expect(r.errors).toEqual([])
    }
  })

  it("big collections are refused before they are built", () => {
    const start = performance.now()
    const r = contained(`length(setproduct(range(1024), range(1024), range(1024)))`)
    expect(r.errors.map((e) => e.code)).toEqual(["resource_limit"])
    const s = contained(`length(flatten([for i in range(1024) : [for j in range(1024) : [i, j]]]))`)
    expect(s.errors.map((e) => e.code)).toEqual(["resource_limit"])
    expect(performance.now() - start).toBeLessThan(10_000)
  })
})
