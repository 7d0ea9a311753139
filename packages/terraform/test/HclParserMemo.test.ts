/**
 * The parse memo (`HclParser.memoize` / `layerMemoized`): a new version parses only the files
 * whose content changed, loads exactly as without the memo, and stays within its bounds.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as CompiledTemplate from "../src/CompiledTemplate.js"
import * as HclParser from "../src/HclParser.js"
import * as Loader from "../src/Loader.js"
import * as TemplateFiles from "../src/TemplateFiles.js"

/** A parser that counts the files that reach the real parser, under a memo. */
const counted = (options?: HclParser.MemoOptions) => {
  const seen: Array<string> = []
  const inner: HclParser.HclParserShape = {
    parse: (file, content) => Effect.suspend(() => (seen.push(file), HclParser.live.parse(file, content)))
  }
  const memo = HclParser.memoize(inner, options)
  return { seen, memo, layer: Layer.succeed(HclParser.HclParser, memo) }
}

const files = (record: Record<string, string>) => Either.getOrThrow(TemplateFiles.fromRecord(record))

const version1 = {
  "main.tf": `
module "net" {
  source = "./modules/net"
  name   = var.name
}
output "cidr" { value = module.net.cidr }
`,
  "variables.tf": `variable "name" { default = "dev" }\n`,
  "params.tf": `
data "coder_parameter" "size" {
  name    = "size"
  default = "small"
}
`,
  "modules/net/main.tf": `
variable "name" {}
output "cidr" { value = "10.0.0.0/16" }
`
}

const version2 = { ...version1, "params.tf": version1["params.tf"].replace("small", "large") }

const loaded = (record: Record<string, string>, layer: Layer.Layer<HclParser.HclParser>) =>
  Effect.provide(Loader.load(files(record)), layer)

/** A loaded template as data (positions and bodies), for comparing two loads. */
const shape = (template: Loader.LoadedTemplate) =>
  JSON.parse(JSON.stringify({ root: template.root, diagnostics: template.diagnostics }))

describe("HclParser parse memo", () => {
  it.effect("a second version with one changed file parses exactly that file", () =>
    Effect.gen(function*() {
      const { layer, memo, seen } = counted()
      yield* Effect.provide(CompiledTemplate.compile(files(version1)), layer)
      expect([...seen].sort()).toEqual(["main.tf", "modules/net/main.tf", "params.tf", "variables.tf"])
      seen.length = 0
      yield* Effect.provide(CompiledTemplate.compile(files(version2)), layer)
      expect(seen).toEqual(["params.tf"])
      expect(yield* memo.stats).toEqual({
        parses: 5,
        hits: 3,
        entries: 5,
        bytes: Object.values(version1).reduce((n, s) => n + s.length, 0) + version2["params.tf"].length
      })
    }))

  it.effect("a version that moves a shared module parses nothing, and its ranges name the new paths", () =>
    Effect.gen(function*() {
      const { layer, seen } = counted()
      yield* loaded(version1, layer)
      seen.length = 0
      const moved = {
        ...version1,
        "main.tf": version1["main.tf"].replace("./modules/net", "./net"),
        "net/main.tf": version1["modules/net/main.tf"]
      }
      delete (moved as Record<string, string>)["modules/net/main.tf"]
      const template = yield* loaded(moved, layer)
      expect(seen).toEqual(["main.tf"])
      const child = template.root.calls[0]!.module!
      expect(child.dir).toBe("net")
      expect(child.files).toEqual(["net/main.tf"])
      expect(child.blocks.map((b) => b.file)).toEqual(["net/main.tf", "net/main.tf"])
    }))

  it.effect("loads exactly what the parser without a memo loads, from the memo too", () =>
    Effect.gen(function*() {
      const { layer } = counted()
      const plain = shape(yield* loaded(version2, HclParser.layer))
      expect(shape(yield* loaded(version2, layer))).toEqual(plain)
      expect(shape(yield* loaded(version2, layer))).toEqual(plain)
    }))

  it.effect("failures are not remembered and name their own file", () =>
    Effect.gen(function*() {
      const { memo, seen } = counted()
      const a = yield* Effect.either(memo.parse("a.tf", "x = \n"))
      const b = yield* Effect.either(memo.parse("b.tf", "x = \n"))
      expect(seen).toEqual(["a.tf", "b.tf"])
      expect(Either.isLeft(a) && a.left.file).toBe("a.tf")
      expect(Either.isLeft(b) && b.left.file).toBe("b.tf")
      expect((yield* memo.stats).entries).toBe(0)
    }))

  it.effect("remembered results are frozen (later versions share them)", () =>
    Effect.gen(function*() {
      const { memo } = counted()
      const parsed = yield* memo.parse("a.tf", `locals {\n  x = { y = [1] }\n}\n`)
      expect(Object.isFrozen(parsed)).toBe(true)
      expect(yield* memo.parse("b.tf", `locals {\n  x = { y = [1] }\n}\n`)).toBe(parsed)
    }))

  const bounds: ReadonlyArray<readonly [string, HclParser.MemoOptions]> = [
    ["by entry count", { maxEntries: 2 }],
    ["by source size", { maxBytes: 20 }]
  ]
  it.effect.each(bounds)("evicts the least recently used file %s", ([, options]) =>
    Effect.gen(function*() {
      const { memo, seen } = counted(options)
      const source = (name: string) => `${name} = 1\n` // 6 characters each
      for (const name of ["a", "b"]) yield* memo.parse(`${name}.tf`, source(name))
      yield* memo.parse("a.tf", source("a")) // a is now the most recently used
      if (options.maxBytes !== undefined) yield* memo.parse("c.tf", `c = 100000\n`) // 11 more: b goes
      else yield* memo.parse("c.tf", source("c"))
      seen.length = 0
      yield* memo.parse("a.tf", source("a"))
      expect(seen).toEqual([])
      yield* memo.parse("b.tf", source("b"))
      expect(seen).toEqual(["b.tf"])
      const stats = yield* memo.stats
      expect(stats.entries).toBeLessThanOrEqual(options.maxEntries ?? 2)
      expect(stats.bytes).toBeLessThanOrEqual(options.maxBytes ?? 20)
    }))

  it.effect("a file larger than the byte bound is parsed every time and not kept", () =>
    Effect.gen(function*() {
      const { memo, seen } = counted({ maxBytes: 4 })
      yield* memo.parse("a.tf", "a = 1\n")
      yield* memo.parse("a.tf", "a = 1\n")
      expect(seen).toEqual(["a.tf", "a.tf"])
      expect(yield* memo.stats).toEqual({ parses: 2, hits: 0, entries: 0, bytes: 0 })
    }))

  it.effect("layerMemoized builds one memo per layer build; layer has none", () =>
    Effect.gen(function*() {
      const compileTwice = Effect.gen(function*() {
        const parser = yield* HclParser.HclParser
        yield* parser.parse("a.tf", "a = 1\n")
        return yield* parser.parse("a.tf", "a = 1\n")
      })
      expect(yield* Effect.provide(compileTwice, HclParser.layerMemoized())).toEqual({ a: 1 })
      const stats = yield* Effect.provide(
        Effect.flatMap(HclParser.HclParser, (parser) => (parser as HclParser.MemoizedShape).stats),
        HclParser.layerMemoized()
      )
      expect(stats).toEqual({ parses: 0, hits: 0, entries: 0, bytes: 0 })
      expect("stats" in (yield* Effect.provide(HclParser.HclParser, HclParser.layer))).toBe(false)
    }))
})
