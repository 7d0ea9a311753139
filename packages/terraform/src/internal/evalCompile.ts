/**
 * Compiling an expression AST into a tree of closures, once; the closures then evaluate many
 * times with HCL's semantics (docs/render.md §2.2). Bound names (`for` variables, template `%{for}`
 * variables, the splat element) live in numbered slots resolved at compile time; every other
 * root name goes to the scope with the longest static prefix of its traversal.
 *
 * @internal
 */
import type * as Ast from "../Ast.js"
import { ConversionFailure, convertUnified, convertValue, unifyTypes } from "../Convert.js"
import type * as Diagnostic from "../Diagnostic.js"
import { noFiles } from "../FunctionDefinition.js"
import type { FunctionTable } from "../FunctionTable.js"
import * as N from "../Number.js"
import * as Ops from "../Operations.js"
import * as Sensitive from "../Sensitive.js"
import * as T from "../Type.js"
import * as V from "../Value.js"
import { getAttr, index } from "./evalAccess.js"
import { compileCall } from "./evalCall.js"
import { type Compiled, EvalContext, type Node, quote } from "./evalContext.js"
import { textOf } from "./evalSupport.js"

interface Binding {
  readonly name: string
  readonly slot: number
  readonly parent: Binding | undefined
}

const ANON = "\u0000splat"

const find = (env: Binding | undefined, name: string): Binding | undefined => {
  for (let b = env; b !== undefined; b = b.parent) if (b.name === name) return b
  return undefined
}

const DYN = V.DynamicUnknown
const UnknownString = V.unknownOf(T.string)

const constant = (value: V.Value, expression: Ast.Expression): Compiled => ({
  run: () => value,
  constant: value,
  expression
})

const dynamic = (run: Node, expression: Ast.Expression): Compiled => ({ run, constant: undefined, expression })

const foldScope = { resolve: () => undefined, files: noFiles }
/** Folded nodes call no function (a call is never constant): they need no table. */
const noFunctions: FunctionTable = { lookup: () => undefined, names: () => [] }

/** Evaluate a node whose inputs are all constant; keep it as a constant if it has no errors. */
const fold = (run: Node, expression: Ast.Expression): Compiled => {
  try {
    const ctx = new EvalContext(foldScope, [], noFunctions)
    const value = run(ctx)
    if (ctx.errors === undefined && !ctx.impure) return constant(value, expression)
  } catch {
    // fall through: evaluate at run time, where failures become diagnostics
  }
  return dynamic(run, expression)
}

/**
 * A call whose arguments are all constant gives the same value every time for the same template
 * files (`jsondecode(file("config.json"))`), unless it fails or is impure: remember it per file
 * snapshot, so a template version pays for it once.
 */
const memoizedPerFiles = (run: Node): Node => {
  const values = new WeakMap<object, V.Value>()
  return (ctx) => {
    const files = ctx.scope.files
    const remembered = values.get(files)
    if (remembered !== undefined) return remembered
    const mark = ctx.errorCount
    const value = run(ctx)
    if (ctx.errorCount === mark && !ctx.impure) values.set(files, value)
    return value
  }
}

const smallIntegers: ReadonlyArray<V.NumberValue> = Array.from({ length: 256 }, (_, i) => V.numberFromJs(i))
const integerValue = (i: number): V.Value => (i < 256 ? smallIntegers[i]! : V.numberFromJs(i))

/** Unicode NFC, as cty normalises every string value (cheap for ASCII). */

const nonAscii = /[^\u0000-\u007f]/
export const nfc = (s: string): string => (nonAscii.test(s) ? s.normalize("NFC") : s)

/** A list of values when they share a type (after unification), otherwise a tuple. */
const listOrTuple = (values: Array<V.Value>): V.Value => {
  const types = values.map(V.typeOf)
  const unified = unifyTypes(types)
  if (unified === undefined) return V.tuple(values)
  if (types.every((t) => T.equals(t, unified.type))) return V.list(unified.type, values)
  const out: Array<V.Value> = []
  for (const v of values) {
    const c = convertUnified(v, unified)
    if (c instanceof ConversionFailure) return V.tuple(values)
    out.push(c)
  }
  return V.list(unified.type, out)
}

// -----------------------------------------------------------------------------------------------
// conditional type mismatch messages (HCL's wording)

