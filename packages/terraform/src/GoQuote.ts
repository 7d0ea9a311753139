/**
 * Go's string quoting, as Terraform shows strings: in cty's set order, in the console's output
 * and in function error messages (`%q`).
 *
 * @since 0.1.0
 */
const printableRune = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0")

const quoteRuneInto = (cp: number, ch: string, quote: number): string => {
  if (cp === quote || cp === 0x5c) return "\\" + ch
  if (cp >= 0x20 && cp < 0x7f) return ch
  switch (cp) {
    case 0x07:
      return "\\a"
    case 0x08:
      return "\\b"
    case 0x0c:
      return "\\f"
    case 0x0a:
      return "\\n"
    case 0x0d:
      return "\\r"
    case 0x09:
      return "\\t"
    case 0x0b:
      return "\\v"
  }
  if (cp < 0x80) return "\\x" + hex(cp, 2)
  if (cp >= 0xd800 && cp <= 0xdfff) return "\ufffd"
  if (printableRune.test(ch)) return ch
  return cp < 0x10000 ? "\\u" + hex(cp, 4) : "\\U" + hex(cp, 8)
}

/**
 * Go's `strconv.Quote` (what `%q` prints for a string): the text cty hashes set elements by,
 * `terraform console` prints strings with, and Go error messages quote strings with. A lone
 * surrogate (which a Go string cannot hold) is the replacement character U+FFFD, as Go's
 * UTF-8 decoding reads an invalid sequence.
 *
 * @since 0.1.0
 * @category quoting
 */
export const goQuote = (text: string): string => {
  let out = "\""
  for (const ch of text) out += quoteRuneInto(ch.codePointAt(0)!, ch, 0x22)
  return out + "\""
}

/**
 * Go's `strconv.QuoteRune` (`%q` of a rune).
 *
 * @since 0.1.0
 * @category quoting
 */
export const goQuoteRune = (cp: number): string => `'${quoteRuneInto(cp, String.fromCodePoint(cp), 0x27)}'`
