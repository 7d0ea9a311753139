/**
 * A linear pre-check of JSON text: how deeply its arrays and objects nest. Decoding and every
 * later walk of a decoded document (normalising `.tf.json`, compiling its bodies, converting
 * values) recurse once per level, so a document nested deeper than the budget is refused before
 * it is decoded, with the position where it passed the limit. No recursion, no allocation.
 *
 * @internal
 */

/** Where the nesting first passed the limit. */
export interface TooDeep {
  /** 0-based offset of the bracket that opened one level too many. */
  readonly offset: number
  /** 1-based line and column (UTF-16 code units). */
  readonly line: number
  readonly column: number
}

/**
 * The first place where `text` nests more than `limit` levels, or `undefined` when it never
 * does. Brackets inside strings do not count; malformed JSON is left to the decoder.
 */
export const tooDeep = (text: string, limit: number): TooDeep | undefined => {
  let depth = 0
  let line = 1
  let lineStart = 0
  const n = text.length
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // a string: skip to its closing quote, honouring escapes
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i)
        if (d === 0x5c) i++
        else if (d === 0x22) break
        else if (d === 0x0a) {
          line++
          lineStart = i + 1
        }
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return { offset: i, line, column: i - lineStart + 1 }
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--
    } else if (c === 0x0a) {
      line++
      lineStart = i + 1
    }
  }
  return undefined
}

/** The same check on an already decoded document (values given by API callers), without recursion. */
export const valueTooDeep = (value: unknown, limit: number): boolean => {
  const stack: Array<readonly [unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [v, d] = stack.pop()!
    if (typeof v !== "object" || v === null) continue
    if (d + 1 > limit) return true
    if (Array.isArray(v)) { for (const x of v) stack.push([x, d + 1]) }
    else for (const x of Object.values(v)) stack.push([x, d + 1])
  }
  return false
}
