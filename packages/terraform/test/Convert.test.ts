import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "fast-check"
import * as Convert from "../src/Convert.js"
import * as N from "../src/Number.js"
import * as T from "../src/Type.js"
import * as V from "../src/Value.js"
import { showValue } from "./utils/showValue.js"

const fmt = showValue

const s = V.string
const n = V.numberFromJs
const tup = (...xs: ReadonlyArray<V.Value>) => V.tuple(xs)
const obj = (o: Record<string, V.Value>) => V.object(Object.entries(o))

const show = (value: V.Value, type: T.Type): string =>
  Either.match(Convert.convert(value, type), { onLeft: (m) => `error: ${m}`, onRight: fmt })

describe("convert", () => {
  it.each<readonly [string, V.Value, T.Type, string]>([
    ["number to string, exact", n(1.5), T.string, "\"1.5\""],
    [
      "large integer to string, no exponent",
      V.number(N.parse("12345678901234567890")!),
      T.string,
      "\"12345678901234567890\""
    ],
    ["bool to string", V.True, T.string, "\"true\""],
    ["string to number", s("12.50"), T.number, "12.5"],
    ["string to number, exponent", s("1e3"), T.number, "1000"],
    ["bad string to number", s("12a"), T.number, "error: a number is required"],
    ["string 1 to bool", s("1"), T.bool, "true"],
    ["string 0 to bool", s("0"), T.bool, "false"],
    ["string true to bool", s("true"), T.bool, "true"],
    [
      "string True to bool",
      s("True"),
      T.bool,
      "error: a bool is required; to convert from string, use lowercase \"true\""
    ],
    [
      "string FALSE to bool",
      s("FALSE"),
      T.bool,
      "error: a bool is required; to convert from string, use lowercase \"false\""
    ],
    ["string yes to bool", s("yes"), T.bool, "error: a bool is required"],
    ["number to bool", n(1), T.bool, "error: bool required"],
    ["bool to number", V.True, T.number, "error: number required"],
    ["tuple to string", tup(), T.string, "error: string required"],
    ["null to any type", V.Null, T.list(T.string), "null(list(string))"],
    ["typed null", V.nullOf(T.string), T.number, "null(number)"],
    ["typed null, no conversion", V.nullOf(T.list(T.string)), T.string, "error: string required"],
    ["unknown to any type", V.DynamicUnknown, T.map(T.number), "unknown(map(number))"],
    ["typed unknown keeps its known parts", V.unknownOf(T.list(T.string)), T.list(T.dynamic), "unknown(list(string))"],
    ["tuple to list", tup(s("a"), n(1)), T.list(T.string), "list[\"a\",\"1\"]"],
    ["tuple to list of any unifies", tup(s("a"), n(1)), T.list(T.dynamic), "list[\"a\",\"1\"]"],
    [
      "tuple to list of any, no common type",
      tup(tup(), obj({})),
      T.list(T.dynamic),
      "error: all list elements must have the same type"
    ],
    [
      "tuple to set sorts and deduplicates",
      tup(s("us"), s("eu"), s("au"), s("eu")),
      T.set(T.string),
      "set[\"au\",\"eu\",\"us\"]"
    ],
    ["tuple to set of any", tup(n(3), n(1), n(20)), T.set(T.dynamic), "set[1,3,20]"],
    ["empty tuple to list", tup(), T.list(T.string), "list[]"],
    ["tuple element that cannot convert", tup(s("a"), obj({})), T.list(T.string), "error: element 1: string required"],
    ["tuple element with a bad value", tup(s("a")), T.list(T.number), "error: a number is required"],
    ["object to map", obj({ a: n(1), b: s("x") }), T.map(T.string), "map{a=\"1\",b=\"x\"}"],
    ["object to map of any", obj({ a: n(1), b: s("x") }), T.map(T.dynamic), "map{a=\"1\",b=\"x\"}"],
    ["object to map, bad element", obj({ a: tup() }), T.map(T.string), "error: element \"a\": string required"],
    [
      "object to map of any, no common type",
      obj({ a: tup(), b: n(1) }),
      T.map(T.dynamic),
      "error: all map element values must have the same type"
    ],
    ["list to set", V.list(T.string, [s("b"), s("a")]), T.set(T.string), "set[\"a\",\"b\"]"],
    ["set to list keeps the set order", V.set(T.number, [n(2), n(1)]), T.list(T.number), "list[1,2]"],
    ["list to list element-wise", V.list(T.number, [n(1)]), T.list(T.string), "list[\"1\"]"],
    ["list of string to list of bool", V.list(T.string, [s("x")]), T.list(T.bool), "error: a bool is required"],
    ["map to list", V.map(T.string, []), T.list(T.string), "error: list of string required"],
    ["list to map", V.list(T.string, []), T.map(T.string), "error: map of string required"],
    [
      "list of list to list of string",
      V.list(T.list(T.string), []),
      T.list(T.string),
      "error: incorrect list element type: string required"
    ],
    ["object to object drops extra attributes", obj({ a: n(1), b: n(2) }), T.object([["a", T.string]]), "{a=\"1\"}"],
    ["object to object, missing attribute", obj({}), T.object([["a", T.string]]), "error: attribute \"a\" is required"],
    [
      "object to object, three missing",
      obj({}),
      T.object([["a", T.string], ["b", T.string], ["c", T.string]]),
      "error: attributes \"a\", \"b\", and \"c\" are required"
    ],
    [
      "object to object, bad attribute",
      obj({ a: tup() }),
      T.object([["a", T.string]]),
      "error: attribute \"a\": string required"
    ],
    ["optional attribute becomes null", obj({}), T.object([["a", T.string]], new Set(["a"])), "{a=null(string)}"],
    ["map to object", V.map(T.string, [["a", s("1")]]), T.object([["a", T.number]]), "{a=1}"],
    [
      "map to object, missing key",
      V.map(T.string, []),
      T.object([["a", T.number]]),
      "error: map has no element for required attribute \"a\""
    ],
    ["tuple to tuple", tup(s("1"), n(2)), T.tuple([T.number, T.string]), "[1,\"2\"]"],
    ["tuple to tuple, wrong length", tup(s("1")), T.tuple([T.number, T.string]), "error: tuple required"],
    ["list to tuple", V.list(T.string, [s("1")]), T.tuple([T.number]), "[1]"],
    ["anything to any", tup(s("a")), T.dynamic, "[\"a\"]"],
    ["unknown elements convert", tup(V.DynamicUnknown, s("a")), T.list(T.string), "list[unknown(string),\"a\"]"],
    ["null elements convert", tup(V.Null, n(1)), T.list(T.dynamic), "list[null(number),1]"],
    [
      "nested objects to list of any",
      tup(obj({ a: n(1) }), obj({ a: s("x") })),
      T.list(T.dynamic),
      "list[{a=\"1\"},{a=\"x\"}]"
    ],
    [
      "objects with different attributes to list of any",
      tup(obj({ a: n(1) }), obj({ b: s("x") })),
      T.list(T.dynamic),
      "list[map{a=\"1\"},map{b=\"x\"}]"
    ]
  ])("%s", (_, value, type, expected) => {
    expect(show(value, type)).toBe(expected)
  })
})

