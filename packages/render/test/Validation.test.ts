/**
 * docs/render.md §4.4: the parameter validation pipeline, every message of steps 1–4 in order.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { lines, main, parameter, render } from "./utils/render.js"

const usage = "The value of a parameter is required to be sourced (default or input) for the parameter to function."
const required = "error|Required parameter not provided|parameter value is null|required"
const notInOptions = (label: string, x: string) =>
  `error|${label} must be a valid option${
    x === "" ? ". The value is empty, did you forget to set it with a default or from user input?" : ""
  }|the value "${x}" must be defined as one of options`
const byBlock = (which: "value" | "default value", detail: string) =>
  `error|Invalid parameter ${which} according to 'validation' block|${detail}`

const options = (...values: ReadonlyArray<string>) =>
  values.map((v, i) => `option {\n name = "o${i}"\n value = ${v}\n}\n`).join("")

interface Case {
  readonly title: string
  readonly body: string
  readonly value?: string
  readonly expected: ReadonlyArray<string>
}

const run = (cases: ReadonlyArray<Case>) => {
  for (const c of cases) {
    it.effect(c.title, () =>
      Effect.gen(function*() {
        const output = yield* render(
          main(`variable "unset" {}\ndata "coder_parameter" "p" {\nname = "p"\n${c.body}\n}\n`),
          c.value === undefined ? {} : { values: { p: c.value } }
        )
        expect(output.diagnostics).toEqual([])
        expect(lines(parameter(output, "p").diagnostics)).toEqual(c.expected)
      }))
  }
}

describe("§4.4 step 1: form type, options, more than one validation block (step 2 is then skipped)", () => {
  run([
    {
      title: "two validation blocks: an error, both listed, no regex check",
      body: `default = "x"\nvalidation {\nregex = "^a$"\nerror = "e"\n}\nvalidation {\nmin = 1\n}`,
      expected: ["error|Multiple 'validation' blocks found|Only one validation block is allowed"]
    },
    {
      title: "a form type error skips the option membership check",
      body: `default = "zz"\nform_type = "input"\n${options(`"a"`)}`,
      expected: [
        `error|Invalid parameter \`type="string"\` and \`form_type="input"\`|"form_type" attribute="input" is not supported for "type"="string" when options exist, choose one of [radio dropdown]`
      ]
    },
    {
      title: "a missing option value skips the membership check",
      body: `default = "zz"\n${options(`"a"`)}\noption {\nname = "x"\n}`,
      expected: [`error|Missing required attribute "value" for block ""|The value attribute is required`]
    },
    {
      title: "form type error, option error, multiple validations: in that order",
      body: `default = "zz"\nform_type = "textarea"\noption {\nname = "x"\n}\nvalidation {}\nvalidation {}`,
      expected: [
        `error|Invalid parameter \`type="string"\` and \`form_type="textarea"\`|"form_type" attribute="textarea" is not supported for "type"="string" when options exist, choose one of [radio dropdown]`,
        `error|Missing required attribute "value" for block ""|The value attribute is required`,
        "error|Multiple 'validation' blocks found|Only one validation block is allowed"
      ]
    }
  ])
})

describe("§4.4 step 2.1: option names, values and types", () => {
  run([
    {
      title: "a repeated name (reported before a repeated value)",
      body: `default = "a"\noption {\nname = "same"\nvalue = "a"\n}\noption {\nname = "same"\nvalue = "a"\n}`,
      expected: [`error|Option names must be unique.|multiple options found with the same name "same"`]
    },
    {
      title: "a repeated value",
      body: `default = "a"\n${options(`"a"`, `"b"`, `"a"`)}`,
      expected: [`error|Option values must be unique.|multiple options found with the same value "a"`]
    },
    {
      title: "a number and its text are the same value",
      body: `default = "1"\n${options(`1`, `"1"`)}`,
      expected: [`error|Option values must be unique.|multiple options found with the same value "1"`]
    },
    {
      title: "uniqueness ends the step before the type check",
      body: `type = "number"\ndefault = 1\n${options(`"x"`, `"x"`)}`,
      expected: [`error|Option values must be unique.|multiple options found with the same value "x"`]
    },
    {
      title: "a number option that is not a float: one error per option",
      body: `type = "number"\ndefault = 1\n${options(`"x"`, `1`, `"1,5"`)}`,
      expected: [
        `error|Option "o0" with value="x" is not of type "number"|`,
        `error|Option "o2" with value="1,5" is not of type "number"|`
      ]
    },
    {
      title: "Go floats: exponents, signs, hex, inf and NaN are numbers",
      body: `type = "number"\ndefault = "1.5"\n${
        options(`"1.5"`, `"-2"`, `"1e3"`, `".5"`, `"0x1p-2"`, `"+Inf"`, `"NaN"`, `"1_000"`)
      }`,
      expected: []
    },
    {
      title: "a bool option must parse as a Go bool",
      body: `type = "bool"\ndefault = "t"\n${options(`"t"`, `"F"`, `"TRUE"`, `"yes"`, `"0"`)}`,
      expected: [`error|Option "o3" with value="yes" is not of type "bool"|`]
    },
    {
      title: "list(string) with radio: option values must be JSON string arrays",
      body: `type = "list(string)"\ndefault = jsonencode(["a"])\n${options(`jsonencode(["a"])`, `"b"`, `"[1]"`)}`,
      expected: [
        `error|Option "o1" with value="b" is not of type "list(string)"|`,
        `error|Option "o2" with value="[1]" is not of type "list(string)"|`
      ]
    },
    {
      title: "list(string) with multi-select: option values are plain strings",
      body: `type = "list(string)"\nform_type = "multi-select"\ndefault = jsonencode(["a", "b"])\n${
        options(`"a"`, `"b"`)
      }`,
      expected: []
    },
    {
      title: "invalid options count as the text \"\"",
      body: `default = "a"\n${options(`"a"`, `var.unset`, `null`)}`,
      expected: [
        `error|Option values must be unique.|multiple options found with the same value ""`,
        "error|Parameter contains 2 invalid options|The set of options cannot be resolved, and use of the parameter is limited."
      ]
    }
  ])
})

describe("§4.4 step 2.2: stop when there is nothing to check", () => {
  run([
    {
      title: "options, no default, no input, no validation: only `required`",
      body: options(`"a"`),
      expected: [required]
    },
    {
      title: "no options, no default, no validation",
      body: `type = "number"`,
      expected: [required]
    },
    {
      title: "a validation block checks \"\" against the options (the Default value wording)",
      body: `${options(`"a"`)}\nvalidation {}`,
      expected: [notInOptions("Default value", ""), required]
    }
  ])
})

describe("§4.4 step 2.3: membership", () => {
  run([
    {
      title: "an input that is not an option",
      body: `default = "a"\n${options(`"a"`, `"b"`)}`,
      value: "zz",
      expected: [notInOptions("Value", "zz")]
    },
    {
      title: "a default that is not an option",
      body: `default = "zz"\n${options(`"a"`)}`,
      expected: [notInOptions("Value", "zz")]
    },
    {
      title: "an empty input gets the suffix",
      body: `default = "a"\n${options(`"a"`)}`,
      value: "",
      expected: [notInOptions("Value", "")]
    },
    {
      title: "an empty default gets the suffix",
      body: `default = ""\n${options(`"a"`)}`,
      expected: [notInOptions("Value", "")]
    },
    {
      title: "a number default matches an option by text",
      body: `type = "number"\ndefault = 2\n${options(`1`, `"2"`)}`,
      expected: []
    },
    {
      title: "multi-select: every element must be an option",
      body: `type = "list(string)"\nform_type = "multi-select"\ndefault = "[]"\n${options(`"a"`, `"b"`)}`,
      value: `["a","c","d"]`,
      expected: [
        `error|Values must be a valid option|Value "["a","c","d"]" is not a valid option, values "c, d" are missing from the options`
      ]
    },
    {
      title: "multi-select: an empty list is fine",
      body: `type = "list(string)"\nform_type = "multi-select"\ndefault = "[]"\n${options(`"a"`)}`,
      expected: []
    },
    {
      title: "multi-select: the value must be a JSON list of strings",
      body: `type = "list(string)"\nform_type = "multi-select"\ndefault = "[]"\n${options(`"a"`)}`,
      value: "a",
      expected: [
        `error|When using list(string) type, value must be a json encoded list of strings|value "a" is not a valid list of strings`
      ]
    },
    {
      title: "multi-select without value or default, with a validation block",
      body: `type = "list(string)"\nform_type = "multi-select"\n${options(`"a"`)}\nvalidation {}`,
      expected: [
        `error|When using list(string) type, value must be a json encoded list of strings|value "" is not a valid list of strings`,
        required
      ]
    },
    {
      title: "list(string) with radio: the whole value must equal an option",
      body: `type = "list(string)"\ndefault = jsonencode(["a"])\n${options(`jsonencode(["a"])`, `jsonencode(["b"])`)}`,
      value: `["b"]`,
      expected: []
    }
  ])
})

describe("§4.4 step 2.4: the validation block", () => {
  run([
    {
      title: "min on a string",
      body: `default = "x"\nvalidation {\nmin = 1\n}`,
      expected: [byBlock("value", "a min cannot be specified for a string type")]
    },
    {
      title: "max on a bool",
      body: `type = "bool"\ndefault = true\nvalidation {\nmax = 1\n}`,
      expected: [byBlock("value", "a max cannot be specified for a bool type")]
    },
    {
      title: "monotonic on a list(string)",
      body: `type = "list(string)"\ndefault = "[]"\nvalidation {\nmonotonic = "increasing"\n}`,
      expected: [
        byBlock("value", "monotonic validation can only be specified for number types, not list(string) types")
      ]
    },
    {
      title: "regex on a number",
      body: `type = "number"\ndefault = 1\nvalidation {\nregex = "^1$"\nerror = "e"\n}`,
      expected: [byBlock("value", "a regex cannot be specified for a number type")]
    },
    {
      title: "bool: only true or false (True passes the plain type check, not this one)",
      body: `type = "bool"\ndefault = true\nvalidation {}`,
      value: "True",
      expected: [byBlock("value", `boolean value can be either "true" or "false"`)]
    },
    {
      title: "bool: false passes",
      body: `type = "bool"\ndefault = true\nvalidation {}`,
      value: "false",
      expected: []
    },
    {
      title: "regex: no match",
      body: `default = "abc"\nvalidation {\nregex = "^[0-9]+$"\nerror = "digits only"\n}`,
      expected: [byBlock("value", `digits only (value "abc" does not match "^[0-9]+$")`)]
    },
    {
      title: "regex: an unanchored search",
      body: `default = "abc"\nvalidation {\nregex = "b"\nerror = "e"\n}`,
      expected: []
    },
    {
      title: "regex: RE2 syntax (\\pL, (?i))",
      body: `default = "Émile"\nvalidation {\nregex = "(?i)^\\\\pL+$"\nerror = "e"\n}`,
      expected: []
    },
    {
      title: "regex: an error is required",
      body: `default = "abc"\nvalidation {\nregex = "b"\n}`,
      expected: [byBlock("value", "an error must be specified with a regex validation")]
    },
    {
      title: "regex: no regex, no check",
      body: `default = "abc"\nvalidation {\nerror = "e"\n}`,
      expected: []
    },
    {
      title: "number: the value must be an integer",
      body: `type = "number"\ndefault = 1\nvalidation {\nmin = 0\n}`,
      value: "1.5",
      expected: [byBlock("value", `value "1.5" is not a number`)]
    },
    {
      title: "number: text is not a number",
      body: `type = "number"\ndefault = 1\nvalidation {}`,
      value: "ten",
      expected: [byBlock("value", `value "ten" is not a number`)]
    },
    {
      title: "number: below the minimum",
      body: `type = "number"\ndefault = 0\nvalidation {\nmin = 1\nmax = 10\n}`,
      expected: [byBlock("value", "value 0 is less than the minimum 1")]
    },
    {
      title: "number: above the maximum",
      body: `type = "number"\ndefault = 11\nvalidation {\nmin = 1\nmax = 10\n}`,
      expected: [byBlock("value", "value 11 is more than the maximum 10")]
    },
    {
      title: "number: the bounds are inclusive",
      body: `type = "number"\ndefault = 10\nvalidation {\nmin = 10\nmax = 10\n}`,
      expected: []
    },
    {
      title: "number: negative bounds",
      body: `type = "number"\ndefault = -5\nvalidation {\nmin = -3\n}`,
      expected: [byBlock("value", "value -5 is less than the minimum -3")]
    },
    {
      title: "number: a custom error replaces the message, with {min} {max} {value}",
      body:
        `type = "number"\ndefault = 0\nvalidation {\nmin = 1\nmax = 10\nerror = "{value} not in {min}..{max} ({value})"\n}`,
      expected: [byBlock("value", "0 not in 1..10 (0)")]
    },
    {
      title: "number: an unset bound is 0 in the substitution",
      body: `type = "number"\ndefault = 11\nvalidation {\nmax = 10\nerror = "[{min}, {max}]"\n}`,
      expected: [byBlock("value", "[0, 10]")]
    },
    {
      title: "number: a custom error also replaces 'is not a number'",
      body: `type = "number"\ndefault = 1\nvalidation {\nmin = 1\nerror = "bad {value}"\n}`,
      value: "x",
      expected: [byBlock("value", "bad x")]
    },
    {
      title: "number: an invalid monotonic",
      body: `type = "number"\ndefault = 1\nvalidation {\nmonotonic = "up"\n}`,
      expected: [byBlock("value", `number monotonicity can be either "increasing" or "decreasing"`)]
    },
    {
      title: "number: monotonic is never applied by a render",
      body: `type = "number"\ndefault = 1\nvalidation {\nmonotonic = "decreasing"\nmin = 0\n}`,
      value: "7",
      expected: []
    },
    {
      title: "list(string): the value must be a JSON string list",
      body: `type = "list(string)"\ndefault = "[]"\nvalidation {}`,
      value: "a,b",
      expected: [byBlock("value", `value "a,b" is not valid list of strings`)]
    },
    {
      title: "the Default value wording: a number without value or default",
      body: `type = "number"\nvalidation {\nmin = 1\n}`,
      expected: [byBlock("default value", `value "" is not a number`), required]
    },
    {
      title: "the Default value wording: a list(string) without value or default",
      body: `type = "list(string)"\nvalidation {}`,
      expected: [byBlock("default value", `value "" is not valid list of strings`), required]
    },
    {
      title: "membership ends the step before the validation block",
      body: `type = "number"\ndefault = 50\n${options(`1`, `2`)}\nvalidation {\nmax = 10\n}`,
      expected: [notInOptions("Value", "50")]
    }
  ])
})

describe("§4.4 step 2.4: a regex that RE2 does not compile", () => {
  const patterns: ReadonlyArray<readonly [string, string]> = [
    ["an unbalanced group", "("],
    ["lookahead (not RE2)", "^(?=a)"],
    ["a backreference (not RE2)", "(a)\\\\1"],
    ["an invalid repetition", "a**"]
  ]
  for (const [title, pattern] of patterns) {
    it.effect(title, () =>
      Effect.gen(function*() {
        const output = yield* render(main(`
          data "coder_parameter" "p" {
            name    = "p"
            default = "a"
            validation {
              regex = "${pattern}"
              error = "e"
            }
          }
        `))
        const diagnostics = parameter(output, "p").diagnostics
        expect(diagnostics.map((d) => [d.severity, d.summary])).toEqual([
          ["error", "Invalid parameter value according to 'validation' block"]
        ])
        expect(diagnostics[0]!.detail.startsWith("compile regex")).toBe(true)
      }))
  }
})

describe("§4.4 step 2.5: type", () => {
  run([
    {
      title: "number",
      body: `type = "number"\ndefault = 1`,
      value: "abc",
      expected: [`error|Parameter value is not of type "number"|"abc" is not a number`]
    },
    {
      title: "number: a float is fine without a validation block",
      body: `type = "number"\ndefault = 1`,
      value: "1.5e3",
      expected: []
    },
    {
      title: "bool",
      body: `type = "bool"\ndefault = true`,
      value: "yes",
      expected: [`error|Parameter value is not of type "bool"|"yes" is not a bool`]
    },
    {
      title: "bool: Go ParseBool spellings",
      body: `type = "bool"\ndefault = true`,
      value: "F",
      expected: []
    },
    {
      title: "list(string)",
      body: `type = "list(string)"\ndefault = "[]"`,
      value: `["a", 1]`,
      expected: [`error|Parameter value is not of type "list(string)"|value "["a", 1]" is not a valid list of strings`]
    },
    {
      title: "a default of the wrong type",
      body: `type = "number"\ndefault = "many"`,
      expected: [`error|Parameter value is not of type "number"|"many" is not a number`]
    },
    {
      title: "a bool default on a number parameter",
      body: `type = "number"\ndefault = true`,
      expected: [`error|Parameter value is not of type "number"|"true" is not a number`]
    }
  ])
})

describe("§4.4 step 3: usage", () => {
  run([
    {
      title: "a non-null invalid value",
      body: `default = ["a", "b"]`,
      expected: [`error|Parameter value is not valid|${usage}`]
    },
    {
      title: "an unknown value",
      body: `default = var.unset`,
      expected: [`error|Parameter value is unknown, it likely includes a reference without a value|${usage}`]
    },
    {
      title: "an unknown value built in a template",
      body: `default = "x-\${var.unset}"`,
      expected: [`error|Parameter value is unknown, it likely includes a reference without a value|${usage}`]
    },
    {
      title: "k invalid options",
      body: `default = "a"\n${options(`"a"`, `var.unset`)}`,
      expected: [
        "error|Parameter contains 1 invalid options|The set of options cannot be resolved, and use of the parameter is limited."
      ]
    },
    {
      title: "step 2 and step 3 together, in order",
      body: `default = "b"\n${options(`"a"`, `var.unset`)}`,
      expected: [
        notInOptions("Value", "b"),
        "error|Parameter contains 1 invalid options|The set of options cannot be resolved, and use of the parameter is limited."
      ]
    },
    {
      title: "an input replaces an unknown default",
      body: `default = var.unset`,
      value: "given",
      expected: []
    }
  ])
})

describe("§4.4 step 4: required", () => {
  run([
    {
      title: "required and not provided",
      body: ``,
      expected: [required]
    },
    {
      title: "required and provided (even empty)",
      body: ``,
      value: "",
      expected: []
    },
    {
      title: "a null default is not required: a null value gets no diagnostic",
      body: `default = null`,
      expected: []
    },
    {
      title: "a default with errors on a non-required parameter: absent, no diagnostic",
      body: `default = data.coder_parameter.nope.value`,
      expected: []
    }
  ])

  it.effect("the required diagnostic carries code `required`", () =>
    Effect.gen(function*() {
      const output = yield* render(main(`data "coder_parameter" "p" {\nname = "p"\n}`))
      expect(parameter(output, "p").diagnostics).toEqual([{
        severity: "error",
        summary: "Required parameter not provided",
        detail: "parameter value is null",
        extra: { code: "required" }
      }])
      expect(output.diagnostics).toEqual([])
    }))
})
