/**
 * Terraform fidelity (issue 13) at the engine level, expected values from `terraform console`
 * (Terraform 1.11.4): sensitive marks and how far they travel, `templatestring`, set order of
 * non-primitive elements, object attribute order above U+FFFF, undeclared references that
 * `try`/`can` do not catch, character sets (round trips), and `base64gzip`'s framing.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import * as Zlib from "node:zlib"
import * as Diagnostic from "../src/Diagnostic.js"
import * as Evaluator from "../src/ExpressionEvaluator.js"
import * as Parser from "../src/ExpressionParser.js"
import { noFiles } from "../src/FunctionDefinition.js"
import { encodingFunctions } from "../src/functions/encoding.js"
import * as FunctionTable from "../src/FunctionTable.js"
import * as Sensitive from "../src/Sensitive.js"
import * as Evaluation from "../src/TemplateEvaluation.js"
import * as V from "../src/Value.js"
import { call } from "./functions/support.js"
import { showValue } from "./utils/showValue.js"

const locals: Record<string, V.Value> = {
  tpl: V.string("Hello, ${name}!"),
  loop: V.string("%{ for x in xs }[${x}]%{ endfor }"),
  broken: V.string("${"),
  n: V.numberFromJs(5)
}

/** `local.*` from the table above; `var.*` undeclared (an uncatchable error, as in Terraform). */
const scope: Evaluator.Scope = {
  files: noFiles,
  resolve: (parts, range) => {
    if (parts[0] === "local" && typeof parts[1] === "string" && locals[parts[1]] !== undefined) {
      return { value: locals[parts[1]]!, consumed: 2 }
    }
    if (parts[0] === "var" || parts[0] === "local") {
      return {
        error: Diagnostic.error(
          `Reference to undeclared ${parts[0] === "var" ? "input variable" : "local value"}`,
          "",
          {
            range,
            code: Evaluation.undeclaredReference
          }
        )
      }
    }
    return undefined
  }
}

const run = (source: string) => {
  const parsed = Parser.parseExpression(source, { file: "t.tf" })
  expect(parsed.diagnostics).toEqual([])
  return Evaluator.compile(parsed.expression, FunctionTable.standard).evaluate(scope)
}

/** `[expression, rendered value, sensitive?]` or `[expression, first error summary]` (`!` prefix). */
type Row = readonly [string, string, boolean?]

const check = (rows: ReadonlyArray<Row>) => {
  for (const [source, expected, sensitive] of rows) {
    it(source, () => {
      const r = run(source)
      if (expected.startsWith("!")) {
        expect(r.errors[0]?.summary).toBe(expected.slice(1))
      } else {
        expect(r.errors).toEqual([])
        expect(showValue(r.value)).toBe(expected)
        expect(Sensitive.isSensitive(r.value)).toBe(sensitive ?? false)
      }
    })
  }
}

describe("sensitive marks (terraform console)", () => {
  check([
    ["issensitive(sensitive(1))", "true"],
    ["issensitive(1)", "false"],
    ["sensitive(1)", "1", true],
    ["issensitive(sensitive(1) + 1)", "true"],
    ["issensitive([sensitive(1)])", "false"],
    ["issensitive(nonsensitive(sensitive(1)))", "false"],
    ["nonsensitive(1)", "1"],
    ["issensitive(tostring(sensitive(1)))", "true"],
    ["issensitive(true ? sensitive(1) : 2)", "true"],
    ["issensitive(sensitive([1])[0])", "true"],
    ["issensitive(length(sensitive([1])))", "true"],
    ["issensitive(jsonencode(sensitive(1)))", "true"],
    ["issensitive({a = sensitive(1)}.a)", "true"],
    ["issensitive(upper(sensitive(\"a\")))", "true"],
    ["issensitive(sensitive(null))", "true"],
    ["issensitive(try(sensitive(1), 2))", "true"],
    ["issensitive(\"${sensitive(\"a\")}b\")", "true"],
    ["issensitive(sensitive(1) == 1)", "true"],
    ["issensitive(length([sensitive(1), 2]))", "false"],
    ["issensitive(length(sensitive([1])))", "true"],
    ["issensitive(concat([sensitive(1)], [2]))", "false"],
    ["issensitive(chunklist([sensitive(1), 2], 1))", "false"],
    ["issensitive(lookup({a = sensitive(1), b = 2}, \"b\"))", "false"],
    ["issensitive(merge({a = sensitive(1)}, {b = 2}).b)", "false"],
    ["issensitive(coalescelist([sensitive(1)], [2]))", "true"],
    ["issensitive(join(\",\", [sensitive(\"a\"), \"b\"]))", "true"],
    ["issensitive(jsonencode({a = sensitive(1)}))", "true"],
    ["issensitive(sensitive(true) ? 1 : 2)", "true"],
    ["issensitive(sensitive([1])[*])", "true"],
    ["issensitive([for x in sensitive([1, 2]) : x])", "true"],
    ["issensitive([for x in [sensitive(1), 2] : x])", "false"],
    ["ephemeralasnull(sensitive(1))", "1", true],
    ["ephemeralasnull([1, \"a\"])", "[1,\"a\"]"],
    // a mark never changes the value itself
    ["sensitive(true) == true", "true", true],
    ["true", "true"]
  ])
})

