/**
 * Terraform's operators on values: arithmetic and comparisons (operands converted to number),
 * logic (operands converted to bool, with short-circuiting unknowns) and equality (never
 * converts; structural, with unknowns).
 *
 * @since 0.1.0
 */
import type { BinaryOperator } from "./Ast.js"
import { ConversionFailure, convertValue } from "./Convert.js"
import * as N from "./Number.js"
import * as T from "./Type.js"
import * as V from "./Value.js"

/**
 * One problem found while applying an operator: HCL's summary and detail.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationProblem {
  readonly summary: string
  readonly detail: string
}

/**
 * A failed operation (one problem per unsuitable operand, or the operation's own failure).
 *
 * @since 0.1.0
 * @category errors
 */
export class OperationError {
  readonly _tag = "OperationError"
  constructor(readonly problems: ReadonlyArray<OperationProblem>) {}
}

const UnknownBool = V.unknownOf(T.bool)
const UnknownNumber = V.unknownOf(T.number)

const nullOperand = new OperationError([{
  summary: "Operation failed",
  detail: "Error during operation: argument must not be null."
}])

/**
 * The result type of an operator (`number` for arithmetic, `bool` otherwise): the type of the
 * unknown an operation gives when an operand failed.
 *
 * @since 0.1.0
 * @category utils
 */
export const resultType = (operator: BinaryOperator | "!" | "-"): T.Type => {
  switch (operator) {
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return T.number
    default:
      return T.bool
  }
}

// -----------------------------------------------------------------------------------------------
// equality

/** `true` when type `t` conforms to `pattern` (`any` in the pattern accepts everything). */
const conforms = (t: T.Type, pattern: T.Type): boolean => {
  if (pattern._tag === "Dynamic") return true
  if (t._tag !== pattern._tag) return false
  switch (pattern._tag) {
    case "List":
    case "Set":
    case "Map":
      return conforms((t as T.ListType).element, pattern.element)
    case "Tuple": {
      const te = (t as T.TupleType).elements
      return te.length === pattern.elements.length && te.every((e, i) => conforms(e, pattern.elements[i]!))
    }
    case "Object": {
      const ta = (t as T.ObjectType).attributes
      if (ta.size !== pattern.attributes.size) return false
      for (const [k, p] of pattern.attributes) {
        const u = ta.get(k)
        if (u === undefined || !conforms(u, p)) return false
      }
      return true
    }
    default:
      return true
  }
}

/** Structural equality of two known, non-null values of the same type; `undefined` = unknown. */
const sameTypeEquals = (a: V.Value, b: V.Value): boolean | undefined => {
  if (a._tag === "Unknown" || b._tag === "Unknown") return undefined
  if (a._tag === "Null" || b._tag === "Null") return a._tag === b._tag
  switch (a._tag) {
    case "String":
      return a.value === (b as V.StringValue).value
    case "Number":
      return N.equals(a.value, (b as V.NumberValue).value)
    case "Bool":
      return a.value === (b as V.BoolValue).value
    case "List":
    case "Tuple": {
      const be = (b as V.ListValue).elements
      if (a.elements.length !== be.length) return false
      for (let i = 0; i < be.length; i++) {
        const r = sameTypeEquals(a.elements[i]!, be[i]!)
        if (r === undefined) return undefined
        if (!r) return false
      }
      return true
    }
    case "Set": {
      const be = (b as V.SetValue).elements
      if (a.elements.some((e) => !V.isWhollyKnown(e)) || be.some((e) => !V.isWhollyKnown(e))) return undefined
      const inOther = (x: V.Value, ys: ReadonlyArray<V.Value>) => ys.some((y) => V.rawEquals(x, y))
      return a.elements.every((x) => inOther(x, be)) && be.every((y) => inOther(y, a.elements))
    }
    case "Map":
    case "Object": {
      const ae = a._tag === "Map" ? a.entries : a.attributes
      const be = b._tag === "Map" ? b.entries : (b as V.ObjectValue).attributes
      if (ae.size !== be.size) return false
      for (const [k, x] of ae) {
        const y = be.get(k)
        if (y === undefined) return false
        const r = sameTypeEquals(x, y)
        if (r === undefined) return undefined
        if (!r) return false
      }
      return true
    }
  }
}

/**
 * The `==` operator (cty `Equals`): no conversion (`"5" == 5` is false), nulls of any type are
 * equal, unknown operands give an unknown bool unless the types alone decide.
 *
 * @since 0.1.0
 * @category utils
 */
export const equals = (a: V.Value, b: V.Value): V.Value => {
  // fast path: primitives
  if (a._tag === "String" || a._tag === "Number" || a._tag === "Bool") {
    if (b._tag === a._tag) return V.bool(sameTypeEquals(a, b)!)
    if (b._tag === "String" || b._tag === "Number" || b._tag === "Bool" || b._tag === "Null") return V.False
  }
  const aKnown = a._tag !== "Unknown"
  const bKnown = b._tag !== "Unknown"
  if (!aKnown && !bKnown) return UnknownBool
  if (aKnown !== bKnown) {
    const known = aKnown ? a : b
    const unknown = (aKnown ? b : a) as V.UnknownValue
    if (known._tag === "Null" || T.hasDynamic(unknown.type)) return UnknownBool
    if (!T.equals(V.typeOf(known), unknown.type)) return V.False
    return UnknownBool
  }
  if (a._tag === "Null" && b._tag === "Null") return V.True
  if (a._tag === "Null" || b._tag === "Null") return V.False
  const ta = V.typeOf(a)
  const tb = V.typeOf(b)
  if (T.hasDynamic(ta) || T.hasDynamic(tb)) {
    if (!conforms(ta, tb) && !conforms(tb, ta)) return V.False
    return UnknownBool
  }
  if (!T.equals(ta, tb)) return V.False
  const r = sameTypeEquals(a, b)
  return r === undefined ? UnknownBool : V.bool(r)
}

