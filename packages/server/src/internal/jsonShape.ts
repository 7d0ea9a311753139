/**
 * What a JSON text looks like before it is parsed, found by one linear scan in constant stack:
 * how deeply it nests, whether an object repeats a key, and how many keys an object has.
 * `JSON.parse` and every recursive walk after it (schema decoding, error formatting) can overflow
 * the stack on a body like `[[[[…]]]]`; `JSON.parse` silently keeps the last of two equal keys
 * (`{"a": 1, "a": 2}`); and an object of half a million short keys, well inside the body limit,
 * costs seconds of the serving thread in decoding, digests and copies to a render worker. Such
 * bodies are refused before any of them sees them.
 *
 * @internal
 */

/** Why a JSON text is refused. */
export type ShapeProblem =
  | {
    readonly _tag: "TooDeep"
    /** The limit that was exceeded. */
    readonly maxDepth: number
    /** The byte offset of the bracket that opened one level too many. */
    readonly offset: number
  }
  | {
    readonly _tag: "TooManyItems"
    /** An object with too many keys, or an array with too many elements. */
    readonly container: "object" | "array"
    /** The limit that was exceeded. */
    readonly maxItems: number
    /** The byte offset of the key, or of the comma before the element, one over the limit. */
    readonly offset: number
  }
  | {
    readonly _tag: "DuplicateKey"
    readonly key: string
    /** The byte offset of the second occurrence. */
    readonly offset: number
  }

const quote = 0x22
const backslash = 0x5c
const colon = 0x3a
const openBracket = 0x5b
const closeBracket = 0x5d
const comma = 0x2c
const openBrace = 0x7b
const closeBrace = 0x7d

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

const utf8 = new TextDecoder("utf-8")

const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/**
 * The ends of the strings of one body, found with the native `indexOf` (`Buffer`'s is a memchr; a
 * plain `Uint8Array`'s is a hundred times slower), so a long string (a 6 MiB parameter value) is
 * skipped, not read byte by byte. The next backslash is remembered across strings: searching for
 * it afresh from every string would read the rest of the body once per string when it has few
 * escapes (a body of 500,000 short keys took a minute). Positions only move forward, so each
 * search starts where the last one stopped and the scan stays linear.
 */
class StringEnds {
  /** The next backslash at or after the last search's start; -1: none to the end of the body. */
  private backslash = -2

  constructor(private readonly bytes: Buffer) {}

  private nextBackslash(from: number): number {
    if (this.backslash !== -1 && this.backslash < from) this.backslash = this.bytes.indexOf(backslash, from)
    return this.backslash
  }

  /** The index of the quote that closes a string whose contents start at `from`, or -1. */
  closingQuote(from: number): number {
    let i = from
    let q = this.bytes.indexOf(quote, i)
    for (;;) {
      if (q < 0) return -1
      const b = this.nextBackslash(i)
      if (b < 0 || b > q) return q
      // an escape comes before the quote: skip it and the character it escapes (the quote found
      // is searched again only once it is passed, so many escapes before it stay linear)
      i = b + 2
      if (i > q) q = this.bytes.indexOf(quote, i)
    }
  }
}

/** The bounds {@link shapeProblem} checks. */
export interface ShapeLimits {
  /** The deepest nesting of arrays and objects allowed. */
  readonly maxDepth: number
  /** The most keys one object, and the most elements one array, may have. */
  readonly maxItems: number
}

/**
 * The first place where a JSON body (its UTF-8 bytes) nests arrays and objects more than
 * `maxDepth` levels deep, repeats a key inside one object, or gives one object more than `maxItems`
 * keys or one array more than `maxItems` elements, or `undefined`. Brackets and commas inside
 * strings do not count; the body need not be valid JSON (the parser that runs next reports that).
 * It works on the bytes, so a hostile body is refused before it is ever decoded into a string
 * (the structural characters are ASCII, and no byte of a multi-byte UTF-8 sequence is ASCII).
 * Time is linear in the body; the stack is bounded by `maxDepth`.
 */
