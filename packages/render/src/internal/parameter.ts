/**
 * Extracting one `data "coder_parameter"` instance (docs/render.md §4.1–§4.3) and running its
 * validation pipeline (§4.4, in `parameterValidation.ts`).
 *
 * @internal
 */
import type { ExpressionEvaluator, TemplateEvaluation } from "@warmpool/terraform"
import { TfNumber } from "@warmpool/terraform"
import * as RenderOutput from "../RenderOutput.js"
import { perConstantBlock } from "./constantBlocks.js"
import { formTypeOf } from "./formType.js"
import { validateParameter } from "./parameterValidation.js"
import * as RegexMemo from "./regexMemo.js"
import { emptyRecord, orEmpty, share } from "./sharedParts.js"
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
  if (text === undefined) return emptyRecord
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return emptyRecord
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return emptyRecord
  const raw = parsed as Record<string, unknown>
  const styling: { placeholder?: string; disabled?: boolean; label?: string; mask_input?: boolean } = {}
  if (typeof raw["placeholder"] === "string") styling.placeholder = raw["placeholder"]
  if (typeof raw["disabled"] === "boolean") styling.disabled = raw["disabled"]
  if (typeof raw["label"] === "string") styling.label = raw["label"]
  if (typeof raw["mask_input"] === "boolean") styling.mask_input = raw["mask_input"]
  return Object.keys(styling).length === 0 ? emptyRecord : styling
}

type ValueState = "absent" | "null" | "unknown" | "invalid" | "valid"

const invalidValue = (
  instance: TemplateEvaluation.BlockInstance,
  state: Exclude<ValueState, "valid">
): { readonly hcl: RenderOutput.HclString; readonly state: ValueState } => ({
  hcl: { value: valueReference(instance), valid: false },
  state
})

interface ValueFacts {
  readonly hcl: RenderOutput.HclString
  readonly state: ValueState
}

const parameterValue = (instance: TemplateEvaluation.BlockInstance): ValueFacts =>
  valueFacts(instance, instance.parameterValue())

const valueFacts = (
  instance: TemplateEvaluation.BlockInstance,
  value: TemplateEvaluation.ParameterValue
): ValueFacts => {
  if (value._tag === "Absent") return invalidValue(instance, "absent")
  if (value.value._tag === "Null") return invalidValue(instance, "null")
  if (value.value._tag === "Unknown") return invalidValue(instance, "unknown")
  const text = primitiveText(value.value)
  return text === undefined ? invalidValue(instance, "invalid") : { hcl: { value: text, valid: true }, state: "valid" }
}

/** What the checks that drop a parameter (`name`, `type`, `form_type`) found. */
type Head =
  | { readonly _tag: "Dropped"; readonly diagnostics: ReadonlyArray<RenderOutput.Diagnostic> }
  | {
    readonly _tag: "Head"
    readonly name: string
    readonly type: RenderOutput.ParameterType
    readonly formTypeText: RenderOutput.FormType | ""
  }

const head = (instance: TemplateEvaluation.BlockInstance): Head => {
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
  return {
    _tag: "Head",
    name: name.value.value,
    type: typeText as RenderOutput.ParameterType,
    formTypeText: formTypeText as RenderOutput.FormType | ""
  }
}

/** Options, validations, the resolved form type and the step 1 diagnostics (§4.2, §4.3). */
const nestedParts = (
  instance: TemplateEvaluation.BlockInstance,
  type: RenderOutput.ParameterType,
  formTypeText: RenderOutput.FormType | ""
) => {
  const diagnostics: Array<RenderOutput.Diagnostic> = []
  const { count: optionCount, invalid: invalidOptions, options } = extractOptions(instance, diagnostics)
  const formType = formTypeOf(type, optionCount > 0, formTypeText)
  if (formType.error) diagnostics.unshift(formType.error)
  const validations = extractValidations(instance)
  if (validations.length > 1) {
    diagnostics.push(diagnostic("error", "Multiple 'validation' blocks found", "Only one validation block is allowed"))
  }
  return { step1: diagnostics, options, invalidOptions, formType: formType.formType, validations }
}

const addressOf = (instance: TemplateEvaluation.BlockInstance): string =>
  instance.module.address === "" ? instance.address : `${instance.module.address}.${instance.address}`

