/**
 * Variable type constraints: the `type` expression of a `variable` block (`string`,
 * `list(string)`, `object({name = string, tags = optional(map(string), {})})`, ...) decoded into a
 * type plus the tree of `optional()` defaults, and Terraform's application of those defaults.
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import type * as Ast from "./Ast.js"
import { ConversionFailure, convertValue, unifyTypes } from "./Convert.js"
import * as Diagnostic from "./Diagnostic.js"
import * as Evaluator from "./ExpressionEvaluator.js"
import { noFiles } from "./FunctionDefinition.js"
import * as FunctionTable from "./FunctionTable.js"
import * as T from "./Type.js"
import * as V from "./Value.js"

/**
 * The defaults of optional object attributes, at any depth: `values` for the attributes of the
 * object at this node, `children` for nested types (collections use the key `""`, tuples the
 * element index, objects the attribute name).
 *
 * @since 0.1.0
 * @category models
 */
export interface Defaults {
  readonly type: T.Type
  readonly values: ReadonlyMap<string, V.Value>
  readonly children: ReadonlyMap<string, Defaults>
}

/**
 * A decoded type constraint.
 *
 * @since 0.1.0
 * @category models
 */
export interface TypeConstraint {
  readonly type: T.Type
  readonly defaults: Defaults | undefined
}

const SUMMARY = "Invalid type specification"

class Invalid {
  constructor(readonly diagnostic: Diagnostic.Diagnostic) {}
}

const fail = (detail: string, range: Diagnostic.Range, summary = SUMMARY): never => {
  throw new Invalid(Diagnostic.error(summary, detail, { range }))
}

const keyword = (e: Ast.Expression): string | undefined => {
  if (e._tag === "Variable") return e.name
  return undefined
}

const emptyScope: Evaluator.Scope = { resolve: () => undefined, files: noFiles }

const collectionDefaults = (type: T.Type, element: Defaults | undefined): Defaults | undefined =>
  element === undefined ? undefined : { type, values: new Map(), children: new Map([["", element]]) }

const decode = (e: Ast.Expression): { readonly type: T.Type; readonly defaults: Defaults | undefined } => {
  const kw = keyword(e)
  switch (kw) {
    case "bool":
      return { type: T.bool, defaults: undefined }
    case "string":
      return { type: T.string, defaults: undefined }
    case "number":
      return { type: T.number, defaults: undefined }
    case "any":
      return { type: T.dynamic, defaults: undefined }
    case "list":
    case "map":
    case "set":
      return fail(`The ${kw} type constructor requires one argument specifying the element type.`, e.range)
    case "object":
      return fail(
        "The object type constructor requires one argument specifying the attribute types as a map.",
        e.range
      )
    case "tuple":
      return fail("The tuple type constructor requires one argument specifying the element types as a list.", e.range)
    case undefined:
      break
    default:
      return fail(`The keyword ${JSON.stringify(kw)} is not a valid type specification.`, e.range)
  }
  if (e._tag === "Parens") return decode(e.expression)
  if (e._tag !== "FunctionCall") {
    return fail(
      "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).",
      e.range
    )
  }
  const name = e.name
  switch (name) {
    case "bool":
    case "string":
    case "number":
      return fail(`Primitive type keyword ${JSON.stringify(name)} does not expect arguments.`, e.range)
    case "any":
      return fail(`Type constraint keyword ${JSON.stringify(name)} does not expect arguments.`, e.range)
  }
  if (e.args.length !== 1) {
    switch (name) {
      case "list":
      case "set":
      case "map":
        return fail(`The ${name} type constructor requires one argument specifying the element type.`, e.range)
      case "object":
        return fail(
          "The object type constructor requires one argument specifying the attribute types as a map.",
          e.range
        )
      case "tuple":
        return fail(
          "The tuple type constructor requires one argument specifying the element types as a list.",
          e.range
        )
    }
  }
  switch (name) {
    case "list":
    case "set":
    case "map": {
      const element = decode(e.args[0]!)
      const type: T.Type = { _tag: name === "list" ? "List" : name === "set" ? "Set" : "Map", element: element.type }
      return { type, defaults: collectionDefaults(type, element.defaults) }
    }
    case "object":
      return decodeObject(e.args[0]!)
    case "tuple": {
      const arg = e.args[0]!
      if (arg._tag !== "Tuple") return fail("Tuple type constructor requires a list of element types.", arg.range)
      const elements = arg.elements.map(decode)
      const type = T.tuple(elements.map((x) => x.type))
      const children = new Map<string, Defaults>()
      elements.forEach((x, i) => {
        if (x.defaults !== undefined) children.set(String(i), x.defaults)
      })
      return { type, defaults: children.size > 0 ? { type, values: new Map(), children } : undefined }
    }
    case "optional":
      return fail(`Keyword ${JSON.stringify(name)} is valid only as a modifier for object type attributes.`, e.range)
    default:
      return fail(`Keyword ${JSON.stringify(name)} is not a valid type constructor.`, e.range)
  }
}

