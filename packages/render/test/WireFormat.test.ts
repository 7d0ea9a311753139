/**
 * docs/render.md §3.1 wire format: the JSON encoding of `RenderOutput` round-trips, and every object
 * has exactly the specified keys (styling: present keys only; `extra.code` always; empty
 * collections emitted).
 */
import { describe, expect, it } from "@effect/vitest"
import { RenderOutput } from "@warmpool/render"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { main, render } from "./utils/render.js"

const keys = (value: unknown) => Object.keys(value as object).sort()

const topKeys = ["diagnostics", "parameters", "presets", "secret_requirements", "tags", "unusable_tags", "variables"]
const secretKeys = ["env", "file", "help_message"]
const parameterKeys = [
  "default_value",
  "description",
  "diagnostics",
  "display_name",
  "ephemeral",
  "form_type",
  "icon",
  "mutable",
  "name",
  "options",
  "order",
  "required",
  "styling",
  "type",
  "validations",
  "value"
]
const optionKeys = ["description", "icon", "name", "value"]
const validationKeys = [
  "validation_error",
  "validation_max",
  "validation_min",
  "validation_monotonic",
  "validation_regex"
]
const presetKeys = ["default", "diagnostics", "name", "parameters", "prebuilds"]
const variableKeys = ["default", "description", "diagnostics", "name", "nullable", "sensitive", "type"]
const diagnosticKeys = ["detail", "extra", "severity", "summary"]
const hclStringKeys = ["valid", "value"]

const everything = main(`
  variable "regions" {
    type    = set(string)
    default = ["us", "eu"]
  }
  variable "plain" {}
  data "coder_parameter" "full" {
    name      = "full"
    type      = "number"
    default   = 3
    styling   = jsonencode({ placeholder = "p", mask_input = true })
    option {
      name  = "three"
      value = 3
    }
    validation {
      min = 1
    }
  }
  data "coder_parameter" "bare" {
    name = "bare"
    validation {
      regex = "^x$"
      error = "x"
    }
  }
  data "coder_workspace_tags" "t" {
    tags = { b = "2", a = 1, bad = [] }
  }
  data "coder_workspace_preset" "p" {
    name       = "p"
    parameters = { full = 3 }
    prebuilds {
      instances = 2
    }
  }
  data "coder_workspace_preset" "q" {
    name = 5
  }
  module "gone" {
    source = "./nowhere"
  }
  data "coder_secret" "token" {
    env          = "TOKEN"
    help_message = "a token"
  }
  data "coder_secret" "key" {
    file         = "/key"
    help_message = "a key"
  }
`)

const roundTrip = (output: RenderOutput.RenderOutput) => {
  const encoded = Schema.encodeSync(RenderOutput.RenderOutput)(output)
  expect(RenderOutput.toJson(output)).toEqual(encoded)
  const json = JSON.parse(JSON.stringify(encoded)) as unknown
  expect(json).toEqual(encoded)
  expect(Schema.decodeUnknownSync(RenderOutput.RenderOutput)(json)).toEqual(output)
  return json as Record<string, any>
}

