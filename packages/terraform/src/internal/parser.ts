/**
 * Recursive-descent parser for HCL native-syntax expressions (precedence climbing for binary
 * operators). It stops at the first syntax error: the error becomes a diagnostic, the node being
 * built is completed with `NullLiteral` placeholders, and every later token reads as end of input,
 * so that parsing always terminates in one linear pass.
 *
 * Nesting is bounded twice: by the recursion depth of the parser itself and by the nesting
 * height of the tree it builds, as the tree's consumers recurse. Left-leaning chains are not
 * nesting: a chain of binary operations (`1 + 1 + ... + 1`) or of attribute and index steps
 * (`a.b[0].c`) is parsed in a loop and walked in a loop by the compiler and `References`, so it
 * counts as one level above its deepest operand, however long it is.
 *
 * @internal
 */
import type * as Ast from "../Ast.js"
import type { Diagnostic, Pos } from "../Diagnostic.js"
import * as D from "../Diagnostic.js"
import * as L from "./lexer.js"
import { SourceMap } from "./lexSource.js"
import { scanTemplate, TemplateMode } from "./template.js"

/** Options shared by every entry point. */
export interface ParserConfig {
  readonly file: string
  readonly start: Pos | undefined
  readonly maxDepth: number
  /** Accept a heredoc closing marker followed directly by `}` or the end of input (hcl2json output). */
  readonly lenientHeredocEnd: boolean
}

const binaryPrecedence = (t: number): number => {
  switch (t) {
    case L.OR:
      return 1
    case L.AND:
      return 2
    case L.EQ:
    case L.NE:
      return 3
    case L.LT:
    case L.LE:
    case L.GT:
    case L.GE:
      return 4
    case L.PLUS:
    case L.MINUS:
      return 5
    case L.STAR:
    case L.SLASH:
    case L.PERCENT:
      return 6
    default:
      return 0
  }
}

const binaryOperator = (t: number): Ast.BinaryOperator => {
  switch (t) {
    case L.OR:
      return "||"
    case L.AND:
      return "&&"
    case L.EQ:
      return "=="
    case L.NE:
      return "!="
    case L.LT:
      return "<"
    case L.LE:
      return "<="
    case L.GT:
      return ">"
    case L.GE:
      return ">="
    case L.PLUS:
      return "+"
    case L.MINUS:
      return "-"
    case L.STAR:
      return "*"
    case L.SLASH:
      return "/"
    default:
      return "%"
  }
}

/** A static traversal (`a.b`, `a[0]`, `a["k"]`): what HCL rejects as a bare object key. */
const isStaticTraversal = (e: Ast.Expression): boolean => {
  let cur = e
  let steps = 0
  for (;;) {
    if (cur._tag === "GetAttr") cur = cur.object
    else if (cur._tag === "Index") {
      const k = cur.key._tag
      if (k !== "NumberLiteral" && k !== "StringLiteral" && k !== "BoolLiteral" && k !== "NullLiteral") return false
      cur = cur.collection
    } else return steps > 0 && cur._tag === "Variable"
    steps++
  }
}

/**
 * The parser state over one source string. Fields are public for the template scanner.
 */
export class Parser {
  readonly lexer: L.Lexer
  readonly map: SourceMap
  readonly maxDepth: number
  readonly lenientHeredocEnd: boolean
  readonly diagnostics: Array<Diagnostic> = []
  /** Current offset: everything before it has been consumed. */
  pos = 0
  /** Whether newlines are tokens (inside object constructors) or blanks (everywhere else). */
  newlines = false
  /** Recursion depth of expression parsing. */
  nesting = 0
  /** Height of the tree returned by the last parse function. */
  h = 0
  /** Set by the first error: from then on every token reads as end of input. */
  fatal = false

  private peekPos = -1
  private peekNewlines = false
  /** The peeked token. */
  tt = L.EOF
  ts = 0
  te = 0

  constructor(readonly src: string, readonly limit: number, config: ParserConfig) {
    this.lexer = new L.Lexer(src, limit)
    this.map = new SourceMap(src, config.file, config.start)
    this.maxDepth = config.maxDepth
    this.lenientHeredocEnd = config.lenientHeredocEnd
  }

  // ---------------------------------------------------------------------------------------------
  // tokens

