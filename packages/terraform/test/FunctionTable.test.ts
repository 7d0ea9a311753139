import { describe, expect, it } from "@effect/vitest"
import * as Evaluator from "../src/ExpressionEvaluator.js"
import * as Parser from "../src/ExpressionParser.js"
import { type FileAccess, type FunctionDefinition, noFiles } from "../src/FunctionDefinition.js"
import * as FunctionTable from "../src/FunctionTable.js"
import * as T from "../src/Type.js"
import * as V from "../src/Value.js"

/** docs/render.md §2.14, tiers 1 to 3 (`list` and `map` exist and always fail). */
const tiers =
  `can concat contains jsondecode jsonencode keys length range regex setintersection slice substr tolist trimprefix try
alltrue anytrue base64encode coalesce coalescelist endswith file fileset filesha1 flatten floor format index join lookup lower
merge nonsensitive replace setsubtract setunion sha1 sha256 split startswith templatefile tomap toset tostring upper
abs abspath base64decode base64gzip base64sha256 base64sha512 basename bcrypt ceil chomp chunklist cidrhost cidrnetmask
cidrsubnet cidrsubnets compact csvdecode dirname distinct element fileexists filebase64 filebase64sha256 filebase64sha512
filemd5 filesha256 filesha512 formatdate formatlist indent issensitive list log map matchkeys max md5 min one parseint
pathexpand pow regexall reverse rsadecrypt sensitive setproduct sha512 signum sort strcontains strrev sum textdecodebase64
textencodebase64 timeadd timecmp timestamp title tobool tonumber transpose trim trimspace trimsuffix urlencode uuid uuidv5
values yamldecode yamlencode zipmap`.split(/\s+/)

describe("registry", () => {
  it("has every function of docs/render.md §2.14", () => {
    const missing = tiers.filter((name) => !FunctionTable.names().includes(name))
    expect(missing).toEqual([])
    for (const name of tiers) {
      if (name !== "try" && name !== "can") expect(FunctionTable.lookup(name)?.name).toBe(name)
    }
  })
  it("lists names sorted, with the special forms try and can", () => {
    const names = FunctionTable.names()
    expect([...names].sort()).toEqual(names)
    expect(names).toContain("try")
    expect(names).toContain("can")
    expect(new Set(names).size).toBe(names.length)
  })
  it("accepts Terraform's core:: namespace and knows nothing else", () => {
    expect(FunctionTable.lookup("core::length")?.name).toBe("length")
    expect(FunctionTable.lookup("nosuch")).toBeUndefined()
    expect(FunctionTable.lookup("provider::x::length")).toBeUndefined()
  })
  it("marks exactly timestamp, uuid and bcrypt as impure", () => {
    const impure = FunctionTable.names().filter((name) => FunctionTable.lookup(name)?.impure === true)
    expect(impure.sort()).toEqual(["bcrypt", "timestamp", "uuid"])
  })
})

const scope: Evaluator.Scope = {
  files: noFiles,
  resolve: (parts) =>
    parts[0] === "u"
      ? { value: V.DynamicUnknown, consumed: 1 }
      : parts[0] === "us"
      ? { value: V.unknownOf(T.string), consumed: 1 }
      : undefined
}

const evaluate = (source: string): Evaluator.Result => {
  const parsed = Parser.parseExpression(source, { file: "f.tf" })
  expect(parsed.diagnostics).toEqual([])
  return Evaluator.compile(parsed.expression, FunctionTable.standard).evaluate(scope)
}

