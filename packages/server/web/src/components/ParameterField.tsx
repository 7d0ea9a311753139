/**
 * One parameter of the form: its label, description, icon, badges, the control its `form_type`
 * asks for, and its diagnostics underneath.
 *
 * @since 0.1.0
 */
import { useState } from "preact/hooks"
import type { Parameter } from "../api/types.js"
import type { Choice, Control } from "../logic/controls.js"
import { controlFor, isGroup, validationHint } from "../logic/controls.js"
import { visibleDiagnostics } from "../logic/touched.js"
import type { Edits } from "../logic/values.js"
import { addTag, decodeBool, displayValue, encodeBool, encodeList, listItems, toggleItem } from "../logic/values.js"
import { DiagnosticList, hasError } from "./DiagnosticList.js"
import { Icon } from "./Icon.js"

/**
 * @since 0.1.0
 */
export interface ParameterFieldProps {
  readonly parameter: Parameter
  /** Position in the form; makes element ids unique whatever the parameter names are. */
  readonly index: number
  readonly edits: Edits
  readonly onChange: (name: string, value: string) => void
  /**
   * The user has edited or left this field: a "required" error is shown only then (a fresh form
   * does not open covered in red). Other diagnostics always show. Default `true`.
   */
  readonly touched?: boolean | undefined
  /** Called when focus leaves the field. */
  readonly onTouch?: ((name: string) => void) | undefined
}

interface ControlProps {
  readonly control: Control
  readonly id: string
  readonly labelId: string
  readonly label: string
  readonly value: string
  readonly disabled: boolean
  readonly required: boolean
  readonly invalid: boolean
  readonly describedBy: string | undefined
  readonly onChange: (value: string) => void
}

const idOf = (name: string, index: number) => `param-${index}-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`

/**
 * @since 0.1.0
 */
export const ParameterField = (
  { edits, index, onChange, onTouch, parameter: rendered, touched = true }: ParameterFieldProps
) => {
  const parameter = { ...rendered, diagnostics: visibleDiagnostics(rendered.diagnostics, touched) }
  const control = controlFor(parameter)
  const leave = onTouch === undefined ? undefined : () => onTouch(parameter.name)
  const id = idOf(parameter.name, index)
  const labelId = `${id}-label`
  const descriptionId = `${id}-description`
  const diagnosticsId = `${id}-diagnostics`
  const hintId = `${id}-hint`
  const hint = validationHint(parameter)
  const label = parameter.display_name === "" ? parameter.name : parameter.display_name
  const invalid = hasError(parameter.diagnostics)
  const describedBy = [
    parameter.description === "" ? undefined : descriptionId,
    hint === undefined ? undefined : hintId,
    parameter.diagnostics.length === 0 ? undefined : diagnosticsId
  ].filter((x) => x !== undefined).join(" ") || undefined
  const group = isGroup(control)

  const labelContent = (
    <>
      <Icon icon={parameter.icon} />
      <span class="field-label-text">{label}</span>
      {parameter.required && (
        <span class="required-mark" title="Required">
          <span aria-hidden="true">*</span>
          <span class="visually-hidden">(required)</span>
        </span>
      )}
    </>
  )
  const badges = (
    <span class="field-badges">
      {!parameter.mutable && <span class="badge badge-muted" title="Cannot be changed after creation">immutable</span>}
      {parameter.ephemeral && <span class="badge badge-muted" title="Used for one build only">ephemeral</span>}
      {parameter.display_name !== "" && parameter.display_name !== parameter.name && (
        <code class="field-name" title="Parameter name">{parameter.name}</code>
      )}
    </span>
  )
  const props: ControlProps = {
    control,
    id,
    labelId,
    label,
    value: displayValue(parameter, edits),
    disabled: parameter.styling.disabled === true,
    required: parameter.required,
    invalid,
    describedBy,
    onChange: (value) => onChange(parameter.name, value)
  }
  const body = (
    <div class="field-body">
      {parameter.description !== "" && <p class="field-description" id={descriptionId}>{parameter.description}</p>}
      <ControlView {...props} />
      {hint !== undefined && <p class="hint" id={hintId}>{hint}</p>}
      <DiagnosticList id={diagnosticsId} diagnostics={parameter.diagnostics} class="field-diagnostics" />
    </div>
  )
  const fieldClass = `field${invalid ? " field-invalid" : ""}`
  return group
    ? (
      <fieldset
        class={fieldClass}
        onFocusOut={leave}
        data-param={parameter.name}
        data-control={control.kind}
        aria-describedby={describedBy}
        disabled={props.disabled}
      >
        <legend class="field-label" id={labelId}>{labelContent}</legend>
        {badges}
        {body}
      </fieldset>
    )
    : (
      <div class={fieldClass} data-param={parameter.name} data-control={control.kind} onFocusOut={leave}>
        <div class="field-head">
          <label class="field-label" for={id} id={labelId}>{labelContent}</label>
          {badges}
        </div>
        {body}
      </div>
    )
}

