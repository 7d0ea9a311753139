/**
 * The tokenizer for HCL native-syntax expressions. It works on char codes of a source string and
 * produces one token at a time (type + offsets) into its own fields, so that scanning allocates
 * nothing. Template bodies (quoted strings, heredocs) are not tokenized here: the template scanner
 * reads them character by character and calls back into the expression parser for `${ }` and
 * `%{ }` sequences.
 *
 * @internal
 */

/** End of input (or of the part of it being parsed). */
export const EOF = 0
/** `\n` or `\r\n`, only produced when newlines are significant. */
export const NEWLINE = 1
export const IDENT = 2
export const NUMBER = 3
/** `"`: the start of a quoted template. */
export const QUOTE = 4
/** `<<EOT` / `<<-EOT` including the newline that ends the introducer line. */
export const HEREDOC = 5
export const LBRACE = 6
export const RBRACE = 7
/** `~}`: the end of a template sequence with a strip marker. */
export const STRIP_RBRACE = 8
export const LBRACK = 9
export const RBRACK = 10
export const LPAREN = 11
export const RPAREN = 12
export const COMMA = 13
export const DOT = 14
export const ELLIPSIS = 15
export const STAR = 16
export const SLASH = 17
export const PERCENT = 18
export const PLUS = 19
export const MINUS = 20
export const BANG = 21
export const ASSIGN = 22
export const EQ = 23
export const NE = 24
export const LT = 25
export const LE = 26
export const GT = 27
export const GE = 28
export const AND = 29
export const OR = 30
export const QUESTION = 31
export const COLON = 32
export const DOUBLE_COLON = 33
export const ARROW = 34
/** A character that has no meaning in the language. */
export const INVALID = 35
/** `/*` without its closing `*\/`. */
export const UNTERMINATED_COMMENT = 36
/** A run of digits, dots and exponents that is not a number (`1.2.3`). */
export const BAD_NUMBER = 37

/** Human-readable token names, for messages. */
export const tokenNames: ReadonlyArray<string> = [
  "end of input",
  "newline",
  "identifier",
  "number",
  "quoted string",
  "heredoc",
  "\"{\"",
  "\"}\"",
  "\"~}\"",
  "\"[\"",
  "\"]\"",
  "\"(\"",
  "\")\"",
  "\",\"",
  "\".\"",
  "\"...\"",
  "\"*\"",
  "\"/\"",
  "\"%\"",
  "\"+\"",
  "\"-\"",
  "\"!\"",
  "\"=\"",
  "\"==\"",
  "\"!=\"",
  "\"<\"",
  "\"<=\"",
  "\">\"",
  "\">=\"",
  "\"&&\"",
  "\"||\"",
  "\"?\"",
  "\":\"",
  "\"::\"",
  "\"=>\"",
  "invalid character",
  "unterminated comment",
  "invalid number"
]

const idStartRe = /\p{ID_Start}/u
const idContinueRe = /\p{ID_Continue}/u

const isAsciiIdStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95

const isAsciiIdContinue = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45

const isDigit = (c: number): boolean => c >= 48 && c <= 57

/** `[0-9]+ ("." [0-9]*)? ([eE] [+-]? [0-9]+)?` over `src[from, to)`, which starts and ends with a digit. */
const isDecimal = (src: string, from: number, to: number): boolean => {
  let i = from
  while (i < to && isDigit(src.charCodeAt(i))) i++
  if (i < to && src.charCodeAt(i) === 46) {
    i++
    while (i < to && isDigit(src.charCodeAt(i))) i++
  }
  if (i < to) {
    const e = src.charCodeAt(i)
    if (e !== 101 && e !== 69) return false
    i++
    const s = src.charCodeAt(i)
    if (s === 43 || s === 45) i++
    if (i >= to) return false
    while (i < to && isDigit(src.charCodeAt(i))) i++
  }
  return i === to
}

/**
 * Length (in UTF-16 code units) of the identifier character at `pos`, or 0 when there is none.
 * `first` selects the ID_Start rule; later characters use ID_Continue plus `-`.
 */
