/**
 * `timestamp()` in a render is the instant read from Effect's `Clock` for that render: under
 * `TestClock` the output is deterministic and follows the clock, through every render path.
 */
import { describe, expect, it } from "@effect/vitest"
import { Renderer } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as TestClock from "effect/TestClock"

const files = Either.getOrThrow(TemplateFiles.fromRecord({
  "main.tf": `
data "coder_parameter" "stamp" {
  name    = "stamp"
  type    = "string"
  default = timestamp()
}
`
}))

const stampOf = (
  output: { readonly parameters: ReadonlyArray<{ readonly default_value: { readonly value: string } }> }
) => output.parameters[0]?.default_value.value

describe("timestamp() and the Clock", () => {
  it.effect("a render returns the TestClock's instant, and the next render follows the clock", () =>
    Effect.gen(function*() {
      const template = yield* CompiledTemplate.compile(files).pipe(Effect.provide(HclParser.layer))
      const renderer = yield* Renderer.Renderer
      yield* TestClock.setTime(Date.UTC(2030, 0, 2, 3, 4, 5, 600))
      const first = yield* renderer.render({ template, owner: Owner.empty, values: {} })
      expect(stampOf(first)).toBe("2030-01-02T03:04:05Z")
      expect(stampOf(yield* renderer.render({ template, owner: Owner.empty, values: {} }))).toBe(
        "2030-01-02T03:04:05Z"
      )
      yield* TestClock.adjust("1 day")
      expect(stampOf(yield* renderer.render({ template, owner: Owner.empty, values: {} }))).toBe(
        "2030-01-03T03:04:05Z"
      )
    }).pipe(Effect.provide(Renderer.layerStandalone)))

  it.effect("an import render (renderFiles) reads the same clock", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      yield* TestClock.setTime(Date.UTC(2029, 11, 31, 23, 59, 59))
      const rendered = yield* renderer.renderFiles({ files, owner: Owner.empty, values: {} })
      expect(stampOf(rendered.validated)).toBe("2029-12-31T23:59:59Z")
      expect(rendered.rendered.impure).toBe(true)
    }).pipe(Effect.provide(Renderer.layerStandalone)))

  it("the pure renderTemplate without an instant leaves timestamp() unknown", () =>
    Effect.runPromise(Effect.gen(function*() {
      const template = yield* CompiledTemplate.compile(files).pipe(Effect.provide(HclParser.layer))
      const pure = Renderer.renderTemplate(template, { owner: Owner.empty, values: {} })
      expect(pure.output.parameters[0]?.default_value.valid).toBe(false)
      const given = Renderer.renderTemplate(template, { owner: Owner.empty, values: {}, now: 0 })
      expect(stampOf(given.output)).toBe("1970-01-01T00:00:00Z")
    })))
})
