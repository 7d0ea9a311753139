/**
 * Structured-text functions: `jsonencode`, `jsondecode`, `yamlencode`, `yamldecode` and
 * `csvdecode`, with cty / go-cty-yaml semantics (objects and tuples from decoding, exact
 * numbers, YAML output in go-yaml's block style with double-quoted strings).
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as YAML from "yaml"
import { type FunctionDefinition, FunctionError, type Parameter } from "../Function.js"
import * as Json from "../Json.js"
import * as N from "../Number.js"
import * as T from "../Type.js"
import * as V from "../Value.js"

const UnknownString = V.unknownOf(T.string)

const anyValue: Parameter = {
  name: "val",
  type: T.dynamic,
  allowNull: true,
  allowUnknown: true,
  allowDynamicType: true
}

const str: Parameter = { name: "str", type: T.string }

const nonAscii = /[^\u0000-\u007f]/
const nfc = (s: string): string => (nonAscii.test(s) ? s.normalize("NFC") : s)

// -----------------------------------------------------------------------------------------------
// JSON

const jsonencode: FunctionDefinition = {
  name: "jsonencode",
  parameters: [anyValue],
  returnType: T.string,
  impl: ([v]) => {
    if (!V.isWhollyKnown(v!)) return UnknownString
    const encoded = Json.encode(v!)
    return Either.isRight(encoded) ? V.string(encoded.right) : new FunctionError(encoded.left)
  }
}

const jsondecode: FunctionDefinition = {
  name: "jsondecode",
  parameters: [str],
  returnType: T.dynamic,
  impl: ([s]) => {
    const decoded = Json.decode((s as V.StringValue).value)
    return Either.isRight(decoded) ? decoded.right : new FunctionError(decoded.left)
  }
}

// -----------------------------------------------------------------------------------------------
// YAML decoding

const decimal = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/

const yamlNumber = (source: string | undefined, value: number | bigint): V.Value | FunctionError => {
  const text = (source ?? String(value)).replace(/_/g, "")
  if (decimal.test(text)) {
    const n = N.parse(text)
    if (n !== undefined) return V.number(n)
  }
  const sign = text.startsWith("-") ? -1n : 1n
  const body = text.replace(/^[-+]/, "")
  const radix = /^0x[0-9a-fA-F]+$/.test(body)
    ? 16
    : /^0o[0-7]+$/.test(body)
    ? 8
    : /^0b[01]+$/.test(body)
    ? 2
    : undefined
  if (radix !== undefined) {
    const digits = body.slice(2)
    let n = 0n
    for (const d of digits) n = n * BigInt(radix) + BigInt(parseInt(d, radix))
    return V.number(N.fromBigInt(sign * n))
  }
  if (typeof value === "bigint") return V.number(N.fromBigInt(value))
  if (Number.isNaN(value)) return new FunctionError("cannot represent NaN as a number")
  return V.numberFromJs(value)
}

class YamlFailure {
  constructor(readonly message: string) {}
}

const fromYamlNode = (node: unknown, doc: YAML.Document, depth: number): V.Value => {
  if (depth > 1000) throw new YamlFailure("document is too deeply nested")
  if (node === null || node === undefined) return V.Null
  if (YAML.isAlias(node)) return fromYamlNode(node.resolve(doc), doc, depth + 1)
  if (YAML.isScalar(node)) {
    const v = node.value
    if (v === null || v === undefined) return V.Null
    if (typeof v === "string") return V.string(nfc(v))
    if (typeof v === "boolean") return V.bool(v)
    if (typeof v === "number" || typeof v === "bigint") {
      const n = yamlNumber(typeof node.source === "string" ? node.source : undefined, v)
      if (n instanceof FunctionError) throw new YamlFailure(n.message)
      return n
    }
    if (v instanceof Uint8Array) return V.string(Buffer.from(v).toString("base64"))
    if (v instanceof Date) return V.string(v.toISOString())
    return V.string(String(v))
  }
  if (YAML.isSeq(node)) return V.tuple(node.items.map((item) => fromYamlNode(item, doc, depth + 1)))
  if (YAML.isMap(node)) {
    const entries = new Map<string, V.Value>()
    for (const pair of node.items) {
      const key = fromYamlNode(pair.key, doc, depth + 1)
      let name: string
      switch (key._tag) {
        case "String":
          name = key.value
          break
        case "Number":
          name = N.toString(key.value)
          break
        case "Bool":
          name = key.value ? "true" : "false"
          break
        case "Null":
          name = "null"
          break
        default:
          throw new YamlFailure("only scalar values can be used as mapping keys")
      }
      entries.set(name, fromYamlNode(pair.value, doc, depth + 1))
    }
    return V.object(entries)
  }
  if (YAML.isPair(node)) throw new YamlFailure("unexpected pair")
  return V.Null
}

const yamldecode: FunctionDefinition = {
  name: "yamldecode",
  parameters: [{ name: "src", type: T.string }],
  returnType: T.dynamic,
  impl: ([s]) => {
    const source = (s as V.StringValue).value
    try {
      const docs = YAML.parseAllDocuments(source, { merge: true, uniqueKeys: true, prettyErrors: false })
      if (!Array.isArray(docs)) return new FunctionError("invalid YAML")
      if (docs.length === 0) return V.Null
      if (docs.length > 1) return new FunctionError("unexpected extra content after value")
      const doc = docs[0]!
      if (doc.errors.length > 0) return new FunctionError(doc.errors[0]!.message.split("\n")[0]!)
      return fromYamlNode(doc.contents, doc, 0)
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
  (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) || c >= 0x10000

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
      writeDoubleQuoted(out, k, indent, false)
      out.put(":")
      if (isSequence(e)) {
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
  return out.text
}

const yamlencode: FunctionDefinition = {
  name: "yamlencode",
  parameters: [{ name: "value", type: T.dynamic, allowNull: true, allowUnknown: true, allowDynamicType: true }],
  returnType: T.string,
  impl: ([v]) => (V.isWhollyKnown(v!) ? V.string(yamlEncode(v!)) : UnknownString)
}

// -----------------------------------------------------------------------------------------------
// CSV (Go's encoding/csv reader)

class CsvError {
  constructor(readonly line: number, readonly message: string) {}
}

/** Read CSV records as Go's `csv.Reader` with default settings. */
const readCsv = (text: string): Array<{ readonly line: number; readonly fields: Array<string> }> => {
  const records: Array<{ line: number; fields: Array<string> }> = []
  let i = 0
  let line = 1
  const n = text.length
  while (i < n) {
    // skip empty lines
    if (text[i] === "\n") {
      i++
      line++
      continue
    }
    if (text[i] === "\r" && text[i + 1] === "\n") {
      i += 2
      line++
      continue
    }
    const recordLine = line
    const fields: Array<string> = []
    while (true) {
      if (text[i] === "\"") {
        // quoted field
        i++
        let field = ""
        while (true) {
          if (i >= n) throw new CsvError(line, "extraneous or missing \" in quoted-field")
          const c = text[i]!
          if (c === "\"") {
            if (text[i + 1] === "\"") {
              field += "\""
              i += 2
              continue
            }
            i++
            break
          }
          if (c === "\r" && text[i + 1] === "\n") {
            field += "\n"
            i += 2
            line++
            continue
          }
          if (c === "\n") line++
          field += c
          i++
        }
        fields.push(field)
        if (i >= n) break
        if (text[i] === ",") {
          i++
          continue
        }
        if (text[i] === "\n") {
          i++
          line++
          break
        }
        if (text[i] === "\r" && text[i + 1] === "\n") {
          i += 2
          line++
          break
        }
        throw new CsvError(line, "extraneous or missing \" in quoted-field")
      }
      let end = i
      while (end < n && text[end] !== "," && text[end] !== "\n") end++
      let field = text.slice(i, end)
      if (end < n && text[end] === "\n" && field.endsWith("\r")) field = field.slice(0, -1)
      else if (end >= n && field.endsWith("\r")) field = field.slice(0, -1)
      if (field.includes("\"")) throw new CsvError(line, "bare \" in non-quoted-field")
      fields.push(field)
      i = end
      if (i >= n) break
      if (text[i] === ",") {
        i++
        if (i >= n) {
          fields.push("")
          break
        }
        continue
      }
      // newline
      i++
      line++
      break
    }
    records.push({ line: recordLine, fields })
  }
  return records
}

