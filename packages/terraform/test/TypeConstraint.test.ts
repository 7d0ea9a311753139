import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Evaluator from "../src/ExpressionEvaluator.js"
import * as Parser from "../src/ExpressionParser.js"
import { noFiles } from "../src/FunctionDefinition.js"
import * as FunctionTable from "../src/FunctionTable.js"
import * as Json from "../src/Json.js"
import * as T from "../src/Type.js"
import * as TypeConstraint from "../src/TypeConstraint.js"
import * as V from "../src/Value.js"

const decode = (source: string) => {
  const parsed = Parser.parseExpression(source, { file: "v.tf" })
  expect(parsed.diagnostics).toEqual([])
  return TypeConstraint.fromExpression(parsed.expression)
}

const valueOf = (source: string): V.Value => {
  const parsed = Parser.parseExpression(source, { file: "v.tf" })
  const r = Evaluator.compile(parsed.expression, FunctionTable.standard).evaluate({
    files: noFiles,
    resolve: () => undefined
  })
  expect(r.errors).toEqual([])
  return r.value
}

const typeText = (source: string): string => {
  const d = decode(source)
  if (Either.isLeft(d)) throw new Error(d.left.detail)
  return T.toString(d.right.type)
}

describe("decoding type constraints", () => {
  it.each([
    ["string", "string"],
    ["number", "number"],
    ["bool", "bool"],
    ["any", "any"],
    ["list(string)", "list(string)"],
    ["set(number)", "set(number)"],
    ["map(any)", "map(any)"],
    ["list(map(list(bool)))", "list(map(list(bool)))"],
    ["tuple([string, number])", "tuple([string,number])"],
    ["tuple([])", "tuple([])"],
    ["object({name = string, age = number})", "object({age=number,name=string})"],
    ["object({a = optional(string), b = optional(number, 1)})", "object({a=optional(string),b=optional(number)})"],
    ["object({})", "object({})"],
    ["(string)", "string"],
    ["\"string\"", "string"],
    ["\"list\"", "list(any)"],
    ["\"map\"", "map(any)"]
  ])("%s", (source, expected) => {
    expect(typeText(source)).toBe(expected)
  })

  it.each([
    ["list", "The list type constructor requires one argument specifying the element type."],
    ["list(string, number)", "The list type constructor requires one argument specifying the element type."],
    ["object", "The object type constructor requires one argument specifying the attribute types as a map."],
    ["tuple", "The tuple type constructor requires one argument specifying the element types as a list."],
    ["foo", "The keyword \"foo\" is not a valid type specification."],
    ["string(1)", "Primitive type keyword \"string\" does not expect arguments."],
    ["any(1)", "Type constraint keyword \"any\" does not expect arguments."],
    ["optional(string)", "Keyword \"optional\" is valid only as a modifier for object type attributes."],
    [
      "tuple([string, optional(number)])",
      "Keyword \"optional\" is valid only as a modifier for object type attributes."
    ],
    ["foo(string)", "Keyword \"foo\" is not a valid type constructor."],
    ["tuple(string)", "Tuple type constructor requires a list of element types."],
    [
      "object([string])",
      "Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types."
    ],
    ["object({\"a\" = string})", "Object constructor map keys must be attribute names."],
    [
      "1",
      "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string)."
    ],
    ["object({a = optional()})", "Optional attribute modifier requires the attribute type as its argument."],
    [
      "object({a = optional(string, 1, 2)})",
      "Optional attribute modifier expects at most two arguments: the attribute type, and a default value."
    ]
  ])("%s is an invalid type specification", (source, detail) => {
    const d = decode(source)
    expect(Either.isLeft(d)).toBe(true)
    if (Either.isLeft(d)) {
      expect(d.left.summary).toBe("Invalid type specification")
      expect(d.left.detail).toBe(detail)
      expect(d.left.range?.file).toBe("v.tf")
    }
  })

  it("an incompatible default is an error", () => {
    const d = decode("object({a = optional(number, \"x\")})")
    expect(Either.isLeft(d) && [d.left.summary, d.left.detail]).toEqual([
      "Invalid default value for optional attribute",
      "This default value is not compatible with the attribute's type constraint: a number is required."
    ])
  })
})

const convertTo = (typeSource: string, valueSource: string): string => {
  const d = decode(typeSource)
  if (Either.isLeft(d)) throw new Error(d.left.detail)
  const converted = TypeConstraint.convertTo(valueOf(valueSource), d.right)
  if (Either.isLeft(converted)) return `error: ${converted.left}`
  const json = Json.encode(converted.right)
  return `${T.toString(V.typeOf(converted.right))} ${Either.getOrElse(json, () => "?")}`
}

describe("applying defaults and converting (as terraform does for variable values)", () => {
  it.each([
    [
      `object({
        name = string
        tags = optional(map(string), {})
        port = optional(number, 80)
        sub  = optional(object({ x = optional(string, "dx"), y = optional(number) }), {})
        list = optional(list(object({ k = optional(string, "dk") })), [])
      })`,
      `{ name = "n", list = [{}, { k = "v" }] }`,
      `object({list=list(object({k=string})),name=string,port=number,sub=object({x=string,y=number}),tags=map(string)}) {"list":[{"k":"dk"},{"k":"v"}],"name":"n","port":80,"sub":{"x":"dx","y":null},"tags":{}}`
    ],
    ["set(string)", `["b", "a", "b"]`, `set(string) ["a","b"]`],
    [
      "map(object({ v = optional(number, 1) }))",
      "{ one = {}, two = { v = 2 } }",
      `map(object({v=number})) {"one":{"v":1},"two":{"v":2}}`
    ],
    ["list(any)", `[1, "a"]`, `list(string) ["1","a"]`],
    ["map(any)", `{ a = 1, b = "x" }`, `map(string) {"a":"1","b":"x"}`],
    ["object({ a = optional(string, \"x\") })", "null", "object({a=string}) null"],
    ["string", "5", `string "5"`],
    ["number", `"5"`, "number 5"],
    ["bool", `"true"`, "bool true"],
    ["number", `"x"`, "error: a number is required"],
    ["list(string)", `{}`, "error: list of string required"],
    ["object({ a = string })", `{}`, `error: attribute "a" is required`],
    ["object({ a = string, b = string })", `{}`, `error: attributes "a" and "b" are required`],
    ["object({ a = string })", `{ a = "x", extra = 1 }`, `object({a=string}) {"a":"x"}`],
    ["list(any)", `[[], {}]`, "error: all list elements must have the same type"],
    ["tuple([string, number])", `["a", "1"]`, `tuple([string,number]) ["a",1]`]
  ])("%s", (typeSource, valueSource, expected) => {
    expect(convertTo(typeSource, valueSource)).toBe(expected)
  })

  it("does not touch null or unknown values", () => {
    const d = decode("object({ a = optional(string, \"x\") })")
    if (Either.isLeft(d)) throw new Error("decode")
    expect(TypeConstraint.applyDefaults(V.DynamicUnknown, d.right)).toBe(V.DynamicUnknown)
    expect(TypeConstraint.applyDefaults(V.Null, d.right)).toBe(V.Null)
    expect(TypeConstraint.applyDefaults(V.EmptyObject, undefined)).toBe(V.EmptyObject)
  })
})