describe("calls", () => {
  it.each([
    ["upper(null)", "Invalid function argument", "Invalid value for \"str\" parameter: argument must not be null."],
    ["length(null)", "Invalid function argument", "Invalid value for \"value\" parameter: argument must not be null."],
    ["upper([])", "Invalid function argument", "Invalid value for \"str\" parameter: string required."],
    ["keys(1)", "Invalid function argument", "Invalid value for \"inputMap\" parameter: must have map or object type."],
    [
      "length(1)",
      "Error in function call",
      "Call to function \"length\" failed: argument must be a string, a collection type, or a structural type."
    ],
    ["lenght(\"a\")", "Call to unknown function", "There is no function named \"lenght\". Did you mean \"length\"?"],
    ["provider::p::f(1)", "Call to unknown function", "There is no function named \"provider::p::f\"."],
    ["concat()", "Error in function call", "Call to function \"concat\" failed: at least one argument is required."],
    [
      "zipmap()",
      "Not enough function arguments",
      "Function \"zipmap\" expects 2 argument(s). Missing value for \"keys\"."
    ],
    [
      "coalesce()",
      "Error in function call",
      "Call to function \"coalesce\" failed: all arguments must have the same type."
    ],
    [
      "lookup({}, \"a\", 1, 2)",
      "Error in function call",
      "Call to function \"lookup\" failed: lookup() takes two or three arguments, got 4."
    ],
    [
      "concat([1], 2...)",
      "Invalid expanding argument value",
      "The expanding argument (indicated by ...) must be of a tuple, list, or set type."
    ]
  ])("%s", (source, summary, detail) => {
    const r = evaluate(source)
    expect(r.errors.map((e) => [e.summary, e.detail])).toEqual([[summary, detail]])
    expect(r.errors[0]!.range?.file).toBe("f.tf")
  })

  it.each([
    ["upper(us)", "String"],
    ["upper(u)", "String"],
    ["length(us)", "Number"],
    ["jsonencode([us])", "String"],
    ["keys(u)", "Dynamic"],
    ["merge({a = 1}, u)", "Dynamic"]
  ])("%s is an unknown %s without errors", (source, type) => {
    const r = evaluate(source)
    expect(r.errors).toEqual([])
    expect(r.value._tag).toBe("Unknown")
    expect((r.value as V.UnknownValue).type._tag).toBe(type)
  })
})

describe("a function table passed in", () => {
  const shout: FunctionDefinition = {
    name: "shout",
    parameters: [{ name: "s", type: T.string }],
    returnType: T.string,
    impl: ([s]) => V.string(`${(s as V.StringValue).value.toUpperCase()}!`)
  }
  const custom = FunctionTable.make([shout, FunctionTable.lookup("templatefile")!])
  const files: FileAccess = {
    readFile: (p) => (p === "t.tpl" ? new TextEncoder().encode("${shout(x)}") : undefined),
    listFiles: () => ["t.tpl"]
  }
  const run = (source: string, table: FunctionTable.FunctionTable) =>
    Evaluator.compile(Parser.parseExpression(source).expression, table).evaluate({
      files,
      resolve: () => undefined
    })

  it("is the only source of functions for the expression", () => {
    expect(run(`shout("hi")`, custom).value).toEqual(V.string("HI!"))
    expect(run(`shout("hi")`, FunctionTable.standard).errors[0]?.summary).toBe("Call to unknown function")
    const upper = run(`upper("hi")`, custom).errors[0]
    expect(upper?.summary).toBe("Call to unknown function")
  })

  it("suggests names from the table in use", () => {
    expect(run(`shot("hi")`, custom).errors[0]?.detail).toContain(`Did you mean "shout"?`)
    expect(run(`shot("hi")`, FunctionTable.standard).errors[0]?.detail).not.toContain("shout")
  })

  it("is the table templatefile compiles the template with", () => {
    expect(run(`templatefile("t.tpl", { x = "a" })`, custom).value).toEqual(V.string("A!"))
    const standard = run(`templatefile("t.tpl", { x = "a" })`, FunctionTable.standard)
    expect(standard.errors[0]?.detail).toContain("Call to unknown function")
  })

  it("lists its names sorted with the special forms", () => {
    expect(custom.names()).toEqual(["can", "shout", "templatefile", "try"])
  })
})
