/**
 * A light lexical scan of HCL native syntax: finds block headers (type, labels, position) at the
 * top level and one level below, skipping comments, quoted templates (with nested
 * interpolations), heredocs and expressions. It also measures how deeply the source nests and how
 * long its operator chains are, so that sources which would exhaust the stack of the WASM parser
 * can be refused before they reach it.
 *
 * The scan never throws and always terminates: every step consumes at least one character, and
 * it stops as soon as the nesting limit is passed.
 *
 * @internal
 */

/** A block header found by the scan. */
export interface ScannedBlock {
  readonly type: string
  readonly labels: ReadonlyArray<string>
  /** 1-based line of the block type keyword. */
  readonly line: number
  /** 1-based column (UTF-16 code units) of the block type keyword. */
  readonly column: number
  /** 0-based offset of the block type keyword. */
  readonly offset: number
  /** Headers of the blocks directly inside this one (recorded for top-level blocks only). */
  readonly children: ReadonlyArray<ScannedBlock>
}

/** A top-level attribute found by the scan. */
export interface ScannedAttribute {
  readonly name: string
  readonly line: number
  readonly column: number
  readonly offset: number
}

/** What the scan found. */
export interface ScanResult {
  readonly blocks: ReadonlyArray<ScannedBlock>
  readonly attributes: ReadonlyArray<ScannedAttribute>
  /** Deepest nesting of blocks, brackets, interpolations and template directives seen. */
  readonly maxDepth: number
  /** Largest number of `!`, `-` and `?` operators in one attribute expression. */
  readonly maxOperators: number
  /** The scan stopped early because `maxDepth` passed the limit. */
  readonly aborted: boolean
  /** The first heredoc or block comment that runs to the end of the source unclosed. */
  readonly unterminated: Unterminated | undefined
}

/** A construct opened and never closed (found in one linear pass, before any real parse). */
export interface Unterminated {
  readonly kind: "heredoc" | "comment"
  /** The heredoc marker (`EOF`), `""` for a comment. */
  readonly marker: string
  /** 1-based line and column, 0-based offset of the opening `<<` or `/*`. */
  readonly line: number
  readonly column: number
  readonly offset: number
}

const NL = 10
const CR = 13
const SPACE = 32
const TAB = 9
const HASH = 35
const SLASH = 47
const STAR = 42
const QUOTE = 34
const BACKSLASH = 92
const DOLLAR = 36
const PERCENT = 37
const LBRACE = 123
const RBRACE = 125
const LPAREN = 40
const RPAREN = 41
const LBRACKET = 91
const RBRACKET = 93
const LT = 60
const EQ = 61
const BANG = 33
const MINUS = 45
const QMARK = 63
const TILDE = 126

const isIdentStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c > 127 && c !== 0xfeff && c !== 0xa0)

const isIdentPart = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57) || c === MINUS

class Scanner {
  pos = 0
  line = 1
  lineStart = 0
  depth = 0
  maxDepth = 0
  operators = 0
  maxOperators = 0
  aborted = false
  unterminated: Unterminated | undefined = undefined
  readonly blocks: Array<ScannedBlock> = []
  readonly attributes: Array<ScannedAttribute> = []

  constructor(readonly src: string, readonly depthLimit: number) {}

  enter(): void {
    this.depth++
    if (this.depth > this.maxDepth) {
      this.maxDepth = this.depth
      if (this.depth > this.depthLimit) this.aborted = true
    }
  }

  leave(): void {
    if (this.depth > 0) this.depth--
  }

  operator(): void {
    this.operators++
    if (this.operators > this.maxOperators) this.maxOperators = this.operators
  }

  newline(): void {
    this.pos++
    this.line++
    this.lineStart = this.pos
  }

  /** Skips a `#` / `//` comment up to (not including) the newline. */
  lineComment(): void {
    const src = this.src
    while (this.pos < src.length && src.charCodeAt(this.pos) !== NL) this.pos++
  }

