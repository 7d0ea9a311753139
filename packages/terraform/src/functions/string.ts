/**
 * Terraform's string functions (`chomp`, `format`, `regex`, `replace`, `substr`, ...) with the
 * semantics of go-cty's standard library and Terraform's own additions: grapheme-cluster
 * counting, Go's simple case mapping, RE2 patterns, Go `fmt`-style verbs.
 *
 * @since 0.1.0
 * @internal
 */
import type { FunctionDefinition, Parameter } from "../FunctionDefinition.js"
import { FunctionError } from "../FunctionDefinition.js"
import { goQuote, goQuoteRune } from "../GoQuote.js"
import {
  maxResultLength,
  numberOf,
  resultTooLong,
  stringOf,
  toGoInt,
  total,
  wholeNumberMessage
} from "../internal/functionSupport.js"
import { jsonString, marshalJson } from "../internal/goJson.js"
import { graphemeCount, graphemes } from "../internal/graphemes.js"
import * as Re2 from "../internal/re2.js"
import * as N from "../Number.js"
import * as T from "../Type.js"
import type { Value } from "../Value.js"
import * as V from "../Value.js"

// ---------------------------------------------------------------------------------------------
// Go's simple case mapping (strings.ToLower / ToUpper / Title)
// ---------------------------------------------------------------------------------------------

const ascii = /^[\x00-\x7f]*$/

const singleCodePoint = (s: string): number | undefined => {
  const cp = s.codePointAt(0)
  return cp !== undefined && String.fromCodePoint(cp).length === s.length ? cp : undefined
}

const lowerRune = (cp: number): number => {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 32 : cp
  if (cp === 0x130) return 0x69
  return singleCodePoint(String.fromCodePoint(cp).toLowerCase()) ?? cp
}

const upperRune = (cp: number): number => {
  if (cp < 0x80) return cp >= 0x61 && cp <= 0x7a ? cp - 32 : cp
  const mapped = singleCodePoint(String.fromCodePoint(cp).toUpperCase())
  if (mapped !== undefined) return mapped
  // Greek letters with ypogegrammeni: the full mapping has two characters, the simple
  // mapping is the titlecase letter.
  if ((cp >= 0x1f80 && cp <= 0x1f87) || (cp >= 0x1f90 && cp <= 0x1f97) || (cp >= 0x1fa0 && cp <= 0x1fa7)) {
    return cp + 8
  }
  if (cp === 0x1fb3 || cp === 0x1fc3 || cp === 0x1ff3) return cp + 9
  return cp
}

const titleRune = (cp: number): number => {
  if (cp >= 0x1c4 && cp <= 0x1c6) return 0x1c5
  if (cp >= 0x1c7 && cp <= 0x1c9) return 0x1c8
  if (cp >= 0x1ca && cp <= 0x1cc) return 0x1cb
  if (cp >= 0x1f1 && cp <= 0x1f3) return 0x1f2
  if ((cp >= 0x10d0 && cp <= 0x10fa) || (cp >= 0x10fd && cp <= 0x10ff)) return cp
  return upperRune(cp)
}

const mapRunes = (s: string, f: (cp: number) => number): string => {
  let out = ""
  for (const ch of s) out += String.fromCodePoint(f(ch.codePointAt(0)!))
  return out
}

const toLower = (s: string): string => (ascii.test(s) ? s.toLowerCase() : mapRunes(s, lowerRune))
const toUpper = (s: string): string => (ascii.test(s) ? s.toUpperCase() : mapRunes(s, upperRune))

const letterOrDigit = /^[\p{L}\p{Nd}]$/u
const whiteSpace = /^\p{White_Space}$/u

const isTitleSeparator = (cp: number): boolean => {
  if (cp <= 0x7f) {
    return !((cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f)
  }
  const ch = String.fromCodePoint(cp)
  if (letterOrDigit.test(ch)) return false
  return whiteSpace.test(ch)
}

const toTitle = (s: string): string => {
  let out = ""
  let prev = 0x20
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    out += isTitleSeparator(prev) ? String.fromCodePoint(titleRune(cp)) : ch
    prev = cp
  }
  return out
}

const isSpaceChar = (ch: string): boolean => {
  const c = ch.charCodeAt(0)
  if (c < 0x80) return c === 0x20 || (c >= 0x09 && c <= 0x0d)
  return whiteSpace.test(ch)
}

const trimSpace = (s: string): string => {
  const chars = Array.from(s)
  let start = 0
  let end = chars.length
  while (start < end && isSpaceChar(chars[start]!)) start++
  while (end > start && isSpaceChar(chars[end - 1]!)) end--
  return start === 0 && end === chars.length ? s : chars.slice(start, end).join("")
}

