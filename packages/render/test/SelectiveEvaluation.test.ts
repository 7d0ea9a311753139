/**
 * Selective evaluation is invisible: for every fixture template and every input case,
 * rendering only what the output needs equals evaluating every block, local and output
 * (`renderTemplate(t, i, {full: true})`), before and after `validatePresets`. One compiled
 * template serves every case: a render leaves no state behind that changes the next one.
 *
 * (Every render of the other suites goes through `utils/render.ts`, which checks the same
 * equality on their inline templates.)
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { renderTemplate, validatePresets } from "../src/internal/render.js"
import { compile, fixtureCases, fixtureFiles, fixtureNames, inputsOf } from "./utils/render.js"

const table = fixtureNames().flatMap((name) =>
  Object.entries(fixtureCases(name)).map(([caseName, inputs]) => ({ name, caseName, inputs }))
)

describe("selective evaluation == full evaluation, over every fixture", () => {
  it("has the fixtures", () => {
    expect(fixtureNames()).toEqual([
      "conditional",
      "cycles",
      "dynamic",
      "modules",
      "overrides",
      "plan",
      "presets",
      "registry",
      "secrets",
      "tfvars"
    ])
    expect(table.length).toBeGreaterThanOrEqual(20)
  })

  for (const { caseName, inputs, name } of table) {
    it.effect(`${name} / ${caseName}`, () =>
      Effect.gen(function*() {
        const template = yield* compile(fixtureFiles(name))
        const selective = renderTemplate(template, inputsOf(inputs))
        const full = renderTemplate(template, inputsOf(inputs), { full: true })
        // Parameters, presets and tags first (what issue 13 asks to be identical), then everything.
        expect(full.output.parameters).toEqual(selective.output.parameters)
        expect(full.output.presets).toEqual(selective.output.presets)
        expect(full.output.tags).toEqual(selective.output.tags)
        expect(full.output.unusable_tags).toEqual(selective.output.unusable_tags)
        expect(full.output.secret_requirements).toEqual(selective.output.secret_requirements)
        expect(full.output).toEqual(selective.output)
        expect(full.presetSettings).toEqual(selective.presetSettings)
        expect(full.impure).toBe(selective.impure)
        expect(validatePresets(template, inputsOf(inputs), full.output)).toEqual(
          validatePresets(template, inputsOf(inputs), selective.output)
        )
      }))
  }

  for (const name of fixtureNames()) {
    it.effect(`${name}: one compiled template, every case in turn, equals a fresh compile per case`, () =>
      Effect.gen(function*() {
        const shared = yield* compile(fixtureFiles(name))
        const cases = Object.values(fixtureCases(name))
        // Twice over, forwards then backwards, with full renders in between.
        const order = [...cases, ...[...cases].reverse()]
        for (const inputs of order) {
          renderTemplate(shared, inputsOf(inputs), { full: true })
          const fresh = renderTemplate(yield* compile(fixtureFiles(name)), inputsOf(inputs)).output
          expect(renderTemplate(shared, inputsOf(inputs)).output).toEqual(fresh)
        }
      }))
  }
})
