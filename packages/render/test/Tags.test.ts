/**
 * docs/render.md §5.3: workspace tags (usable, unusable, errors, merging across blocks and modules).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { lines, main, render } from "./utils/render.js"

const tagsBlock = (label: string, tags: string) => `data "coder_workspace_tags" "${label}" {\n  tags = ${tags}\n}\n`
const unset = `variable "unset" {}\n`

describe("§5.3 the tags value", () => {
  it.effect("a block without tags is fine", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`data "coder_workspace_tags" "t" {}`))
      expect(output.tags).toEqual({})
      expect(output.unusable_tags).toEqual([])
      expect(output.diagnostics).toEqual([])
    }))

  const notObjects: ReadonlyArray<readonly [string, string]> = [
    [`null`, "dynamic"],
    [`var.unset`, "dynamic"],
    [`"a=b"`, "string"],
    [`5`, "number"],
    [`["a", "b"]`, "tuple"],
    [`tolist(["a"])`, "list of string"],
    [`{ (local.missing) = "x", a = "b" }`, "dynamic"]
  ]
  for (const [expression, type] of notObjects) {
    it.effect(`${expression}: Incorrect type (${type})`, () =>
      Effect.gen(function*() {
        const output = yield* render(
          main(unset + `locals {}\n` + tagsBlock("t", expression) + tagsBlock("u", `{ ok = "yes" }`))
        )
        expect(lines(output.diagnostics)).toEqual([
          `error|Incorrect type for "tags" attribute|"tags" attribute must be an 'Object', but got "${type}"`
        ])
        expect(output.tags).toEqual({ ok: "yes" })
      }))
  }

  it.effect("a known map is accepted", () =>
    Effect.gen(function*() {
      const output = yield* render(main(tagsBlock("t", `tomap({ a = "x", b = "y" })`)))
      expect(output.tags).toEqual({ a: "x", b: "y" })
      expect(output.diagnostics).toEqual([])
    }))
})

describe("§5.3 each element", () => {
  it.effect("usable texts, dropped nulls, unusable collections / unknowns / errors", () =>
    Effect.gen(function*() {
      const output = yield* render(main(
        unset + `locals {}\n` + tagsBlock(
          "t",
          `{
          string  = "foo"
          number  = 42
          float   = 1.5
          big     = 12345678901
          yes     = true
          no      = false
          empty   = ""
          gone    = null
          list    = ["a"]
          map     = { k = "v" }
          unknown = var.unset
          partial = "x-\${var.unset}"
          broken  = local.missing
          10      = "numeric key"
        }`
        )
      ))
      expect(output.tags).toEqual({
        "10": "numeric key",
        big: "1.23456789e+10",
        empty: "",
        float: "1.5",
        no: "false",
        number: "42",
        string: "foo",
        yes: "true"
      })
      expect(output.unusable_tags).toEqual(["broken", "list", "map", "partial", "unknown"])
      expect(output.diagnostics).toEqual([])
    }))

  it.effect("tag values may come from parameter values", () =>
    Effect.gen(function*() {
      const files = main(`
        data "coder_parameter" "zone" {
          name    = "zone"
          default = "us"
        }
        ${tagsBlock("t", `{ zone = data.coder_parameter.zone.value }`)}
      `)
      expect((yield* render(files)).tags).toEqual({ zone: "us" })
      expect((yield* render(files, { values: { zone: "eu" } })).tags).toEqual({ zone: "eu" })
    }))

  it.effect("a tag from a parameter without a value is unusable", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`
        data "coder_parameter" "zone" {
          name = "zone"
        }
        ${tagsBlock("t", `{ zone = data.coder_parameter.zone.value }`)}
      `))
      expect(output.tags).toEqual({})
      expect(output.unusable_tags).toEqual(["zone"])
      expect(output.diagnostics).toEqual([])
    }))
})

describe("§5.3 merging", () => {
  it.effect("a later block overwrites an earlier one; unusable keys in block order, then key order", () =>
    Effect.gen(function*() {
      const output = yield* render(main(
        unset +
          tagsBlock("b", `{ shared = "from b", z_bad = var.unset, a_bad = ["x"] }`) +
          tagsBlock("a", `{ shared = "from a", only_a = "1", m_bad = var.unset }`)
      ))
      expect(output.tags).toEqual({ only_a: "1", shared: "from b" })
      expect(output.unusable_tags).toEqual(["m_bad", "a_bad", "z_bad"])
    }))

  it.effect("tags of every module and instance are merged, root first", () =>
    Effect.gen(function*() {
      const output = yield* render({
        "main.tf": tagsBlock("root", `{ where = "root", root = "r" }`) +
          `module "child" {\n  source = "./child"\n  n = 2\n}\n`,
        "child/main.tf": `variable "n" {}\n` +
          `data "coder_workspace_tags" "each" {\n  count = var.n\n  tags = { where = "child", "i\${count.index}" = "\${count.index}" }\n}\n`
      })
      expect(output.tags).toEqual({ i0: "0", i1: "1", root: "r", where: "child" })
      expect(output.diagnostics).toEqual([])
    }))

  it.effect("the output's tags are sorted by key", () =>
    Effect.gen(function*() {
      const output = yield* render(main(tagsBlock("t", `{ b = "1", a = "2", C = "3" }`)))
      expect(Object.keys(output.tags)).toEqual(["C", "a", "b"])
    }))

  it.effect("a block with count = 0 contributes nothing", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`data "coder_workspace_tags" "t" {\n count = 0\n tags = null\n}\n`))
      expect(output.tags).toEqual({})
      expect(output.diagnostics).toEqual([])
    }))
})
