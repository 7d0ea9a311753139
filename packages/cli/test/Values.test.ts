/**
 * `warmpool eval` output: JSON with exact numbers and `terraform console`-style text.
 */
import { describe, expect, it } from "@effect/vitest"
import { CompiledTemplate, FunctionDefinition } from "@warmpool/terraform"
import { valueJson } from "../src/handlers/valueJson.js"
import { valueText } from "../src/handlers/valueText.js"
import { splitPair } from "../src/internal/keyValue.js"

const evaluate = (source: string) =>
  CompiledTemplate.compileExpression(source).evaluate({ files: FunctionDefinition.noFiles, resolve: () => undefined })
    .value

describe("valueJson", () => {
  const rows: ReadonlyArray<readonly [string, string]> = [
    ["0.1 + 0.2", "0.3"],
    ["12345678901234567890", "12345678901234567890"],
    ["toset([\"b\", \"a\", \"b\"])", "[\"a\",\"b\"]"],
    ["{b = 1, a = [true, null]}", "{\"a\":[true,null],\"b\":1}"],
    ["tomap({x = \"<&>\"})", "{\"x\":\"<&>\"}"],
    ["null", "null"]
  ]
  it.each(rows)("%s → %s", (source, json) => {
    expect(valueJson(evaluate(source))).toBe(json)
  })
})

describe("valueText", () => {
  const rows: ReadonlyArray<readonly [string, string]> = [
    ["\"hi\"", "\"hi\""],
    ["5", "5"],
    ["tolist([\"a\"])", "tolist([\n  \"a\",\n])"],
    ["toset([])", "toset([])"],
    // as terraform console 1.11 prints them (keys quoted, no alignment, Go's strconv.Quote)
    ["{a = 1, bb = 2}", "{\n  \"a\" = 1\n  \"bb\" = 2\n}"],
    ["tomap({k = true})", "tomap({\n  \"k\" = true\n})"],
    [
      "[tostring(null), tonumber(null), tobool(null), null]",
      "[\n  tostring(null),\n  tonumber(null),\n  tobool(null),\n  null,\n]"
    ],
    ["\"a\\u0001\\t\\\"b\\\\\"", "\"a\\x01\\t\\\"b\\\\\""],
    ["\"\\u00a0\\u200b\\uFFFF\\U0001F600\"", "\"\\u00a0\\u200b\\uffff😀\""],
    ["sensitive(1)", "(sensitive value)"],
    ["[sensitive(1), 2]", "[\n  (sensitive value),\n  2,\n]"],
    ["-0", "-0"]
  ]
  it.each(rows)("%s", (source, text) => {
    expect(valueText(evaluate(source))).toBe(text)
  })
})

describe("NAME=VALUE pairs", () => {
  const rows: ReadonlyArray<readonly [string, readonly [string, string] | undefined]> = [
    ["a=b", ["a", "b"]],
    ["a=b=c", ["a", "b=c"]],
    ["a=", ["a", ""]],
    ["json={\"x\":1}", ["json", "{\"x\":1}"]],
    ["=b", undefined],
    ["novalue", undefined]
  ]
  it.each(rows)("%s", (text, pair) => {
    expect(splitPair(text)).toEqual(pair)
  })
})