const describeMismatch = (t: T.Type, f: T.Type): string => {
  if (t._tag === "Object" && f._tag === "Object") {
    for (const name of [...t.attributes.keys()].sort(V.compareStrings)) {
      const fa = f.attributes.get(name)
      if (fa === undefined) {
        return `The 'true' value includes object attribute ${quote(name)}, which is absent in the 'false' value`
      }
      const ta = t.attributes.get(name)!
      if (!T.equals(ta, fa)) return `Type mismatch for object attribute ${quote(name)}: ${describeMismatch(ta, fa)}`
    }
    for (const name of [...f.attributes.keys()].sort(V.compareStrings)) {
      if (!t.attributes.has(name)) {
        return `The 'false' value includes object attribute ${quote(name)}, which is absent in the 'true' value`
      }
    }
  } else if (t._tag === "Tuple" && f._tag === "Tuple") {
    if (t.elements.length !== f.elements.length) {
      return `The 'true' tuple has length ${t.elements.length}, but the 'false' tuple has length ${f.elements.length}`
    }
    for (let i = 0; i < t.elements.length; i++) {
      if (!T.equals(t.elements[i]!, f.elements[i]!)) {
        return `Type mismatch for tuple element ${i}: ${describeMismatch(t.elements[i]!, f.elements[i]!)}`
      }
    }
  } else if (T.isCollection(t) && T.isCollection(f) && t._tag === f._tag) {
    const te = t.element
    const fe = f.element
    if ((te._tag === "Object" && fe._tag === "Object") || (te._tag === "Tuple" && fe._tag === "Tuple")) {
      const noun = t._tag === "List" ? "list" : t._tag === "Map" ? "map" : "set"
      return `Mismatched ${noun} element types: ${describeMismatch(te, fe)}`
    }
  }
  const tn = T.friendlyName(t)
  const fn = T.friendlyName(f)
  if (tn === fn) {
    return "At least one deeply-nested attribute or element is not compatible across both the 'true' and the 'false' value"
  }
  return `The 'true' value is ${tn}, but the 'false' value is ${fn}`
}

const isUntypedNull = (v: V.Value): boolean => v._tag === "Null" && v.type._tag === "Dynamic"
const isDynamicTyped = (v: V.Value): boolean => (v._tag === "Null" || v._tag === "Unknown") && v.type._tag === "Dynamic"

/** A branch evaluated with its own errors set aside. */
interface Branch {
  readonly value: V.Value
  readonly errors: ReadonlyArray<Diagnostic.Diagnostic>
}

const noErrors: ReadonlyArray<Diagnostic.Diagnostic> = []

const evaluateBranch = (ctx: EvalContext, branch: Compiled): Branch => {
  if (branch.constant !== undefined) return { value: branch.constant, errors: noErrors }
  const mark = ctx.errorCount
  const value = branch.run(ctx)
  return { value, errors: ctx.errorCount > mark ? ctx.take(mark) : noErrors }
}

/** HCL's conditional: convert the condition, unify the branch types, report the chosen branch. */
const makeConditional = (
  condition: Compiled,
  then: Compiled,
  otherwise: Compiled,
  range: Diagnostic.Range
): Node =>
(ctx) => {
  const mark = ctx.errorCount
  const c = condition.run(ctx)
  const conditionErrors = ctx.errorCount > mark ? ctx.take(mark) : noErrors
  const t = evaluateBranch(ctx, then)
  const f = evaluateBranch(ctx, otherwise)
  const tv = t.value
  const fv = f.value
  // result type and which branch needs converting
  let resultType: T.Type
  let toDynamic = false
  if (tv._tag === fv._tag && (tv._tag === "String" || tv._tag === "Number" || tv._tag === "Bool")) {
    resultType = V.typeOf(tv)
  } else if (isUntypedNull(tv)) resultType = V.typeOf(fv)
  else if (isUntypedNull(fv)) resultType = V.typeOf(tv)
  else if (isDynamicTyped(tv) || isDynamicTyped(fv)) resultType = T.dynamic
  else {
    const tt = V.typeOf(tv)
    const ft = V.typeOf(fv)
    const unified = unifyTypes([tt, ft])
    if (unified === undefined) {
      ctx.error(
        "Inconsistent conditional result types",
        `The true and false result expressions must have consistent types. ${describeMismatch(tt, ft)}.`,
        range
      )
      return DYN
    }
    resultType = unified.type
    toDynamic = unified.toDynamic
  }
  if (c._tag === "Null") {
    ctx.restore(conditionErrors)
    ctx.error(
      "Null condition",
      "The condition value is null. Conditions must either be true or false.",
      condition.expression.range
    )
    return V.unknownOf(resultType)
  }
  if (c._tag === "Unknown") {
    ctx.restore(conditionErrors)
    return V.unknownOf(resultType)
  }
  const b = c._tag === "Bool" ? c : convertValue(c, T.bool)
  ctx.restore(conditionErrors)
  if (b instanceof ConversionFailure || b._tag !== "Bool") {
    ctx.error("Incorrect condition type", "The condition expression must be of type bool.", condition.expression.range)
    return V.unknownOf(resultType)
  }
  const chosen = b.value ? t : f
  ctx.restore(chosen.errors)
  const value = chosen.value
  if (toDynamic) return DYN
  if (resultType._tag === "Dynamic" || resultType._tag === value._tag && T.isPrimitive(resultType)) return value
  const converted = convertValue(value, resultType)
  if (converted instanceof ConversionFailure) {
    ctx.error(
      "Inconsistent conditional result types",
      `The ${b.value ? "true" : "false"} result value has the wrong type: ${converted.message}.`,
      range
    )
    return V.unknownOf(resultType)
  }
  return converted
}

