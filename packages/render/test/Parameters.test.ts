/**
 * docs/render.md §4.1 (extraction of every parameter field), §3.2 (HCLString, value reference texts),
 * §3.3 (number texts) and §3.1 (parameter order).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type { TestInputs } from "./utils/render.js"
import { lines, main, parameter, render } from "./utils/render.js"

/** One `data "coder_parameter" "p"` block with the given body. */
const block = (body: string, label = "p") => `data "coder_parameter" "${label}" {\n${body}\n}\n`

/** `variable "unset" {}`: an unknown value (no default, no input). */
const unset = `variable "unset" {}\nvariable "other" {}\n`

/** Render one parameter named `p` with extra attributes; returns it. */
const one = (body: string, inputs: TestInputs = {}) =>
  Effect.map(render(main(unset + block(`name = "p"\n${body}`)), inputs), (output) => {
    expect(lines(output.diagnostics)).toEqual([])
    return parameter(output, "p")
  })

describe("§4.1 every field", () => {
  it.effect("a parameter with every attribute set", () =>
    Effect.gen(function*() {
      const p = yield* one(`
        display_name = "Region"
        description  = "Where it runs"
        type         = "string"
        form_type    = "dropdown"
        icon         = "/icon/globe.svg"
        mutable      = true
        ephemeral    = true
        order        = 4
        default      = "eu"
        styling      = jsonencode({ placeholder = "pick one", disabled = false, label = "L", mask_input = true })
        option {
          name        = "Europe"
          description = "EU"
          value       = "eu"
          icon        = "/eu.svg"
        }
        option {
          name  = "US"
          value = "us"
        }
        validation {
          regex = "^[a-z]+$"
          error = "lowercase"
        }
      `)
      expect(p).toEqual({
        name: "p",
        display_name: "Region",
        description: "Where it runs",
        type: "string",
        form_type: "dropdown",
        styling: { placeholder: "pick one", disabled: false, label: "L", mask_input: true },
        mutable: true,
        default_value: { value: "eu", valid: true },
        icon: "/icon/globe.svg",
        options: [
          { name: "Europe", description: "EU", value: { value: "eu", valid: true }, icon: "/eu.svg" },
          { name: "US", description: "", value: { value: "us", valid: true }, icon: "" }
        ],
        validations: [{
          validation_error: "lowercase",
          validation_regex: "^[a-z]+$",
          validation_min: null,
          validation_max: null,
          validation_monotonic: null
        }],
        required: false,
        order: 4,
        ephemeral: true,
        value: { value: "eu", valid: true },
        diagnostics: []
      })
    }))

  it.effect("a parameter with only a name takes every default", () =>
    Effect.gen(function*() {
      const output = yield* render(main(block(`name = "only"`)))
      expect(parameter(output, "only")).toEqual({
        name: "only",
        display_name: "",
        description: "",
        type: "string",
        form_type: "input",
        styling: {},
        mutable: false,
        default_value: { value: "", valid: false },
        icon: "",
        options: [],
        validations: [],
        required: true,
        order: 0,
        ephemeral: false,
        value: { value: "data.coder_parameter.p.value", valid: false },
        diagnostics: [{
          severity: "error",
          summary: "Required parameter not provided",
          detail: "parameter value is null",
          extra: { code: "required" }
        }]
      })
    }))
})

describe("§4.1 name: missing or invalid drops the parameter with a top-level error", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    [
      "no name attribute",
      `type = "string"`,
      `error|Missing required attribute "name" for block "coder_parameter.p"|The name attribute is required`
    ],
    [
      "a number",
      `name = 5`,
      `error|Invalid "name" attribute for block coder_parameter.p|Expected a string, got "number"`
    ],
    [
      "a bool",
      `name = true`,
      `error|Invalid "name" attribute for block coder_parameter.p|Expected a string, got "bool"`
    ],
    [
      "a list",
      `name = ["a"]`,
      `error|Invalid "name" attribute for block coder_parameter.p|Expected a string, got "tuple"`
    ],
    [
      "unknown (one reference)",
      `name = var.unset`,
      `error|Invalid "name" attribute for block coder_parameter.p|Value is not known, check the references [var.unset] are resolvable`
    ],
    [
      "unknown (two references, in source order)",
      `name = "\${var.unset}-\${var.other}"`,
      `error|Invalid "name" attribute for block coder_parameter.p|Value is not known, check the references [var.unset var.other] are resolvable`
    ]
  ]
  for (const [title, body, expected] of cases) {
    it.effect(title, () =>
      Effect.gen(function*() {
        const output = yield* render(main(unset + block(body) + block(`name = "kept"\ndefault = ""`, "kept")))
        expect(lines(output.diagnostics)).toEqual([expected])
        expect(output.parameters.map((p) => p.name)).toEqual(["kept"])
      }))
  }

  it.effect("a name built from count.index under an unknown count is unknown", () =>
    Effect.gen(function*() {
      const output = yield* render(main(unset + block(`count = var.unset\nname = "p\${count.index}"`)))
      expect(lines(output.diagnostics)).toEqual([
        `warning|Unexpanded count argument on block "data.coder_parameter.p"|The count argument is not expanded. This may lead to unexpected behavior. The default behavior is to assume count is 1.`,
        `error|Invalid "name" attribute for block coder_parameter.p|Value is not known, check the references [count.index] are resolvable`
      ])
      expect(output.parameters).toEqual([])
    }))
})

