import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as BlockOrder from "../src/BlockOrder.js"
import { scan } from "../src/internal/loadScan.js"
import type { Block } from "../src/Loader.js"

const headers = (source: string) =>
  BlockOrder.scanHeaders(source).map((h) => ({
    type: h.type,
    labels: h.labels,
    line: h.line,
    children: h.children.map((c) => `${c.type}${c.labels.map((l) => ` ${l}`).join("")}@${c.line}`)
  }))

describe("BlockOrder.scanHeaders", () => {
  it("finds top-level headers with labels, lines and columns", () => {
    const source = [
      "terraform {", //                           1
      "  required_providers {", //                2
      "    coder = { source = \"coder/coder\" }", // 3
      "  }", //                                   4
      "}", //                                     5
      "", //                                      6
      "  data \"coder_parameter\" \"region\" {", //  7
      "  name = \"region\"", //                    8
      "}", //                                     9
      "resource docker_image main { name = 1 }", // 10
      "locals {}" //                              11
    ].join("\n")
    const result = BlockOrder.scanHeaders(source)
    expect(result.map((h) => [h.type, h.labels, h.line, h.column])).toEqual([
      ["terraform", [], 1, 1],
      ["data", ["coder_parameter", "region"], 7, 3],
      ["resource", ["docker_image", "main"], 10, 1],
      ["locals", [], 11, 1]
    ])
    expect(result[0]!.children.map((c) => [c.type, c.line])).toEqual([["required_providers", 2]])
    expect(result[1]!.offset).toBe(source.indexOf("data"))
  })

  it("ignores fake headers in comments, strings, heredocs and interpolations", () => {
    const source = [
      "# data \"a\" \"comment\" {", //                         1
      "// data \"a\" \"comment2\" {", //                       2
      "/* data \"a\" \"comment3\" {", //                       3
      "   data \"a\" \"comment4\" { */", //                    4
      "locals {", //                                         5
      "  a = \"data \\\"x\\\" \\\"y\\\" {\"", //               6
      "  b = <<EOT", //                                      7
      "data \"a\" \"heredoc\" {", //                          8
      "  EOT2", //                                           9
      "  EOT", //                                            10
      "  c = <<-EOT", //                                     11
      "    resource \"a\" \"b\" {", //                       12
      "    EOT", //                                          13
      "  d = \"${ { k = \"}\" }[\"k\"] } data \\\"q\\\" {\"", // 14
      "  e = { x = { y = \"{\" } }", //                      15
      "}", //                                                16
      "data \"real\" \"one\" {", //                          17
      "}" //                                                 18
    ].join("\n")
    expect(headers(source)).toEqual([
      { type: "locals", labels: [], line: 5, children: [] },
      { type: "data", labels: ["real", "one"], line: 17, children: [] }
    ])
  })

  it("records nested blocks, static and dynamic, in written order", () => {
    const source = `data "coder_parameter" "p" {
  name = "p"
  option {
    name = "a"
  }
  dynamic "option" {
    for_each = ["b", "c"]
    content {
      name = option.value
    }
  }
  option { name = "d" }
  validation {
    regex = "^[a-z]+$"
  }
}
`
    expect(headers(source)).toEqual([{
      type: "data",
      labels: ["coder_parameter", "p"],
      line: 1,
      children: ["option@3", "dynamic option@6", "option@12", "validation@13"]
    }])
  })

  it("decodes escaped labels", () => {
    expect(BlockOrder.scanHeaders(`data "a\\"b" "\\u00e9\\n" {}\n`)[0]!.labels).toEqual(["a\"b", "é\n"])
    expect(BlockOrder.scanHeaders(`data "a$\${b}" "c%%{d}" {}\n`)[0]!.labels).toEqual(["a\${b}", "c%{d}"])
  })

  it("handles heredoc interpolations and directives", () => {
    const source = [
      "locals {",
      "  x = <<EOT",
      "%{ for v in [\"}\"] }${v}%{ endfor }",
      "${ { a = <<INNER",
      "data \"fake\" \"x\" {",
      "INNER",
      "} }",
      "EOT",
      "}",
      "output \"o\" { value = 1 }"
    ].join("\n")
    expect(headers(source).map((h) => [h.type, h.labels, h.line])).toEqual([
      ["locals", [], 1],
      ["output", ["o"], 10]
    ])
  })

  it("terminates on unbalanced and malformed input", () => {
    for (
      const source of [
        "data \"a\" \"b\" {",
        "x = \"${",
        "x = <<EOT\nno end",
        "}}}}",
        ")))",
        "a = (((",
        "/* unterminated",
        "\"unterminated\nlocals {}",
        "a \"b\" c",
        "=",
        "<<",
        "a = <<-",
        "%{",
        "\u0000\ufeff"
      ]
    ) {
      expect(() => BlockOrder.scanHeaders(source)).not.toThrow()
    }
  })

  it("never throws and always terminates on arbitrary text (property)", () => {
    const alphabet = fc.constantFrom(
      ..."abc{}[]()\"'\\$%~<-!?=#/*\n \t".split(""),
      "${",
      "%{",
      "<<EOT\n",
      "\nEOT\n",
      "data \"x\" \"y\" {",
      "//",
      "/*",
      "*/"
    )
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }).map((parts) => parts.join("")), (source) => {
        const result = scan(source)
        expect(result.maxDepth).toBeGreaterThanOrEqual(0)
      }),
      { numRuns: 500 }
    )
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (source) => {
      scan(source)
    }))
  })

  const ident = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/)
  const labelText = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom("${a}", "%{b}", "\\", "\"", "{", "}", "#", "//", "é\u{1f600}")
  ).filter((s) => !s.includes("\n"))
  const quote = (s: string) => JSON.stringify(s).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{")
  const noise = fc.constantFrom(
    "a = 1",
    "b = \"data \\\"x\\\" \\\"y\\\" {\"",
    "c = { k = \"}\" }",
    "d = <<EOT\ndata \"h\" \"d\" {\nEOT",
    "e = <<-EOT\n  resource \"q\" \"r\" {\n  EOT",
    "# data \"c\" \"d\" {",
    "/* locals { */",
    "f = [for x in [1, 2] : x if x > 1]",
    "g = \"${ { k = \"}\" }[\"k\"] }\"",
    "h = a ? b : -c"
  )
  const program = fc.array(
    fc.record({
      type: ident,
      labels: fc.array(labelText, { maxLength: 2 }),
      before: fc.array(noise, { maxLength: 2 }),
      children: fc.array(fc.record({ type: ident, labels: fc.array(labelText, { maxLength: 1 }) }), { maxLength: 3 })
    }),
    { maxLength: 6 }
  )

  it("finds exactly the headers of generated programs, at their lines (property)", () => {
    fc.assert(
      fc.property(program, (blocks) => {
        const lines: Array<string> = []
        const expected: Array<{ type: string; labels: Array<string>; line: number; children: Array<string> }> = []
        for (const block of blocks) {
          lines.push(...block.before.flatMap((n) => n.split("\n")))
          const line = lines.length + 1
          lines.push(`${block.type} ${block.labels.map(quote).join(" ")} {`)
          const children: Array<string> = []
          for (const child of block.children) {
            lines.push(...["x = \"}\"", "y = <<EOT", "z {", "EOT"])
            children.push(`${child.type}${child.labels.map((l) => ` ${l}`).join("")}@${lines.length + 1}`)
            lines.push(`  ${child.type} ${child.labels.map(quote).join(" ")} {`, "    inner { a = 1 }", "  }")
          }
          lines.push("}")
          expected.push({ type: block.type, labels: block.labels, line, children })
        }
        expect(headers(lines.join("\n"))).toEqual(expected)
      }),
      { numRuns: 300 }
    )
  })

  it("measures nesting depth and operator chains", () => {
    expect(scan("x = ((1))").maxDepth).toBe(2)
    expect(scan("a { b { c = [{ d = \"${(1)}\" }] } }").maxDepth).toBe(6)
    expect(scan("x = !!!-1 ? a : b").maxOperators).toBe(5)
    expect(scan("x = \"%{if a}%{if b}x%{endif}%{endif}\"").maxDepth).toBe(3)
    expect(scan("x = local.a-b-c").maxOperators).toBe(0)
    const deep = scan("x = " + "(".repeat(1000) + ")".repeat(1000), 100)
    expect(deep.aborted).toBe(true)
  })
})

