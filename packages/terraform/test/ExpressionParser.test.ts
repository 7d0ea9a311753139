import { describe, expect, it } from "@effect/vitest"
import type { Ast } from "@warmpool/terraform"
import type { Pos, Range } from "../src/Diagnostic.js"
import { defaultMaxDepth, parseExpression, parseTemplate } from "../src/ExpressionParser.js"
import { show } from "./fixtures/parser/show.js"

const ok = (source: string): Ast.Expression => {
  const r = parseExpression(source)
  expect(r.diagnostics, source).toEqual([])
  return r.expression
}

const at = (r: Range | undefined): string =>
  r === undefined ? "?" : `${r.start.line}:${r.start.column}-${r.end.line}:${r.end.column}`

const table = (rows: ReadonlyArray<readonly [string, string]>) => {
  for (const [source, expected] of rows) {
    it(JSON.stringify(source), () => {
      expect(show(ok(source))).toBe(expected)
    })
  }
}

describe("parseExpression: literals", () => {
  table([
    ["0", "0"],
    ["42", "42"],
    ["1.50", "1.50"],
    ["1e3", "1e3"],
    ["2.5E-10", "2.5E-10"],
    ["2.e+10", "2.e+10"],
    ["2.e", "(. 2 e)"],
    ["007", "007"],
    ["true", "true"],
    ["false", "false"],
    ["null", "null"],
    ["-1", "(neg 1)"],
    ["!true", "(! true)"],
    ["  42  ", "42"]
  ])

  it("keeps the source text of numbers", () => {
    const e = ok("1.000000000000000000001")
    expect(e._tag === "NumberLiteral" && e.text).toBe("1.000000000000000000001")
  })
})

describe("parseExpression: quoted strings and escapes", () => {
  table([
    ["\"\"", JSON.stringify("")],
    ["\"abc\"", JSON.stringify("abc")],
    ["\"a\\nb\\rc\\td\"", JSON.stringify("a\nb\rc\td")],
    ["\"q\\\"q\"", JSON.stringify("q\"q")],
    ["\"back\\\\slash\"", JSON.stringify("back\\slash")],
    ["\"\\u00e9\\u0041\"", JSON.stringify("éA")],
    ["\"\\U0001F600\"", JSON.stringify("😀")],
    ["\"$${a}\"", JSON.stringify("${a}")],
    ["\"%%{a}\"", JSON.stringify("%{a}")],
    ["\"$$${a}\"", JSON.stringify("$${a}")],
    ["\"a$ b% c$$ d%%\"", JSON.stringify("a$ b% c$$ d%%")],
    ["\"日本語 é\"", JSON.stringify("日本語 é")]
  ])
})

describe("parseExpression: templates", () => {
  table([
    ["\"${a}\"", "(wrap (interp a))"],
    ["\"${ a }\"", "(wrap (interp a))"],
    ["\"x${a}y\"", "(tpl \"x\" (interp a) \"y\")"],
    ["\"${a}${b}\"", "(tpl (interp a) (interp b))"],
    ["\"${a} b\"", "(tpl (interp a) \" b\")"],
    ["\"${ {a = 1} }\"", "(wrap (interp (object (a 1))))"],
    ["\"${\"in ${b}\"}\"", "(wrap (interp (tpl \"in \" (interp b))))"],
    ["\"${\n a\n}\"", "(wrap (interp a))"],
    ["\"%{if a}x%{endif}\"", "(tpl (if a (then \"x\") (else )))"],
    ["\"%{if a}x%{else}y%{endif}\"", "(tpl (if a (then \"x\") (else \"y\")))"],
    ["\"%{ if a == 1 }x%{ else }y%{ endif }\"", "(tpl (if (== a 1) (then \"x\") (else \"y\")))"],
    ["\"%{for v in xs}${v},%{endfor}\"", "(tpl (for _ v xs ((interp v) \",\")))"],
    ["\"%{for k, v in m}${k}=${v}%{endfor}\"", "(tpl (for k v m ((interp k) \"=\" (interp v))))"],
    [
      "\"%{if a}%{for x in y}${x}%{endfor}%{else}none%{endif}\"",
      "(tpl (if a (then (for _ x y ((interp x)))) (else \"none\")))"
    ],
    ["\"pre %{if a}${b}%{endif} post\"", "(tpl \"pre \" (if a (then (interp b)) (else )) \" post\")"]
  ])
})

