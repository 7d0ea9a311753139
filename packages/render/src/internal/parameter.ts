/**
 * Extracting one `data "coder_parameter"` instance (docs/render.md §4.1–§4.3) and running its
 * validation pipeline (§4.4, in `parameterValidation.ts`).
 *
 * @internal
 */
import type { ExpressionEvaluator, TemplateEvaluation } from "@warmpool/terraform"
import { TfNumber } from "@warmpool/terraform"
import * as RenderOutput from "../RenderOutput.js"
import { formTypeOf } from "./formType.js"
import { validateParameter } from "./parameterValidation.js"
import * as RegexMemo from "./regexMemo.js"
import { diagnostic, hclString, isTrue, primitiveText, textOr, typeName } from "./text.js"

const parameterTypes: ReadonlyArray<RenderOutput.ParameterType> = RenderOutput.ParameterType.literals
const formTypes: ReadonlyArray<RenderOutput.FormType> = RenderOutput.FormType.literals

/** An extracted parameter, or why it was dropped (top-level errors). */
export type Extracted =
  | { readonly _tag: "Parameter"; readonly parameter: RenderOutput.Parameter; readonly address: string }
  | { readonly _tag: "Dropped"; readonly diagnostics: ReadonlyArray<RenderOutput.Diagnostic> }

const referenceText = (parts: ReadonlyArray<string | number>): string =>
  parts.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("")

/** `data.coder_parameter.alpha.value`, `data.coder_parameter.x.[0].value`, `....x.[k].value` */
const valueReference = (instance: TemplateEvaluation.BlockInstance): string =>
  instance.key === undefined
    ? `data.coder_parameter.${instance.block.name}.value`
    : `data.coder_parameter.${instance.block.name}.[${instance.key}].value`

const missingOptionAttribute = (attribute: "name" | "value"): RenderOutput.Diagnostic =>
  diagnostic(
    "error",
    `Missing required attribute "${attribute}" for block ""`,
    `The ${attribute} attribute is required`
  )

const extractOptions = (
  instance: TemplateEvaluation.BlockInstance,
  diagnostics: Array<RenderOutput.Diagnostic>
): { readonly options: Array<RenderOutput.ParameterOption>; readonly count: number; readonly invalid: number } => {
  const bodies = instance.nested("option")
  const options: Array<RenderOutput.ParameterOption> = []
  let invalid = 0
  for (let i = 0; i < bodies.length; i++) {
    const body = bodies[i]!
    const missingName = !body.has("name")
    if (missingName) diagnostics.push(missingOptionAttribute("name"))
    const missingValue = !body.has("value")
    if (missingValue) diagnostics.push(missingOptionAttribute("value"))
    if (missingName || missingValue) continue
    const name = body.attribute("name")!
    if (name.value._tag !== "String") {
      diagnostics.push(
        diagnostic(
          "error",
          `Invalid "name" attribute for block option`,
          `Expected a string, got "${typeName(name.value)}"`
        )
      )
    }
    const value = hclString(body.attribute("value"))
    if (!value.valid) invalid++
    options.push({
      name: textOr(name),
      description: textOr(body.attribute("description")),
      value,
      icon: textOr(body.attribute("icon"))
    })
  }
  return { options, count: bodies.length, invalid }
}

const integerOrNull = (result: ExpressionEvaluator.Result | undefined): number | null => {
  if (result === undefined || result.value._tag !== "Number") return null
  return TfNumber.toNumber(TfNumber.truncate(result.value.value))
}

const textOrNull = (result: ExpressionEvaluator.Result | undefined): string | null =>
  result === undefined ? null : primitiveText(result.value) ?? null

const extractValidations = (instance: TemplateEvaluation.BlockInstance): Array<RenderOutput.ParameterValidation> =>
  instance.nested("validation").map((body) => ({
    validation_error: textOr(body.attribute("error")),
    validation_regex: textOrNull(body.attribute("regex")),
    validation_min: integerOrNull(body.attribute("min")),
    validation_max: integerOrNull(body.attribute("max")),
    validation_monotonic: textOrNull(body.attribute("monotonic"))
  }))

const extractStyling = (result: ExpressionEvaluator.Result | undefined): RenderOutput.ParameterStyling => {
  const text = result === undefined ? undefined : primitiveText(result.value)
  if (text === undefined) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return {}
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {}
  const raw = parsed as Record<string, unknown>
  const styling: { placeholder?: string; disabled?: boolean; label?: string; mask_input?: boolean } = {}
  if (typeof raw["placeholder"] === "string") styling.placeholder = raw["placeholder"]
  if (typeof raw["disabled"] === "boolean") styling.disabled = raw["disabled"]
  if (typeof raw["label"] === "string") styling.label = raw["label"]
  if (typeof raw["mask_input"] === "boolean") styling.mask_input = raw["mask_input"]
  return styling
}

