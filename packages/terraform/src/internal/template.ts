/**
 * Templates: quoted strings, heredocs, bare template files and hcl2json string values.
 *
 * The body is read character by character into a flat list of tokens (literal runs and `${ }` /
 * `%{ }` sequences, whose expressions the expression parser reads). Then, in HCL's order:
 * strip markers trim the literal token next to them, a flush heredoc (`<<-`) removes the common
 * indentation, and the directives are matched into a tree.
 *
 * Literal tokens follow HCL's granularity, which the strip and indentation rules depend on: in a
 * quoted string a literal token runs from one sequence to the next; in every other kind of
 * template a literal token also ends after each newline.
 *
 * @internal
 */
import type * as Ast from "../Ast.js"
import * as L from "./lexer.js"
import type { Parser } from "./parser.js"

/**
 * The kinds of template bodies.
 */
export const TemplateMode = {
  /** `"..."`: ends at `"`; no literal newlines. */
  Quoted: 0,
  /** `<<EOT` / `<<-EOT`: ends at the line holding only the marker. */
  Heredoc: 1,
  /** A whole source that is a template (`templatefile`). */
  Bare: 2,
  /** A string value as `@cdktf/hcl2json` returns it. */
  Hcl2Json: 3
} as const

/**
 * @since 0.1.0
 */
export type TemplateMode = typeof TemplateMode[keyof typeof TemplateMode]

const LIT = 0
const INTERP = 1
const IF = 2
const ELSE = 3
const ENDIF = 4
const FOR = 5
const ENDFOR = 6

interface Token {
  kind: number
  /** Literal value (literal tokens). */
  value: string
  start: number
  end: number
  expression: Ast.Expression | undefined
  /** Height of `expression`. */
  h: number
  keyVar: string | undefined
  valueVar: string
  stripBefore: boolean
  stripAfter: boolean
}

const literalToken = (value: string, start: number, end: number): Token => ({
  kind: LIT,
  value,
  start,
  end,
  expression: undefined,
  h: 0,
  keyVar: undefined,
  valueVar: "",
  stripBefore: false,
  stripAfter: false
})

const trimStart = (s: string): string => {
  let i = 0
  while (i < s.length && L.isSpace(s.charCodeAt(i))) i++
  return i === 0 ? s : s.slice(i)
}

const trimEnd = (s: string): string => {
  let i = s.length
  while (i > 0 && L.isSpace(s.charCodeAt(i - 1))) i--
  return i === s.length ? s : s.slice(0, i)
}

const hexValue = (src: string, from: number, count: number): number => {
  let v = 0
  for (let k = 0; k < count; k++) {
    const c = src.charCodeAt(from + k)
    let d: number
    if (c >= 48 && c <= 57) d = c - 48
    else if (c >= 97 && c <= 102) d = c - 87
    else if (c >= 65 && c <= 70) d = c - 55
    else return -1
    v = v * 16 + d
  }
  return v
}

const directiveNames = ["", "", "if", "else", "endif", "for", "endfor"]

/**
 * Scans a template body starting at `bodyStart` (the template itself starts at `start`, at its
 * opening delimiter if any) and returns a `StringLiteral` when the result has no interpolation
 * or directive, a `Template` otherwise (`unwrap` when the body is exactly one interpolation).
 * Leaves `p.pos` after the template.
 */
