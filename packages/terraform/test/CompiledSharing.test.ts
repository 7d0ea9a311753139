/**
 * A compiled template holds one compiled expression per attribute, most of them constants parsed
 * from hcl2json's attribute strings. What those have in common is shared instead of repeated: the
 * empty list of references, and the positions of a string's first line. Shared values must be
 * frozen, and sharing must never change a position.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Evaluator from "../src/ExpressionEvaluator.js"
import * as Parser from "../src/ExpressionParser.js"
import * as FunctionTable from "../src/FunctionTable.js"
import * as TemplateFiles from "../src/TemplateFiles.js"
import * as V from "../src/Value.js"

const compile = (hcl2jsonString: string) =>
  Evaluator.compile(Parser.parseHcl2JsonString(hcl2jsonString, { file: "main.tf" }).expression, FunctionTable.standard)

describe("what compiled expressions share", () => {
  it("constants share one frozen empty list of references, and still evaluate to their value", () => {
    const a = compile("a")
    const b = compile("${1 + 2}")
    expect(a.references).toBe(b.references)
    expect(Object.isFrozen(a.references)).toBe(true)
    expect(a.references).toHaveLength(0)
    const scope = { files: TemplateFiles.empty, resolve: () => undefined }
    expect(V.toDebugJson(a.evaluate(scope).value)).toBe("a")
    expect(V.toDebugJson(b.evaluate(scope).value)).toBe(3)
    expect(b.evaluate(scope)).toBe(b.constantResult)
  })

  it("an expression with references keeps its own list", () => {
    const e = compile("${var.x}")
    expect(e.references).toHaveLength(1)
    expect(Object.isFrozen(e.references)).toBe(false)
  })

  it("first-line positions of sources at the origin are shared, frozen and exact", () => {
    const one = Parser.parseHcl2JsonString("abc", { file: "a.tf" }).expression.range
    const two = Parser.parseHcl2JsonString("xyz", { file: "b.tf" }).expression.range
    expect(one.start).toBe(two.start)
    expect(one.end).toBe(two.end)
    expect(Object.isFrozen(one.start)).toBe(true)
    expect(one.end).toEqual({ line: 1, column: 4, offset: 3 })
    expect(one.file).toBe("a.tf")
    expect(two.file).toBe("b.tf")
  })

  it("positions past the shared ones, on later lines or in a shifted source are computed", () => {
    const long = "x".repeat(300)
    expect(Parser.parseHcl2JsonString(long).expression.range.end).toEqual({ line: 1, column: 301, offset: 300 })
    const lines = Parser.parseExpression("[\n  1,\n  2]").expression
    expect(lines.range.end).toEqual({ line: 3, column: 5, offset: 11 })
    const shifted = Parser.parseExpression("1", { start: { line: 7, column: 3, offset: 40 } }).expression.range
    expect(shifted.start).toEqual({ line: 7, column: 3, offset: 40 })
    expect(shifted.end).toEqual({ line: 7, column: 4, offset: 41 })
  })
})
