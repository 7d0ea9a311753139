/**
 * JSON and Terraform values: values decoded from JSON elsewhere (plan JSON, tfvars.json),
 * `jsondecode` (an exact reader that keeps number texts, as cty's decoder does) and
 * `jsonencode` (compact, sorted keys, HTML-safe escapes, exact decimal numbers).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as N from "./Number.js"
import * as V from "./Value.js"

const nonAscii = /[^\u0000-\u007f]/
const nfc = (s: string): string => (nonAscii.test(s) ? s.normalize("NFC") : s)

/**
 * A value from already-decoded JSON (`JSON.parse` output): arrays become tuples, objects
 * objects, numbers exact from their shortest decimal text, `null` the untyped null.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromJson = (json: unknown): V.Value => {
  switch (typeof json) {
    case "string":
      return V.string(nfc(json))
    case "number": {
      const n = N.parse(String(json))
      return n === undefined ? V.numberFromJs(json) : V.number(n)
    }
    case "bigint":
      return V.number(N.fromBigInt(json))
    case "boolean":
      return V.bool(json)
    case "object":
      if (json === null) return V.Null
      if (Array.isArray(json)) return V.tuple(json.map(fromJson))
      return V.object(Object.entries(json as Record<string, unknown>).map(([k, v]) => [nfc(k), fromJson(v)] as const))
    default:
      return V.Null
  }
}

// -----------------------------------------------------------------------------------------------
// reading (jsondecode)

class JsonSyntaxError {
  constructor(readonly message: string) {}
}

/** Go's `quoteChar` for `invalid character` messages. */
const quoteChar = (c: string): string => {
  if (c === "'") return `'\\''`
  if (c === "\"") return `'"'`
  const q = JSON.stringify(c)
  return `'${q.slice(1, -1)}'`
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d

class Reader {
  i = 0
  depth = 0
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new JsonSyntaxError(message)
  }

  skipSpace(): void {
    const t = this.text
    while (this.i < t.length && isSpace(t.charCodeAt(this.i))) this.i++
  }

  /** An invalid character where a token was expected (`EOF` at the end of the text). */
  invalid(context: string): never {
    if (this.i >= this.text.length) this.fail("EOF")
    const c = String.fromCodePoint(this.text.codePointAt(this.i)!)
    this.fail(`invalid character ${quoteChar(c)}${context === "" ? "" : " " + context}`)
  }

  /** An invalid character inside a literal, string or number (`unexpected EOF` at the end). */
  invalidInValue(context: string): never {
    if (this.i >= this.text.length) this.fail("unexpected EOF")
    const c = String.fromCodePoint(this.text.codePointAt(this.i)!)
    this.fail(`invalid character ${quoteChar(c)} ${context}`)
  }

  value(): V.Value {
    this.skipSpace()
    if (this.i >= this.text.length) this.fail("EOF")
    const c = this.text.charCodeAt(this.i)
    switch (c) {
      case 0x7b: // {
        return this.object()
      case 0x5b: // [
        return this.array()
      case 0x22: // "
        return V.string(nfc(this.string()))
      case 0x74: // t
        this.literal("true")
        return V.True
      case 0x66: // f
        this.literal("false")
        return V.False
      case 0x6e: // n
        this.literal("null")
        return V.Null
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number()
        return this.invalid("looking for beginning of value")
    }
  }

  literal(word: string): void {
    for (let k = 0; k < word.length; k++) {
      if (this.i >= this.text.length) this.fail("unexpected EOF")
      if (this.text[this.i] !== word[k]) {
        this.invalidInValue(`in literal ${word} (expecting ${quoteChar(word[k]!)})`)
      }
      this.i++
    }
  }

  number(): V.Value {
    const t = this.text
    const start = this.i
    const digit = (): boolean => {
      const c = t.charCodeAt(this.i)
      return c >= 0x30 && c <= 0x39
    }
    if (t[this.i] === "-") {
      this.i++
      if (this.i >= t.length) this.fail("unexpected EOF")
      if (!digit()) this.invalidInValue("in numeric literal")
    }
    if (t[this.i] === "0") this.i++
    else while (this.i < t.length && digit()) this.i++
    if (t[this.i] === ".") {
      this.i++
      if (this.i >= t.length) this.fail("unexpected EOF")
      if (!digit()) this.invalidInValue("after decimal point in numeric literal")
      while (this.i < t.length && digit()) this.i++
    }
    if (t[this.i] === "e" || t[this.i] === "E") {
      this.i++
      if (t[this.i] === "+" || t[this.i] === "-") this.i++
      if (this.i >= t.length) this.fail("unexpected EOF")
      if (!digit()) this.invalidInValue("in exponent of numeric literal")
      while (this.i < t.length && digit()) this.i++
    }
    const n = N.parse(t.slice(start, this.i))
    if (n === undefined) this.fail(`invalid number ${t.slice(start, this.i)}`)
    return V.number(n)
  }

  string(): string {
    const t = this.text
    this.i++ // opening quote
    let out = ""
    let run = this.i
    while (true) {
      if (this.i >= t.length) this.fail("unexpected EOF")
      const c = t.charCodeAt(this.i)
      if (c === 0x22) {
        out += t.slice(run, this.i)
        this.i++
        return out
      }
      if (c < 0x20) this.invalidInValue("in string literal")
      if (c === 0x5c) {
        out += t.slice(run, this.i)
        this.i++
        if (this.i >= t.length) this.fail("unexpected EOF")
        const e = t[this.i]!
        switch (e) {
          case "\"":
          case "\\":
          case "/":
            out += e
            break
          case "b":
            out += "\b"
            break
          case "f":
            out += "\f"
            break
          case "n":
            out += "\n"
            break
          case "r":
            out += "\r"
            break
          case "t":
            out += "\t"
            break
          case "u": {
            const unit = (at: number): number => {
              const hex = t.slice(at, at + 4)
              if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
                this.i = at + Math.max(0, [...hex].findIndex((h) => !/[0-9a-fA-F]/.test(h)))
                if (this.i >= t.length) this.fail("unexpected EOF")
                this.invalidInValue("in \\u hexadecimal character escape")
              }
              return parseInt(hex, 16)
            }
            const u = unit(this.i + 1)
            this.i += 4
            if (u >= 0xd800 && u <= 0xdbff && t[this.i + 1] === "\\" && t[this.i + 2] === "u") {
              const low = unit(this.i + 3)
              if (low >= 0xdc00 && low <= 0xdfff) {
                out += String.fromCharCode(u, low)
                this.i += 6
                break
              }
            }
            out += u >= 0xd800 && u <= 0xdfff ? "\ufffd" : String.fromCharCode(u)
            break
          }
          default:
            this.invalidInValue("in string escape code")
        }
        this.i++
        run = this.i
        continue
      }
      this.i++
    }
  }

  enter(): void {
    if (++this.depth > 10000) this.fail("exceeded max depth")
  }

  object(): V.Value {
    this.enter()
    this.i++ // {
    const entries = new Map<string, V.Value>()
    this.skipSpace()
    if (this.text[this.i] === "}") {
      this.i++
      this.depth--
      return V.EmptyObject
    }
    let first = true
    while (true) {
      this.skipSpace()
      if (this.text[this.i] !== "\"") this.invalid(first ? "" : "looking for beginning of object key string")
      first = false
      const key = nfc(this.string())
      this.skipSpace()
      if (this.text[this.i] !== ":") this.invalid("after object key")
      this.i++
      const v = this.value()
      entries.delete(key)
      entries.set(key, v)
      this.skipSpace()
      const c = this.text[this.i]
      if (c === ",") {
        this.i++
        continue
      }
      if (c === "}") {
        this.i++
        this.depth--
        return V.object(entries)
      }
      this.invalid("after object key:value pair")
    }
  }

  array(): V.Value {
    this.enter()
    this.i++ // [
    const elements: Array<V.Value> = []
    this.skipSpace()
    if (this.text[this.i] === "]") {
      this.i++
      this.depth--
      return V.EmptyTuple
    }
    while (true) {
      elements.push(this.value())
      this.skipSpace()
      const c = this.text[this.i]
      if (c === ",") {
        this.i++
        continue
      }
      if (c === "]") {
        this.i++
        this.depth--
        return V.tuple(elements)
      }
      this.invalid("after array element")
    }
  }
}

