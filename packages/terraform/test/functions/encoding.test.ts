import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import * as Zlib from "node:zlib"
import { decodeBase64, encodingFunctions, isCorrupt } from "../../src/functions/encoding.js"
import type { Value } from "../../src/Value.js"
import { call, named, s } from "./support.js"

type Case = readonly [name: string, args: ReadonlyArray<Value>, expected: unknown]

const cases: ReadonlyArray<Case> = [
  ["base64encode", [s("Hello World")], "SGVsbG8gV29ybGQ="],
  ["base64encode", [s("")], ""],
  ["base64encode", [s("☃")], "4piD"],
  ["base64decode", [s("SGVsbG8gV29ybGQ=")], "Hello World"],
  ["base64decode", [s("SGVs\nbG8=")], "Hello"],
  ["base64decode", [s("SGVs\r\nbG8=\n")], "Hello"],
  ["base64decode", [s("")], ""],
  ["base64decode", [s("4piD")], "☃"],
  ["base64decode", [s("77u/eA==")], "\ufeffx"],
  ["base64decode", [s("ZcyB")], "é"],
  ["base64decode", [s("SGVsbG8gV29ybGQ")], { error: "failed to decode base64 data \"SGVsbG8gV29ybGQ\"" }],
  ["base64decode", [s("SGVs bG8=")], { error: "failed to decode base64 data \"SGVs bG8=\"" }],
  ["base64decode", [s("SGVsbG8=x")], { error: "failed to decode base64 data \"SGVsbG8=x\"" }],
  ["base64decode", [s("SGVsbG8-")], { error: "failed to decode base64 data \"SGVsbG8-\"" }],
  ["base64decode", [s("/w==")], { error: "the result of decoding the provided string is not valid UTF-8" }],
  ["base64decode", [s("7aCA")], { error: "the result of decoding the provided string is not valid UTF-8" }],
  ["textencodebase64", [s("Hello World"), s("UTF-16LE")], "SABlAGwAbABvACAAVwBvAHIAbABkAA=="],
  ["textencodebase64", [s("Hello World"), s("utf-16le")], "SABlAGwAbABvACAAVwBvAHIAbABkAA=="],
  ["textencodebase64", [s("A"), s("UTF-16BE")], "AEE="],
  ["textencodebase64", [s("A"), s("UTF-16")], "/v8AQQ=="],
  ["textencodebase64", [s("😀"), s("UTF-16LE")], "PdgA3g=="],
  ["textencodebase64", [s("ü"), s("ISO-8859-1")], "/A=="],
  ["textencodebase64", [s("ü"), s("latin1")], "/A=="],
  ["textencodebase64", [s("€"), s("windows-1252")], "gA=="],
  ["textencodebase64", [s("€"), s("ISO-8859-15")], "pA=="],
  ["textencodebase64", [s("abc"), s("US-ASCII")], "YWJj"],
  ["textencodebase64", [s("é"), s("UTF-8")], "w6k="],
  ["textencodebase64", [s("€"), s("ISO-8859-1")], {
    error: "the given string contains characters that cannot be represented in ISO-8859-1",
    argument: 0
  }],
  ["textencodebase64", [s("é"), s("ascii")], {
    error: "\"ascii\" is not a supported IANA encoding name or alias in this Terraform version",
    argument: 1
  }],
  ["textencodebase64", [s("é"), s("us-ascii")], {
    error: "the given string contains characters that cannot be represented in US-ASCII",
    argument: 0
  }],
  ["textdecodebase64", [s("SABlAGwAbABvACAAVwBvAHIAbABkAA=="), s("UTF-16LE")], "Hello World"],
  ["textdecodebase64", [s("/v8AQQ=="), s("UTF-16")], "A"],
  ["textdecodebase64", [s("//5BAA=="), s("UTF-16")], "A"],
  ["textdecodebase64", [s("AEE="), s("UTF-16")], "A"],
  ["textdecodebase64", [s("/A=="), s("ISO-8859-1")], "ü"],
  ["textdecodebase64", [s("gA=="), s("windows-1252")], "€"],
  ["textdecodebase64", [s("w6k="), s("UTF-8")], "é"],
  ["textdecodebase64", [s("/w=="), s("UTF-8")], {
    error: "the given string contains symbols that are not defined for UTF-8",
    argument: 0
  }],
  ["textdecodebase64", [s("gA=="), s("US-ASCII")], {
    error: "the given string contains symbols that are not defined for US-ASCII",
    argument: 0
  }],
  ["textdecodebase64", [s("QQ=="), s("UTF-16LE")], {
    error: "the given string contains symbols that are not defined for UTF-16LE",
    argument: 0
  }],
  ["textdecodebase64", [s("ab!="), s("UTF-8")], {
    error: "the given value is has an invalid base64 symbol at offset 2",
    argument: 0
  }],
  ["textdecodebase64", [s("YQ=="), s("EBCDIC-XYZ")], {
    error: "\"EBCDIC-XYZ\" is not a supported IANA encoding name or alias in this Terraform version",
    argument: 1
  }],
  ["urlencode", [s("Hello World!")], "Hello+World%21"],
  ["urlencode", [s("☃")], "%E2%98%83"],
  ["urlencode", [s("foo:bar@localhost?foo=bar&bar=baz")], "foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz"],
  ["urlencode", [s("a-b_c.d~e/f")], "a-b_c.d~e%2Ff"]
]

