/**
 * docs/render.md §3.1 variables: declared, inferred and `any` types, converted defaults, nullable and
 * sensitive, decode and conversion errors. Type texts are compared structurally.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { renderTemplate } from "../src/internal/render.js"
import { compile, inputsOf, lines, main, render, renderCompiled } from "./utils/render.js"

/**
 * A type text in a canonical form: no whitespace, object attributes sorted. Fails on text that
 * is not a type.
 */
const canonicalType = (text: string): string => {
  const s = text.replace(/\s+/g, "")
  let i = 0
  const expect_ = (c: string) => {
    if (s[i] !== c) throw new Error(`type text ${JSON.stringify(text)}: expected ${c} at ${i}`)
    i++
  }
  const name = () => {
    const m = /^[a-z_][a-z0-9_]*/i.exec(s.slice(i))
    if (m === null) throw new Error(`type text ${JSON.stringify(text)}: expected a name at ${i}`)
    i += m[0].length
    return m[0]
  }
  const type = (): string => {
    const kind = name()
    if (s[i] !== "(") return kind
    i++
    let out: string
    if (kind === "object") {
      expect_("{")
      const attributes: Array<string> = []
      while (s[i] !== "}") {
        const key = name()
        expect_("=")
        attributes.push(`${key}=${type()}`)
        if (s[i] === ",") i++
      }
      expect_("}")
      out = `object({${attributes.sort().join(",")}})`
    } else if (kind === "tuple") {
      expect_("[")
      const elements: Array<string> = []
      while (s[i] !== "]") {
        elements.push(type())
        if (s[i] === ",") i++
      }
      expect_("]")
      out = `tuple([${elements.join(",")}])`
    } else {
      out = `${kind}(${type()})`
    }
    expect_(")")
    return out
  }
  const result = type()
  if (i !== s.length) throw new Error(`type text ${JSON.stringify(text)}: trailing text at ${i}`)
  return result
}

const variable = (name: string, body: string) => `variable "${name}" {\n${body}\n}\n`

/** The single root variable `v`. */
const one = (body: string, inputs = {}) =>
  Effect.map(render(main(variable("v", body)), inputs), (output) => {
    expect(output.diagnostics).toEqual([])
    expect(output.variables.length).toBe(1)
    return output.variables[0]!
  })

describe("canonicalType (test helper)", () => {
  it("ignores whitespace and object attribute order", () => {
    expect(canonicalType("object({ name = string, age = number })")).toBe("object({age=number,name=string})")
    expect(canonicalType("tuple([string, list(number)])")).toBe("tuple([string,list(number)])")
    expect(() => canonicalType("list(")).toThrow()
  })
})

describe("§3.1 variable types and defaults", () => {
  const cases: ReadonlyArray<readonly [string, string, unknown]> = [
    // declared types: the default is converted
    [`type = string\ndefault = "Hello"`, "string", "Hello"],
    [`type = string\ndefault = 5`, "string", "5"],
    [`type = string\ndefault = true`, "string", "true"],
    [`type = number\ndefault = "7"`, "number", 7],
    [`type = number\ndefault = 1.5`, "number", 1.5],
    [`type = bool\ndefault = "false"`, "bool", false],
    [`type = list(string)\ndefault = ["b", 1]`, "list(string)", ["b", "1"]],
    [`type = set(string)\ndefault = ["us", "eu", "au", "eu"]`, "set(string)", ["au", "eu", "us"]],
    [`type = set(number)\ndefault = [10, 9, 100]`, "set(number)", [9, 10, 100]],
    [`type = map(number)\ndefault = { b = 2, a = "1" }`, "map(number)", { a: 1, b: 2 }],
    [
      `type = object({ name = string, age = number, list = list(string) })\ndefault = { name = "n", age = "3", list = ["x"] }`,
      "object({age=number,list=list(string),name=string})",
      { age: 3, list: ["x"], name: "n" }
    ],
    [`type = tuple([string, number])\ndefault = [1, "2"]`, "tuple([string,number])", ["1", 2]],
    [`type = string\ndefault = null`, "string", null],
    [`type = string`, "string", null],
    [`type = any\ndefault = ["a", 1]`, "any", ["a", 1]],
    [`type = any`, "any", null],
    // inferred from the default
    [`default = "x"`, "string", "x"],
    [`default = 7`, "number", 7],
    [`default = true`, "bool", true],
    [`default = ["a"]`, "tuple([string])", ["a"]],
    [`default = { a = 1, b = ["x", true] }`, "object({a=number,b=tuple([string,bool])})", { a: 1, b: ["x", true] }],
    [`default = []`, "tuple([])", []],
    [`default = null`, "any", null],
    [``, "any", null],
    [`default = local.nothing`, "any", null]
  ]
  for (const [body, type, fallback] of cases) {
    it.effect(`${body.replaceAll("\n", "; ") || "(empty)"} → ${type}, ${JSON.stringify(fallback)}`, () =>
      Effect.gen(function*() {
        const v = yield* one(body)
        expect(canonicalType(v.type)).toBe(canonicalType(type))
        expect(v.default).toEqual(fallback)
        expect(v.diagnostics).toEqual([])
      }))
  }

  it.effect("optional() attributes get their defaults", () =>
    Effect.gen(function*() {
      const v = yield* one(
        `type = object({ a = string, b = optional(number, 5), c = optional(string) })\ndefault = { a = "x" }`
      )
      expect(v.default).toEqual({ a: "x", b: 5, c: null })
      expect(v.diagnostics).toEqual([])
    }))

  it.effect("the default is the declared one, never the tfvars value", () =>
    Effect.gen(function*() {
      const output = yield* render(
        {
          "main.tf": variable("a", `default = "declared"`) + variable("b", `type = number\ndefault = 1`),
          "x.tfvars": `b = 2\n`
        },
        { tfvars: { a: "input" } }
      )
      expect(output.variables.map((v) => [v.name, v.default])).toEqual([["a", "declared"], ["b", 1]])
    }))
})

