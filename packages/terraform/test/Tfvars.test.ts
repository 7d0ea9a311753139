import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HclParser from "../src/HclParser.js"
import * as TemplateFiles from "../src/TemplateFiles.js"
import * as Tfvars from "../src/Tfvars.js"
import { loadRecord } from "./utils/loadRecord.js"

const files = (record: Record<string, string>) => Either.getOrThrow(TemplateFiles.fromRecord(record))
const collect = (record: Record<string, string>) => Tfvars.collect(files(record)).pipe(Effect.provide(HclParser.layer))

describe("Tfvars", () => {
  it("finds every *.tfvars and *.tfvars.json file in directory-walk order", () => {
    const f = files({
      "main.tf": "",
      "b.tfvars": "",
      "b/c.tfvars": "",
      "a.tfvars.json": "",
      ".hidden.tfvars": "",
      ".terraform/modules/m/x.tfvars": "",
      "z.auto.tfvars": "",
      "notes.tfvars.txt": "",
      "tfvars": "",
      "b-c.tfvars": ""
    })
    expect(Tfvars.tfvarsFiles(f)).toEqual([
      ".hidden.tfvars",
      ".terraform/modules/m/x.tfvars",
      "a.tfvars.json",
      "b/c.tfvars",
      "b-c.tfvars",
      "b.tfvars",
      "z.auto.tfvars"
    ])
  })

  it.effect("later files override earlier ones per key; values stay raw", () =>
    Effect.gen(function*() {
      const result = yield* collect({
        ".hidden.tfvars": `a = "hidden"\nb = "hidden"\n`,
        "1.tfvars":
          `a = "one"\nexpr = var.x\nlist = [1, "two", true]\nobj = { k = "v", n = 1.5 }\ntmpl = "x-\${local.y}"\n`,
        "2.tfvars.json": `{"b": {"json": [1, null]}, "c": 3}`,
        "sub/3.tfvars": `c = 4\n`
      })
      expect(result.fatal).toBeUndefined()
      expect(result.files).toEqual([".hidden.tfvars", "1.tfvars", "2.tfvars.json", "sub/3.tfvars"])
      expect(Object.fromEntries(result.values)).toEqual({
        a: "one",
        b: { json: [1, null] },
        c: 4,
        expr: "${var.x}",
        list: [1, "two", true],
        obj: { k: "v", n: 1.5 },
        tmpl: "x-${local.y}"
      })
      expect(result.sources.get("a")).toBe("1.tfvars")
      expect(result.sources.get("b")).toBe("2.tfvars.json")
      expect(result.sources.get("c")).toBe("sub/3.tfvars")
    }))

  it.effect("empty files are fine", () =>
    Effect.gen(function*() {
      const result = yield* collect({
        "a.tfvars": "",
        "b.tfvars": "\n  \n",
        "c.tfvars.json": "",
        "d.tfvars.json": " {} "
      })
      expect(result.fatal).toBeUndefined()
      expect(result.values.size).toBe(0)
    }))

  const failures: ReadonlyArray<[string, Record<string, string>, RegExp]> = [
    [
      "HCL syntax",
      { "a.tfvars": "x = 1\n", "bad.tfvars": "y = (\n" },
      /^failed to load tfvars from bad\.tfvars: \d+,\d+: /
    ],
    ["JSON syntax", { "bad.tfvars.json": "{ nope" }, /^failed to load tfvars from bad\.tfvars\.json: .+/],
    ["JSON that is not an object", { "bad.tfvars.json": "[1]" }, /the root value must be a JSON object$/],
    [
      "a block",
      { "bad.tfvars": "x = 1\nblock {\n  y = 2\n}\n" },
      /^failed to load tfvars from bad\.tfvars: 2,1: Unexpected "block" block; Blocks are not allowed here\.$/
    ]
  ]
  for (const [name, record, detail] of failures) {
    it.effect(`a file that does not parse is fatal (${name})`, () =>
      Effect.gen(function*() {
        const result = yield* collect({ ...record, "z.tfvars": "late = 1\n" })
        expect(result.fatal?.severity).toBe("error")
        expect(result.fatal?.summary).toBe("Failed to load tfvars from files")
        expect(result.fatal?.detail).toMatch(detail)
        expect(result.values.has("late")).toBe(false)
      }))
  }

  it.effect("the loader exposes merged tfvars and the fatal diagnostic", () =>
    Effect.gen(function*() {
      const ok = yield* loadRecord({ "main.tf": "", "vars.tfvars": "a = 1\n", ".x.tfvars.json": `{"a": 0, "b": 2}` })
      expect(Object.fromEntries(ok.tfvars)).toEqual({ a: 1, b: 2 })
      expect(ok.tfvarsSources.get("a")).toBe("vars.tfvars")
      expect(ok.fatal).toBeUndefined()
      const bad = yield* loadRecord({ "main.tf": `variable "a" {}\n`, "vars.tfvars": "a = \n" })
      expect(bad.fatal?.summary).toBe("Failed to load tfvars from files")
      expect(bad.root.blocks.length).toBe(1)
    }))
})