describe("parseExpression: strip markers", () => {
  table([
    ["\"a ${~ b ~} c\"", "(tpl \"a\" (interp b) \"c\")"],
    ["\"a ${~b} c\"", "(tpl \"a\" (interp b) \" c\")"],
    ["\"a ${b~} c\"", "(tpl \"a \" (interp b) \"c\")"],
    ["\"a\\n \\t ${~b~} \\n\\t c\"", "(tpl \"a\" (interp b) \"c\")"],
    // the stripped literal is still there: not a lone interpolation
    ["\" ${~a}\"", "(tpl (interp a))"],
    ["\"${~a~}\"", "(wrap (interp a))"],
    ["\"%{if a ~}  x  %{~ else ~}  y  %{~ endif}\"", "(tpl (if a (then \"x\") (else \"y\")))"],
    // heredocs: a marker reaches the literal on its own line only
    ["<<EOT\na\n\n   ${~b}\nEOT\n", "(tpl \"a\\n\\n\" (interp b) \"\\n\")"],
    ["<<EOT\n${b~}   \n\n  c\nEOT\n", "(tpl (interp b) \"\\n  c\\n\")"],
    ["<<EOT\n  a  %{~ if x ~}  b  %{~ endif ~}\n  c\nEOT\n", "(tpl \"  a\" (if x (then \"b\") (else )) \"  c\\n\")"]
  ])
})

describe("parseExpression: heredocs", () => {
  table([
    ["<<EOT\nhello\nEOT\n", "\"hello\\n\""],
    ["<<EOT\nhello ${name}\nEOT\n", "(tpl \"hello \" (interp name) \"\\n\")"],
    ["<<EOT\nEOT\n", "\"\""],
    ["<<EOT\n\nEOT\n", "\"\\n\""],
    ["<<EOT\nno \\n escapes \"here\"\nEOT\n", JSON.stringify("no \\n escapes \"here\"\n")],
    ["<<EOT\n$${a} %%{b}\nEOT\n", JSON.stringify("${a} %{b}\n")],
    ["<<EOT\nline\n   EOT   \n", "\"line\\n\""],
    ["<<EOF\nEOT\nEOF\n", "\"EOT\\n\""],
    ["<<EOT\nEOTX\nEOT\n", "\"EOTX\\n\""],
    ["<<my-marker\nx\nmy-marker\n", "\"x\\n\""],
    ["<<EOT\r\nwin\r\nEOT\r\n", JSON.stringify("win\r\n")],
    ["<<EOT\n%{ for x in xs ~}\n- ${x}\n%{ endfor ~}\nEOT\n", "(tpl (for _ x xs (\"- \" (interp x) \"\\n\")))"],
    ["<<EOT\n${<<INNER\nnested\nINNER\n}\nEOT\n", "(tpl (interp \"nested\\n\") \"\\n\")"],
    ["[<<EOT\nx\nEOT\n, 1]", "(tuple \"x\\n\" 1)"],
    ["{a = <<EOT\nx\nEOT\nb = 1}", "(object (a \"x\\n\") (b 1))"]
  ])
})