export const scanTemplate = (
  p: Parser,
  mode: TemplateMode,
  start: number,
  bodyStart: number,
  marker: string,
  flush: boolean,
  escapes: boolean = mode === TemplateMode.Quoted
): Ast.Expression => {
  if (!p.enter(start)) return p.fail("", "", start, start)
  const src = p.src
  const n = p.limit
  const lineTokens = mode !== TemplateMode.Quoted
  const tokens: Array<Token> = []
  let i = bodyStart
  let litStart = i
  let segStart = i
  let value = ""
  let atLineStart = mode === TemplateMode.Heredoc
  let end = -1

  const flushLiteral = (to: number) => {
    if (to > litStart) {
      tokens.push(literalToken(value + src.slice(segStart, to), litStart, to))
    }
    value = ""
    litStart = segStart = to
  }

  while (!p.fatal) {
    if (atLineStart) {
      atLineStart = false
      const closeEnd = heredocEnd(p, i, marker)
      if (closeEnd >= 0) {
        flushLiteral(i)
        end = closeEnd
        break
      }
    }
    if (i >= n) {
      if (mode === TemplateMode.Quoted || mode === TemplateMode.Heredoc) {
        p.fail(
          "Unterminated template string",
          mode === TemplateMode.Quoted
            ? "This string has no closing quote."
            : `This heredoc has no closing line holding only "${marker}".`,
          start,
          mode === TemplateMode.Quoted ? start + 1 : bodyStart - 1
        )
        break
      }
      flushLiteral(n)
      end = n
      break
    }
    const c = src.charCodeAt(i)
    if (c === 34 && mode === TemplateMode.Quoted) { // "
      flushLiteral(i)
      end = i + 1
      break
    }
    if (c === 13 && mode !== TemplateMode.Hcl2Json && (mode === TemplateMode.Quoted || src.charCodeAt(i + 1) !== 10)) {
      // a carriage return is only valid as part of \r\n, and never in a quoted string
      if (mode === TemplateMode.Quoted) {
        p.fail(
          "Invalid multi-line string",
          "A quoted string cannot contain a line break: write \\n, or use a heredoc for text on several lines.",
          i,
          i + 1
        )
      } else p.fail("Invalid character", "A carriage return is only valid before a newline.", i, i + 1)
      break
    }
    if (c === 10) { // \n
      if (!lineTokens) {
        p.fail(
          "Invalid multi-line string",
          "A quoted string cannot contain a line break: write \\n, or use a heredoc for text on several lines.",
          i,
          i + 1
        )
        break
      }
      i++
      flushLiteral(i)
      atLineStart = mode === TemplateMode.Heredoc
      continue
    }
    if (c === 92 && escapes) { // \
      const decoded = decodeEscape(p, i)
      if (decoded === undefined) break
      value += src.slice(segStart, i) + decoded.text
      i += decoded.length
      segStart = i
      continue
    }
    if (c === 36 || c === 37) { // $ %
      const d = i + 1 < n ? src.charCodeAt(i + 1) : 0
      if (d === c && i + 2 < n && src.charCodeAt(i + 2) === 123) {
        // `$${` / `%%{`: a literal `${` / `%{`
        value += src.slice(segStart, i + 1) + "{"
        i += 3
        segStart = i
        continue
      }
      if (d === 123) {
        flushLiteral(i)
        const token = c === 36 ? scanInterpolation(p, mode, i) : scanDirective(p, i)
        if (token === undefined) break
        tokens.push(token)
        i = litStart = segStart = token.end
        continue
      }
    }
    i++
  }

  if (end < 0) end = Math.max(p.pos, i)
  p.pos = end

  const passthru = tokens.length === 1 && tokens[0]!.kind === INTERP
  applyStripMarkers(tokens)
  if (flush) removeIndentation(tokens)
  const result = buildTree(p, tokens, start, end, passthru)
  p.nesting--
  return result
}

/** At a heredoc line start: the end offset of the closing marker line's content, or -1. */
const heredocEnd = (p: Parser, at: number, marker: string): number => {
  const src = p.src
  const n = p.limit
  let j = at
  while (j < n && (src.charCodeAt(j) === 32 || src.charCodeAt(j) === 9)) j++
  if (!src.startsWith(marker, j) || j + marker.length > n) return -1
  j += marker.length
  while (j < n && (src.charCodeAt(j) === 32 || src.charCodeAt(j) === 9)) j++
  if (j >= n) return p.lenientHeredocEnd ? j : -1
  const c = src.charCodeAt(j)
  if (c === 10 || (c === 13 && j + 1 < n && src.charCodeAt(j + 1) === 10)) return j
  if (c === 125 && p.lenientHeredocEnd) return j
  return -1
}

