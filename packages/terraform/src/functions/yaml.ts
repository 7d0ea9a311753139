/**
 * `yamlencode` and `yamldecode`, with go-cty-yaml semantics (YAML 1.1 scalars, objects and
 * tuples from decoding, exact numbers, output in go-yaml's block style with double-quoted
 * strings).
 *
 * @since 0.1.0
 * @internal
 */
import * as YAML from "yaml"
import { type FunctionDefinition, FunctionError } from "../FunctionDefinition.js"
import * as N from "../Number.js"
import * as T from "../Type.js"
import * as V from "../Value.js"

const UnknownString = V.unknownOf(T.string)

const nonAscii = /[^\u0000-\u007f]/
const nfc = (s: string): string => (nonAscii.test(s) ? s.normalize("NFC") : s)

// -----------------------------------------------------------------------------------------------
// YAML decoding (go-cty-yaml: YAML 1.1 scalars, objects and tuples, exact numbers)

class YamlFailure {
  constructor(readonly message: string) {}
}

const TAG = "tag:yaml.org,2002:"

const decimal = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/

const yamlBools: Record<string, boolean> = {}
for (const t of ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]) yamlBools[t] = true
for (const f of ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"]) yamlBools[f] = false

const yamlNulls = new Set(["", "~", "null", "Null", "NULL"])

const infinities: Record<string, N.TfNumber> = {
  ".inf": N.positiveInfinity,
  ".Inf": N.positiveInfinity,
  ".INF": N.positiveInfinity,
  "+.inf": N.positiveInfinity,
  "+.Inf": N.positiveInfinity,
  "+.INF": N.positiveInfinity,
  "-.inf": N.negativeInfinity,
  "-.Inf": N.negativeInfinity,
  "-.INF": N.negativeInfinity
}

const nans = new Set([".nan", ".NaN", ".NAN"])

/** A number from decimal, `0x` or `0o` text (and `0b` when `binary`). */
const parseYamlNumber = (text: string, binary: boolean): V.Value | undefined => {
  if (decimal.test(text)) {
    const n = N.parse(text)
    return n === undefined ? undefined : V.number(n)
  }
  const m = /^([-+]?)0([xXoObB])([0-9a-fA-F]+)$/.exec(text)
  if (m === null) return undefined
  const kind = m[2]!.toLowerCase()
  if (kind === "b" && !binary) return undefined
  const radix = kind === "x" ? 16 : kind === "o" ? 8 : 2
  let n = 0n
  for (const d of m[3]!) {
    const digit = parseInt(d, 16)
    if (digit >= radix) return undefined
    n = n * BigInt(radix) + BigInt(digit)
  }
  return V.number(N.fromBigInt(m[1] === "-" ? -n : n))
}

const pad2 = (n: number): string => String(n).padStart(2, "0")

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/** go-yaml's timestamp formats, as RFC 3339 text (seconds precision). */
const parseTimestamp = (s: string): string | undefined => {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/
    .exec(s)
  if (m === null) return undefined
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  const date = `${m[1]}-${pad2(month)}-${pad2(day)}`
  if (m[6] === undefined) return `${date}T00:00:00Z`
  const zone = m[10]
  if (m[4] !== undefined && zone === undefined) return undefined
  if (m[5] !== undefined && zone !== undefined) return undefined
  const [h, mi, se] = [Number(m[6]), Number(m[7]), Number(m[8])]
  if (h > 23 || mi > 59 || se > 59) return undefined
  return `${date}T${pad2(h)}:${pad2(mi)}:${pad2(se)}${zone ?? "Z"}`
}

const cannotParse = (source: string, tag: string): YamlFailure =>
  new YamlFailure(`cannot parse ${JSON.stringify(source)} as ${tag}`)

const resolveScalar = (node: YAML.Scalar): V.Value => {
  const source = typeof node.value === "string" ? node.value : typeof node.source === "string" ? node.source : ""
  const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE"
  const tag = node.tag
  if (tag === undefined || tag === "!") {
    if (quoted || node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED" || tag === "!") {
      return V.string(nfc(source))
    }
    if (source in yamlBools) return V.bool(yamlBools[source]!)
    if (yamlNulls.has(source)) return V.Null
    if (source in infinities) return V.number(infinities[source]!)
    if (nans.has(source)) throw new YamlFailure("floating point NaN is not supported")
    const c = source.charCodeAt(0)
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d) {
      const t = parseTimestamp(source)
      if (t !== undefined) return V.string(t)
    }
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      const n = parseYamlNumber(source, false)
      if (n !== undefined) return n
    }
    return V.string(nfc(source))
  }
  if (!tag.startsWith(TAG)) throw new YamlFailure(`unsupported tag ${JSON.stringify(tag)}`)
  if (quoted) return V.string(nfc(source))
  switch (tag.slice(TAG.length)) {
    case "str":
      return V.string(nfc(source))
    case "binary":
      if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(source)) throw cannotParse(source, tag)
      return V.string(source)
    case "bool":
      if (source in yamlBools) return V.bool(yamlBools[source]!)
      throw cannotParse(source, tag)
    case "int":
    case "float": {
      const plain = source.replace(/_/g, "")
      if (plain in infinities) return V.number(infinities[plain]!)
      const n = parseYamlNumber(plain, true)
      if (n === undefined) throw cannotParse(source, tag)
      return n
    }
    case "null":
      return V.Null
    case "timestamp": {
      const t = parseTimestamp(source)
      if (t === undefined) throw cannotParse(source, tag)
      return V.string(t)
    }
    default:
      throw new YamlFailure(`unsupported tag ${JSON.stringify(tag)}`)
  }
}

