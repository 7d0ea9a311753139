/**
 * `templatefile(path, vars)`: read a file of the template version, parse it as a template (no
 * backslash escapes), and evaluate it with `vars` as its only variables. `templatestring(s,
 * vars)` does the same with a string value as the template (a literal template is refused where
 * the call is compiled, in `evalCall`).
 *
 * The template is compiled with the function table of the calling expression
 * (`FunctionContext.functions`): this module does not import the table, which imports it.
 *
 * @since 0.1.0
 * @internal
 */
import * as Evaluator from "../ExpressionEvaluator.js"
import * as Parser from "../ExpressionParser.js"
import { type FunctionContext, type FunctionDefinition, FunctionError } from "../FunctionDefinition.js"
import { filesystemFunctions } from "../functions/filesystem.js"
import type { FunctionTable } from "../FunctionTable.js"
import * as T from "../Type.js"
import * as V from "../Value.js"
import { rangeText } from "./evalContext.js"

/** Compiled templates by function table, then by path and source. */
const caches = new WeakMap<FunctionTable, Map<string, Evaluator.Compiled>>()
let depth = 0

const identifier = /^[\p{L}_][\p{L}\p{N}_-]*$/u

const compileTemplate = (
  source: string,
  path: string,
  functions: FunctionTable
): Evaluator.Compiled | FunctionError => {
  let cache = caches.get(functions)
  if (cache === undefined) {
    cache = new Map()
    caches.set(functions, cache)
  }
  const key = `${path}\u0000${source}`
  const cached = cache.get(key)
  if (cached !== undefined) return cached
  const parsed = Parser.parseTemplate(source, { file: path, escapes: false })
  const error = parsed.diagnostics.find((d) => d.severity === "error")
  if (error !== undefined) {
    return new FunctionError(`${error.range ? rangeText(error.range) + ": " : ""}${error.summary}; ${error.detail}`)
  }
  const compiled = Evaluator.compile(parsed.expression, functions)
  if (cache.size > 256) cache.clear()
  cache.set(key, compiled)
  return compiled
}

const render = (args: ReadonlyArray<V.Value>, context: FunctionContext): V.Value | FunctionError => {
  const [pathValue, vars] = args
  if (vars!._tag === "Unknown") return V.DynamicUnknown
  const path = (pathValue as V.StringValue).value
  const read = readFile(path, context)
  if (read instanceof FunctionError) return read
  return renderSource(read, path, vars!, context, "templatefile")
}

const renderSource = (
  source: string,
  path: string,
  vars: V.Value,
  context: FunctionContext,
  name: string
): V.Value | FunctionError => {
  const entries = vars._tag === "Map" ? vars.entries : vars._tag === "Object" ? vars.attributes : undefined
  if (entries === undefined) return new FunctionError("invalid vars value: must be a map", 1)
  for (const name of entries.keys()) {
    if (!identifier.test(name)) {
      return new FunctionError(
        `invalid template variable name ${
          JSON.stringify(name)
        }: must start with a letter, followed by zero or more letters, digits, and underscores`,
        1
      )
    }
  }
  if (context.functions === undefined) return new FunctionError(`${name} is only available inside an evaluation`)
  const compiled = compileTemplate(source, path, context.functions)
  if (compiled instanceof FunctionError) {
    return name === "templatestring" ? new FunctionError(`invalid template: ${compiled.message}`, 0) : compiled
  }
  for (const reference of compiled.references) {
    const root = reference.parts[0] as string
    if (!entries.has(root)) {
      const r = reference.range
      const rootRange = {
        ...r,
        end: { ...r.start, column: r.start.column + root.length, offset: r.start.offset + root.length }
      }
      return new FunctionError(
        `vars map does not contain key ${JSON.stringify(root)}, referenced at ${rangeText(rootRange)}`,
        1
      )
    }
  }
  if (depth > 0) return new FunctionError(`cannot recursively call ${name} from inside ${name} call`)
  depth++
  try {
    const result = compiled.evaluate({
      files: context.files,
      meter: context.meter,
      now: context.now,
      resolve: (parts) => {
        const v = entries.get(parts[0] as string)
        return v === undefined ? undefined : { value: v, consumed: 1 }
      }
    })
    if (result.errors.length > 0) {
      const d = result.errors[0]!
      const more = result.errors.length > 1 ? `, and ${result.errors.length - 1} other diagnostic(s)` : ""
      return new FunctionError(`${d.range ? rangeText(d.range) + ": " : ""}${d.summary}; ${d.detail}${more}`)
    }
    return result.value
  } finally {
    depth--
  }
}

/** Read through `file`, so that the sandbox rules are the same. */
const fileDefinition = filesystemFunctions.find((definition) => definition.name === "file")!

const readFile = (path: string, context: FunctionContext): string | FunctionError => {
  const r = fileDefinition.impl([V.string(path)], context)
  if (r instanceof FunctionError) return new FunctionError(r.message, r.argument === undefined ? undefined : 0)
  return r._tag === "String" ? r.value : new FunctionError("no such file")
}

export const templatefileFunction: FunctionDefinition = {
  name: "templatefile",
  parameters: [{ name: "path", type: T.string }, { name: "vars", type: T.dynamic, allowUnknown: true }],
  returnType: T.dynamic,
  impl: (args, context) => render(args, context)
}

export const templatestringFunction: FunctionDefinition = {
  name: "templatestring",
  parameters: [{ name: "template", type: T.dynamic }, { name: "vars", type: T.dynamic, allowUnknown: true }],
  returnType: T.dynamic,
  impl: ([template, vars], context) => {
    if (template!._tag !== "String") return new FunctionError("invalid template value: a string is required", 0)
    if (vars!._tag === "Unknown") return V.DynamicUnknown
    return renderSource(template!.value, "<templatestring argument>", vars!, context, "templatestring")
  }
}
