/**
 * Differential tests: warmpool's parser against HCL's own (`getExpressionAst` and `parse()` of
 * `@cdktf/hcl2json`), compared in a common structural form.
 */
import { describe, expect, it } from "@effect/vitest"
import type { Ast } from "@warmpool/terraform"
import * as fc from "fast-check"
import * as fs from "node:fs"
import * as path from "node:path"
import { parseExpression, parseHcl2JsonString } from "../src/ExpressionParser.js"
import { allExpressions, handWritten } from "./fixtures/parser/expressions.js"
import { expressionArbitrary, print } from "./fixtures/parser/generate.js"
import type { Norm } from "./fixtures/parser/normalise.js"
import { normalise, normaliseOracle } from "./fixtures/parser/normalise.js"
import {
  corpusDir,
  hcl2jsonParse,
  hcl2jsonStringAsHeredoc,
  oracleParse,
  templateStrings,
  tfFiles
} from "./fixtures/parser/oracle.js"

const repoRoot = path.resolve(import.meta.dirname, "../../..")

/**
 * Where warmpool's first error summary knowingly differs from HCL's (warmpool stops at the first
 * error and names some problems more precisely).
 */
const summaryDifferences: ReadonlyArray<readonly [warmpool: string, hcl: string]> = [
  // an unterminated /* comment is an invalid token for HCL
  ["Unterminated comment", "Invalid expression"],
  // `[for x in y : x` (end of input): HCL complains about the missing token after it
  ["Invalid 'for' expression", "Invalid 'for' expression"]
]

const summariesAgree = (mine: string, hcl: string): boolean =>
  mine === hcl || summaryDifferences.some(([w, h]) => w === mine && h === hcl)

const errorsOf = (diagnostics: ReadonlyArray<{ readonly severity: string; readonly summary: string }>) =>
  diagnostics.filter((d) => d.severity === "error")

/** Compares one expression; returns a description of the disagreement, or undefined. */
const compareExpression = async (source: string): Promise<string | undefined> => {
  const mine = parseExpression(source)
  const errors = errorsOf(mine.diagnostics)
  const oracle = await oracleParse(source)
  if (oracle.ok) {
    if (errors.length > 0) {
      // warmpool reports at parse time what HCL reports when the object is evaluated
      if (errors.every((d) => d.summary === "Ambiguous attribute key")) return undefined
      return `${JSON.stringify(source)}: HCL accepts it, warmpool says ${errors[0]!.summary}`
    }
    const a = normalise(mine.expression, source)
    const b = normaliseOracle(oracle.node, source)
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      return `${JSON.stringify(source)}:\n  warmpool ${JSON.stringify(a)}\n  hcl      ${JSON.stringify(b)}`
    }
    return undefined
  }
  if (errors.length === 0) {
    return `${JSON.stringify(source)}: HCL rejects it (${oracle.message}), warmpool accepts it`
  }
  if (!summariesAgree(errors[0]!.summary, oracle.summary)) {
    return `${JSON.stringify(source)}: warmpool says "${errors[0]!.summary}", HCL says "${oracle.summary}"`
  }
  return undefined
}

