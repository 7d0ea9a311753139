import { describe, expect, it } from "@effect/vitest"
import type { Ast } from "@warmpool/terraform"
import * as fc from "fast-check"
import * as fs from "node:fs"
import * as path from "node:path"
import type { ParseResult } from "../src/ExpressionParser.js"
import { parseExpression, parseHcl2JsonString, parseTemplate } from "../src/ExpressionParser.js"
import { references } from "../src/References.js"
import { allExpressions } from "./fixtures/parser/expressions.js"
import { expressionArbitrary, print } from "./fixtures/parser/generate.js"
import { normalise } from "./fixtures/parser/normalise.js"
import { corpusDir, hcl2jsonParse, templateStrings, tfFiles } from "./fixtures/parser/oracle.js"

const repoRoot = path.resolve(import.meta.dirname, "../../..")

/** What every result must satisfy, whatever the input. */
const wellFormed = (source: string, r: ParseResult) => {
  expect(r.expression).toBeDefined()
  expect(typeof r.expression._tag).toBe("string")
  for (const d of r.diagnostics) {
    expect(d.severity).toBe("error")
    expect(d.summary.length).toBeGreaterThan(0)
    expect(d.range).toBeDefined()
    expect(d.range!.start.offset).toBeGreaterThanOrEqual(0)
    expect(d.range!.end.offset).toBeLessThanOrEqual(source.length)
    expect(d.range!.start.offset).toBeLessThanOrEqual(d.range!.end.offset)
  }
  // the tree can be walked
  references(r.expression)
}

const syntaxChars = [
  "a",
  "b",
  "1",
  ".",
  ",",
  ":",
  "=",
  "?",
  "!",
  "-",
  "+",
  "*",
  "/",
  "%",
  "<",
  ">",
  "&",
  "|",
  "~",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  "\"",
  "\\",
  "$",
  "#",
  " ",
  "\n",
  "\t",
  "<<EOT\n",
  "\nEOT\n",
  "${",
  "%{",
  "for ",
  " in ",
  "if ",
  "endif",
  "endfor",
  "...",
  "[*]",
  ".*",
  "/*",
  "*/",
  "é",
  "\u0000",
  "\ud800"
]

const syntaxSoup = fc.array(fc.constantFrom(...syntaxChars), { maxLength: 60 }).map((cs) => cs.join(""))

const corpusStrings = (): Promise<Array<string>> => {
  const dir = corpusDir(repoRoot)
  if (dir === undefined) return Promise.resolve([])
  return (async () => {
    const out: Array<string> = []
    for (const file of tfFiles(dir)) {
      try {
        templateStrings(await hcl2jsonParse(file, fs.readFileSync(file, "utf8")), out)
      } catch {
        // skip files HCL rejects
      }
    }
    return out
  })()
}

/** Random edits: delete a slice, insert syntax, duplicate a slice, or cut the input short. */
const mutation = (seeds: ReadonlyArray<string>) =>
  fc.record({
    seed: fc.constantFrom(...seeds),
    edits: fc.array(
      fc.record({
        kind: fc.constantFrom("delete", "insert", "duplicate", "truncate"),
        at: fc.nat(),
        length: fc.nat({ max: 8 }),
        text: fc.constantFrom(...syntaxChars)
      }),
      { minLength: 1, maxLength: 4 }
    )
  }).map(({ edits, seed }) => {
    let s = seed
    for (const e of edits) {
      const at = s.length === 0 ? 0 : e.at % (s.length + 1)
      if (e.kind === "delete") s = s.slice(0, at) + s.slice(at + e.length)
      else if (e.kind === "insert") s = s.slice(0, at) + e.text + s.slice(at)
      else if (e.kind === "duplicate") s = s.slice(0, at) + s.slice(at, at + e.length) + s.slice(at)
      else s = s.slice(0, at)
    }
    return s
  })