describe("§4.1 type and form_type", () => {
  const types: ReadonlyArray<readonly [string, string]> = [
    [``, "string"],
    [`type = ""`, "string"],
    [`type = "string"`, "string"],
    [`type = "number"`, "number"],
    [`type = "bool"`, "bool"],
    [`type = "list(string)"`, "list(string)"]
  ]
  for (const [body, type] of types) {
    it.effect(`${body || "no type"} → ${type}`, () =>
      Effect.map(one(`${body}\ndefault = null`), (p) => expect(p.type).toBe(type)))
  }

  for (const bad of ["text", "list(number)", "String", "5"]) {
    it.effect(`type = ${bad} is invalid`, () =>
      Effect.gen(function*() {
        const value = bad === "5" ? "5" : `"${bad}"`
        const output = yield* render(main(block(`name = "p"\ntype = ${value}`)))
        expect(lines(output.diagnostics)).toEqual([
          `error|Invalid "type" attribute for block coder_parameter.p|invalid parameter type "${bad}", expected one of [string, number, bool, list(string)]`
        ])
        expect(output.parameters).toEqual([])
      }))
  }

  for (const bad of ["bogus", "Radio", "select"]) {
    it.effect(`form_type = ${bad} is invalid`, () =>
      Effect.gen(function*() {
        const output = yield* render(main(block(`name = "p"\nform_type = "${bad}"`)))
        expect(lines(output.diagnostics)).toEqual([
          `error|Invalid "form_type" attribute for block coder_parameter.p|invalid form type "${bad}", expected one of [radio, slider, input, dropdown, checkbox, switch, multi-select, tag-select, textarea, error]`
        ])
        expect(output.parameters).toEqual([])
      }))
  }

  it.effect(`form_type = "" means the default`, () =>
    Effect.map(one(`form_type = ""\ndefault = "x"`), (p) => expect(p.form_type).toBe("input")))
})

describe("§4.1 display_name, description, icon: the text of a string, number or bool", () => {
  const texts: ReadonlyArray<readonly [string, string]> = [
    [`"words"`, "words"],
    [`""`, ""],
    [`42`, "42"],
    [`1.5`, "1.5"],
    [`12345678901`, "1.23456789e+10"],
    [`true`, "true"],
    [`false`, "false"],
    [`null`, ""],
    [`["a"]`, ""],
    [`{ a = "b" }`, ""],
    [`var.unset`, ""],
    [`"\${var.unset}"`, ""]
  ]
  for (const [expression, text] of texts) {
    it.effect(`${expression} → ${JSON.stringify(text)}`, () =>
      Effect.map(
        one(`display_name = ${expression}\ndescription = ${expression}\nicon = ${expression}\ndefault = ""`),
        (p) => expect([p.display_name, p.description, p.icon]).toEqual([text, text, text])
      ))
  }
})

describe("§4.1 mutable and ephemeral: true only for a known true", () => {
  const cases: ReadonlyArray<readonly [string, boolean]> = [
    [`true`, true],
    [`false`, false],
    [`null`, false],
    [`var.unset`, false],
    [`var.unset == "x"`, false],
    [`1 == 1`, true]
  ]
  for (const [expression, expected] of cases) {
    it.effect(`${expression} → ${expected}`, () =>
      Effect.map(
        one(`mutable = ${expression}\nephemeral = ${expression}\ndefault = ""`),
        (p) => expect([p.mutable, p.ephemeral]).toEqual([expected, expected])
      ))
  }
  it.effect("absent → false", () =>
    Effect.map(one(`default = ""`), (p) => expect([p.mutable, p.ephemeral]).toEqual([false, false])))
})

