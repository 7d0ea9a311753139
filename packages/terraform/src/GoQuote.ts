/**
 * Go's string quoting, as Terraform shows strings: in cty's set order and in the console's output.
 *
 * @since 0.1.0
 */
const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0")
const notPrintable = /[\p{C}\p{Z}]/u
const escapes: Record<string, string> = {
  "\u0007": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\u000b": "\\v",
  "\"": "\\\"",
  "\\": "\\\\"
}

/**
 * Go's `strconv.Quote` (what `%q` prints for a string): the text cty hashes set elements by and
 * `terraform console` prints strings with.
 *
 * @since 0.1.0
 */
export const goQuote = (text: string): string => {
  let out = "\""
  for (const c of text) {
    const escaped = escapes[c]
    if (escaped !== undefined) {
      out += escaped
      continue
    }
    const code = c.codePointAt(0)!
    if (code >= 0x20 && code < 0x7f) out += c
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex(code, 2)}`
    else if (code >= 0xd800 && code <= 0xdfff) out += "\\ufffd"
    else if (!notPrintable.test(c)) out += c
    else if (code < 0x10000) out += `\\u${hex(code, 4)}`
    else out += `\\U${hex(code, 8)}`
  }
  return `${out}"`
}