const trimCutset = (s: string, cutset: string): string => {
  if (s === "" || cutset === "") return s
  const cut = new Set(Array.from(cutset))
  const chars = Array.from(s)
  let start = 0
  let end = chars.length
  while (start < end && cut.has(chars[start]!)) start++
  while (end > start && cut.has(chars[end - 1]!)) end--
  return chars.slice(start, end).join("")
}

// ---------------------------------------------------------------------------------------------
// format / formatlist: go-cty's format verbs
// ---------------------------------------------------------------------------------------------

interface Verb {
  argNum: number
  sharp: boolean
  zero: boolean
  minus: boolean
  plus: boolean
  space: boolean
  width: number
  prec: number
  mode: string
  raw: string
  offset: number
}

/** A decimal `0.mant × 10^exp`, `mant` without leading or trailing zeros (`""` for zero). */
interface Decimal {
  readonly mant: string
  readonly exp: number
}

const decimalOf = (text: string): Decimal => {
  const dot = text.indexOf(".")
  const intPart = dot < 0 ? text : text.slice(0, dot)
  const fracPart = dot < 0 ? "" : text.slice(dot + 1)
  let mant = intPart + fracPart
  let exp = intPart.length
  let lead = 0
  while (lead < mant.length && mant[lead] === "0") lead++
  mant = mant.slice(lead)
  exp -= lead
  let end = mant.length
  while (end > 0 && mant[end - 1] === "0") end--
  mant = mant.slice(0, end)
  return mant === "" ? { mant: "", exp: 0 } : { mant, exp }
}

const trimDecimal = (mant: string, exp: number): Decimal => {
  let end = mant.length
  while (end > 0 && mant[end - 1] === "0") end--
  return end === 0 ? { mant: "", exp: 0 } : { mant: mant.slice(0, end), exp }
}

/** Go's `decimal.round(n)`: keep `n` digits, rounding half to even. */
/**
 * The exact decimal expansion of a finite number's magnitude, for rounding at a requested
 * precision as Go does (ties are real ties only when the binary value is exactly halfway).
 * `N.exactKey` spells a number as a safe integer or as `<hex mantissa>p<binary exponent>`; any
 * other spelling falls back to the shortest decimal.
 */
const exactDecimalOf = (n: N.TfNumber): Decimal => {
  const key = N.exactKey(n)
  const parts = /^-?([0-9a-f]+)p(-?[0-9]+)$/.exec(key)
  if (parts !== null) {
    const mantissa = BigInt("0x" + parts[1]!)
    const exp = Number(parts[2]!)
    if (exp >= 0) return decimalOf((mantissa << BigInt(exp)).toString())
    const digits = (mantissa * 5n ** BigInt(-exp)).toString()
    return trimDecimal(digits, digits.length + exp)
  }
  if (/^-?[0-9]+$/.test(key)) return decimalOf(key.replace("-", ""))
  return decimalOf(N.toString(n).replace("-", ""))
}

const roundDecimal = (d: Decimal, n: number): Decimal => {
  if (n < 0 || n >= d.mant.length) return d
  const digit = d.mant[n]!
  const up = digit === "5" && n + 1 === d.mant.length ?
    n > 0 && (d.mant.charCodeAt(n - 1) - 48) % 2 === 1 :
    digit >= "5"
  if (!up) return trimDecimal(d.mant.slice(0, n), d.exp)
  let i = n
  while (i > 0 && d.mant[i - 1] === "9") i--
  if (i === 0) return { mant: "1", exp: d.exp + 1 }
  return { mant: d.mant.slice(0, i - 1) + String.fromCharCode(d.mant.charCodeAt(i - 1) + 1), exp: d.exp }
}

const digitAt = (d: Decimal, i: number): string => (i >= 0 && i < d.mant.length ? d.mant[i]! : "0")

const fmtE = (prec: number, d: Decimal, e: string): string => {
  let out = d.mant.length > 0 ? d.mant[0]! : "0"
  if (prec > 0) {
    out += "."
    const m = Math.min(d.mant.length, prec + 1)
    let i = 1
    if (i < m) {
      out += d.mant.slice(i, m)
      i = m
    }
    if (i <= prec) out += "0".repeat(prec - i + 1)
  }
  let exp = d.mant.length > 0 ? d.exp - 1 : 0
  const sign = exp < 0 ? "-" : "+"
  exp = Math.abs(exp)
  return out + e + sign + (exp < 10 ? "0" : "") + String(exp)
}