describe("parseExpression: flush heredocs (<<-)", () => {
  table([
    ["<<-EOT\n    hello\n      world\n    EOT\n", "\"hello\\n  world\\n\""],
    ["<<-EOT\n\thello\n\t\tworld\n\tEOT\n", "\"hello\\n\\tworld\\n\""],
    // tabs and spaces count one each
    ["<<-EOT\n    a\n  \t  b\n    EOT\n", "\"a\\n b\\n\""],
    // blank lines do not count, and keep their blanks
    ["<<-EOT\n    a\n\n    b\n    EOT\n", "\"a\\n\\nb\\n\""],
    ["<<-EOT\n    a\n      \n    b\n    EOT\n", "\"a\\n      \\nb\\n\""],
    ["<<-EOT\n    a\n    ${b} c\n      d\n    EOT\n", "(tpl \"a\\n\" (interp b) \" c\\n  d\\n\")"],
    // a line starting with a sequence has no indentation
    ["<<-EOT\n    a\n${b}\n    EOT\n", "(tpl \"    a\\n\" (interp b) \"\\n\")"],
    // strip markers apply first: the line after `~}` is no longer a line start
    ["<<-EOT\n  %{ if x ~}\n    a\n  %{ endif ~}\n  EOT\n", "(tpl (if x (then \"    a\\n\") (else )))"],
    ["<<-EOT\n  x\n  EOT\n", "\"x\\n\""]
  ])
})

describe("parseExpression: collections", () => {
  table([
    ["[]", "(tuple)"],
    ["[1, 2, 3]", "(tuple 1 2 3)"],
    ["[1, 2,]", "(tuple 1 2)"],
    ["[\n  1,\n  2\n]", "(tuple 1 2)"],
    ["[[1], [2, [3]]]", "(tuple (tuple 1) (tuple 2 (tuple 3)))"],
    ["{}", "(object)"],
    ["{a = 1}", "(object (a 1))"],
    ["{a: 1}", "(object (a 1))"],
    ["{a = 1, b = 2}", "(object (a 1) (b 2))"],
    ["{a = 1,}", "(object (a 1))"],
    ["{\n  a = 1\n  b = 2\n}", "(object (a 1) (b 2))"],
    ["{\n  a = 1,\n\n  b = 2,\n}", "(object (a 1) (b 2))"],
    ["{\"quoted key\" = 1}", "(object ((key \"quoted key\") 1))"],
    ["{\"${k}\" = 1}", "(object ((key (wrap (interp k))) 1))"],
    ["{(k) = 1}", "(object ((key (paren k)) 1))"],
    ["{(a.b) = 1}", "(object ((key (paren (. a b))) 1))"],
    ["{1 = 2}", "(object ((key 1) 2))"],
    ["{true = 1, false = 2, null = 3}", "(object (true 1) (false 2) (null 3))"],
    ["{a-b = 1}", "(object (a-b 1))"],
    ["{a = 1 // c\n b = 2 # d\n c = 3 /* e */ }", "(object (a 1) (b 2) (c 3))"],
    ["{a = [\n1,\n2]}", "(object (a (tuple 1 2)))"],
    ["{a = {b = {c = 1}}}", "(object (a (object (b (object (c 1))))))"]
  ])
})

describe("parseExpression: operators and precedence", () => {
  table([
    ["a + b * c", "(+ a (* b c))"],
    ["a * b + c", "(+ (* a b) c)"],
    ["a - b - c", "(- (- a b) c)"],
    ["a / b / c", "(/ (/ a b) c)"],
    ["a * b % c", "(% (* a b) c)"],
    ["a < b == c > d", "(== (< a b) (> c d))"],
    ["a <= b != c >= d", "(!= (<= a b) (>= c d))"],
    ["a == b != c", "(!= (== a b) c)"],
    ["a || b && c", "(|| a (&& b c))"],
    ["a && b || c", "(|| (&& a b) c)"],
    ["a && b == c", "(&& a (== b c))"],
    ["a == b + c", "(== a (+ b c))"],
    ["a > b + c", "(> a (+ b c))"],
    ["!a && b", "(&& (! a) b)"],
    ["!(a && b)", "(! (paren (&& a b)))"],
    ["-a * b", "(* (neg a) b)"],
    ["a - -b", "(- a (neg b))"],
    ["!!a", "(! (! a))"],
    ["--a", "(neg (neg a))"],
    ["-a.b", "(neg (. a b))"],
    ["!a[0]", "(! ([] a 0))"],
    ["(1 + 2) * 3", "(* (paren (+ 1 2)) 3)"],
    ["a ? b : c", "(? a b c)"],
    ["a ? b : c ? d : e", "(? a b (? c d e))"],
    ["a ? b ? c : d : e", "(? a (? b c d) e)"],
    ["a || b ? c + d : e * f", "(? (|| a b) (+ c d) (* e f))"],
    ["x == \"a\" ? \"y\" : \"z\"", "(? (== x \"a\") \"y\" \"z\")"],
    ["a-b", "a-b"],
    ["a - b", "(- a b)"],
    // outside object constructors, newlines do not end the expression (as in HCL's ParseExpression)
    ["a\n+ b", "(+ a b)"],
    ["a ?\n b\n : c", "(? a b c)"]
  ])
})

