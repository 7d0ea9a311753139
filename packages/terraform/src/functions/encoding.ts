/**
 * Terraform's encoding functions: `base64encode`, `base64decode`, `base64gzip`,
 * `textencodebase64`, `textdecodebase64` and `urlencode`, with Go's strict base64 decoder (its
 * error offsets included) and the IANA character sets most templates use.
 *
 * @since 0.1.0
 * @internal
 */
import * as Zlib from "node:zlib"
import type { FunctionDefinition, Parameter } from "../FunctionDefinition.js"
import { FunctionError } from "../FunctionDefinition.js"
import { goQuote } from "../GoQuote.js"
import { type Charset, iconvCharsets } from "../internal/charsets.js"
import { maxResultLength, resultTooLong, stringOf, total } from "../internal/functionSupport.js"
import * as T from "../Type.js"
import type { Value } from "../Value.js"
import * as V from "../Value.js"

const str = (name: string): Parameter => ({ name, type: T.string })

const utf8Encoder = new TextEncoder()

/**
 * The UTF-8 bytes of a string.
 *
 * @since 0.1.0
 */
export const utf8Bytes = (s: string): Uint8Array => utf8Encoder.encode(s)

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
const lenientUtf8 = new TextDecoder("utf-8", { ignoreBOM: true })

/**
 * Decode UTF-8 bytes as Terraform makes a string of them (NFC-normalised); `undefined` when
 * the bytes are not valid UTF-8.
 *
 * @since 0.1.0
 */
export const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return strictUtf8.decode(bytes).normalize("NFC")
  } catch {
    return undefined
  }
}

/**
 * Standard base64 with padding (Go's `base64.StdEncoding.EncodeToString`).
 *
 * @since 0.1.0
 */
export const encodeBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")

const decodeMap = (() => {
  const map = new Int16Array(256).fill(-1)
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  for (let i = 0; i < alphabet.length; i++) map[alphabet.charCodeAt(i)] = i
  return map
})()

/**
 * A base64 input Go rejects, at this byte offset (Go's `base64.CorruptInputError`).
 *
 * @since 0.1.0
 */
export interface CorruptBase64 {
  readonly _tag: "CorruptBase64"
  readonly offset: number
}

const corrupt = (offset: number): CorruptBase64 => ({ _tag: "CorruptBase64", offset })

/**
 * Go's `base64.StdEncoding.DecodeString`: padding required, `\r` and `\n` ignored, anything
 * else outside the alphabet rejected at the offset Go reports.
 *
 * @since 0.1.0
 */