const keyText = (key: V.Value): string => {
  switch (key._tag) {
    case "String":
      return key.value
    case "Number":
      return N.toString(key.value)
    case "Bool":
      return key.value ? "true" : "false"
    case "Null":
      throw new YamlFailure("mapping key cannot be null")
    default:
      throw new YamlFailure("only strings are allowed as mapping keys")
  }
}

const friendly = (v: V.Value): string => T.friendlyName(V.typeOf(v))

const fromYamlNode = (node: unknown, doc: YAML.Document, depth: number, resolving: Set<unknown>): V.Value => {
  if (depth > 1000) throw new YamlFailure("document is too deeply nested")
  if (node === null || node === undefined) return V.Null
  if (YAML.isAlias(node)) {
    const target = node.resolve(doc)
    if (target === undefined) throw new YamlFailure(`unknown anchor ${JSON.stringify(node.source)} referenced`)
    if (resolving.has(target)) {
      throw new YamlFailure(`cannot refer to anchor ${JSON.stringify(node.source)} from inside its own definition`)
    }
    return fromYamlNode(target, doc, depth + 1, resolving)
  }
  if (YAML.isScalar(node)) return resolveScalar(node)
  resolving.add(node)
  try {
    if (YAML.isSeq(node)) {
      if (node.tag !== undefined && node.tag !== `${TAG}seq`) {
        throw new YamlFailure(`can't interpret sequence as ${node.tag}`)
      }
      return V.tuple(node.items.map((item) => fromYamlNode(item, doc, depth + 1, resolving)))
    }
    if (YAML.isMap(node)) {
      if (node.tag !== undefined && node.tag !== `${TAG}map`) {
        throw new YamlFailure(`can't interpret mapping as ${node.tag}`)
      }
      const entries = new Map<string, V.Value>()
      for (const pair of node.items) {
        const key = fromYamlNode(pair.key, doc, depth + 1, resolving)
        const name = keyText(key)
        const value = fromYamlNode(pair.value, doc, depth + 1, resolving)
        if (name === "<<") {
          if (value._tag !== "Object") throw new YamlFailure(`cannot merge ${friendly(value)} into mapping`)
          for (const [k, v] of value.attributes) entries.set(k, v)
          continue
        }
        entries.set(name, value)
      }
      return V.object(entries)
    }
    return V.Null
  } finally {
    resolving.delete(node)
  }
}

const yamlError = (error: YAML.YAMLError): string => {
  const position = error.linePos?.[0]
  const message = error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")
  return position === undefined ? message : `on line ${position.line}, column ${position.col}: ${message}`
}