  /** Skips a `/* ... *\/` comment. */
  blockComment(): void {
    const src = this.src
    const opened = { line: this.line, column: this.pos - this.lineStart + 1, offset: this.pos }
    this.pos += 2
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos)
      if (c === STAR && src.charCodeAt(this.pos + 1) === SLASH) {
        this.pos += 2
        return
      }
      if (c === NL) this.newline()
      else this.pos++
    }
    this.unterminated ??= { kind: "comment", marker: "", ...opened }
  }

  /** Skips spaces and comments, and newlines too when `newlines`. Returns at the next token. */
  trivia(newlines: boolean): void {
    const src = this.src
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos)
      if (c === SPACE || c === TAB || c === CR || c === 0xfeff) this.pos++
      else if (c === NL) {
        if (!newlines) return
        this.newline()
      } else if (c === HASH || (c === SLASH && src.charCodeAt(this.pos + 1) === SLASH)) this.lineComment()
      else if (c === SLASH && src.charCodeAt(this.pos + 1) === STAR) this.blockComment()
      else return
    }
  }

  ident(): string {
    const start = this.pos
    const src = this.src
    this.pos++
    while (this.pos < src.length && isIdentPart(src.charCodeAt(this.pos))) this.pos++
    return src.slice(start, this.pos)
  }

  /** Reads a quoted label, decoding the usual escapes. */
  label(): string {
    const src = this.src
    this.pos++
    let out = ""
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos)
      if (c === QUOTE) {
        this.pos++
        return out
      }
      if (c === NL) return out
      if (c === BACKSLASH) {
        const e = src[this.pos + 1]
        if (e === "n") out += "\n"
        else if (e === "t") out += "\t"
        else if (e === "r") out += "\r"
        else if (e === "u" || e === "U") {
          const width = e === "u" ? 4 : 8
          const hex = src.slice(this.pos + 2, this.pos + 2 + width)
          const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === width ? parseInt(hex, 16) : NaN
          if (!Number.isNaN(code) && code <= 0x10ffff) {
            out += String.fromCodePoint(code)
            this.pos += 2 + width
            continue
          }
          out += e
        } else if (e !== undefined) out += e
        this.pos += 2
        continue
      }
      if (
        (c === DOLLAR || c === PERCENT) && src.charCodeAt(this.pos + 1) === c && src.charCodeAt(this.pos + 2) === LBRACE
      ) {
        out += src[this.pos] + "{"
        this.pos += 3
        continue
      }
      out += src[this.pos]
      this.pos++
    }
    return out
  }

  /**
   * Skips a quoted template starting at `"`. Stops after the closing quote, or before a newline
   * when the string is unterminated.
   */
  quoted(): void {
    const src = this.src
    const depthBefore = this.depth
    this.pos++
    while (this.pos < src.length && !this.aborted) {
      const c = src.charCodeAt(this.pos)
      if (c === QUOTE) {
        this.pos++
        break
      }
      if (c === NL) break
      if (c === BACKSLASH) {
        this.pos += 2
        continue
      }
      if (this.templateMarkup(c)) continue
      this.pos++
    }
    this.depth = depthBefore
  }

  /**
   * At character `c` of a quoted string or heredoc: skips a `${`/`%{` sequence or a `$${`/`%%{`
   * escape and returns true; otherwise consumes nothing and returns false.
   */
  templateMarkup(c: number): boolean {
    if (c !== DOLLAR && c !== PERCENT) return false
    const src = this.src
    if (src.charCodeAt(this.pos + 1) === LBRACE) {
      this.templateSequence(c === PERCENT)
      return true
    }
    if (src.charCodeAt(this.pos + 1) === c && src.charCodeAt(this.pos + 2) === LBRACE) {
      this.pos += 3
      return true
    }
    return false
  }

  /** At `${` or `%{`: skips the interpolation or directive up to its closing brace. */
  templateSequence(directive: boolean): void {
    const src = this.src
    this.pos += 2
    if (directive) {
      let p = this.pos
      while (
        p < src.length && (src.charCodeAt(p) === TILDE || src.charCodeAt(p) === SPACE || src.charCodeAt(p) === TAB)
      ) {
        p++
      }
      const word = /^[a-z]+/.exec(src.slice(p, p + 8))?.[0]
      if (word === "if" || word === "for") this.enter()
      else if (word === "endif" || word === "endfor") this.leave()
    }
    this.enter()
    this.expression(true)
    this.leave()
  }

  /**
   * At `<<`: when a heredoc introducer follows, skips the whole heredoc (scanning its
   * interpolations) and returns true; otherwise consumes nothing and returns false.
   */
  heredoc(): boolean {
    const src = this.src
    const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(src.slice(this.pos, this.pos + 256))
    if (m === null) return false
    const marker = m[2]!
    const opened = { line: this.line, column: this.pos - this.lineStart + 1, offset: this.pos }
    this.pos += m[0].length
    this.line++
    this.lineStart = this.pos
    const depthBefore = this.depth
    let atLineStart = true
    while (this.pos < src.length && !this.aborted) {
      if (atLineStart) {
        let p = this.pos
        while (p < src.length && (src.charCodeAt(p) === SPACE || src.charCodeAt(p) === TAB)) p++
        if (src.startsWith(marker, p)) {
          let q = p + marker.length
          while (
            q < src.length && (src.charCodeAt(q) === SPACE || src.charCodeAt(q) === TAB || src.charCodeAt(q) === CR)
          ) {
            q++
          }
          if (q >= src.length || src.charCodeAt(q) === NL) {
            this.pos = p + marker.length
            this.depth = depthBefore
            return true
          }
        }
        atLineStart = false
      }
      const c = src.charCodeAt(this.pos)
      if (c === NL) {
        this.newline()
        atLineStart = true
        continue
      }
      if (this.templateMarkup(c)) continue
      this.pos++
    }
    if (!this.aborted) this.unterminated ??= { kind: "heredoc", marker, ...opened }
    this.depth = depthBefore
    return true
  }

  /**
   * Skips an expression. In a template sequence (`inTemplate`) it ends after the `}` that closes
   * the sequence; otherwise it ends before a newline or an unmatched closing bracket.
   */
  expression(inTemplate: boolean): void {
    const src = this.src
    let nesting = 0
    while (this.pos < src.length && !this.aborted) {
      const c = src.charCodeAt(this.pos)
      if (c === NL) {
        if (nesting === 0 && !inTemplate) return
        this.newline()
      } else if (c === HASH || (c === SLASH && src.charCodeAt(this.pos + 1) === SLASH)) this.lineComment()
      else if (c === SLASH && src.charCodeAt(this.pos + 1) === STAR) this.blockComment()
      else if (c === QUOTE) this.quoted()
      else if (c === LT && src.charCodeAt(this.pos + 1) === LT) {
        if (!this.heredoc()) this.pos += 2
      } else if (c === LPAREN || c === LBRACKET || c === LBRACE) {
        nesting++
        this.enter()
        this.pos++
      } else if (c === RPAREN || c === RBRACKET || c === RBRACE) {
        if (nesting === 0) {
          if (inTemplate && c === RBRACE) this.pos++
          if (inTemplate && c !== RBRACE) {
            this.pos++
            continue
          }
          return
        }
        nesting--
        this.leave()
        this.pos++
      } else if (c === BANG || c === MINUS || c === QMARK) {
        this.operator()
        this.pos++
      } else if (isIdentStart(c)) this.ident()
      else this.pos++
    }
  }

  /** Scans a body (the file, or a block's contents) up to its closing brace (not consumed). */
  body(level: number, out: Array<ScannedBlock> | undefined): void {
    const src = this.src
    while (this.pos < src.length && !this.aborted) {
      this.trivia(true)
      if (this.pos >= src.length) return
      const c = src.charCodeAt(this.pos)
      if (c === RBRACE) {
        if (level > 0) return
        this.pos++
        continue
      }
      if (!isIdentStart(c)) {
        this.operators = 0
        const before = this.pos
        this.expression(false)
        if (this.pos === before) this.pos++
        continue
      }
      const offset = this.pos
      const line = this.line
      const column = offset - this.lineStart + 1
      const name = this.ident()
      const labels: Array<string> = []
      for (;;) {
        this.trivia(false)
        const d = src.charCodeAt(this.pos)
        if (d === QUOTE) labels.push(this.label())
        else if (this.pos < src.length && isIdentStart(d)) labels.push(this.ident())
        else break
      }
      const d = src.charCodeAt(this.pos)
      if (d === LBRACE) {
        this.pos++
        this.enter()
        const children: Array<ScannedBlock> = []
        const block: ScannedBlock = { type: name, labels, line, column, offset, children }
        if (out !== undefined) out.push(block)
        this.body(level + 1, level === 0 ? children : undefined)
        if (src.charCodeAt(this.pos) === RBRACE) this.pos++
        this.leave()
        continue
      }
      this.operators = 0
      if (d === EQ && src.charCodeAt(this.pos + 1) !== EQ && labels.length === 0) {
        this.pos++
        if (level === 0) this.attributes.push({ name, line, column, offset })
      }
      const before = this.pos
      this.expression(false)
      if (this.pos === before && this.pos < src.length && src.charCodeAt(this.pos) !== NL) {
        if (src.charCodeAt(this.pos) !== RBRACE || level === 0) this.pos++
      }
    }
  }
}

/** The default nesting limit: far beyond real templates, far below what exhausts the stack. */
export const defaultDepthLimit = 256

/**
 * Scans `source` for block headers and nesting. Stops early (with `aborted`) once nesting passes
 * `depthLimit`.
 */
export const scan = (source: string, depthLimit: number = defaultDepthLimit): ScanResult => {
  const scanner = new Scanner(source, depthLimit)
  scanner.body(0, scanner.blocks)
  return {
    blocks: scanner.blocks,
    attributes: scanner.attributes,
    maxDepth: scanner.maxDepth,
    maxOperators: scanner.maxOperators,
    aborted: scanner.aborted,
    unterminated: scanner.unterminated
  }
}