export const decodeBase64 = (src: Uint8Array): Uint8Array | CorruptBase64 => {
  const out = new Uint8Array(Math.floor((src.length * 3) / 4) + 3)
  let n = 0
  let si = 0
  const len = src.length
  const skipNewlines = () => {
    while (si < len && (src[si] === 0x0a || src[si] === 0x0d)) si++
  }
  while (si < len) {
    const dbuf = [0, 0, 0, 0]
    let dlen = 4
    let trailing: number | undefined
    for (let j = 0; j < 4; j++) {
      if (si === len) {
        if (j === 0) return out.subarray(0, n)
        return corrupt(si - j)
      }
      const input = src[si]!
      si++
      const decoded = decodeMap[input]!
      if (decoded >= 0) {
        dbuf[j] = decoded
        continue
      }
      if (input === 0x0a || input === 0x0d) {
        j--
        continue
      }
      if (input !== 0x3d) return corrupt(si - 1)
      if (j === 0 || j === 1) return corrupt(si - 1)
      if (j === 2) {
        skipNewlines()
        if (si === len) return corrupt(len)
        if (src[si] !== 0x3d) return corrupt(si - 1)
        si++
      }
      skipNewlines()
      if (si < len) trailing = si
      dlen = j
      break
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!
    if (dlen >= 2) out[n++] = (val >> 16) & 0xff
    if (dlen >= 3) out[n++] = (val >> 8) & 0xff
    if (dlen >= 4) out[n++] = val & 0xff
    if (trailing !== undefined) return corrupt(trailing)
  }
  return out.subarray(0, n)
}

/**
 * `true` when the value is a base64 decoding failure.
 *
 * @since 0.1.0
 */
export const isCorrupt = (r: Uint8Array | CorruptBase64): r is CorruptBase64 => !(r instanceof Uint8Array)

// ---------------------------------------------------------------------------------------------
// Character sets (golang.org/x/text ianaindex names)
// ---------------------------------------------------------------------------------------------

const singleByte = (name: string, toUnicode: (byte: number) => number): Charset => {
  const fromUnicode = new Map<number, number>()
  for (let b = 255; b >= 0; b--) {
    const cp = toUnicode(b)
    if (cp !== 0xfffd) fromUnicode.set(cp, b)
  }
  return {
    name,
    encode: (s) => {
      const out: Array<number> = []
      for (const ch of s) {
        const b = fromUnicode.get(ch.codePointAt(0)!)
        if (b === undefined) return undefined
        out.push(b)
      }
      return Uint8Array.from(out)
    },
    decode: (bytes) => {
      let out = ""
      for (const b of bytes) out += String.fromCodePoint(toUnicode(b))
      return out
    }
  }
}

const hasLoneSurrogate = /\p{Cs}/u

const utf16 = (name: string, littleEndian: boolean, bom: boolean): Charset => ({
  name,
  encode: (s) => {
    if (hasLoneSurrogate.test(s)) return undefined
    const out = new Uint8Array((s.length + (bom ? 1 : 0)) * 2)
    let o = 0
    const put = (unit: number) => {
      if (littleEndian) {
        out[o++] = unit & 0xff
        out[o++] = unit >> 8
      } else {
        out[o++] = unit >> 8
        out[o++] = unit & 0xff
      }
    }
    if (bom) put(0xfeff)
    for (let i = 0; i < s.length; i++) put(s.charCodeAt(i))
    return out
  },
  decode: (bytes) => {
    let le = littleEndian
    let body = bytes
    if (bom && bytes.length >= 2) {
      if (bytes[0] === 0xfe && bytes[1] === 0xff) {
        le = false
        body = bytes.subarray(2)
      } else if (bytes[0] === 0xff && bytes[1] === 0xfe) {
        le = true
        body = bytes.subarray(2)
      }
    }
    return new TextDecoder(le ? "utf-16le" : "utf-16be", { ignoreBOM: true }).decode(body)
  }
})

const charsets: ReadonlyArray<readonly [Charset, ReadonlyArray<string>]> = [
  [{ name: "UTF-8", encode: utf8Bytes, decode: (bytes) => lenientUtf8.decode(bytes) }, ["utf-8", "csutf8"]],
  [
    singleByte("US-ASCII", (b) => (b < 0x80 ? b : 0xfffd)),
    [
      "us-ascii",
      "iso-ir-6",
      "ansi_x3.4-1968",
      "ansi_x3.4-1986",
      "iso_646.irv:1991",
      "iso646-us",
      "us",
      "ibm367",
      "cp367",
      "csascii"
    ]
  ],
  [
    singleByte("ISO-8859-1", (b) => b),
    ["iso-8859-1", "iso_8859-1:1987", "iso-ir-100", "iso_8859-1", "latin1", "l1", "ibm819", "cp819", "csisolatin1"]
  ],
  [utf16("UTF-16BE", false, false), ["utf-16be", "csutf16be"]],
  [utf16("UTF-16LE", true, false), ["utf-16le", "csutf16le"]],
  [utf16("UTF-16", false, true), ["utf-16", "csutf16"]],
  ...iconvCharsets()
]

const charsetByName = new Map<string, Charset>()
for (const [charset, names] of charsets) for (const name of names) charsetByName.set(name, charset)

const unsupportedEncoding = (name: string): FunctionError =>
  new FunctionError(`${goQuote(name)} is not a supported IANA encoding name or alias in this Terraform version`, 1)

const textencodebase64Impl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const s = stringOf(args[0])
  const encodingName = stringOf(args[1])
  const charset = charsetByName.get(encodingName.toLowerCase())
  if (charset === undefined) return unsupportedEncoding(encodingName)
  const bytes = charset.encode(s)
  if (bytes === undefined) {
    return new FunctionError(`the given string contains characters that cannot be represented in ${charset.name}`, 0)
  }
  if (bytes.length > (maxResultLength / 4) * 3) return resultTooLong()
  return V.string(encodeBase64(bytes))
}

