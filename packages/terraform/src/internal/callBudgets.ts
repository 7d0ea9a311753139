/**
 * What a function call costs before it runs: for the functions whose work or result can grow
 * much faster than their arguments (`setproduct`, `flatten`, `join`, `replace`, `bcrypt`,
 * `jsonencode` of a shared structure...), an estimate from the arguments is charged to the
 * render's meter (steps), or checked against its size budgets (elements, string length, JSON
 * nesting) BEFORE the function allocates anything. Results are checked again after every call
 * (`evalCall`), so these estimates only need to catch what would be too costly to build at all.
 *
 * Kept apart from the function definitions: the functions stay plain value code, the budget
 * rules are in one table.
 *
 * @internal
 */
import type { Meter } from "../Budgets.js"
import type * as Diagnostic from "../Diagnostic.js"
import * as N from "../Number.js"
import type * as V from "../Value.js"
import { tooDeep } from "./jsonDepth.js"

/** Checks and charges one call's arguments; throws `BudgetExceeded` through the meter. */
export type CallBudget = (args: ReadonlyArray<V.Value>, meter: Meter, range: Diagnostic.Range) => void

const lengthOf = (v: V.Value | undefined): number => {
  if (v === undefined) return 0
  switch (v._tag) {
    case "List":
    case "Set":
    case "Tuple":
      return v.elements.length
    case "Map":
      return v.entries.size
    case "Object":
      return v.attributes.size
    case "String":
      return v.value.length
    default:
      return 0
  }
}

const stringOf = (v: V.Value | undefined): string => (v !== undefined && v._tag === "String" ? v.value : "")

/**
 * The number of values in `v` counted as a tree (a structure shared many times counts each
 * time), stopping once it passes `cap`: the work of walking or encoding it.
 */
export const treeSize = (v: V.Value, cap: number): number => {
  let count = 0
  const stack: Array<V.Value> = [v]
  while (stack.length > 0 && count <= cap) {
    const x = stack.pop()!
    count++
    switch (x._tag) {
      case "List":
      case "Set":
      case "Tuple":
        for (const e of x.elements) stack.push(e)
        break
      case "Map":
        for (const e of x.entries.values()) stack.push(e)
        break
      case "Object":
        for (const e of x.attributes.values()) stack.push(e)
        break
      case "String":
        count += x.value.length >>> 6
        break
      default:
        break
    }
  }
  return count
}

/** Leaves `flatten` would produce, stopping once past `cap`. */
const flattenedSize = (v: V.Value, cap: number): number => {
  let count = 0
  const stack: Array<V.Value> = [v]
  while (stack.length > 0 && count <= cap) {
    const x = stack.pop()!
    if (x._tag === "List" || x._tag === "Set" || x._tag === "Tuple") { for (const e of x.elements) stack.push(e) }
    else count++
  }
  return count
}

/** Steps a walk of every argument costs (encoders, deep comparisons). */
const walk: CallBudget = (args, meter, range) => {
  const cap = meter.budgets.maxSteps
  for (const a of args) meter.step(treeSize(a, cap), range)
}

const sumOfLengths: CallBudget = (args, meter, range) => {
  let n = 0
  for (const a of args) n += lengthOf(a)
  meter.elements(n, range)
  meter.step(n, range)
}

