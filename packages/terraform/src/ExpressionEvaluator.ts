/**
 * The expression evaluator: an expression AST is compiled once into a tree of closures that
 * evaluates many times against different scopes, with Terraform's value semantics (docs/render.md
 * §2.1–§2.4): errors are diagnostics collected next to a partial value, never exceptions.
 *
 * @since 0.1.0
 */
import type * as Ast from "./Ast.js"
import { isBudgetExceeded, type Meter } from "./Budgets.js"
import * as Diagnostic from "./Diagnostic.js"
import type { FileAccess } from "./FunctionDefinition.js"
import type { FunctionTable } from "./FunctionTable.js"
import { Compiler } from "./internal/evalCompile.js"
import { type Compiled as CompiledNode, EvalContext } from "./internal/evalContext.js"
import * as References from "./References.js"
import * as V from "./Value.js"

/**
 * What an expression's names resolve against.
 *
 * @since 0.1.0
 * @category models
 */
export interface Scope {
  /**
   * Resolve a static reference: `parts` = root name then attribute names / literal keys
   * (`["data","coder_parameter","p",0,"value"]`). Return the value of the prefix the scope owns
   * and how many parts it consumed (>= 1), an error, or undefined for an unknown root. The
   * evaluator applies the remaining parts itself.
   */
  readonly resolve: (parts: ReadonlyArray<string | number>, range: Diagnostic.Range) => Resolution | undefined
  /** The template's files, for file functions. */
  readonly files: FileAccess
  /**
   * The budget meter of the render this scope belongs to. With one, an exceeded budget is
   * thrown on (`Budgets.BudgetExceeded`) for the render to report; without one, each evaluation
   * meters itself with the default budgets and reports an excess as an error diagnostic.
   */
  readonly meter?: Meter | undefined
  /**
   * The instant `timestamp()` returns, in Unix milliseconds, read from Effect's `Clock` by the
   * caller (once per render). Absent, `timestamp()` is an unknown string.
   */
  readonly now?: number | undefined
}

/**
 * What a scope answers for a reference: the value of the prefix it owns and how many parts that
 * was, or an error.
 *
 * @since 0.1.0
 * @category models
 */
export type Resolution =
  | { readonly value: V.Value; readonly consumed: number }
  | { readonly error: Diagnostic.Diagnostic }

/**
 * The outcome of one evaluation: the (possibly partial) value, the errors, and whether an impure
 * function (`timestamp`, `uuid`, `bcrypt`) was called.
 *
 * @since 0.1.0
 * @category models
 */
export interface Result {
  readonly value: V.Value
  readonly errors: ReadonlyArray<Diagnostic.Diagnostic>
  readonly impure: boolean
}

/**
 * A compiled expression.
 *
 * @since 0.1.0
 * @category models
 */
export interface Compiled {
  readonly evaluate: (scope: Scope) => Result
  /** The static references of the expression (names bound by `for` / splats excluded). */
  readonly references: ReadonlyArray<Ast.Reference>
  readonly expression: Ast.Expression
  /** The value, when the expression is a constant (no references, no errors). */
  readonly constant?: V.Value | undefined
  /**
   * With `constant`: the result `evaluate` returns, always this one object (a render reads it
   * without calling `evaluate` or remembering it).
   */
  readonly constantResult?: Result | undefined
}

/**
 * What compiling expressions built, counted as they are compiled: the inputs of a compiled
 * template's weight (`CompiledTemplate.weight`). One tally is shared by every expression of a
 * template; `compile` adds to it.
 *
 * @since 0.1.0
 * @category models
 */
export interface CompileTally {
  /** Expressions compiled. */
  expressions: number
  /**
   * Nodes compiled (`Compiler.nodes`) in expressions that are not constant: about one per syntax
   * tree node, each kept with its tree and, most, with the closure that evaluates it.
   */
  nodes: number
  /** Nodes compiled in constant expressions: their syntax tree is kept, their closures are not. */
  constantNodes: number
  /** Static references found (`References.references`), each a list of parts kept with the expression. */
  references: number
  /** Block bodies compiled, nested ones included (counted by the template compiler, not here). */
  bodies: number
  /** Blocks compiled, once per module instance (counted by the template compiler, not here). */
  blocks: number
}

