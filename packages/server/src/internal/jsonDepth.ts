/**
 * How deeply a JSON text nests, found by one linear scan before the text is parsed: `JSON.parse`
 * and every recursive walk after it (schema decoding, error formatting) can overflow the stack
 * on a body like `[[[[…]]]]`, so such a body is refused before any of them sees it.
 */

/** Where a JSON text first nests deeper than allowed. */
export interface TooDeep {
  /** The limit that was exceeded. */
  readonly maxDepth: number
  /** The UTF-16 offset of the bracket that opened one level too many. */
  readonly offset: number
}

const quote = 0x22
const backslash = 0x5c
const openBracket = 0x5b
const closeBracket = 0x5d
const openBrace = 0x7b
const closeBrace = 0x7d

/**
 * The first place where `text` nests arrays and objects more than `maxDepth` levels deep, or
 * `undefined`. Brackets inside strings do not count; the text need not be valid JSON (the parser
 * that runs next reports that). Runs in time linear in the text and in constant stack.
 */
export const exceedsDepth = (text: string, maxDepth: number): TooDeep | undefined => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === backslash) i++
      else if (c === quote) inString = false
      continue
    }
    if (c === quote) inString = true
    else if (c === openBracket || c === openBrace) {
      depth++
      if (depth > maxDepth) return { maxDepth, offset: i }
    } else if ((c === closeBracket || c === closeBrace) && depth > 0) depth--
  }
  return undefined
}
