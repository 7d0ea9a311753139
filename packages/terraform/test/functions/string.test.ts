import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { stringFunctions } from "../../src/functions/string.js"
import { graphemes, graphemesBySegmenter } from "../../src/internal/graphemes.js"
import * as T from "../../src/Type.js"
import type { Value } from "../../src/Value.js"
import * as V from "../../src/Value.js"
import { call, find, n, named, s, strings } from "./support.js"

const run = (name: string, ...args: ReadonlyArray<Value>) => call(stringFunctions, name, args)

type Case = readonly [name: string, args: ReadonlyArray<Value>, expected: unknown]

const cases: ReadonlyArray<Case> = [
  ["chomp", [s("hello\n")], "hello"],
  ["chomp", [s("hello\r\n")], "hello"],
  ["chomp", [s("hello\n\n\r")], "hello"],
  ["chomp", [s("hello")], "hello"],
  ["chomp", [s("\nhello\n world")], "\nhello\n world"],
  ["endswith", [s("hello world"), s("world")], true],
  ["endswith", [s("hello world"), s("hello")], false],
  ["endswith", [s("hello"), s("")], true],
  ["indent", [n(2), s("[\n  foo,\n  bar,\n]\n")], "[\n    foo,\n    bar,\n  ]\n  "],
  ["indent", [n(4), s("no newline")], "no newline"],
  ["indent", [n(0), s("a\nb")], "a\nb"],
  ["join", [s(", "), strings("foo", "bar", "baz")], "foo, bar, baz"],
  ["join", [s(", "), strings("foo")], "foo"],
  ["join", [s(", "), strings()], ""],
  ["join", [s("-"), strings("a"), strings("b", "c")], "a-b-c"],
  ["lower", [s("HELLO")], "hello"],
  ["lower", [s("АЛЛО!")], "алло!"],
  ["lower", [s("İSTANBUL")], "istanbul"],
  ["lower", [s("ΟΔΟΣ")], "οδοσ"],
  ["upper", [s("hello")], "HELLO"],
  ["upper", [s("алло!")], "АЛЛО!"],
  ["upper", [s("straße")], "STRAßE"],
  ["upper", [s("ﬁ")], "ﬁ"],
  ["upper", [s("ᾳ")], "ᾼ"],
  ["upper", [s("ǆ")], "Ǆ"],
  ["title", [s("hello world")], "Hello World"],
  ["title", [s("hello-world_x y.z")], "Hello-World_x Y.Z"],
  ["title", [s("ǆemal ǉubav")], "ǅemal ǈubav"],
  ["title", [s("élan vital")], "Élan Vital"],
  ["title", [s("x\u00a0y")], "X\u00a0Y"],
  ["split", [s(","), s("foo,bar,baz")], ["foo", "bar", "baz"]],
  ["split", [s(","), s("foo")], ["foo"]],
  ["split", [s(","), s("")], [""]],
  ["split", [s(""), s("ab☃")], ["a", "b", "☃"]],
  ["split", [s(""), s("")], []],
  ["split", [s(", "), s("a, b,c")], ["a", "b,c"]],
  ["startswith", [s("hello world"), s("hello")], true],
  ["startswith", [s("hello world"), s("world")], false],
  ["strcontains", [s("hello world"), s("wor")], true],
  ["strcontains", [s("hello world"), s("wod")], false],
  ["strrev", [s("hello")], "olleh"],
  ["strrev", [s("a☃")], "☃a"],
  ["strrev", [s("e\u0301a")], "ae\u0301"],
  ["strrev", [s("👨‍👩‍👧🇺🇸!")], "!🇺🇸👨‍👩‍👧"],
  ["strrev", [s("")], ""],
  ["substr", [s("hello world"), n(1), n(4)], "ello"],
  ["substr", [s("🤔🤷"), n(0), n(1)], "🤔"],
  ["substr", [s("hello world"), n(-5), n(-1)], "world"],
  ["substr", [s("hello world"), n(6), n(10)], "world"],
  ["substr", [s("hello"), n(10), n(2)], ""],
  ["substr", [s("hello"), n(5), n(2)], ""],
  ["substr", [s("hello"), n(-10), n(2)], "he"],
  ["substr", [s("hello"), n(1), n(0)], ""],
  ["substr", [s("hello"), n(-3), n(0)], "llo"],
  ["substr", [s("hello"), n(-3), n(2)], "ll"],
  ["substr", [s("hello"), n(0), n(-1)], "hello"],
  ["substr", [s("e\u0301e\u0301x"), n(1), n(1)], "e\u0301"],
  ["substr", [s(""), n(0), n(1)], ""],
  ["trim", [s("?!hello?!"), s("!?")], "hello"],
  ["trim", [s("foobar"), s("far")], "oob"],
  ["trim", [s("   hello! world.!  "), s("! ")], "hello! world."],
  ["trim", [s("☃x☃"), s("☃")], "x"],
  ["trim", [s("abc"), s("")], "abc"],
  ["trimprefix", [s("helloworld"), s("hello")], "world"],
  ["trimprefix", [s("helloworld"), s("cat")], "helloworld"],
  ["trimprefix", [s("hellohello"), s("hello")], "hello"],
  ["trimsuffix", [s("helloworld"), s("world")], "hello"],
  ["trimsuffix", [s("helloworld"), s("cat")], "helloworld"],
  ["trimspace", [s("  hello\n\n")], "hello"],
  ["trimspace", [s("\u00a0\u3000 hi\t\u2028")], "hi"],
  ["trimspace", [s("\ufeffhi")], "\ufeffhi"],
  ["replace", [s("1 + 2 + 3"), s("+"), s("-")], "1 - 2 - 3"],
  ["replace", [s("hello world"), s("/w.*d/"), s("everybody")], "hello everybody"],
  ["replace", [s("hello world"), s("/(h)(e)/"), s("$2$1")], "ehllo world"],
  ["replace", [s("abc"), s("/(?P<x>b)/"), s("[${x}]")], "a[b]c"],
  ["replace", [s("abc"), s("/(b)/"), s("$1x")], "ac"],
  ["replace", [s("abc"), s("/(b)/"), s("${1}x")], "abxc"],
  ["replace", [s("abc"), s("/b/"), s("$$")], "a$c"],
  ["replace", [s("abc"), s("/b/"), s("$")], "a$c"],
  ["replace", [s("abc"), s("/b/"), s("${x")], "a${xc"],
  ["replace", [s("abc"), s(""), s("-")], "-a-b-c-"],
  ["replace", [s("a☃"), s(""), s(".")], ".a.☃."],
  ["replace", [s("baaac"), s("/a*/"), s("-")], "-b-c-"],
  ["replace", [s("aaa"), s("/a*/"), s("-")], "-"],
  ["replace", [s("☃☃"), s("/x*/"), s("-")], "-☃-☃-"],
  ["replace", [s("a/b"), s("/"), s("|")], "a|b"],
  ["replace", [s("ab"), s("//"), s("-")], "-a-b-"],
  ["replace", [s("Hello"), s("/(?i)h/"), s("j")], "jello"]
]