/** Extract one `coder_parameter` instance by evaluating it. */
const extractEvaluated = (
  instance: TemplateEvaluation.BlockInstance,
  regexes: RegexMemo.RegexMemo
): Extracted => {
  const checked = head(instance)
  if (checked._tag === "Dropped") return checked
  const { name, type } = checked
  const { formType, invalidOptions, options, step1, validations } = nestedParts(instance, type, checked.formTypeText)
  const defaultResult = instance.attribute("default")
  const defaultValue = hclString(defaultResult)
  const value = parameterValue(instance)
  const required = !instance.has("default")
  const parameter: RenderOutput.Parameter = {
    name,
    display_name: textOr(instance.attribute("display_name")),
    description: textOr(instance.attribute("description")),
    type,
    form_type: formType,
    styling: extractStyling(instance.attribute("styling")),
    mutable: isTrue(instance.attribute("mutable")),
    default_value: defaultValue,
    icon: textOr(instance.attribute("icon")),
    options: orEmpty(options),
    validations: orEmpty(validations),
    required,
    order: orderOf(instance.attribute("order")),
    ephemeral: isTrue(instance.attribute("ephemeral")),
    value: value.hcl,
    diagnostics: orEmpty(validateParameter({
      step1,
      type,
      formType,
      options,
      validations,
      value: value.hcl,
      defaultValue,
      valueState: value.state,
      invalidOptions,
      required
    }, regexes))
  }
  return { _tag: "Parameter", parameter, address: addressOf(instance) }
}

// -----------------------------------------------------------------------------------------------
// blocks of constants

/**
 * Everything of a parameter but its value and what the value decides (the validation pipeline):
 * for a block of constants, the same in every render of the compiled template.
 */
interface Fixed {
  readonly _tag: "Fixed"
  readonly name: string
  readonly type: RenderOutput.ParameterType
  readonly formType: RenderOutput.FormType
  readonly step1: ReadonlyArray<RenderOutput.Diagnostic>
  readonly options: ReadonlyArray<RenderOutput.ParameterOption>
  readonly invalidOptions: number
  readonly validations: ReadonlyArray<RenderOutput.ParameterValidation>
  readonly defaultValue: RenderOutput.HclString
  readonly required: boolean
  readonly displayName: string
  readonly description: string
  readonly styling: RenderOutput.ParameterStyling
  readonly mutable: boolean
  readonly icon: string
  readonly order: number
  readonly ephemeral: boolean
  /** The value when the inputs have none for the parameter: its default, or absent. */
  readonly withoutInput: ValueFacts
  /** The parameters built from this part so far, shared by the renders that give the same value. */
  readonly built: Built
}

/**
 * A block of constants' parameter is a function of its value alone: the one without an input,
 * and the one for the last input of at most {@link rememberedInput} characters (a prebuild gives
 * its preset's values render after render), are built once and shared, frozen.
 */
interface Built {
  withoutInput: RenderOutput.Parameter | undefined
  input: string | undefined
  withInput: RenderOutput.Parameter | undefined
}

/**
 * Longer inputs are not remembered (their parameter is built each time). What a compiled template
 * keeps this way is two small parameters per block of constants (a few hundred bytes each, the
 * shared parts not counted again): within the margin of its estimated weight (`weightOf`), which
 * is 1.3 to 2 times the heap it keeps.
 */
const rememberedInput = 256

type FixedPart = Fixed | { readonly _tag: "Dropped"; readonly diagnostics: ReadonlyArray<RenderOutput.Diagnostic> }

const fixedOf = (instance: TemplateEvaluation.BlockInstance): FixedPart => {
  const checked = head(instance)
  if (checked._tag === "Dropped") return checked
  const { name, type } = checked
  const { formType, invalidOptions, options, step1, validations } = nestedParts(instance, type, checked.formTypeText)
  const defaultResult = instance.attribute("default")
  return {
    _tag: "Fixed",
    name,
    type,
    formType,
    step1: share(step1),
    options: share(options),
    invalidOptions,
    validations: share(validations),
    defaultValue: share(hclString(defaultResult)),
    required: !instance.has("default"),
    displayName: textOr(instance.attribute("display_name")),
    description: textOr(instance.attribute("description")),
    styling: share(extractStyling(instance.attribute("styling"))),
    mutable: isTrue(instance.attribute("mutable")),
    icon: textOr(instance.attribute("icon")),
    order: orderOf(instance.attribute("order")),
    ephemeral: isTrue(instance.attribute("ephemeral")),
    // TemplateEvaluation's `parameterValue` without an input (a constant has no errors), shared
    withoutInput: sharedFacts(valueFacts(
      instance,
      defaultResult !== undefined && defaultResult.errors.length === 0
        ? { _tag: "Default", value: defaultResult.value }
        : { _tag: "Absent" }
    )),
    built: { withoutInput: undefined, input: undefined, withInput: undefined }
  }
}