  /** Type of the next token (cached; `ts`/`te` hold its offsets). */
  peek(): number {
    if (this.fatal) {
      this.tt = L.EOF
      this.ts = this.te = this.pos
      return L.EOF
    }
    if (this.peekPos !== this.pos || this.peekNewlines !== this.newlines) {
      this.lexer.scan(this.pos, this.newlines)
      this.peekPos = this.pos
      this.peekNewlines = this.newlines
      this.tt = this.lexer.type
      this.ts = this.lexer.start
      this.te = this.lexer.end
    }
    return this.tt
  }

  /** Consumes the peeked token. */
  next(): void {
    this.pos = this.te
  }

  /** Peeks, ignoring newlines even where they are tokens. */
  peekIgnoringNewlines(): number {
    const saved = this.newlines
    this.newlines = false
    const t = this.peek()
    this.newlines = saved
    return t
  }

  tokenText(): string {
    return this.src.slice(this.ts, this.te)
  }

  isKeyword(word: string): boolean {
    return this.tt === L.IDENT && this.te - this.ts === word.length && this.src.startsWith(word, this.ts)
  }

  // ---------------------------------------------------------------------------------------------
  // errors and limits

  /** Records the first error and stops the parse. Returns a placeholder for the missing node. */
  fail(summary: string, detail: string, start: number, end: number): Ast.NullLiteral {
    if (!this.fatal) {
      this.fatal = true
      this.diagnostics.push(D.error(summary, detail, { range: this.map.range(start, end) }))
    }
    this.h = 1
    return { _tag: "NullLiteral", range: this.map.range(start, end) }
  }

  /** Records an error that does not stop the parse (the syntax is fine, the meaning is not). */
  report(summary: string, detail: string, start: number, end: number): void {
    if (!this.fatal) this.diagnostics.push(D.error(summary, detail, { range: this.map.range(start, end) }))
  }

  /** Fails at the peeked token with a message that depends on what it is. */
  failUnexpected(summary: string, detail: string): Ast.NullLiteral {
    const t = this.peek()
    if (t === L.INVALID) {
      const c = this.src.charCodeAt(this.ts)
      if (c === 126 || c === 38 || c === 124 || c === 94) {
        return this.fail(
          "Unsupported operator",
          `HCL has no bitwise operators: ${
            JSON.stringify(this.tokenText())
          } is not an operator (booleans use ! && ||).`,
          this.ts,
          this.te
        )
      }
      return this.fail(
        "Invalid character",
        `The character ${JSON.stringify(this.tokenText())} has no meaning in an expression.`,
        this.ts,
        this.te
      )
    }
    if (t === L.UNTERMINATED_COMMENT) {
      return this.fail("Unterminated comment", "This /* comment has no closing */.", this.ts, this.ts + 2)
    }
    if (t === L.BAD_NUMBER) {
      return this.fail(
        "Invalid number literal",
        `${JSON.stringify(this.tokenText())} is not a number.`,
        this.ts,
        this.te
      )
    }
    return this.fail(summary, detail, this.ts, this.te)
  }

  tooDeep(start: number, end: number): Ast.NullLiteral {
    if (!this.fatal) {
      this.fatal = true
      this.diagnostics.push(
        D.error(
          "Expression too deeply nested",
          `This expression nests more than ${this.maxDepth} levels deep, which is more than warmpool accepts ` +
            "(maxNestingDepth).",
          { range: this.map.range(start, end), code: "resource_limit" }
        )
      )
    }
    this.h = 1
    return { _tag: "NullLiteral", range: this.map.range(start, end) }
  }

  /** Enters one level of recursion; false (after the diagnostic) when that is one too many. */
  enter(start: number): boolean {
    if (++this.nesting > this.maxDepth) {
      this.nesting--
      this.tooDeep(start, Math.min(start + 1, this.limit))
      return false
    }
    return true
  }

  /** Sets the height of the node just built, failing when the tree grew too tall. */
  height(h: number, start: number, end: number): void {
    this.h = h
    if (h > this.maxDepth) this.tooDeep(start, end)
  }

  // ---------------------------------------------------------------------------------------------
  // expressions

  /**
   * A full expression, conditional included. (The conditional is parsed here rather than in a
   * function of its own: every nesting level costs stack frames, and fewer frames per level is
   * more levels before the JavaScript stack runs out.)
   */
  parseExpression(): Ast.Expression {
    this.peek()
    const start = this.ts
    if (!this.enter(start)) return this.fail("", "", start, start)
    const condition = this.parseBinary(1)
    if (this.peek() !== L.QUESTION) {
      this.nesting--
      return condition
    }
    const hc = this.h
    this.next()
    const then = this.parseExpression()
    const ht = this.h
    if (this.peek() !== L.COLON) {
      this.failUnexpected(
        "Missing false expression in conditional",
        "A conditional needs \":\" and a result for the false case after its true result."
      )
    } else this.next()
    const otherwise = this.parseExpression()
    const end = otherwise.range.end.offset - this.map.start.offset
    this.height(Math.max(hc, ht, this.h) + 1, start, end)
    this.nesting--
    return { _tag: "Conditional", condition, then, else: otherwise, range: this.map.range(start, end) }
  }

