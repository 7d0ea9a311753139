/**
 * Turning hcl2json block bodies into compiled expressions: string values are parsed by
 * warmpool's expression parser, JSON arrays and objects become tuple and object constructors.
 *
 * @internal
 */
import type * as Ast from "../Ast.js"
import type * as CompiledTemplate from "../CompiledTemplate.js"
import type * as Diagnostic from "../Diagnostic.js"
import * as Evaluator from "../ExpressionEvaluator.js"
import * as Parser from "../ExpressionParser.js"
import * as FunctionTable from "../FunctionTable.js"
import type * as Loader from "../Loader.js"

/** Nested block types of a block and, recursively, of theirs. */
export type BlockSchema = ReadonlyMap<string, BlockSchema>

export const noBlocks: BlockSchema = new Map()

/** `data "coder_parameter"`: `option` and `validation` blocks. */
export const parameterBlocks: BlockSchema = new Map([["option", noBlocks], ["validation", noBlocks]])

/** `data "coder_workspace_preset"`: `prebuilds { expiration_policy {} scheduling { schedule {} } }`. */
export const presetBlocks: BlockSchema = new Map([[
  "prebuilds",
  new Map([["expiration_policy", noBlocks], ["scheduling", new Map([["schedule", noBlocks]])]])
]])

export interface Context {
  readonly file: string
  readonly address: string | undefined
  readonly range: Diagnostic.Range
  /** What the expressions compiled in this context add up to (a template's weight), if counted. */
  readonly tally?: Evaluator.CompileTally | undefined
}

const pos = (line: number): Diagnostic.Pos => ({ line, column: 1, offset: 0 })

export const contextOf = (block: Loader.Block, tally?: Evaluator.CompileTally): Context => {
  const at = pos(block.line ?? 1)
  return { file: block.file, address: block.address, range: { file: block.file, start: at, end: at }, tally }
}

export const syntheticContext = (file: string, tally?: Evaluator.CompileTally): Context => ({
  file,
  address: undefined,
  range: { file, start: pos(1), end: pos(1) },
  tally
})

interface Parsed {
  readonly expression: Ast.Expression
  readonly diagnostics: ReadonlyArray<Diagnostic.Diagnostic>
}

/** A raw hcl2json / Terraform-JSON value as an expression. */
export const parseRaw = (raw: unknown, context: Context): Parsed => {
  const diagnostics: Array<Diagnostic.Diagnostic> = []
  const go = (value: unknown): Ast.Expression => {
    const range = context.range
    if (typeof value === "string") {
      const parsed = Parser.parseHcl2JsonString(value, { file: context.file })
      diagnostics.push(...parsed.diagnostics)
      return parsed.expression
    }
    if (typeof value === "number") return { _tag: "NumberLiteral", text: String(value), range }
    if (typeof value === "boolean") return { _tag: "BoolLiteral", value, range }
    if (value === null || value === undefined) return { _tag: "NullLiteral", range }
    if (Array.isArray(value)) return { _tag: "Tuple", elements: value.map(go), range }
    const items: Array<Ast.ObjectItem> = []
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key.includes("${") || key.includes("%{")) {
        // `${(expr)}` keys parse to `Parens(expr)`; other templated keys to templates.
        const parsed = Parser.parseHcl2JsonString(key, { file: context.file })
        diagnostics.push(...parsed.diagnostics)
        items.push({ key: { _tag: "ObjectKeyExpression", expression: parsed.expression, range }, value: go(item) })
      } else {
        items.push({ key: { _tag: "ObjectKeyName", name: key, range }, value: go(item) })
      }
    }
    return { _tag: "ObjectCons", items, range }
  }
  const expression = go(raw)
  return { expression, diagnostics }
}

/** Parse and compile a raw value. */
export const compileRaw = (raw: unknown, context: Context): CompiledTemplate.Expression => {
  const parsed = parseRaw(raw, context)
  return Evaluator.compile(parsed.expression, FunctionTable.standard, parsed.diagnostics, context.tally)
}

/** Parse and compile HCL native expression source. */
export const compileSource = (source: string, file: string): CompiledTemplate.Expression => {
  const parsed = Parser.parseExpression(source, { file })
  return Evaluator.compile(parsed.expression, FunctionTable.standard, parsed.diagnostics)
}

const asBodies = (raw: unknown): ReadonlyArray<Record<string, unknown>> =>
  Array.isArray(raw) ? raw.filter((b): b is Record<string, unknown> => typeof b === "object" && b !== null) : []

const iteratorName = (raw: unknown): string | undefined => {
  if (typeof raw !== "string") return undefined
  const match = /^\$\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}$/.exec(raw)
  if (match) return match[1]
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(raw) ? raw : undefined
}

const noSkip: ReadonlySet<string> = new Set()

/** The nested blocks of the bodies that have none (most): one shared empty map, never written. */
const noNestedBlocks: ReadonlyMap<string, ReadonlyArray<CompiledTemplate.Body>> = new Map()

/** The `dynamics` of the bodies that have none (nearly all): one shared frozen list. */
const noDynamics: ReadonlyArray<CompiledTemplate.DynamicBlock> = Object.freeze([])

/** Compile a block body: attributes, nested blocks per `schema`, and `dynamic` blocks. */
export const compileBody = (
  raw: Record<string, unknown>,
  schema: BlockSchema,
  skip: ReadonlySet<string>,
  context: Context
): CompiledTemplate.Body => {
  if (context.tally !== undefined) context.tally.bodies++
  const attributes = new Map<string, CompiledTemplate.Expression>()
  let blocks: Map<string, ReadonlyArray<CompiledTemplate.Body>> | undefined
  const dynamics: Array<CompiledTemplate.DynamicBlock> = []
  for (const [name, value] of Object.entries(raw)) {
    if (skip.has(name)) continue
    if (name === "dynamic") {
      for (const [type, list] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        for (const dynamic of asBodies(list)) {
          const content = asBodies(dynamic["content"])[0] ?? {}
          dynamics.push({
            type,
            forEach: dynamic["for_each"] === undefined ? undefined : compileRaw(dynamic["for_each"], context),
            iterator: iteratorName(dynamic["iterator"]) ?? type,
            content: compileBody(content, schema.get(type) ?? noBlocks, noSkip, context)
          })
        }
      }
      continue
    }
    const nested = schema.get(name)
    if (nested !== undefined) {
      blocks ??= new Map()
      blocks.set(name, asBodies(value).map((body) => compileBody(body, nested, noSkip, context)))
      continue
    }
    attributes.set(name, compileRaw(value, context))
  }
  return { attributes, blocks: blocks ?? noNestedBlocks, dynamics: dynamics.length === 0 ? noDynamics : dynamics }
}
