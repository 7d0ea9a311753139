import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "fast-check"
import * as Json from "../src/Json.js"
import * as N from "../src/Number.js"
import * as T from "../src/Type.js"
import * as V from "../src/Value.js"
import { showValue } from "./utils/showValue.js"

const fmt = showValue

describe("fromJson", () => {
  it("arrays become tuples, objects objects (keys sorted), null the untyped null", () => {
    expect(fmt(Json.fromJson({ b: [1, "x", true, null], a: {} }))).toBe("{a={},b=[1,\"x\",true,null]}")
    expect(Json.fromJson(null)).toBe(V.Null)
  })
  it("numbers are exact from their shortest decimal text", () => {
    expect(fmt(Json.fromJson(0.1))).toBe("0.1")
    expect(fmt(Json.fromJson(1e21))).toBe("1000000000000000000000")
    expect(fmt(Json.fromJson(12345678901234567n))).toBe("12345678901234567")
  })
})

describe("decode", () => {
  it.each([
    ["{\"a\": [1, 2.50, 12345678901234567890123]}", "{a=[1,2.5,12345678901234567890123]}"],
    ["[]", "[]"],
    ["{}", "{}"],
    ["null", "null"],
    [" \"x\" ", "\"x\""],
    ["-0.5e-3", "-0.0005"],
    ["\"\\ud83d\\ude00\\u00e9\\n\\/\"", JSON.stringify("😀é\n/")],
    ["\"\\ud800\"", JSON.stringify("\ufffd")],
    ["{\"a\":1,\"a\":2}", "{a=2}"],
    ["[]]", "[]"]
  ])("%s", (text, expected) => {
    expect(Either.map(Json.decode(text), fmt)).toEqual(Either.right(expected))
  })
  it.each([
    ["", "EOF"],
    ["  ", "EOF"],
    ["[", "EOF"],
    ["{\"a\"", "EOF"],
    ["\"abc", "unexpected EOF"],
    ["tru", "unexpected EOF"],
    ["{a:1}", "invalid character 'a'"],
    ["{\"a\":1,}", "invalid character '}' looking for beginning of object key string"],
    ["[1,]", "invalid character ']' looking for beginning of value"],
    ["{\"a\" 1}", "invalid character '1' after object key"],
    ["{\"a\":1 \"b\"}", "invalid character '\"' after object key:value pair"],
    ["[1 2]", "invalid character '2' after array element"],
    ["x", "invalid character 'x' looking for beginning of value"],
    ["nul", "unexpected EOF"],
    ["nuLL", "invalid character 'L' in literal null (expecting 'l')"],
    ["\"\\x\"", "invalid character 'x' in string escape code"],
    ["\"\t\"", "invalid character '\\t' in string literal"],
    ["1.", "unexpected EOF"],
    ["[1] 2", "extraneous data after JSON object"],
    ["01", "extraneous data after JSON object"]
  ])("%j fails with Go's message", (text, message) => {
    expect(Json.decode(text)).toEqual(Either.left(message))
  })
})

describe("encode", () => {
  it("is compact, sorts keys, escapes HTML characters and writes exact numbers", () => {
    const v = V.object([
      ["b", V.tuple([V.numberFromJs(1.5), V.string("<a&b>")])],
      ["a", V.Null],
      ["c", V.set(T.string, [V.string("z"), V.string("y")])],
      ["d", V.number(N.parse("12345678901234567890")!)]
    ])
    expect(Json.encode(v)).toEqual(
      Either.right(
        "{\"a\":null,\"b\":[1.5,\"\\u003ca\\u0026b\\u003e\"],\"c\":[\"y\",\"z\"],\"d\":12345678901234567890}"
      )
    )
  })
  it("fails on unknowns and infinities", () => {
    expect(Json.encode(V.tuple([V.DynamicUnknown]))).toEqual(Either.left("value is not known"))
    expect(Json.encode(V.number(N.positiveInfinity))).toEqual(Either.left("cannot serialize infinity as JSON"))
  })
  it("toJson gives a plain JavaScript view", () => {
    expect(Json.toJson(V.object([["a", V.set(T.number, [V.numberFromJs(2), V.numberFromJs(1)])]]))).toEqual(
      Either.right({ a: [1, 2] })
    )
  })
})

const jsonText: fc.Arbitrary<unknown> = fc.jsonValue()

describe("properties", () => {
  it("decode agrees with JSON.parse (up to number precision) and encode(decode(x)) parses back to the same", () => {
    fc.assert(
      fc.property(jsonText, (value) => {
        const text = JSON.stringify(value)
        const decoded = Json.decode(text)
        expect(Either.isRight(decoded)).toBe(true)
        if (Either.isRight(decoded)) {
          const again = Json.encode(decoded.right)
          expect(Either.isRight(again)).toBe(true)
          if (Either.isRight(again)) expect(JSON.parse(again.right)).toEqual(JSON.parse(text))
          expect(fmt(decoded.right)).toBe(fmt(Json.fromJson(value)))
        }
      })
    )
  })
  it("decoding never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const r = Json.decode(text)
        expect(Either.isLeft(r) || Either.isRight(r)).toBe(true)
      })
    )
  })
})