  private parseBinary(minPrecedence: number): Ast.Expression {
    this.peek()
    const start = this.ts
    let left = this.parseUnary()
    // the deepest operand of the chain so far (the chain itself is one level above it)
    let inner = this.h
    let chained = false
    for (;;) {
      const t = this.peek()
      const precedence = binaryPrecedence(t)
      if (precedence === 0 || precedence < minPrecedence) break
      this.next()
      const right = this.parseBinary(precedence + 1)
      const end = this.endOf(right)
      left = { _tag: "Binary", operator: binaryOperator(t), left, right, range: this.map.range(start, end) }
      inner = Math.max(inner, this.h)
      chained = true
      this.height(inner + 1, start, end)
    }
    this.h = chained ? inner + 1 : inner
    return left
  }

  private parseUnary(): Ast.Expression {
    const t = this.peek()
    if (t !== L.MINUS && t !== L.BANG) {
      const begin = this.ts
      return this.parseTraversals(this.parseTerm(), begin)
    }
    const start = this.ts
    this.next()
    if (!this.enter(start)) return this.fail("", "", start, start)
    const operand = this.parseUnary()
    this.nesting--
    const end = this.endOf(operand)
    this.height(this.h + 1, start, end)
    return { _tag: "Unary", operator: t === L.MINUS ? "-" : "!", operand, range: this.map.range(start, end) }
  }

  /** Offset (in `src`) where a node ends. */
  endOf(e: { readonly range: { readonly end: Pos } }): number {
    return e.range.end.offset - this.map.start.offset
  }

  /** Attribute access, indexing and splats applied to `source` (which starts at `start`). */
  parseTraversals(source: Ast.Expression, start: number): Ast.Expression {
    let e = source
    let h = this.h
    // height of a chain of attribute / index steps: one above its source and its deepest key
    let base = h
    let keys = 0
    const step = (): number => Math.max(base, keys) + 1
    for (;;) {
      const t = this.peek()
      if (t === L.DOT) {
        const dot = this.ts
        this.next()
        const a = this.peek()
        if (a === L.IDENT) {
          const name = this.tokenText()
          this.next()
          e = { _tag: "GetAttr", object: e, name, range: this.map.range(start, this.te) }
          h = Math.max(h, step())
          this.height(h, start, this.te)
        } else if (a === L.NUMBER || a === L.BAD_NUMBER) {
          e = this.legacyIndex(e, start)
          h = Math.max(h, step())
          this.height(h, start, this.te)
        } else if (a === L.STAR) {
          const markerEnd = this.te
          this.next()
          const anon: Ast.AnonSymbol = { _tag: "AnonSymbol", range: this.map.range(dot, markerEnd) }
          let each: Ast.Expression = anon
          let he = 1
          let end = markerEnd
          while (!this.fatal && this.peek() === L.DOT) {
            this.next()
            const b = this.peek()
            if (b === L.IDENT) {
              each = { _tag: "GetAttr", object: each, name: this.tokenText(), range: this.map.range(dot, this.te) }
            } else if (b === L.NUMBER || b === L.BAD_NUMBER) {
              each = this.legacyIndex(each, dot)
            } else if (b === L.STAR) {
              this.fail(
                "Nested splat expression not allowed",
                "An attribute-only splat (.*) cannot contain another splat.",
                this.ts,
                this.te
              )
              break
            } else {
              this.failUnexpected("Invalid attribute name", "A dot must be followed by an attribute name.")
              break
            }
            end = this.te
            if (!this.fatal) this.next()
            he = 2
          }
          e = { _tag: "Splat", source: e, each, full: false, range: this.map.range(start, end) }
          h = Math.max(h, he) + 1
          this.height(h, start, end)
          base = h
          keys = 0
        } else {
          this.failUnexpected("Invalid attribute name", "A dot must be followed by an attribute name.")
          this.h = h
          return e
        }
        continue
      }
      if (t === L.LBRACK) {
        const open = this.ts
        this.next()
        const saved = this.newlines
        this.newlines = false
        if (this.peek() === L.STAR) {
          this.next()
          if (this.peek() !== L.RBRACK) {
            this.failUnexpected(
              "Missing close bracket on splat index",
              "The \"*\" of a full splat must be followed directly by \"]\"."
            )
            this.newlines = saved
            this.h = h
            return e
          }
          const markerEnd = this.te
          this.next()
          this.newlines = saved
          if (!this.enter(open)) return e
          const anon: Ast.AnonSymbol = { _tag: "AnonSymbol", range: this.map.range(open, markerEnd) }
          this.h = 1
          const each = this.parseTraversals(anon, open)
          this.nesting--
          const end = Math.max(markerEnd, this.endOf(each))
          e = { _tag: "Splat", source: e, each, full: true, range: this.map.range(start, end) }
          h = Math.max(h, this.h) + 1
          this.height(h, start, end)
          base = h
          keys = 0
          continue
        }
        const key = this.parseExpression()
        const hk = this.h
        if (this.peek() !== L.RBRACK) {
          this.failUnexpected("Missing close bracket on index", "An index must end with \"]\".")
        } else this.next()
        this.newlines = saved
        e = { _tag: "Index", collection: e, key, range: this.map.range(start, this.pos) }
        keys = Math.max(keys, hk)
        h = Math.max(h, step())
        this.height(h, start, this.pos)
        continue
      }
      break
    }
    this.h = h
    return e
  }