const textdecodebase64Impl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const source = stringOf(args[0])
  const encodingName = stringOf(args[1])
  const charset = charsetByName.get(encodingName.toLowerCase())
  if (charset === undefined) return unsupportedEncoding(encodingName)
  const bytes = decodeBase64(utf8Bytes(source))
  if (isCorrupt(bytes)) {
    return new FunctionError(`the given value is has an invalid base64 symbol at offset ${bytes.offset}`, 0)
  }
  const decoded = charset.decode(bytes)
  if (decoded.includes("\ufffd")) {
    return new FunctionError(`the given string contains symbols that are not defined for ${charset.name}`, 0)
  }
  return V.string(decoded.normalize("NFC"))
}

const base64decodeImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const s = stringOf(args[0])
  const bytes = decodeBase64(utf8Bytes(s))
  if (isCorrupt(bytes)) return new FunctionError(`failed to decode base64 data ${goQuote(s)}`)
  const decoded = decodeUtf8(bytes)
  if (decoded === undefined) return new FunctionError("the result of decoding the provided string is not valid UTF-8")
  return V.string(decoded)
}

/**
 * Terraform's `base64gzip` writes through Go's `gzip.NewWriter` (default level), then calls
 * `Flush` and `Close`: a 10-byte header with no name, time or flags and OS byte 255 ("unknown"),
 * the deflate data ending in a sync flush (an empty stored block, `00 00 ff ff`), a final empty
 * stored block (`01 00 00 ff ff`), then CRC-32 and size. The framing here is byte for byte Go's.
 * The compressed body comes from zlib at level 6: equal to Go's when the text has no repeated
 * substrings, but Go's matcher (4-byte minimum matches, its own hash chains) may choose other
 * matches for repetitive text, so those bytes can differ (both decompress to the same text).
 */
const gzipHeader = Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff)
const finalStoredBlock = Uint8Array.of(1, 0, 0, 0xff, 0xff)

const goGzip = (data: Uint8Array): Uint8Array => {
  const body = Zlib.deflateRawSync(data, { level: 6, finishFlush: Zlib.constants.Z_SYNC_FLUSH })
  const trailer = new Uint8Array(8)
  const view = new DataView(trailer.buffer)
  view.setUint32(0, Zlib.crc32(data) >>> 0, true)
  view.setUint32(4, data.length >>> 0, true)
  const out = new Uint8Array(gzipHeader.length + body.length + finalStoredBlock.length + trailer.length)
  out.set(gzipHeader, 0)
  out.set(body, gzipHeader.length)
  out.set(finalStoredBlock, gzipHeader.length + body.length)
  out.set(trailer, gzipHeader.length + body.length + finalStoredBlock.length)
  return out
}

const base64gzipImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const compressed = goGzip(utf8Bytes(stringOf(args[0])))
  if (compressed.length > (maxResultLength / 4) * 3) return resultTooLong()
  return V.string(encodeBase64(compressed))
}

const unreservedQueryByte = (b: number): boolean =>
  (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2d || b === 0x2e ||
  b === 0x5f || b === 0x7e

/** Go's `url.QueryEscape`. */
const queryEscape = (s: string): string => {
  let out = ""
  for (const b of utf8Bytes(s)) {
    if (unreservedQueryByte(b)) out += String.fromCharCode(b)
    else if (b === 0x20) out += "+"
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0")
  }
  return out
}

/**
 * The encoding functions.
 *
 * @since 0.1.0
 */
export const encodingFunctions: ReadonlyArray<FunctionDefinition> = [
  total({
    name: "base64decode",
    parameters: [str("str")],
    returnType: T.string,
    impl: base64decodeImpl
  }),
  total({
    name: "base64encode",
    parameters: [str("str")],
    returnType: T.string,
    impl: (args) => {
      const bytes = utf8Bytes(stringOf(args[0]))
      if (bytes.length > (maxResultLength / 4) * 3) return resultTooLong()
      return V.string(encodeBase64(bytes))
    }
  }),
  total({
    name: "base64gzip",
    parameters: [str("str")],
    returnType: T.string,
    impl: base64gzipImpl
  }),
  total({
    name: "textdecodebase64",
    parameters: [str("source"), str("encoding")],
    returnType: T.string,
    impl: textdecodebase64Impl
  }),
  total({
    name: "textencodebase64",
    parameters: [str("string"), str("encoding")],
    returnType: T.string,
    impl: textencodebase64Impl
  }),
  total({
    name: "urlencode",
    parameters: [str("str")],
    returnType: T.string,
    impl: (args) => {
      const out = queryEscape(stringOf(args[0]))
      return out.length > maxResultLength ? resultTooLong() : V.string(out)
    }
  })
]
