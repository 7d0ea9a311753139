/**
 * What every render of a compiled template shares besides its parameters (issue 14 item 1): the
 * template's own diagnostics and the evaluation's warnings, preset blocks of constants, and the
 * empty lists and styling of evaluated parameters. Shared parts are frozen, the same objects in
 * each render, and weigh what their copies do.
 */
import { describe, expect, it } from "@effect/vitest"
import { RenderCache, type RenderOutput } from "@warmpool/render"
import * as Effect from "effect/Effect"
import * as FastCheck from "effect/FastCheck"
import { jsonSize } from "../src/internal/sharedParts.js"
import { compile, renderCompiled } from "./utils/render.js"

const files = {
  "main.tf": `
    variable "unset" {}
    data "coder_parameter" "size" {
      name    = "size"
      type    = "number"
      default = 2
    }
    data "coder_parameter" "owner_named" {
      name    = "owner_named"
      default = data.coder_workspace_owner.me.name
    }
    data "coder_workspace_owner" "me" {}
    data "coder_parameter" "counted" {
      count   = var.unset
      name    = "counted"
      default = ""
    }
    module "gone" {
      source = "./nowhere"
    }
    data "coder_workspace_preset" "fixed" {
      name       = "fixed"
      parameters = { size = "3" }
      prebuilds {
        instances = 2
        expiration_policy {
          ttl = 3600
        }
      }
    }
    data "coder_workspace_preset" "sized" {
      name       = "sized"
      parameters = { size = tostring(data.coder_parameter.size.value) }
    }
  `,
  "main_override.tf": `terraform {\n  required_version = ">= 1.0"\n}\n`
}

const byName = (presets: ReadonlyArray<RenderOutput.Preset>, name: string) => presets.find((p) => p.name === name)!

describe("renders of one compiled template share", () => {
  it.effect("the template's diagnostics and the evaluation's warnings: the same frozen objects", () =>
    Effect.gen(function*() {
      const template = yield* compile(files)
      const first = renderCompiled(template, { values: { size: "4" } }).output
      const second = renderCompiled(template, { values: { size: "5" }, owner: { name: "bob" } }).output
      expect(first.diagnostics.map((d) => d.summary)).toEqual([
        "Module not loaded. Did you run `terraform init`?",
        `Unexpanded count argument on block "data.coder_parameter.counted"`,
        "Override file has unsupported 'terraform' block"
      ])
      expect(first.diagnostics).not.toBe(second.diagnostics)
      first.diagnostics.forEach((d, i) => {
        expect(second.diagnostics[i]).toBe(d)
        expect(Object.isFrozen(d) && Object.isFrozen(d.extra)).toBe(true)
      })
      expect(template.diagnostics.every((d) => Object.isFrozen(d))).toBe(true)
      // another compilation of the same files has its own
      const other = renderCompiled(yield* compile(files), { values: { size: "4" } }).output
      expect(other.diagnostics).toEqual(first.diagnostics)
      expect(other.diagnostics.filter((d) => first.diagnostics.includes(d))).toEqual([])
    }))

  it.effect("a preset block of constants, extracted once; a preset that reads a parameter is each render's own", () =>
    Effect.gen(function*() {
      const template = yield* compile(files)
      const first = renderCompiled(template, { values: { size: "4" } })
      const second = renderCompiled(template, { values: { size: "5" } })
      const fixed = byName(first.output.presets, "fixed")
      expect(byName(second.output.presets, "fixed")).toBe(fixed)
      expect(fixed).toEqual({
        name: "fixed",
        parameters: { size: "3" },
        default: false,
        prebuilds: { instances: 2 },
        diagnostics: []
      })
      expect(Object.isFrozen(fixed) && Object.isFrozen(fixed.parameters)).toBe(true)
      expect(() => {
        ;(fixed.parameters as Record<string, string>)["size"] = "9"
      }).toThrow(TypeError)
      // its prebuild settings too
      expect(second.presetSettings[first.output.presets.indexOf(fixed)]).toBe(
        first.presetSettings[first.output.presets.indexOf(fixed)]
      )
      expect(first.presetSettings[first.output.presets.indexOf(fixed)]).toEqual({
        ttlSeconds: 3600,
        timezone: "",
        schedules: []
      })
      const sized = [byName(first.output.presets, "sized"), byName(second.output.presets, "sized")]
      expect(sized.map((p) => p.parameters)).toEqual([{ size: "4" }, { size: "5" }])
      expect(Object.isFrozen(sized[0])).toBe(false)
    }))

  it.effect("an evaluated parameter's empty lists and styling are the shared frozen ones, equal to fresh ones", () =>
    Effect.gen(function*() {
      const template = yield* compile(files)
      const [first, second] = [{ name: "ann" }, { name: "bob" }].map((owner) =>
        renderCompiled(template, { owner }).output.parameters.find((p) => p.name === "owner_named")!
      )
      expect([first!.value.value, second!.value.value]).toEqual(["ann", "bob"])
      for (const part of ["options", "validations", "diagnostics", "styling"] as const) {
        expect(second![part]).toBe(first![part])
        expect(Object.isFrozen(first![part])).toBe(true)
      }
      expect([first!.options, first!.validations, first!.diagnostics, first!.styling]).toEqual([[], [], [], {}])
    }))

  it.effect("a render made of shared parts weighs its JSON serialisation, frozen or not", () =>
    Effect.gen(function*() {
      const template = yield* compile(files)
      renderCompiled(template, { values: { size: "4" } })
      const rendered = renderCompiled(template, { values: { size: "4" } })
      const text = JSON.stringify(rendered.output) + JSON.stringify(rendered.presetSettings)
      // the weight leaves escapes out: here each is one backslash (quotes and newlines in details)
      const escapes = text.split("\\").length - 1
      expect(escapes).toBeGreaterThan(0)
      const copy = structuredClone({ ...rendered })
      expect(RenderCache.weigh(copy)).toBe(text.length - escapes)
      expect(RenderCache.weigh(RenderCache.freezeAndWeigh(rendered))).toBe(text.length - escapes)
    }))
})

