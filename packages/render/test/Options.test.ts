/**
 * docs/render.md §4.3 options (static then dynamic, required attributes, HCLString values) and §2.10
 * dynamic `option` blocks.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { lines, main, parameter, render } from "./utils/render.js"

const optionNames = (files: Record<string, string>, values: Record<string, string> = {}) =>
  Effect.map(render(files, { values }), (output) => parameter(output, "p").options.map((o) => o.name))

describe("§4.3 order: static options in source order, then generated ones", () => {
  it.effect("a dynamic block written first still comes after the static options", () =>
    Effect.gen(function*() {
      const names = yield* optionNames(main(`
        data "coder_parameter" "p" {
          name    = "p"
          default = "s2"
          dynamic "option" {
            for_each = ["d1", "d2"]
            content {
              name  = option.value
              value = option.value
            }
          }
          option {
            name  = "s2"
            value = "s2"
          }
          option {
            name  = "s1"
            value = "s1"
          }
        }
      `))
      expect(names).toEqual(["s2", "s1", "d1", "d2"])
    }))

  const collections: ReadonlyArray<readonly [string, string, ReadonlyArray<string>]> = [
    ["a list keeps its order", `["us", "eu", "au"]`, ["us", "eu", "au"]],
    ["a set iterates lexically", `toset(["us", "eu", "au"])`, ["au", "eu", "us"]],
    ["a map iterates by key", `{ z = "first", a = "second" }`, ["second", "first"]],
    ["null elements are skipped", `["a", null, "b"]`, ["a", "b"]],
    ["an empty collection generates nothing", `[]`, []],
    ["null generates nothing", `null`, []]
  ]
  for (const [title, collection, expected] of collections) {
    it.effect(title, () =>
      Effect.gen(function*() {
        const names = yield* optionNames(main(`
          data "coder_parameter" "p" {
            name = "p"
            default = ""
            dynamic "option" {
              for_each = ${collection}
              content {
                name  = option.value
                value = option.value
              }
            }
          }
        `))
        expect(names).toEqual(expected)
      }))
  }

  it.effect("option.key is the index, the map key, or the set element", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`
        data "coder_parameter" "p" {
          name = "p"
          default = ""
          dynamic "option" {
            for_each = ["x", "y"]
            content {
              name  = "list \${option.key}"
              value = "l\${option.key}"
            }
          }
          dynamic "option" {
            for_each = { k = "v" }
            content {
              name  = "map \${option.key}=\${option.value}"
              value = "m"
            }
          }
          dynamic "option" {
            for_each = toset(["e"])
            content {
              name  = "set \${option.key}=\${option.value}"
              value = "s"
            }
          }
        }
      `))
      expect(parameter(output, "p").options.map((o) => o.name)).toEqual([
        "list 0",
        "list 1",
        "map k=v",
        "set e=e"
      ])
    }))

  it.effect("a custom iterator name", () =>
    Effect.gen(function*() {
      const names = yield* optionNames(main(`
        data "coder_parameter" "p" {
          name = "p"
          default = ""
          dynamic "option" {
            for_each = ["a"]
            iterator = region
            content {
              name  = "r-\${region.value}"
              value = region.key
            }
          }
        }
      `))
      expect(names).toEqual(["r-a"])
    }))

  it.effect("an unknown for_each generates nothing and reports nothing", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`
        variable "unset" {}
        data "coder_parameter" "p" {
          name = "p"
          default = ""
          dynamic "option" {
            for_each = var.unset
            content {
              name  = option.value
              value = option.value
            }
          }
          dynamic "option" {
            for_each = ["known", var.unset]
            content {
              name  = option.value
              value = option.value
            }
          }
        }
      `))
      const p = parameter(output, "p")
      expect(p.options).toEqual([])
      expect(p.form_type).toBe("input")
      expect(p.diagnostics).toEqual([])
      expect(output.diagnostics).toEqual([])
    }))

  it.effect("options may depend on another parameter's value", () =>
    Effect.gen(function*() {
      const files = main(`
        data "coder_parameter" "size" {
          name    = "size"
          default = "big"
          option {
            name  = "small"
            value = "small"
          }
          option {
            name  = "big"
            value = "big"
          }
        }
        locals {
          choices = data.coder_parameter.size.value == "big" ? ["a", "b", "c"] : ["a"]
        }
        data "coder_parameter" "p" {
          name    = "p"
          default = "a"
          dynamic "option" {
            for_each = local.choices
            content {
              name  = option.value
              value = option.value
            }
          }
        }
      `)
      expect(yield* optionNames(files)).toEqual(["a", "b", "c"])
      expect(yield* optionNames(files, { size: "small" })).toEqual(["a"])
    }))
})

describe("§4.3 required option attributes", () => {
  const cases: ReadonlyArray<readonly [string, string, ReadonlyArray<string>]> = [
    ["no name", `value = "v"`, [
      `error|Missing required attribute "name" for block ""|The name attribute is required`
    ]],
    ["no value", `name = "n"`, [
      `error|Missing required attribute "value" for block ""|The value attribute is required`
    ]],
    ["neither", `description = "d"`, [
      `error|Missing required attribute "name" for block ""|The name attribute is required`,
      `error|Missing required attribute "value" for block ""|The value attribute is required`
    ]]
  ]
  for (const [title, body, expected] of cases) {
    it.effect(`${title}: the option is dropped with an error`, () =>
      Effect.gen(function*() {
        const output = yield* render(main(`
          data "coder_parameter" "p" {
            name = "p"
            default = "ok"
            option {
              ${body}
            }
            option {
              name  = "ok"
              value = "ok"
            }
          }
        `))
        const p = parameter(output, "p")
        expect(p.options.map((o) => o.name)).toEqual(["ok"])
        expect(lines(p.diagnostics)).toEqual(expected)
        expect(output.diagnostics).toEqual([])
      }))
  }

  it.effect("a name that is not a string is an error", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`
        data "coder_parameter" "p" {
          name = "p"
          default = "v"
          option {
            name  = ["not", "a", "string"]
            value = "v"
          }
        }
      `))
      const p = parameter(output, "p")
      expect(p.diagnostics.length).toBeGreaterThan(0)
      expect(p.diagnostics[0]!.severity).toBe("error")
      expect(p.diagnostics[0]!.summary.startsWith(`Invalid "name" attribute`)).toBe(true)
    }))
})

describe("§4.3 option fields", () => {
  it.effect("value is an HCLString; name, description and icon are texts", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`
        variable "unset" {}
        data "coder_parameter" "p" {
          name = "p"
          default = "s"
          option {
            name = "string"
            description = 5
            icon = true
            value = "s"
          }
          option {
            name = "number"
            value = 1.5
          }
          option {
            name = "bool"
            value = false
          }
          option {
            name = "null"
            value = null
          }
          option {
            name = "unknown"
            value = var.unset
          }
          option {
            name = "list"
            value = ["a"]
          }
          option {
            name = "error"
            value = local.missing
          }
        }
      `))
      const p = parameter(output, "p")
      expect(p.options).toEqual([
        { name: "string", description: "5", value: { value: "s", valid: true }, icon: "true" },
        { name: "number", description: "", value: { value: "1.5", valid: true }, icon: "" },
        { name: "bool", description: "", value: { value: "false", valid: true }, icon: "" },
        { name: "null", description: "", value: { value: "", valid: false }, icon: "" },
        { name: "unknown", description: "", value: { value: "", valid: false }, icon: "" },
        { name: "list", description: "", value: { value: "", valid: false }, icon: "" },
        { name: "error", description: "", value: { value: "", valid: false }, icon: "" }
      ])
      // Four invalid options share the text "": the uniqueness check reports it, and step 3 counts them.
      expect(lines(p.diagnostics)).toEqual([
        `error|Option values must be unique.|multiple options found with the same value ""`,
        "error|Parameter contains 4 invalid options|The set of options cannot be resolved, and use of the parameter is limited."
      ])
    }))
})