describe("§3.1 wire format", () => {
  it.effect("every object has exactly its keys; the JSON round-trips", () =>
    Effect.gen(function*() {
      const json = roundTrip(yield* render(everything))
      expect(keys(json)).toEqual(topKeys)

      expect(json.parameters.length).toBe(2)
      for (const p of json.parameters) {
        expect(keys(p)).toEqual(parameterKeys)
        expect(keys(p.default_value)).toEqual(hclStringKeys)
        expect(keys(p.value)).toEqual(hclStringKeys)
        for (const o of p.options) {
          expect(keys(o)).toEqual(optionKeys)
          expect(keys(o.value)).toEqual(hclStringKeys)
        }
        for (const v of p.validations) expect(keys(v)).toEqual(validationKeys)
        for (const d of p.diagnostics) expect(keys(d)).toEqual(diagnosticKeys)
      }
      const [bare, full] = json.parameters
      expect(full.styling).toEqual({ placeholder: "p", mask_input: true })
      expect(keys(full.styling)).toEqual(["mask_input", "placeholder"])
      expect(bare.styling).toEqual({})
      expect(bare.options).toEqual([])
      expect(bare.validations[0]).toEqual({
        validation_error: "x",
        validation_regex: "^x$",
        validation_min: null,
        validation_max: null,
        validation_monotonic: null
      })
      expect(full.validations[0].validation_regex).toBeNull()
      expect(bare.diagnostics.at(-1)).toEqual({
        severity: "error",
        summary: "Required parameter not provided",
        detail: "parameter value is null",
        extra: { code: "required" }
      })

      expect(json.presets.length).toBe(2)
      for (const p of json.presets) {
        expect(keys(p)).toEqual(presetKeys)
        for (const d of p.diagnostics) expect(keys(d)).toEqual(diagnosticKeys)
      }
      expect(json.presets[0]).toEqual({
        name: "p",
        parameters: { full: "3" },
        default: false,
        prebuilds: { instances: 2 },
        diagnostics: []
      })
      expect(json.presets[1].prebuilds).toBeNull()
      expect(json.presets[1].parameters).toEqual({})
      expect(json.presets[1].diagnostics[0].extra).toEqual({ code: "" })

      expect(json.tags).toEqual({ a: "1", b: "2" })
      expect(Object.keys(json.tags)).toEqual(["a", "b"])
      expect(json.unusable_tags).toEqual(["bad"])

      for (const v of json.variables) {
        expect(keys(v)).toEqual(variableKeys)
      }
      expect(json.variables).toEqual([
        {
          name: "plain",
          type: "any",
          description: "",
          nullable: false,
          sensitive: false,
          default: null,
          diagnostics: []
        },
        {
          name: "regions",
          type: "set(string)",
          description: "",
          nullable: false,
          sensitive: false,
          default: ["eu", "us"],
          diagnostics: []
        }
      ])

      expect(json.diagnostics.map(keys)).toEqual([diagnosticKeys])
      expect(json.diagnostics[0].extra).toEqual({ code: "module_not_loaded" })

      for (const r of json.secret_requirements) expect(keys(r)).toEqual(secretKeys)
      expect(json.secret_requirements).toEqual([
        { env: "TOKEN", file: "", help_message: "a token" },
        { env: "", file: "/key", help_message: "a key" }
      ])
    }))

  it.effect("an empty template: every collection is emitted empty", () =>
    Effect.gen(function*() {
      const json = roundTrip(yield* render(main("")))
      expect(json).toEqual({
        parameters: [],
        presets: [],
        tags: {},
        unusable_tags: [],
        variables: [],
        secret_requirements: [],
        diagnostics: []
      })
    }))

  it.effect("a render that stops early has the same shape", () =>
    Effect.gen(function*() {
      const json = roundTrip(yield* render(main(`data "coder_parameter" "p" {\n name = "p"\n}`), { plan: "nope" }))
      expect(keys(json)).toEqual(topKeys)
      expect(json.parameters).toEqual([])
      expect(json.tags).toEqual({})
      expect(json.diagnostics.map((d: any) => [d.summary, d.extra])).toEqual([["Parsing plan JSON", { code: "" }]])
    }))

  it("decoding rejects a diagnostic without extra.code and an unknown form type", () => {
    const valid = {
      parameters: [],
      presets: [],
      tags: {},
      unusable_tags: [],
      variables: [],
      secret_requirements: [],
      diagnostics: [{ severity: "warning", summary: "s", detail: "d", extra: { code: "" } }]
    }
    expect(Schema.decodeUnknownSync(RenderOutput.RenderOutput)(valid)).toEqual(valid)
    expect(() =>
      Schema.decodeUnknownSync(RenderOutput.RenderOutput)({
        ...valid,
        diagnostics: [{ severity: "warning", summary: "s", detail: "d", extra: {} }]
      })
    ).toThrow()
    expect(() =>
      Schema.decodeUnknownSync(RenderOutput.RenderOutput)({
        ...valid,
        diagnostics: [{ severity: "fatal", summary: "s", detail: "d", extra: { code: "" } }]
      })
    ).toThrow()
  })
})