const decodeObject = (
  arg: Ast.Expression
): { readonly type: T.Type; readonly defaults: Defaults | undefined } => {
  if (arg._tag !== "ObjectCons") {
    return fail(
      "Object type constructor requires a map whose keys are attribute names and whose values are the corresponding attribute types.",
      arg.range
    )
  }
  const attributes: Array<readonly [string, T.Type]> = []
  const optional = new Set<string>()
  const values = new Map<string, V.Value>()
  const children = new Map<string, Defaults>()
  for (const item of arg.items) {
    if (item.key._tag !== "ObjectKeyName") {
      return fail("Object constructor map keys must be attribute names.", item.key.range)
    }
    const name = item.key.name
    let typeExpression = item.value
    let defaultExpression: Ast.Expression | undefined
    if (typeExpression._tag === "FunctionCall" && typeExpression.name === "optional") {
      const call = typeExpression
      if (call.args.length < 1) {
        return fail("Optional attribute modifier requires the attribute type as its argument.", call.range)
      }
      if (call.args.length > 2) {
        return fail(
          "Optional attribute modifier expects at most two arguments: the attribute type, and a default value.",
          call.range
        )
      }
      optional.add(name)
      defaultExpression = call.args[1]
      typeExpression = call.args[0]!
    }
    const decoded = decode(typeExpression)
    attributes.push([name, decoded.type])
    if (decoded.defaults !== undefined) children.set(name, decoded.defaults)
    if (defaultExpression !== undefined) {
      const result = Evaluator.compile(defaultExpression, FunctionTable.standard).evaluate(emptyScope)
      if (result.errors.length > 0) throw new Invalid(result.errors[0]!)
      const converted = convertValue(result.value, decoded.type)
      if (converted instanceof ConversionFailure) {
        return fail(
          `This default value is not compatible with the attribute's type constraint: ${converted.message}.`,
          defaultExpression.range,
          "Invalid default value for optional attribute"
        )
      }
      values.set(name, converted)
    }
  }
  const type = T.object(attributes, optional)
  return {
    type,
    defaults: values.size > 0 || children.size > 0 ? { type, values, children } : undefined
  }
}

/** Terraform 0.11 quoted type keywords, still found in old templates. */
const legacy = (e: Ast.Expression): T.Type | undefined => {
  const text = e._tag === "StringLiteral"
    ? e.value
    : e._tag === "Template" && e.parts.length === 1 && e.parts[0]!._tag === "TemplateLiteral"
    ? e.parts[0].value
    : undefined
  switch (text) {
    case "string":
      return T.string
    case "list":
      return T.list(T.dynamic)
    case "map":
      return T.map(T.dynamic)
    default:
      return undefined
  }
}

