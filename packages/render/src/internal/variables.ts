/**
 * Root-module variables (docs/render.md §3.1).
 *
 * @internal
 */
import type { CompiledTemplate, TemplateEvaluation } from "@warmpool/terraform"
import { TfNumber, Type, Value } from "@warmpool/terraform"
import type * as RenderOutput from "../RenderOutput.js"
import { orEmpty, share } from "./sharedParts.js"
import { compareBytes, defectMessage, diagnostic, wire } from "./text.js"

/** A known value as JSON (sets as arrays in their order, numbers as JS numbers); null otherwise. */
export const toJsonValue = (value: Value.Value): unknown => {
  switch (value._tag) {
    case "String":
    case "Bool":
      return value.value
    case "Number":
      return TfNumber.toNumber(value.value)
    case "Null":
    case "Unknown":
      return null
    case "List":
    case "Set":
    case "Tuple":
      return value.elements.map(toJsonValue)
    case "Map":
      return Object.fromEntries([...value.entries].map(([k, v]) => [k, toJsonValue(v)]))
    case "Object":
      return Object.fromEntries([...value.attributes].map(([k, v]) => [k, toJsonValue(v)]))
  }
}

const onlyName = (name: string, error: RenderOutput.Diagnostic): RenderOutput.Variable => ({
  name,
  type: "",
  description: "",
  nullable: false,
  sensitive: false,
  default: null,
  diagnostics: [error]
})

const isKnownTrue = (
  evaluation: TemplateEvaluation.Evaluation,
  expression: CompiledTemplate.Expression | undefined
) => {
  if (expression === undefined) return false
  const value = expression.evaluate({ files: evaluation.template.files, resolve: () => undefined }).value
  return value._tag === "Bool" && value.value
}

const textOf = (evaluation: TemplateEvaluation.Evaluation, expression: CompiledTemplate.Expression | undefined) => {
  if (expression === undefined) return ""
  const value = expression.evaluate({ files: evaluation.template.files, resolve: () => undefined }).value
  return value._tag === "String" ? value.value : ""
}

/**
 * Per compiled template, its variables: they read the template alone (defaults, descriptions and
 * flags, evaluated without references), so every render gives the same ones, extracted once and
 * shared, frozen. An extraction that was impure or exceeded a budget is not kept.
 */
const sharedVariables = new WeakMap<CompiledTemplate.CompiledTemplate, ReadonlyArray<RenderOutput.Variable>>()

/** The root module's variables, sorted by name; a failure is contained to its variable (docs/render.md §6). */
export const extractVariables = (evaluation: TemplateEvaluation.Evaluation): ReadonlyArray<RenderOutput.Variable> => {
  const template = evaluation.template
  const known = sharedVariables.get(template)
  if (known !== undefined) return known
  const variables = orEmpty(extractEach(evaluation))
  if (!evaluation.impure() && evaluation.meter.exceeded === undefined) sharedVariables.set(template, share(variables))
  return variables
}

const extractEach = (evaluation: TemplateEvaluation.Evaluation): Array<RenderOutput.Variable> => {
  const variables = [...evaluation.template.root.variables.values()].sort((a, b) => compareBytes(a.name, b.name))
  return variables.map((variable) => {
    try {
      return extractVariable(evaluation, variable)
    } catch (defect) {
      return onlyName(
        variable.name,
        diagnostic("error", `Internal error while extracting variable ${variable.name}`, defectMessage(defect))
      )
    }
  })
}

const extractVariable = (
  evaluation: TemplateEvaluation.Evaluation,
  variable: CompiledTemplate.Variable
): RenderOutput.Variable => {
  if (variable.typeError) return onlyName(variable.name, wire(variable.typeError))
  const converted = evaluation.variableDefault(variable)
  if (converted.value === undefined) {
    const typeText = variable.constraint ? Type.toString(variable.constraint.type) : "any"
    return onlyName(
      variable.name,
      diagnostic(
        "error",
        `Failed to convert variable default value to type "${typeText}" for "${variable.name}"`,
        converted.error?.detail ?? ""
      )
    )
  }
  const value = converted.value
  const type = variable.constraint
    ? Type.toString(variable.constraint.type)
    : value._tag === "Null" || value._tag === "Unknown"
    ? "any"
    : Type.toString(Value.typeOf(value))
  return {
    name: variable.name,
    type,
    description: textOf(evaluation, variable.description),
    nullable: isKnownTrue(evaluation, variable.nullable),
    sensitive: isKnownTrue(evaluation, variable.sensitive),
    default: toJsonValue(value),
    diagnostics: []
  }
}