describe("§3.1 description, nullable, sensitive", () => {
  it.effect("every field", () =>
    Effect.gen(function*() {
      const v = yield* one(`type = string\ndefault = "x"\ndescription = "words"\nnullable = true\nsensitive = true`)
      expect(v).toEqual({
        name: "v",
        type: "string",
        description: "words",
        nullable: true,
        sensitive: true,
        default: "x",
        diagnostics: []
      })
    }))

  const flags: ReadonlyArray<readonly [string, boolean]> = [
    [`true`, true],
    [`false`, false],
    [`null`, false],
    [`"true"`, false],
    [`local.x`, false]
  ]
  for (const [expression, expected] of flags) {
    it.effect(`nullable and sensitive = ${expression} → ${expected}`, () =>
      Effect.map(one(`nullable = ${expression}\nsensitive = ${expression}`), (v) => {
        expect([v.nullable, v.sensitive]).toEqual([expected, expected])
      }))
  }

  it.effect("absent nullable and sensitive report false", () =>
    Effect.map(one(`default = 1`), (v) => expect([v.nullable, v.sensitive]).toEqual([false, false])))
})

describe("§3.1 errors stay on the variable", () => {
  it.effect("a type that does not decode", () =>
    Effect.gen(function*() {
      const output = yield* render(main(variable("bad", `type = lisst(string)\ndefault = ["a"]\ndescription = "d"`)))
      expect(output.diagnostics).toEqual([])
      const v = output.variables[0]!
      expect({ ...v, diagnostics: [] }).toEqual({
        name: "bad",
        type: "",
        description: "",
        nullable: false,
        sensitive: false,
        default: null,
        diagnostics: []
      })
      expect(v.diagnostics.map((d) => [d.severity, d.summary])).toEqual([
        ["error", "Failed to decode variable type for bad"]
      ])
    }))

  const unconvertible: ReadonlyArray<readonly [string, string]> = [
    [`type = number\ndefault = "abc"`, "number"],
    [`type = bool\ndefault = "maybe"`, "bool"],
    [`type = list(string)\ndefault = "x"`, "list(string)"],
    [`type = object({ a = string })\ndefault = { b = "x" }`, "object({a=string})"]
  ]
  for (const [body, type] of unconvertible) {
    it.effect(`a default that does not convert: ${body.replaceAll("\n", "; ")}`, () =>
      Effect.gen(function*() {
        const output = yield* render(main(variable("v", body)))
        expect(output.diagnostics).toEqual([])
        const v = output.variables[0]!
        expect([v.name, v.type, v.default, v.nullable, v.description]).toEqual(["v", "", null, false, ""])
        expect(v.diagnostics.length).toBe(1)
        const [d] = v.diagnostics
        expect(d!.severity).toBe("error")
        const match = /^Failed to convert variable default value to type "(.*)" for "v"$/.exec(d!.summary)
        expect(match).not.toBeNull()
        expect(canonicalType(match![1]!)).toBe(canonicalType(type))
      }))
  }

  it.effect("one broken variable does not affect the others", () =>
    Effect.gen(function*() {
      const output = yield* render(main(
        variable("a", `type = number\ndefault = "x"`) + variable("b", `default = "fine"`)
      ))
      expect(output.variables.map((v) => [v.name, v.diagnostics.length])).toEqual([["a", 1], ["b", 0]])
      expect(lines(output.diagnostics)).toEqual([])
    }))
})

describe("§3.1 which variables", () => {
  it.effect("root variables only, sorted by name byte-wise", () =>
    Effect.gen(function*() {
      const output = yield* render({
        "main.tf": variable("zeta", "") + variable("Alpha", "") + variable("beta", "") +
          `module "m" {\n  source = "./m"\n}\n`,
        "m/main.tf": variable("child_only", `default = 1`)
      })
      expect(output.variables.map((v) => v.name)).toEqual(["Alpha", "beta", "zeta"])
    }))
})

describe("§3.1 variables across renders", () => {
  it.effect("are extracted once per compiled template: its renders share them, deeply frozen", () =>
    Effect.gen(function*() {
      const template = yield* compile(main(variable("v", `default = { a = ["x"] }`) + variable("w", `type = string`)))
      const first = renderCompiled(template).output.variables
      const second = renderCompiled(template, { values: { v: "other" }, owner: { name: "someone" } }).output.variables
      expect(second).toBe(first)
      expect(first.map((v) => [v.name, v.default])).toEqual([["v", { a: ["x"] }], ["w", null]])
      const nested = (first[0]!.default as { a: Array<string> }).a
      expect(Object.isFrozen(first) && Object.isFrozen(first[0]) && Object.isFrozen(nested)).toBe(true)
      expect(() => nested.push("y")).toThrow(TypeError)
      expect(renderCompiled(template).output.variables[0]!.default).toEqual({ a: ["x"] })
    }))

  it.effect("an impure default is extracted again by every render (and the render is impure)", () =>
    Effect.gen(function*() {
      const template = yield* compile(main(variable("v", `default = uuid()`)))
      const first = renderTemplate(template, inputsOf())
      const second = renderTemplate(template, inputsOf())
      expect([first.impure, second.impure]).toEqual([true, true])
      expect(second.output.variables).not.toBe(first.output.variables)
      expect(second.output.variables[0]!.default).not.toEqual(first.output.variables[0]!.default)
    }))
})