/** Decodes the escape sequence at `at` (a backslash); undefined after a diagnostic. */
const decodeEscape = (p: Parser, at: number): { text: string; length: number } | undefined => {
  const src = p.src
  const n = p.limit
  if (at + 1 >= n) {
    p.fail("Invalid escape sequence", "A backslash at the end of the input escapes nothing.", at, at + 1)
    return undefined
  }
  const c = src.charCodeAt(at + 1)
  switch (c) {
    case 110:
      return { text: "\n", length: 2 }
    case 114:
      return { text: "\r", length: 2 }
    case 116:
      return { text: "\t", length: 2 }
    case 34:
      return { text: "\"", length: 2 }
    case 92:
      return { text: "\\", length: 2 }
    case 117:
    case 85: {
      const digits = c === 117 ? 4 : 8
      const v = at + 2 + digits <= n ? hexValue(src, at + 2, digits) : -1
      if (v < 0) {
        p.fail(
          "Invalid escape sequence",
          `\\${c === 117 ? "u" : "U"} must be followed by exactly ${digits} hexadecimal digits.`,
          at,
          Math.min(n, at + 2 + digits)
        )
        return undefined
      }
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
        p.fail(
          "Invalid escape sequence",
          `U+${v.toString(16).toUpperCase()} is not a character that UTF-8 can encode.`,
          at,
          at + 2 + digits
        )
        return undefined
      }
      return { text: String.fromCodePoint(v), length: 2 + digits }
    }
    default: {
      const cp = src.codePointAt(at + 1)!
      const ch = String.fromCodePoint(cp)
      p.fail(
        "Invalid escape sequence",
        `"\\${ch}" is not an escape sequence; the valid ones are \\n \\r \\t \\" \\\\ \\uNNNN and \\UNNNNNNNN.`,
        at,
        at + 1 + ch.length
      )
      return undefined
    }
  }
}

/** Reads `${ expr }` starting at `at`. */
const scanInterpolation = (p: Parser, mode: TemplateMode, at: number): Token | undefined => {
  let i = at + 2
  const stripBefore = i < p.limit && p.src.charCodeAt(i) === 126
  if (stripBefore) i++
  p.pos = i
  const saved = p.newlines
  p.newlines = false
  const expression = p.parseExpression()
  const h = p.h
  let stripAfter = false
  const t = p.peek()
  if (t === L.RBRACE || t === L.STRIP_RBRACE) {
    stripAfter = t === L.STRIP_RBRACE
    p.next()
  } else if (t === L.EOF || (t === L.QUOTE && mode === TemplateMode.Quoted)) {
    p.fail(
      "Unclosed template interpolation sequence",
      "This \"${\" has no closing \"}\" before the end of the template.",
      at,
      at + 2
    )
  } else {
    p.failUnexpected(
      "Extra characters after interpolation expression",
      "The expression inside \"${ }\" should end here with \"}\". To write a literal \"${\" (for example for " +
        "a shell), escape it as \"$${\"."
    )
  }
  p.newlines = saved
  if (p.fatal) return undefined
  return {
    kind: INTERP,
    value: "",
    start: at,
    end: p.pos,
    expression,
    h,
    keyVar: undefined,
    valueVar: "",
    stripBefore,
    stripAfter
  }
}