describe("Parser against HCL (getExpressionAst)", () => {
  it("covers every kind of node in the hand-written list", () => {
    const seen = new Set<string>()
    const visit = (e: Ast.Expression | Ast.TemplatePart): void => {
      seen.add(e._tag)
      for (const v of Object.values(e)) {
        if (v && typeof v === "object" && "_tag" in v) visit(v as Ast.Expression)
        if (Array.isArray(v)) {
          for (const x of v) {
            if (x && typeof x === "object" && "_tag" in x) visit(x as Ast.Expression)
            if (x && typeof x === "object" && "value" in x && "key" in x) {
              visit((x as Ast.ObjectItem).value)
              const key = (x as Ast.ObjectItem).key
              if (key._tag === "ObjectKeyExpression") visit(key.expression)
            }
          }
        }
      }
    }
    for (const s of handWritten) visit(parseExpression(s).expression)
    const tags = [
      "NumberLiteral",
      "StringLiteral",
      "BoolLiteral",
      "NullLiteral",
      "Template",
      "TemplateLiteral",
      "TemplateInterpolation",
      "TemplateIf",
      "TemplateFor",
      "Variable",
      "GetAttr",
      "Index",
      "Splat",
      "AnonSymbol",
      "Tuple",
      "ObjectCons",
      "FunctionCall",
      "Conditional",
      "Binary",
      "Unary",
      "For",
      "Parens"
    ]
    expect(tags.filter((t) => !seen.has(t))).toEqual([])
  })

  it(`agrees on the project's own ${allExpressions.length} expressions (structure, and errors)`, async () => {
    expect(allExpressions.length).toBeGreaterThan(300)
    const disagreements: Array<string> = []
    for (const source of allExpressions) {
      const d = await compareExpression(source)
      if (d !== undefined) disagreements.push(d)
    }
    expect(disagreements).toEqual([])
  }, 60_000)

  it("agrees on random expressions generated from the grammar", async () => {
    await fc.assert(
      fc.asyncProperty(expressionArbitrary(4), async (e) => {
        const source = print(e)
        const oracle = await oracleParse(source)
        expect(oracle.ok, source).toBe(true)
        expect(await compareExpression(source)).toBeUndefined()
      }),
      { numRuns: 300 }
    )
  }, 60_000)

  it("accepts and rejects the same random mutations of the list, reading accepted ones alike", async () => {
    const pieces = ["a", "1", ".", ",", ":", "=", "?", "!", "-", "*", "(", ")", "[", "]", "{", "}", "\"", "\\", "$"]
      .concat([" ", "\n", "${", "%{", "for ", " in ", "if ", "~", "#", "...", "[*]", ".*", "<<EOT\n", "EOT\n", "%"])
    const mutated = fc.record({
      seed: fc.constantFrom(...allExpressions),
      edits: fc.array(
        fc.record({
          kind: fc.constantFrom("delete", "insert", "duplicate"),
          at: fc.nat(),
          length: fc.nat({ max: 4 }),
          text: fc.constantFrom(...pieces)
        }),
        { minLength: 1, maxLength: 2 }
      )
    }).map(({ edits, seed }) => {
      let s = seed
      for (const e of edits) {
        const at = e.at % (s.length + 1)
        if (e.kind === "delete") s = s.slice(0, at) + s.slice(at + e.length)
        else if (e.kind === "insert") s = s.slice(0, at) + e.text + s.slice(at)
        else s = s.slice(0, at) + s.slice(at, at + e.length) + s.slice(at)
      }
      return s
    })
    await fc.assert(
      fc.asyncProperty(mutated, async (source) => {
        // a cut surrogate pair reaches HCL (UTF-8) as U+FFFD: not a parser difference
        fc.pre(!/[\uD800-\uDFFF]/u.test(source))
        const mine = parseExpression(source)
        const errors = errorsOf(mine.diagnostics).filter((d) => d.summary !== "Ambiguous attribute key")
        const oracle = await oracleParse(source)
        expect(errors.length === 0, `${JSON.stringify(source)}: ${oracle.ok ? "" : oracle.message}`).toBe(oracle.ok)
        if (oracle.ok) {
          expect(normalise(mine.expression, source), source).toEqual(normaliseOracle(oracle.node, source))
        }
      }),
      { numRuns: 1500 }
    )
  }, 60_000)

  it("reads template literals as HCL evaluates them (hcl2json parse() values)", async () => {
    // Valid quoted strings and heredocs whose interpolations are not constant (hcl2json folds
    // constants): hcl2json's parse() returns them as strings with HCL's literal semantics applied
    // (escapes, strip markers, heredoc indentation), which parseHcl2JsonString must read back to
    // the same structure as parseExpression on the source.
    const sources = handWritten.filter((s) =>
      ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("<<") && s.endsWith("\n"))) &&
      errorsOf(parseExpression(s).diagnostics).length === 0 &&
      !s.includes("\r")
    )
    expect(sources.length).toBeGreaterThan(50)
    const file = sources.map((s, k) => `v${k} = ${s}${s.endsWith("\n") ? "" : "\n"}`).join("")
    const parsed = await hcl2jsonParse("values.tf", file)
    // hcl2json cannot tell `"${a}"` from `a`, nor `" ${~a}"` (a template) from `"${a}"`
    const collapse = (n: Norm): Norm => {
      if (!Array.isArray(n)) return n
      if (n[0] === "wrap") return collapse(n[1] as Norm)
      const parts = n[1] as Array<Norm>
      if (n[0] === "tpl" && parts.length === 1 && Array.isArray(parts[0]) && parts[0][0] === "interp") {
        return collapse(parts[0][1] as Norm)
      }
      return n.map((x) => collapse(x as Norm))
    }
    const disagreements: Array<string> = []
    let compared = 0
    sources.forEach((source, k) => {
      const value = parsed[`v${k}`]
      const fromSource = parseExpression(source)
      // hcl2json folds constant interpolations (to strings, or to other values)
      if (typeof value !== "string") return
      if (!value.includes("${") && !value.includes("%{") && fromSource.expression._tag !== "StringLiteral") return
      compared++
      const fromValue = parseHcl2JsonString(value)
      const a = collapse(normalise(fromValue.expression))
      const b = collapse(normalise(fromSource.expression))
      if (fromValue.diagnostics.length > 0 || JSON.stringify(a) !== JSON.stringify(b)) {
        disagreements.push(
          `${JSON.stringify(source)} → hcl2json ${JSON.stringify(value)}:\n  value  ${JSON.stringify(a)} ${
            fromValue.diagnostics.map((d) => d.summary).join(",")
          }\n  source ${JSON.stringify(b)}`
        )
      }
    })
    expect(compared).toBeGreaterThan(40)
    expect(disagreements).toEqual([])
  })
})

