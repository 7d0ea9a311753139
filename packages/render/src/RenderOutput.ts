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
 */
export const DiagnosticExtra = Schema.Struct({ code: Schema.String })

/**
 * A position in a file: 1-based line and column.
 *
 * @since 0.1.0
 */
export const DiagnosticPos = Schema.Struct({ line: Schema.Number, column: Schema.Number })

/**
 * Where a diagnostic's problem is: the file (relative to the template's root) and the half-open
 * range `[start, end)`. Present when known (parse errors carry one).
 *
 * @since 0.1.0
 */
export const DiagnosticRange = Schema.Struct({ file: Schema.String, start: DiagnosticPos, end: DiagnosticPos })

/**
 * @since 0.1.0
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
 */
export const location = (d: Diagnostic): string | undefined =>
  d.range === undefined ? undefined : `${d.range.file}:${d.range.start.line}:${d.range.start.column}`

/**
 * @since 0.1.0
 */
export type Diagnostic = typeof Diagnostic.Type

/**
 * A value as text with its validity (RENDER.md §3.2). Consumers must check `valid`.
 *
 * @since 0.1.0
 */
export const HclString = Schema.Struct({ value: Schema.String, valid: Schema.Boolean })

/**
 * @since 0.1.0
 */
export type HclString = typeof HclString.Type

/**
 * @since 0.1.0
 */
export const ParameterOption = Schema.Struct({
  name: Schema.String,
  description: Schema.String,
  value: HclString,
  icon: Schema.String
})

/**
 * @since 0.1.0
 */
export type ParameterOption = typeof ParameterOption.Type

/**
 * @since 0.1.0
 */
export const ParameterValidation = Schema.Struct({
  validation_error: Schema.String,
  validation_regex: Schema.NullOr(Schema.String),
  validation_min: Schema.NullOr(Schema.Number),
  validation_max: Schema.NullOr(Schema.Number),
  validation_monotonic: Schema.NullOr(Schema.String)
})

/**
 * @since 0.1.0
 */
export type ParameterValidation = typeof ParameterValidation.Type

/**
 * Present keys only.
 *
 * @since 0.1.0
 */
export const ParameterStyling = Schema.Struct({
  placeholder: Schema.optional(Schema.String),
  disabled: Schema.optional(Schema.Boolean),
  label: Schema.optional(Schema.String),
  mask_input: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 */
export type ParameterStyling = typeof ParameterStyling.Type

/**
 * @since 0.1.0
 */
export const ParameterType = Schema.Literal("string", "number", "bool", "list(string)")

/**
 * @since 0.1.0
 */
export type ParameterType = typeof ParameterType.Type

/**
 * @since 0.1.0
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
 * @since 0.1.0
 */
export type FormType = typeof FormType.Type

/**
 * @since 0.1.0
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
 * @since 0.1.0
 */
export type Parameter = typeof Parameter.Type

/**
 * @since 0.1.0
 */
export const Prebuilds = Schema.Struct({ instances: Schema.Number })

/**
 * @since 0.1.0
 */
export const Preset = Schema.Struct({
  name: Schema.String,
  parameters: Schema.Record({ key: Schema.String, value: Schema.String }),
  default: Schema.Boolean,
  prebuilds: Schema.NullOr(Prebuilds),
  diagnostics: Schema.Array(Diagnostic)
})

/**
 * @since 0.1.0
 */
export type Preset = typeof Preset.Type

/**
 * A root-module variable.
 *
 * @since 0.1.0
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
 * @since 0.1.0
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
 */
export const SecretRequirement = Schema.Struct({
  env: Schema.String,
  file: Schema.String,
  help_message: Schema.String,
  satisfied: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 */
export type SecretRequirement = typeof SecretRequirement.Type

/**
 * @since 0.1.0
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
 * @since 0.1.0
 */
export type RenderOutput = typeof RenderOutput.Type

/**
 * An output that stopped early (RENDER.md §6): empty collections and only diagnostics.
 *
 * @since 0.1.0
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
 */
export const hasErrors = (output: RenderOutput): boolean => output.diagnostics.some((d) => d.severity === "error")

/**
 * The wire JSON of an output.
 *
 * @since 0.1.0
 */
export const toJson = (output: RenderOutput): unknown => Schema.encodeSync(RenderOutput)(output)