describe("encoding functions", () => {
  it.each(named(cases))("%s", (_, name, args, expected) => {
    expect(call(encodingFunctions, name, args)).toEqual(expected)
  })

  it("base64gzip compresses with a Go-style gzip header", () => {
    const out = call(encodingFunctions, "base64gzip", [s("test ☃ test")]) as string
    const bytes = Buffer.from(out, "base64")
    expect([...bytes.subarray(0, 4)]).toEqual([0x1f, 0x8b, 8, 0])
    expect(bytes[9]).toEqual(0xff)
    expect(Zlib.gunzipSync(bytes).toString("utf8")).toEqual("test ☃ test")
  })

  it("rejects base64 at the offsets Go reports", () => {
    const offset = (text: string) => {
      const r = decodeBase64(new TextEncoder().encode(text))
      return isCorrupt(r) ? r.offset : Buffer.from(r).toString("latin1")
    }
    expect(offset("QUJD")).toEqual("ABC")
    expect(offset("QUJD!")).toEqual(4)
    expect(offset("QQ")).toEqual(0)
    expect(offset("QQ=")).toEqual(3)
    expect(offset("QQ=x")).toEqual(2)
    expect(offset("QUJD=")).toEqual(4)
    expect(offset("QUI=x")).toEqual(4)
    expect(offset("Q===")).toEqual(1)
    expect(offset("QUI=\n")).toEqual("AB")
    expect(offset("QR==")).toEqual("A")
  })
})

describe("encoding properties", () => {
  it("base64decode(base64encode(s)) == s", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const normalized = text.normalize("NFC")
        const encoded = call(encodingFunctions, "base64encode", [s(normalized)]) as string
        expect(encoded).toEqual(Buffer.from(normalized, "utf8").toString("base64"))
        expect(call(encodingFunctions, "base64decode", [s(encoded)])).toEqual(normalized)
      })
    )
  })

  it("textdecodebase64(textencodebase64(s, e), e) == s for the Unicode encodings", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme" }).filter((t) => !t.includes("\ufffd") && !t.startsWith("\ufeff")),
        fc.constantFrom("UTF-8", "UTF-16", "UTF-16LE", "UTF-16BE"),
        (text, encoding) => {
          const normalized = text.normalize("NFC")
          const encoded = call(encodingFunctions, "textencodebase64", [s(normalized), s(encoding)]) as string
          expect(call(encodingFunctions, "textdecodebase64", [s(encoded), s(encoding)])).toEqual(normalized)
        }
      )
    )
  })
})