/** Reads `%{ if c }`, `%{ else }`, `%{ endif }`, `%{ for k, v in c }` or `%{ endfor }` at `at`. */
const scanDirective = (p: Parser, at: number): Token | undefined => {
  let i = at + 2
  const stripBefore = i < p.limit && p.src.charCodeAt(i) === 126
  if (stripBefore) i++
  p.pos = i
  const saved = p.newlines
  p.newlines = false
  const token: Token = {
    kind: IF,
    value: "",
    start: at,
    end: at,
    expression: undefined,
    h: 0,
    keyVar: undefined,
    valueVar: "",
    stripBefore,
    stripAfter: false
  }
  const done = (): Token | undefined => {
    p.newlines = saved
    return p.fatal ? undefined : token
  }
  if (p.peek() !== L.IDENT) {
    p.failUnexpected("Invalid template directive", "\"%{\" must be followed by if, else, endif, for or endfor.")
    return done()
  }
  const keyword = p.tokenText()
  p.next()
  switch (keyword) {
    case "if": {
      token.kind = IF
      token.expression = p.parseExpression()
      token.h = p.h
      break
    }
    case "else":
      token.kind = ELSE
      break
    case "endif":
      token.kind = ENDIF
      break
    case "endfor":
      token.kind = ENDFOR
      break
    case "for": {
      token.kind = FOR
      const invalid = (detail: string) => {
        p.failUnexpected("Invalid 'for' directive", detail)
        return done()
      }
      if (p.peek() !== L.IDENT) return invalid("\"for\" must be followed by the name of the iteration variable.")
      token.valueVar = p.tokenText()
      p.next()
      if (p.peek() === L.COMMA) {
        p.next()
        if (p.peek() !== L.IDENT) return invalid("A second iteration variable name must follow the comma.")
        token.keyVar = token.valueVar
        token.valueVar = p.tokenText()
        p.next()
      }
      p.peek()
      if (!p.isKeyword("in")) {
        return invalid("The iteration variable names must be followed by \"in\" and a collection.")
      }
      p.next()
      token.expression = p.parseExpression()
      token.h = p.h
      break
    }
    default: {
      p.fail(
        "Invalid template control keyword",
        `"${keyword}" is not a template directive; use if, else, endif, for or endfor.`,
        p.ts,
        p.te
      )
      return done()
    }
  }
  const t = p.peek()
  if (t === L.RBRACE || t === L.STRIP_RBRACE) {
    token.stripAfter = t === L.STRIP_RBRACE
    p.next()
  } else {
    p.failUnexpected(
      `Extra characters in ${keyword} marker`,
      `The "${keyword}" directive should end here with "}".`
    )
  }
  token.end = p.pos
  return done()
}

/** `${~`, `%{~` trim the literal token before them; `~}` the one after. */
const applyStripMarkers = (tokens: Array<Token>): void => {
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!
    if (t.kind === LIT) continue
    if (t.stripBefore && k > 0 && tokens[k - 1]!.kind === LIT) {
      const prev = tokens[k - 1]!
      prev.value = trimEnd(prev.value)
    }
    if (t.stripAfter && k + 1 < tokens.length && tokens[k + 1]!.kind === LIT) {
      const next = tokens[k + 1]!
      next.value = trimStart(next.value)
    }
  }
}

/**
 * `<<-`: removes from every line the indentation that all of them share. Lines that are blank
 * are ignored (and kept as they are); a line starting with a sequence has no indentation.
 * Whitespace characters count one each, tabs included.
 */
const removeIndentation = (tokens: Array<Token>): void => {
  let min = Number.MAX_SAFE_INTEGER
  let lineStart = true
  const adjust: Array<Token> = []
  for (const t of tokens) {
    if (lineStart) {
      lineStart = false
      let spaces = 0
      if (t.kind === LIT) {
        const v = t.value
        let k = 0
        while (k < v.length && L.isSpace(v.charCodeAt(k))) k++
        if (k === v.length && v.endsWith("\n")) spaces = Number.MAX_SAFE_INTEGER
        else {
          spaces = k
          adjust.push(t)
        }
      }
      if (spaces < min) min = spaces
    }
    if (t.kind === LIT && t.value.endsWith("\n")) lineStart = true
  }
  if (min === 0 || min === Number.MAX_SAFE_INTEGER) return
  for (const t of adjust) {
    t.value = t.value.slice(min)
    t.start += min
  }
}

interface Frame {
  readonly kind: number
  readonly token: Token | undefined
  readonly then: Array<Ast.TemplatePart>
  readonly else: Array<Ast.TemplatePart>
  inElse: boolean
  elseStart: number
  h: number
}

const newFrame = (kind: number, token: Token | undefined): Frame => ({
  kind,
  token,
  then: [],
  else: [],
  inElse: false,
  elseStart: -1,
  h: 0
})