/**
 * Decode JSON text as `jsondecode` does: objects become objects, arrays tuples, numbers exact,
 * `null` the untyped null. `Left` is Go's decoder message.
 *
 * @since 0.1.0
 * @category codecs
 */
export const decode = (text: string): Either.Either<V.Value, string> => {
  const r = new Reader(text)
  try {
    const v = r.value()
    r.skipSpace()
    // as Go's `Decoder.More`: a closing bracket does not count as more data
    const next = text[r.i]
    if (r.i < text.length && next !== "]" && next !== "}") return Either.left("extraneous data after JSON object")
    return Either.right(v)
  } catch (e) {
    if (e instanceof JsonSyntaxError) return Either.left(e.message)
    return Either.left(e instanceof Error ? e.message : "invalid JSON")
  }
}

// -----------------------------------------------------------------------------------------------
// writing (jsonencode)

const hex = "0123456789abcdef"

/**
 * A JSON string as Go's encoder writes it (HTML-safe: `<`, `>`, `&`, U+2028 and U+2029
 * escaped).
 *
 * @since 0.1.0
 * @category utils
 */
export const quoteString = (s: string): string => {
  let out = "\""
  let run = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let escape: string | undefined
    if (c < 0x20) {
      switch (c) {
        case 0x0a:
          escape = "\\n"
          break
        case 0x0d:
          escape = "\\r"
          break
        case 0x09:
          escape = "\\t"
          break
        case 0x08:
          escape = "\\b"
          break
        case 0x0c:
          escape = "\\f"
          break
        default:
          escape = `\\u00${hex[c >> 4]}${hex[c & 15]}`
      }
    } else if (c === 0x22) escape = "\\\""
    else if (c === 0x5c) escape = "\\\\"
    else if (c === 0x3c) escape = "\\u003c"
    else if (c === 0x3e) escape = "\\u003e"
    else if (c === 0x26) escape = "\\u0026"
    else if (c === 0x2028) escape = "\\u2028"
    else if (c === 0x2029) escape = "\\u2029"
    else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1)
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
      escape = "\ufffd"
    }
    if (escape !== undefined) {
      out += s.slice(run, i) + escape
      run = i + 1
    }
  }
  return out + s.slice(run) + "\""
}

