/**
 * The character sets of `textencodebase64` / `textdecodebase64`: the IANA names and aliases
 * Terraform resolves (Go's `ianaindex.IANA`), their codecs from `iconv-lite`, and ISO-2022-JP
 * (which `iconv-lite` lacks) as a small state machine over its JIS X 0208 / EUC-JP table.
 * Encoding fails (`undefined`) on a character the set cannot represent; decoding gives U+FFFD
 * for bytes it does not define, as Go's decoders do.
 *
 * @internal
 */
import iconv from "iconv-lite"

/** A character set: its canonical IANA name and both directions. */
export interface Charset {
  readonly name: string
  readonly encode: (text: string) => Uint8Array | undefined
  readonly decode: (bytes: Uint8Array) => string
}

/** A set `iconv-lite` knows; a character is representable when it survives the round trip. */
const viaIconv = (name: string, codec: string): Charset => ({
  name,
  encode: (text) => {
    const bytes = iconv.encode(text, codec)
    return iconv.decode(bytes, codec) === text ? new Uint8Array(bytes) : undefined
  },
  decode: (bytes) => iconv.decode(Buffer.from(bytes), codec)
})

const ESC = 0x1b

type Jis = "ascii" | "roman" | "katakana" | "jis0208" | "jis0212"

const escapes: ReadonlyArray<readonly [ReadonlyArray<number>, Jis]> = [
  [[0x28, 0x42], "ascii"],
  [[0x28, 0x4a], "roman"],
  [[0x28, 0x49], "katakana"],
  [[0x24, 0x40], "jis0208"],
  [[0x24, 0x42], "jis0208"],
  [[0x24, 0x28, 0x44], "jis0212"]
]

const designate: Record<Jis, ReadonlyArray<number>> = {
  ascii: [ESC, 0x28, 0x42],
  roman: [ESC, 0x28, 0x4a],
  katakana: [ESC, 0x28, 0x49],
  jis0208: [ESC, 0x24, 0x42],
  jis0212: [ESC, 0x24, 0x28, 0x44]
}

/**
 * ISO-2022-JP (RFC 1468 with JIS X 0201 katakana and JIS X 0212, as Go's decoder reads it; the
 * encoder writes ASCII, JIS X 0208 and half-width katakana, and refuses the rest as Go's does).
 */
const iso2022jp: Charset = {
  name: "ISO-2022-JP",
  encode: (text) => {
    const out: Array<number> = []
    let state: Jis = "ascii"
    const enter = (next: Jis) => {
      if (state !== next) out.push(...designate[next])
      state = next
    }
    for (const ch of text) {
      const c = ch.codePointAt(0)!
      if (c < 0x80 && c !== ESC && c !== 0x0e && c !== 0x0f) {
        enter("ascii")
        out.push(c)
      } else if (c >= 0xff61 && c <= 0xff9f) {
        enter("katakana")
        out.push(c - 0xff61 + 0x21)
      } else {
        const euc = iconv.encode(ch, "eucjp")
        if (euc.length !== 2 || euc[0]! < 0xa1 || euc[1]! < 0xa1 || iconv.decode(euc, "eucjp") !== ch) return undefined
        enter("jis0208")
        out.push(euc[0]! - 0x80, euc[1]! - 0x80)
      }
    }
    enter("ascii")
    return Uint8Array.from(out)
  },
  decode: (bytes) => {
    let out = ""
    let state: Jis = "ascii"
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i]!
      if (b === ESC) {
        const match = escapes.find(([seq]) => seq.every((s, j) => bytes[i + 1 + j] === s))
        if (match === undefined) {
          out += "\ufffd"
          i++
        } else {
          state = match[1]
          i += 1 + match[0].length
        }
        continue
      }
      if (b >= 0x80) {
        out += "\ufffd"
        i++
        continue
      }
      if (state === "ascii" || b < 0x21 || b === 0x7f) {
        out += String.fromCharCode(b)
        i++
      } else if (state === "roman") {
        out += b === 0x5c ? "\u00a5" : b === 0x7e ? "\u203e" : String.fromCharCode(b)
        i++
      } else if (state === "katakana") {
        out += b <= 0x5f ? String.fromCharCode(0xff61 + b - 0x21) : "\ufffd"
        i++
      } else {
        const second = bytes[i + 1]
        if (second === undefined || second < 0x21 || second > 0x7e) {
          out += "\ufffd"
          i++
          continue
        }
        const euc = state === "jis0208" ? [b + 0x80, second + 0x80] : [0x8f, b + 0x80, second + 0x80]
        out += iconv.decode(Buffer.from(euc), "eucjp")
        i += 2
      }
    }
    return out
  }
}

/**
 * Mac OS Roman as Go's `charmap.Macintosh` (Mac OS 8.5 and later): byte 0xDB is the euro sign
 * where `iconv-lite`'s table has the older currency sign.
 */
const macintosh: Charset = {
  name: "macintosh",
  encode: (
    text
  ) => (text.includes("\u00a4")
    ? undefined
    : viaIconv("macintosh", "macintosh").encode(text.replaceAll("\u20ac", "\u00a4"))),
  decode: (bytes) => iconv.decode(Buffer.from(bytes), "macintosh").replaceAll("\u00a4", "\u20ac")
}