const buildTree = (
  p: Parser,
  tokens: ReadonlyArray<Token>,
  start: number,
  end: number,
  passthru: boolean
): Ast.Expression => {
  const range = p.map.range(start, end)
  if (passthru && !p.fatal) {
    const t = tokens[0]!
    p.height(t.h + 2, start, end)
    return {
      _tag: "Template",
      parts: [{ _tag: "TemplateInterpolation", expression: t.expression!, range: p.map.range(t.start, t.end) }],
      unwrap: true,
      range
    }
  }
  const root = newFrame(LIT, undefined)
  const frames: Array<Frame> = [root]
  const describe = (f: Frame): string => {
    const pos = p.map.pos(f.token!.start)
    return `The ${directiveNames[f.kind]} directive at line ${pos.line}, column ${pos.column}`
  }
  for (const t of tokens) {
    if (p.fatal) break
    const top = frames[frames.length - 1]!
    const parts = top.inElse ? top.else : top.then
    switch (t.kind) {
      case LIT: {
        if (t.value === "") break
        const last = parts[parts.length - 1]
        if (last !== undefined && last._tag === "TemplateLiteral") {
          parts[parts.length - 1] = {
            _tag: "TemplateLiteral",
            value: last.value + t.value,
            range: { file: last.range.file, start: last.range.start, end: p.map.pos(t.end) }
          }
        } else {
          parts.push({ _tag: "TemplateLiteral", value: t.value, range: p.map.range(t.start, t.end) })
        }
        if (top.h < 1) top.h = 1
        break
      }
      case INTERP: {
        parts.push({ _tag: "TemplateInterpolation", expression: t.expression!, range: p.map.range(t.start, t.end) })
        if (top.h < t.h + 1) top.h = t.h + 1
        break
      }
      case IF:
      case FOR: {
        if (p.nesting + frames.length > p.maxDepth) {
          p.tooDeep(t.start, t.end)
          break
        }
        frames.push(newFrame(t.kind, t))
        break
      }
      case ELSE: {
        if (top.kind === IF && !top.inElse) {
          top.inElse = true
          top.elseStart = t.start
        } else {
          p.fail(
            "Unexpected else directive",
            top.kind === LIT
              ? "There is no open if directive for this else."
              : top.kind === IF
              ? "This if directive already has an else."
              : `${describe(top)} must be closed with endfor first.`,
            t.start,
            t.end
          )
        }
        break
      }
      case ENDIF:
      case ENDFOR: {
        const expected = t.kind === ENDIF ? IF : FOR
        if (top.kind !== expected) {
          p.fail(
            `Unexpected ${directiveNames[t.kind]} directive`,
            top.kind === LIT
              ? `There is no open ${directiveNames[expected]} directive for this ${directiveNames[t.kind]}.`
              : `${describe(top)} must be closed with end${directiveNames[top.kind]} first.`,
            t.start,
            t.end
          )
          break
        }
        frames.pop()
        const open = top.token!
        const parent = frames[frames.length - 1]!
        const h = Math.max(top.h, open.h) + 1
        const partRange = p.map.range(open.start, t.end)
        const part: Ast.TemplatePart = t.kind === ENDIF
          ? { _tag: "TemplateIf", condition: open.expression!, then: top.then, else: top.else, range: partRange }
          : {
            _tag: "TemplateFor",
            keyVar: open.keyVar,
            valueVar: open.valueVar,
            collection: open.expression!,
            body: top.then,
            range: partRange
          }
        ;(parent.inElse ? parent.else : parent.then).push(part)
        if (parent.h < h) parent.h = h
        break
      }
    }
  }
  if (!p.fatal && frames.length > 1) {
    const top = frames[frames.length - 1]!
    p.fail(
      "Unexpected end of template",
      `${describe(top)} has no matching end${directiveNames[top.kind]}.`,
      top.token!.start,
      top.token!.end
    )
  }
  const parts = root.then
  p.height(root.h + 1, start, end)
  if (parts.length === 0) return { _tag: "StringLiteral", value: "", range }
  if (parts.length === 1 && parts[0]!._tag === "TemplateLiteral") {
    return { _tag: "StringLiteral", value: parts[0].value, range }
  }
  return { _tag: "Template", parts, unwrap: false, range }
}
