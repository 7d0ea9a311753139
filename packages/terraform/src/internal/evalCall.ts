/**
 * Function calls: registry lookup, `...` expansion, arity, argument conversion, null / unknown
 * handling per parameter, impl errors as diagnostics; and the `try` / `can` special forms,
 * whose arguments are evaluated lazily so that their errors can be caught.
 *
 * @internal
 */
import type * as Ast from "../Ast.js"
import { isBudgetExceeded } from "../Budgets.js"
import { ConversionFailure, convertValue } from "../Convert.js"
import type * as Diagnostic from "../Diagnostic.js"
import { type FunctionDefinition, FunctionError, type Parameter } from "../FunctionDefinition.js"
import { markAware } from "../functions/sensitivity.js"
import type { FunctionTable } from "../FunctionTable.js"
import * as Sensitive from "../Sensitive.js"
import * as T from "../Type.js"
import * as V from "../Value.js"
import { callBudget } from "./callBudgets.js"
import { type Compiled, type EvalContext, type Node, quote, rangeText } from "./evalContext.js"

const levenshtein = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

const suggestion = (name: string, functions: FunctionTable): string => {
  for (const candidate of functions.names()) {
    if (levenshtein(name, candidate) < 3) return ` Did you mean ${quote(candidate)}?`
  }
  return ""
}

const unknownFunction = (call: Ast.FunctionCall, functions: FunctionTable): Node => {
  const detail = call.name.includes("::")
    ? `There is no function named ${quote(call.name)}.`
    : `There is no function named ${quote(call.name)}.${suggestion(call.name, functions)}`
  return (ctx) => {
    ctx.error("Call to unknown function", detail, call.range)
    return V.DynamicUnknown
  }
}

const isValue = (x: unknown): x is V.Value =>
  typeof x === "object" && x !== null && typeof (x as { _tag?: unknown })._tag === "string" &&
  !(x instanceof FunctionError)

/** Is the argument unusable by a parameter that does not accept unknowns? */
const notWhollyKnown = (v: V.Value): boolean => {
  switch (v._tag) {
    case "String":
    case "Number":
    case "Bool":
    case "Null":
      return false
    case "Unknown":
      return true
    default:
      return !V.isWhollyKnown(v)
  }
}

const reportFunctionError = (
  ctx: EvalContext,
  call: Ast.FunctionCall,
  definition: FunctionDefinition,
  error: FunctionError,
  argumentRanges: ReadonlyArray<Diagnostic.Range>
): void => {
  const i = error.argument
  const parameter = i === undefined
    ? undefined
    : i < definition.parameters.length
    ? definition.parameters[i]
    : definition.variadic
  if (parameter !== undefined && i !== undefined) {
    ctx.error(
      "Invalid function argument",
      `Invalid value for ${quote(parameter.name)} parameter: ${error.message}.`,
      argumentRanges[i] ?? call.range
    )
  } else {
    ctx.error("Error in function call", `Call to function ${quote(call.name)} failed: ${error.message}.`, call.range)
  }
}

const messageOf = (defect: unknown): string =>
  defect instanceof Error ? defect.message : typeof defect === "string" ? defect : "unexpected failure"