// -----------------------------------------------------------------------------------------------
// for expressions

interface ForParts {
  readonly collection: Compiled
  readonly keySlot: number
  readonly valueSlot: number
  readonly key: Compiled | undefined
  readonly value: Compiled
  readonly condition: Compiled | undefined
  readonly group: boolean
  readonly objectForm: boolean
  /** Steps charged per element: the nodes of the key, value and condition expressions. */
  readonly cost: number
  readonly range: Diagnostic.Range
}

const iterable = (tag: string): boolean =>
  tag === "List" || tag === "Set" || tag === "Tuple" || tag === "Map" || tag === "Object"

const makeFor = (parts: ForParts): Node => {
  const { collection, condition, cost, group, key, keySlot, objectForm, range, value, valueSlot } = parts
  return (ctx) => {
    const coll = collection.run(ctx)
    if (coll._tag === "Null") {
      ctx.error(
        "Iteration over null value",
        "A null value cannot be used as the collection in a 'for' expression.",
        collection.expression.range
      )
      return DYN
    }
    if (coll._tag === "Unknown" && coll.type._tag === "Dynamic") return DYN
    const tag = coll._tag === "Unknown" ? coll.type._tag : coll._tag
    if (!iterable(tag)) {
      ctx.error(
        "Iteration over non-iterable value",
        `A value of type ${T.friendlyName(V.typeOf(coll))} cannot be used as the collection in a 'for' expression.`,
        collection.expression.range
      )
      return DYN
    }
    const slots = ctx.slots
    if (condition !== undefined) {
      if (keySlot >= 0) slots[keySlot] = DYN
      slots[valueSlot] = DYN
      const mark = ctx.errorCount
      const r = condition.run(ctx)
      const failed = ctx.errorCount > mark
      if (r._tag === "Null") {
        ctx.error("Condition is null", "The value of the 'if' clause must not be null.", condition.expression.range)
        return DYN
      }
      const b = convertValue(r, T.bool)
      if (b instanceof ConversionFailure) {
        ctx.error(
          "Invalid 'for' condition",
          `The 'if' clause value is invalid: ${b.message}.`,
          condition.expression.range
        )
        return DYN
      }
      if (failed) return DYN
    }
    if (coll._tag === "Unknown") return DYN
    let keys: ReadonlyArray<V.Value> | undefined
    let elements: ReadonlyArray<V.Value>
    switch (coll._tag) {
      case "List":
      case "Tuple":
        elements = coll.elements
        break
      case "Set":
        elements = coll.elements
        keys = coll.elements
        break
      case "Map":
        elements = [...coll.entries.values()]
        keys = [...coll.entries.keys()].map(V.string)
        break
      default:
        elements = [...(coll as V.ObjectValue).attributes.values()]
        keys = [...(coll as V.ObjectValue).attributes.keys()].map(V.string)
    }
    let known = true
    const tupleValues: Array<V.Value> = []
    const objectValues = objectForm ? new Map<string, V.Value>() : undefined
    const groups = objectForm && group ? new Map<string, Array<V.Value>>() : undefined
    const meter = ctx.meter
    meter.elements(elements.length, range)
    for (let i = 0; i < elements.length; i++) {
      meter.step(cost, range)
      if (keySlot >= 0) slots[keySlot] = keys === undefined ? integerValue(i) : keys[i]!
      slots[valueSlot] = elements[i]!
      if (condition !== undefined) {
        const r = condition.run(ctx)
        if (r._tag === "Null") {
          if (known) {
            ctx.error(
              "Invalid 'for' condition",
              "The value of the 'if' clause must not be null.",
              condition.expression.range
            )
          }
          known = false
          continue
        }
        const b = r._tag === "Bool" ? r : convertValue(r, T.bool)
        if (b instanceof ConversionFailure) {
          if (known) {
            ctx.error(
              "Invalid 'for' condition",
              `The 'if' clause value is invalid: ${b.message}.`,
              condition.expression.range
            )
          }
          known = false
          continue
        }
        if (b._tag !== "Bool") {
          known = false
          continue
        }
        if (!b.value) continue
      }
      if (key === undefined) {
        tupleValues.push(value.run(ctx))
        continue
      }
      const k = key.run(ctx)
      if (k._tag === "Null") {
        if (known) {
          ctx.error(
            "Invalid object key",
            "Key expression in 'for' expression must not produce a null value.",
            key.expression.range
          )
        }
        known = false
        continue
      }
      if (k._tag === "Unknown") {
        known = false
        continue
      }
      const ks = convertValue(k, T.string)
      if (ks instanceof ConversionFailure || ks._tag !== "String") {
        if (known) {
          ctx.error(
            "Invalid object key",
            `The key expression produced an invalid result: ${
              ks instanceof ConversionFailure ? ks.message : "string required"
            }.`,
            key.expression.range
          )
        }
        known = false
        continue
      }
      const v = value.run(ctx)
      if (groups !== undefined) {
        const g = groups.get(ks.value)
        if (g === undefined) groups.set(ks.value, [v])
        else g.push(v)
      } else if (objectValues!.has(ks.value)) {
        ctx.error(
          "Duplicate object key",
          `Two different items produced the key ${
            quote(ks.value)
          } in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.`,
          key.expression.range
        )
      } else {
        objectValues!.set(ks.value, v)
      }
    }
    if (!known) return DYN
    if (!objectForm) return V.tuple(tupleValues)
    if (groups !== undefined) return V.object([...groups].map(([k, vs]) => [k, V.tuple(vs)] as const))
    return V.object(objectValues!)
  }
}

