/**
 * Small pieces of module evaluation: `count` / `for_each` / `dynamic` expansion rules, variable
 * conversion, plan-data lookup and deep merging.
 *
 * @internal
 */
import * as Convert from "../Convert.js"
import * as Diagnostic from "../Diagnostic.js"
import * as Json from "../Json.js"
import * as N from "../Number.js"
import type * as Plan from "../Plan.js"
import * as T from "../Type.js"
import * as TypeConstraint from "../TypeConstraint.js"
import * as V from "../Value.js"

/** A value converted to a declared type, or the reason it could not be. */
export interface Converted {
  readonly value: V.Value | undefined
  readonly error: Diagnostic.Diagnostic | undefined
}

/** A JSON value (tfvars input, plan data) as a Terraform value: arrays are tuples. */
export const fromJson = (json: unknown): V.Value => Json.fromJson(json)

/** Convert a variable's value to its type constraint, applying `optional()` defaults. */
export const convertToConstraint = (
  raw: V.Value,
  constraint: TypeConstraint.TypeConstraint,
  name: string
): Converted => {
  const converted = Convert.convert(TypeConstraint.applyDefaults(raw, constraint), constraint.type)
  if (converted._tag === "Right") return { value: converted.right, error: undefined }
  return {
    value: undefined,
    error: Diagnostic.error(
      "Invalid value for input variable",
      `The value for variable "${name}" is not compatible with its type constraint: ${converted.left}.`
    )
  }
}

/**
 * `count` (docs/render.md §2.3, §2.9): a whole number ≥ 0 (strings convert), `"single"` for null,
 * `"unknown"` while it is unknown or invalid.
 */
export const countOf = (value: V.Value): number | "single" | "unknown" => {
  if (value._tag === "Unknown") return "unknown"
  if (value._tag === "Null") return "single"
  const converted = Convert.convert(value, T.number)
  if (converted._tag === "Left") return "unknown"
  const n = converted.right
  if (n._tag !== "Number") return "unknown"
  if (!N.isInteger(n.value) || N.sign(n.value) < 0) return "unknown"
  const count = N.toNumber(n.value)
  return Number.isSafeInteger(count) ? count : "unknown"
}

/**
 * The text of a known string, number or bool (as a string conversion gives it); `undefined` for
 * anything else.
 */
export const textOf = (value: V.Value): string | undefined => {
  switch (value._tag) {
    case "String":
      return value.value
    case "Number":
      return N.toString(value.value)
    case "Bool":
      return value.value ? "true" : "false"
    default:
      return undefined
  }
}

/**
 * `for_each` (docs/render.md §2.9): map and object entries as they are; set (and, as Go accepts,
 * list and tuple) elements keyed by their string form; null elements skipped; a null or
 * non-iterable value gives no instances; `"unknown"` while keys are not known.
 */
export const forEachEntries = (value: V.Value): ReadonlyArray<readonly [string, V.Value]> | "unknown" => {
  switch (value._tag) {
    case "Unknown":
      return "unknown"
    case "Map":
      return [...value.entries]
    case "Object":
      return [...value.attributes]
    case "Set":
    case "List":
    case "Tuple": {
      const entries: Array<readonly [string, V.Value]> = []
      const seen = new Set<string>()
      for (const element of value.elements) {
        if (element._tag === "Null") continue
        if (element._tag === "Unknown") return "unknown"
        const key = textOf(element)
        if (key === undefined) return "unknown"
        if (seen.has(key)) continue
        seen.add(key)
        entries.push([key, element])
      }
      return entries.sort(([a], [b]) => V.compareStrings(a, b))
    }
    default:
      return []
  }
}

/**
 * The (key, value) pairs a `dynamic` block generates (docs/render.md §2.10): nothing unless the
 * collection is wholly known; null elements skipped.
 */
export const dynamicElements = (collection: V.Value): ReadonlyArray<readonly [V.Value, V.Value]> => {
  if (!V.isWhollyKnown(collection)) return []
  switch (collection._tag) {
    case "List":
    case "Tuple":
      return collection.elements.flatMap((element, i) =>
        element._tag === "Null" ? [] : [[V.numberFromJs(i), element] as const]
      )
    case "Set":
      return collection.elements.flatMap((element) => element._tag === "Null" ? [] : [[element, element] as const])
    case "Map":
      return [...collection.entries].flatMap(([k, element]) =>
        element._tag === "Null" ? [] : [[V.string(k), element] as const]
      )
    case "Object":
      return [...collection.attributes].flatMap(([k, element]) =>
        element._tag === "Null" ? [] : [[V.string(k), element] as const]
      )
    default:
      return []
  }
}

/** Deep-merge `over` onto `base`: objects and maps merge per key, anything else is replaced. */
export const deepMerge = (base: V.Value, over: V.Value): V.Value => {
  const entriesOf = (v: V.Value) => (v._tag === "Object" ? v.attributes : v._tag === "Map" ? v.entries : undefined)
  const a = entriesOf(base)
  const b = entriesOf(over)
  if (a === undefined || b === undefined) return over
  const merged = new Map(a)
  for (const [key, value] of b) {
    const existing = merged.get(key)
    merged.set(key, existing === undefined ? value : deepMerge(existing, value))
  }
  return V.object(merged, base._tag === "Object" ? base.open : undefined)
}

/** The key of one data-source instance in a module instance. */
export const planKey = (moduleAddress: string, type: string, name: string, key: number | string | undefined): string =>
  `${moduleAddress}\u0000${type}.${name}\u0000${
    key === undefined ? "" : typeof key === "number" ? `#${key}` : `$${key}`
  }`

/** Index plan data resources by module instance, address and instance key. */
export const indexPlan = (plan: Plan.PlanData): Map<string, V.Value> => {
  const index = new Map<string, V.Value>()
  for (const [moduleAddress, resources] of plan.modules) {
    for (const resource of resources) {
      index.set(planKey(moduleAddress, resource.type, resource.name, resource.index), fromJson(resource.values))
    }
  }
  return index
}
