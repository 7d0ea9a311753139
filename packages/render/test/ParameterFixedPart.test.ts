/**
 * A `coder_parameter` block of constants is extracted once per compiled template up to its value
 * (`parameter.ts`, "blocks of constants"); every render then adds the value and runs the
 * validation pipeline. The outputs must be byte for byte those of the evaluating path (the same
 * template with every literal behind a call, which is never a constant), in every render of one
 * compiled template. Two outputs share only frozen objects: the parts a block of constants gives
 * every render (options, validations, styling, default) and its parameter built for a value
 * (remembered per value: the one without an input and the last input's); everything else is each
 * render's own.
 */
import { describe, expect, it } from "@effect/vitest"
import type { RenderOutput } from "@warmpool/render"
import type { CompiledTemplate } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import { renderTemplate } from "../src/internal/render.js"
import { compile, inputsOf, main } from "./utils/render.js"

type Literal = string | number | boolean
interface BlockSpec {
  readonly attributes: Readonly<Record<string, Literal>>
  readonly nested?: ReadonlyArray<readonly [string, Readonly<Record<string, Literal>>]>
}

const parameters: Record<string, BlockSpec> = {
  region: {
    attributes: {
      name: "region",
      display_name: "Region",
      description: "Where it runs",
      type: "string",
      default: "eu",
      mutable: true,
      icon: "/icon/region.svg",
      order: 2,
      styling: "{\"placeholder\":\"pick one\",\"disabled\":false}"
    },
    nested: [["option", { name: "EU", value: "eu", description: "Europe" }], ["option", { name: "US", value: "us" }]]
  },
  size: {
    attributes: { name: "size", type: "number", default: 3, order: 1 },
    nested: [["validation", { min: 1, max: 8, error: "between {min} and {max}, got {value}" }]]
  },
  code: {
    attributes: { name: "code", type: "string", default: "ab-1", ephemeral: true },
    nested: [["validation", { regex: "^[a-z]+-[0-9]+$", error: "word, dash, number" }]]
  },
  repeated_option: {
    attributes: { name: "repeated_option", default: "x" },
    nested: [["option", { name: "X", value: "x" }], ["option", { name: "X", value: "y" }]]
  },
  bad_form: { attributes: { name: "bad_form", form_type: "nonsense" } },
  two_validations: {
    attributes: { name: "two_validations", type: "number" },
    nested: [["validation", { min: 1 }], ["validation", { max: 2 }]]
  },
  required: { attributes: { name: "required" } },
  same_name: { attributes: { name: "required", default: "d" } }
}

const constantText = (value: Literal): string => typeof value === "string" ? JSON.stringify(value) : String(value)

/** The same value behind a conversion call: evaluated in every render. */
const evaluatedText = (value: Literal): string =>
  typeof value === "string"
    ? `tostring(${JSON.stringify(value)})`
    : typeof value === "number"
    ? `tonumber(${value})`
    : `tobool(${value})`

const source = (text: (value: Literal) => string): string =>
  Object.entries(parameters).map(([label, spec]) =>
    [
      `data "coder_parameter" "${label}" {`,
      ...Object.entries(spec.attributes).map(([name, value]) => `  ${name} = ${text(value)}`),
      ...(spec.nested ?? []).flatMap(([type, attributes]) => [
        `  ${type} {`,
        ...Object.entries(attributes).map(([name, value]) => `    ${name} = ${text(value)}`),
        `  }`
      ]),
      `}`
    ].join("\n")
  ).join("\n\n")

const cases: ReadonlyArray<Readonly<Record<string, string>>> = [
  {},
  { region: "us", size: "9", code: "BAD", required: "r" },
  { region: "mars", size: "x", code: "cd-22", repeated_option: "y" },
  { size: "8", two_validations: "3" },
  // an input equal to the default is still an input; an input too long to be remembered
  { code: "ab-1", region: "eu" },
  { region: "u".repeat(2000), code: "zz-9" }
]

const json = (output: RenderOutput.RenderOutput) => JSON.stringify(output)

const nameAttribute = (template: CompiledTemplate.CompiledTemplate) =>
  template.root.blocks.find((block) => block.name === "region")!.body.attributes.get("name")!