describe("Parser properties", () => {
  it("round-trips random expressions: print → parse → the same tree", () => {
    fc.assert(
      fc.property(expressionArbitrary(5), (e: Ast.Expression) => {
        const source = print(e)
        const r = parseExpression(source, { maxDepth: 1000 })
        expect(r.diagnostics, source).toEqual([])
        expect(normalise(r.expression), source).toEqual(normalise(e))
      }),
      { numRuns: Number(process.env.WARMPOOL_FC_RUNS ?? 1000) }
    )
  })

  it("round-trips templates through parseTemplate", () => {
    fc.assert(
      fc.property(expressionArbitrary(3), (e: Ast.Expression) => {
        if (e._tag !== "Template" && e._tag !== "StringLiteral") return
        const quoted = print(e)
        const r = parseTemplate(quoted.slice(1, -1), { maxDepth: 1000 })
        expect(r.diagnostics, quoted).toEqual([])
        expect(normalise(r.expression), quoted).toEqual(normalise(e))
      }),
      { numRuns: 300 }
    )
  })

  it("removes exactly the common indentation of flush heredocs", () => {
    const line = fc.array(fc.constantFrom("a", "b", "x y", "$", "%", "\"", "\\n", "é", "}"), {
      minLength: 1,
      maxLength: 4
    }).map((cs) => cs.join(""))
    fc.assert(
      fc.property(
        fc.array(fc.record({ text: fc.option(line, { nil: "" }), extra: fc.nat({ max: 3 }) }), {
          minLength: 1,
          maxLength: 6
        }),
        fc.nat({ max: 6 }),
        fc.constantFrom(" ", "\t"),
        (lines, base, blank) => {
          if (lines.every((l) => l.text === "")) return
          const indent = (n: number) => blank.repeat(n)
          const body = lines.map((l) => (l.text === "" ? "" : indent(base + l.extra) + l.text) + "\n").join("")
          const source = `<<-EOT\n${body}${indent(base)}EOT\n`
          const r = parseExpression(source)
          expect(r.diagnostics, source).toEqual([])
          const min = Math.min(...lines.filter((l) => l.text !== "").map((l) => base + l.extra))
          const expected = lines.map((l) => (l.text === "" ? "" : indent(base + l.extra - min) + l.text) + "\n").join(
            ""
          )
          expect(r.expression._tag).toBe("StringLiteral")
          expect(r.expression._tag === "StringLiteral" && r.expression.value, source).toBe(expected)
        }
      ),
      { numRuns: 300 }
    )
  })

  it("never throws and always terminates on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 80 }), syntaxSoup), (s) => {
        wellFormed(s, parseExpression(s))
        wellFormed(s, parseTemplate(s))
        wellFormed(s, parseTemplate(s, { escapes: false }))
        wellFormed(s, parseHcl2JsonString(s))
      }),
      { numRuns: 2000 }
    )
  })

  it("never throws on random mutations of the fixture and corpus expressions", async () => {
    const seeds = [...allExpressions, ...(await corpusStrings())]
    expect(seeds.length).toBeGreaterThan(300)
    fc.assert(
      fc.property(mutation(seeds), (s) => {
        wellFormed(s, parseExpression(s))
        wellFormed(s, parseHcl2JsonString(s))
      }),
      { numRuns: 3000 }
    )
  })

  it("answers deep nesting with the diagnostic, and shallower nesting without it", () => {
    const opener = fc.constantFrom(
      ["[", "]"],
      ["(", ")"],
      ["{a = ", "}"],
      ["f(", ")"],
      ["\"${", "}\""],
      ["!(", ")"],
      ["-(", ")"],
      ["[for x in y : ", "]"],
      ["x ? (", ") : y"]
    )
    fc.assert(
      fc.property(
        fc.array(opener, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 5, max: 40 }),
        (layers, limit) => {
          const source = layers.map(([open]) => open).join("") + "v" +
            layers.map(([, close]) => close).reverse().join("")
          const r = parseExpression(source, { maxDepth: limit })
          const tooDeep = r.diagnostics.some((d) => d.summary === "Expression too deeply nested")
          if (layers.length > limit) expect(tooDeep, source).toBe(true)
          if (layers.length * 3 + 3 < limit) expect(r.diagnostics, source).toEqual([])
          expect(r.diagnostics.length).toBeLessThanOrEqual(1)
        }
      ),
      { numRuns: 500 }
    )
  })
})