const fmtF = (prec: number, d: Decimal): string => {
  let out: string
  if (d.exp > 0) {
    const m = Math.min(d.mant.length, d.exp)
    out = d.mant.slice(0, m) + "0".repeat(d.exp - m)
  } else {
    out = "0"
  }
  if (prec > 0) {
    out += "."
    for (let i = 0; i < prec; i++) out += digitAt(d, d.exp + i)
  }
  return out
}

/** Go's `big.Float.Append` for `e E f g G` (without the sign); `prec < 0` is "shortest". */
const floatText = (d0: Decimal, fmt: string, prec0: number): string => {
  let d = d0
  let prec = prec0
  const shortest = prec < 0
  if (shortest) {
    if (fmt === "e" || fmt === "E") prec = d.mant.length - 1
    else if (fmt === "f") prec = Math.max(d.mant.length - d.exp, 0)
    else prec = d.mant.length
  } else if (fmt === "e" || fmt === "E") {
    d = roundDecimal(d, 1 + prec)
  } else if (fmt === "f") {
    d = roundDecimal(d, d.exp + prec)
  } else {
    if (prec === 0) prec = 1
    d = roundDecimal(d, prec)
  }
  if (fmt === "e" || fmt === "E") return fmtE(prec, d, fmt)
  if (fmt === "f") return fmtF(prec, d)
  let eprec = prec
  if (eprec > d.mant.length && d.mant.length >= d.exp) eprec = d.mant.length
  if (shortest) eprec = 6
  const exp = d.exp - 1
  if (exp < -4 || exp >= eprec) {
    if (prec > d.mant.length) prec = d.mant.length
    return fmtE(prec - 1, d, fmt === "g" ? "e" : "E")
  }
  if (prec > d.exp) prec = d.mant.length
  return fmtF(Math.max(prec - d.exp, 0), d)
}

/** `bf.Text('g', -1)`: how `%v` prints a number. */
const numberShortest = (n: N.TfNumber): string => {
  if (N.isInfinite(n)) return N.sign(n) < 0 ? "-Inf" : "+Inf"
  const text = N.toString(n)
  const negative = text.startsWith("-")
  const body = floatText(decimalOf(negative ? text.slice(1) : text), "g", -1)
  return negative ? "-" + body : body
}

/** Go's fmt width/precision limit: larger numbers are not taken as a width or precision. */
const fmtNumberLimit = 1e6

/** `fmt.Sprintf(verb, *big.Float)`. */
const formatFloatVerb = (verb: Verb, n: N.TfNumber): string => {
  let prec = verb.prec
  if (prec > fmtNumberLimit) prec = 0
  const infinite = N.isInfinite(n)
  const negative = N.isSignNegative(n)
  const fmt = verb.mode
  const effectivePrec = prec >= 0 ? prec : (fmt === "g" || fmt === "G" ? -1 : 6)
  // With a precision, round the exact expansion (cheap from the binary value); shortest
  // formatting needs the shortest decimal.
  const digits = infinite ?
    undefined :
    effectivePrec >= 0 ?
    exactDecimalOf(n) :
    decimalOf(N.toString(N.abs(n)))
  let body = digits === undefined ? "Inf" : floatText(digits, fmt, effectivePrec)
  let sign = ""
  if (negative) sign = "-"
  else if (infinite) sign = verb.space ? " " : "+"
  else if (verb.plus) sign = "+"
  else if (verb.space) sign = " "
  const width = verb.width > fmtNumberLimit ? -1 : verb.width
  const padding = width > sign.length + body.length ? width - sign.length - body.length : 0
  const zero = verb.zero && !verb.minus
  if (zero && !infinite) body = sign + "0".repeat(padding) + body
  else if (verb.minus) body = sign + body + " ".repeat(padding)
  else body = " ".repeat(padding) + sign + body
  return body
}

/** `fmt.Sprintf(verb, *big.Int)` for `b d o x X`. */
const formatIntegerVerb = (verb: Verb, n: bigint): string => {
  const base = verb.mode === "b" ? 2 : verb.mode === "o" ? 8 : verb.mode === "d" ? 10 : 16
  const negative = n < 0n
  let digits = (negative ? -n : n).toString(base)
  if (verb.mode === "X") digits = digits.toUpperCase()
  const sign = negative ? "-" : verb.plus ? "+" : verb.space ? " " : ""
  let prefix = ""
  if (verb.sharp) {
    prefix = verb.mode === "b"
      ? "0b"
      : verb.mode === "o"
      ? "0"
      : verb.mode === "x"
      ? "0x"
      : verb.mode === "X"
      ? "0X"
      : ""
  }
  let zeros = 0
  let prec = verb.prec
  if (prec > fmtNumberLimit) prec = 0
  const precisionSet = prec >= 0
  if (precisionSet) {
    if (digits.length < prec) zeros = prec - digits.length
    else if (digits === "0" && prec === 0) return ""
  }
  const width = verb.width > fmtNumberLimit ? -1 : verb.width
  const length = sign.length + prefix.length + zeros + digits.length
  let left = 0
  let right = 0
  if (width >= 0 && length < width) {
    const d = width - length
    if (verb.minus) right = d
    else if (verb.zero && !precisionSet) zeros = d
    else left = d
  }
  return " ".repeat(left) + sign + prefix + "0".repeat(zeros) + digits + " ".repeat(right)
}

