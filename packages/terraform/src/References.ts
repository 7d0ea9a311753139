/**
 * Static references in an expression: which named values (`var.x`, `data.t.n.attr`, `local.y`,
 * `count.index`...) it reads, for dependency analysis.
 *
 * @since 0.1.0
 */
import type * as Ast from "./Ast.js"

/** Names bound by enclosing `for` expressions / `%{ for }` directives. */
interface Scope {
  readonly name: string
  readonly next: Scope | undefined
}

const isBound = (scope: Scope | undefined, name: string): boolean => {
  for (let s = scope; s !== undefined; s = s.next) if (s.name === name) return true
  return false
}

const bind = (scope: Scope | undefined, keyVar: string | undefined, valueVar: string): Scope => {
  const withValue: Scope = { name: valueVar, next: scope }
  return keyVar === undefined ? withValue : { name: keyVar, next: withValue }
}

/**
 * The literal key of an index step: a string, or a whole number that can index a list; undefined
 * when the key is computed (or a number no list index can be).
 */
const literalKey = (key: Ast.Expression): string | number | undefined => {
  if (key._tag === "StringLiteral") return key.value
  if (key._tag === "NumberLiteral") {
    const n = Number(key.text)
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined
  }
  return undefined
}

type Work =
  | { readonly expression: Ast.Expression; readonly parts?: undefined; readonly scope: Scope | undefined }
  | {
    readonly expression?: undefined
    readonly parts: ReadonlyArray<Ast.TemplatePart>
    readonly scope: Scope | undefined
  }

/** The references of an expression that has none (most: constants), shared and frozen. */
const none: ReadonlyArray<Ast.Reference> = Object.freeze([])

/**
 * Every static reference in `expression`, in source order, one per occurrence: the root name
 * followed by the attribute names and literal index keys that follow it directly
 * (`data.coder_parameter.region[0].value` → `["data", "coder_parameter", "region", 0, "value"]`).
 * A computed index ends the reference, and the index expression is searched on its own
 * (`var.x[local.i]` → `["var", "x"]` and `["local", "i"]`). Names bound by an enclosing `for`
 * expression or `%{ for }` directive, and the element placeholder of splats, are not references.
 *
 * Iterative, so that deep trees cannot overflow the stack.
 *
 * @since 0.1.0
 * @category utils
 */
export const references = (expression: Ast.Expression): ReadonlyArray<Ast.Reference> => {
  const out: Array<Ast.Reference> = []
  const stack: Array<Work> = [{ expression, scope: undefined }]
  const push = (e: Ast.Expression | undefined, scope: Scope | undefined) => {
    if (e !== undefined) stack.push({ expression: e, scope })
  }
  const pushAll = (es: ReadonlyArray<Ast.Expression>, scope: Scope | undefined) => {
    for (let k = es.length - 1; k >= 0; k--) stack.push({ expression: es[k]!, scope })
  }
  const pushParts = (parts: ReadonlyArray<Ast.TemplatePart>, scope: Scope | undefined) => {
    stack.push({ parts, scope })
  }

  while (stack.length > 0) {
    const work = stack.pop()!
    const scope = work.scope
    if (work.parts !== undefined) {
      for (let k = work.parts.length - 1; k >= 0; k--) {
        const part = work.parts[k]!
        switch (part._tag) {
          case "TemplateLiteral":
            break
          case "TemplateInterpolation":
            push(part.expression, scope)
            break
          case "TemplateIf":
            pushParts(part.else, scope)
            pushParts(part.then, scope)
            push(part.condition, scope)
            break
          case "TemplateFor":
            pushParts(part.body, bind(scope, part.keyVar, part.valueVar))
            push(part.collection, scope)
            break
        }
      }
      continue
    }
    const e = work.expression
    switch (e._tag) {
      case "GetAttr":
      case "Index":
      case "Variable": {
        traversal(e, scope, out, stack)
        break
      }
      case "Template":
        pushParts(e.parts, scope)
        break
      case "Splat":
        push(e.each, scope)
        push(e.source, scope)
        break
      case "Tuple":
        pushAll(e.elements, scope)
        break
      case "ObjectCons":
        for (let k = e.items.length - 1; k >= 0; k--) {
          const item = e.items[k]!
          push(item.value, scope)
          if (item.key._tag === "ObjectKeyExpression") push(item.key.expression, scope)
        }
        break
      case "FunctionCall":
        pushAll(e.args, scope)
        break
      case "Conditional":
        push(e.else, scope)
        push(e.then, scope)
        push(e.condition, scope)
        break
      case "Binary":
        push(e.right, scope)
        push(e.left, scope)
        break
      case "Unary":
        push(e.operand, scope)
        break
      case "Parens":
        push(e.expression, scope)
        break
      case "For": {
        const inner = bind(scope, e.keyVar, e.valueVar)
        push(e.condition, inner)
        push(e.valueExpression, inner)
        push(e.keyExpression, inner)
        push(e.collection, scope)
        break
      }
      default:
        break
    }
  }
  return out.length === 0 ? none : out
}

/** A chain of attribute / index steps: one reference for its static prefix, then its computed keys. */
const traversal = (
  e: Ast.GetAttr | Ast.Index | Ast.Variable,
  scope: Scope | undefined,
  out: Array<Ast.Reference>,
  stack: Array<Work>
): void => {
  const chain: Array<Ast.GetAttr | Ast.Index> = []
  let root: Ast.Expression = e
  while (root._tag === "GetAttr" || root._tag === "Index") {
    chain.push(root)
    root = root._tag === "GetAttr" ? root.object : root.collection
  }
  // computed keys, searched after the reference itself (outermost pushed first, so popped last)
  for (const step of chain) {
    if (step._tag === "Index" && literalKey(step.key) === undefined) stack.push({ expression: step.key, scope })
  }
  if (root._tag !== "Variable") {
    stack.push({ expression: root, scope })
    return
  }
  if (isBound(scope, root.name)) return
  const parts: Array<string | number> = [root.name]
  let end = root.range.end
  for (let k = chain.length - 1; k >= 0; k--) {
    const step = chain[k]!
    if (step._tag === "GetAttr") parts.push(step.name)
    else {
      const key = literalKey(step.key)
      if (key === undefined) break
      parts.push(key)
    }
    end = step.range.end
  }
  out.push({ parts, range: { file: root.range.file, start: root.range.start, end } })
}