// -----------------------------------------------------------------------------------------------
// traversals

type Step =
  | { readonly _tag: "Attr"; readonly name: string; readonly range: Diagnostic.Range }
  | { readonly _tag: "Index"; readonly key: Compiled; readonly range: Diagnostic.Range }

const applySteps = (ctx: EvalContext, start: V.Value, steps: ReadonlyArray<Step>, from: number): V.Value => {
  let v = start
  for (let i = from; i < steps.length; i++) {
    const s = steps[i]!
    const r = s._tag === "Attr" ? getAttr(v, s.name) : index(v, s.key.run(ctx))
    if (r._tag === "Problem") {
      ctx.error(r.summary, r.detail, s.range)
      v = DYN
    } else {
      v = Sensitive.carryShallow(r, v)
    }
  }
  return v
}

/** The static key of an index expression (`a["k"]`, `a[0]`), if it is a literal. */
const literalKey = (key: Ast.Expression): string | number | undefined => {
  switch (key._tag) {
    case "StringLiteral":
      return nfc(key.value)
    case "NumberLiteral": {
      const n = N.parse(key.text)
      if (n === undefined || !N.isInteger(n) || N.sign(n) < 0) return undefined
      const i = N.toNumber(n)
      return Number.isSafeInteger(i) ? i : undefined
    }
    case "Template":
      if (key.unwrap) return undefined
      if (key.parts.every((p) => p._tag === "TemplateLiteral")) {
        return nfc(key.parts.map((p) => (p as Ast.TemplateLiteral).value).join(""))
      }
      return undefined
    default:
      return undefined
  }
}

// -----------------------------------------------------------------------------------------------
// templates

type TemplatePiece =
  | { readonly _tag: "Text"; readonly text: string }
  | { readonly _tag: "Value"; readonly node: Node; readonly range: Diagnostic.Range }

const makeTemplate = (pieces: ReadonlyArray<TemplatePiece>): Node => (ctx) => {
  const mark = ctx.errorCount
  let known = true
  let sensitive = false
  let out = ""
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!
    if (p._tag === "Text") {
      if (known && ctx.errorCount === mark) out += p.text
      continue
    }
    const v = p.node(ctx)
    if (Sensitive.isSensitive(v)) sensitive = true
    let s = textOf(v)
    if (s === undefined) {
      if (v._tag === "Null") {
        ctx.error(
          "Invalid template interpolation value",
          "The expression result is null. Cannot include a null value in a string template.",
          p.range
        )
        continue
      }
      if (v._tag === "Unknown") {
        known = false
        continue
      }
      const c = convertValue(v, T.string)
      if (c instanceof ConversionFailure || c._tag !== "String") {
        ctx.error(
          "Invalid template interpolation value",
          `Cannot include the given value in a string template: ${
            c instanceof ConversionFailure ? c.message : "string required"
          }.`,
          p.range
        )
        continue
      }
      s = c.value
    }
    if (known && ctx.errorCount === mark) {
      if (out.length + s.length > ctx.meter.budgets.maxStringBytes) ctx.meter.string(out.length + s.length, p.range)
      out += s
    }
  }
  const result = known ? V.string(nfc(out)) : UnknownString
  return sensitive ? Sensitive.sensitive(result) : result
}

