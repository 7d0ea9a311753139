/**
 * The runtime state of one evaluation, and the shape of compiled nodes.
 *
 * @internal
 */
import type * as Ast from "../Ast.js"
import { Meter } from "../Budgets.js"
import * as Diagnostic from "../Diagnostic.js"
import type { FunctionContext } from "../FunctionDefinition.js"
import type { FunctionTable } from "../FunctionTable.js"
import type { Value } from "../Value.js"

/**
 * What compiled nodes need from the caller: the scope resolver and the template files. This is
 * `ExpressionEvaluator.Scope`, restated here to keep internal modules free of a cycle.
 */
export interface ScopeLike {
  readonly resolve: (
    parts: ReadonlyArray<string | number>,
    range: Diagnostic.Range
  ) => { readonly value: Value; readonly consumed: number } | { readonly error: Diagnostic.Diagnostic } | undefined
  readonly files: FunctionContext["files"]
  /** The render's budget meter; a fresh default meter when absent. */
  readonly meter?: Meter | undefined
  /** The instant `timestamp()` returns (Unix milliseconds). */
  readonly now?: number | undefined
}

/** One evaluation: errors collected so far, impurity, and the slots of bound variables. */
export class EvalContext {
  errors: Array<Diagnostic.Diagnostic> | undefined = undefined
  impure = false
  private functionContext: FunctionContext | undefined = undefined
  readonly meter: Meter
  constructor(readonly scope: ScopeLike, readonly slots: Array<Value>, readonly table: FunctionTable) {
    this.meter = scope.meter ?? new Meter()
  }

  fail(diagnostic: Diagnostic.Diagnostic): void {
    if (this.errors === undefined) this.errors = [diagnostic]
    else this.errors.push(diagnostic)
  }

  error(summary: string, detail: string, range: Diagnostic.Range): void {
    this.fail(Diagnostic.error(summary, detail, { range }))
  }

  get errorCount(): number {
    return this.errors === undefined ? 0 : this.errors.length
  }

  /** Remove and return the errors reported since `mark` (an earlier `errorCount`). */
  take(mark: number): Array<Diagnostic.Diagnostic> {
    if (this.errors === undefined || this.errors.length <= mark) return []
    return this.errors.splice(mark)
  }

  restore(diagnostics: ReadonlyArray<Diagnostic.Diagnostic>): void {
    for (const d of diagnostics) this.fail(d)
  }

  get functions(): FunctionContext {
    if (this.functionContext === undefined) {
      this.functionContext = { files: this.scope.files, meter: this.meter, functions: this.table, now: this.scope.now }
    }
    return this.functionContext
  }
}

/** A compiled expression: evaluates in a context, reporting errors into it. */
export type Node = (ctx: EvalContext) => Value

/** A compiled expression with, when it has one, its constant value (known at compile time). */
export interface Compiled {
  readonly run: Node
  readonly constant: Value | undefined
  readonly expression: Ast.Expression
}

/** A problem found when accessing a value: HCL's summary and detail. */
export interface Problem {
  readonly _tag: "Problem"
  readonly summary: string
  readonly detail: string
}

export const problem = (summary: string, detail: string): Problem => ({ _tag: "Problem", summary, detail })

/** Go's `%q` for the strings we quote in messages. */
export const quote = (s: string): string => JSON.stringify(s)

/** HCL's `Range.String()`: `file:line,col-col` or `file:line,col-line,col`. */
export const rangeText = (range: Diagnostic.Range): string =>
  range.start.line === range.end.line
    ? `${range.file}:${range.start.line},${range.start.column}-${range.end.column}`
    : `${range.file}:${range.start.line},${range.start.column}-${range.end.line},${range.end.column}`
