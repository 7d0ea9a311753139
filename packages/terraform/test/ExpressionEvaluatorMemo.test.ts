/**
 * Remembered file reads and decodes are per template files: another snapshot with the same path
 * reads its own content, and failures are never remembered.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Evaluator from "../src/ExpressionEvaluator.js"
import * as Parser from "../src/ExpressionParser.js"
import * as FunctionTable from "../src/FunctionTable.js"
import * as TemplateFiles from "../src/TemplateFiles.js"
import * as V from "../src/Value.js"

const compiled = Evaluator.compile(
  Parser.parseExpression(`jsondecode(file("\${path.module}/c.json")).name`).expression,
  FunctionTable.standard
)
const scopeOf = (files: TemplateFiles.TemplateFiles) => ({
  files,
  resolve: (parts: ReadonlyArray<string | number>) =>
    parts[0] === "path" && parts[1] === "module" ? { value: V.string("."), consumed: 2 } : undefined
})
const snapshot = (content: string) => Either.getOrThrow(TemplateFiles.fromRecord({ "c.json": content }))

describe("remembered calls", () => {
  it("are per file snapshot", () => {
    const a = snapshot(`{"name": "a"}`)
    const b = snapshot(`{"name": "b"}`)
    for (let i = 0; i < 3; i++) {
      expect(V.toDebugJson(compiled.evaluate(scopeOf(a)).value)).toBe("a")
      expect(V.toDebugJson(compiled.evaluate(scopeOf(b)).value)).toBe("b")
    }
  })
  it("never remember a failure", () => {
    const broken = snapshot(`{"name": `)
    const first = compiled.evaluate(scopeOf(broken))
    const second = compiled.evaluate(scopeOf(broken))
    expect(first.errors.length).toBeGreaterThan(0)
    expect(second.errors.length).toBe(first.errors.length)
  })
})