describe("unify", () => {
  it.each<readonly [ReadonlyArray<T.Type>, string]>([
    [[T.number, T.string], "string"],
    [[T.number, T.bool], "none"],
    [[T.string, T.bool], "string"],
    [[T.dynamic, T.number], "number"],
    [[T.list(T.number), T.list(T.string)], "list(string)"],
    [[T.tuple([T.number]), T.tuple([T.string])], "tuple([string])"],
    [[T.tuple([T.number]), T.tuple([T.number, T.number])], "list(number)"],
    [[T.tuple([T.number]), T.list(T.string)], "list(string)"],
    [[T.set(T.number), T.list(T.number)], "list(number)"],
    [[T.set(T.number), T.set(T.string)], "set(string)"],
    [[T.object([["a", T.number]]), T.object([["a", T.string]])], "object({a=string})"],
    [[T.object([["a", T.number]]), T.object([["b", T.string]])], "map(string)"],
    [[T.object([["a", T.tuple([])]]), T.object([["b", T.string]])], "none"],
    [[T.map(T.number), T.object([["b", T.string]])], "map(string)"],
    [[T.map(T.number), T.map(T.string)], "map(string)"],
    [[T.object([]), T.tuple([])], "none"],
    [[T.list(T.number), T.dynamic], "any"],
    [
      [T.tuple([T.object([["a", T.number]])]), T.tuple([T.object([["a", T.number]]), T.object([["a", T.number]])])],
      "list(object({a=number}))"
    ],
    [[], "none"]
  ])("%j", (types, expected) => {
    const u = Convert.unify(types)
    expect(u === undefined ? "none" : T.toString(u)).toBe(expected)
  })

  it("unifyValues converts every value to the common type", () => {
    const r = Convert.unifyValues([n(1), s("a")])
    expect(Either.isRight(r) && r.right.values.map(fmt)).toEqual(["\"1\"", "\"a\""])
    expect(Convert.unifyValues([n(1), V.True])).toEqual(Either.left("all arguments must have the same type"))
  })
})

