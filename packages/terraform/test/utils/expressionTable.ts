/**
 * Table-driven expression tests: parse, compile and evaluate an expression in a scope where only
 * `local.u` (the dynamic unknown) is defined, and compare with the value's compact rendering or
 * with the first error.
 */
import { expect, it } from "@effect/vitest"
import * as Evaluator from "../../src/ExpressionEvaluator.js"
import * as Parser from "../../src/ExpressionParser.js"
import { noFiles } from "../../src/FunctionDefinition.js"
import * as FunctionTable from "../../src/FunctionTable.js"
import * as V from "../../src/Value.js"
import { showValue } from "./showValue.js"

/** `local.u` is the dynamic unknown; nothing else is defined. */
export const scope: Evaluator.Scope = {
  files: noFiles,
  resolve: (parts) => parts[0] === "local" && parts[1] === "u" ? { value: V.DynamicUnknown, consumed: 2 } : undefined
}

export const evaluate = (source: string): Evaluator.Result => {
  const parsed = Parser.parseExpression(source, { file: "t.tf" })
  expect(parsed.diagnostics).toEqual([])
  return Evaluator.compile(parsed.expression, FunctionTable.standard).evaluate(scope)
}

/** `[expression, rendered value]` (no errors) or `[expression, first error summary, its detail]`. */
export type Row = readonly [string, string, string?]

/** One test per row; with `failedValueIsUnknown`, a failing row's value must be unknown too. */
export const checkRows = (rows: ReadonlyArray<Row>, options: { readonly failedValueIsUnknown?: boolean } = {}) => {
  for (const [source, expected, detail] of rows) {
    it(source, () => {
      const r = evaluate(source)
      if (detail === undefined) {
        expect(r.errors).toEqual([])
        expect(showValue(r.value)).toBe(expected)
      } else {
        expect(r.errors.length).toBeGreaterThan(0)
        expect([r.errors[0]!.summary, r.errors[0]!.detail]).toEqual([expected, detail])
        if (options.failedValueIsUnknown) expect(r.value._tag).toBe("Unknown")
      }
    })
  }
}