const corpus = corpusDir(repoRoot)
const requireCorpus = process.env.WARMPOOL_REQUIRE_CORPUS === "1"
const expectedCorpus = process.env.WARMPOOL_CORPUS ?? path.resolve(repoRoot, "../shared/corpus")

describe.skipIf(corpus === undefined && !requireCorpus)(
  corpus !== undefined
    ? "Parser against HCL on the corpus"
    : requireCorpus
    ? `Parser against HCL on the corpus (REQUIRED by WARMPOOL_REQUIRE_CORPUS=1, but missing at ${expectedCorpus})`
    : `Parser against HCL on the corpus (SKIPPED: no corpus folder at ${expectedCorpus}; set WARMPOOL_CORPUS)`,
  () => {
    it("finds the corpus folder", () => {
      expect(corpus, `no corpus at ${expectedCorpus} and WARMPOOL_REQUIRE_CORPUS=1`).toBeDefined()
    })

    it("agrees on every interpolated string of every .tf file in the corpus", async () => {
      if (corpus === undefined) return
      const strings: Array<string> = []
      let files = 0
      for (const file of tfFiles(corpus)) {
        let parsed: Record<string, any>
        try {
          parsed = await hcl2jsonParse(file, fs.readFileSync(file, "utf8"))
        } catch {
          continue // files HCL itself rejects (the corpus has one on purpose)
        }
        files++
        templateStrings(parsed, strings)
      }
      expect(files).toBeGreaterThan(10)
      expect(strings.length).toBeGreaterThan(100)
      const disagreements: Array<string> = []
      for (const value of strings) {
        const mine = parseHcl2JsonString(value)
        if (mine.diagnostics.length > 0) {
          disagreements.push(`${JSON.stringify(value)}: warmpool says ${mine.diagnostics[0]!.summary}`)
          continue
        }
        const input = hcl2jsonStringAsHeredoc(value)
        const oracle = await oracleParse(input)
        if (!oracle.ok) {
          disagreements.push(`${JSON.stringify(value)}: HCL rejects it: ${oracle.message}`)
          continue
        }
        const b = normaliseOracle(oracle.node, input)
        // the heredoc adds a final newline; a lone interpolation is then the expression itself
        let expected: Norm = b
        if (Array.isArray(b) && b[0] === "tpl") {
          const parts = [...(b[1] as Array<Norm>)]
          const last = parts[parts.length - 1]
          if (Array.isArray(last) && last[0] === "lit") {
            const text = (last[1] as string).slice(0, -1)
            if (text === "") parts.pop()
            else parts[parts.length - 1] = ["lit", text]
          }
          const only = parts[0]
          expected = parts.length === 1 && Array.isArray(only) && only[0] === "interp"
            ? only[1] as Norm
            : ["tpl", parts]
        }
        const a = normalise(mine.expression)
        if (JSON.stringify(a) !== JSON.stringify(expected)) {
          disagreements.push(
            `${JSON.stringify(value)}:\n  warmpool ${JSON.stringify(a)}\n  hcl      ${JSON.stringify(expected)}`
          )
        }
      }
      expect(disagreements).toEqual([])
    }, 60_000)
  }
)