/** `%{for}`: join the strings produced for each element (HCL's `TemplateJoinExpr`). */
const makeTemplateJoin = (tuple: Node, range: Diagnostic.Range): Node => (ctx) => {
  const t = tuple(ctx)
  if (t._tag !== "Tuple") return UnknownString
  let out = ""
  for (const v of t.elements) {
    if (v._tag === "Null") {
      ctx.error(
        "Invalid template interpolation value",
        "An iteration result is null. Cannot include a null value in a string template.",
        range
      )
      continue
    }
    if (isDynamicTyped(v)) return UnknownString
    const c = convertValue(v, T.string)
    if (c instanceof ConversionFailure) {
      ctx.error(
        "Invalid template interpolation value",
        `Cannot include one of the interpolation results into the string template: ${c.message}.`,
        range
      )
      continue
    }
    if (c._tag !== "String") return UnknownString
    if (out.length + c.value.length > ctx.meter.budgets.maxStringBytes) {
      ctx.meter.string(out.length + c.value.length, range)
    }
    out += c.value
  }
  return V.string(out)
}

// -----------------------------------------------------------------------------------------------
// sensitivity of whole results

/**
 * A node whose result is marked sensitive when the value of `watched` (evaluated inside it) was:
 * a sensitive condition, `for` collection or splat source makes the whole result sensitive.
 */
const markedBy = (watched: Compiled, build: (watching: Compiled) => Node): Node => {
  let marked = false
  const node = build({
    ...watched,
    run: (ctx) => {
      const v = watched.run(ctx)
      marked = Sensitive.isSensitive(v)
      return v
    }
  })
  return (ctx) => {
    marked = false
    const result = node(ctx)
    return marked ? Sensitive.sensitive(result) : result
  }
}

// -----------------------------------------------------------------------------------------------
// the compiler

/** Compiles one expression; counts the slots its bound names need. */
export class Compiler {
  constructor(readonly functions: FunctionTable) {}
  slotCount = 0
  /** Nodes compiled so far: the step cost of evaluating them once. */
  nodes = 0

  compile(e: Ast.Expression, env: Binding | undefined): Compiled {
    this.nodes++
    switch (e._tag) {
      case "NumberLiteral": {
        const n = N.parse(e.text)
        if (n === undefined) {
          return dynamic((ctx) => {
            ctx.error("Invalid number literal", `${quote(e.text)} is not a valid number.`, e.range)
            return DYN
          }, e)
        }
        return constant(V.number(n), e)
      }
      case "StringLiteral":
        return constant(V.string(nfc(e.value)), e)
      case "BoolLiteral":
        return constant(V.bool(e.value), e)
      case "NullLiteral":
        return constant(V.Null, e)
      case "Parens": {
        const inner = this.compile(e.expression, env)
        return { run: inner.run, constant: inner.constant, expression: e }
      }
      case "Variable":
      case "GetAttr":
      case "Index":
        return this.traversal(e, env)
      case "AnonSymbol": {
        const b = find(env, ANON)
        if (b === undefined) return constant(DYN, e)
        const slot = b.slot
        return dynamic((ctx) => ctx.slots[slot]!, e)
      }
      case "Template":
        if (e.unwrap && e.parts.length === 1 && e.parts[0]!._tag === "TemplateInterpolation") {
          const inner = this.compile(e.parts[0].expression, env)
          return { run: inner.run, constant: inner.constant, expression: e }
        }
        return this.template(e.parts, env, e)
      case "Tuple": {
        const elements = e.elements.map((x) => this.compile(x, env))
        const n = elements.length
        const run: Node = (ctx) => {
          const out = new Array<V.Value>(n)
          for (let i = 0; i < n; i++) out[i] = elements[i]!.run(ctx)
          return V.tuple(out)
        }
        return elements.every((x) => x.constant !== undefined) ? fold(run, e) : dynamic(run, e)
      }
      case "ObjectCons":
        return this.object(e, env)
      case "FunctionCall": {
        const args = e.args.map((x) => this.compile(x, env))
        const run = compileCall(e, args, this.functions)
        return dynamic(args.every((x) => x.constant !== undefined) ? memoizedPerFiles(run) : run, e)
      }
      case "Conditional": {
        const condition = this.compile(e.condition, env)
        const then = this.compile(e.then, env)
        const otherwise = this.compile(e.else, env)
        const run = markedBy(condition, (watched) => makeConditional(watched, then, otherwise, e.range))
        return dynamic(run, e)
      }
      case "Binary":
        return this.binary(e, env)
      case "Unary": {
        const operand = this.compile(e.operand, env)
        const type = e.operator === "!" ? T.bool : T.number
        const op = e.operator
        const run: Node = (ctx) => {
          const mark = ctx.errorCount
          const v = operand.run(ctx)
          const r = Ops.unary(op, v)
          if (r instanceof Ops.OperationError) {
            for (const p of r.problems) {
              if (ctx.errorCount === mark || p.summary === "Invalid operand") ctx.error(p.summary, p.detail, e.range)
            }
            return V.unknownOf(type)
          }
          return ctx.errorCount > mark ? V.unknownOf(type) : Sensitive.carry(r, [v])
        }
        return operand.constant !== undefined ? fold(run, e) : dynamic(run, e)
      }
      case "For":
        return this.forExpression(e, env)
      case "Splat":
        return this.splat(e, env)
    }
  }

