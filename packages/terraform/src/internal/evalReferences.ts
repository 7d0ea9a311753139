/**
 * The static references of an expression: each traversal rooted at a name that is not bound by
 * an enclosing `for` / `%{for}`, as its root and the leading attribute names / literal keys.
 */
import type * as Ast from "../Ast.js"
import * as N from "../Number.js"

const literalKey = (key: Ast.Expression): string | number | undefined => {
  switch (key._tag) {
    case "StringLiteral":
      return key.value
    case "NumberLiteral": {
      const n = N.parse(key.text)
      if (n === undefined || !N.isInteger(n) || N.sign(n) < 0) return undefined
      const i = N.toNumber(n)
      return Number.isSafeInteger(i) ? i : undefined
    }
    case "Template":
      if (!key.unwrap && key.parts.every((p) => p._tag === "TemplateLiteral")) {
        return key.parts.map((p) => (p as Ast.TemplateLiteral).value).join("")
      }
      return undefined
    default:
      return undefined
  }
}

class Collector {
  readonly out: Array<Ast.Reference> = []
  private readonly seen = new Set<string>()

  add(parts: ReadonlyArray<string | number>, range: Ast.Reference["range"]): void {
    const key = parts.map((p) => (typeof p === "number" ? `#${p}` : `.${p}`)).join("")
    if (this.seen.has(key)) return
    this.seen.add(key)
    this.out.push({ parts, range })
  }

  expression(e: Ast.Expression, bound: ReadonlySet<string>): void {
    switch (e._tag) {
      case "NumberLiteral":
      case "StringLiteral":
      case "BoolLiteral":
      case "NullLiteral":
      case "AnonSymbol":
        return
      case "Variable":
      case "GetAttr":
      case "Index":
        return this.traversal(e, bound)
      case "Parens":
        return this.expression(e.expression, bound)
      case "Template":
        return this.parts(e.parts, bound)
      case "Tuple":
        for (const x of e.elements) this.expression(x, bound)
        return
      case "ObjectCons":
        for (const item of e.items) {
          if (item.key._tag === "ObjectKeyExpression") this.expression(item.key.expression, bound)
          this.expression(item.value, bound)
        }
        return
      case "FunctionCall":
        for (const x of e.args) this.expression(x, bound)
        return
      case "Conditional":
        this.expression(e.condition, bound)
        this.expression(e.then, bound)
        this.expression(e.else, bound)
        return
      case "Binary":
        this.expression(e.left, bound)
        this.expression(e.right, bound)
        return
      case "Unary":
        return this.expression(e.operand, bound)
      case "For": {
        this.expression(e.collection, bound)
        const inner = new Set(bound)
        if (e.keyVar !== undefined) inner.add(e.keyVar)
        inner.add(e.valueVar)
        if (e.keyExpression !== undefined) this.expression(e.keyExpression, inner)
        this.expression(e.valueExpression, inner)
        if (e.condition !== undefined) this.expression(e.condition, inner)
        return
      }
      case "Splat":
        this.expression(e.source, bound)
        this.expression(e.each, bound)
        return
    }
  }

  private parts(parts: ReadonlyArray<Ast.TemplatePart>, bound: ReadonlySet<string>): void {
    for (const p of parts) {
      switch (p._tag) {
        case "TemplateLiteral":
          break
        case "TemplateInterpolation":
          this.expression(p.expression, bound)
          break
        case "TemplateIf":
          this.expression(p.condition, bound)
          this.parts(p.then, bound)
          this.parts(p.else, bound)
          break
        case "TemplateFor": {
          this.expression(p.collection, bound)
          const inner = new Set(bound)
          if (p.keyVar !== undefined) inner.add(p.keyVar)
          inner.add(p.valueVar)
          this.parts(p.body, inner)
          break
        }
      }
    }
  }

  private traversal(e: Ast.Variable | Ast.GetAttr | Ast.Index, bound: ReadonlySet<string>): void {
    const chain: Array<Ast.GetAttr | Ast.Index> = []
    let root: Ast.Expression = e
    while (root._tag === "GetAttr" || root._tag === "Index") {
      chain.push(root)
      root = root._tag === "GetAttr" ? root.object : root.collection
    }
    chain.reverse()
    if (root._tag === "Variable") {
      if (!bound.has(root.name)) {
        const parts: Array<string | number> = [root.name]
        let range = root.range
        for (const s of chain) {
          const key = s._tag === "GetAttr" ? s.name : literalKey(s.key)
          if (key === undefined) break
          parts.push(key)
          range = s.range
        }
        this.add(parts, range)
      }
    } else {
      this.expression(root, bound)
    }
    for (const s of chain) if (s._tag === "Index") this.expression(s.key, bound)
  }
}

/** Every static reference in `expression` (first occurrence of each). */
export const referencesOf = (expression: Ast.Expression): ReadonlyArray<Ast.Reference> => {
  const c = new Collector()
  c.expression(expression, new Set())
  return c.out
}
