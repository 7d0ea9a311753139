/**
 * Conformance with coder/preview: every case of `../shared/corpus/preview/cases.json` through the
 * library, checked as the corpus README says; each also rendered with full (non-selective)
 * evaluation (directly and through the `fullEvaluation` render option), which must give the
 * identical output. The directories without upstream assertions
 * must render without throwing, with the results docs/render.md §7 gives for them.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { describe, expect, it } from "@effect/vitest"
import { Renderer } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as path from "node:path"
import { renderTemplate, validatePresets } from "../../packages/render/src/internal/render.js"
import { type Case, check, corpusRequired, corpusRoot, loadCases } from "./harness.js"

const corpus = corpusRoot()
const layer = Layer.mergeAll(Renderer.layerStandalone, HclParser.layer, NodeFileSystem.layer)

const compileDir = (dir: string) =>
  Effect.flatMap(TemplateFiles.fromDirectory(dir), (files) => CompiledTemplate.compile(files))

const inputsOf = (spec: Case) => ({
  owner: spec.input.owner === null ? Owner.empty : Schema.decodeUnknownSync(Owner.WorkspaceOwner)(spec.input.owner),
  values: spec.input.params,
  tfvars: spec.input.tfvars ?? undefined,
  plan: spec.input.planJson,
  planPath: spec.input.plan ?? undefined
})

describe.skipIf(corpus === undefined && !corpusRequired())(
  "coder/preview conformance (../shared/corpus/preview/cases.json)",
  () => {
    if (corpus === undefined) {
      it("requires the corpus (WARMPOOL_REQUIRE_CORPUS=1)", () => {
        expect.fail("../shared/corpus is missing but WARMPOOL_REQUIRE_CORPUS=1")
      })
      return
    }
    const cases = loadCases(corpus)
    it("has every case", () => expect(cases.length).toBeGreaterThanOrEqual(29))
    for (const spec of cases) {
      it.effect(`${spec.name}${spec.goSkipped ? " (skipped in Go)" : ""}`, () =>
        Effect.gen(function*() {
          const renderer = yield* Renderer.Renderer
          const template = yield* compileDir(path.join(corpus, "preview", spec.dir))
          const request = { template, ...inputsOf(spec) }
          let output = yield* renderer.render(request)
          if (spec.validatePresets && !output.diagnostics.some((d) => d.severity === "error")) {
            output = yield* renderer.validatePresets(request, output)
          }
          expect(check(spec, output)).toEqual([])

          // Selective evaluation must be invisible: full evaluation gives the same output.
          const full = renderTemplate(template, inputsOf(spec), { full: true }).output
          const fullValidated = spec.validatePresets && !full.diagnostics.some((d) => d.severity === "error")
            ? validatePresets(template, inputsOf(spec), full)
            : full
          expect(fullValidated).toEqual(output)

          // The same through the library option (`render({ fullEvaluation: true })`, as the CLI's
          // `--full-evaluation` and the API's `fullEvaluation`): identical parameters, presets, tags.
          let viaOption = yield* renderer.render({ ...request, fullEvaluation: true })
          if (spec.validatePresets && !viaOption.diagnostics.some((d) => d.severity === "error")) {
            viaOption = yield* renderer.validatePresets(request, viaOption)
          }
          expect(viaOption.parameters).toEqual(output.parameters)
          expect(viaOption.presets).toEqual(output.presets)
          expect(viaOption.tags).toEqual(output.tags)
          expect(viaOption.unusable_tags).toEqual(output.unusable_tags)
          expect(viaOption).toEqual(output)
        }).pipe(Effect.provide(layer)))
    }
  }
)

describe.skipIf(corpus === undefined)("preview directories without upstream assertions (RENDER.md §7)", () => {
  const render = (dir: string, values: Record<string, string> = {}) =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const template = yield* compileDir(path.join(corpus!, "preview", dir))
      return yield* renderer.render({ template, values })
    }).pipe(Effect.provide(layer))

  it.effect("countsub: Region defaults to STATIC, tag test=true", () =>
    Effect.gen(function*() {
      const output = yield* render("countsub")
      const region = output.parameters.find((p) => p.name === "Region")
      expect(region?.default_value).toEqual({ value: "STATIC", valid: true })
      expect(output.tags["test"]).toBe("true")
    }))

  it.effect("http: tfversion is unusable", () =>
    Effect.gen(function*() {
      const output = yield* render("http")
      expect(output.unusable_tags).toContain("tfversion")
    }))

  it.effect("notstringtag: zone=5 and 10=hello", () =>
    Effect.gen(function*() {
      const output = yield* render("notstringtag")
      expect(output.tags["zone"]).toBe("5")
      expect(output.tags["10"]).toBe("hello")
    }))

  it.effect("invalid: the parameter is clean", () =>
    Effect.gen(function*() {
      const output = yield* render("invalid")
      expect(output.parameters.length).toBeGreaterThan(0)
      for (const p of output.parameters) expect(p.diagnostics).toEqual([])
    }))

  it.effect("parse_fail: a Parse terraform files error", () =>
    Effect.gen(function*() {
      const output = yield* render("parse_fail")
      expect(output.diagnostics.some((d) => d.severity === "error" && d.summary === "Parse terraform files")).toBe(
        true
      )
    }))

  for (const dir of ["connections", "wordle", "formtypes"]) {
    it.effect(`${dir}: renders and terminates`, () =>
      Effect.gen(function*() {
        const output = yield* render(dir)
        expect(Array.isArray(output.parameters)).toBe(true)
      }))
  }
})