  /**
   * A binary operation, and with it the whole chain of binary operations down its left operand
   * (`1 + 2 + 3 - 4` is left-leaning): compiled and evaluated in one loop, so that a chain of
   * any length needs no recursion. Every operation keeps its own range and HCL's error rules.
   */
  private binary(e: Ast.Binary, env: Binding | undefined): Compiled {
    const spine: Array<Ast.Binary> = []
    let leftmost: Ast.Expression = e
    while (leftmost._tag === "Binary") {
      spine.push(leftmost)
      leftmost = leftmost.left
    }
    spine.reverse()
    this.nodes += spine.length - 1
    const first = this.compile(leftmost, env)
    const n = spine.length
    const rights = spine.map((b) => this.compile(b.right, env))
    const ops = spine.map((b) => b.operator)
    const types = ops.map(Ops.resultType)
    const ranges = spine.map((b) => b.range)
    const run: Node = (ctx) => {
      const mark = ctx.errorCount
      let l = first.run(ctx)
      for (let i = 0; i < n; i++) {
        const r = rights[i]!.run(ctx)
        const failed = ctx.errorCount > mark
        const result = Ops.binary(ops[i]!, l, r)
        if (result instanceof Ops.OperationError) {
          for (const p of result.problems) {
            if (!failed || p.summary === "Invalid operand") ctx.error(p.summary, p.detail, ranges[i]!)
          }
          l = V.unknownOf(types[i]!)
        } else l = failed ? V.unknownOf(types[i]!) : Sensitive.carry(result, [l, r])
      }
      return l
    }
    return first.constant !== undefined && rights.every((r) => r.constant !== undefined)
      ? fold(run, e)
      : dynamic(run, e)
  }

  private object(e: Ast.ObjectCons, env: Binding | undefined): Compiled {
    const items = e.items.map((item) => ({
      name: item.key._tag === "ObjectKeyName" ? nfc(item.key.name) : undefined,
      key: item.key._tag === "ObjectKeyExpression" ? this.compile(item.key.expression, env) : undefined,
      keyRange: item.key.range,
      value: this.compile(item.value, env)
    }))
    const n = items.length
    const allConstant = items.every((i) =>
      (i.name !== undefined || i.key!.constant !== undefined) &&
      i.value.constant !== undefined
    )
    if (items.every((i) => i.name !== undefined)) {
      // static keys: the sorted order (last duplicate wins) is known now
      const last = new Map<string, number>()
      items.forEach((item, i) => last.set(item.name!, i))
      const order = [...last].sort(([a], [b]) => V.compareStrings(a, b))
      const run: Node = (ctx) => {
        const values = new Array<V.Value>(n)
        for (let i = 0; i < n; i++) values[i] = items[i]!.value.run(ctx)
        const attributes = new Map<string, V.Value>()
        for (const [name, i] of order) attributes.set(name, values[i]!)
        return { _tag: "Object", attributes }
      }
      return allConstant ? fold(run, e) : dynamic(run, e)
    }
    const run: Node = (ctx) => {
      let known = true
      const entries = new Map<string, V.Value>()
      for (let i = 0; i < n; i++) {
        const item = items[i]!
        let keyText = item.name
        if (keyText === undefined) {
          const mark = ctx.errorCount
          const k = item.key!.run(ctx)
          const keyFailed = ctx.errorCount > mark
          const v = item.value.run(ctx)
          if (keyFailed) {
            known = false
            continue
          }
          if (k._tag === "Null") {
            ctx.error("Null value as key", "Can't use a null value as a key.", item.keyRange)
            known = false
            continue
          }
          const ks = convertValue(k, T.string)
          if (ks instanceof ConversionFailure) {
            ctx.error("Incorrect key type", `Can't use this value as a key: ${ks.message}.`, item.keyRange)
            known = false
            continue
          }
          if (ks._tag !== "String") {
            known = false
            continue
          }
          keyText = ks.value
          entries.delete(keyText)
          entries.set(keyText, v)
          continue
        }
        entries.delete(keyText)
        entries.set(keyText, item.value.run(ctx))
      }
      return known ? V.object(entries) : DYN
    }
    return allConstant ? fold(run, e) : dynamic(run, e)
  }