/** Widths and precisions written in a format string (`%10000000d`). */
const formatWidths = (format: string): number => {
  let total = 0
  for (const m of format.matchAll(/%[-+# 0]*(\d*)(?:\.(\d+))?/g)) total += Number(m[1] || 0) + Number(m[2] || 0)
  return total
}

const table: Record<string, CallBudget> = {
  setproduct: (args, meter, range) => {
    let n = 1
    for (const a of args) n *= lengthOf(a)
    meter.elements(n, range)
    meter.step(n * args.length, range)
  },
  setunion: (args, meter, range) => {
    sumOfLengths(args, meter, range)
    walk(args, meter, range)
  },
  setintersection: (args, meter, range) => {
    const n = lengthOf(args[0])
    for (const a of args.slice(1)) meter.step(n * lengthOf(a), range)
  },
  setsubtract: (args, meter, range) => meter.step(lengthOf(args[0]) * lengthOf(args[1]), range),
  concat: sumOfLengths,
  merge: sumOfLengths,
  flatten: (args, meter, range) => {
    const n = args[0] === undefined ? 0 : flattenedSize(args[0], meter.budgets.maxCollectionElements)
    meter.elements(n, range)
    meter.step(n, range)
  },
  distinct: (args, meter, range) => {
    // each element is compared with the distinct ones before it: n²/2 comparisons at worst
    const n = lengthOf(args[0])
    meter.step(Math.floor((n * n) / 2), range)
  },
  transpose: (args, meter, range) => {
    const m = args[0]
    let n = 0
    if (m !== undefined && m._tag === "Map") { for (const v of m.entries.values()) n += lengthOf(v) }
    meter.elements(n, range)
    meter.step(n, range)
  },
  join: (args, meter, range) => {
    const separator = stringOf(args[0]).length
    let chars = 0
    let count = 0
    for (const list of args.slice(1)) {
      if (list._tag !== "List" && list._tag !== "Tuple" && list._tag !== "Set") continue
      for (const e of list.elements) {
        chars += lengthOf(e) + separator
        count++
      }
    }
    meter.string(chars, range)
    meter.step(count + (chars >>> 10), range)
  },
  replace: (args, meter, range) => {
    const n = stringOf(args[0]).length
    const sub = stringOf(args[1]).length
    const rep = stringOf(args[2]).length
    const chars = sub === 0 ? n + (n + 1) * rep : n + Math.floor(n / sub) * rep
    meter.string(chars, range)
    meter.step(chars >>> 10, range)
  },
  format: (args, meter, range) => {
    let chars = stringOf(args[0]).length + formatWidths(stringOf(args[0]))
    for (const a of args.slice(1)) chars += lengthOf(a)
    meter.string(chars, range)
  },
  formatlist: (args, meter, range) => {
    const widths = stringOf(args[0]).length + formatWidths(stringOf(args[0]))
    let rows = 1
    for (const a of args.slice(1)) if (a._tag === "List" || a._tag === "Tuple") rows = Math.max(rows, lengthOf(a))
    meter.string(widths, range)
    meter.elements(rows, range)
    meter.step(rows, range)
  },
  indent: (args, meter, range) => {
    const spaces = args[0]?._tag === "Number" ? Math.max(0, N.toNumber(args[0].value)) : 0
    const text = stringOf(args[1])
    let lines = 1
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lines++
    meter.string(text.length + lines * spaces, range)
  },
  jsondecode: (args, meter, range) => {
    const text = stringOf(args[0])
    if (tooDeep(text, meter.budgets.maxNestingDepth) !== undefined) {
      meter.trip("maxNestingDepth", "This JSON document nests too deeply.", range)
    }
    meter.step(text.length >>> 6, range)
  },
  yamldecode: (args, meter, range) => meter.step(stringOf(args[0]).length >>> 6, range),
  csvdecode: (args, meter, range) => meter.step(stringOf(args[0]).length >>> 6, range),
  jsonencode: walk,
  yamlencode: walk,
  bcrypt: (args, meter, range) => {
    // bcrypt's work doubles with each cost step; one step of cost is worth about 1024 steps
    const cost = args[1]?._tag === "Number" ? N.toNumber(args[1].value) : 10
    const c = Number.isFinite(cost) ? Math.min(Math.max(Math.trunc(cost), 4), 31) : 10
    meter.step(1024 * 2 ** c, range)
  }
}

/** The budget rule of a function, if it has one. */
export const callBudget = (name: string): CallBudget | undefined => table[name]
