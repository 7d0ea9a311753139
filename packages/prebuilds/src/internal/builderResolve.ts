/**
 * The pure steps of `resolveParameters` (`docs/prebuilds.md` §6): merging values by precedence,
 * dropping previous ephemeral values, the per-parameter checks on the final render, and tags.
 *
 * @internal
 */
import type { RenderOutput } from "@warmpool/render"
import type { DiagnosticLike } from "../ParameterValidationError.js"

/**
 * Where a resolved value came from (precedence `preset > build > previous > default`).
 *
 * @internal
 */
export type ParameterSource = "default" | "previous" | "build" | "preset"

/**
 * Values keyed by parameter name, each with its source.
 *
 * @internal
 */
export interface Merged {
  readonly values: Record<string, string>
  readonly sources: Record<string, ParameterSource>
}

/**
 * The inputs of one resolution.
 *
 * @internal
 */
export interface MergeInputs {
  readonly presetValues: Readonly<Record<string, string>>
  readonly buildValues: Readonly<Record<string, string>>
  readonly previousValues: Readonly<Record<string, string>>
}

/**
 * Merge in precedence order, lowest first: previous (minus `droppedPrevious`), build, preset.
 *
 * @internal
 */
export const merge = (inputs: MergeInputs, droppedPrevious: ReadonlySet<string>): Merged => {
  const values: Record<string, string> = {}
  const sources: Record<string, ParameterSource> = {}
  const put = (from: Readonly<Record<string, string>>, source: ParameterSource, skip?: ReadonlySet<string>) => {
    for (const name of Object.keys(from)) {
      if (skip?.has(name) === true) continue
      values[name] = from[name]!
      sources[name] = source
    }
  }
  put(inputs.previousValues, "previous", droppedPrevious)
  put(inputs.buildValues, "build")
  put(inputs.presetValues, "preset")
  return { values, sources }
}

/**
 * The names of the ephemeral parameters of a render whose value would come from the previous
 * build only (no build or preset value): those values are dropped (ephemeral parameters must be
 * supplied again on every build).
 *
 * @internal
 */
export const previousEphemerals = (output: RenderOutput.RenderOutput, inputs: MergeInputs): ReadonlySet<string> => {
  const dropped = new Set<string>()
  for (const parameter of output.parameters) {
    if (!parameter.ephemeral) continue
    const name = parameter.name
    if (name in inputs.previousValues && !(name in inputs.buildValues) && !(name in inputs.presetValues)) {
      dropped.add(name)
    }
  }
  return dropped
}

const error = (summary: string, detail: string): DiagnosticLike => ({ severity: "error", summary, detail })

const monotonicOf = (parameter: RenderOutput.Parameter): "increasing" | "decreasing" | undefined => {
  for (const validation of parameter.validations) {
    const monotonic = validation.validation_monotonic
    if (monotonic === "increasing" || monotonic === "decreasing") return monotonic
  }
  return undefined
}

const numberOf = (text: string): number | undefined => {
  if (text.trim() === "") return undefined
  const n = Number(text)
  return Number.isFinite(n) ? n : undefined
}

/**
 * The module-not-loaded warning code of the renderer: with it, the render may miss parameters,
 * so values are never dropped for matching no parameter.
 *
 * @internal
 */
export const moduleNotLoadedCode = "module_not_loaded"

/**
 * Options of {@link checkParameters}.
 *
 * @internal
 */
export interface CheckOptions {
  /** The workspace's first build: no immutability or monotonicity checks. */
  readonly firstBuild: boolean
  /** Values matching no parameter are dropped on `start` builds only. */
  readonly transition: "start" | "stop" | "delete"
  readonly previousValues: Readonly<Record<string, string>>
}

/**
 * The result of the per-parameter checks: the final values with their sources, and the error
 * diagnostics per parameter name.
 *
 * @internal
 */
export interface Checked extends Merged {
  readonly keyed: ReadonlyMap<string, ReadonlyArray<DiagnosticLike>>
}

/**
 * §6 steps 4 and 5 on the final render: immutability, monotonicity, the parameters' own errors,
 * persisted defaults, and dropping values that match no parameter.
 *
 * @internal
 */
export const checkParameters = (
  output: RenderOutput.RenderOutput,
  merged: Merged,
  options: CheckOptions
): Checked => {
  const values: Record<string, string> = { ...merged.values }
  const sources: Record<string, ParameterSource> = { ...merged.sources }
  const keyed = new Map<string, Array<DiagnosticLike>>()
  const record = (name: string, diagnostic: DiagnosticLike) => {
    const list = keyed.get(name)
    if (list === undefined) keyed.set(name, [diagnostic])
    else list.push(diagnostic)
  }
  const declared = new Set<string>()
  for (const parameter of output.parameters) {
    const name = parameter.name
    declared.add(name)
    const previous = options.previousValues[name]
    const given = values[name]
    const value = given ?? (parameter.value.valid ? parameter.value.value : undefined)
    if (!options.firstBuild && previous !== undefined && value !== undefined && !parameter.ephemeral) {
      if (!parameter.mutable && value !== previous) {
        record(
          name,
          error(
            "Immutable parameter changed",
            `Parameter "${name}" cannot change after creation (it was "${previous}", the build asks for "${value}").`
          )
        )
      }
      const monotonic = monotonicOf(parameter)
      if (monotonic !== undefined && parameter.value.valid) {
        const before = numberOf(previous)
        const after = numberOf(value)
        if (before !== undefined && after !== undefined) {
          if (monotonic === "increasing" && after < before) {
            record(
              name,
              error(
                "Invalid parameter value according to 'validation' block",
                `Parameter "${name}" may only increase: ${after} is lower than the previous value ${before}.`
              )
            )
          } else if (monotonic === "decreasing" && after > before) {
            record(
              name,
              error(
                "Invalid parameter value according to 'validation' block",
                `Parameter "${name}" may only decrease: ${after} is higher than the previous value ${before}.`
              )
            )
          }
        }
      }
    }
    for (const diagnostic of parameter.diagnostics) {
      if (diagnostic.severity === "error") record(name, diagnostic)
    }
    if (given === undefined && parameter.value.valid) {
      // No source gave a value: persist the rendered default, so that a later change of the
      // template's default never changes this workspace.
      values[name] = parameter.value.value
      sources[name] = "default"
    }
  }
  const incomplete = output.diagnostics.some((d) => d.extra.code === moduleNotLoadedCode)
  if (options.transition === "start" && !incomplete) {
    for (const name of Object.keys(values)) {
      if (!declared.has(name)) {
        delete values[name]
        delete sources[name]
      }
    }
  }
  return { values, sources, keyed }
}

/**
 * Tags of the final render (§6 step 6): the usable tags, and an error per tag whose key or value
 * is unknown or not a non-null string.
 *
 * @internal
 */
export const checkTags = (output: RenderOutput.RenderOutput): {
  readonly tags: Readonly<Record<string, string>>
  readonly keyed: ReadonlyMap<string, ReadonlyArray<DiagnosticLike>>
} => {
  const keyed = new Map<string, ReadonlyArray<DiagnosticLike>>()
  for (const key of output.unusable_tags) {
    keyed.set(key, [
      error(
        "Unusable workspace tag",
        `The value of tag "${key}" is unknown or not a string; tags must resolve to known strings (is a variable or parameter unset?).`
      )
    ])
  }
  return { tags: output.tags, keyed }
}

/**
 * The summary of the renderer's own crash diagnostic: such a failure is not a parameter
 * validation failure.
 *
 * @internal
 */
export const renderCrashSummary = "Internal error while rendering template"