describe("§4.1 order: a number truncated toward zero, 0 otherwise", () => {
  const cases: ReadonlyArray<readonly [string, number]> = [
    [`3`, 3],
    [`3.9`, 3],
    [`-2.7`, -2],
    [`0.5`, 0],
    [`null`, 0],
    [`"x"`, 0],
    [`var.unset`, 0]
  ]
  for (const [expression, expected] of cases) {
    it.effect(`${expression} → ${expected}`, () =>
      Effect.map(one(`order = ${expression}\ndefault = ""`), (p) => expect(p.order).toBe(expected)))
  }

  it.effect("parameters are sorted by order, then by name byte-wise", () =>
    Effect.gen(function*() {
      const output = yield* render(main(
        [
          block(`name = "b"\norder = 1\ndefault = ""`, "l1"),
          block(`name = "a"\norder = 2\ndefault = ""`, "l2"),
          block(`name = "Z"\norder = 1\ndefault = ""`, "l3"),
          block(`name = "é"\ndefault = ""`, "l4"),
          block(`name = "z"\ndefault = ""`, "l5"),
          block(`name = "neg"\norder = -1\ndefault = ""`, "l6"),
          block(`name = "trunc"\norder = 1.9\ndefault = ""`, "l7")
        ].join("")
      ))
      expect(output.parameters.map((p) => [p.name, p.order])).toEqual([
        ["neg", -1],
        ["z", 0],
        ["é", 0],
        ["Z", 1],
        ["b", 1],
        ["trunc", 1],
        ["a", 2]
      ])
    }))
})

describe("§4.1 default_value and required", () => {
  const cases: ReadonlyArray<readonly [string, { value: string; valid: boolean }, boolean]> = [
    [`default = "x"`, { value: "x", valid: true }, false],
    [`default = ""`, { value: "", valid: true }, false],
    [`default = 5`, { value: "5", valid: true }, false],
    [`default = true`, { value: "true", valid: true }, false],
    [`default = null`, { value: "", valid: false }, false],
    [`default = ["a"]`, { value: "", valid: false }, false],
    [`default = var.unset`, { value: "", valid: false }, false],
    [`default = data.coder_parameter.missing.value`, { value: "", valid: false }, false],
    [``, { value: "", valid: false }, true]
  ]
  for (const [body, defaultValue, required] of cases) {
    it.effect(`${body || "no default"} → ${JSON.stringify(defaultValue)}, required ${required}`, () =>
      Effect.gen(function*() {
        const output = yield* render(main(unset + block(`name = "p"\n${body}`)))
        const p = parameter(output, "p")
        expect(p.default_value).toEqual(defaultValue)
        expect(p.required).toBe(required)
      }))
  }
})

describe("§4.1 styling: JSON text, known keys of the right type only", () => {
  const cases: ReadonlyArray<readonly [string, Record<string, unknown>]> = [
    [`jsonencode({ placeholder = "p", disabled = true, label = "l", mask_input = false })`, {
      placeholder: "p",
      disabled: true,
      label: "l",
      mask_input: false
    }],
    [`jsonencode({ label = "only" })`, { label: "only" }],
    [`jsonencode({ placeholder = 5, disabled = "yes", label = true, mask_input = 1 })`, {}],
    [`jsonencode({ placeholder = "p", unknown_key = "x", disabled = null })`, { placeholder: "p" }],
    [`"{\\"disabled\\": true}"`, { disabled: true }],
    [`"{not json"`, {}],
    [`"[1, 2]"`, {}],
    [`"null"`, {}],
    [`"\\"text\\""`, {}],
    [`""`, {}],
    [`5`, {}],
    [`{ placeholder = "an object, not JSON text" }`, {}],
    [`var.unset`, {}],
    [`null`, {}]
  ]
  for (const [expression, styling] of cases) {
    it.effect(expression, () =>
      Effect.map(one(`styling = ${expression}\ndefault = ""`), (p) => {
        expect(p.styling).toEqual(styling)
        expect(p.diagnostics).toEqual([])
      }))
  }
  it.effect("absent → {}", () => Effect.map(one(`default = ""`), (p) => expect(p.styling).toEqual({})))
})