/** Apply a definition to converted arguments (cty's `Function.Call`). */
const apply = (
  ctx: EvalContext,
  call: Ast.FunctionCall,
  definition: FunctionDefinition,
  args: ReadonlyArray<V.Value>,
  argumentRanges: ReadonlyArray<Diagnostic.Range>
): V.Value => {
  const parameters = definition.parameters
  const parameterOf = (i: number): Parameter => (i < parameters.length ? parameters[i]! : definition.variadic!)
  let dynamicArgument = false
  let unknownArgument = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const p = parameterOf(i)
    if (a._tag === "Null" && !p.allowNull) {
      reportFunctionError(ctx, call, definition, new FunctionError("argument must not be null", i), argumentRanges)
      return V.DynamicUnknown
    }
    // as cty: an argument whose type is not known yet (an unknown, or the untyped `null`) makes
    // the result the dynamic unknown unless the parameter accepts it
    if ((a._tag === "Unknown" || a._tag === "Null") && a.type._tag === "Dynamic" && !p.allowDynamicType) {
      dynamicArgument = true
    }
    if (!p.allowUnknown && notWhollyKnown(a)) unknownArgument = true
  }
  if (definition.impure) ctx.impure = true
  if (dynamicArgument) return V.DynamicUnknown
  try {
    if (unknownArgument) {
      const rt = definition.returnType
      if (typeof rt !== "function") return V.unknownOf(rt)
      const t = rt(args)
      if (t instanceof FunctionError) {
        reportFunctionError(ctx, call, definition, t, argumentRanges)
        return V.DynamicUnknown
      }
      return V.unknownOf(t)
    }
    const meter = ctx.meter
    meter.step(1, call.range)
    const budget = callBudget(definition.name)
    if (budget !== undefined) budget(args, meter, call.range)
    const result = definition.impl(args, ctx.functions)
    if (result instanceof FunctionError) {
      reportFunctionError(ctx, call, definition, result, argumentRanges)
      return V.DynamicUnknown
    }
    if (!isValue(result)) {
      ctx.error("Error in function call", `Call to function ${quote(call.name)} failed: no result.`, call.range)
      return V.DynamicUnknown
    }
    // what the result cost to build, and whether it is within the budgets
    switch (result._tag) {
      case "String":
        meter.string(result.value.length, call.range)
        meter.step(result.value.length >>> 10, call.range)
        break
      case "List":
      case "Set":
      case "Tuple":
        meter.elements(result.elements.length, call.range)
        meter.step(result.elements.length, call.range)
        break
      case "Map":
        meter.elements(result.entries.size, call.range)
        meter.step(result.entries.size, call.range)
        break
      case "Object":
        meter.elements(result.attributes.size, call.range)
        meter.step(result.attributes.size, call.range)
        break
    }
    // as cty: arguments are unmarked deeply and their marks put on the result, except where a
    // collection function keeps each element's own marks (then only the arguments' own marks)
    if (!Sensitive.anyMarked() || markAware.has(definition.name)) return result
    return elementwise.has(definition.name) ? Sensitive.carryShallowAll(result, args) : Sensitive.carry(result, args)
  } catch (defect) {
    if (isBudgetExceeded(defect)) throw defect.at(call.range)
    ctx.error(
      "Error in function call",
      `Call to function ${quote(call.name)} failed: ${messageOf(defect)}.`,
      call.range
    )
    return V.DynamicUnknown
  }
}

/**
 * Collection functions whose arguments Terraform passes with their marks (`AllowMarked`): the
 * elements keep their own marks, and the result is marked only for a marked argument itself.
 * (From terraform console: `issensitive(length([sensitive(1), 2]))` is false.)
 */
const elementwise: ReadonlySet<string> = new Set([
  "chunklist",
  "concat",
  "element",
  "flatten",
  "keys",
  "length",
  "lookup",
  "merge",
  "reverse",
  "slice",
  "tolist",
  "tomap",
  "values",
  "zipmap"
])

/** Expand the value of a trailing `...` argument into argument values. */
const expansion = (ctx: EvalContext, value: V.Value, range: Diagnostic.Range): ReadonlyArray<V.Value> | V.Value => {
  const t = value._tag === "Null" || value._tag === "Unknown" ? value.type : undefined
  if (
    value._tag === "Null" && (t!._tag === "Dynamic" || t!._tag === "Tuple" || t!._tag === "List" || t!._tag === "Set")
  ) {
    ctx.error(
      "Invalid expanding argument value",
      "The expanding argument (indicated by ...) must not be null.",
      range
    )
    return V.DynamicUnknown
  }
  if (
    value._tag === "Unknown" &&
    (t!._tag === "Dynamic" || t!._tag === "Tuple" || t!._tag === "List" || t!._tag === "Set")
  ) {
    return V.DynamicUnknown
  }
  if (value._tag === "Tuple" || value._tag === "List" || value._tag === "Set") return value.elements
  ctx.error(
    "Invalid expanding argument value",
    "The expanding argument (indicated by ...) must be of a tuple, list, or set type.",
    range
  )
  return V.DynamicUnknown
}

/** Compile a call to a registered function. */
/**
 * Functions whose single string argument fully decides a costly result for given template files:
 * reading and decoding files and documents. Their results are remembered per file snapshot (at
 * most `memoLimit` arguments each), so a compiled template decodes its config files once.
 */
const memoizedFunctions: ReadonlySet<string> = new Set([
  "file",
  "filebase64",
  "fileexists",
  "filemd5",
  "filesha1",
  "filesha256",
  "filesha512",
  "filebase64sha256",
  "filebase64sha512",
  "jsondecode",
  "yamldecode",
  "csvdecode"
])
const memoLimit = 64

