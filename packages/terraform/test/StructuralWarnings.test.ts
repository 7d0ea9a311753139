/**
 * The evaluation's warnings about modules not loaded and counts not expanded are made once per
 * compiled module and address, frozen, and reported as the same objects by every evaluation (a
 * render shares what it builds from them), up to a bound per module: addresses made of
 * `for_each` keys can take as many values as the input.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Owner from "../src/Owner.js"
import * as Evaluation from "../src/TemplateEvaluation.js"
import { compile } from "./fixtures/evaluation/harness.js"

const warningsOf = (
  template: Parameters<typeof Evaluation.evaluate>[0],
  values: Readonly<Record<string, string>> = {}
) => Evaluation.evaluate(template, { owner: Owner.empty, parameterValues: values }).diagnostics()

describe("structural warnings", () => {
  it.effect("are the same frozen objects in every evaluation of a compiled template", () =>
    Effect.gen(function*() {
      const template = yield* compile({
        "main.tf": `
          variable "unset" {}
          module "gone" {
            source = "./nowhere"
          }
          data "coder_parameter" "counted" {
            count = var.unset
            name  = "counted"
          }
        `
      })
      const first = warningsOf(template)
      const second = warningsOf(template, { counted: "x" })
      expect(first.map((d) => d.summary)).toEqual([
        "Module not loaded. Did you run `terraform init`?",
        `Unexpanded count argument on block "data.coder_parameter.counted"`
      ])
      expect(second).not.toBe(first)
      first.forEach((d, i) => {
        expect(second[i]).toBe(d)
        expect(Object.isFrozen(d)).toBe(true)
      })
      // another compilation has its own
      const other = warningsOf(yield* compile({ "main.tf": `module "gone" {\n  source = "./nowhere"\n}\n` }))
      expect(other[0]).toEqual(first[0])
      expect(other[0]).not.toBe(first[0])
    }))

  it.effect("are kept for at most 256 addresses per module; past that they are made anew, the same text", () =>
    Effect.gen(function*() {
      const template = yield* compile({
        "main.tf": `
          data "coder_parameter" "keys" {
            name    = "keys"
            default = "a,b"
          }
          module "each" {
            source   = "./each"
            for_each = toset(split(",", data.coder_parameter.keys.value))
          }
        `,
        "each/main.tf": `
          variable "unset" {}
          data "coder_parameter" "counted" {
            count = var.unset
            name  = "counted"
          }
        `
      })
      const keys = (from: number, count: number) =>
        Array.from({ length: count }, (_, i) => `k${String(from + i).padStart(3, "0")}`).join(",")
      // 250 addresses kept by a first input, 100 more asked by a second: 6 of them are kept
      const first = warningsOf(template, { keys: keys(0, 250) })
      expect(first.length).toBe(250)
      const second = warningsOf(template, { keys: keys(200, 100) })
      expect(second.length).toBe(100)
      expect(second[0]!.address).toBe(`module.each["k200"].data.coder_parameter.counted`)
      expect(second[0]).toBe(first[200])
      const again = warningsOf(template, { keys: keys(200, 100) })
      const kept = again.filter((d, i) => d === second[i])
      expect(kept.length).toBe(56)
      expect(kept.every((d) => Object.isFrozen(d))).toBe(true)
      expect(again.slice(56).every((d, i) => d !== second[56 + i] && !Object.isFrozen(d))).toBe(true)
      expect(again).toEqual(second)
    }))
})