export const shapeProblem = (body: Uint8Array, { maxDepth, maxItems }: ShapeLimits): ShapeProblem | undefined => {
  const strings = new StringEnds(asBuffer(body))
  // One entry per open bracket: the keys seen so far in an object, `undefined` in an array.
  const open: Array<Set<string> | undefined> = []
  // One entry per open bracket: the commas seen so far directly inside it (arrays only).
  const commas: Array<number> = []
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!
    if (c === quote) {
      const start = i
      i = strings.closingQuote(i + 1)
      if (i < 0) return undefined // unterminated: the parser says so
      const keys = open[open.length - 1]
      if (keys === undefined) continue
      let next = i + 1
      while (next < body.length && isSpace(body[next]!)) next++
      if (body[next] !== colon) continue
      const raw = utf8.decode(body.subarray(start, i + 1))
      let key: string
      try {
        key = raw.includes("\\") ? JSON.parse(raw) as string : raw.slice(1, -1)
      } catch {
        return undefined // a malformed escape: the parser says so
      }
      if (keys.has(key)) return { _tag: "DuplicateKey", key, offset: start }
      if (keys.size >= maxItems) return { _tag: "TooManyItems", container: "object", maxItems, offset: start }
      keys.add(key)
    } else if (c === openBracket || c === openBrace) {
      if (open.length >= maxDepth) return { _tag: "TooDeep", maxDepth, offset: i }
      open.push(c === openBrace ? new Set() : undefined)
      commas.push(0)
    } else if (c === closeBracket || c === closeBrace) {
      open.pop()
      commas.pop()
    } else if (c === comma && open.length > 0) {
      const top = open.length - 1
      // an array's elements are one more than its commas (objects count their keys above)
      if (open[top] === undefined && ++commas[top]! >= maxItems) {
        return { _tag: "TooManyItems", container: "array", maxItems, offset: i }
      }
    }
  }
  return undefined
}

/**
 * The first place where a text nests deeper than `maxDepth` (`offset` in UTF-16 code units), or
 * `undefined`: {@link shapeProblem} for text already decoded, without the look for repeated keys.
 */
export const exceedsDepth = (
  text: string,
  maxDepth: number
): { readonly maxDepth: number; readonly offset: number } | undefined => {
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

/**
 * A depth check fed a body chunk by chunk while it arrives: the first chunk that opens one level
 * too many yields the problem (offsets count from the start of the body), so a deep body is
 * refused after its first bytes rather than after all of them.
 */
export const depthScanner = (maxDepth: number) => {
  let depth = 0
  let inString = false
  let escaped = false
  let seen = 0
  return (bytes: Uint8Array): ShapeProblem | undefined => {
    const chunk = asBuffer(bytes)
    // the next quote and backslash at or after `i` in this chunk (-1: none), searched natively
    let q = -2
    let b = -2
    for (let i = 0; i < chunk.length; i++) {
      if (inString) {
        if (escaped) {
          escaped = false
          continue
        }
        if (q !== -1 && q < i) q = chunk.indexOf(quote, i)
        if (b !== -1 && b < i) b = chunk.indexOf(backslash, i)
        if (b >= 0 && (q < 0 || b < q)) {
          i = b
          escaped = true
        } else if (q >= 0) {
          i = q
          inString = false
        } else {
          i = chunk.length
        }
        continue
      }
      const c = chunk[i]!
      if (c === quote) inString = true
      else if (c === openBracket || c === openBrace) {
        depth++
        if (depth > maxDepth) return { _tag: "TooDeep", maxDepth, offset: seen + i }
      } else if ((c === closeBracket || c === closeBrace) && depth > 0) depth--
    }
    seen += chunk.length
    return undefined
  }
}

/** A problem as the sentence a 400 answer carries. */
export const describeProblem = (problem: ShapeProblem): string => {
  switch (problem._tag) {
    case "TooDeep":
      return `arrays and objects nest deeper than ${problem.maxDepth} levels (at byte ${problem.offset})`
    case "TooManyItems":
      return problem.container === "object"
        ? `an object has more than ${problem.maxItems} keys (at byte ${problem.offset})`
        : `an array has more than ${problem.maxItems} elements (at byte ${problem.offset})`
    case "DuplicateKey":
      return `the key ${JSON.stringify(problem.key)} appears twice in one object (at byte ${problem.offset})`
  }
}