describe("parameters of constants: extracted once, rendered like evaluated ones", () => {
  it.effect("the two templates take the two paths", () =>
    Effect.gen(function*() {
      expect(nameAttribute(yield* compile(main(source(constantText)))).constant).toBeDefined()
      expect(nameAttribute(yield* compile(main(source(evaluatedText)))).constant).toBeUndefined()
    }))

  it.effect("every render of one compiled template equals the evaluating path, byte for byte", () =>
    Effect.gen(function*() {
      const constant = yield* compile(main(source(constantText)))
      const evaluated = yield* compile(main(source(evaluatedText)))
      // twice over the cases: the second round reads only what the first one kept
      for (const values of [...cases, ...cases]) {
        const expected = renderTemplate(evaluated, inputsOf({ values })).output
        expect(json(renderTemplate(constant, inputsOf({ values })).output)).toEqual(json(expected))
        expect(json(renderTemplate(constant, inputsOf({ values }), { full: true }).output)).toEqual(json(expected))
      }
      // what the cases cover: options, validations, step 1 errors, dropped and duplicate parameters
      const output = renderTemplate(constant, inputsOf({ values: cases[1]! })).output
      expect(output.parameters.map((p) => p.name)).toEqual([
        "code",
        "repeated_option",
        "required",
        "required",
        "two_validations",
        "size",
        "region"
      ])
      const summaries = output.parameters.flatMap((p) => p.diagnostics.map((d) => `${p.name}: ${d.summary}`))
      expect(summaries).toContain("size: Invalid parameter value according to 'validation' block")
      expect(summaries).toContain("code: Invalid parameter value according to 'validation' block")
      expect(summaries).toContain("repeated_option: Option names must be unique.")
      expect(summaries).toContain("two_validations: Multiple 'validation' blocks found")
      expect(output.diagnostics.map((d) => d.summary)).toEqual([
        `Invalid "form_type" attribute for block coder_parameter.bad_form`,
        `Found 2 duplicate parameters with name "required", this is not allowed`
      ])
      expect(output.parameters.find((p) => p.name === "region")!.styling).toEqual({
        placeholder: "pick one",
        disabled: false
      })
    }))

  it.effect("two renders share only frozen parts; changing one output leaves the next alone", () =>
    Effect.gen(function*() {
      const template = yield* compile(main(source(constantText)))
      const first = renderTemplate(template, inputsOf({ values: cases[1]! })).output
      const second = renderTemplate(template, inputsOf({ values: cases[1]! })).output
      const before = json(second)
      const objects = (output: RenderOutput.RenderOutput): Array<unknown> =>
        output.parameters.flatMap((p) => [
          p,
          p.styling,
          p.default_value,
          p.value,
          p.options,
          ...p.options,
          ...p.options.map((o) => o.value),
          p.validations,
          ...p.validations,
          p.diagnostics,
          ...p.diagnostics,
          ...p.diagnostics.map((d) => d.extra)
        ]).concat(output.diagnostics, output.diagnostics.map((d) => d.extra))
      const seen = new Set(objects(first))
      const shared = objects(second).filter((o) => seen.has(o))
      // the parts of the blocks of constants are shared, and frozen (deeply: options' values too)
      expect(shared.length).toBeGreaterThan(5)
      expect(shared.filter((o) => !Object.isFrozen(o))).toEqual([])
      const region = first.parameters.find((p) => p.name === "region")!
      expect(shared).toEqual(expect.arrayContaining([region.options, region.options[0]!.value, region.styling]))
      // so is a block of constants' parameter for the same value, built once
      expect(second.parameters.find((p) => p.name === "region")).toBe(region)
      // a render's own objects are not shared: the output and its lists
      for (const own of [first, first.parameters, first.diagnostics]) {
        expect(Object.isFrozen(own)).toBe(false)
        expect([second, second.parameters, second.diagnostics]).not.toContain(own)
      }
      // a shared part cannot be changed (strict mode throws); an own part can, and the next render
      // is not affected either way
      expect(() => (region.options as Array<RenderOutput.ParameterOption>).pop()).toThrow(TypeError)
      expect(() => {
        ;(region.styling as { placeholder?: string }).placeholder = "changed"
      }).toThrow(TypeError)
      expect(() => {
        ;(region as { -readonly [K in keyof RenderOutput.Parameter]: RenderOutput.Parameter[K] }).icon = "changed"
      }).toThrow(TypeError)
      ;(first.diagnostics as Array<RenderOutput.Diagnostic>).length = 0
      ;(first.parameters as Array<RenderOutput.Parameter>).reverse()
      expect(json(renderTemplate(template, inputsOf({ values: cases[1]! })).output)).toEqual(before)
    }))

  it.effect("a block of constants' parameter is remembered per value: without an input, and the last input", () =>
    Effect.gen(function*() {
      const template = yield* compile(main(source(constantText)))
      const region = (values: Readonly<Record<string, string>>) =>
        renderTemplate(template, inputsOf({ values })).output.parameters.find((p) => p.name === "region")!
      const none = region({})
      const us = region({ region: "us" })
      expect([none.value.value, us.value.value]).toEqual(["eu", "us"])
      expect(region({})).toBe(none)
      expect(region({ region: "us" })).toBe(us)
      // another input replaces the last one; the parameter without an input stays
      const mars = region({ region: "mars" })
      expect(mars.value.value).toBe("mars")
      expect(mars.diagnostics.map((d) => d.summary)).toEqual(["Value must be a valid option"])
      expect(region({ region: "us" })).not.toBe(us)
      expect(region({ region: "us" })).toEqual(us)
      expect(region({})).toBe(none)
      // an input of up to 256 characters is remembered; a longer one is built every time
      const longest = { region: "v".repeat(256) }
      expect(region(longest)).toBe(region(longest))
      const long = { region: "u".repeat(257) }
      expect(region(long)).not.toBe(region(long))
      expect(region(long)).toEqual(region(long))
    }))
})
