import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import type { BinaryOperator } from "../src/Ast.js"
import * as N from "../src/Number.js"
import * as Ops from "../src/Operations.js"
import * as T from "../src/Type.js"
import * as V from "../src/Value.js"

const fmt = (v: V.Value | Ops.OperationError): string => {
  if (v instanceof Ops.OperationError) return v.problems.map((p) => `${p.summary}: ${p.detail}`).join(" | ")
  switch (v._tag) {
    case "String":
      return JSON.stringify(v.value)
    case "Number":
      return N.toString(v.value)
    case "Bool":
      return String(v.value)
    case "Null":
      return "null"
    case "Unknown":
      return `unknown(${T.toString(v.type)})`
    default:
      return v._tag
  }
}

const s = V.string
const n = V.numberFromJs
const u = V.DynamicUnknown
const uBool = V.unknownOf(T.bool)

const label = (
  v: V.Value
): string => (V.isWhollyKnown(v) && v._tag !== "Null" ? JSON.stringify(V.toDebugJson(v)) : fmt(v))

describe("binary operators", () => {
  const rows: ReadonlyArray<readonly [V.Value, BinaryOperator, V.Value, string]> = [
    [n(1), "+", n(2), "3"],
    [n(1), "+", s("2"), "3"],
    [s("1.5"), "*", n(2), "3"],
    [n(7), "-", n(10), "-3"],
    [n(10), "/", n(4), "2.5"],
    [n(1), "/", n(0), "+Inf"],
    [n(-1), "/", n(0), "-Inf"],
    [n(0), "/", n(0), "Operation failed: Error during operation: can't divide zero by zero or infinity by infinity."],
    [n(-7), "%", n(3), "-1"],
    [n(5), "%", n(0), "5"],
    [s("a"), "+", n(1), "Invalid operand: Unsuitable value for left operand: a number is required."],
    [n(1), "-", V.True, "Invalid operand: Unsuitable value for right operand: number required."],
    [
      s("a"),
      "+",
      s("b"),
      "Invalid operand: Unsuitable value for left operand: a number is required. | Invalid operand: Unsuitable value for right operand: a number is required."
    ],
    [V.Null, "+", n(1), "Operation failed: Error during operation: argument must not be null."],
    [u, "+", n(1), "unknown(number)"],
    [u, "+", V.Null, "Operation failed: Error during operation: argument must not be null."],
    [n(1), "<", s("2"), "true"],
    [s("10"), ">", s("9"), "true"],
    [n(2), "<=", n(2), "true"],
    [n(3), ">=", n(4), "false"],
    [u, "<", n(1), "unknown(bool)"],
    [V.True, "&&", s("true"), "true"],
    [V.True, "&&", V.False, "false"],
    [V.False, "||", s("false"), "false"],
    [V.False, "&&", u, "false"],
    [u, "&&", V.False, "false"],
    [V.True, "||", u, "true"],
    [u, "||", V.True, "true"],
    [V.True, "&&", u, "unknown(bool)"],
    [V.False, "||", u, "unknown(bool)"],
    [V.True, "&&", n(1), "Invalid operand: Unsuitable value for right operand: bool required."],
    [V.True, "||", V.Null, "Operation failed: Error during operation: argument must not be null."],
    [s("5"), "==", n(5), "false"],
    [n(1), "==", s("1"), "false"],
    [n(1), "==", V.number(N.parse("1.0")!), "true"],
    [V.Null, "==", V.Null, "true"],
    [V.Null, "==", V.nullOf(T.string), "true"],
    [V.Null, "==", s(""), "false"],
    [V.Null, "!=", n(0), "true"],
    [u, "==", n(1), "unknown(bool)"],
    [V.unknownOf(T.string), "==", n(1), "false"],
    [V.unknownOf(T.string), "==", s("a"), "unknown(bool)"],
    [V.Null, "==", u, "unknown(bool)"],
    [u, "!=", u, "unknown(bool)"],
    [V.tuple([n(1)]), "==", V.tuple([n(1)]), "true"],
    [V.list(T.string, [s("a")]), "==", V.tuple([s("a")]), "false"],
    [V.tuple([n(1), u]), "==", V.tuple([n(1), n(2)]), "unknown(bool)"],
    [V.tuple([n(1)]), "==", V.tuple([n(1), n(2)]), "false"],
    [V.object([["a", n(1)]]), "==", V.object([["a", n(1)]]), "true"],
    [V.object([["a", n(1)]]), "==", V.object([["a", s("1")]]), "false"],
    [V.set(T.string, [s("b"), s("a")]), "==", V.set(T.string, [s("a"), s("b")]), "true"],
    [V.map(T.number, [["a", n(1)]]), "!=", V.map(T.number, [["a", n(2)]]), "true"]
  ]
  it.each(rows.map(([l, op, r, expected]) => [`${label(l)} ${op} ${label(r)}`, l, op, r, expected] as const))(
    "%s",
    (_, left, op, right, expected) => {
      expect(fmt(Ops.binary(op, left, right))).toBe(expected)
    }
  )
})

describe("unary operators", () => {
  const rows: ReadonlyArray<readonly ["!" | "-", V.Value, string]> = [
    ["!", V.True, "false"],
    ["!", s("false"), "true"],
    ["!", n(1), "Invalid operand: Unsuitable value for unary operand: bool required."],
    ["!", V.Null, "Operation failed: Error during operation: argument must not be null."],
    ["!", u, "unknown(bool)"],
    ["-", n(3), "-3"],
    ["-", s("3"), "-3"],
    ["-", s("x"), "Invalid operand: Unsuitable value for unary operand: a number is required."],
    ["-", u, "unknown(number)"]
  ]
  it.each(rows.map(([op, v, expected]) => [`${op}${label(v)}`, op, v, expected] as const))(
    "%s",
    (_, op, operand, expected) => {
      expect(fmt(Ops.unary(op, operand))).toBe(expected)
    }
  )
})

describe("properties", () => {
  const primitive = fc.oneof(
    fc.string({ maxLength: 3 }).map(s),
    fc.integer({ min: -5, max: 5 }).map(n),
    fc.boolean().map(V.bool),
    fc.constant<V.Value>(V.Null),
    fc.constant<V.Value>(u)
  )
  it("== is symmetric and != is its negation", () => {
    fc.assert(
      fc.property(primitive, primitive, (a, b) => {
        const ab = Ops.equals(a, b)
        expect(fmt(ab)).toBe(fmt(Ops.equals(b, a)))
        const ne = Ops.binary("!=", a, b)
        expect(fmt(ne)).toBe(ab._tag === "Bool" ? String(!ab.value) : fmt(uBool))
      })
    )
  })
  it("a known false decides &&, a known true decides ||", () => {
    fc.assert(
      fc.property(fc.constantFrom<V.Value>(V.True, V.False, u, s("true")), (x) => {
        expect(fmt(Ops.binary("&&", V.False, x))).toBe("false")
        expect(fmt(Ops.binary("||", x, V.True))).toBe("true")
      })
    )
  })
})
