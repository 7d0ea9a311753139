/**
 * The output of a render, as `Schema`s whose JSON encoding is exactly the wire format of
 * RENDER.md §3 (a Coder-style front end consumes `parameters` as they are). This module imports
 * `effect` only: the API's schemas (`@warmpool/client`) and the web console bundle it.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * `{ "code": "" }`: a machine-readable code, `""` when none.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DiagnosticExtra = Schema.Struct({ code: Schema.String })

/**
 * A position in a file: 1-based line and column.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DiagnosticPos = Schema.Struct({ line: Schema.Number, column: Schema.Number })

/**
 * Where a diagnostic's problem is: the file (relative to the template's root) and the half-open
 * range `[start, end)`. Present when known (parse errors carry one).
 *
 * @since 0.1.0
 * @category schemas
 */
export const DiagnosticRange = Schema.Struct({ file: Schema.String, start: DiagnosticPos, end: DiagnosticPos })

/**
 * A diagnostic of a render (coder/preview's wire format): severity, summary, detail, `extra.code`
 * and an optional source range.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Diagnostic = Schema.Struct({
  severity: Schema.Literal("error", "warning"),
  summary: Schema.String,
  detail: Schema.String,
  extra: DiagnosticExtra,
  range: Schema.optional(DiagnosticRange)
})

/**
 * `file:line:column` of a diagnostic's range, or `undefined` when it has none.
 *
 * @since 0.1.0
 * @category utils
 */
export const location = (d: Diagnostic): string | undefined =>
  d.range === undefined ? undefined : `${d.range.file}:${d.range.start.line}:${d.range.start.column}`

/**
 * The decoded type of the `Diagnostic` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type Diagnostic = typeof Diagnostic.Type

/**
 * A value as text with its validity (RENDER.md §3.2). Consumers must check `valid`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const HclString = Schema.Struct({ value: Schema.String, valid: Schema.Boolean })

/**
 * The decoded type of the `HclString` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type HclString = typeof HclString.Type

/**
 * One option of a parameter.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParameterOption = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  value: HclString,
  icon: Schema.String
})

/**
 * The decoded type of the `ParameterOption` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type ParameterOption = typeof ParameterOption.Type

/**
 * One `validation` block of a parameter (error message, regex, min, max, monotonic).
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParameterValidation = Schema.Struct({
  validation_error: Schema.String,
  validation_regex: Schema.NullOr(Schema.String),
  validation_min: Schema.NullOr(Schema.Number),
  validation_max: Schema.NullOr(Schema.Number),
  validation_monotonic: Schema.NullOr(Schema.String)
})

/**
 * The decoded type of the `ParameterValidation` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type ParameterValidation = typeof ParameterValidation.Type

/**
 * Present keys only.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParameterStyling = Schema.Struct({
  placeholder: Schema.optional(Schema.String),
  disabled: Schema.optional(Schema.Boolean),
  label: Schema.optional(Schema.String),
  mask_input: Schema.optional(Schema.Boolean)
})

/**
 * The decoded type of the `ParameterStyling` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type ParameterStyling = typeof ParameterStyling.Type

/**
 * The type of a parameter's value.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ParameterType = Schema.Literal("string", "number", "bool", "list(string)")

/**
 * The decoded type of the `ParameterType` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type ParameterType = typeof ParameterType.Type

/**
 * The form control a parameter is shown with.
 *
 * @since 0.1.0
 * @category schemas
 */
export const FormType = Schema.Literal(
  "radio",
  "slider",
  "input",
  "dropdown",
  "checkbox",
  "switch",
  "multi-select",
  "tag-select",
  "textarea",
  "error"
)

