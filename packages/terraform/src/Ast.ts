/**
 * The syntax tree of HCL native-syntax expressions, as produced by warmpool's expression parser
 * (`ExpressionParser.ts`) and consumed by the evaluator. Every node carries its source range.
 *
 * @since 0.1.0
 */
import type { Range } from "./Diagnostic.js"

/**
 * @since 0.1.0
 * @category models
 */
export type Expression =
  | NumberLiteral
  | StringLiteral
  | BoolLiteral
  | NullLiteral
  | Template
  | Variable
  | GetAttr
  | Index
  | Splat
  | AnonSymbol
  | Tuple
  | ObjectCons
  | FunctionCall
  | Conditional
  | Binary
  | Unary
  | For
  | Parens

/**
 * A number literal; `text` is the source text (`1.5`, `1e3`), parsed exactly by the evaluator.
 *
 * @since 0.1.0
 * @category models
 */
export interface NumberLiteral {
  readonly _tag: "NumberLiteral"
  readonly text: string
  readonly range: Range
}

/**
 * A string literal with no interpolation (already unescaped).
 *
 * @since 0.1.0
 * @category models
 */
export interface StringLiteral {
  readonly _tag: "StringLiteral"
  readonly value: string
  readonly range: Range
}

/**
 * @since 0.1.0
 * @category models
 */
export interface BoolLiteral {
  readonly _tag: "BoolLiteral"
  readonly value: boolean
  readonly range: Range
}

/**
 * @since 0.1.0
 * @category models
 */
export interface NullLiteral {
  readonly _tag: "NullLiteral"
  readonly range: Range
}

/**
 * A template: a quoted string, a heredoc, or an hcl2json string containing `${` / `%{`.
 *
 * A template made of exactly one interpolation and nothing else (`"${x}"`) evaluates to the
 * interpolated value itself, unconverted (HCL's "template wrap"); `unwrap` marks that case.
 *
 * @since 0.1.0
 * @category models
 */
export interface Template {
  readonly _tag: "Template"
  readonly parts: ReadonlyArray<TemplatePart>
  readonly unwrap: boolean
  readonly range: Range
}

/**
 * @since 0.1.0
 * @category models
 */
export type TemplatePart = TemplateLiteral | TemplateInterpolation | TemplateIf | TemplateFor

/**
 * Literal text (escapes already processed; strip markers already applied).
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateLiteral {
  readonly _tag: "TemplateLiteral"
  readonly value: string
  readonly range: Range
}

/**
 * `${expr}`
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateInterpolation {
  readonly _tag: "TemplateInterpolation"
  readonly expression: Expression
  readonly range: Range
}

/**
 * `%{ if cond }...%{ else }...%{ endif }`
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateIf {
  readonly _tag: "TemplateIf"
  readonly condition: Expression
  readonly then: ReadonlyArray<TemplatePart>
  readonly else: ReadonlyArray<TemplatePart>
  readonly range: Range
}

/**
 * `%{ for k, v in coll }...%{ endfor }`
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateFor {
  readonly _tag: "TemplateFor"
  readonly keyVar: string | undefined
  readonly valueVar: string
  readonly collection: Expression
  readonly body: ReadonlyArray<TemplatePart>
  readonly range: Range
}

/**
 * A root name: `var`, `local`, `data`, `module`, `count`, `each`, `path`, `terraform`, a
 * resource type, a `for` variable, an iterator...
 *
 * @since 0.1.0
 * @category models
 */
export interface Variable {
  readonly _tag: "Variable"
  readonly name: string
  readonly range: Range
}

/**
 * `object.name`
 *
 * @since 0.1.0
 * @category models
 */
export interface GetAttr {
  readonly _tag: "GetAttr"
  readonly object: Expression
  readonly name: string
  readonly range: Range
}

/**
 * `collection[key]`; also the legacy `collection.0` form, with `key` a number literal.
 *
 * @since 0.1.0
 * @category models
 */
export interface Index {
  readonly _tag: "Index"
  readonly collection: Expression
  readonly key: Expression
  readonly range: Range
}

