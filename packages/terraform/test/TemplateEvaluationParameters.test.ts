/**
 * Parameter values and the fixpoint (RENDER.md §2.11): the input string, the default in its own
 * type, absent when the default has errors; cycles end in absent values without diagnostics;
 * chains resolve.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Evaluation from "../src/TemplateEvaluation.js"
import * as Value from "../src/Value.js"
import { evaluate, known, main, probe } from "./fixtures/evaluation/harness.js"

const parameterValue = (evaluation: Evaluation.Evaluation, label: string) => {
  const block = evaluation.root.blocks("data", "coder_parameter").find((b) => b.block.name === label)!
  const value = block.parameterValue()
  return value._tag === "Absent" ? { _tag: "Absent" } : { _tag: value._tag, value: Value.toDebugJson(value.value) }
}

describe("§2.11 the value of a parameter", () => {
  const template = main(`
    variable "unset" {}
    data "coder_parameter" "n" {
      name    = "n"
      type    = "number"
      default = 5
    }
    data "coder_parameter" "b" {
      name    = "b"
      type    = "bool"
      default = false
    }
    data "coder_parameter" "list" {
      name    = "list"
      type    = "list(string)"
      default = ["a"]
    }
    data "coder_parameter" "broken" {
      name    = "broken"
      default = data.probe.missing.v
    }
    data "coder_parameter" "unknown" {
      name    = "unknown"
      default = var.unset
    }
    data "coder_parameter" "required" {
      name = "required"
    }
    data "coder_parameter" "nameless" {
      name    = var.unset
      default = "d"
    }
    ${probe("n", "data.coder_parameter.n.value")}
    ${probe("b", "data.coder_parameter.b.value ? \"yes\" : \"no\"")}
    ${probe("list", "data.coder_parameter.list.value")}
    ${probe("broken", "data.coder_parameter.broken.value")}
    ${probe("broken_tried", `try(data.coder_parameter.broken.value, "caught")`)}
    ${probe("unknown", "data.coder_parameter.unknown.value")}
    ${probe("required", "data.coder_parameter.required.value")}
    ${probe("nameless", "data.coder_parameter.nameless.value")}
    ${probe("configured", "data.coder_parameter.n.default + 1")}
    ${probe("keys", "keys(data.coder_parameter.broken)")}
  `)

  it.effect("without inputs: defaults in their own type, absent on errors", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(template)
      expect(e.probe("n")).toEqual(known(5, "number"))
      expect(e.probe("b")).toEqual(known("no"))
      expect(e.probe("list")).toEqual(known(["a"], "tuple([string])"))
      expect(e.probe("broken").errors).toEqual(["Unsupported attribute"])
      expect(e.probe("broken_tried")).toEqual(known("caught"))
      expect(e.probe("unknown")).toEqual({ value: "(unknown)", type: "any", whollyKnown: false, errors: [] })
      expect(e.probe("required").errors).toEqual(["Unsupported attribute"])
      expect(e.probe("nameless").errors).toEqual(["Unsupported attribute"])
      expect(e.probe("configured")).toEqual(known(6))
      // The object has no `value` when it is absent.
      expect(e.probe("keys")).toEqual(known(["default", "name"]))
      expect(parameterValue(e.lazy, "n")).toEqual({ _tag: "Default", value: 5 })
      expect(parameterValue(e.lazy, "broken")).toEqual({ _tag: "Absent" })
      expect(parameterValue(e.lazy, "unknown")).toEqual({ _tag: "Default", value: "(unknown)" })
    }))

  it.effect("inputs are strings, whatever the type; keyed by name; an unknown name takes no input", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(template, {
        values: { n: "7", b: "true", list: `["x"]`, broken: "fixed", required: "", nameless: "ignored", unknown: "u" }
      })
      expect(e.probe("n")).toEqual(known("7", "string"))
      expect(e.probe("b")).toEqual(known("yes"))
      expect(e.probe("list")).toEqual(known(`["x"]`, "string"))
      expect(e.probe("broken")).toEqual(known("fixed"))
      expect(e.probe("unknown")).toEqual(known("u"))
      expect(e.probe("required")).toEqual(known(""))
      expect(e.probe("nameless").errors).toEqual(["Unsupported attribute"])
      expect(parameterValue(e.lazy, "n")).toEqual({ _tag: "Input", value: "7" })
    }))

  it.effect("counted and for_each parameters: each instance by its own name", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(
        main(`
        data "coder_parameter" "c" {
          count   = 2
          name    = "c\${count.index}"
          default = count.index * 10
        }
        data "coder_parameter" "f" {
          for_each = toset(["x", "y"])
          name     = "f_\${each.key}"
          default  = each.value
        }
        ${probe("c", "data.coder_parameter.c[*].value")}
        ${probe("f", `[data.coder_parameter.f["x"].value, data.coder_parameter.f["y"].value]`)}
        ${probe("c1_default", "data.coder_parameter.c[1].default")}
      `),
        { values: { c1: "given", f_y: "given" } }
      )
      expect(e.probe("c")).toEqual(known([0, "given"]))
      expect(e.probe("f")).toEqual(known(["x", "given"]))
      expect(e.probe("c1_default")).toEqual(known(10))
    }))
})

describe("§2.11 the fixpoint", () => {
  it.effect("a cycle: both values absent, the parameters otherwise fine, no diagnostic", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        data "coder_parameter" "a" {
          name    = "a"
          default = data.coder_parameter.b.value
        }
        data "coder_parameter" "b" {
          name    = "b"
          default = data.coder_parameter.a.value
        }
        ${probe("a", `try(data.coder_parameter.a.value, "absent")`)}
        ${probe("b", `try(data.coder_parameter.b.value, "absent")`)}
      `))
      expect(e.probe("a")).toEqual(known("absent"))
      expect(e.probe("b")).toEqual(known("absent"))
      expect(parameterValue(e.lazy, "a")).toEqual({ _tag: "Absent" })
      expect(parameterValue(e.lazy, "b")).toEqual({ _tag: "Absent" })
      expect(e.diagnostics()).toEqual([])
    }))

  it.effect("the same cycle, asked from the other end first, gives the same", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        data "coder_parameter" "a" {
          name    = "a"
          default = data.coder_parameter.b.value
        }
        data "coder_parameter" "b" {
          name    = "b"
          default = data.coder_parameter.a.value
        }
      `))
      expect(parameterValue(e.lazy, "b")).toEqual({ _tag: "Absent" })
      expect(parameterValue(e.lazy, "a")).toEqual({ _tag: "Absent" })
    }))

  it.effect("an input on one end breaks the cycle", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(
        main(`
        data "coder_parameter" "a" {
          name    = "a"
          default = data.coder_parameter.b.value
        }
        data "coder_parameter" "b" {
          name    = "b"
          default = "\${data.coder_parameter.a.value}!"
        }
      `),
        { values: { a: "A" } }
      )
      expect(parameterValue(e.lazy, "b")).toEqual({ _tag: "Default", value: "A!" })
      expect(parameterValue(e.lazy, "a")).toEqual({ _tag: "Input", value: "A" })
    }))

  it.effect("a long chain through a local, a module and count resolves fully", () =>
    Effect.gen(function*() {
      const files = {
        "main.tf": `
          data "coder_parameter" "first" {
            name    = "first"
            default = "2"
          }
          locals {
            doubled = data.coder_parameter.first.value * 2
          }
          module "m" {
            source = "./m"
            n      = local.doubled
          }
          data "coder_parameter" "second" {
            count   = module.m.n > 3 ? 1 : 0
            name    = "second"
            default = module.m.n + 1
          }
          data "coder_parameter" "third" {
            name    = "third"
            default = try(data.coder_parameter.second[0].value * 10, 0)
          }
        `,
        "m/main.tf": `variable "n" {}\noutput "n" {\n  value = var.n\n}\n`
      }
      const e = yield* evaluate(files)
      expect(parameterValue(e.lazy, "third")).toEqual({ _tag: "Default", value: 50 })
      const smaller = yield* evaluate(files, { values: { first: "1" } })
      expect(parameterValue(smaller.lazy, "third")).toEqual({ _tag: "Default", value: 0 })
    }))

  it.effect("a parameter whose count depends on its own value cannot expand", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        data "coder_parameter" "self" {
          count   = data.coder_parameter.self[0].value == "x" ? 1 : 0
          name    = "self"
          default = "x"
        }
      `))
      expect(e.lazy.root.blocks("data", "coder_parameter").map((b) => [b.address, b.unexpanded])).toEqual([
        ["data.coder_parameter.self", true]
      ])
    }))
})
