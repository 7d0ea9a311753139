/**
 * warmpool's parser for HCL native-syntax expressions and templates.
 *
 * Three entry points, for the three places expressions come from:
 * - `parseExpression`: expression source text (`a.b[0] + 1`, `"x-${y}"`, `<<EOT ... EOT`);
 * - `parseTemplate`: a template body without delimiters (the content of a `templatefile`);
 * - `parseHcl2JsonString`: a string value as `@cdktf/hcl2json` returns it (`"${X}"` is the
 *   expression `X`, other strings with `${` / `%{` are templates, anything else is a literal).
 *
 * None of them throws: syntax errors are error diagnostics (with ranges), and the expression
 * returned is then a best effort, with `NullLiteral` where something could not be read.
 *
 * @since 0.1.0
 */
import type * as Ast from "./Ast.js"
import type { Diagnostic, Pos } from "./Diagnostic.js"
import * as D from "./Diagnostic.js"
import * as L from "./internal/lexer.js"
import { SourceMap } from "./internal/lexSource.js"
import { Parser } from "./internal/parser.js"
import { scanTemplate, TemplateMode } from "./internal/template.js"

/**
 * The nesting limit used when `maxDepth` is not given (`Budgets.defaults.maxNestingDepth`).
 * Chains of binary operators and of attribute / index steps do not count as nesting. A few
 * shapes use more stack per level than others: if the JavaScript stack runs out first, the result
 * is the same `resource_limit` diagnostic.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMaxDepth = 1_000

/**
 * @since 0.1.0
 * @category models
 */
export interface ParseOptions {
  /** File name put in every range (default `""`). */
  readonly file?: string | undefined
  /** Where the source starts in that file (default line 1, column 1, offset 0). */
  readonly start?: Pos | undefined
  /**
   * The deepest tree accepted (default `defaultMaxDepth`); deeper input gives the error
   * `Expression too deeply nested`. Far larger values are bounded by the JavaScript stack
   * (around a thousand levels), which then gives the same error.
   */
  readonly maxDepth?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface TemplateOptions extends ParseOptions {
  /**
   * Whether backslash escapes (`\n`, `\"`, `\u00e9`...) are decoded, as in a quoted string
   * (default `true`). `false` reads the body as `templatefile` does: only `$${` and `%%{` are
   * special.
   */
  readonly escapes?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ParseResult {
  readonly expression: Ast.Expression
  readonly diagnostics: ReadonlyArray<Diagnostic>
}

const config = (options: ParseOptions | undefined, lenientHeredocEnd: boolean) => ({
  file: options?.file ?? "",
  start: options?.start,
  maxDepth: options?.maxDepth ?? defaultMaxDepth,
  lenientHeredocEnd
})

const guarded = (options: ParseOptions | undefined, body: () => ParseResult): ParseResult => {
  try {
    return body()
  } catch (e) {
    // A stack overflow (possible only with `maxDepth` far above the default) or a bug: still a value.
    const at = options?.start ?? { line: 1, column: 1, offset: 0 }
    const range = { file: options?.file ?? "", start: at, end: at }
    const tooDeep = e instanceof RangeError
    return {
      expression: { _tag: "NullLiteral", range },
      diagnostics: [
        D.error(
          tooDeep ? "Expression too deeply nested" : "Internal parser error",
          tooDeep ? "This expression nests too deeply to be parsed." : `The parser failed on this input: ${String(e)}`,
          { range, code: tooDeep ? "resource_limit" : "" }
        )
      ]
    }
  }
}

/**
 * Parses HCL native expression syntax: the whole of `source` must be one expression (comments
 * and surrounding blanks aside). Newlines are ignored except inside object constructors, where
 * they separate items (as in HCL's own `ParseExpression`).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseExpression = (source: string, options?: ParseOptions): ParseResult =>
  guarded(options, () => {
    const p = new Parser(source, source.length, config(options, false))
    const e = p.parseExpression()
    if (!p.fatal && p.peek() !== L.EOF) {
      p.failUnexpected(
        "Extra characters after expression",
        "The expression is complete here, but more input follows it."
      )
    }
    return { expression: e, diagnostics: p.diagnostics }
  })

/**
 * Parses a template body given without delimiters: literal text with `${ }` interpolations and
 * `%{ }` directives (the content of a file read by `templatefile`, or of a quoted string). A body
 * that is exactly one interpolation gives a `Template` with `unwrap`; a body without sequences
 * gives a `StringLiteral`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseTemplate = (source: string, options?: TemplateOptions): ParseResult =>
  guarded(options, () => {
    const p = new Parser(source, source.length, config(options, false))
    const e = scanTemplate(p, TemplateMode.Bare, 0, 0, "", false, options?.escapes ?? true)
    return { expression: e, diagnostics: p.diagnostics }
  })

/**
 * Reads a string value from `@cdktf/hcl2json`'s `parse()` output:
 * - a string holding exactly one interpolation and nothing else (`"${X}"`) is the expression `X`;
 * - another string containing `${` or `%{` is a `Template` (its literal parts taken as they are,
 *   already unescaped by hcl2json, except `$${` → `${` and `%%{` → `%{`);
 * - any other string is a `StringLiteral`.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseHcl2JsonString = (value: string, options?: ParseOptions): ParseResult => {
  if (!value.includes("${") && !value.includes("%{")) {
    const map = new SourceMap(value, options?.file ?? "", options?.start)
    return { expression: { _tag: "StringLiteral", value, range: map.range(0, value.length) }, diagnostics: [] }
  }
  return guarded(options, () => {
    const p = new Parser(value, value.length, config(options, true))
    const t = scanTemplate(p, TemplateMode.Hcl2Json, 0, 0, "", false, false)
    const e = t._tag === "Template" && t.unwrap && t.parts[0]?._tag === "TemplateInterpolation"
      ? t.parts[0].expression
      : t
    return { expression: e, diagnostics: p.diagnostics }
  })
}
