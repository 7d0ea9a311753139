/**
 * Which control the form shows for a parameter, decided from its `form_type` (docs/render.md §4.2)
 * and styling. Pure, so the mapping is unit-tested without a browser.
 *
 * @since 0.1.0
 */
import type { Parameter } from "../api/types.js"

/**
 * One selectable option.
 *
 * @since 0.1.0
 */
export interface Choice {
  readonly label: string
  readonly value: string
  readonly description: string
  readonly icon: string
  /** An option whose value could not be resolved is shown but cannot be chosen. */
  readonly selectable: boolean
}

/**
 * @since 0.1.0
 */
export type Control =
  | { readonly kind: "radio"; readonly choices: ReadonlyArray<Choice> }
  | { readonly kind: "dropdown"; readonly choices: ReadonlyArray<Choice> }
  | { readonly kind: "multi-select"; readonly choices: ReadonlyArray<Choice> }
  | { readonly kind: "input"; readonly inputType: "text" | "number" | "password"; readonly placeholder: string }
  | { readonly kind: "textarea"; readonly masked: boolean; readonly placeholder: string }
  | { readonly kind: "slider"; readonly min: number; readonly max: number; readonly step: number }
  | { readonly kind: "checkbox"; readonly inlineLabel: string }
  | { readonly kind: "switch"; readonly inlineLabel: string }
  | { readonly kind: "tag-select"; readonly placeholder: string }
  | { readonly kind: "error" }

/**
 * @since 0.1.0
 */
export type ControlKind = Control["kind"]

/**
 * The range a slider offers when the validation block leaves a bound open.
 *
 * @since 0.1.0
 */
export const defaultSliderRange = { min: 0, max: 100 } as const

/**
 * @since 0.1.0
 */
export const choicesOf = (parameter: Parameter): ReadonlyArray<Choice> =>
  parameter.options.map((option) => ({
    label: option.name === "" ? option.value.value : option.name,
    value: option.value.value,
    description: option.description,
    icon: option.icon,
    selectable: option.value.valid
  }))

const sliderRange = (parameter: Parameter): { readonly min: number; readonly max: number } => {
  const validation = parameter.validations[0]
  const min = validation?.validation_min ?? defaultSliderRange.min
  const max = validation?.validation_max ?? Math.max(defaultSliderRange.max, min)
  return max >= min ? { min, max } : { min: max, max: min }
}

/**
 * The control for a parameter. `disabled` styling is not part of the control: every kind can be
 * disabled.
 *
 * @since 0.1.0
 */
export const controlFor = (parameter: Parameter): Control => {
  const styling = parameter.styling
  const placeholder = styling.placeholder ?? ""
  const inlineLabel = styling.label ?? ""
  switch (parameter.form_type) {
    case "radio":
      return { kind: "radio", choices: choicesOf(parameter) }
    case "dropdown":
      return { kind: "dropdown", choices: choicesOf(parameter) }
    case "multi-select":
      return { kind: "multi-select", choices: choicesOf(parameter) }
    case "slider": {
      const { max, min } = sliderRange(parameter)
      return { kind: "slider", min, max, step: 1 }
    }
    case "checkbox":
      return { kind: "checkbox", inlineLabel }
    case "switch":
      return { kind: "switch", inlineLabel }
    case "tag-select":
      return { kind: "tag-select", placeholder }
    case "textarea":
      return { kind: "textarea", masked: styling.mask_input === true, placeholder }
    case "error":
      return { kind: "error" }
    case "input":
      return {
        kind: "input",
        inputType: styling.mask_input === true ? "password" : parameter.type === "number" ? "number" : "text",
        placeholder
      }
  }
}

/**
 * Whether the control is a group of several inputs, which gets a `fieldset` and `legend`
 * rather than one `label`.
 *
 * @since 0.1.0
 */
export const isGroup = (control: Control): boolean => control.kind === "radio" || control.kind === "multi-select"

/**
 * A short sentence on the validation a value must pass, shown under the control: the bounds of
 * a number (a slider shows its own), and the direction a monotonic value may move.
 *
 * @since 0.1.0
 */
export const validationHint = (parameter: Parameter): string | undefined => {
  const validation = parameter.validations[0]
  if (validation === undefined || parameter.type !== "number") return undefined
  const parts: Array<string> = []
  const { validation_max: max, validation_min: min, validation_monotonic: monotonic } = validation
  if (parameter.form_type !== "slider") {
    if (min !== null && max !== null) parts.push(`From ${min} to ${max}`)
    else if (min !== null) parts.push(`At least ${min}`)
    else if (max !== null) parts.push(`At most ${max}`)
  }
  if (monotonic === "increasing") parts.push("can only increase when the workspace is updated")
  if (monotonic === "decreasing") parts.push("can only decrease when the workspace is updated")
  if (parts.length === 0) return undefined
  const text = parts.join("; ")
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}
