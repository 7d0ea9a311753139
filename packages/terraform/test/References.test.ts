import { describe, expect, it } from "@effect/vitest"
import { parseExpression } from "../src/ExpressionParser.js"
import { references } from "../src/References.js"

const refs = (source: string) => {
  const r = parseExpression(source)
  expect(r.diagnostics).toEqual([])
  return references(r.expression).map((ref) => ref.parts)
}

describe("References.references", () => {
  const rows: ReadonlyArray<readonly [string, ReadonlyArray<ReadonlyArray<string | number>>]> = [
    ["1 + 2", []],
    ["\"text\"", []],
    ["a", [["a"]]],
    ["var.x", [["var", "x"]]],
    ["data.coder_parameter.region[0].value", [["data", "coder_parameter", "region", 0, "value"]]],
    ["data.coder_parameter.region.0.value", [["data", "coder_parameter", "region", 0, "value"]]],
    ["local.m[\"key\"].x", [["local", "m", "key", "x"]]],
    ["var.x[local.i]", [["var", "x"], ["local", "i"]]],
    ["var.x[local.i].y[0]", [["var", "x"], ["local", "i"]]],
    ["var.m[var.k[count.index]]", [["var", "m"], ["var", "k"], ["count", "index"]]],
    ["var.x[-1]", [["var", "x"]]],
    ["var.x[1.5].y", [["var", "x"]]],
    ["var.x[1e1].y", [["var", "x", 10, "y"]]],
    ["var.x[true].y", [["var", "x"]]],
    ["a.b + c.d * e", [["a", "b"], ["c", "d"], ["e"]]],
    ["f(var.a, local.b...)", [["var", "a"], ["local", "b"]]],
    ["jsondecode(var.j).a.b", [["var", "j"]]],
    ["keys(local.m)[0]", [["local", "m"]]],
    ["c ? var.t : var.f", [["c"], ["var", "t"], ["var", "f"]]],
    ["!var.b", [["var", "b"]]],
    ["(var.a).b", [["var", "a"]]],
    ["[var.a, {k = var.b, (var.c) = 1, \"${var.d}\" = 2}]", [["var", "a"], ["var", "b"], ["var", "c"], [
      "var",
      "d"
    ]]],
    ["\"${data.coder_workspace_owner.me.name}-x\"", [["data", "coder_workspace_owner", "me", "name"]]],
    ["\"%{if var.on}${local.a}%{else}${local.b}%{endif}\"", [["var", "on"], ["local", "a"], ["local", "b"]]],
    // splats: the source is the reference; the steps after the splat apply to each element
    ["var.list[*].id", [["var", "list"]]],
    ["var.list.*.id", [["var", "list"]]],
    ["var.list[*].m[local.k]", [["var", "list"], ["local", "k"]]],
    ["module.m.out.*.id[0]", [["module", "m", "out"]]],
    // for expressions bind their names, only inside
    ["[for x in var.xs : x.name]", [["var", "xs"]]],
    ["[for i, x in var.xs : \"${i}-${x}-${local.s}\" if x != var.skip]", [["var", "xs"], ["local", "s"], [
      "var",
      "skip"
    ]]],
    ["{for k, v in var.m : k => v...}", [["var", "m"]]],
    ["[for x in x : x]", [["x"]]],
    ["[for x in var.a : [for y in x : y + z]]", [["var", "a"], ["z"]]],
    ["[for x in var.a : x][0].b", [["var", "a"]]],
    ["\"%{for name in var.names}${name}:${var.sep}%{endfor}\"", [["var", "names"], ["var", "sep"]]],
    ["\"%{for k, v in var.m}${k}${v}%{endfor}${k}\"", [["var", "m"], ["k"]]],
    ["count.index", [["count", "index"]]],
    ["each.value.name", [["each", "value", "name"]]],
    ["path.module", [["path", "module"]]]
  ]
  for (const [source, expected] of rows) {
    it(JSON.stringify(source), () => {
      expect(refs(source)).toEqual(expected)
    })
  }

  it("gives each reference its range, up to the last step it includes", () => {
    const r = parseExpression("  var.x[local.i].y", { file: "main.tf" })
    const found = references(r.expression)
    expect(found.map((ref) => [ref.range.file, ref.range.start.column, ref.range.end.column])).toEqual([
      ["main.tf", 3, 8],
      ["main.tf", 9, 16]
    ])
  })

  it("lists every occurrence", () => {
    expect(refs("var.a + var.a")).toEqual([["var", "a"], ["var", "a"]])
  })

  it("walks very deep trees without recursion", () => {
    const depth = 50_000
    const source = "[".repeat(depth) + "var.x" + "]".repeat(depth)
    const r = parseExpression(source, { maxDepth: depth + 10 })
    // the parser may stop at the JS stack; build the tree by hand to be sure of its depth
    let e = r.expression
    if (r.diagnostics.length > 0) {
      const leaf = parseExpression("var.x").expression
      e = leaf
      for (let k = 0; k < depth; k++) e = { _tag: "Tuple", elements: [e], range: leaf.range }
    }
    expect(references(e).map((ref) => ref.parts)).toEqual([["var", "x"]])
  })
})
