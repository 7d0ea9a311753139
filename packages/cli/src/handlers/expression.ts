/**
 * One HCL expression evaluated for the CLI (`eval` and `console`): the scope it sees (`--var`
 * values, or a template's root module), Terraform's up-front reference check, and the two ways
 * of printing the outcome (`terraform console` text, or the `--json` object).
 */
import type { Evaluator } from "@warmpool/terraform"
import { CompiledTemplate, Diagnostic, Evaluation, Function, Json, Type, Value } from "@warmpool/terraform"
import * as Either from "effect/Either"
import { valueJson } from "./valueJson.js"
import { valueText } from "./valueText.js"

/** The outcome of one expression. */
export interface Outcome {
  readonly value: Value.Value
  readonly diagnostics: ReadonlyArray<Diagnostic.Diagnostic>
}

/** A `--var` value: JSON decoded losslessly (numbers keep every digit), or the decoder's message. */
export const decodeVar = (name: string, text: string): Either.Either<Value.Value, Diagnostic.Diagnostic> =>
  Either.mapLeft(Json.decode(text), (message) => Diagnostic.error("Invalid --var value", `${name}: ${message}`))

const undeclared = (summary: string, detail: string, range: Diagnostic.Range) => ({
  error: Diagnostic.error(summary, detail, { range, code: Evaluation.undeclaredReference })
})

/**
 * The scope of an expression outside any template, as `terraform console` in an empty
 * directory with the given variables declared: other names are undeclared.
 */
export const plainScope = (variables: ReadonlyMap<string, Value.Value>): Evaluator.Scope => ({
  files: Function.noFiles,
  resolve: (parts, range) => {
    const [root, name, third] = parts
    switch (root) {
      case "var": {
        if (typeof name !== "string") return undefined
        const value = variables.get(name)
        return value === undefined
          ? undeclared(
            "Reference to undeclared input variable",
            `An input variable with the name "${name}" has not been declared. This variable can be declared with a variable "${name}" {} block.`,
            range
          )
          : { value, consumed: 2 }
      }
      case "local":
        return typeof name === "string"
          ? undeclared(
            "Reference to undeclared local value",
            `A local value with the name "${name}" has not been declared.`,
            range
          )
          : undefined
      case "data":
        return typeof name === "string" && typeof third === "string"
          ? undeclared(
            "Reference to undeclared resource",
            `A data resource "${name}" "${third}" has not been declared in the root module.`,
            range
          )
          : undefined
      case "module":
        return typeof name === "string"
          ? undeclared(
            "Reference to undeclared module",
            `No module call named "${name}" is declared in the root module.`,
            range
          )
          : undefined
      case "count":
        return undeclared(
          `Reference to "count" in non-counted context`,
          `The "count" object can only be used in "module", "resource", and "data" blocks, and only when the "count" argument is set.`,
          range
        )
      case "each":
        return undeclared(
          `Reference to "each" in context without for_each`,
          `The "each" object can be used only in "module" or "resource" blocks, and only when the "for_each" argument is set.`,
          range
        )
      case "path":
        if (name === "module" || name === "root") return { value: Value.string("."), consumed: 2 }
        if (name === "cwd") return { value: Value.string("/"), consumed: 2 }
        return undefined
      case "terraform":
        return name === "workspace" ? { value: Value.string("default"), consumed: 2 } : undefined
      default:
        return typeof root === "string" && typeof name === "string"
          ? undeclared(
            "Reference to undeclared resource",
            `A managed resource "${root}" "${name}" has not been declared in the root module.`,
            range
          )
          : undefined
    }
  }
})

/**
 * Evaluate one expression. As Terraform, references to undeclared names are errors found
 * before evaluation: they are reported even inside `try`, `can` or a branch not taken.
 */
export const evaluate = (source: string, scope: Evaluator.Scope, file = "<console-input>"): Outcome => {
  // a heredoc's closing marker ends its line: a multi-line input gets the final newline back
  const text = source.includes("\n") && !source.endsWith("\n") ? `${source}\n` : source
  const compiled = CompiledTemplate.compileExpression(text, file)
  const static_: Array<Diagnostic.Diagnostic> = []
  for (const reference of compiled.references) {
    const r = scope.resolve(reference.parts, reference.range)
    if (r !== undefined && "error" in r && r.error.code === Evaluation.undeclaredReference) static_.push(r.error)
  }
  if (static_.length > 0) return { value: Value.DynamicUnknown, diagnostics: static_ }
  const result = compiled.evaluate(scope)
  return { value: result.value, diagnostics: result.errors }
}

const diagnosticJson = (d: Diagnostic.Diagnostic) => ({
  severity: d.severity,
  summary: d.summary,
  detail: d.detail,
  ...(d.range ? { range: { line: d.range.start.line, column: d.range.start.column } } : {})
})

/** The `--json` object: `{"value", "type", "known", "diagnostics"}` on one line. */
export const outcomeJson = (outcome: Outcome): string =>
  `{"value":${valueJson(outcome.value)},"type":${JSON.stringify(Type.toString(Value.typeOf(outcome.value)))},"known":${
    Value.isWhollyKnown(outcome.value)
  },"diagnostics":${JSON.stringify(outcome.diagnostics.map(diagnosticJson))}}`

/** A diagnostic as text, `Error: summary` then its detail indented. */
export const diagnosticText = (d: Diagnostic.Diagnostic): string =>
  `${d.severity === "error" ? "Error" : "Warning"}: ${d.summary}${d.detail ? `\n  ${d.detail}` : ""}`

/** The value as `terraform console` prints it. */
export const outcomeText = (outcome: Outcome): string => valueText(outcome.value)

/** Whether the outcome has an error. */
export const failed = (outcome: Outcome): boolean => outcome.diagnostics.some(Diagnostic.isError)