/** The attributes a text input and a textarea share: id, value, placeholder, disabled and ARIA state. */
const textFieldAttributes = (props: ControlProps, placeholder: string) => ({
  id: props.id,
  value: props.value,
  placeholder: placeholder || undefined,
  disabled: props.disabled,
  "aria-required": props.required ? "true" as const : undefined,
  "aria-invalid": props.invalid ? "true" as const : undefined,
  "aria-describedby": props.describedBy
})

const ControlView = (props: ControlProps) => {
  const { control } = props
  switch (control.kind) {
    case "radio":
      return <RadioGroup {...props} choices={control.choices} />
    case "multi-select":
      return <CheckboxGroup {...props} choices={control.choices} />
    case "dropdown":
      return <Dropdown {...props} choices={control.choices} />
    case "input":
      return (
        <input
          class="input"
          {...textFieldAttributes(props, control.placeholder)}
          type={control.inputType}
          autocomplete={control.inputType === "password" ? "off" : undefined}
          spellcheck={false}
          onInput={(e) => props.onChange(e.currentTarget.value)}
        />
      )
    case "textarea":
      return (
        <textarea
          class={`input textarea${control.masked ? " masked" : ""}`}
          {...textFieldAttributes(props, control.placeholder)}
          rows={4}
          spellcheck={!control.masked}
          onInput={(e) => props.onChange(e.currentTarget.value)}
        />
      )
    case "slider":
      return <Slider {...props} min={control.min} max={control.max} step={control.step} />
    case "checkbox":
      return <Checkbox {...props} inlineLabel={control.inlineLabel} />
    case "switch":
      return <Switch {...props} inlineLabel={control.inlineLabel} />
    case "tag-select":
      return <TagSelect {...props} placeholder={control.placeholder} />
    case "error":
      return (
        <p class="control-error" id={props.id}>
          This parameter cannot be shown as a control; see the errors below.
        </p>
      )
  }
}

const ChoiceText = ({ choice }: { readonly choice: Choice }) => (
  <span class="choice-text">
    <span class="choice-label">
      <Icon icon={choice.icon} size={18} />
      {choice.label}
      {!choice.selectable && <span class="badge badge-warning">unresolved</span>}
    </span>
    {choice.description !== "" && <span class="choice-description">{choice.description}</span>}
  </span>
)

const RadioGroup = (props: ControlProps & { readonly choices: ReadonlyArray<Choice> }) => (
  <div class="choices">
    {props.choices.map((choice, i) => (
      <label class={`choice${choice.value === props.value && choice.selectable ? " choice-selected" : ""}`} key={i}>
        <input
          type="radio"
          name={props.id}
          id={i === 0 ? props.id : `${props.id}-${i}`}
          value={choice.value}
          checked={choice.selectable && choice.value === props.value}
          disabled={props.disabled || !choice.selectable}
          aria-invalid={props.invalid ? "true" : undefined}
          onChange={() =>
            props.onChange(choice.value)}
        />
        <ChoiceText choice={choice} />
      </label>
    ))}
  </div>
)

const CheckboxGroup = (props: ControlProps & { readonly choices: ReadonlyArray<Choice> }) => {
  const selected = listItems(props.value)
  const order = props.choices.map((c) => c.value)
  return (
    <div class="choices">
      {props.choices.map((choice, i) => (
        <label class={`choice${selected.includes(choice.value) ? " choice-selected" : ""}`} key={i}>
          <input
            type="checkbox"
            id={i === 0 ? props.id : `${props.id}-${i}`}
            value={choice.value}
            checked={selected.includes(choice.value)}
            disabled={props.disabled || !choice.selectable}
            aria-invalid={props.invalid ? "true" : undefined}
            onChange={(e) =>
              props.onChange(encodeList(toggleItem(selected, choice.value, e.currentTarget.checked, order)))}
            onKeyDown={enterToggles}
          />
          <ChoiceText choice={choice} />
        </label>
      ))}
    </div>
  )
}

