import { describe, expect, it } from "@effect/vitest"
import { parseHcl2JsonString } from "../src/ExpressionParser.js"
import { hcl2jsonParse } from "./fixtures/parser/oracle.js"
import { show } from "./fixtures/parser/show.js"

const at = (r: { start: { line: number; column: number }; end: { line: number; column: number } } | undefined) =>
  r === undefined ? "?" : `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`

describe("parseHcl2JsonString", () => {
  const rows: ReadonlyArray<readonly [string, string]> = [
    // no sequence: the string itself
    ["plain", "\"plain\""],
    ["", "\"\""],
    ["100%", "\"100%\""],
    ["a $ b { c }", "\"a $ b { c }\""],
    ["quote \" and back\\slash", JSON.stringify("quote \" and back\\slash")],
    // exactly one interpolation: the expression, not a template
    ["${a}", "a"],
    ["${var.x}", "(. var x)"],
    ["${ {a = 1} }", "(object (a 1))"],
    ["${(a)}", "(paren a)"],
    ["${list(string)}", "(call list string)"],
    [
      "${map(object({a = string, b = optional(number, 1)}))}",
      "(call map (call object (object (a string) (b (call optional number 1)))))"
    ],
    ["${a == \"}\" ? \"${b}\" : \"c\"}", "(? (== a \"}\") (wrap (interp b)) \"c\")"],
    ["${\"${a}\"}", "(wrap (interp a))"],
    // anything else: a template, literal parts as they are
    ["${a}${b}", "(tpl (interp a) (interp b))"],
    ["${a} b", "(tpl (interp a) \" b\")"],
    ["x-${a}", "(tpl \"x-\" (interp a))"],
    ["${a}}", "(tpl (interp a) \"}\")"],
    ["a\"b${c}", "(tpl \"a\\\"b\" (interp c))"],
    ["\\${a}", "(tpl \"\\\\\" (interp a))"],
    ["\\n${a}", "(tpl \"\\\\n\" (interp a))"],
    ["line1\nline2 ${a}\n", "(tpl \"line1\\nline2 \" (interp a) \"\\n\")"],
    ["cr\r${a}", "(tpl \"cr\\r\" (interp a))"],
    // `$${` and `%%{` are the literal sequences
    ["$${a}", "\"${a}\""],
    ["a$${b}c", "\"a${b}c\""],
    ["%%{x}", "\"%{x}\""],
    ["$${a} ${b}", "(tpl \"${a} \" (interp b))"],
    // directives (normalised by hcl2json, without strip markers)
    ["%{if a}x%{else}y%{endif}", "(tpl (if a (then \"x\") (else \"y\")))"],
    ["%{for x in y}${x} %{endfor}", "(tpl (for _ x y ((interp x) \" \")))"],
    ["${a}%{if b}c%{endif}", "(tpl (interp a) (if b (then \"c\") (else )))"],
    // a heredoc ending the interpolation arrives with its marker right before `}`
    ["${<<EOT\nx\nEOT}", "\"x\\n\""],
    ["${local.ok ? \"yes\" : <<EOM\n  no\n  EOM}", "(? (. local ok) \"yes\" \"  no\\n\")"],
    ["${c ? <<-EOT\n    a\n    EOT\n : \"b\"}", "(? c \"a\\n\" \"b\")"]
  ]
  for (const [value, expected] of rows) {
    it(JSON.stringify(value), () => {
      const r = parseHcl2JsonString(value)
      expect(r.diagnostics).toEqual([])
      expect(show(r.expression)).toBe(expected)
    })
  }

  it("reports errors with positions relative to the string (shifted by options.start)", () => {
    const cases: ReadonlyArray<readonly [string, string, string]> = [
      ["${a", "Unclosed template interpolation sequence", "1:1-1:3"],
      ["x ${a b}", "Extra characters after interpolation expression", "1:7-1:8"],
      ["%{if a}x", "Unexpected end of template", "1:1-1:8"],
      ["${f(}", "Invalid expression", "1:5-1:6"],
      ["ok\n${[1 2]}", "Missing item separator", "2:6-2:7"]
    ]
    for (const [value, summary, range] of cases) {
      const r = parseHcl2JsonString(value, { file: "main.tf" })
      expect(r.diagnostics.map((d) => [d.summary, at(d.range), d.range?.file])).toEqual([[summary, range, "main.tf"]])
    }
    const shifted = parseHcl2JsonString("${a b}", { start: { line: 3, column: 10, offset: 50 } })
    expect(at(shifted.diagnostics[0]!.range)).toBe("3:14-3:15")
  })

  it("reads what hcl2json's parse() really returns", async () => {
    const parsed = await hcl2jsonParse(
      "fixture.tf",
      [
        "variable \"v\" {",
        "  type = list(object({ name = string }))",
        "}",
        "locals {",
        "  a = var.v[0].name",
        "  b = \"prefix-${local.a}\"",
        "  c = { (local.a) = 1, \"k\" = \"${local.b}\" }",
        "  d = <<-EOT",
        "    text $${not} ${local.a}",
        "  EOT",
        "  e = [for x in var.v : upper(x.name) if x.name != \"\"]",
        "  f = \"%{ for x in var.v ~} ${x.name} %{ endfor ~}\"",
        "}"
      ].join("\n")
    )
    const locals = parsed.locals[0] as Record<string, any>
    const type = (parsed.variable.v[0] as Record<string, any>).type as string
    expect(show(parseHcl2JsonString(type).expression)).toBe("(call list (call object (object (name string))))")
    expect(show(parseHcl2JsonString(locals.a).expression)).toBe("(. ([] (. var v) 0) name)")
    expect(show(parseHcl2JsonString(locals.b).expression)).toBe("(tpl \"prefix-\" (interp (. local a)))")
    const keys = Object.keys(locals.c)
    expect(keys.map((k) => show(parseHcl2JsonString(k).expression))).toEqual(["(paren (. local a))", "\"k\""])
    expect(show(parseHcl2JsonString(locals.c.k).expression)).toBe("(. local b)")
    expect(show(parseHcl2JsonString(locals.d).expression)).toBe("(tpl \"text ${not} \" (interp (. local a)) \"\\n\")")
    expect(show(parseHcl2JsonString(locals.e).expression)).toBe(
      "(for _ x (. var v) _ (call upper (. x name)) (!= (. x name) \"\"))"
    )
    expect(show(parseHcl2JsonString(locals.f).expression)).toBe(
      "(tpl (for _ x (. var v) ((interp (. x name)) \" \")))"
    )
  })
})