const compileRegistered = (
  call: Ast.FunctionCall,
  definition: FunctionDefinition,
  args: ReadonlyArray<Compiled>
): Node => {
  const parameters = definition.parameters
  const variadic = definition.variadic
  const arityProblem = (count: number): readonly [string, string] | undefined => {
    if (count < parameters.length) {
      return [
        "Not enough function arguments",
        `Function ${quote(call.name)} expects${
          variadic ? " at least" : ""
        } ${parameters.length} argument(s). Missing value for ${quote(parameters[count]!.name)}.`
      ]
    }
    if (variadic === undefined && count > parameters.length) {
      return [
        "Too many function arguments",
        `Function ${quote(call.name)} expects only ${parameters.length} argument(s).`
      ]
    }
    return undefined
  }
  const staticArity = call.expandFinal ? undefined : arityProblem(args.length)
  const ranges = args.map((a) => a.expression.range)
  const n = args.length
  if (staticArity !== undefined) {
    return (ctx) => {
      ctx.error(staticArity[0], staticArity[1], call.range)
      return V.DynamicUnknown
    }
  }
  const convert = (ctx: EvalContext, value: V.Value, i: number, range: Diagnostic.Range): V.Value => {
    const p = i < parameters.length ? parameters[i]! : variadic!
    const c = convertValue(value, p.type)
    if (c instanceof ConversionFailure) {
      ctx.error("Invalid function argument", `Invalid value for ${quote(p.name)} parameter: ${c.message}.`, range)
      return V.DynamicUnknown
    }
    if (c === value || !Sensitive.anyMarked()) return c
    return elementwise.has(definition.name) ? Sensitive.carryShallow(c, value) : Sensitive.carry(c, [value])
  }
  if (!call.expandFinal && n === 1 && memoizedFunctions.has(definition.name)) {
    const memo = new WeakMap<object, Map<string, V.Value>>()
    return (ctx) => {
      const mark = ctx.errorCount
      const value = convert(ctx, args[0]!.run(ctx), 0, ranges[0]!)
      if (ctx.errorCount > mark) return V.DynamicUnknown
      if (value._tag !== "String" || Sensitive.isSensitive(value)) return apply(ctx, call, definition, [value], ranges)
      const files = ctx.scope.files
      const remembered = memo.get(files)?.get(value.value)
      if (remembered !== undefined) return remembered
      const result = apply(ctx, call, definition, [value], ranges)
      if (ctx.errorCount === mark && !ctx.impure) {
        let perFiles = memo.get(files)
        if (perFiles === undefined) memo.set(files, perFiles = new Map())
        if (perFiles.size < memoLimit) perFiles.set(value.value, result)
      }
      return result
    }
  }
  if (!call.expandFinal) {
    return (ctx) => {
      const mark = ctx.errorCount
      const values = new Array<V.Value>(n)
      for (let i = 0; i < n; i++) values[i] = convert(ctx, args[i]!.run(ctx), i, ranges[i]!)
      if (ctx.errorCount > mark) return V.DynamicUnknown
      return apply(ctx, call, definition, values, ranges)
    }
  }
  return (ctx) => {
    const mark = ctx.errorCount
    const last = args[n - 1]!
    const lastValue = last.run(ctx)
    if (ctx.errorCount > mark) return V.DynamicUnknown
    const expanded = expansion(ctx, lastValue, last.expression.range)
    if (!Array.isArray(expanded)) return expanded as V.Value
    const count = n - 1 + expanded.length
    const arity = arityProblem(count)
    if (arity !== undefined) {
      ctx.error(arity[0], arity[1], call.range)
      return V.DynamicUnknown
    }
    const values = new Array<V.Value>(count)
    const argumentRanges = new Array<Diagnostic.Range>(count)
    for (let i = 0; i < n - 1; i++) {
      argumentRanges[i] = ranges[i]!
      values[i] = convert(ctx, args[i]!.run(ctx), i, ranges[i]!)
    }
    for (let j = 0; j < expanded.length; j++) {
      const i = n - 1 + j
      argumentRanges[i] = last.expression.range
      values[i] = convert(ctx, (expanded as ReadonlyArray<V.Value>)[j]!, i, last.expression.range)
    }
    if (ctx.errorCount > mark) return V.DynamicUnknown
    return apply(ctx, call, definition, values, argumentRanges)
  }
}