const block = (address: string, order: number): Block => ({
  kind: "data",
  labels: [],
  type: undefined,
  name: undefined,
  address,
  key: address,
  body: {},
  file: "main.tf",
  line: undefined,
  order,
  nested: undefined
})

describe("BlockOrder ordering", () => {
  it("sorts by address (code point order), duplicates in written order", () => {
    const blocks = [block("data.b", 0), block("data.a", 1), block("data.b", 2), block("data.B", 3), block("data.a", 4)]
    expect(BlockOrder.sortBlocks(blocks).map((b) => `${b.address}#${b.order}`)).toEqual([
      "data.B#3",
      "data.a#1",
      "data.a#4",
      "data.b#0",
      "data.b#2"
    ])
    expect(BlockOrder.writtenOrder(BlockOrder.sortBlocks(blocks)).map((b) => b.order)).toEqual([0, 1, 2, 3, 4])
  })

  it("compares by code point, not UTF-16 unit", () => {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (4 bytes, F0 ...), unlike UTF-16 order.
    expect(BlockOrder.compareAddresses("\uff5e", "\u{1f600}")).toBeLessThan(0)
    expect("\uff5e" < "\u{1f600}").toBe(false)
  })

  it("interleaves static and dynamic nested blocks in written order", () => {
    const b: Block = {
      ...block("data.coder_parameter.p", 0),
      body: { option: [{ name: "a" }, { name: "d" }], dynamic: { option: [{ for_each: "${x}" }] } },
      nested: [
        { type: "option", dynamic: false, file: "main.tf", line: 2 },
        { type: "option", dynamic: true, file: "main.tf", line: 3 },
        { type: "validation", dynamic: false, file: "main.tf", line: 4 },
        { type: "option", dynamic: false, file: "main.tf", line: 5 }
      ]
    }
    expect(BlockOrder.nestedInWrittenOrder(b, "option")).toEqual([
      { dynamic: false, body: { name: "a" } },
      { dynamic: true, body: { for_each: "${x}" } },
      { dynamic: false, body: { name: "d" } }
    ])
    expect(BlockOrder.nestedInWrittenOrder({ ...b, nested: undefined }, "option")).toBeUndefined()
    expect(BlockOrder.nestedInWrittenOrder({ ...b, body: { option: [] } }, "option")).toBeUndefined()
  })
})