/** go-cty's `formatPadWidth`: pad to `width` grapheme clusters. */
const padWidth = (verb: Verb, s: string): string | FunctionError => {
  if (verb.width < 0) return s
  if (verb.width > maxResultLength) return resultTooLong()
  const given = graphemeCount(s)
  if (given >= verb.width) return s
  const pad = (verb.zero ? "0" : " ").repeat(verb.width - given)
  return verb.minus ? s + pad : pad + s
}

const unsupportedValue = (verb: Verb, reason: string): FunctionError =>
  new FunctionError(`unsupported value for ${goQuote(verb.raw)} at ${verb.offset}: ${reason}`)

const toNumberForFormat = (verb: Verb, arg: Value): N.TfNumber | FunctionError => {
  if (arg._tag === "Number") return arg.value
  if (arg._tag === "String") return N.parse(arg.value) ?? unsupportedValue(verb, "a number is required")
  return unsupportedValue(verb, "number required")
}

const formatOne = (verb: Verb, args: ReadonlyArray<Value>): string | FunctionError => {
  const argIdx = verb.argNum - 1
  if (argIdx >= args.length) {
    return new FunctionError(
      `not enough arguments for ${
        goQuote(verb.raw)
      } at ${verb.offset}: need index ${verb.argNum} but have ${args.length} total`
    )
  }
  const arg = args[argIdx]!
  if (verb.mode !== "v" && arg._tag === "Null") return unsupportedValue(verb, "null value cannot be formatted")
  switch (verb.mode) {
    case "v": {
      if (!verb.sharp && arg._tag === "String") return padWidth(verb, arg.value)
      if (!verb.sharp && arg._tag === "Number") return padWidth(verb, numberShortest(arg.value))
      return padWidth(verb, marshalJson(arg))
    }
    case "t": {
      if (arg._tag === "Bool") return arg.value ? "true" : "false"
      if (arg._tag === "String") {
        if (arg.value === "true" || arg.value === "1") return "true"
        if (arg.value === "false" || arg.value === "0") return "false"
        return unsupportedValue(verb, "a bool is required")
      }
      return unsupportedValue(verb, "bool required")
    }
    case "b":
    case "d":
    case "o":
    case "x":
    case "X": {
      const n = toNumberForFormat(verb, arg)
      if (n instanceof FunctionError) return n
      const b = !N.isInfinite(n) && N.isInteger(n) ? N.toBigInt(n) : undefined
      if (b === undefined) return unsupportedValue(verb, "an integer is required")
      return formatIntegerVerb(verb, b)
    }
    case "e":
    case "E":
    case "f":
    case "g":
    case "G": {
      const n = toNumberForFormat(verb, arg)
      if (n instanceof FunctionError) return n
      return formatFloatVerb(verb, n)
    }
    case "s":
    case "q": {
      let s: string
      if (arg._tag === "String") s = arg.value
      else if (arg._tag === "Number") s = N.toString(arg.value)
      else if (arg._tag === "Bool") s = arg.value ? "true" : "false"
      else return unsupportedValue(verb, "string required")
      if (verb.prec > 0) {
        const clusters = graphemes(s)
        if (clusters.length > verb.prec) s = clusters.slice(0, verb.prec).join("")
      }
      return padWidth(verb, verb.mode === "s" ? s : jsonString(s))
    }
    default:
      return new FunctionError(
        `unsupported format verb ${goQuoteRune(verb.mode.codePointAt(0)!)} in ${
          goQuote(verb.raw)
        } at offset ${verb.offset}`
      )
  }
}

const utf8Length = (code: number): number => (code < 0x80 ? 1 : code < 0x800 ? 2 : 3)

/**
 * go-cty's `formatFSM`: scan the format string, format each verb. On failure the error carries
 * the 0-based index (in the full argument list, format first) when Terraform reports an
 * argument error.
 */