type ValueState = "absent" | "null" | "unknown" | "invalid" | "valid"

const invalidValue = (
  instance: TemplateEvaluation.BlockInstance,
  state: Exclude<ValueState, "valid">
): { readonly hcl: RenderOutput.HclString; readonly state: ValueState } => ({
  hcl: { value: valueReference(instance), valid: false },
  state
})

const parameterValue = (
  instance: TemplateEvaluation.BlockInstance
): { readonly hcl: RenderOutput.HclString; readonly state: ValueState } => {
  const value = instance.parameterValue()
  if (value._tag === "Absent") return invalidValue(instance, "absent")
  if (value.value._tag === "Null") return invalidValue(instance, "null")
  if (value.value._tag === "Unknown") return invalidValue(instance, "unknown")
  const text = primitiveText(value.value)
  return text === undefined ? invalidValue(instance, "invalid") : { hcl: { value: text, valid: true }, state: "valid" }
}

/** Extract one `coder_parameter` instance. */
export const extractParameter = (
  instance: TemplateEvaluation.BlockInstance,
  regexes: RegexMemo.RegexMemo = RegexMemo.uncached
): Extracted => {
  const label = instance.block.name
  const name = instance.attribute("name")
  if (name === undefined) {
    return {
      _tag: "Dropped",
      diagnostics: [
        diagnostic(
          "error",
          `Missing required attribute "name" for block "coder_parameter.${label}"`,
          "The name attribute is required"
        )
      ]
    }
  }
  if (name.value._tag !== "String") {
    const detail = name.value._tag === "Unknown"
      ? `Value is not known, check the references [${
        instance.block.body.attributes.get("name")!.references.map((r) => referenceText(r.parts)).join(" ")
      }] are resolvable`
      : `Expected a string, got "${typeName(name.value)}"`
    return {
      _tag: "Dropped",
      diagnostics: [diagnostic("error", `Invalid "name" attribute for block coder_parameter.${label}`, detail)]
    }
  }
  const typeText = textOr(instance.attribute("type")) || "string"
  if (!parameterTypes.includes(typeText as RenderOutput.ParameterType)) {
    return {
      _tag: "Dropped",
      diagnostics: [
        diagnostic(
          "error",
          `Invalid "type" attribute for block coder_parameter.${label}`,
          `invalid parameter type "${typeText}", expected one of [${parameterTypes.join(", ")}]`
        )
      ]
    }
  }
  const type = typeText as RenderOutput.ParameterType
  const formTypeText = textOr(instance.attribute("form_type"))
  if (formTypeText !== "" && !formTypes.includes(formTypeText as RenderOutput.FormType)) {
    return {
      _tag: "Dropped",
      diagnostics: [
        diagnostic(
          "error",
          `Invalid "form_type" attribute for block coder_parameter.${label}`,
          `invalid form type "${formTypeText}", expected one of [${formTypes.join(", ")}]`
        )
      ]
    }
  }

  const diagnostics: Array<RenderOutput.Diagnostic> = []
  const { count: optionCount, invalid: invalidOptions, options } = extractOptions(instance, diagnostics)
  const formType = formTypeOf(type, optionCount > 0, formTypeText as RenderOutput.FormType | "")
  if (formType.error) diagnostics.unshift(formType.error)
  const validations = extractValidations(instance)
  if (validations.length > 1) {
    diagnostics.push(diagnostic("error", "Multiple 'validation' blocks found", "Only one validation block is allowed"))
  }
  const defaultResult = instance.attribute("default")
  const defaultValue = hclString(defaultResult)
  const value = parameterValue(instance)
  const required = !instance.has("default")
  const parameter: RenderOutput.Parameter = {
    name: name.value.value,
    display_name: textOr(instance.attribute("display_name")),
    description: textOr(instance.attribute("description")),
    type,
    form_type: formType.formType,
    styling: extractStyling(instance.attribute("styling")),
    mutable: isTrue(instance.attribute("mutable")),
    default_value: defaultValue,
    icon: textOr(instance.attribute("icon")),
    options,
    validations,
    required,
    order: orderOf(instance.attribute("order")),
    ephemeral: isTrue(instance.attribute("ephemeral")),
    value: value.hcl,
    diagnostics: validateParameter({
      step1: diagnostics,
      type,
      formType: formType.formType,
      options,
      validations,
      value: value.hcl,
      defaultValue,
      valueState: value.state,
      invalidOptions,
      required
    }, regexes)
  }
  return {
    _tag: "Parameter",
    parameter,
    address: instance.module.address === "" ? instance.address : `${instance.module.address}.${instance.address}`
  }
}

const orderOf = (result: ExpressionEvaluator.Result | undefined): number => {
  if (result === undefined || result.value._tag !== "Number") return 0
  return TfNumber.toNumber(TfNumber.truncate(result.value.value))
}