const csvdecode: FunctionDefinition = {
  name: "csvdecode",
  parameters: [str],
  returnType: T.dynamic,
  impl: ([s]) => {
    let records
    try {
      records = readCsv((s as V.StringValue).value)
    } catch (e) {
      if (e instanceof CsvError) return new FunctionError(`CSV parse error on line ${e.line}: ${e.message}`)
      throw e
    }
    if (records.length === 0) return new FunctionError("missing header line")
    const headers = records[0]!.fields
    const seen = new Set<string>()
    for (const h of headers) {
      if (seen.has(h)) return new FunctionError(`duplicate column name ${JSON.stringify(h)}`)
      seen.add(h)
    }
    const rowType = T.object(headers.map((h) => [h, T.string] as const))
    const rows: Array<V.Value> = []
    for (const record of records.slice(1)) {
      if (record.fields.length !== headers.length) {
        return new FunctionError(`CSV parse error on line ${record.line}: wrong number of fields`)
      }
      rows.push(V.object(record.fields.map((f, i) => [headers[i]!, V.string(nfc(f))] as const)))
    }
    return V.list(rowType, rows)
  }
}

/**
 * @since 0.1.0
 */
export const encodingJsonFunctions: ReadonlyArray<FunctionDefinition> = [
  csvdecode,
  jsondecode,
  jsonencode,
  yamldecode,
  yamlencode
]