describe("parseExpression: function calls", () => {
  table([
    ["f()", "(call f)"],
    ["f(a, b)", "(call f a b)"],
    ["f(a, b,)", "(call f a b)"],
    ["f(a...)", "(call... f a)"],
    ["f(a, [b]...)", "(call... f a (tuple b))"],
    ["f(\n  a,\n  b\n)", "(call f a b)"],
    ["f(g(h(1)))", "(call f (call g (call h 1)))"],
    ["provider::p::f(1)", "(call provider::p::f 1)"],
    ["a::b::c(1)", "(call a::b::c 1)"],
    ["jsondecode(x).a[0]", "([] (. (call jsondecode x) a) 0)"],
    ["true(1)", "(call true 1)"]
  ])

  it("records the name's range", () => {
    const e = ok("  provider::p::fn(1)")
    expect(e._tag === "FunctionCall" && at(e.nameRange)).toBe("1:3-1:18")
    expect(at(e.range)).toBe("1:3-1:21")
  })
})

describe("parseExpression: traversals", () => {
  table([
    ["a", "a"],
    ["a.b.c", "(. (. a b) c)"],
    ["a[0]", "([] a 0)"],
    ["a[\"k\"]", "([] a \"k\")"],
    ["a[b.c]", "([] a (. b c))"],
    ["a[-1]", "([] a (neg 1))"],
    ["a.0", "([] a 0)"],
    ["a.0.b", "(. ([] a 0) b)"],
    ["data.coder_parameter.region[0].value", "(. ([] (. (. data coder_parameter) region) 0) value)"],
    ["f(x)[0]", "([] (call f x) 0)"],
    ["(a).b", "(. (paren a) b)"],
    ["[1, 2][0]", "([] (tuple 1 2) 0)"],
    ["{a = 1}.a", "(. (object (a 1)) a)"],
    ["\"${a}\".b", "(. (wrap (interp a)) b)"],
    ["1.x", "(. 1 x)"],
    ["a[\n0\n]", "([] a 0)"],
    ["a\n.b", "(. a b)"]
  ])
})

describe("parseExpression: splats", () => {
  table([
    ["a[*]", "([*] a @)"],
    ["a[*].b", "([*] a (. @ b))"],
    ["a[*].b[0]", "([*] a ([] (. @ b) 0))"],
    ["a[*].b[0].c", "([*] a (. ([] (. @ b) 0) c))"],
    ["a[*][0]", "([*] a ([] @ 0))"],
    ["a[*][*]", "([*] a ([*] @ @))"],
    ["a[*].b[*].c", "([*] a ([*] (. @ b) (. @ c)))"],
    ["a.*", "(.* a @)"],
    ["a.*.b", "(.* a (. @ b))"],
    ["a.*.b.c", "(.* a (. (. @ b) c))"],
    // an attribute-only splat takes only the attribute steps; an index applies to its result
    ["a.*.b[0]", "([] (.* a (. @ b)) 0)"],
    ["a.*[0]", "([] (.* a @) 0)"],
    ["a.*.b.0", "(.* a ([] (. @ b) 0))"],
    ["a[*].b.*.c[0]", "([*] a ([] (.* (. @ b) (. @ c)) 0))"],
    ["(a.*.b).c", "(. (paren (.* a (. @ b))) c)"],
    ["a[*].b + c", "(+ ([*] a (. @ b)) c)"]
  ])
})