describe("string functions", () => {
  it.each(named(cases))("%s", (_, name, args, expected) => {
    expect(run(name, ...args)).toEqual(expected)
  })

  it("reports Terraform's errors", () => {
    expect(run("join", s(","))).toEqual({ error: "at least one list is required" })
    expect(run("join", s(","), V.list(T.string, [s("a"), V.nullOf(T.string)]))).toEqual({
      error: "element 1 is null; cannot concatenate null values",
      argument: 1
    })
    expect(run("join", s(","), strings("a"), V.list(T.string, [V.nullOf(T.string)]))).toEqual({
      error: "element 0 of list 2 is null; cannot concatenate null values",
      argument: 2
    })
    expect(run("substr", s("abc"), n(1.5), n(1))).toEqual({
      error: "value must be a whole number, between -9223372036854775808 and 9223372036854775807"
    })
    expect(run("indent", n(-1), s("a\nb"))).toEqual({
      error: "panic in function implementation: strings: negative Repeat count"
    })
    expect(run("replace", s("a"), s("/(/"), s("x"))).toEqual({
      error: "error parsing regexp: missing closing ): `(`"
    })
  })

  it("refuses results beyond the size limit instead of exhausting memory", () => {
    const r = run("indent", n(1e12), s("a\nb")) as { error: string }
    expect(r.error).toMatch(/longer than/)
    const big = "x".repeat(5000)
    expect((run("replace", s(big), s(""), s(big)) as { error: string }).error).toMatch(/longer than/)
  })

  it("turns an exception inside an implementation into a FunctionError", () => {
    expect(run("upper", n(5))).toEqual({
      error: "unexpected failure in function implementation: expected a string argument, got Number"
    })
    expect(run("substr")).toEqual({
      error: "unexpected failure in function implementation: expected a string argument, got undefined"
    })
  })

  it("startswith accepts an unknown string when the prefix is empty", () => {
    const startswith = find(stringFunctions, "startswith")
    expect(startswith.parameters[0]!.allowUnknown).toBe(true)
    expect(run("startswith", V.unknownOf(T.string), s(""))).toEqual(true)
    expect(
      V.isKnown(startswith.impl([V.unknownOf(T.string), s("x")], {
        files: { readFile: () => undefined, listFiles: () => [] }
      }) as Value)
    ).toBe(false)
  })

  it("declares Terraform's parameter names", () => {
    const names = (f: string) => {
      const d = find(stringFunctions, f)
      return [...d.parameters.map((p) => p.name), ...(d.variadic ? [`...${d.variadic.name}`] : [])]
    }
    expect(names("substr")).toEqual(["str", "offset", "length"])
    expect(names("join")).toEqual(["separator", "...lists"])
    expect(names("format")).toEqual(["format", "...args"])
    expect(names("regex")).toEqual(["pattern", "string"])
    expect(names("replace")).toEqual(["str", "substr", "replace"])
    expect(names("indent")).toEqual(["spaces", "str"])
    expect(stringFunctions.map((d) => d.name).sort()).toEqual(
      [
        "chomp",
        "endswith",
        "format",
        "formatlist",
        "indent",
        "join",
        "lower",
        "regex",
        "regexall",
        "replace",
        "split",
        "startswith",
        "strcontains",
        "strrev",
        "substr",
        "title",
        "trim",
        "trimprefix",
        "trimspace",
        "trimsuffix",
        "upper"
      ]
    )
  })
})