  /** `.0` after a value: the legacy index syntax (the peeked token is a number). */
  private legacyIndex(collection: Ast.Expression, start: number): Ast.Expression {
    const text = this.tokenText()
    if (this.tt === L.BAD_NUMBER || text.includes(".")) {
      return this.fail(
        "Invalid legacy index syntax",
        `Two legacy indexes cannot be chained; write ${
          text.split(".").filter((s) => s !== "").map((s) => `[${s}]`).join("")
        } instead.`,
        this.ts,
        this.te
      )
    }
    const key: Ast.NumberLiteral = { _tag: "NumberLiteral", text, range: this.map.range(this.ts, this.te) }
    this.next()
    return { _tag: "Index", collection, key, range: this.map.range(start, this.pos) }
  }

  private parseTerm(): Ast.Expression {
    const t = this.peek()
    const start = this.ts
    switch (t) {
      case L.NUMBER: {
        const text = this.tokenText()
        this.next()
        this.h = 1
        return { _tag: "NumberLiteral", text, range: this.map.range(start, this.pos) }
      }
      case L.IDENT: {
        const end = this.te
        const name = this.tokenText()
        this.next()
        const n = this.peek()
        if (n === L.LPAREN || n === L.DOUBLE_COLON) return this.parseCall(name, start, end)
        this.h = 1
        const range = this.map.range(start, end)
        if (name === "true") return { _tag: "BoolLiteral", value: true, range }
        if (name === "false") return { _tag: "BoolLiteral", value: false, range }
        if (name === "null") return { _tag: "NullLiteral", range }
        return { _tag: "Variable", name, range }
      }
      case L.LPAREN: {
        this.next()
        const saved = this.newlines
        this.newlines = false
        const expression = this.parseExpression()
        const hi = this.h
        if (this.peek() !== L.RPAREN) {
          this.failUnexpected("Unbalanced parentheses", "An opening \"(\" needs a matching \")\" after the expression.")
        } else this.next()
        this.newlines = saved
        this.height(hi + 1, start, this.pos)
        return { _tag: "Parens", expression, range: this.map.range(start, this.pos) }
      }
      case L.QUOTE: {
        this.next()
        return scanTemplate(this, TemplateMode.Quoted, start, this.pos, "", false)
      }
      case L.HEREDOC: {
        const flush = this.src.charCodeAt(start + 2) === 45
        const markerStart = start + (flush ? 3 : 2)
        let markerEnd = this.te - 1
        if (this.src.charCodeAt(markerEnd - 1) === 13) markerEnd--
        this.next()
        return scanTemplate(this, TemplateMode.Heredoc, start, this.pos, this.src.slice(markerStart, markerEnd), flush)
      }
      case L.LBRACK:
        return this.parseTuple()
      case L.LBRACE:
        return this.parseObject()
      case L.EOF:
        return this.fail("Missing expression", "An expression was expected here, but the input ended.", start, start)
      default:
        return this.failUnexpected("Invalid expression", `An expression cannot start with ${L.tokenNames[t]}.`)
    }
  }