describe("parseExpression: for expressions", () => {
  table([
    ["[for x in y : x]", "(for _ x y _ x _)"],
    ["[for i, x in y : x if i > 0]", "(for i x y _ x (> i 0))"],
    ["{for x in y : x => x}", "(for _ x y x x _)"],
    ["{for k, v in m : v => k...}", "(for k v m v k _ ...)"],
    ["{for k, v in m : k => v... if v}", "(for k v m k v v ...)"],
    ["[for x in [for y in z : y] : x]", "(for _ x (for _ y z _ y _) _ x _)"],
    ["[\nfor x in y :\n x\n]", "(for _ x y _ x _)"],
    ["{\nfor x in y : x => x\n}", "(for _ x y x x _)"],
    ["[for x in y : x][0]", "([] (for _ x y _ x _) 0)"]
  ])
})

describe("parseExpression: comments and blanks", () => {
  table([
    ["a # c", "a"],
    ["a // c", "a"],
    ["a /* c */", "a"],
    ["/* x */ a", "a"],
    ["[1, /* mid */ 2]", "(tuple 1 2)"],
    ["[1, # c\n 2]", "(tuple 1 2)"],
    ["\n\ta\n", "a"]
  ])
})

describe("parseExpression: errors", () => {
  const errors: ReadonlyArray<readonly [string, string, string]> = [
    ["", "Missing expression", "1:1-1:1"],
    ["a +", "Missing expression", "1:4-1:4"],
    ["a b", "Extra characters after expression", "1:3-1:4"],
    ["a == == b", "Invalid expression", "1:6-1:8"],
    ["[1, 2", "Unterminated tuple constructor expression", "1:1-1:2"],
    ["[1 2]", "Missing item separator", "1:4-1:5"],
    ["{a = 1", "Unterminated object constructor expression", "1:1-1:2"],
    ["{a = 1 b = 2}", "Missing attribute separator", "1:8-1:9"],
    ["{a 1}", "Missing key/value separator", "1:4-1:5"],
    ["{a = 1 /* \n */ b = 2}", "Missing attribute separator", "2:5-2:6"],
    ["f(1, 2", "Unterminated function call", "1:1-1:3"],
    ["f(1 2)", "Missing argument separator", "1:5-1:6"],
    ["f(a..., b)", "Missing closing parenthesis", "1:4-1:7"],
    ["a::b", "Missing open parenthesis", "1:5-1:5"],
    ["(a", "Unbalanced parentheses", "1:3-1:3"],
    ["a ? b", "Missing false expression in conditional", "1:6-1:6"],
    ["\"abc", "Unterminated template string", "1:1-1:2"],
    ["\"a\nb\"", "Invalid multi-line string", "1:3-2:1"],
    ["\"a${b\"", "Unclosed template interpolation sequence", "1:3-1:5"],
    ["\"a${b c}\"", "Extra characters after interpolation expression", "1:7-1:8"],
    ["\"\\q\"", "Invalid escape sequence", "1:2-1:4"],
    ["\"\\u12\"", "Invalid escape sequence", "1:2-1:7"],
    ["\"\\ud800\"", "Invalid escape sequence", "1:2-1:8"],
    ["\"\\U00110000\"", "Invalid escape sequence", "1:2-1:12"],
    ["a[1", "Missing close bracket on index", "1:4-1:4"],
    ["a[*", "Missing close bracket on splat index", "1:4-1:4"],
    ["a.", "Invalid attribute name", "1:3-1:3"],
    ["a.1.2", "Invalid legacy index syntax", "1:3-1:6"],
    ["a.*.*", "Nested splat expression not allowed", "1:5-1:6"],
    ["[for x in y]", "Invalid 'for' expression", "1:12-1:13"],
    ["{for x in y: x}", "Invalid 'for' expression", "1:15-1:16"],
    ["[for x in y: x...]", "Invalid 'for' expression", "1:15-1:18"],
    ["\"%{if a}\"", "Unexpected end of template", "1:2-1:9"],
    ["\"%{endif}\"", "Unexpected endif directive", "1:2-1:10"],
    ["\"%{else}\"", "Unexpected else directive", "1:2-1:9"],
    ["\"%{if a}%{endfor}\"", "Unexpected endfor directive", "1:9-1:18"],
    ["\"%{bogus}\"", "Invalid template control keyword", "1:4-1:9"],
    ["\"%{if a}x%{else if b}y%{endif}\"", "Extra characters in else marker", "1:17-1:19"],
    ["\"%{ for 1 in q }x%{ endfor }\"", "Invalid 'for' directive", "1:9-1:10"],
    ["\"%{ }\"", "Invalid template directive", "1:5-1:6"],
    ["<<EOT\na\nEOT", "Unterminated template string", "1:1-1:6"],
    ["1.2.3", "Invalid number literal", "1:1-1:6"],
    ["9e9.5", "Invalid number literal", "1:1-1:6"],
    ["1.5e", "Extra characters after expression", "1:4-1:5"],
    ["a.19e9.2", "Invalid legacy index syntax", "1:3-1:9"],
    ["a @ b", "Invalid character", "1:3-1:4"],
    ["a\r+b", "Invalid character", "1:2-1:3"],
    ["\"a\rb\"", "Invalid multi-line string", "1:3-1:4"],
    ["<<EOT\nwin\rdows\nEOT\n", "Invalid character", "2:4-2:5"],
    ["{a 1, b}", "Missing key/value separator", "1:4-1:5"],
    ["{a, b = 1}", "Missing attribute value", "1:3-1:4"],
    ["{a\n = 1}", "Missing attribute value", "1:3-2:1"],
    ["a & b", "Unsupported operator", "1:3-1:4"],
    ["/* x", "Unterminated comment", "1:1-1:3"],
    ["{a.b = 1}", "Ambiguous attribute key", "1:2-1:5"]
  ]
  for (const [source, summary, range] of errors) {
    it(`${JSON.stringify(source)}: ${summary} at ${range}`, () => {
      const r = parseExpression(source, { file: "main.tf" })
      expect(r.diagnostics.length).toBeGreaterThan(0)
      const d = r.diagnostics[0]!
      expect(d.severity).toBe("error")
      expect(d.summary).toBe(summary)
      expect(d.detail.length).toBeGreaterThan(10)
      expect(d.range?.file).toBe("main.tf")
      expect(at(d.range)).toBe(range)
      expect(r.expression).toBeDefined()
    })
  }

  it("still returns the expression around the error", () => {
    const r = parseExpression("f(a, b c)")
    expect(show(r.expression)).toBe("(call f a b)")
    expect(show(parseExpression("[1, 2").expression)).toBe("(tuple 1 2)")
    expect(show(parseExpression("a +").expression)).toBe("(+ a null)")
  })

  it("reports only the first syntax error", () => {
    expect(parseExpression("[1 2 3 4 5").diagnostics).toHaveLength(1)
    expect(parseExpression("\"%{if a}%{endfor}%{endif}%{endfor}").diagnostics).toHaveLength(1)
  })

  it("keeps parsing after an ambiguous key (its meaning is wrong, not its syntax)", () => {
    const r = parseExpression("{a.b = 1, c = 2}")
    expect(r.diagnostics.map((d) => d.summary)).toEqual(["Ambiguous attribute key"])
    expect(show(r.expression)).toBe("(object ((key (. a b)) 1) (c 2))")
  })
})