/** Random types, to check properties of unification. */
const typeArbitrary: fc.Arbitrary<T.Type> = fc.letrec<{ t: T.Type }>((tie) => ({
  t: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom<T.Type>(T.string, T.number, T.bool, T.dynamic),
    tie("t").map(T.list),
    tie("t").map(T.set),
    tie("t").map(T.map),
    fc.array(tie("t"), { maxLength: 3 }).map(T.tuple),
    fc.dictionary(fc.constantFrom("a", "b", "c"), tie("t"), { maxKeys: 3 }).map((o) => T.object(Object.entries(o)))
  )
})).t

describe("properties", () => {
  it("unify is commutative", () => {
    fc.assert(
      fc.property(typeArbitrary, typeArbitrary, (a, b) => {
        const ab = Convert.unify([a, b])
        const ba = Convert.unify([b, a])
        expect(ab === undefined ? "none" : T.toString(ab)).toBe(ba === undefined ? "none" : T.toString(ba))
      }),
      { numRuns: 2000 }
    )
  })
  it("both types convert to their unification", () => {
    fc.assert(
      fc.property(typeArbitrary, typeArbitrary, (a, b) => {
        const u = Convert.unify([a, b])
        if (u !== undefined) {
          expect(Convert.conversionExists(a, u)).toBe(true)
          expect(Convert.conversionExists(b, u)).toBe(true)
        }
      }),
      { numRuns: 2000 }
    )
  })
  it("number → string → number round-trips exactly", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.bigInt()), (x) => {
        const number = typeof x === "bigint" ? V.number(N.fromBigInt(x)) : n(x)
        const text = Convert.convertValue(number, T.string) as V.StringValue
        expect(text.value).not.toMatch(/e/i)
        const back = Convert.convertValue(text, T.number) as V.NumberValue
        expect(N.equals(back.value, number.value)).toBe(true)
      })
    )
  })
  it("bool → string → bool round-trips", () => {
    fc.assert(
      fc.property(fc.boolean(), (b) => {
        expect(Convert.convertValue(Convert.convertValue(V.bool(b), T.string) as V.Value, T.bool)).toBe(V.bool(b))
      })
    )
  })
  it("a tuple of strings converts to a set and back to a sorted, deduplicated list", () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (xs) => {
        const set = Convert.convertValue(V.tuple(xs.map(s)), T.set(T.string)) as V.SetValue
        const list = Convert.convertValue(set, T.list(T.string)) as V.ListValue
        const expected = [...new Set(xs)].sort(V.compareStrings)
        expect(list.elements.map((e) => (e as V.StringValue).value)).toEqual(expected)
      })
    )
  })
})