  private parseCall(first: string, start: number, firstEnd: number): Ast.Expression {
    let name = first
    let nameEnd = firstEnd
    while (this.peek() === L.DOUBLE_COLON) {
      this.next()
      if (this.peek() !== L.IDENT) {
        return this.failUnexpected("Missing function name", "\"::\" must be followed by a name.")
      }
      name += "::" + this.tokenText()
      nameEnd = this.te
      this.next()
    }
    if (this.peek() !== L.LPAREN) {
      return this.failUnexpected(
        "Missing open parenthesis",
        "A namespaced function name must be followed by \"(\" and the call's arguments."
      )
    }
    this.next()
    const saved = this.newlines
    this.newlines = false
    const args: Array<Ast.Expression> = []
    let expandFinal = false
    let h = 0
    for (;;) {
      if (this.peek() === L.RPAREN || this.fatal) break
      args.push(this.parseExpression())
      h = Math.max(h, this.h)
      const t = this.peek()
      if (t === L.ELLIPSIS) {
        const dots = this.ts
        this.next()
        expandFinal = true
        if (this.peek() !== L.RPAREN) {
          this.fail(
            "Missing closing parenthesis",
            "An argument expanded with \"...\" must be the last one, directly followed by \")\".",
            dots,
            dots + 3
          )
        }
        break
      }
      if (t === L.RPAREN) break
      if (t === L.COMMA) {
        this.next()
        continue
      }
      if (t === L.EOF && !this.fatal) {
        this.fail(
          "Unterminated function call",
          "The input ended before the \")\" that closes this function call.",
          start,
          nameEnd + 1
        )
      } else this.failUnexpected("Missing argument separator", "Function arguments must be separated by commas.")
      break
    }
    if (this.peek() === L.RPAREN) this.next()
    this.newlines = saved
    this.height(h + 1, start, this.pos)
    return {
      _tag: "FunctionCall",
      name,
      args,
      expandFinal,
      nameRange: this.map.range(start, nameEnd),
      range: this.map.range(start, this.pos)
    }
  }

  private parseTuple(): Ast.Expression {
    const start = this.ts
    this.next()
    const saved = this.newlines
    this.newlines = false
    this.peek()
    if (this.isKeyword("for")) {
      const e = this.parseFor(start, false)
      this.newlines = saved
      return e
    }
    const elements: Array<Ast.Expression> = []
    let h = 0
    for (;;) {
      if (this.peek() === L.RBRACK || this.fatal) break
      elements.push(this.parseExpression())
      h = Math.max(h, this.h)
      const n = this.peek()
      if (n === L.RBRACK) break
      if (n === L.COMMA) {
        this.next()
        continue
      }
      if (n === L.EOF && !this.fatal) {
        this.fail(
          "Unterminated tuple constructor expression",
          "The input ended before the \"]\" that closes this tuple.",
          start,
          start + 1
        )
      } else this.failUnexpected("Missing item separator", "Tuple elements must be separated by commas.")
      break
    }
    if (this.peek() === L.RBRACK) this.next()
    this.newlines = saved
    this.height(h + 1, start, this.pos)
    return { _tag: "Tuple", elements, range: this.map.range(start, this.pos) }
  }