const formatWith = (format: string, args: ReadonlyArray<Value>): string | FunctionError => {
  let out = ""
  let nextArg = 1
  let highestArgIdx = 0
  let i = 0
  let b = 0
  const n = format.length
  const isDigit = (c: string | undefined) => c !== undefined && c >= "0" && c <= "9"
  const unrecognized = (at: number, byteOffset: number) =>
    new FunctionError(
      `unrecognized format character ${goQuoteRune(at < n ? format.codePointAt(at)! : 0xfffd)} at offset ${byteOffset}`
    )
  while (i < n) {
    const percent = format.indexOf("%", i)
    const stop = percent < 0 ? n : percent
    if (stop > i) {
      const chunk = format.slice(i, stop)
      out += chunk
      for (let k = 0; k < chunk.length; k++) {
        const c = chunk.charCodeAt(k)
        if (c >= 0xd800 && c <= 0xdbff) {
          b += 4
          k++
        } else {
          b += utf8Length(c)
        }
      }
      if (out.length > maxResultLength) return resultTooLong()
      i = stop
      if (i >= n) break
    }
    const start = i
    const startByte = b
    i++
    b++
    if (format[i] === "%") {
      out += "%"
      i++
      b++
      continue
    }
    const verb: Verb = {
      argNum: nextArg,
      sharp: false,
      zero: false,
      minus: false,
      plus: false,
      space: false,
      width: -1,
      prec: -1,
      mode: "",
      raw: "",
      offset: startByte
    }
    flags: while (i < n) {
      switch (format[i]) {
        case "0":
          verb.zero = true
          break
        case "#":
          verb.sharp = true
          break
        case "-":
          verb.minus = true
          break
        case "+":
          verb.plus = true
          break
        case " ":
          verb.space = true
          break
        default:
          break flags
      }
      i++
      b++
    }
    if (i < n && format[i]! >= "1" && format[i]! <= "9") {
      let w = 0
      while (isDigit(format[i])) {
        w = Math.min(w * 10 + (format.charCodeAt(i) - 48), Number.MAX_SAFE_INTEGER)
        i++
        b++
      }
      verb.width = w
    }
    if (format[i] === ".") {
      i++
      b++
      let p = 0
      while (isDigit(format[i])) {
        p = Math.min(p * 10 + (format.charCodeAt(i) - 48), Number.MAX_SAFE_INTEGER)
        i++
        b++
      }
      verb.prec = p
    }
    if (format[i] === "[") {
      i++
      b++
      if (!(i < n && format[i]! >= "1" && format[i]! <= "9")) return unrecognized(i, b)
      let a = 0
      while (isDigit(format[i])) {
        a = Math.min(a * 10 + (format.charCodeAt(i) - 48), Number.MAX_SAFE_INTEGER)
        i++
        b++
      }
      if (format[i] !== "]") return unrecognized(i, b)
      i++
      b++
      verb.argNum = a
    }
    const mode = format[i]
    if (mode === undefined || !((mode >= "a" && mode <= "z") || (mode >= "A" && mode <= "Z"))) {
      return unrecognized(i, b)
    }
    verb.mode = mode
    i++
    b++
    verb.raw = format.slice(start, i)
    if (verb.argNum > highestArgIdx) highestArgIdx = verb.argNum
    const piece = formatOne(verb, args)
    if (piece instanceof FunctionError) return piece
    out += piece
    if (out.length > maxResultLength) return resultTooLong()
    nextArg = verb.argNum + 1
  }
  if (highestArgIdx < args.length) {
    const firstBad = highestArgIdx + 1
    if (highestArgIdx === 0) return new FunctionError("too many arguments; no verbs in format string", firstBad)
    return new FunctionError(`too many arguments; only ${highestArgIdx} used by format string`, firstBad)
  }
  return out
}

const formatImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const rest = args.slice(1)
  if (!rest.every(V.isWhollyKnown)) return V.unknownOf(T.string)
  const result = formatWith(stringOf(args[0]), rest)
  return result instanceof FunctionError ? result : V.string(result)
}

const formatlistImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const format = stringOf(args[0])
  const rest = args.slice(1)
  const listOfString = T.list(T.string)
  if (rest.length === 0) {
    const result = formatWith(format, rest)
    return result instanceof FunctionError ? result : V.list(T.string, [V.string(result)])
  }
  let iterLen = -1
  let lenChooser = -1
  let anyUnknown = false
  const sequences: Array<ReadonlyArray<Value> | undefined> = []
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    const type = V.typeOf(arg)
    sequences.push(undefined)
    if ((type._tag === "List" || type._tag === "Set" || type._tag === "Tuple") && arg._tag !== "Null") {
      if (arg._tag === "Unknown" && type._tag !== "Tuple") {
        anyUnknown = true
        continue
      }
      const thisLen = arg._tag === "Unknown" ? (type as T.TupleType).elements.length : V.elementsOf(arg)!.length
      if (iterLen === -1) {
        iterLen = thisLen
        lenChooser = i
      } else if (thisLen !== iterLen) {
        return new FunctionError(
          `argument ${i + 1} has length ${thisLen}, which is inconsistent with argument ${
            lenChooser + 1
          } of length ${iterLen}`,
          i + 1
        )
      }
      if (arg._tag === "Unknown") {
        anyUnknown = true
        continue
      }
      sequences[i] = V.elementsOf(arg)!
    } else if (arg._tag === "Unknown" && arg.type._tag === "Dynamic") {
      anyUnknown = true
    }
  }
  if (anyUnknown) return V.unknownOf(listOfString)
  if (iterLen === 0) return V.list(T.string, [])
  if (iterLen === -1) iterLen = 1
  const results: Array<Value> = []
  let size = 0
  for (let iteration = 0; iteration < iterLen; iteration++) {
    const callArgs = rest.map((arg, i) => sequences[i]?.[iteration] ?? arg)
    if (!callArgs.every(V.isWhollyKnown)) {
      results.push(V.unknownOf(T.string))
      continue
    }
    const result = formatWith(format, callArgs)
    if (result instanceof FunctionError) {
      return new FunctionError(`error on format iteration ${iteration}: ${result.message}`)
    }
    size += result.length
    if (size > maxResultLength) return resultTooLong()
    results.push(V.string(result))
  }
  return V.list(T.string, results)
}

// ---------------------------------------------------------------------------------------------
// regex / regexall / replace
// ---------------------------------------------------------------------------------------------

type PatternShape =
  | { readonly _tag: "Whole" }
  | { readonly _tag: "Unnamed"; readonly count: number }
  | { readonly _tag: "Named"; readonly names: ReadonlyArray<string> }

const patternShape = (
  pattern: string
): { readonly compiled: Re2.CompiledPattern; readonly shape: PatternShape } | FunctionError => {
  const compiled = Re2.compile(pattern)
  if (Re2.isPatternError(compiled)) {
    return new FunctionError(`invalid regexp pattern: ${compiled.code} in ${compiled.expr}`, 0)
  }
  const names = compiled.groupNames.filter((name) => name !== "")
  const unnamed = compiled.groupNames.length - names.length
  if (unnamed > 0 && names.length > 0) {
    return new FunctionError("invalid regexp pattern: cannot mix both named and unnamed capture groups", 0)
  }
  const shape: PatternShape = unnamed > 0 ?
    { _tag: "Unnamed", count: unnamed } :
    names.length > 0 ?
    { _tag: "Named", names } :
    { _tag: "Whole" }
  return { compiled, shape }
}

const shapeType = (shape: PatternShape): T.Type => {
  switch (shape._tag) {
    case "Whole":
      return T.string
    case "Unnamed":
      return T.tuple(new Array<T.Type>(shape.count).fill(T.string))
    case "Named":
      return T.object(shape.names.map((name) => [name, T.string] as const))
  }
}

const matchValue = (
  compiled: Re2.CompiledPattern,
  shape: PatternShape,
  s: string,
  m: Re2.MatchIndexes
): Value => {
  const group = (g: number): Value => {
    const start = m[2 * g]!
    const end = m[2 * g + 1]!
    return start < 0 || end < 0 ? V.nullOf(T.string) : V.string(s.slice(start, end))
  }
  switch (shape._tag) {
    case "Whole":
      return V.string(s.slice(m[0]!, m[1]!))
    case "Unnamed": {
      const elements: Array<Value> = []
      for (let g = 1; g <= shape.count; g++) elements.push(group(g))
      return V.tuple(elements)
    }
    case "Named":
      return V.object(compiled.groupNames.map((name, i) => [name, group(i + 1)] as const))
  }
}

const patternReturnType = (args: ReadonlyArray<Value>, wrap: (t: T.Type) => T.Type): T.Type | FunctionError => {
  const pattern = args[0]
  if (pattern === undefined || pattern._tag !== "String") return T.dynamic
  const shaped = patternShape(pattern.value)
  return shaped instanceof FunctionError ? shaped : wrap(shapeType(shaped.shape))
}

const maxMatches = 1_000_000

const regexImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const shaped = patternShape(stringOf(args[0]))
  if (shaped instanceof FunctionError) return shaped
  const s = stringOf(args[1])
  const m = Re2.findFirst(shaped.compiled, s)
  if (m === undefined) return new FunctionError("pattern did not match any part of the given string")
  return matchValue(shaped.compiled, shaped.shape, s, m)
}

const regexallImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const shaped = patternShape(stringOf(args[0]))
  if (shaped instanceof FunctionError) return shaped
  const s = stringOf(args[1])
  const matches = Re2.findAll(shaped.compiled, s, maxMatches + 1)
  if (matches.length > maxMatches) {
    return new FunctionError(`more than ${maxMatches} matches, which warmpool does not allow`)
  }
  return V.list(shapeType(shaped.shape), matches.map((m) => matchValue(shaped.compiled, shaped.shape, s, m)))
}

/** Go's `strings.Replace(s, old, new, -1)`. */
const replaceLiteral = (s: string, old: string, replacement: string): string | FunctionError => {
  if (old === replacement) return s
  if (old === "") {
    const chars = Array.from(s)
    if (s.length + (chars.length + 1) * replacement.length > maxResultLength) return resultTooLong()
    return replacement + chars.map((c) => c + replacement).join("")
  }
  if (replacement.length > old.length) {
    let count = 0
    for (let at = s.indexOf(old); at >= 0; at = s.indexOf(old, at + old.length)) count++
    if (s.length + count * (replacement.length - old.length) > maxResultLength) return resultTooLong()
  }
  return s.split(old).join(replacement)
}

const replaceImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const s = stringOf(args[0])
  const substr = stringOf(args[1])
  const replacement = stringOf(args[2])
  if (substr.length > 1 && substr.startsWith("/") && substr.endsWith("/")) {
    const compiled = Re2.compile(substr.slice(1, -1))
    if (Re2.isPatternError(compiled)) return new FunctionError(compiled.message)
    const result = Re2.replaceAll(compiled, s, replacement, maxResultLength)
    return result === undefined ? resultTooLong() : V.string(result)
  }
  const result = replaceLiteral(s, substr, replacement)
  return result instanceof FunctionError ? result : V.string(result)
}

// ---------------------------------------------------------------------------------------------
// substr / strrev / split / join / indent
// ---------------------------------------------------------------------------------------------

const substrImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const s = stringOf(args[0])
  const offsetBig = toGoInt(numberOf(args[1]))
  if (offsetBig === undefined) return new FunctionError(wholeNumberMessage)
  const lengthBig = toGoInt(numberOf(args[2]))
  if (lengthBig === undefined) return new FunctionError(wholeNumberMessage)
  const clusters = graphemes(s)
  const count = clusters.length
  // Offsets and lengths beyond the string behave like the string's own bounds.
  const bound = BigInt(count) + 1n
  const clamp = (b: bigint): number => Number(b > bound ? bound : b < -bound ? -bound : b)
  let offset = clamp(offsetBig)
  const length = clamp(lengthBig)
  if (offset < 0) {
    offset += count
  } else if (length === 0) {
    return V.EmptyString
  }
  let from = 0
  if (offset > 0) {
    if (offset >= count) return V.EmptyString
    from = offset
  }
  if (length < 0) return V.string(clusters.slice(from).join(""))
  // go-cty stops after `length` clusters; a zero length (reachable with a negative offset)
  // never stops, so it takes the rest of the string.
  const to = length === 0 ? count : Math.min(count, from + length)
  return V.string(clusters.slice(from, to).join(""))
}

const splitImpl = (args: ReadonlyArray<Value>): Value => {
  const sep = stringOf(args[0])
  const s = stringOf(args[1])
  const parts = sep === "" ? Array.from(s) : s.split(sep)
  return V.list(T.string, parts.map(V.string))
}

const joinImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const sep = stringOf(args[0])
  const lists = args.slice(1)
  if (lists.length < 1) return new FunctionError("at least one list is required")
  const items: Array<string> = []
  let size = 0
  for (let li = 0; li < lists.length; li++) {
    const elements = V.elementsOf(lists[li]!)
    if (elements === undefined) throw new TypeError("expected a list argument")
    for (let ei = 0; ei < elements.length; ei++) {
      const e = elements[ei]!
      if (e._tag === "Null") {
        return new FunctionError(
          lists.length > 1 ?
            `element ${ei} of list ${li + 1} is null; cannot concatenate null values` :
            `element ${ei} is null; cannot concatenate null values`,
          li + 1
        )
      }
      if (e._tag !== "String") return V.unknownOf(T.string)
      size += e.value.length + sep.length
      if (size > maxResultLength) return resultTooLong()
      items.push(e.value)
    }
  }
  return V.string(items.join(sep))
}

const indentImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const spaces = toGoInt(numberOf(args[0]))
  if (spaces === undefined) return new FunctionError(wholeNumberMessage)
  if (spaces < 0n) return new FunctionError("panic in function implementation: strings: negative Repeat count")
  const s = stringOf(args[1])
  let newlines = 0
  for (let at = s.indexOf("\n"); at >= 0; at = s.indexOf("\n", at + 1)) newlines++
  if (newlines === 0) return V.string(s)
  if (BigInt(s.length) + BigInt(newlines) * spaces > BigInt(maxResultLength)) return resultTooLong()
  return V.string(s.replaceAll("\n", "\n" + " ".repeat(Number(spaces))))
}

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

const str = (name: string): Parameter => ({ name, type: T.string })

const stringToString = (name: string, f: (s: string) => string): FunctionDefinition =>
  total({ name, parameters: [str("str")], returnType: T.string, impl: (args) => V.string(f(stringOf(args[0]))) })

const startswith: FunctionDefinition = total({
  name: "startswith",
  parameters: [{ name: "str", type: T.string, allowUnknown: true }, str("prefix")],
  returnType: T.bool,
  impl: (args) => {
    const prefix = stringOf(args[1])
    const s = args[0]!
    if (s._tag !== "String") return prefix === "" ? V.True : V.unknownOf(T.bool)
    return V.bool(s.value.startsWith(prefix))
  }
})

/**
 * The string functions.
 *
 * @since 0.1.0
 */
export const stringFunctions: ReadonlyArray<FunctionDefinition> = [
  stringToString("chomp", (s) => s.replace(/[\r\n]+$/, "")),
  total({
    name: "endswith",
    parameters: [str("str"), str("suffix")],
    returnType: T.bool,
    impl: (args) => V.bool(stringOf(args[0]).endsWith(stringOf(args[1])))
  }),
  total({
    name: "format",
    parameters: [str("format")],
    variadic: { name: "args", type: T.dynamic, allowNull: true, allowUnknown: true },
    returnType: T.string,
    impl: formatImpl
  }),
  total({
    name: "formatlist",
    parameters: [str("format")],
    variadic: { name: "args", type: T.dynamic, allowNull: true, allowUnknown: true },
    returnType: T.list(T.string),
    impl: formatlistImpl
  }),
  total({
    name: "indent",
    parameters: [{ name: "spaces", type: T.number }, str("str")],
    returnType: T.string,
    impl: indentImpl
  }),
  total({
    name: "join",
    parameters: [str("separator")],
    variadic: { name: "lists", type: T.list(T.string) },
    returnType: T.string,
    impl: joinImpl
  }),
  stringToString("lower", toLower),
  total({
    name: "regex",
    parameters: [str("pattern"), str("string")],
    returnType: (args) => patternReturnType(args, (t) => t),
    impl: regexImpl
  }),
  total({
    name: "regexall",
    parameters: [str("pattern"), str("string")],
    returnType: (args) => patternReturnType(args, T.list),
    impl: regexallImpl
  }),
  total({
    name: "replace",
    parameters: [str("str"), str("substr"), str("replace")],
    returnType: T.string,
    impl: replaceImpl
  }),
  total({
    name: "split",
    parameters: [str("separator"), str("str")],
    returnType: T.list(T.string),
    impl: splitImpl
  }),
  startswith,
  total({
    name: "strcontains",
    parameters: [str("str"), str("substr")],
    returnType: T.bool,
    impl: (args) => V.bool(stringOf(args[0]).includes(stringOf(args[1])))
  }),
  stringToString("strrev", (s) => graphemes(s).reverse().join("")),
  total({
    name: "substr",
    parameters: [str("str"), { name: "offset", type: T.number }, { name: "length", type: T.number }],
    returnType: T.string,
    impl: substrImpl
  }),
  stringToString("title", toTitle),
  total({
    name: "trim",
    parameters: [str("str"), str("cutset")],
    returnType: T.string,
    impl: (args) => V.string(trimCutset(stringOf(args[0]), stringOf(args[1])))
  }),
  total({
    name: "trimprefix",
    parameters: [str("str"), str("prefix")],
    returnType: T.string,
    impl: (args) => {
      const s = stringOf(args[0])
      const prefix = stringOf(args[1])
      return V.string(s.startsWith(prefix) ? s.slice(prefix.length) : s)
    }
  }),
  stringToString("trimspace", trimSpace),
  total({
    name: "trimsuffix",
    parameters: [str("str"), str("suffix")],
    returnType: T.string,
    impl: (args) => {
      const s = stringOf(args[0])
      const suffix = stringOf(args[1])
      return V.string(suffix !== "" && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s)
    }
  }),
  stringToString("upper", toUpper)
]