/**
 * Decode a type constraint expression; `Left` is the first problem found
 * (`Invalid type specification`, ...).
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromExpression = (expression: Ast.Expression): Either.Either<TypeConstraint, Diagnostic.Diagnostic> => {
  const quoted = legacy(expression)
  if (quoted !== undefined) return Either.right({ type: quoted, defaults: undefined })
  try {
    const decoded = decode(expression)
    return Either.right({ type: decoded.type, defaults: decoded.defaults })
  } catch (e) {
    if (e instanceof Invalid) return Either.left(e.diagnostic)
    return Either.left(
      Diagnostic.error(SUMMARY, e instanceof Error ? e.message : "invalid type", { range: expression.range })
    )
  }
}

// -----------------------------------------------------------------------------------------------
// applying defaults (Terraform's typeexpr.Defaults.Apply)

const childOf = (d: Defaults, key: string | number): Defaults | undefined => {
  switch (d.type._tag) {
    case "Map":
    case "Set":
    case "List":
      return d.children.get("")
    case "Tuple":
    case "Object":
      return d.children.get(String(key))
    default:
      return undefined
  }
}

/** Convert all values to one type, if they unify (`undefined` otherwise). */
const unifyAll = (values: ReadonlyArray<V.Value>): { type: T.Type; values: Array<V.Value> } | undefined => {
  const unified = unifyTypes(values.map(V.typeOf))
  if (unified === undefined || unified.toDynamic) return undefined
  const out: Array<V.Value> = []
  for (const v of values) {
    const c = convertValue(v, unified.type)
    if (c instanceof ConversionFailure) return undefined
    out.push(c)
  }
  return { type: unified.type, values: out }
}

const apply = (d: Defaults, v: V.Value): V.Value => {
  if (v._tag === "Unknown" || v._tag === "Null") return v
  if (d.values.size === 0 && d.children.size === 0) return v
  switch (v._tag) {
    case "List":
    case "Set":
    case "Tuple": {
      const elements = v.elements.map((e, i) => {
        const child = childOf(d, i)
        return child === undefined ? e : apply(child, e)
      })
      if (v._tag === "Tuple") return V.tuple(elements)
      if (elements.length === 0) return v
      const unified = unifyAll(elements)
      if (unified === undefined) return V.tuple(elements)
      return v._tag === "List" ? V.list(unified.type, unified.values) : V.set(unified.type, unified.values)
    }
    case "Map":
    case "Object": {
      const source = v._tag === "Map" ? v.entries : v.attributes
      const out = new Map<string, V.Value>()
      for (const [k, e] of source) {
        const child = childOf(d, k)
        out.set(k, child === undefined ? e : apply(child, e))
      }
      for (const [k, dv] of d.values) {
        const current = out.get(k)
        if (current === undefined || current._tag === "Null") {
          const child = d.children.get(k)
          out.set(k, child === undefined ? dv : apply(child, dv))
        }
      }
      if (v._tag === "Map") {
        if (out.size === 0) return v
        const unified = unifyAll([...out.values()])
        if (unified !== undefined) {
          const keys = [...out.keys()]
          return V.map(unified.type, keys.map((k, i) => [k, unified.values[i]!] as const))
        }
      }
      return V.object(out)
    }
    default:
      return v
  }
}

/**
 * Apply the `optional(T, default)` defaults of a constraint to a value before converting it
 * (Terraform semantics: nested defaults; a null or unknown value is left as it is; a missing
 * or null attribute gets its default).
 *
 * @since 0.1.0
 * @category utils
 */
export const applyDefaults = (value: V.Value, constraint: TypeConstraint | Defaults | undefined): V.Value => {
  if (constraint === undefined) return value
  const defaults = "defaults" in constraint ? constraint.defaults : constraint
  return defaults === undefined ? value : apply(defaults, value)
}

/**
 * Apply defaults and convert to the constraint's type (what Terraform does to a variable's
 * value). `Left` is the conversion message.
 *
 * @since 0.1.0
 * @category conversions
 */
export const convertTo = (value: V.Value, constraint: TypeConstraint): Either.Either<V.Value, string> => {
  const c = convertValue(applyDefaults(value, constraint), constraint.type)
  return c instanceof ConversionFailure ? Either.left(c.message) : Either.right(c)
}