  private parseObject(): Ast.Expression {
    const start = this.ts
    this.next()
    const saved = this.newlines
    this.newlines = true
    this.peekIgnoringNewlines()
    if (this.isKeyword("for")) {
      this.newlines = false
      const e = this.parseFor(start, true)
      this.newlines = saved
      return e
    }
    const items: Array<Ast.ObjectItem> = []
    let h = 0
    const unterminated = () =>
      this.fail(
        "Unterminated object constructor expression",
        "The input ended before the \"}\" that closes this object.",
        start,
        start + 1
      )
    for (;;) {
      const t = this.peek()
      if (t === L.NEWLINE) {
        this.next()
        continue
      }
      if (t === L.RBRACE || this.fatal) break
      const keyStart = this.ts
      const keyExpression = this.parseExpression()
      h = Math.max(h, this.h)
      const keyEnd = this.endOf(keyExpression)
      const keyRange = this.map.range(keyStart, keyEnd)
      let key: Ast.ObjectKey
      const kt = keyExpression._tag
      if (kt === "Variable") key = { _tag: "ObjectKeyName", name: keyExpression.name, range: keyRange }
      else if (kt === "BoolLiteral" || (kt === "NullLiteral" && !this.fatal)) {
        key = { _tag: "ObjectKeyName", name: this.src.slice(keyStart, keyEnd), range: keyRange }
      } else {
        if (isStaticTraversal(keyExpression)) {
          this.report(
            "Ambiguous attribute key",
            "A key written as a reference with dots or indexes is ambiguous: put it in parentheses to use the " +
              "referenced value, or in quotes to use it literally as a name.",
            keyStart,
            keyEnd
          )
        }
        key = { _tag: "ObjectKeyExpression", expression: keyExpression, range: keyRange }
      }
      const s = this.peek()
      if (s === L.ASSIGN || s === L.COLON) this.next()
      else {
        if (s === L.EOF && !this.fatal) unterminated()
        else if (s === L.COMMA || s === L.NEWLINE) {
          this.failUnexpected("Missing attribute value", "An object key must be followed by \"=\" and the value.")
        } else {
          this.failUnexpected(
            "Missing key/value separator",
            "An object key must be followed by \"=\" (or \":\") and the value."
          )
        }
        items.push({ key, value: this.fail("", "", this.pos, this.pos) })
        break
      }
      const value = this.parseExpression()
      h = Math.max(h, this.h)
      items.push({ key, value })
      const n = this.peek()
      if (n === L.RBRACE) break
      if (n === L.COMMA || n === L.NEWLINE) {
        this.next()
        continue
      }
      if (n === L.EOF) {
        if (!this.fatal) unterminated()
      } else {
        this.failUnexpected(
          "Missing attribute separator",
          "Object items must be separated by a comma or a newline."
        )
      }
      break
    }
    if (this.peek() === L.RBRACE) this.next()
    this.newlines = saved
    this.height(h + 1, start, this.pos)
    return { _tag: "ObjectCons", items, range: this.map.range(start, this.pos) }
  }

  /** `[for ...]` / `{for ...}`: the `for` keyword is the peeked token. */
  private parseFor(start: number, object: boolean): Ast.Expression {
    this.next()
    const invalid = (detail: string) => this.failUnexpected("Invalid 'for' expression", detail)
    const done = (): Ast.Expression => {
      this.h = 1
      return { _tag: "NullLiteral", range: this.map.range(start, this.pos) }
    }
    if (this.peek() !== L.IDENT) {
      invalid("\"for\" must be followed by the name of the iteration variable.")
      return done()
    }
    let keyVar: string | undefined
    let valueVar = this.tokenText()
    this.next()
    if (this.peek() === L.COMMA) {
      this.next()
      if (this.peek() !== L.IDENT) {
        invalid("A second iteration variable name must follow the comma.")
        return done()
      }
      keyVar = valueVar
      valueVar = this.tokenText()
      this.next()
    }
    this.peek()
    if (!this.isKeyword("in")) {
      invalid("The iteration variable names must be followed by \"in\" and the collection.")
      return done()
    }
    this.next()
    const collection = this.parseExpression()
    let h = this.h
    if (this.peek() !== L.COLON) {
      invalid("The collection must be followed by \":\" and the result expression.")
      return done()
    }
    this.next()
    let keyExpression: Ast.Expression | undefined
    if (object) {
      keyExpression = this.parseExpression()
      h = Math.max(h, this.h)
      if (this.peek() !== L.ARROW) {
        invalid("An object 'for' expression needs a key expression, then \"=>\" and the value expression.")
        return done()
      }
      this.next()
    }
    const valueExpression = this.parseExpression()
    h = Math.max(h, this.h)
    let group = false
    if (this.peek() === L.ELLIPSIS) {
      if (!object) {
        invalid("Grouping with \"...\" is only possible when the 'for' expression builds an object.")
        return done()
      }
      group = true
      this.next()
    }
    let condition: Ast.Expression | undefined
    this.peek()
    if (this.isKeyword("if")) {
      this.next()
      condition = this.parseExpression()
      h = Math.max(h, this.h)
    }
    const close = object ? L.RBRACE : L.RBRACK
    const t = this.peek()
    if (t === close) this.next()
    else if (t === L.EOF && !this.fatal) {
      this.fail(
        "Invalid 'for' expression",
        `The input ended before the "${object ? "}" : "]"}" that closes this 'for' expression.`,
        start,
        start + 1
      )
    } else invalid("Unexpected characters after the end of the 'for' expression.")
    this.height(h + 1, start, this.pos)
    return {
      _tag: "For",
      keyVar,
      valueVar,
      collection,
      keyExpression,
      valueExpression,
      condition,
      group,
      range: this.map.range(start, this.pos)
    }
  }
}