const yamldecode: FunctionDefinition = {
  name: "yamldecode",
  parameters: [{ name: "src", type: T.string }],
  returnType: T.dynamic,
  impl: ([s]) => {
    const source = (s as V.StringValue).value
    try {
      const parsed = YAML.parseAllDocuments(source, {
        schema: "failsafe",
        resolveKnownTags: false,
        merge: false,
        uniqueKeys: false,
        prettyErrors: true
      })
      const docs = Array.isArray(parsed) ? parsed : []
      if (docs.length === 0) return new FunctionError("on line 1, column 1: missing start of document")
      const doc = docs[0]!
      if (doc.errors.length > 0) return new FunctionError(yamlError(doc.errors[0]!))
      if (docs.length > 1) {
        const extra = docs[1]!
        const line = extra.range === undefined ? 1 : Math.max(1, source.slice(0, extra.range[0]).split("\n").length - 1)
        return new FunctionError(`on line ${line}, column 1: unexpected extra content after value`)
      }
      if (/^\s*%YAML\s+(?!1\.1\b)/m.test(source)) return new FunctionError("found incompatible YAML document")
      return fromYamlNode(doc.contents, doc, 0, new Set())
    } catch (e) {
      if (e instanceof YamlFailure) return new FunctionError(e.message)
      return new FunctionError(e instanceof Error ? e.message : "invalid YAML")
    }
  }
}

// -----------------------------------------------------------------------------------------------
// YAML encoding (go-cty-yaml: libyaml's emitter, block style, strings double-quoted)

const bestWidth = 80

const isPrintable = (c: number): boolean =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) ||
  (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) // libyaml: 4-byte UTF-8 is not printable (`\U0001F600`)

const isBreak = (c: number): boolean => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029

const escapeHex = (c: number): string => {
  if (c <= 0xff) return `\\x${c.toString(16).toUpperCase().padStart(2, "0")}`
  if (c <= 0xffff) return `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`
  return `\\U${c.toString(16).toUpperCase().padStart(8, "0")}`
}

const namedEscapes: Record<number, string> = {
  0x00: "\\0",
  0x07: "\\a",
  0x08: "\\b",
  0x09: "\\t",
  0x0a: "\\n",
  0x0b: "\\v",
  0x0c: "\\f",
  0x0d: "\\r",
  0x1b: "\\e",
  0x22: "\\\"",
  0x5c: "\\\\",
  0x85: "\\N",
  0xa0: "\\_",
  0x2028: "\\L",
  0x2029: "\\P"
}

/** Output with libyaml's column tracking (code points). */
class Out {
  text = ""
  column = 0
  put(s: string): void {
    this.text += s
    for (const _ of s) this.column++
  }
  newline(): void {
    this.text += "\n"
    this.column = 0
  }
  indentTo(indent: number): void {
    while (this.column < indent) this.put(" ")
  }
}

/** A double-quoted scalar; folded at spaces past the width when `breaks` are allowed. */
const writeDoubleQuoted = (out: Out, s: string, indent: number, breaks: boolean): void => {
  out.put("\"")
  const chars = [...s]
  let spaces = false
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!
    const c = ch.codePointAt(0)!
    if (!isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
      out.put(namedEscapes[c] ?? escapeHex(c))
      spaces = false
    } else if (c === 0x20) {
      if (breaks && !spaces && out.column > bestWidth && i !== 0 && i !== chars.length - 1) {
        out.newline()
        out.indentTo(indent)
        if (chars[i + 1] === " ") out.put("\\")
      } else {
        out.put(" ")
      }
      spaces = true
    } else {
      out.put(ch)
      spaces = false
    }
  }
  out.put("\"")
}

/** Whether libyaml allows the literal block style for this string. */
const literalAllowed = (s: string): boolean => {
  const chars = [...s]
  if (chars.length === 0) return false
  if (chars[chars.length - 1] === " ") return false
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!.codePointAt(0)!
    if (!isPrintable(c) || c === 0xfeff) return false
    if (c === 0x20 && i + 1 < chars.length && isBreak(chars[i + 1]!.codePointAt(0)!)) return false
  }
  return true
}

const writeLiteral = (out: Out, s: string, indent: number): void => {
  out.put("|")
  const first = s.codePointAt(0)!
  if (first === 0x20 || isBreak(first)) out.put("2")
  const chars = [...s]
  const last = chars[chars.length - 1]!.codePointAt(0)!
  if (!isBreak(last)) out.put("-")
  else if (chars.length === 1 || isBreak(chars[chars.length - 2]!.codePointAt(0)!)) out.put("+")
  out.newline()
  let atLineStart = true
  for (const ch of chars) {
    if (isBreak(ch.codePointAt(0)!)) {
      out.newline()
      atLineStart = true
    } else {
      if (atLineStart) out.indentTo(indent)
      out.put(ch)
      atLineStart = false
    }
  }
}