const Dropdown = (props: ControlProps & { readonly choices: ReadonlyArray<Choice> }) => {
  const matches = props.choices.some((c) => c.selectable && c.value === props.value)
  return (
    <select
      class="input select"
      id={props.id}
      value={matches ? props.value : "\u0000placeholder"}
      disabled={props.disabled}
      aria-required={props.required ? "true" : undefined}
      aria-invalid={props.invalid ? "true" : undefined}
      aria-describedby={props.describedBy}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    >
      {!matches && (
        <option value={"\u0000placeholder"} disabled>
          {props.value === "" ? "Choose…" : `${props.value} (not an option)`}
        </option>
      )}
      {props.choices.map((choice, i) => (
        <option key={i} value={choice.value} disabled={!choice.selectable}>
          {choice.label}
        </option>
      ))}
    </select>
  )
}

const Slider = (props: ControlProps & { readonly min: number; readonly max: number; readonly step: number }) => {
  const number = Number(props.value)
  const known = props.value.trim() !== "" && Number.isFinite(number)
  const position = known ? Math.min(props.max, Math.max(props.min, number)) : props.min
  return (
    <div class="slider">
      <input
        class="slider-range"
        type="range"
        id={props.id}
        min={props.min}
        max={props.max}
        step={props.step}
        value={position}
        disabled={props.disabled}
        aria-invalid={props.invalid ? "true" : undefined}
        aria-describedby={props.describedBy}
        aria-valuetext={known ? props.value : "not set"}
        onInput={(e) => props.onChange(e.currentTarget.value)}
      />
      <input
        class="input slider-number"
        type="number"
        id={`${props.id}-number`}
        step={props.step}
        value={props.value}
        disabled={props.disabled}
        aria-labelledby={props.labelId}
        aria-invalid={props.invalid ? "true" : undefined}
        aria-describedby={props.describedBy}
        onInput={(e) => props.onChange(e.currentTarget.value)}
      />
      <span class="slider-bounds" aria-hidden="true">
        {props.min} – {props.max}
      </span>
    </div>
  )
}

const enterToggles = (e: KeyboardEvent) => {
  if (e.key === "Enter") {
    e.preventDefault()
    ;(e.currentTarget as HTMLInputElement).click()
  }
}

const Checkbox = (props: ControlProps & { readonly inlineLabel: string }) => {
  const checked = decodeBool(props.value)
  return (
    <div class="check-row">
      <input
        type="checkbox"
        class="checkbox"
        id={props.id}
        checked={checked}
        disabled={props.disabled}
        aria-invalid={props.invalid ? "true" : undefined}
        aria-describedby={props.describedBy}
        onChange={(e) => props.onChange(encodeBool(e.currentTarget.checked))}
        onKeyDown={enterToggles}
      />
      <span class="check-text" aria-hidden="true">{props.inlineLabel || (checked ? "Yes" : "No")}</span>
    </div>
  )
}

const Switch = (props: ControlProps & { readonly inlineLabel: string }) => {
  const on = decodeBool(props.value)
  return (
    <div class="check-row">
      <button
        type="button"
        role="switch"
        class="switch"
        id={props.id}
        aria-checked={on ? "true" : "false"}
        aria-labelledby={props.labelId}
        aria-invalid={props.invalid ? "true" : undefined}
        aria-describedby={props.describedBy}
        disabled={props.disabled}
        onClick={() => props.onChange(encodeBool(!on))}
      >
        <span class="switch-thumb" />
      </button>
      <span class="check-text" aria-hidden="true">{props.inlineLabel || (on ? "On" : "Off")}</span>
    </div>
  )
}

const TagSelect = (props: ControlProps & { readonly placeholder: string }) => {
  const [draft, setDraft] = useState("")
  const items = listItems(props.value)
  const commit = () => {
    const next = addTag(items, draft)
    setDraft("")
    if (next !== items) props.onChange(encodeList(next))
  }
  return (
    <div class={`tag-select${props.disabled ? " tag-select-disabled" : ""}`}>
      {items.length > 0 && (
        <ul class="tags" aria-label={`${props.label}: chosen values`}>
          {items.map((item) => (
            <li class="tag" key={item}>
              <span>{item}</span>
              <button
                type="button"
                class="tag-remove"
                aria-label={`Remove ${item}`}
                disabled={props.disabled}
                onClick={() => props.onChange(encodeList(items.filter((x) => x !== item)))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <input
        class="input tag-input"
        id={props.id}
        type="text"
        value={draft}
        placeholder={props.placeholder || "Type a value and press Enter"}
        disabled={props.disabled}
        aria-invalid={props.invalid ? "true" : undefined}
        aria-describedby={props.describedBy}
        onInput={(e) => setDraft(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" || e.key === ",") {
            e.preventDefault()
            commit()
          } else if (e.key === "Backspace" && draft === "" && items.length > 0) {
            props.onChange(encodeList(items.slice(0, -1)))
          }
        }}
        onBlur={() => {
          if (draft.trim() !== "") commit()
        }}
      />
    </div>
  )
}
