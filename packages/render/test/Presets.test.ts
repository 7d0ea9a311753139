/**
 * docs/render.md §5.1: preset extraction (order, name errors, parameters, default rule, prebuilds).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { lines, main, preset, render } from "./utils/render.js"

const presetBlock = (label: string, body: string) => `data "coder_workspace_preset" "${label}" {\n${body}\n}\n`
const unset = `variable "unset" {}\n`

/** Render presets only; top-level diagnostics must be empty. */
const presets = (source: string, extra: Record<string, string> = {}) =>
  Effect.map(render({ "main.tf": unset + source, ...extra }), (output) => {
    expect(output.diagnostics).toEqual([])
    return output.presets
  })

describe("§5.1 order", () => {
  it.effect("root presets by block address (not source order), then each module's", () =>
    Effect.gen(function*() {
      const list = yield* presets(
        presetBlock("zeta", `name = "Z root"`) +
          `module "b" {\n source = "./b"\n}\nmodule "a" {\n source = "./a"\n}\n` +
          presetBlock("alpha", `name = "A root"`) +
          presetBlock("Beta", `name = "B root"`),
        {
          "a/main.tf": presetBlock("y", `name = "a-y"`) + presetBlock("x", `name = "a-x"`) +
            `module "inner" {\n source = "./inner"\n}\n`,
          "a/inner/main.tf": presetBlock("i", `name = "a-inner"`),
          "b/main.tf": presetBlock("only", `name = "b"`)
        }
      )
      expect(list.map((p) => p.name)).toEqual(["B root", "A root", "Z root", "a-x", "a-y", "a-inner", "b"])
    }))

  it.effect("instances of a counted preset follow their index", () =>
    Effect.gen(function*() {
      const list = yield* presets(presetBlock("p", `count = 3\nname = "n\${count.index}"`))
      expect(list.map((p) => p.name)).toEqual(["n0", "n1", "n2"])
    }))
})

describe("§5.1 name", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ["absent", `parameters = {}`, `Expected a string, got "<nil>"`],
    ["a number", `name = 5`, `Expected a string, got "number"`]
  ]
  for (const [title, body, detail] of cases) {
    it.effect(`${title}: an error on the preset`, () =>
      Effect.gen(function*() {
        const list = yield* presets(presetBlock("broken", body))
        expect(list.length).toBe(1)
        expect(lines(list[0]!.diagnostics)).toEqual([
          `error|Invalid "name" attribute for block coder_workspace_preset.broken|${detail}`
        ])
      }))
  }

  it.effect("unknown: an error on the preset", () =>
    Effect.gen(function*() {
      const list = yield* presets(presetBlock("broken", `name = var.unset`))
      expect(list.length).toBe(1)
      expect(list[0]!.diagnostics.map((d) => [d.severity, d.summary])).toEqual([
        ["error", `Invalid "name" attribute for block coder_workspace_preset.broken`]
      ])
    }))
})

describe("§5.1 parameters", () => {
  const cases: ReadonlyArray<readonly [string, Record<string, string>]> = [
    [`{ a = "x", b = "" }`, { a: "x", b: "" }],
    [`{ n = 5, f = 1.5, big = 12345678901, t = true, f2 = false }`, {
      n: "5",
      f: "1.5",
      big: "12345678901",
      t: "true",
      f2: "false"
    }],
    [`{ keep = "k", gone = null, list = ["a"], obj = { x = 1 }, u = var.unset }`, { keep: "k" }],
    [`tomap({ a = "x" })`, { a: "x" }],
    [`{ "with space" = "v" }`, { "with space": "v" }],
    [`null`, {}],
    [`var.unset`, {}],
    [`"not a map"`, {}],
    [`{}`, {}]
  ]
  for (const [expression, expected] of cases) {
    it.effect(expression, () =>
      Effect.gen(function*() {
        const list = yield* presets(presetBlock("p", `name = "p"\nparameters = ${expression}`))
        expect(list[0]!.parameters).toEqual(expected)
      }))
  }
  it.effect("absent → {}", () =>
    Effect.map(presets(presetBlock("p", `name = "p"`)), (list) => expect(list[0]!.parameters).toEqual({})))

  it.effect("values may come from parameters", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`
        data "coder_parameter" "region" {
          name    = "region"
          default = "eu"
        }
        data "coder_workspace_preset" "p" {
          name       = "p"
          parameters = { region = data.coder_parameter.region.value, size = "\${data.coder_parameter.region.value}-large" }
        }
      `))
      expect(preset(output, "p").parameters).toEqual({ region: "eu", size: "eu-large" })
    }))
})