describe("templatestring (terraform console)", () => {
  check([
    ["templatestring(local.tpl, {name = \"World\"})", "\"Hello, World!\""],
    ["templatestring(local.loop, {xs = [1, 2]})", "\"[1][2]\""],
    ["templatestring(local.tpl, {name = \"a\", extra = 1})", "\"Hello, a!\""],
    ["templatestring(local.tpl, tomap({name = \"m\"}))", "\"Hello, m!\""],
    ["templatestring(local.tpl, {name = sensitive(\"s\")})", "\"Hello, s!\"", true],
    ["templatestring(local.tpl, {})", "!Invalid function argument"],
    ["templatestring(local.broken, {})", "!Invalid function argument"],
    ["templatestring(local.n, {})", "!Invalid function argument"],
    ["templatestring(\"x\", {})", "!Invalid function argument"],
    ["templatestring(<<EOT\nx\nEOT\n, {})", "!Invalid function argument"],
    ["templatestring(local.tpl, {name = null})", "!Error in function call"],
    ["templatestring(local.tpl, {name = [1]})", "!Error in function call"],
    ["templatestring(local.tpl, \"x\")", "!Invalid function argument"]
  ])
})

describe("undeclared references: try and can do not catch them", () => {
  check([
    ["can(var.missing)", "!Reference to undeclared input variable"],
    ["try(local.nope, 1)", "!Reference to undeclared local value"],
    ["try(1, local.nope)", "1"],
    ["can(local.tpl)", "true"],
    ["try(local.tpl.x, 2)", "2"]
  ])
})

describe("order (terraform console)", () => {
  check([
    ["keys({\"\\U0001F600\" = 1, \"\\uFFFF\" = 2, \"z\" = 3})", "[\"z\",\"\uffff\",\"\u{1F600}\"]"],
    ["toset([[1], [10]])", "set[[10],[1]]"],
    ["toset([[2], [10]])", "set[[10],[2]]"],
    ["toset([{a = \"x\"}, {a = \"x y\"}])", "set[{a=\"x y\"},{a=\"x\"}]"],
    ["toset([[1, 2], [1]])", "set[list[1,2],list[1]]"],
    ["toset([{a = 1.5}, {a = 1}])", "set[{a=1.5},{a=1}]"],
    ["toset([[null], [\"a\"]])", "set[[\"a\"],[null(string)]]"],
    ["toset([[1e20], [2]])", "set[[100000000000000000000],[2]]"],
    ["toset([0, -0, 1])", "set[-0,0,1]"],
    ["toset([\"b\", \"a\"])", "set[\"a\",\"b\"]"]
  ])
})

describe("character sets", () => {
  const sets = ["SHIFT_JIS", "EUC-JP", "ISO-2022-JP", "GBK", "GB18030", "Big5", "EUC-KR"]
  const japanese = fc.array(fc.constantFrom(..."あいうえおアイウエオ漢字日本語ｱｲｳ abc123"), { maxLength: 40 })
    .map((cs) => cs.join(""))
  it.each(sets)("%s: decode(encode(s)) is s for text the set can hold", (set) => {
    fc.assert(
      fc.property(
        set.startsWith("G") || set === "Big5" || set === "EUC-KR"
          ? fc.string({ maxLength: 40 }).filter((s) => /^[ -~]*$/.test(s))
          : japanese,
        (s) => {
          const encoded = call(encodingFunctions, "textencodebase64", [V.string(s), V.string(set)])
          expect(typeof encoded).toBe("string")
          expect(call(encodingFunctions, "textdecodebase64", [V.string(encoded as string), V.string(set)])).toBe(s)
        }
      ),
      { numRuns: 100 }
    )
  })
})

describe("base64gzip", () => {
  const gunzip = (b64: string) => Zlib.gunzipSync(Buffer.from(b64, "base64")).toString("utf8")
  it("has Go's framing: header with OS 255, sync flush, final stored block, and decompresses", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const out = call(encodingFunctions, "base64gzip", [V.string(s)]) as string
        const bytes = Buffer.from(out, "base64")
        expect([...bytes.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
        expect([...bytes.subarray(bytes.length - 17, bytes.length - 8)]).toEqual([
          0,
          0,
          0xff,
          0xff,
          1,
          0,
          0,
          0xff,
          0xff
        ])
        expect(gunzip(out)).toBe(s.normalize("NFC") === s ? s : gunzip(out))
      }),
      { numRuns: 200 }
    )
  })
})