describe("parseExpression: positions", () => {
  it("gives every node its range", () => {
    const e = ok("a.b[0] + f(x)")
    expect(at(e.range)).toBe("1:1-1:14")
    if (e._tag !== "Binary") throw new Error("not binary")
    expect(at(e.left.range)).toBe("1:1-1:7")
    expect(at(e.right.range)).toBe("1:10-1:14")
    if (e.left._tag !== "Index") throw new Error("not index")
    expect(at(e.left.key.range)).toBe("1:5-1:6")
    expect(at(e.left.collection.range)).toBe("1:1-1:4")
  })

  it("counts lines and columns across lines, in UTF-16 code units, and offsets", () => {
    const e = ok("[\n  \"é😀\",\n  b\n]")
    if (e._tag !== "Tuple") throw new Error("not tuple")
    expect(at(e.elements[0]!.range)).toBe("2:3-2:8")
    expect(at(e.elements[1]!.range)).toBe("3:3-3:4")
    expect(e.elements[1]!.range.start.offset).toBe(13)
  })

  it("shifts positions by options.start", () => {
    const start: Pos = { line: 10, column: 5, offset: 200 }
    const r = parseExpression("a +\n  b c", { file: "x.tf", start })
    expect(r.diagnostics[0]!.range).toEqual({
      file: "x.tf",
      start: { line: 11, column: 5, offset: 208 },
      end: { line: 11, column: 6, offset: 209 }
    })
    const e = parseExpression("x.y", { start }).expression
    expect(at(e.range)).toBe("10:5-10:8")
    expect(e.range.start.offset).toBe(200)
  })

  it("gives template parts their source ranges", () => {
    const e = ok("\"ab${c}d\"")
    if (e._tag !== "Template") throw new Error("not template")
    expect(e.parts.map((p) => at(p.range))).toEqual(["1:2-1:4", "1:4-1:8", "1:8-1:9"])
    expect(at(e.range)).toBe("1:1-1:10")
  })
})