type Entries = ReadonlyArray<readonly [string, V.Value]>

const isSequence = (v: V.Value): v is V.ListValue | V.SetValue | V.TupleValue =>
  (v._tag === "List" || v._tag === "Set" || v._tag === "Tuple") && v.elements.length > 0

const entriesOf = (v: V.Value): Entries | undefined => {
  if (v._tag === "Map" && v.entries.size > 0) return [...v.entries]
  if (v._tag === "Object" && v.attributes.size > 0) return [...v.attributes]
  return undefined
}

/** Write a scalar or empty collection at the current position (indent for continuation lines). */
const writeScalar = (out: Out, v: V.Value, indent: number): void => {
  switch (v._tag) {
    case "Null":
      out.put("null")
      return
    case "Bool":
      out.put(v.value ? "true" : "false")
      return
    case "Number":
      out.put(N.toString(v.value))
      return
    case "String":
      if (v.value.includes("\n") && literalAllowed(v.value)) writeLiteral(out, v.value, indent)
      else writeDoubleQuoted(out, v.value, indent, true)
      return
    default:
      out.put(v._tag === "Map" || v._tag === "Object" ? "{}" : "[]")
  }
}

/** Write a block node starting at the current position; `indent` is the node's block indent. */
const writeNode = (out: Out, v: V.Value, indent: number): void => {
  if (isSequence(v)) {
    v.elements.forEach((e, i) => {
      if (i > 0) {
        out.newline()
        out.indentTo(indent)
      }
      out.put("- ")
      writeNode(out, e, indent + 2)
    })
    return
  }
  const entries = entriesOf(v)
  if (entries !== undefined) {
    entries.forEach(([k, e], i) => {
      if (i > 0) {
        out.newline()
        out.indentTo(indent)
      }
      const complex = k.length > 128 || /[\n\r\u0085\u2028\u2029]/.test(k)
      if (complex) {
        // not a simple key: libyaml writes the explicit `? key` / `: value` form
        out.put("? ")
        writeScalar(out, V.string(k), indent + 2)
        if (out.column !== 0) out.newline()
        out.indentTo(indent)
        out.put(":")
      } else {
        writeDoubleQuoted(out, k, indent, false)
        out.put(":")
      }
      if (complex && (isSequence(e) || entriesOf(e) !== undefined)) {
        out.put(" ")
        writeNode(out, e, indent + 2)
      } else if (isSequence(e)) {
        out.newline()
        out.indentTo(indent)
        writeNode(out, e, indent)
      } else if (entriesOf(e) !== undefined) {
        out.newline()
        out.indentTo(indent + 2)
        writeNode(out, e, indent + 2)
      } else {
        out.put(" ")
        writeScalar(out, e, indent + 2)
      }
    })
    return
  }
  writeScalar(out, v, indent)
}

/**
 * A value as `yamlencode` writes it.
 *
 * @since 0.1.0
 */
export const yamlEncode = (v: V.Value): string => {
  const out = new Out()
  if (isSequence(v) || entriesOf(v) !== undefined) writeNode(out, v, 0)
  else writeScalar(out, v, 2)
  if (!out.text.endsWith("\n")) out.newline()
  // a plain scalar document is open-ended: libyaml closes it explicitly
  if (v._tag === "Null" || v._tag === "Bool" || v._tag === "Number") out.put("...\n")
  return out.text
}

const yamlencode: FunctionDefinition = {
  name: "yamlencode",
  parameters: [{ name: "value", type: T.dynamic, allowNull: true, allowUnknown: true, allowDynamicType: true }],
  returnType: T.string,
  impl: ([v]) => (V.isWhollyKnown(v!) ? V.string(yamlEncode(v!)) : UnknownString)
}

/**
 * @since 0.1.0
 * @category functions
 */
export const yamlFunctions: ReadonlyArray<FunctionDefinition> = [yamldecode, yamlencode]