  private traversal(e: Ast.Variable | Ast.GetAttr | Ast.Index, env: Binding | undefined): Compiled {
    const chain: Array<Ast.GetAttr | Ast.Index> = []
    let root: Ast.Expression = e
    while (root._tag === "GetAttr" || root._tag === "Index") {
      chain.push(root)
      root = root._tag === "GetAttr" ? root.object : root.collection
    }
    chain.reverse()
    const steps: Array<Step> = chain.map((s) =>
      s._tag === "GetAttr"
        ? { _tag: "Attr", name: s.name, range: s.range }
        : { _tag: "Index", key: this.compile(s.key, env), range: s.range }
    )
    if (root._tag === "Variable") {
      const binding = find(env, root.name)
      if (binding !== undefined) {
        const slot = binding.slot
        if (steps.length === 0) return dynamic((ctx) => ctx.slots[slot]!, e)
        return dynamic((ctx) => applySteps(ctx, ctx.slots[slot]!, steps, 0), e)
      }
      return this.scopeTraversal(root, chain, steps, e)
    }
    const base = this.compile(root, env)
    if (steps.length === 0) return base
    const run: Node = (ctx) => applySteps(ctx, base.run(ctx), steps, 0)
    return base.constant !== undefined && steps.every((s) => s._tag === "Attr" || s.key.constant !== undefined)
      ? fold(run, e)
      : dynamic(run, e)
  }

  private scopeTraversal(
    root: Ast.Variable,
    chain: ReadonlyArray<Ast.GetAttr | Ast.Index>,
    steps: ReadonlyArray<Step>,
    e: Ast.Expression
  ): Compiled {
    const parts: Array<string | number> = [root.name]
    let prefixRange = root.range
    for (const s of chain) {
      const key = s._tag === "GetAttr" ? s.name : literalKey(s.key)
      if (key === undefined) break
      parts.push(key)
      prefixRange = s.range
    }
    const name = root.name
    const total = parts.length
    const unknownVariable = `There is no variable named ${quote(name)}.`
    const slow = (ctx: EvalContext, r: ReturnType<EvalContext["scope"]["resolve"]>): V.Value => {
      if (r === undefined) {
        ctx.error("Unknown variable", unknownVariable, root.range)
        return applySteps(ctx, DYN, steps, 0)
      }
      if ("error" in r) {
        ctx.fail(r.error)
        return applySteps(ctx, DYN, steps, 0)
      }
      const consumed = Math.min(Math.max(1, r.consumed), total)
      return applySteps(ctx, r.value, steps, consumed - 1)
    }
    if (steps.length === total - 1) {
      // the whole traversal is static: the common case
      return dynamic((ctx) => {
        const r = ctx.scope.resolve(parts, prefixRange)
        if (r !== undefined && "value" in r && r.consumed === total) return r.value
        return slow(ctx, r)
      }, e)
    }
    return dynamic((ctx) => slow(ctx, ctx.scope.resolve(parts, prefixRange)), e)
  }

  private template(parts: ReadonlyArray<Ast.TemplatePart>, env: Binding | undefined, e: Ast.Expression): Compiled {
    const pieces: Array<TemplatePiece> = []
    let allConstant = true
    for (const part of parts) {
      switch (part._tag) {
        case "TemplateLiteral":
          pieces.push({ _tag: "Text", text: part.value })
          break
        case "TemplateInterpolation": {
          const c = this.compile(part.expression, env)
          if (c.constant === undefined) allConstant = false
          pieces.push({ _tag: "Value", node: c.run, range: part.expression.range })
          break
        }
        case "TemplateIf": {
          allConstant = false
          const condition = this.compile(part.condition, env)
          const then = this.template(part.then, env, e)
          const otherwise = part.else.length === 0 ? constant(V.EmptyString, e) : this.template(part.else, env, e)
          pieces.push({
            _tag: "Value",
            node: makeConditional(condition, then, otherwise, part.range),
            range: part.range
          })
          break
        }
        case "TemplateFor": {
          allConstant = false
          const collection = this.compile(part.collection, env)
          const keySlot = part.keyVar !== undefined ? this.slotCount++ : -1
          const valueSlot = this.slotCount++
          let inner = env
          if (part.keyVar !== undefined) inner = { name: part.keyVar, slot: keySlot, parent: inner }
          inner = { name: part.valueVar, slot: valueSlot, parent: inner }
          const before = this.nodes
          const body = this.template(part.body, inner, e)
          const tuple = makeFor({
            cost: this.nodes - before + 1,
            range: part.range,
            collection,
            keySlot,
            valueSlot,
            key: undefined,
            value: body,
            condition: undefined,
            group: false,
            objectForm: false
          })
          pieces.push({ _tag: "Value", node: makeTemplateJoin(tuple, part.range), range: part.range })
          break
        }
      }
    }
    // merge adjacent text
    const merged: Array<TemplatePiece> = []
    for (const p of pieces) {
      const last = merged[merged.length - 1]
      if (p._tag === "Text" && last?._tag === "Text") {
        merged[merged.length - 1] = { _tag: "Text", text: last.text + p.text }
      } else merged.push(p)
    }
    if (merged.length === 0) return constant(V.EmptyString, e)
    if (merged.length === 1 && merged[0]!._tag === "Text") return constant(V.string(nfc(merged[0].text)), e)
    const run = makeTemplate(merged)
    return allConstant ? fold(run, e) : dynamic(run, e)
  }