describe("parseExpression: nesting limit", () => {
  const nested = (n: number) => "[".repeat(n) + "]".repeat(n)

  it(`accepts ${defaultMaxDepth - 2} levels by default and refuses more than ${defaultMaxDepth}`, () => {
    expect(parseExpression(nested(defaultMaxDepth - 2)).diagnostics).toEqual([])
    const r = parseExpression(nested(defaultMaxDepth + 1))
    expect(r.diagnostics.map((d) => d.summary)).toEqual(["Expression too deeply nested"])
  })

  it("honours options.maxDepth", () => {
    expect(parseExpression(nested(20), { maxDepth: 10 }).diagnostics[0]?.summary).toBe(
      "Expression too deeply nested"
    )
    expect(parseExpression(nested(400), { maxDepth: 500 }).diagnostics).toEqual([])
  })

  it("does not count chains of operators or of attribute and index steps as nesting", () => {
    for (const n of [201, 5_000, 100_000]) {
      const r = parseExpression(Array.from({ length: n }, () => "1").join(" + "))
      expect(r.diagnostics).toEqual([])
      expect(r.expression._tag).toBe("Binary")
    }
    expect(parseExpression("a" + ".b".repeat(5_000)).diagnostics).toEqual([])
    expect(parseExpression("a" + "[0].b".repeat(5_000)).diagnostics).toEqual([])
    expect(parseExpression("1" + " * 2 + 3 - 4 / 5".repeat(20_000)).diagnostics).toEqual([])
  })

  it("bounds every kind of real nesting", () => {
    const n = defaultMaxDepth + 10
    const cases = [
      "(".repeat(n) + "a" + ")".repeat(n),
      "{a = ".repeat(n) + "1" + "}".repeat(n),
      "f(".repeat(n) + ")".repeat(n),
      "\"${".repeat(n) + "a" + "}\"".repeat(n),
      "\"" + "%{if a}".repeat(n) + "%{endif}".repeat(n) + "\"",
      "a" + "[*]".repeat(n),
      "[for x in y : ".repeat(n) + "x" + "]".repeat(n),
      "a ? ".repeat(n) + "b" + " : c".repeat(n),
      "-".repeat(n) + "1",
      "!".repeat(n) + "a",
      "a[".repeat(n) + "0" + "]".repeat(n),
      "1 + (".repeat(n) + "1" + ")".repeat(n)
    ]
    for (const source of cases) {
      const r = parseExpression(source)
      expect(r.diagnostics.map((d) => [d.summary, d.code]), source.slice(0, 20)).toEqual([
        ["Expression too deeply nested", "resource_limit"]
      ])
    }
  })

  it("never lets a stack overflow escape, whatever the limit (the JS stack then sets the limit)", () => {
    const r = parseExpression(nested(200_000), { maxDepth: 1_000_000 })
    expect(r.diagnostics.map((d) => d.summary)).toEqual(["Expression too deeply nested"])
  })
})