describe("string function properties", () => {
  it("strrev(strrev(s)) == s", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        expect(run("strrev", s(run("strrev", s(text)) as string))).toEqual(text)
      })
    )
  })

  it("join(sep, split(sep, s)) == s for a non-empty separator", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-composite" }), fc.string({ minLength: 1, maxLength: 3 }), (text, sep) => {
        const parts = run("split", s(sep), s(text)) as Array<string>
        expect(run("join", s(sep), strings(...parts))).toEqual(text)
      })
    )
  })

  it("substr(s, 0, -1) == s and substr pieces concatenate back", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.nat({ max: 20 }), (text, cut) => {
        expect(run("substr", s(text), n(0), n(-1))).toEqual(text)
        const head = run("substr", s(text), n(0), n(cut)) as string
        const tail = cut === 0 ? text : run("substr", s(text), n(cut), n(-1)) as string
        expect(head + tail).toEqual(text)
      })
    )
  })

  it("upper and lower agree with JavaScript on ASCII and never change the length in code points", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const up = run("upper", s(text)) as string
        const low = run("lower", s(text)) as string
        expect(Array.from(up).length).toEqual(Array.from(text).length)
        expect(Array.from(low).length).toEqual(Array.from(text).length)
        if (/^[\x00-\x7f]*$/.test(text)) {
          expect(up).toEqual(text.toUpperCase())
          expect(low).toEqual(text.toLowerCase())
        }
      })
    )
  })

  it("the grapheme fast paths agree with Intl.Segmenter", () => {
    const samples = fc.oneof(
      fc.string({ unit: "grapheme" }),
      fc.string({ unit: "grapheme-composite" }),
      fc.string({ unit: "binary" }),
      fc.array(
        fc.constantFrom(
          "a",
          "é",
          "e\u0301",
          "\r",
          "\n",
          "\u200d",
          "👍",
          "🏽",
          "🇺",
          "🇸",
          "\u1100",
          "\u1161",
          "각",
          "\u0600",
          "\ufe0f",
          "ก",
          "\u0e33"
        ),
        { maxLength: 8 }
      ).map((xs) => xs.join(""))
    )
    fc.assert(
      fc.property(samples, (text) => {
        expect(graphemes(text)).toEqual(graphemesBySegmenter(text))
      }),
      { numRuns: 2000 }
    )
  })

  it("never throws on arbitrary inputs", () => {
    const text = fc.string({ unit: "binary", maxLength: 40 })
    fc.assert(
      fc.property(
        text,
        text,
        text,
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: -50, max: 50 }),
        (a, b, c, i, j) => {
          for (const f of stringFunctions) {
            const args = f.parameters.map((p, k) =>
              p.type._tag === "Number" ? n(k === 1 ? i : j) : s([a, b, c][k] ?? "")
            )
            const r = f.impl(args, { files: { readFile: () => undefined, listFiles: () => [] } })
            expect(r).toBeDefined()
          }
        }
      )
    )
  })
})