/**
 * Reference errors Terraform reports before evaluating (undeclared names): `try` and `can`
 * put them back instead of catching them.
 */
const uncatchable = (taken: ReadonlyArray<Diagnostic.Diagnostic>): boolean =>
  taken.some((d) => d.code === "undeclared_reference")

const tryDetail = (failures: ReadonlyArray<Diagnostic.Diagnostic>): string => {
  let text = "no expression succeeded:\n"
  for (const d of failures) {
    text += d.range === undefined
      ? `- ${d.summary}\n  ${d.detail}\n`
      : `- ${d.summary} (at ${rangeText(d.range)})\n  ${d.detail}\n`
  }
  return `${text}\nAt least one expression must produce a successful result`
}

/** `try(a, b, ...)`: the first argument that evaluates without errors. */
const compileTry = (call: Ast.FunctionCall, args: ReadonlyArray<Compiled>): Node => {
  if (args.length === 0) {
    return (ctx) => {
      ctx.error(
        "Error in function call",
        `Call to function "try" failed: at least one argument is required.`,
        call.range
      )
      return V.DynamicUnknown
    }
  }
  return (ctx) => {
    let failures: Array<Diagnostic.Diagnostic> | undefined
    for (const arg of args) {
      const mark = ctx.errorCount
      const value = arg.run(ctx)
      if (ctx.errorCount > mark) {
        const taken = ctx.take(mark)
        if (uncatchable(taken)) {
          ctx.restore(taken.filter((d) => d.code === "undeclared_reference"))
          return V.DynamicUnknown
        }
        if (failures === undefined) failures = taken
        else failures.push(...taken)
        continue
      }
      if (notWhollyKnown(value)) return V.DynamicUnknown
      return value
    }
    ctx.error("Error in function call", `Call to function "try" failed: ${tryDetail(failures ?? [])}.`, call.range)
    return V.DynamicUnknown
  }
}

const UnknownBool = V.unknownOf(T.bool)

/** `can(x)`: whether `x` evaluates without errors. */
const compileCan = (call: Ast.FunctionCall, args: ReadonlyArray<Compiled>): Node => {
  if (args.length !== 1) {
    const [summary, detail] = args.length === 0
      ? ["Not enough function arguments", `Function "can" expects 1 argument(s). Missing value for "expression".`]
      : ["Too many function arguments", `Function "can" expects only 1 argument(s).`]
    return (ctx) => {
      ctx.error(summary, detail, call.range)
      return V.DynamicUnknown
    }
  }
  const arg = args[0]!
  return (ctx) => {
    const mark = ctx.errorCount
    const value = arg.run(ctx)
    if (ctx.errorCount > mark) {
      const taken = ctx.take(mark)
      if (uncatchable(taken)) {
        ctx.restore(taken.filter((d) => d.code === "undeclared_reference"))
        return UnknownBool
      }
      return V.False
    }
    return notWhollyKnown(value) ? UnknownBool : V.True
  }
}

/** `templatestring`'s template written in place (a quoted string or heredoc), which Terraform refuses. */
const literalTemplate = (call: Ast.FunctionCall): boolean => {
  const first = call.args[0]
  return first !== undefined && (first._tag === "Template" || first._tag === "StringLiteral")
}

/** The function name without Terraform's `core::` namespace. */
const baseName = (name: string): string => (name.startsWith("core::") ? name.slice(6) : name)

/** Compile a function call (its arguments already compiled) against a function table. */
export const compileCall = (
  call: Ast.FunctionCall,
  args: ReadonlyArray<Compiled>,
  functions: FunctionTable
): Node => {
  const name = baseName(call.name)
  if (name === "try") return compileTry(call, args)
  if (name === "can") return compileCan(call, args)
  if (name === "templatestring" && literalTemplate(call)) {
    return (ctx) => {
      ctx.error(
        "Invalid function argument",
        `Invalid value for "template" parameter: invalid template expression: templatestring is only for rendering templates retrieved dynamically from elsewhere, and so does not support providing a literal template; consider using a template string expression instead.`,
        call.args[0]!.range
      )
      return V.DynamicUnknown
    }
  }
  const definition = functions.lookup(name)
  if (definition === undefined) return unknownFunction(call, functions)
  return compileRegistered(call, definition, args)
}