export const identCharLength = (src: string, pos: number, first: boolean): number => {
  const c = src.charCodeAt(pos)
  if (c < 128) return (first ? isAsciiIdStart(c) : isAsciiIdContinue(c)) ? 1 : 0
  if (Number.isNaN(c)) return 0
  const cp = src.codePointAt(pos)!
  const ch = String.fromCodePoint(cp)
  return (first ? idStartRe : idContinueRe).test(ch) ? ch.length : 0
}

/** End offset of the identifier starting at `pos` (which must start one). */
export const scanIdentEnd = (src: string, pos: number, limit: number): number => {
  let i = pos + identCharLength(src, pos, true)
  while (i < limit) {
    const c = src.charCodeAt(i)
    if (c < 128) {
      if (!isAsciiIdContinue(c)) break
      i++
    } else {
      const l = identCharLength(src, i, false)
      if (l === 0) break
      i += l
    }
  }
  return i
}

/**
 * Whitespace as Go's `unicode.IsSpace` defines it (HCL uses it for strip markers and heredoc
 * indentation).
 */
export const isSpace = (c: number): boolean => {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13)
  if (c < 0x85) return false
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 ||
    c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
}

/**
 * A reusable scanner over one source string. `scan` leaves the token in `type`, `start`, `end`.
 */
export class Lexer {
  type = EOF
  start = 0
  end = 0

  constructor(readonly src: string, readonly limit: number) {}

  private set(type: number, start: number, end: number): void {
    this.type = type
    this.start = start
    this.end = end
  }

  /** Scans the next token at or after `pos`, skipping blanks, comments and (unless `newlines`) newlines. */
  scan(pos: number, newlines: boolean): void {
    const src = this.src
    const n = this.limit
    for (;;) {
      if (pos >= n) return this.set(EOF, n, n)
      const c = src.charCodeAt(pos)
      switch (c) {
        case 32:
        case 9: {
          pos++
          continue
        }
        case 13: {
          // a carriage return is only valid as part of \r\n
          if (pos + 1 >= n || src.charCodeAt(pos + 1) !== 10) return this.set(INVALID, pos, pos + 1)
          if (newlines) return this.set(NEWLINE, pos, pos + 2)
          pos += 2
          continue
        }
        case 10: {
          if (newlines) return this.set(NEWLINE, pos, pos + 1)
          pos++
          continue
        }
        case 35: { // #
          pos = this.lineCommentEnd(pos + 1)
          continue
        }
        case 47: { // /
          const d = pos + 1 < n ? src.charCodeAt(pos + 1) : 0
          if (d === 47) {
            pos = this.lineCommentEnd(pos + 2)
            continue
          }
          if (d === 42) {
            const close = src.indexOf("*/", pos + 2)
            if (close < 0 || close + 2 > n) return this.set(UNTERMINATED_COMMENT, pos, n)
            pos = close + 2
            continue
          }
          return this.set(SLASH, pos, pos + 1)
        }
        case 34:
          return this.set(QUOTE, pos, pos + 1)
        case 123:
          return this.set(LBRACE, pos, pos + 1)
        case 125:
          return this.set(RBRACE, pos, pos + 1)
        case 126: // ~
          if (pos + 1 < n && src.charCodeAt(pos + 1) === 125) return this.set(STRIP_RBRACE, pos, pos + 2)
          return this.set(INVALID, pos, pos + 1)
        case 91:
          return this.set(LBRACK, pos, pos + 1)
        case 93:
          return this.set(RBRACK, pos, pos + 1)
        case 40:
          return this.set(LPAREN, pos, pos + 1)
        case 41:
          return this.set(RPAREN, pos, pos + 1)
        case 44:
          return this.set(COMMA, pos, pos + 1)
        case 46: // .
          if (pos + 2 < n && src.charCodeAt(pos + 1) === 46 && src.charCodeAt(pos + 2) === 46) {
            return this.set(ELLIPSIS, pos, pos + 3)
          }
          return this.set(DOT, pos, pos + 1)
        case 42:
          return this.set(STAR, pos, pos + 1)
        case 37:
          return this.set(PERCENT, pos, pos + 1)
        case 43:
          return this.set(PLUS, pos, pos + 1)
        case 45:
          return this.set(MINUS, pos, pos + 1)
        case 33: // !
          if (pos + 1 < n && src.charCodeAt(pos + 1) === 61) return this.set(NE, pos, pos + 2)
          return this.set(BANG, pos, pos + 1)
        case 61: { // =
          const d = pos + 1 < n ? src.charCodeAt(pos + 1) : 0
          if (d === 61) return this.set(EQ, pos, pos + 2)
          if (d === 62) return this.set(ARROW, pos, pos + 2)
          return this.set(ASSIGN, pos, pos + 1)
        }
        case 60: { // <
          const d = pos + 1 < n ? src.charCodeAt(pos + 1) : 0
          if (d === 61) return this.set(LE, pos, pos + 2)
          if (d === 60) {
            const end = this.heredocIntroEnd(pos)
            if (end > 0) return this.set(HEREDOC, pos, end)
          }
          return this.set(LT, pos, pos + 1)
        }
        case 62:
          if (pos + 1 < n && src.charCodeAt(pos + 1) === 61) return this.set(GE, pos, pos + 2)
          return this.set(GT, pos, pos + 1)
        case 38:
          if (pos + 1 < n && src.charCodeAt(pos + 1) === 38) return this.set(AND, pos, pos + 2)
          return this.set(INVALID, pos, pos + 1)
        case 124:
          if (pos + 1 < n && src.charCodeAt(pos + 1) === 124) return this.set(OR, pos, pos + 2)
          return this.set(INVALID, pos, pos + 1)
        case 63:
          return this.set(QUESTION, pos, pos + 1)
        case 58:
          if (pos + 1 < n && src.charCodeAt(pos + 1) === 58) return this.set(DOUBLE_COLON, pos, pos + 2)
          return this.set(COLON, pos, pos + 1)
        default: {
          if (isDigit(c)) return this.number(pos)
          if (identCharLength(src, pos, true) > 0) return this.set(IDENT, pos, scanIdentEnd(src, pos, n))
          const cp = src.codePointAt(pos)!
          return this.set(INVALID, pos, pos + (cp > 0xffff ? 2 : 1))
        }
      }
    }
  }