/** `[canonical name, iconv-lite codec, IANA aliases]` for the multi-byte and code-page sets. */
const table: ReadonlyArray<readonly [string, string, ReadonlyArray<string>]> = [
  ["Shift_JIS", "shiftjis", ["ms_kanji", "csshiftjis"]],
  ["EUC-JP", "eucjp", ["extended_unix_code_packed_format_for_japanese", "cseucpkdfmtjapanese"]],
  ["GBK", "gbk", ["cp936", "ms936", "windows-936", "csgbk"]],
  ["GB18030", "gb18030", ["csgb18030"]],
  ["Big5", "big5", ["csbig5"]],
  ["EUC-KR", "euckr", ["cseuckr"]],
  ["KOI8-R", "koi8r", ["cskoi8r"]],
  ["KOI8-U", "koi8u", ["cskoi8u"]],
  ["IBM437", "cp437", ["cp437", "437", "cspc8codepage437"]],
  ["IBM850", "cp850", ["cp850", "850", "cspc850multilingual"]],
  ["IBM852", "cp852", ["cp852", "852", "cspcp852"]],
  ["IBM855", "cp855", ["cp855", "855", "csibm855"]],
  ["IBM00858", "cp858", ["ccsid00858", "cp00858", "pc-multilingual-850+euro", "csibm00858"]],
  ["IBM860", "cp860", ["cp860", "860", "csibm860"]],
  ["IBM862", "cp862", ["cp862", "862", "cspc862latinhebrew"]],
  ["IBM863", "cp863", ["cp863", "863", "csibm863"]],
  ["IBM865", "cp865", ["cp865", "865", "csibm865"]],
  ["IBM866", "cp866", ["cp866", "866", "csibm866"]],
  ["windows-874", "windows874", ["cswindows874"]],
  ["windows-1250", "windows1250", ["cswindows1250"]],
  ["windows-1251", "windows1251", ["cswindows1251"]],
  ["windows-1252", "windows1252", ["cswindows1252"]],
  ["windows-1253", "windows1253", ["cswindows1253"]],
  ["windows-1254", "windows1254", ["cswindows1254"]],
  ["windows-1255", "windows1255", ["cswindows1255"]],
  ["windows-1256", "windows1256", ["cswindows1256"]],
  ["windows-1257", "windows1257", ["cswindows1257"]],
  ["windows-1258", "windows1258", ["cswindows1258"]],
  ["ISO-8859-2", "iso88592", ["iso_8859-2:1987", "iso-ir-101", "iso_8859-2", "latin2", "l2", "csisolatin2"]],
  ["ISO-8859-3", "iso88593", ["iso_8859-3:1988", "iso-ir-109", "iso_8859-3", "latin3", "l3", "csisolatin3"]],
  ["ISO-8859-4", "iso88594", ["iso_8859-4:1988", "iso-ir-110", "iso_8859-4", "latin4", "l4", "csisolatin4"]],
  ["ISO-8859-5", "iso88595", ["iso_8859-5:1988", "iso-ir-144", "iso_8859-5", "cyrillic", "csisolatincyrillic"]],
  ["ISO-8859-6", "iso88596", [
    "iso_8859-6:1987",
    "iso-ir-127",
    "iso_8859-6",
    "ecma-114",
    "asmo-708",
    "arabic",
    "csisolatinarabic"
  ]],
  ["ISO-8859-7", "iso88597", [
    "iso_8859-7:1987",
    "iso-ir-126",
    "iso_8859-7",
    "elot_928",
    "ecma-118",
    "greek",
    "greek8",
    "csisolatingreek"
  ]],
  ["ISO-8859-8", "iso88598", ["iso_8859-8:1988", "iso-ir-138", "iso_8859-8", "hebrew", "csisolatinhebrew"]],
  ["ISO-8859-6-E", "iso88596", ["csiso88596e", "iso_8859-6-e"]],
  ["ISO-8859-6-I", "iso88596", ["csiso88596i", "iso_8859-6-i"]],
  ["ISO-8859-8-E", "iso88598", ["csiso88598e", "iso_8859-8-e"]],
  ["ISO-8859-8-I", "iso88598", ["csiso88598i", "iso_8859-8-i"]],
  ["ISO-8859-9", "iso88599", ["iso_8859-9:1989", "iso-ir-148", "iso_8859-9", "latin5", "l5", "csisolatin5"]],
  ["ISO-8859-10", "iso885910", ["iso-ir-157", "l6", "iso_8859-10:1992", "csisolatin6", "latin6"]],
  ["ISO-8859-13", "iso885913", ["csiso885913"]],
  ["ISO-8859-14", "iso885914", [
    "iso-ir-199",
    "iso_8859-14:1998",
    "iso_8859-14",
    "latin8",
    "iso-celtic",
    "l8",
    "csiso885914"
  ]],
  ["ISO-8859-15", "iso885915", ["iso_8859-15", "latin-9", "csiso885915"]],
  ["ISO-8859-16", "iso885916", ["iso-ir-226", "iso_8859-16:2001", "iso_8859-16", "latin10", "l10", "csiso885916"]]
]

/**
 * The character sets above by lower-case IANA name or alias (callers add the ones they define
 * themselves: UTF-8, UTF-16, US-ASCII, ISO-8859-1).
 */
export const iconvCharsets = (): ReadonlyArray<readonly [Charset, ReadonlyArray<string>]> => [
  ...table.map(([name, codec, aliases]) => [viaIconv(name, codec), [name.toLowerCase(), ...aliases]] as const),
  [iso2022jp, ["iso-2022-jp", "csiso2022jp"]],
  [macintosh, ["macintosh", "mac", "csmacintosh"]]
]