describe("§4.1 validations: one entry per block with the extracted fields", () => {
  it.effect("fields, truncation and nulls", () =>
    Effect.gen(function*() {
      const output = yield* render(main(block(`
        name = "p"
        type = "number"
        default = 5
        validation {
          min = 1.9
          max = -1.5
          monotonic = "increasing"
          error = 42
          ignored = "x"
        }
        validation {
          regex = "^a$"
        }
        validation {
          min = "3"
          monotonic = null
        }
      `)))
      expect(parameter(output, "p").validations).toEqual([
        {
          validation_error: "42",
          validation_regex: null,
          validation_min: 1,
          validation_max: -1,
          validation_monotonic: "increasing"
        },
        {
          validation_error: "",
          validation_regex: "^a$",
          validation_min: null,
          validation_max: null,
          validation_monotonic: null
        },
        {
          validation_error: "",
          validation_regex: null,
          validation_min: null,
          validation_max: null,
          validation_monotonic: null
        }
      ])
    }))
})

describe("§3.3 number texts (%.10g)", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["5", "5"],
    ["1.5", "1.5"],
    ["-7", "-7"],
    ["0", "0"],
    ["1234567890", "1234567890"],
    ["12345678901", "1.23456789e+10"],
    ["1e10", "1e+10"],
    ["0.0001", "0.0001"],
    ["0.00001", "1e-05"],
    ["3.14159265358979", "3.141592654"],
    ["-0.000012345", "-1.2345e-05"],
    ["99999999995", "1e+11"],
    ["1e100", "1e+100"],
    ["123456.7", "123456.7"]
  ]
  for (const [literal, text] of cases) {
    it.effect(`${literal} → ${text}`, () =>
      Effect.gen(function*() {
        const p = yield* one(`default = ${literal}`)
        expect(p.default_value).toEqual({ value: text, valid: true })
        expect(p.value).toEqual({ value: text, valid: true })
      }))
  }

  it.effect("an input value is kept as it is written, whatever the type", () =>
    Effect.gen(function*() {
      const output = yield* render(main(block(`name = "n"\ntype = "number"\ndefault = 1`)), {
        values: { n: "007" }
      })
      expect(parameter(output, "n").value).toEqual({ value: "007", valid: true })
      expect(parameter(output, "n").default_value).toEqual({ value: "1", valid: true })
    }))
})

describe("§3.2 parameter value: input, default in its own type, or the reference text", () => {
  it.effect("the input wins over the default; unknown input keys are ignored", () =>
    Effect.gen(function*() {
      const output = yield* render(main(block(`name = "Region Name"\ndefault = "us"`, "region")), {
        values: { "Region Name": "eu", region: "ignored", other: "x" }
      })
      expect(parameter(output, "Region Name").value).toEqual({ value: "eu", valid: true })
    }))

  it.effect("values are keyed by the name attribute, not the label", () =>
    Effect.gen(function*() {
      const output = yield* render(main(block(`name = "shown"\ndefault = "d"`, "label")), {
        values: { label: "x" }
      })
      expect(parameter(output, "shown").value).toEqual({ value: "d", valid: true })
    }))

  const absent: ReadonlyArray<readonly [string, string, string]> = [
    ["single", ``, "data.coder_parameter.x.value"],
    ["count", `count = 2`, "data.coder_parameter.x.[0].value"],
    ["for_each", `for_each = toset(["k"])`, "data.coder_parameter.x.[k].value"]
  ]
  for (const [title, meta, reference] of absent) {
    it.effect(`an absent value is the reference text (${title})`, () =>
      Effect.gen(function*() {
        const output = yield* render(
          main(
            block(
              `${meta}\nname = "p_\${${
                title === "single" ? `"one"` : title === "count" ? "count.index" : "each.key"
              }}"`,
              "x"
            )
          )
        )
        const p = output.parameters[0]!
        expect(p.value).toEqual({ value: reference, valid: false })
        expect(lines(p.diagnostics)).toEqual(["error|Required parameter not provided|parameter value is null|required"])
      }))
  }

  it.effect("an unknown default gives the reference text", () =>
    Effect.gen(function*() {
      const output = yield* render(main(unset + block(`name = "p"\ndefault = var.unset`, "alpha")))
      expect(parameter(output, "p").value).toEqual({ value: "data.coder_parameter.alpha.value", valid: false })
    }))

  it.effect("a collection default gives the reference text", () =>
    Effect.gen(function*() {
      const output = yield* render(main(block(`name = "p"\ndefault = ["a"]`, "alpha")))
      expect(parameter(output, "p").value).toEqual({ value: "data.coder_parameter.alpha.value", valid: false })
    }))
})