/**
 * A tally at zero.
 *
 * @since 0.1.0
 * @category constructors
 */
export const emptyTally = (): CompileTally => ({
  expressions: 0,
  nodes: 0,
  constantNodes: 0,
  references: 0,
  bodies: 0,
  blocks: 0
})

const noErrors: ReadonlyArray<Diagnostic.Diagnostic> = Object.freeze([])
const noSlots: Array<V.Value> = []

/**
 * An `evaluate` that always gives `result`, made outside `compile` so that it keeps `result`
 * alone: a closure made inside would keep `compile`'s whole context (two context objects per
 * expression), and a compiled template holds one of these per constant attribute.
 */
const always = (result: Result) => (): Result => result

const messageOf = (defect: unknown): string =>
  defect instanceof Error ? defect.message : typeof defect === "string" ? defect : "unexpected failure"

const internalError = (expression: Ast.Expression, defect: unknown): Diagnostic.Diagnostic =>
  defect instanceof RangeError && /call stack/i.test(defect.message)
    ? Diagnostic.error(
      "Expression too deeply nested",
      "This expression nests too deeply to be evaluated (maxNestingDepth).",
      { range: expression.range, code: "resource_limit" }
    )
    : Diagnostic.error("Internal error while evaluating expression", messageOf(defect), { range: expression.range })

/**
 * Compile an expression against a function table (usually `FunctionTable.standard`). With
 * error `parseDiagnostics`, every evaluation reports them and gives the dynamic unknown. With a
 * `tally`, what was built is added to it.
 *
 * @since 0.1.0
 * @category compiling
 */
export const compile = (
  expression: Ast.Expression,
  functions: FunctionTable,
  parseDiagnostics: ReadonlyArray<Diagnostic.Diagnostic> = [],
  tally?: CompileTally
): Compiled => {
  let references: ReadonlyArray<Ast.Reference>
  try {
    references = References.references(expression)
  } catch {
    references = []
  }
  if (tally !== undefined) {
    tally.expressions++
    tally.references += references.length
  }
  const parseErrors = parseDiagnostics.filter(Diagnostic.isError)
  if (parseErrors.length > 0) {
    const failed: Result = Object.freeze({ value: V.DynamicUnknown, errors: Object.freeze(parseErrors), impure: false })
    return { evaluate: always(failed), references, expression }
  }
  const compiler = new Compiler(functions)
  let root: CompiledNode
  try {
    root = compiler.compile(expression, undefined)
  } catch (defect) {
    if (tally !== undefined) tally.nodes += compiler.nodes
    const failed: Result = Object.freeze({
      value: V.DynamicUnknown,
      errors: Object.freeze([internalError(expression, defect)]),
      impure: false
    })
    return { evaluate: always(failed), references, expression }
  }
  if (root.constant !== undefined) {
    if (tally !== undefined) tally.constantNodes += compiler.nodes
    const result: Result = Object.freeze({ value: root.constant, errors: noErrors, impure: false })
    return { evaluate: always(result), references, expression, constant: root.constant, constantResult: result }
  }
  if (tally !== undefined) tally.nodes += compiler.nodes
  const slotCount = compiler.slotCount
  const run = root.run
  const cost = compiler.nodes
  const evaluate = (scope: Scope): Result => {
    const ctx = new EvalContext(scope, slotCount === 0 ? noSlots : new Array<V.Value>(slotCount), functions)
    let value: V.Value
    try {
      ctx.meter.step(cost, expression.range)
      value = run(ctx)
    } catch (defect) {
      if (isBudgetExceeded(defect)) {
        defect.at(expression.range)
        if (scope.meter !== undefined) throw defect
        ctx.fail(defect.diagnostic)
      } else ctx.fail(internalError(expression, defect))
      value = V.DynamicUnknown
    }
    return { value, errors: ctx.errors ?? noErrors, impure: ctx.impure }
  }
  return { evaluate, references, expression }
}

/**
 * Compile and evaluate once (for one-off evaluations such as `warmpool eval`).
 *
 * @since 0.1.0
 * @category evaluation
 */
export const evaluate = (expression: Ast.Expression, scope: Scope, functions: FunctionTable): Result =>
  compile(expression, functions).evaluate(scope)