describe("§5.1 default", () => {
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    [`true`, true],
    [`false`, false],
    [`"true"`, true],
    [`"false"`, false],
    [`"yes"`, false],
    [`1`, false],
    [`null`, false],
    [`var.unset`, false],
    [`var.unset == "x"`, false]
  ]
  for (const [expression, expected] of cases) {
    it.effect(`${expression} → ${expected}`, () =>
      Effect.map(
        presets(presetBlock("p", `name = "p"\ndefault = ${expression}`)),
        (list) => {
          expect(list[0]!.default).toBe(expected)
          expect(list[0]!.diagnostics).toEqual([])
        }
      ))
  }
  it.effect("absent → false", () =>
    Effect.map(presets(presetBlock("p", `name = "p"`)), (list) => expect(list[0]!.default).toBe(false)))

  it.effect("the first default in preset order wins; every later one gets an error", () =>
    Effect.gen(function*() {
      const list = yield* presets(
        presetBlock("c", `name = "third"\ndefault = true`) +
          presetBlock("a", `name = "first"\ndefault = false`) +
          presetBlock("b", `name = "second"\ndefault = true`) +
          presetBlock("d", `name = "fourth"\ndefault = "true"`)
      )
      expect(list.map((p) => [p.name, p.default])).toEqual([
        ["first", false],
        ["second", true],
        ["third", true],
        ["fourth", true]
      ])
      const multiple =
        `error|Multiple default presets|Only one preset can be marked as default. "second" is already marked as default`
      expect(list.map((p) => lines(p.diagnostics))).toEqual([[], [], [multiple], [multiple]])
    }))

  it.effect("a module's default preset comes after the root's", () =>
    Effect.gen(function*() {
      const list = yield* presets(
        `module "m" {\n source = "./m"\n}\n` + presetBlock("z", `name = "root"\ndefault = true`),
        { "m/main.tf": presetBlock("a", `name = "child"\ndefault = true`) }
      )
      expect(list.map((p) => [p.name, lines(p.diagnostics).length])).toEqual([["root", 0], ["child", 1]])
    }))
})

describe("§5.1 prebuilds", () => {
  const cases: ReadonlyArray<readonly [string, { instances: number } | null]> = [
    [``, null],
    [`prebuilds {\ninstances = 3\n}`, { instances: 3 }],
    [`prebuilds {\ninstances = 2.9\n}`, { instances: 2 }],
    [`prebuilds {\ninstances = 0\n}`, { instances: 0 }],
    [`prebuilds {\ninstances = -1\n}`, { instances: 0 }],
    [`prebuilds {\ninstances = "x"\n}`, { instances: 0 }],
    [`prebuilds {\ninstances = null\n}`, { instances: 0 }],
    [`prebuilds {\ninstances = var.unset\n}`, { instances: 0 }],
    [`prebuilds {\n}`, { instances: 0 }],
    [`prebuilds {\ninstances = 4\n}\nprebuilds {\ninstances = 9\n}`, { instances: 4 }],
    [
      `prebuilds {\ninstances = 1\nexpiration_policy {\nttl = 3600\n}\nscheduling {\ntimezone = "UTC"\nschedule {\ncron = "* 8-18 * * 1-5"\ninstances = 3\n}\n}\n}`,
      { instances: 1 }
    ]
  ]
  for (const [body, expected] of cases) {
    it.effect(`${body.replaceAll("\n", " ") || "no block"} → ${JSON.stringify(expected)}`, () =>
      Effect.map(presets(presetBlock("p", `name = "p"\n${body}`)), (list) => {
        expect(list[0]!.prebuilds).toEqual(expected)
        expect(list[0]!.diagnostics).toEqual([])
      }))
  }

  it.effect("instances may come from a parameter", () =>
    Effect.gen(function*() {
      const files = main(`
        data "coder_parameter" "n" {
          name    = "n"
          type    = "number"
          default = 2
        }
        data "coder_workspace_preset" "p" {
          name = "p"
          prebuilds {
            instances = data.coder_parameter.n.value
          }
        }
      `)
      expect(preset(yield* render(files), "p").prebuilds).toEqual({ instances: 2 })
      expect(preset(yield* render(files, { values: { n: "5" } }), "p").prebuilds).toEqual({ instances: 5 })
    }))
})