// -----------------------------------------------------------------------------------------------
// binary operators

const operandProblem = (side: string, failure: ConversionFailure): OperationProblem => ({
  summary: "Invalid operand",
  detail: `Unsuitable value for ${side} operand: ${failure.message}.`
})

const convertOperands = (
  left: V.Value,
  right: V.Value,
  type: T.Type
): readonly [V.Value, V.Value] | OperationError => {
  const l = convertValue(left, type)
  const r = convertValue(right, type)
  if (l instanceof ConversionFailure || r instanceof ConversionFailure) {
    const problems: Array<OperationProblem> = []
    if (l instanceof ConversionFailure) problems.push(operandProblem("left", l))
    if (r instanceof ConversionFailure) problems.push(operandProblem("right", r))
    return new OperationError(problems)
  }
  if (l._tag === "Null" || r._tag === "Null") return nullOperand
  return [l, r]
}

const operationFailed = (message: string): OperationError =>
  new OperationError([{ summary: "Operation failed", detail: `Error during operation: ${message}.` }])

const arithmetic = (operator: "+" | "-" | "*" | "/" | "%", left: V.Value, right: V.Value): V.Value | OperationError => {
  const operands = convertOperands(left, right, T.number)
  if (operands instanceof OperationError) return operands
  const [l, r] = operands
  if (l._tag !== "Number" || r._tag !== "Number") return UnknownNumber
  const a = l.value
  const b = r.value
  const infinite = N.isInfinite(a) || N.isInfinite(b)
  switch (operator) {
    case "+":
      if (infinite && N.isInfinite(a) && N.isInfinite(b) && N.sign(a) !== N.sign(b)) {
        return operationFailed("can't compute sum of opposing infinities")
      }
      return V.number(N.add(a, b))
    case "-":
      if (infinite && N.isInfinite(a) && N.isInfinite(b) && N.sign(a) === N.sign(b)) {
        return operationFailed("can't subtract infinity from itself")
      }
      return V.number(N.subtract(a, b))
    case "*":
      if (infinite && (N.sign(a) === 0 || N.sign(b) === 0)) return operationFailed("can't multiply zero by infinity")
      return V.number(N.multiply(a, b))
    case "/": {
      // as cty (big.Float): x / 0 is ±Inf; 0 / 0 and Inf / Inf have no value
      if (N.sign(b) === 0) {
        if (N.sign(a) === 0) return operationFailed("can't divide zero by zero or infinity by infinity")
        return V.number(N.isSignNegative(a) !== N.isSignNegative(b) ? N.negativeInfinity : N.positiveInfinity)
      }
      const q = N.divide(a, b)
      return q === undefined
        ? operationFailed("can't divide zero by zero or infinity by infinity")
        : V.number(q)
    }
    case "%": {
      // cty: infinities multiply, a remainder by zero is the dividend itself
      if (infinite) return V.number(N.multiply(a, b))
      if (N.sign(b) === 0) return l
      const m = N.modulo(a, b)
      return m === undefined ? l : V.number(m)
    }
  }
}

const comparison = (operator: "<" | ">" | "<=" | ">=", left: V.Value, right: V.Value): V.Value | OperationError => {
  const operands = convertOperands(left, right, T.number)
  if (operands instanceof OperationError) return operands
  const [l, r] = operands
  if (l._tag !== "Number" || r._tag !== "Number") return UnknownBool
  const c = N.compare(l.value, r.value)
  switch (operator) {
    case "<":
      return V.bool(c < 0)
    case ">":
      return V.bool(c > 0)
    case "<=":
      return V.bool(c <= 0)
    case ">=":
      return V.bool(c >= 0)
  }
}

const logic = (operator: "&&" | "||", left: V.Value, right: V.Value): V.Value | OperationError => {
  const operands = convertOperands(left, right, T.bool)
  if (operands instanceof OperationError) return operands
  const [l, r] = operands
  const decisive = operator === "&&" ? false : true
  if ((l._tag === "Bool" && l.value === decisive) || (r._tag === "Bool" && r.value === decisive)) {
    return V.bool(decisive)
  }
  if (l._tag !== "Bool" || r._tag !== "Bool") return UnknownBool
  return V.bool(!decisive)
}

/**
 * Apply a binary operator.
 *
 * @since 0.1.0
 * @category utils
 */
export const binary = (operator: BinaryOperator, left: V.Value, right: V.Value): V.Value | OperationError => {
  switch (operator) {
    case "==":
      return equals(left, right)
    case "!=": {
      const r = equals(left, right)
      return r._tag === "Bool" ? V.bool(!r.value) : r
    }
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return arithmetic(operator, left, right)
    case "<":
    case ">":
    case "<=":
    case ">=":
      return comparison(operator, left, right)
    case "&&":
    case "||":
      return logic(operator, left, right)
  }
}

/**
 * Apply a unary operator: `!` (bool) or `-` (number).
 *
 * @since 0.1.0
 * @category utils
 */
export const unary = (operator: "!" | "-", operand: V.Value): V.Value | OperationError => {
  const type = operator === "!" ? T.bool : T.number
  const v = convertValue(operand, type)
  if (v instanceof ConversionFailure) {
    return new OperationError([{
      summary: "Invalid operand",
      detail: `Unsuitable value for unary operand: ${v.message}.`
    }])
  }
  if (v._tag === "Null") return nullOperand
  if (v._tag === "Bool") return V.bool(!v.value)
  if (v._tag === "Number") return V.number(N.negate(v.value))
  return V.unknownOf(type)
}