/**
 * A splat: `source[*].a.b` (full) or `source.*.a.b` (attribute-only). `each` is evaluated for
 * every element with the element bound to the `AnonSymbol` inside it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Splat {
  readonly _tag: "Splat"
  readonly source: Expression
  readonly each: Expression
  readonly full: boolean
  readonly range: Range
}

/**
 * The placeholder for the current element inside a `Splat`'s `each`.
 *
 * @since 0.1.0
 * @category models
 */
export interface AnonSymbol {
  readonly _tag: "AnonSymbol"
  readonly range: Range
}

/**
 * `[a, b, c]`
 *
 * @since 0.1.0
 * @category models
 */
export interface Tuple {
  readonly _tag: "Tuple"
  readonly elements: ReadonlyArray<Expression>
  readonly range: Range
}

/**
 * `{ k = v, (expr) = v, "s" = v }`. A bare identifier key is the string itself
 * (`ObjectKeyName`); anything else is an expression evaluated and converted to string.
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectCons {
  readonly _tag: "ObjectCons"
  readonly items: ReadonlyArray<ObjectItem>
  readonly range: Range
}

/**
 * @since 0.1.0
 * @category models
 */
export interface ObjectItem {
  readonly key: ObjectKey
  readonly value: Expression
}

/**
 * @since 0.1.0
 * @category models
 */
export type ObjectKey =
  | { readonly _tag: "ObjectKeyName"; readonly name: string; readonly range: Range }
  | { readonly _tag: "ObjectKeyExpression"; readonly expression: Expression; readonly range: Range }

/**
 * `name(args...)`, with `expandFinal` for a trailing `...`. Provider-namespaced names
 * (`provider::p::f`) keep their full name.
 *
 * @since 0.1.0
 * @category models
 */
export interface FunctionCall {
  readonly _tag: "FunctionCall"
  readonly name: string
  readonly args: ReadonlyArray<Expression>
  readonly expandFinal: boolean
  readonly nameRange: Range
  readonly range: Range
}

/**
 * `condition ? then : else`
 *
 * @since 0.1.0
 * @category models
 */
export interface Conditional {
  readonly _tag: "Conditional"
  readonly condition: Expression
  readonly then: Expression
  readonly else: Expression
  readonly range: Range
}

/**
 * @since 0.1.0
 * @category models
 */
export type BinaryOperator = "||" | "&&" | "==" | "!=" | "<" | ">" | "<=" | ">=" | "+" | "-" | "*" | "/" | "%"

/**
 * @since 0.1.0
 * @category models
 */
export interface Binary {
  readonly _tag: "Binary"
  readonly operator: BinaryOperator
  readonly left: Expression
  readonly right: Expression
  readonly range: Range
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Unary {
  readonly _tag: "Unary"
  readonly operator: "!" | "-"
  readonly operand: Expression
  readonly range: Range
}

/**
 * `[for k, v in coll : value if cond]` (tuple form, `keyExpression` undefined) or
 * `{for k, v in coll : key => value... if cond}` (object form, `group` for `...`).
 *
 * @since 0.1.0
 * @category models
 */
export interface For {
  readonly _tag: "For"
  readonly keyVar: string | undefined
  readonly valueVar: string
  readonly collection: Expression
  readonly keyExpression: Expression | undefined
  readonly valueExpression: Expression
  readonly condition: Expression | undefined
  readonly group: boolean
  readonly range: Range
}

/**
 * `(expr)`: kept so that an object key `(a) = 1` is an expression key, and for faithful
 * printing; evaluates to its inner expression.
 *
 * @since 0.1.0
 * @category models
 */
export interface Parens {
  readonly _tag: "Parens"
  readonly expression: Expression
  readonly range: Range
}

/**
 * A static reference found in an expression: the root name and the leading attribute names /
 * literal keys (`data.coder_parameter.region.value` → `["data", "coder_parameter", "region",
 * "value"]`). Used for dependency analysis (selective evaluation, owner-data detection).
 *
 * @since 0.1.0
 * @category models
 */
export interface Reference {
  readonly parts: ReadonlyArray<string | number>
  readonly range: Range
}
