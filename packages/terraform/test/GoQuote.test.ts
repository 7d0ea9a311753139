import { describe, expect, it } from "vitest"
import { goQuote, goQuoteRune } from "../src/GoQuote.js"

describe("GoQuote", () => {
  it.each([
    ["plain", "abc", "\"abc\""],
    ["quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\""],
    ["control characters", "\u0007\b\f\n\r\t\u000b\u0001\u007f", "\"\\a\\b\\f\\n\\r\\t\\v\\x01\\x7f\""],
    ["printable non-ASCII", "héllo 世界 🎉", "\"héllo 世界 🎉\""],
    ["non-printable non-ASCII", "\u00a0\u200b\u{e0001}", "\"\\u00a0\\u200b\\U000e0001\""],
    ["lone surrogates read as U+FFFD", "a\ud800b\udc00", "\"a\ufffdb\ufffd\""],
    ["U+FFFD itself is printable", "\ufffd", "\"\ufffd\""]
  ])("goQuote: %s", (_, input, expected) => {
    expect(goQuote(input)).toBe(expected)
  })

  it.each([
    [0x61, "'a'"],
    [0x27, "'\\''"],
    [0x22, "'\"'"],
    [0x0a, "'\\n'"],
    [0x1f389, "'🎉'"]
  ])("goQuoteRune(%d) is %s", (cp, expected) => {
    expect(goQuoteRune(cp)).toBe(expected)
  })
})
