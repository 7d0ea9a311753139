import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { FunctionError } from "../../src/FunctionDefinition.js"
import { stringFunctions } from "../../src/functions/string.js"
import * as T from "../../src/Type.js"
import type { Value } from "../../src/Value.js"
import * as V from "../../src/Value.js"
import { call, find, named, s } from "./support.js"

type Case = readonly [name: string, args: ReadonlyArray<Value>, expected: unknown]

const cases: ReadonlyArray<Case> = [
  ["regex", [s("[a-z]+"), s("53453453.345345aaabbbccc23454")], "aaabbbccc"],
  ["regex", [s("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)"), s("2019-02-01")], ["2019", "02", "01"]],
  [
    "regex",
    [s("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?"), s("https://terraform.io/docs/")],
    { authority: "terraform.io", scheme: "https" }
  ],
  ["regex", [s("(?<year>\\d+)-(?<month>\\d+)"), s("2024-05")], { month: "05", year: "2024" }],
  ["regex", [s("(a)|(b)"), s("b")], [null, "b"]],
  ["regex", [s("(?i)HELLO"), s("say hello")], "hello"],
  ["regex", [s("\\p{Greek}+"), s("abc αβγ")], "αβγ"],
  ["regex", [s("."), s("😀x")], "😀"],
  ["regex", [s("^"), s("abc")], ""],
  ["regex", [s("[a-z]+"), s("53453453.34534523454")], {
    error: "pattern did not match any part of the given string"
  }],
  ["regex", [s("("), s("x")], { error: "invalid regexp pattern: missing closing ) in (", argument: 0 }],
  ["regex", [s("(?<=a)b"), s("ab")], {
    error: "invalid regexp pattern: invalid named capture in (?<=a)b",
    argument: 0
  }],
  ["regex", [s("a{1001}"), s("a")], { error: "invalid regexp pattern: invalid repeat count in {1001}", argument: 0 }],
  ["regex", [s("(a)(?P<x>b)"), s("ab")], {
    error: "invalid regexp pattern: cannot mix both named and unnamed capture groups",
    argument: 0
  }],
  ["regexall", [s("[a-z]+"), s("1234abcd5678efgh9")], ["abcd", "efgh"]],
  ["regexall", [s("[a-z]+"), s("123456789")], []],
  ["regexall", [s("(\\w)=(\\d)"), s("a=1,b=2")], [["a", "1"], ["b", "2"]]],
  ["regexall", [s("(?P<k>\\w)=(?P<v>\\d)"), s("a=1,b=2")], [{ k: "a", v: "1" }, { k: "b", v: "2" }]],
  ["regexall", [s("a*"), s("baaac")], ["", "aaa", ""]],
  ["regexall", [s("x*"), s("☃☃")], ["", "", ""]],
  ["regexall", [s("\\b"), s("ab cd")], ["", "", "", ""]]
]

describe("regex and regexall", () => {
  it.each(named(cases))("%s", (_, name, args, expected) => {
    expect(call(stringFunctions, name, args)).toEqual(expected)
  })

  it("computes the result type from the pattern", () => {
    const regex = find(stringFunctions, "regex")
    const regexall = find(stringFunctions, "regexall")
    const typeOf = (f: typeof regex, pattern: Value) => {
      const t = typeof f.returnType === "function" ? f.returnType([pattern, V.unknownOf(T.string)]) : f.returnType
      return t instanceof FunctionError ? t.message : T.toString(t)
    }
    expect(typeOf(regex, s("a"))).toEqual("string")
    expect(typeOf(regex, s("(a)(b)"))).toEqual("tuple([string,string])")
    expect(typeOf(regex, s("(?P<x>a)"))).toEqual("object({x=string})")
    expect(typeOf(regex, V.unknownOf(T.string))).toEqual("any")
    expect(typeOf(regexall, s("(a)"))).toEqual("list(tuple([string]))")
    expect(typeOf(regex, s("("))).toEqual("invalid regexp pattern: missing closing ) in (")
  })

  it("regexall agrees with regex on the first match", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("[a-z]+", "\\d", "(a|b)c", "x*", "[^ ]+"),
        fc.string({ maxLength: 20 }),
        (p, text) => {
          const all = call(stringFunctions, "regexall", [s(p), s(text)]) as Array<unknown>
          const first = call(stringFunctions, "regex", [s(p), s(text)])
          if (all.length === 0) expect(first).toEqual({ error: "pattern did not match any part of the given string" })
          else expect(first).toEqual(all[0])
        }
      )
    )
  })

  it("replace with a literal substring equals split and join", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.string({ minLength: 1, maxLength: 3 }),
        fc.string({ maxLength: 3 }),
        (text, old, rep) => {
          fc.pre(!(old.length > 1 && old.startsWith("/") && old.endsWith("/")))
          expect(call(stringFunctions, "replace", [s(text), s(old), s(rep)])).toEqual(text.split(old).join(rep))
        }
      )
    )
  })
})