describe("a shared part", () => {
  it.effect("looks like a plain value: keys, JSON, structuredClone and strict equality see no trace of its size", () =>
    Effect.gen(function*() {
      const template = yield* compile(files)
      renderCompiled(template)
      const output = renderCompiled(template).output
      const fixed = byName(output.presets, "fixed")
      const diagnostic = output.diagnostics[0]!
      for (const part of [fixed, fixed.parameters, diagnostic, diagnostic.extra]) {
        expect(Object.isFrozen(part)).toBe(true)
        expect(Object.keys(part)).toEqual(Object.keys(JSON.parse(JSON.stringify(part))))
        expect(part).toStrictEqual(JSON.parse(JSON.stringify(part)))
        expect(structuredClone(part)).toStrictEqual(part)
      }
      expect(JSON.stringify(fixed)).toBe(
        `{"name":"fixed","parameters":{"size":"3"},"default":false,"prebuilds":{"instances":2},"diagnostics":[]}`
      )
    }))
})

/** JSON text without characters JSON escapes (their escapes are not counted, by design). */
const plainText = FastCheck.string({ unit: FastCheck.constantFrom(..."azAZ09 -_.:/{}[],é") })

const plainJson: FastCheck.Arbitrary<unknown> = FastCheck.letrec((tie) => ({
  value: FastCheck.oneof(
    { depthSize: "small" },
    plainText,
    FastCheck.boolean(),
    FastCheck.constant(null),
    FastCheck.integer(),
    FastCheck.double({ noNaN: true, noDefaultInfinity: true }),
    FastCheck.array(tie("value")),
    FastCheck.dictionary(plainText, tie("value"))
  )
})).value

describe("jsonSize", () => {
  it("is the length of JSON.stringify for values without escaped characters, and freezing does not change it", () =>
    FastCheck.assert(
      FastCheck.property(plainJson, (value) => {
        const expected = JSON.stringify(value).length
        expect(jsonSize(value, false)).toBe(expected)
        expect(jsonSize(value, true)).toBe(expected)
        if (typeof value === "object" && value !== null) expect(Object.isFrozen(value)).toBe(true)
      }),
      { numRuns: 300 }
    ))
})
