/**
 * One HCL expression evaluated for the CLI (`eval` and `console`): the scope it sees (`--var`
 * values, or a template's root module), Terraform's up-front reference check, and the two ways
 * of printing the outcome (`terraform console` text, or the `--json` object).
 */
import type { ExpressionEvaluator } from "@warmpool/terraform"
import {
  CompiledTemplate,
  Diagnostic,
  FunctionDefinition,
  Json,
  TemplateEvaluation,
  Type,
  Value
} from "@warmpool/terraform"
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
  error: Diagnostic.error(summary, detail, { range, code: TemplateEvaluation.undeclaredReference })
})

/**
 * The scope of an expression outside any template, as `terraform console` in an empty
 * directory with the given variables declared: other names are undeclared. `now` is what
 * `timestamp()` returns (Unix milliseconds, read from the `Clock` by the command).
 */
export const plainScope = (
  variables: ReadonlyMap<string, Value.Value>,
  now?: number | undefined
): ExpressionEvaluator.Scope => ({
  files: FunctionDefinition.noFiles,
  now,
  resolve: (parts, range) => {
    const [root, name, third] = parts
    const named = typeof name === "string"
    const direct = (object: string) =>
      undeclared(
        "Invalid reference",
        `The "${object}" object cannot be accessed directly. Instead, access one of its attributes.`,
        range
      )
    switch (root) {
      case "var": {
        if (!named) {
          return undeclared(
            "Reference to undeclared input variable",
            `An input variable with the name "" has not been declared. This variable can be declared with a variable "" {} block.`,
            range
          )
        }
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
        return undeclared(
          "Reference to undeclared local value",
          `A local value with the name "${named ? name : ""}" has not been declared.`,
          range
        )
      case "data":
        return named && typeof third === "string"
          ? undeclared(
            "Reference to undeclared resource",
            `A data resource "${name}" "${third}" has not been declared in the root module.`,
            range
          )
          : undeclared(
            "Invalid reference",
            `The "data" object must be followed by two attribute names: the data source type and the resource name.`,
            range
          )
      case "module":
        return named
          ? undeclared(
            "Reference to undeclared module",
            `No module call named "${name}" is declared in the root module.`,
            range
          )
          : direct("module")
      case "count":
        return name === "index"
          ? undeclared(
            `Reference to "count" in non-counted context`,
            `The "count" object can only be used in "module", "resource", and "data" blocks, and only when the "count" argument is set.`,
            range
          )
          : undeclared(
            `Invalid "count" attribute`,
            `The "count" object does not have an attribute named "${
              named ? name : ""
            }". The only supported attribute is count.index, which is the index of each instance of a resource block that has the "count" argument set.`,
            range
          )
      case "each":
        if (name === "key") {
          return undeclared(
            `Reference to "each" in context without for_each`,
            `The "each" object can be used only in "module" or "resource" blocks, and only when the "for_each" argument is set.`,
            range
          )
        }
        if (name === "value") {
          return undeclared(
            "each.value cannot be used in this context",
            `A reference to "each.value" has been used in a context in which it is unavailable, such as when the configuration no longer contains the value in its "for_each" expression. Remove this reference to each.value in your configuration to work around this error.`,
            range
          )
        }
        return undeclared(
          `Invalid "each" attribute`,
          `The "each" object does not have an attribute named "${
            named ? name : ""
          }". The supported attributes are each.key and each.value, the current key and value pair of the "for_each" attribute set.`,
          range
        )
      case "self":
        return undeclared(
          `Invalid "self" reference`,
          `The "self" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.`,
          range
        )
      case "path":
        if (name === "module" || name === "root") return { value: Value.string("."), consumed: 2 }
        if (name === "cwd") return { value: Value.string("/"), consumed: 2 }
        return named
          ? undeclared(
            `Invalid "path" attribute`,
            `The "path" object does not have an attribute named "${name}".`,
            range
          )
          : direct("path")
      case "terraform":
        if (name === "workspace") return { value: Value.string("default"), consumed: 2 }
        if (name === "applying") return { value: Value.False, consumed: 2 }
        return named
          ? undeclared(
            `Invalid "terraform" attribute`,
            `The "terraform" object does not have an attribute named "${name}". The only supported attributes are terraform.workspace, the name of the currently-selected workspace, and terraform.applying, a boolean which is true only during apply.`,
            range
          )
          : direct("terraform")
      default:
        if (typeof root !== "string") return undefined
        return named
          ? undeclared(
            "Reference to undeclared resource",
            `A managed resource "${root}" "${name}" has not been declared in the root module.`,
            range
          )
          : undeclared(
            "Invalid reference",
            "A reference to a resource type must be followed by at least one attribute access, specifying the resource name.",
            range
          )
    }
  }
})

/**
 * Evaluate one expression. As Terraform, references to undeclared names are errors found
 * before evaluation: they are reported even inside `try`, `can` or a branch not taken.
 */
export const evaluate = (source: string, scope: ExpressionEvaluator.Scope, file = "<console-input>"): Outcome => {
  // a heredoc's closing marker ends its line: a multi-line input gets the final newline back
  const text = source.includes("\n") && !source.endsWith("\n") ? `${source}\n` : source
  const compiled = CompiledTemplate.compileExpression(text, file)
  const static_: Array<Diagnostic.Diagnostic> = []
  for (const reference of compiled.references) {
    const r = scope.resolve(reference.parts, reference.range)
    if (r !== undefined && "error" in r && r.error.code === TemplateEvaluation.undeclaredReference) {
      static_.push(r.error)
    }
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
