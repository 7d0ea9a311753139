/**
 * `warmpool eval`: evaluate one HCL expression with `var.*` values.
 */
import { CompiledTemplate, Diagnostic, Function, Json, Type, Value } from "@warmpool/terraform"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { exitCode } from "../internal/keyValue.js"
import { valueJson } from "./valueJson.js"
import { valueText } from "./valueText.js"

export interface EvalArgs {
  readonly expression: string
  readonly vars: ReadonlyArray<readonly [string, string]>
  readonly json: boolean
}

const diagnosticJson = (d: Diagnostic.Diagnostic) => ({
  severity: d.severity,
  summary: d.summary,
  detail: d.detail,
  ...(d.range ? { range: { line: d.range.start.line, column: d.range.start.column } } : {})
})

export const run = (args: EvalArgs): Effect.Effect<void> =>
  Effect.gen(function*() {
    const variables = new Map<string, Value.Value>()
    const problems: Array<Diagnostic.Diagnostic> = []
    for (const [name, text] of args.vars) {
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (e) {
        problems.push(Diagnostic.error("Invalid --var value", `${name}: ${e instanceof Error ? e.message : String(e)}`))
        continue
      }
      variables.set(name, Json.fromJson(parsed))
    }
    const compiled = CompiledTemplate.compileExpression(args.expression, "<eval>")
    const result = compiled.evaluate({
      files: Function.noFiles,
      resolve: (parts, range) => {
        const [root, name] = parts
        if (root === "var" && typeof name === "string") {
          const value = variables.get(name)
          return value === undefined
            ? {
              error: Diagnostic.error(
                "Reference to undeclared input variable",
                `An input variable with the name "${name}" has not been declared. Pass it with --var ${name}=<JSON>.`,
                { range }
              )
            }
            : { value, consumed: 2 }
        }
        if (root === "path" && (name === "module" || name === "root")) return { value: Value.string("."), consumed: 2 }
        if (root === "path" && name === "cwd") return { value: Value.string("/"), consumed: 2 }
        if (root === "terraform" && name === "workspace") return { value: Value.string("default"), consumed: 2 }
        return undefined
      }
    })
    const diagnostics = [...problems, ...result.errors]
    const failed = diagnostics.some(Diagnostic.isError)
    if (args.json) {
      const known = Value.isWhollyKnown(result.value)
      yield* Console.log(
        `{"value":${valueJson(result.value)},"type":${
          JSON.stringify(Type.toString(Value.typeOf(result.value)))
        },"known":${known},"diagnostics":${JSON.stringify(diagnostics.map(diagnosticJson))}}`
      )
    } else {
      for (const d of diagnostics) {
        yield* Console.error(
          `${d.severity === "error" ? "Error" : "Warning"}: ${d.summary}${d.detail ? `\n  ${d.detail}` : ""}`
        )
      }
      if (!failed) yield* Console.log(valueText(result.value))
    }
    if (failed) yield* exitCode(1)
  })
