/**
 * Terraform's numeric functions (`abs`, `ceil`, `floor`, `log`, `max`, `min`, `parseint`, `pow`,
 * `signum`) with go-cty's semantics: exact where cty is exact, through float64 where cty goes
 * through `math.Log` / `math.Pow` (Number.ts reproduces Go's algorithms for both).
 *
 * @since 0.1.0
 * @internal
 */
import type { FunctionDefinition, Parameter } from "../FunctionDefinition.js"
import { FunctionError } from "../FunctionDefinition.js"
import { goQuote } from "../GoQuote.js"
import { numberOf, toGoInt, total, wholeNumberMessage } from "../internal/functionSupport.js"
import * as N from "../Number.js"
import * as T from "../Type.js"
import type { Value } from "../Value.js"
import * as V from "../Value.js"

const num = (name: string): Parameter => ({ name, type: T.number })

const minusOne = N.fromInteger(-1)
const plusOne = N.fromInteger(1)
const zero = N.fromInteger(0)

const doubleRange =
  "179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.000000"

/**
 * A `pow` or `log` result; `undefined` from Number.ts means Terraform fails: gocty refuses a
 * finite operand beyond the float64 range, and cty panics on a NaN result.
 */
const floatResult = (result: N.TfNumber | undefined, operands: ReadonlyArray<N.TfNumber>): Value | FunctionError => {
  if (result !== undefined) return V.number(result)
  if (operands.some((x) => !N.isInfinite(x) && !Number.isFinite(N.toNumber(x)))) {
    return new FunctionError(`value must be between -${doubleRange} and ${doubleRange}`)
  }
  return new FunctionError("panic in function implementation: Float.SetFloat64(NaN)")
}

const digitValue = (code: number, base: number): number => {
  if (code >= 0x30 && code <= 0x39) return code - 0x30
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 10
  if (code >= 0x41 && code <= 0x5a) return base <= 36 ? code - 0x41 + 10 : code - 0x41 + 36
  return 99
}

/** Go's `big.Int.SetString(s, base)` for a base in 2..62 (no prefixes, no underscores). */
const parseBigInt = (s: string, base: number): bigint | undefined => {
  let i = 0
  let negative = false
  if (s[0] === "+" || s[0] === "-") {
    negative = s[0] === "-"
    i = 1
  }
  if (i >= s.length) return undefined
  let value = 0n
  // Accumulate small chunks in a JS number to keep long inputs fast.
  let chunk = 0
  let chunkScale = 1
  for (; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i), base)
    if (d >= base) return undefined
    chunk = chunk * base + d
    chunkScale *= base
    if (chunkScale > 2 ** 40) {
      value = value * BigInt(chunkScale) + BigInt(chunk)
      chunk = 0
      chunkScale = 1
    }
  }
  if (chunkScale > 1) value = value * BigInt(chunkScale) + BigInt(chunk)
  return negative ? -value : value
}

const parseintImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const numberArg = args[0]!
  if (numberArg._tag !== "String") {
    return new FunctionError(`first argument must be a string, not ${T.friendlyName(V.typeOf(numberArg))}`, 0)
  }
  const base = toGoInt(numberOf(args[1]))
  if (base === undefined) return new FunctionError(wholeNumberMessage, 1)
  if (base < 2n || base > 62n) {
    return new FunctionError("base must be a whole number between 2 and 62 inclusive", 1)
  }
  const parsed = parseBigInt(numberArg.value, Number(base))
  if (parsed === undefined) {
    return new FunctionError(`cannot parse ${goQuote(numberArg.value)} as a base ${base} integer`, 0)
  }
  return V.number(N.fromBigInt(parsed))
}

const extremum = (name: "max" | "min"): FunctionDefinition =>
  total({
    name,
    parameters: [],
    variadic: { name: "numbers", type: T.number },
    returnType: T.number,
    impl: (args) => {
      if (args.length === 0) return new FunctionError("must pass at least one number")
      let best = args[0]!
      const want = name === "max" ? 1 : -1
      for (const arg of args) if (N.compare(numberOf(arg), numberOf(best)) === want) best = arg
      return best
    }
  })

/**
 * The numeric functions.
 *
 * @since 0.1.0
 */
export const mathFunctions: ReadonlyArray<FunctionDefinition> = [
  total({
    name: "abs",
    parameters: [num("num")],
    returnType: T.number,
    impl: (args) => V.number(N.abs(numberOf(args[0])))
  }),
  total({
    name: "ceil",
    parameters: [num("num")],
    returnType: T.number,
    impl: (args) => {
      const n = numberOf(args[0])
      return N.isInfinite(n) ? args[0]! : V.number(N.ceil(n))
    }
  }),
  total({
    name: "floor",
    parameters: [num("num")],
    returnType: T.number,
    impl: (args) => {
      const n = numberOf(args[0])
      return N.isInfinite(n) ? args[0]! : V.number(N.floor(n))
    }
  }),
  total({
    name: "log",
    parameters: [num("num"), num("base")],
    returnType: T.number,
    impl: (args) => {
      const operands = [numberOf(args[0]), numberOf(args[1])]
      return floatResult(N.tryLog(operands[0]!, operands[1]!), operands)
    }
  }),
  extremum("max"),
  extremum("min"),
  total({
    name: "parseint",
    parameters: [{ name: "number", type: T.dynamic }, num("base")],
    returnType: (args) => {
      const first = args[0]
      const type = first === undefined ? T.dynamic : V.typeOf(first)
      if (type._tag !== "Dynamic" && type._tag !== "String") {
        return new FunctionError(`first argument must be a string, not ${T.friendlyName(type)}`, 0)
      }
      return T.number
    },
    impl: parseintImpl
  }),
  total({
    name: "pow",
    parameters: [num("num"), num("power")],
    returnType: T.number,
    impl: (args) => {
      const operands = [numberOf(args[0]), numberOf(args[1])]
      return floatResult(N.tryPow(operands[0]!, operands[1]!), operands)
    }
  }),
  total({
    name: "signum",
    parameters: [num("num")],
    returnType: T.number,
    impl: (args) => {
      const n = toGoInt(numberOf(args[0]))
      if (n === undefined) return new FunctionError(wholeNumberMessage)
      return V.number(n < 0n ? minusOne : n > 0n ? plusOne : zero)
    }
  })
]