  private forExpression(e: Ast.For, env: Binding | undefined): Compiled {
    const collection = this.compile(e.collection, env)
    const keySlot = e.keyVar !== undefined ? this.slotCount++ : -1
    const valueSlot = this.slotCount++
    let inner = env
    if (e.keyVar !== undefined) inner = { name: e.keyVar, slot: keySlot, parent: inner }
    inner = { name: e.valueVar, slot: valueSlot, parent: inner }
    const before = this.nodes
    const key = e.keyExpression === undefined ? undefined : this.compile(e.keyExpression, inner)
    const value = this.compile(e.valueExpression, inner)
    const condition = e.condition === undefined ? undefined : this.compile(e.condition, inner)
    const cost = this.nodes - before + 1
    // as Terraform: iterating a sensitive collection gives a sensitive result
    const node = markedBy(collection, (watched) =>
      makeFor({
        collection: watched,
        keySlot,
        valueSlot,
        key,
        value,
        condition,
        group: e.group,
        objectForm: e.keyExpression !== undefined,
        cost,
        range: e.range
      }))
    return dynamic(node, e)
  }

  private splat(e: Ast.Splat, env: Binding | undefined): Compiled {
    const source = this.compile(e.source, env)
    const slot = this.slotCount++
    const before = this.nodes
    const each = this.compile(e.each, { name: ANON, slot, parent: env })
    const cost = this.nodes - before + 1
    const sourceRange = e.source.range
    const typeOfEach = (ctx: EvalContext, elementType: T.Type): T.Type => {
      ctx.slots[slot] = V.unknownOf(elementType)
      return V.typeOf(each.run(ctx))
    }
    const resultType = (ctx: EvalContext, sourceType: T.Type): T.Type => {
      switch (sourceType._tag) {
        case "List":
        case "Set":
          return T.list(typeOfEach(ctx, sourceType.element))
        case "Tuple":
          return T.tuple(sourceType.elements.map((t) => typeOfEach(ctx, t)))
        default:
          return T.dynamic
      }
    }
    const run: Node = (ctx) => {
      const mark = ctx.errorCount
      let src = watchedSource.run(ctx)
      if (ctx.errorCount > mark) return DYN
      const tag = src._tag === "Null" || src._tag === "Unknown" ? src.type._tag : src._tag
      const sequence = tag === "List" || tag === "Set" || tag === "Tuple"
      if (src._tag === "Null") {
        if (!sequence) return V.EmptyTuple
        ctx.error(
          "Splat of null value",
          "Splat expressions (with the * symbol) cannot be applied to null sequences.",
          sourceRange
        )
        return DYN
      }
      if (tag === "Dynamic") return DYN
      if (!sequence) src = V.tuple([src])
      if (src._tag === "Unknown") return V.unknownOf(resultType(ctx, src.type))
      const elements = (src as V.ListValue | V.SetValue | V.TupleValue).elements
      const out = new Array<V.Value>(elements.length)
      const before = ctx.errorCount
      const meter = ctx.meter
      for (let i = 0; i < elements.length; i++) {
        meter.step(cost, e.range)
        ctx.slots[slot] = elements[i]!
        out[i] = each.run(ctx)
      }
      if (ctx.errorCount > before) {
        const errors = ctx.take(before)
        const t = resultType(ctx, V.typeOf(src))
        ctx.take(before)
        ctx.restore(errors)
        return V.unknownOf(t)
      }
      if (src._tag === "List" || src._tag === "Set") {
        if (out.length === 0) {
          const m = ctx.errorCount
          const t = resultType(ctx, V.typeOf(src))
          ctx.take(m)
          return V.list((t as T.ListType).element ?? T.dynamic, [])
        }
        return listOrTuple(out)
      }
      return V.tuple(out)
    }
    // a splat of a sensitive value is sensitive
    let watchedSource = source
    return dynamic(
      markedBy(source, (watching) => {
        watchedSource = watching
        return run
      }),
      e
    )
  }
}
