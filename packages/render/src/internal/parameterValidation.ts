/**
 * The parameter validation pipeline (docs/render.md §4.4): step 1 (form type, options, validation
 * blocks), step 2 (the provider's checks, first failing group ends it), step 3 (usage), step 4
 * (required).
 *
 * @internal
 */
import type * as RenderOutput from "../RenderOutput.js"
import * as RegexMemo from "./regexMemo.js"
import { diagnostic } from "./text.js"

/** Everything the pipeline looks at. */
export interface ParameterFacts {
  readonly step1: ReadonlyArray<RenderOutput.Diagnostic>
  readonly type: RenderOutput.ParameterType
  readonly formType: RenderOutput.FormType
  readonly options: ReadonlyArray<RenderOutput.ParameterOption>
  readonly validations: ReadonlyArray<RenderOutput.ParameterValidation>
  readonly value: RenderOutput.HclString
  readonly defaultValue: RenderOutput.HclString
  readonly valueState: "absent" | "null" | "unknown" | "invalid" | "valid"
  readonly invalidOptions: number
  readonly required: boolean
}

const usageDetail =
  "The value of a parameter is required to be sourced (default or input) for the parameter to function."

const goBools = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"])

/** Go `strconv.ParseFloat` (decimal, exponent, inf/nan, hex floats, `_` between digits). */
const isGoFloat = (text: string): boolean =>
  /^[+-]?((\d(_?\d)*)(\.(\d(_?\d)*)?)?([eE][+-]?\d(_?\d)*)?|\.\d(_?\d)*([eE][+-]?\d(_?\d)*)?|inf(inity)?|nan)$/i
    .test(text) ||
  /^[+-]?0[xX](([0-9a-fA-F](_?[0-9a-fA-F])*)(\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)[pP][+-]?\d+$/.test(text)

/** Go `strconv.Atoi` (base 10, optional sign). */
const isGoInt = (text: string): boolean => /^[+-]?\d+$/.test(text)

const stringList = (text: string): ReadonlyArray<string> | undefined => {
  try {
    const parsed: unknown = JSON.parse(text)
    return Array.isArray(parsed) && parsed.every((e) => typeof e === "string") ? parsed : undefined
  } catch {
    return undefined
  }
}

/**
 * Whether a value's text is of a parameter type (Go's parsing of numbers and bools).
 *
 * @internal
 */
export const isOfType = (type: RenderOutput.ParameterType, text: string): boolean => {
  switch (type) {
    case "string":
      return true
    case "number":
      return isGoFloat(text)
    case "bool":
      return goBools.has(text)
    case "list(string)":
      return stringList(text) !== undefined
  }
}

/** Options compared pairwise up to this many; a `Set` beyond (a render checks every parameter). */
const pairwiseLimit = 16

/** The first option (in order) whose key an earlier option has, or `undefined`. */
const firstRepeated = (
  options: ReadonlyArray<RenderOutput.ParameterOption>,
  key: (option: RenderOutput.ParameterOption) => string
): RenderOutput.ParameterOption | undefined => {
  if (options.length <= pairwiseLimit) {
    for (let i = 1; i < options.length; i++) {
      const k = key(options[i]!)
      for (let j = 0; j < i; j++) if (key(options[j]!) === k) return options[i]
    }
    return undefined
  }
  const seen = new Set<string>()
  for (const option of options) {
    const k = key(option)
    if (seen.has(k)) return option
    seen.add(k)
  }
  return undefined
}

const optionName = (option: RenderOutput.ParameterOption): string => option.name
const optionValue = (option: RenderOutput.ParameterOption): string => option.value.value

const noDiagnostics: ReadonlyArray<RenderOutput.Diagnostic> = Object.freeze([])

const optionChecks = (facts: ParameterFacts): ReadonlyArray<RenderOutput.Diagnostic> => {
  if (facts.options.length === 0) return noDiagnostics
  const sameName = firstRepeated(facts.options, optionName)
  if (sameName !== undefined) {
    return [
      diagnostic(
        "error",
        "Option names must be unique.",
        `multiple options found with the same name "${sameName.name}"`
      )
    ]
  }
  const sameValue = firstRepeated(facts.options, optionValue)
  if (sameValue !== undefined) {
    return [
      diagnostic(
        "error",
        "Option values must be unique.",
        `multiple options found with the same value "${sameValue.value.value}"`
      )
    ]
  }
  // list(string) with multi-select takes plain string options; with radio, JSON string arrays.
  if (facts.type === "list(string)" && facts.formType === "multi-select") return noDiagnostics
  let mistyped: Array<RenderOutput.Diagnostic> | undefined
  for (const option of facts.options) {
    if (isOfType(facts.type, option.value.value)) continue
    ;(mistyped ??= []).push(
      diagnostic(
        "error",
        `Option "${option.name}" with value="${option.value.value}" is not of type "${facts.type}"`,
        ""
      )
    )
  }
  return mistyped ?? noDiagnostics
}

const membership = (facts: ParameterFacts, x: string, label: string): RenderOutput.Diagnostic | undefined => {
  if (facts.options.length === 0) return undefined
  if (facts.formType !== "multi-select") {
    for (const option of facts.options) if (option.value.value === x) return undefined
    const empty = x === "" ? ". The value is empty, did you forget to set it with a default or from user input?" : ""
    return diagnostic(
      "error",
      `${label} must be a valid option${empty}`,
      `the value "${x}" must be defined as one of options`
    )
  }
  const list = stringList(x)
  if (list === undefined) {
    return diagnostic(
      "error",
      "When using list(string) type, value must be a json encoded list of strings",
      `value "${x}" is not a valid list of strings`
    )
  }
  const values = facts.options.map((o) => o.value.value)
  const missing = list.filter((element) => !values.includes(element))
  if (missing.length === 0) return undefined
  return diagnostic(
    "error",
    `${label}s must be a valid option`,
    `${label} "${x}" is not a valid option, values "${missing.join(", ")}" are missing from the options`
  )
}

const substitute = (message: string, min: number | null, max: number | null, value: string): string =>
  message.replaceAll("{min}", String(min ?? 0)).replaceAll("{max}", String(max ?? 0)).replaceAll("{value}", value)

const validationFailure = (
  validation: RenderOutput.ParameterValidation,
  type: RenderOutput.ParameterType,
  x: string,
  regexes: RegexMemo.RegexMemo
): string | undefined => {
  if (type !== "number") {
    if (validation.validation_min !== null) return `a min cannot be specified for a ${type} type`
    if (validation.validation_max !== null) return `a max cannot be specified for a ${type} type`
    if (validation.validation_monotonic !== null) {
      return `monotonic validation can only be specified for number types, not ${type} types`
    }
  }
  if (type !== "string" && validation.validation_regex !== null) return `a regex cannot be specified for a ${type} type`
  switch (type) {
    case "bool":
      return x === "true" || x === "false" ? undefined : `boolean value can be either "true" or "false"`
    case "string": {
      const regex = validation.validation_regex
      if (regex === null) return undefined
      const compiled = regexes.compile(regex)
      if (compiled._tag === "Invalid") return `compile regex "${regex}": ${compiled.message}`
      if (validation.validation_error === "") return "an error must be specified with a regex validation"
      return compiled.regex.test(x)
        ? undefined
        : `${validation.validation_error} (value "${x}" does not match "${regex}")`
    }
    case "number": {
      const custom = validation.validation_error
      const { validation_max: max, validation_min: min } = validation
      if (!isGoInt(x)) return custom !== "" ? substitute(custom, min, max, x) : `value "${x}" is not a number`
      const n = Number(x)
      if (min !== null && n < min) {
        return custom !== "" ? substitute(custom, min, max, x) : `value ${x} is less than the minimum ${min}`
      }
      if (max !== null && n > max) {
        return custom !== "" ? substitute(custom, min, max, x) : `value ${x} is more than the maximum ${max}`
      }
      const monotonic = validation.validation_monotonic
      if (monotonic !== null && monotonic !== "" && monotonic !== "increasing" && monotonic !== "decreasing") {
        return `number monotonicity can be either "increasing" or "decreasing"`
      }
      return undefined
    }
    case "list(string)":
      return stringList(x) === undefined ? `value "${x}" is not valid list of strings` : undefined
  }
}

const typeCheck = (type: RenderOutput.ParameterType, x: string): RenderOutput.Diagnostic | undefined => {
  if (isOfType(type, x)) return undefined
  const detail = type === "number"
    ? `"${x}" is not a number`
    : type === "bool"
    ? `"${x}" is not a bool`
    : `value "${x}" is not a valid list of strings`
  return diagnostic("error", `Parameter value is not of type "${type}"`, detail)
}

const providerChecks = (
  facts: ParameterFacts,
  regexes: RegexMemo.RegexMemo
): ReadonlyArray<RenderOutput.Diagnostic> => {
  const v = facts.value.valid ? facts.value.value : undefined
  const d = facts.defaultValue.valid ? facts.defaultValue.value : undefined
  const usingDefault = v === undefined
  const label = usingDefault ? "Default value" : "Value"
  const options = optionChecks(facts)
  if (options.length > 0) return options
  if (facts.validations.length === 0 && v === undefined && d === undefined) return noDiagnostics
  const x = v ?? d ?? ""
  const member = membership(facts, x, label)
  if (member) return [member]
  if (facts.validations.length === 1) {
    const failure = validationFailure(facts.validations[0]!, facts.type, x, regexes)
    if (failure !== undefined) {
      return [
        diagnostic(
          "error",
          `Invalid parameter ${usingDefault ? "default value" : "value"} according to 'validation' block`,
          failure
        )
      ]
    }
  }
  const type = typeCheck(facts.type, x)
  return type ? [type] : noDiagnostics
}

/**
 * The parameter's diagnostics, in pipeline order. `regexes` compiles validation regexes (the
 * compiled template's memo in a render).
 */
export const validateParameter = (
  facts: ParameterFacts,
  regexes: RegexMemo.RegexMemo = RegexMemo.uncached
): Array<RenderOutput.Diagnostic> => {
  const out: Array<RenderOutput.Diagnostic> = [...facts.step1]
  if (!facts.step1.some((d) => d.severity === "error")) out.push(...providerChecks(facts, regexes))
  if (facts.valueState === "invalid") {
    out.push(diagnostic("error", "Parameter value is not valid", usageDetail))
  } else if (facts.valueState === "unknown") {
    out.push(
      diagnostic("error", "Parameter value is unknown, it likely includes a reference without a value", usageDetail)
    )
  }
  if (facts.invalidOptions > 0) {
    out.push(
      diagnostic(
        "error",
        `Parameter contains ${facts.invalidOptions} invalid options`,
        "The set of options cannot be resolved, and use of the parameter is limited."
      )
    )
  }
  if (facts.required && (facts.valueState === "absent" || facts.valueState === "null")) {
    out.push(diagnostic("error", "Required parameter not provided", "parameter value is null", "required"))
  }
  return out
}
