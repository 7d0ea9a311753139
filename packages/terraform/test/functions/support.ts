/**
 * Helpers for the function-family tests: call a function by name the way the evaluator does
 * after argument conversion, and show results as plain JSON-like data.
 */
import type { FileAccess, FunctionDefinition } from "../../src/FunctionDefinition.js"
import { FunctionError, noFiles } from "../../src/FunctionDefinition.js"
import * as N from "../../src/Number.js"
import * as T from "../../src/Type.js"
import type { Value } from "../../src/Value.js"
import * as V from "../../src/Value.js"

/** A string value. */
export const s = (text: string): Value => V.string(text)

/** A number value from its decimal text (or a JS number). */
export const n = (x: number | string): Value => {
  const parsed = N.parse(String(x))
  if (parsed === undefined) throw new Error(`not a number: ${x}`)
  return V.number(parsed)
}

/** A list of strings. */
export const strings = (...items: ReadonlyArray<string>): Value => V.list(T.string, items.map(V.string))

/** A list of numbers. */
export const numbers = (...items: ReadonlyArray<number>): Value => V.list(T.number, items.map((x) => n(x)))

/** The failure of a call, as data. */
export interface Failure {
  readonly error: string
  readonly argument?: number
}

/** A value as data for assertions: numbers as their exact decimal text, sets and tuples as arrays. */
export const show = (v: Value): unknown => {
  switch (v._tag) {
    case "Number":
      return N.toString(v.value)
    case "List":
    case "Set":
    case "Tuple":
      return v.elements.map(show)
    case "Map":
      return Object.fromEntries([...v.entries].map(([k, e]) => [k, show(e)]))
    case "Object":
      return Object.fromEntries([...v.attributes].map(([k, e]) => [k, show(e)]))
    default:
      return V.toDebugJson(v)
  }
}

/** Look a function up in a family. */
export const find = (family: ReadonlyArray<FunctionDefinition>, name: string): FunctionDefinition => {
  const f = family.find((d) => d.name === name)
  if (f === undefined) throw new Error(`no function ${name}`)
  return f
}

/** Call a function and return the raw result. */
export const callRaw = (
  family: ReadonlyArray<FunctionDefinition>,
  name: string,
  args: ReadonlyArray<Value>,
  files: FileAccess = noFiles
): Value | FunctionError => find(family, name).impl(args, { files })

/** Call a function: its value as data, or its failure. */
export const call = (
  family: ReadonlyArray<FunctionDefinition>,
  name: string,
  args: ReadonlyArray<Value>,
  files: FileAccess = noFiles
): unknown => {
  const result = callRaw(family, name, args, files)
  if (result instanceof FunctionError) {
    return result.argument === undefined
      ? { error: result.message }
      : { error: result.message, argument: result.argument }
  }
  return show(result)
}

/** An in-memory template: path → contents. */
export const memoryFiles = (
  files: Record<string, string | Uint8Array>
): FileAccess & { readonly reads: Array<string> } => {
  const encoder = new TextEncoder()
  const entries = new Map(
    Object.entries(files).map((
      [path, content]
    ) => [path, typeof content === "string" ? encoder.encode(content) : content])
  )
  const sorted = [...entries.keys()].sort()
  const reads: Array<string> = []
  return {
    reads,
    readFile: (path) => {
      reads.push(path)
      return entries.get(path)
    },
    listFiles: () => sorted
  }
}

/** A readable test name for a call. */
export const label = (name: string, args: ReadonlyArray<Value>): string =>
  `${name}(${args.map((a) => JSON.stringify(show(a))).join(", ")})`

/** Table rows with readable names. */
export const named = <R extends readonly [string, ReadonlyArray<Value>, ...Array<unknown>]>(
  rows: ReadonlyArray<R>
): Array<[string, ...R]> => rows.map((r) => [label(r[0], r[1]), ...r])