describe("parseExpression: large inputs", () => {
  it("parses megabytes of input", () => {
    const items = Array.from({ length: 20_000 }, (_, i) => `{a = "x${i}-\${var.y[${i}]}", b = f(${i}, c.d[*].e)}`)
    const tuple = "[\n" + items.join(",\n") + "\n]"
    expect(tuple.length).toBeGreaterThan(1_000_000)
    const r = parseExpression(tuple)
    expect(r.diagnostics).toEqual([])
    expect(r.expression._tag === "Tuple" && r.expression.elements.length).toBe(20_000)
    expect(r.expression._tag === "Tuple" && at(r.expression.elements[19_999]!.range)).toBe("20001:1-20001:55")

    const heredoc = "<<EOT\n" + "line ${x} and text\n".repeat(60_000) + "EOT\n"
    const h = parseExpression(heredoc)
    expect(h.diagnostics).toEqual([])
    expect(h.expression._tag === "Template" && h.expression.parts.length).toBe(120_001)

    const quoted = "\"" + "abc\\n".repeat(200_000) + "\""
    const q = parseExpression(quoted)
    expect(q.expression._tag === "StringLiteral" && q.expression.value.length).toBe(800_000)
  })
})

describe("parseTemplate", () => {
  const rows: ReadonlyArray<readonly [string, boolean | undefined, string]> = [
    ["plain text", undefined, "\"plain text\""],
    ["", undefined, "\"\""],
    ["${a}", undefined, "(wrap (interp a))"],
    ["hello ${name}!\n", undefined, "(tpl \"hello \" (interp name) \"!\\n\")"],
    ["a\\nb", undefined, JSON.stringify("a\nb")],
    ["a\\nb", false, JSON.stringify("a\\nb")],
    ["\"quoted\"", undefined, JSON.stringify("\"quoted\"")],
    ["$${x} %%{y}", false, JSON.stringify("${x} %{y}")],
    ["%{ for x in xs ~}\n${x}\n%{ endfor ~}\n", false, "(tpl (for _ x xs ((interp x) \"\\n\")))"],
    ["line1\n  ${~a}\n", false, "(tpl \"line1\\n\" (interp a) \"\\n\")"],
    ["%{if a}yes%{else}no%{endif}", undefined, "(tpl (if a (then \"yes\") (else \"no\")))"]
  ]
  for (const [source, escapes, expected] of rows) {
    it(`${JSON.stringify(source)} (escapes ${escapes ?? "default"})`, () => {
      const r = parseTemplate(source, escapes === undefined ? {} : { escapes })
      expect(r.diagnostics).toEqual([])
      expect(show(r.expression)).toBe(expected)
    })
  }

  it("reports errors with positions", () => {
    const r = parseTemplate("ok\n%{if a}\nno end", { file: "t.tpl" })
    expect(r.diagnostics.map((d) => [d.summary, at(d.range)])).toEqual([["Unexpected end of template", "2:1-2:8"]])
    expect(parseTemplate("${a b}").diagnostics[0]!.summary).toBe("Extra characters after interpolation expression")
    expect(parseTemplate("a\\q").diagnostics[0]!.summary).toBe("Invalid escape sequence")
    expect(parseTemplate("a\\q", { escapes: false }).diagnostics).toEqual([])
  })
})