class NotKnown {
  constructor(readonly message: string) {}
}

const write = (v: V.Value, parts: Array<string>): void => {
  switch (v._tag) {
    case "Null":
      parts.push("null")
      return
    case "Unknown":
      throw new NotKnown("value is not known")
    case "String":
      parts.push(quoteString(v.value))
      return
    case "Number":
      if (N.isInfinite(v.value)) throw new NotKnown("cannot serialize infinity as JSON")
      parts.push(N.toString(v.value))
      return
    case "Bool":
      parts.push(v.value ? "true" : "false")
      return
    case "List":
    case "Set":
    case "Tuple": {
      parts.push("[")
      v.elements.forEach((e, i) => {
        if (i > 0) parts.push(",")
        write(e, parts)
      })
      parts.push("]")
      return
    }
    case "Map":
    case "Object": {
      parts.push("{")
      let first = true
      for (const [k, e] of v._tag === "Map" ? v.entries : v.attributes) {
        if (!first) parts.push(",")
        first = false
        parts.push(quoteString(k), ":")
        write(e, parts)
      }
      parts.push("}")
      return
    }
  }
}

/**
 * Encode a value as `jsonencode` does: compact, keys in lexical order, `<` `>` `&` escaped,
 * numbers as exact decimals, sets as arrays. An unknown anywhere is a `Left`.
 *
 * @since 0.1.0
 * @category codecs
 */
export const encode = (value: V.Value): Either.Either<string, string> => {
  const parts: Array<string> = []
  try {
    write(value, parts)
  } catch (e) {
    if (e instanceof NotKnown) return Either.left(e.message)
    return Either.left(e instanceof Error ? e.message : "cannot encode value")
  }
  return Either.right(parts.join(""))
}

/**
 * A JavaScript view of a known value for JSON output (`JSON.stringify`-able): numbers as JS
 * numbers, sets as arrays, maps and objects as plain objects. An unknown is a `Left`.
 *
 * @since 0.1.0
 * @category utils
 */
export const toJson = (value: V.Value): Either.Either<unknown, string> => {
  const go = (v: V.Value): unknown => {
    switch (v._tag) {
      case "Null":
        return null
      case "Unknown":
        throw new NotKnown("value is not known")
      case "String":
      case "Bool":
        return v.value
      case "Number":
        return N.toNumber(v.value)
      case "List":
      case "Set":
      case "Tuple":
        return v.elements.map(go)
      case "Map":
      case "Object": {
        const out: Record<string, unknown> = {}
        for (const [k, e] of v._tag === "Map" ? v.entries : v.attributes) {
          Object.defineProperty(out, k, { value: go(e), enumerable: true, writable: true, configurable: true })
        }
        return out
      }
    }
  }
  try {
    return Either.right(go(value))
  } catch (e) {
    return Either.left(e instanceof NotKnown ? e.message : e instanceof Error ? e.message : "cannot convert value")
  }
}
