import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import * as path from "node:path"
import * as HclParser from "../src/HclParser.js"
import * as Loader from "../src/Loader.js"
import * as Plan from "../src/Plan.js"
import * as TemplateFiles from "../src/TemplateFiles.js"

// The shared corpus is read in place, never copied. It lives next to the repository.
const repository = path.resolve(import.meta.dirname, "..", "..", "..")
const corpus = process.env["WARMPOOL_CORPUS"] ?? path.resolve(repository, "..", "shared", "corpus")
const required = process.env["WARMPOOL_REQUIRE_CORPUS"] === "1"
const present = fs.existsSync(path.join(corpus, "preview")) && fs.existsSync(path.join(corpus, "templates"))

const templateDirs = present
  ? ["templates", "preview"].flatMap((group) =>
    fs.readdirSync(path.join(corpus, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${group}/${entry.name}`)
      .sort()
  )
  : []

const load = (dir: string) =>
  Effect.flatMap(TemplateFiles.fromDirectory(path.join(corpus, dir)), (files) => Loader.load(files)).pipe(
    Effect.provide(NodeFileSystem.layer),
    Effect.provide(HclParser.layer)
  )

describe("Loader on the shared corpus", () => {
  if (!present) {
    it(`corpus not found at ${corpus} (set WARMPOOL_CORPUS); smoke test not run`, () => {
      if (required) throw new Error(`WARMPOOL_REQUIRE_CORPUS=1 but there is no corpus at ${corpus}`)
      console.warn(`[LoaderCorpus] corpus not found at ${corpus}: the corpus smoke test did not run`)
    })
    return
  }

  it("finds the template directories", () => {
    expect(templateDirs.length).toBeGreaterThanOrEqual(30)
  })

  for (const dir of templateDirs) {
    it.effect(`loads ${dir}`, () =>
      Effect.gen(function*() {
        const t = yield* load(dir)
        expect(t.fatal).toBeUndefined()
        const errors = t.diagnostics.filter((d) => d.severity === "error")
        if (dir === "preview/parse_fail") {
          expect(errors.map((d) => d.summary)).toEqual(["Parse terraform files"])
          expect(errors[0]!.detail).toMatch(/^main\.tf: /)
        } else {
          expect(errors).toEqual([])
        }
        for (const module of Loader.modules(t)) {
          for (const block of module.blocks) {
            // Every block of an HCL file gets its header line back from the scan.
            if (block.file.endsWith(".tf")) expect(block.line, `${block.file} ${block.address}`).toBeTypeOf("number")
          }
        }
      }))
  }

  it.effect("leaves the missing module of preview/missingmodule unresolved and loads the others", () =>
    Effect.gen(function*() {
      const t = yield* load("preview/missingmodule")
      const calls = Loader.modules(t).flatMap((m) => m.calls)
      const unresolved = calls.filter((c) => c.module === undefined).map((c) => c.name)
      expect(unresolved).toContain("does-not-exist")
      expect(calls.filter((c) => c.module !== undefined).map((c) => c.module!.dir)).toEqual(["one", "one/onea"])
    }))

  it.effect("loads the registry module of preview/module through modules.json", () =>
    Effect.gen(function*() {
      const t = yield* load("preview/module")
      const call = t.root.calls.find((c) => c.name === "jetbrains_gateway")
      expect(call?.module?.dir).toBe(".terraform/modules/jetbrains_gateway")
      expect(call?.module?.blocks.some((b) => b.address === "data.coder_parameter.jetbrains_ide")).toBe(true)
    }))

  it("parses every plan.json of the corpus", () => {
    for (const dir of templateDirs) {
      const file = path.join(corpus, dir, "plan.json")
      if (!fs.existsSync(file)) continue
      const result = Plan.parsePlan(fs.readFileSync(file, "utf8"))
      expect(Either.isRight(result), dir).toBe(true)
    }
    const module = Either.getOrThrow(
      Plan.parsePlan(fs.readFileSync(path.join(corpus, "preview/module/plan.json"), "utf8"))
    )
    expect(Plan.resourcesOf(module, "").map((r) => `${r.type}.${r.name}[${r.index}]`)).toEqual([
      "docker_registry_image.coder[0]",
      "docker_registry_image.coder[1]"
    ])
    expect(Plan.resourcesOf(module, "module.jetbrains_gateway[0]")).toEqual([])
  })
})