const sharedFacts = (facts: ValueFacts): ValueFacts => ({ hcl: share(facts.hcl), state: facts.state })

/**
 * The fixed part of a block of constants, by position: a render of a large template reads one
 * small record per parameter instead of every attribute, option and validation of the compiled
 * block (spread over megabytes, so out of the processor's caches).
 */
const fixedPartOf = perConstantBlock(fixedOf)

// What renders share (a block of constants' options, validations, styling, default, step-1
// diagnostics, value without an input, and its parameters built per value) is frozen once
// (`sharedParts.ts`); the rest of an output is its own, so renders share nothing mutable.
const copyDiagnostic = (d: RenderOutput.Diagnostic): RenderOutput.Diagnostic =>
  d.range === undefined
    ? { severity: d.severity, summary: d.summary, detail: d.detail, extra: { code: d.extra.code } }
    : {
      severity: d.severity,
      summary: d.summary,
      detail: d.detail,
      extra: { code: d.extra.code },
      range: {
        file: d.range.file,
        start: { line: d.range.start.line, column: d.range.start.column },
        end: { line: d.range.end.line, column: d.range.end.column }
      }
    }

const buildFromFixed = (
  fixed: Fixed,
  value: ValueFacts,
  regexes: RegexMemo.RegexMemo
): RenderOutput.Parameter => {
  const { defaultValue, invalidOptions, options, required, type, validations } = fixed
  return {
    name: fixed.name,
    display_name: fixed.displayName,
    description: fixed.description,
    type,
    form_type: fixed.formType,
    styling: fixed.styling,
    mutable: fixed.mutable,
    default_value: defaultValue,
    icon: fixed.icon,
    options,
    validations,
    required,
    order: fixed.order,
    ephemeral: fixed.ephemeral,
    value: value.hcl,
    diagnostics: validateParameter({
      step1: fixed.step1,
      type,
      formType: fixed.formType,
      options,
      validations,
      value: value.hcl,
      defaultValue,
      valueState: value.state,
      invalidOptions,
      required
    }, regexes)
  }
}

/** The parameter of a block of constants for the inputs: built once per value (see {@link Built}). */
const parameterFromFixed = (
  fixed: Fixed,
  instance: TemplateEvaluation.BlockInstance,
  regexes: RegexMemo.RegexMemo,
  values: ReadonlyMap<string, string> | undefined
): RenderOutput.Parameter => {
  if (values === undefined) return buildFromFixed(fixed, parameterValue(instance), regexes)
  const built = fixed.built
  const input = values.get(fixed.name)
  if (input === undefined) {
    return built.withoutInput ??= share(buildFromFixed(fixed, fixed.withoutInput, regexes))
  }
  if (built.input === input) return built.withInput!
  const parameter = buildFromFixed(fixed, { hcl: { value: input, valid: true }, state: "valid" }, regexes)
  if (input.length > rememberedInput) return parameter
  built.input = input
  built.withInput = share(parameter)
  return parameter
}

const fromFixed = (
  fixed: FixedPart,
  instance: TemplateEvaluation.BlockInstance,
  regexes: RegexMemo.RegexMemo,
  values: ReadonlyMap<string, string> | undefined
): Extracted =>
  fixed._tag === "Dropped"
    ? { _tag: "Dropped", diagnostics: fixed.diagnostics.map(copyDiagnostic) }
    : {
      _tag: "Parameter",
      parameter: parameterFromFixed(fixed, instance, regexes, values),
      address: addressOf(instance)
    }

/**
 * Extract one `coder_parameter` instance. `values` are the parameter values the instance's
 * evaluation was given (a block of constants then reads its value from them directly).
 */
export const extractParameter = (
  instance: TemplateEvaluation.BlockInstance,
  regexes: RegexMemo.RegexMemo = RegexMemo.uncached,
  values?: ReadonlyMap<string, string>
): Extracted => {
  const fixed = fixedPartOf(instance)
  return fixed === null ? extractEvaluated(instance, regexes) : fromFixed(fixed, instance, regexes, values)
}

const orderOf = (result: ExpressionEvaluator.Result | undefined): number => {
  if (result === undefined || result.value._tag !== "Number") return 0
  return TfNumber.toNumber(TfNumber.truncate(result.value.value))
}