  /** Offset of the newline that ends a line comment (the newline itself stays in the input). */
  private lineCommentEnd(pos: number): number {
    const nl = this.src.indexOf("\n", pos)
    if (nl < 0 || nl >= this.limit) return this.limit
    return nl > pos && this.src.charCodeAt(nl - 1) === 13 ? nl - 1 : nl
  }

  /**
   * A number literal: as in HCL's scanner, the longest run of digits, dots and exponent markers
   * (`e`, `E`, optionally followed by a sign) that ends with a digit. Runs that are not a valid
   * decimal (`1.2.3`, `9e9.5`) are one invalid token.
   */
  private number(pos: number): void {
    const src = this.src
    const n = this.limit
    let i = pos + 1
    let end = i
    while (i < n) {
      const c = src.charCodeAt(i)
      if (isDigit(c)) end = ++i
      else if (c === 46) i++
      else if (c === 101 || c === 69) {
        i++
        const s = i < n ? src.charCodeAt(i) : 0
        if (s === 43 || s === 45) i++
      } else break
    }
    this.set(isDecimal(src, pos, end) ? NUMBER : BAD_NUMBER, pos, end)
  }

  /** For `<<`, `<<-`: the end of `<<[-]IDENT\n`, or 0 when this is not a heredoc introducer. */
  private heredocIntroEnd(pos: number): number {
    const src = this.src
    const n = this.limit
    let i = pos + 2
    if (i < n && src.charCodeAt(i) === 45) i++
    if (i >= n || identCharLength(src, i, true) === 0) return 0
    i = scanIdentEnd(src, i, n)
    if (i < n && src.charCodeAt(i) === 10) return i + 1
    if (i + 1 < n && src.charCodeAt(i) === 13 && src.charCodeAt(i + 1) === 10) return i + 2
    return 0
  }
}