/**
 * The decoded type of the `FormType` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type FormType = typeof FormType.Type

/**
 * A rendered `coder_parameter`: its attributes, resolved value, options, validations and
 * diagnostics.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Parameter = Schema.Struct({
  name: Schema.String,
  display_name: Schema.String,
  description: Schema.String,
  type: ParameterType,
  form_type: FormType,
  styling: ParameterStyling,
  mutable: Schema.Boolean,
  default_value: HclString,
  icon: Schema.String,
  options: Schema.Array(ParameterOption),
  validations: Schema.Array(ParameterValidation),
  required: Schema.Boolean,
  order: Schema.Number,
  ephemeral: Schema.Boolean,
  value: HclString,
  diagnostics: Schema.Array(Diagnostic)
})

/**
 * The decoded type of the `Parameter` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type Parameter = typeof Parameter.Type

/**
 * A preset's `prebuilds` block: how many prebuilt workspaces to keep.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Prebuilds = Schema.Struct({ instances: Schema.Number })

/**
 * A rendered `coder_workspace_preset`: name, parameter values, default flag, prebuilds and
 * diagnostics.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Preset = Schema.Struct({
  name: Schema.String,
  parameters: Schema.Record({ key: Schema.String, value: Schema.String }),
  default: Schema.Boolean,
  prebuilds: Schema.NullOr(Prebuilds),
  diagnostics: Schema.Array(Diagnostic)
})

/**
 * The decoded type of the `Preset` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type Preset = typeof Preset.Type

/**
 * A root-module variable.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Variable = Schema.Struct({
  name: Schema.String,
  type: Schema.String,
  description: Schema.String,
  nullable: Schema.Boolean,
  sensitive: Schema.Boolean,
  default: Schema.Unknown,
  diagnostics: Schema.Array(Diagnostic)
})

/**
 * The decoded type of the `Variable` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type Variable = typeof Variable.Type

/**
 * A user secret the template requires (`data "coder_secret"`): exactly one of `env` (an
 * environment variable name) or `file` (a file path) is set, the other is `""`.
 * `satisfied` is never part of a render (renders are shared between owners through the render
 * cache); it is added per owner by `SecretRequirements.withStatus` when the caller knows the
 * owner's secrets.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SecretRequirement = Schema.Struct({
  env: Schema.String,
  file: Schema.String,
  help_message: Schema.String,
  satisfied: Schema.optional(Schema.Boolean)
})

/**
 * The decoded type of the `SecretRequirement` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type SecretRequirement = typeof SecretRequirement.Type

/**
 * The output of a render (coder/preview's wire format): parameters, presets, workspace tags,
 * variables, secret requirements and diagnostics.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RenderOutput = Schema.Struct({
  parameters: Schema.Array(Parameter),
  presets: Schema.Array(Preset),
  tags: Schema.Record({ key: Schema.String, value: Schema.String }),
  unusable_tags: Schema.Array(Schema.String),
  variables: Schema.Array(Variable),
  /** In source order; see `SecretRequirement`. */
  secret_requirements: Schema.Array(SecretRequirement),
  diagnostics: Schema.Array(Diagnostic)
})

/**
 * The decoded type of the `RenderOutput` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type RenderOutput = typeof RenderOutput.Type

/**
 * An output that stopped early (RENDER.md §6): empty collections and only diagnostics.
 *
 * @since 0.1.0
 * @category utils
 */
export const failed = (diagnostics: ReadonlyArray<Diagnostic>): RenderOutput => ({
  parameters: [],
  presets: [],
  tags: {},
  unusable_tags: [],
  variables: [],
  secret_requirements: [],
  diagnostics
})

/**
 * Whether the output has a top-level error (the render failed: no build may use it, no cache
 * may store it).
 *
 * @since 0.1.0
 * @category utils
 */
export const hasErrors = (output: RenderOutput): boolean => output.diagnostics.some((d) => d.severity === "error")

/**
 * The wire JSON of an output.
 *
 * @since 0.1.0
 * @category utils
 */
export const toJson = (output: RenderOutput): unknown => Schema.encodeSync(RenderOutput)(output)
