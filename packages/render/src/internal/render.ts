/**
 * One render: evaluate a compiled template for an owner and parameter values, then extract
 * parameters, presets, tags and variables (docs/render.md §3–§6). Never throws.
 *
 * @internal
 */
import type { CompiledTemplate, Diagnostic as TfDiagnostic, Owner } from "@warmpool/terraform"
import { Budgets, Plan, TemplateEvaluation } from "@warmpool/terraform"
import * as RenderOutput from "../RenderOutput.js"
import { extractParameter } from "./parameter.js"
import { sortParameters } from "./parameterOrder.js"
import { applyDefaultRule, type ExtractedPreset, extractPresetShared, type PrebuildSettings } from "./preset.js"
import * as RegexMemo from "./regexMemo.js"
import { extractSecrets } from "./secret.js"
import { emptyList, emptyRecord, orEmpty, share } from "./sharedParts.js"
import { extractTags } from "./tags.js"
import { compareBytes, defectMessage, diagnostic, wire } from "./text.js"
import { extractVariables } from "./variables.js"

/** What a render needs besides the compiled template. */
export interface RenderInputs {
  readonly owner: Owner.WorkspaceOwner
  /** Parameter values keyed by the parameter's `name`; always strings. */
  readonly values: Readonly<Record<string, string>>
  /** Root variable values (JSON); they override tfvars files. */
  readonly tfvars?: Readonly<Record<string, unknown>> | undefined
  /** A plan (`terraform show -json` output); `""`, absent and `{}` mean no plan. */
  readonly plan?: string | undefined
  /** A plan file inside the template, read when `plan` means no plan. */
  readonly planPath?: string | undefined
  /**
   * The instant `timestamp()` returns (Unix milliseconds), read from Effect's `Clock` once per
   * render by the effectful callers (`timedRender`, `renderFiles`); absent, `timestamp()` is an
   * unknown string.
   */
  readonly now?: number | undefined
}

/** A render's output and what else the callers need to know about it. */
export interface Rendered {
  readonly output: RenderOutput.RenderOutput
  /** Per preset, in output order: settings the wire format does not carry. */
  readonly presetSettings: ReadonlyArray<PrebuildSettings>
  /** An impure function (`timestamp`, `uuid`, `bcrypt`) was called: never cache this output. */
  readonly impure: boolean
}

/**
 * How to render: `full` evaluates every block, local and output, not only what the output needs
 * (the result is the same; used to check selective evaluation); `presets: false` leaves the
 * presets out, unevaluated (a preset's re-render with its own values needs the parameters only,
 * and evaluating every preset in each of them made validating N presets cost N² preset
 * evaluations).
 */
export interface RenderOptions {
  readonly full: boolean
  readonly presets?: boolean | undefined
}

/**
 * Frozen diagnostics (a compiled template's own, and an evaluation's warnings about modules not
 * loaded and counts not expanded) are the same objects in every render of a template: each is
 * converted once, and its wire form shared between renders.
 */
const wiredOnce = new WeakMap<TfDiagnostic.Diagnostic, RenderOutput.Diagnostic>()

const wireShared = (d: TfDiagnostic.Diagnostic): RenderOutput.Diagnostic => {
  if (!Object.isFrozen(d)) return wire(d)
  let wired = wiredOnce.get(d)
  if (wired === undefined) {
    wired = share(wire(d))
    wiredOnce.set(d, wired)
  }
  return wired
}

const stopped = (diagnostics: ReadonlyArray<RenderOutput.Diagnostic>): Rendered => ({
  output: RenderOutput.failed(diagnostics),
  presetSettings: emptyList,
  impure: false
})

const renderUnsafe = (
  template: CompiledTemplate.CompiledTemplate,
  inputs: RenderInputs,
  options: RenderOptions
): Rendered => {
  if (template.fatal) return stopped([wire(template.fatal)])
  const plan = Plan.fromInput(template.files, { planJson: inputs.plan, planJsonPath: inputs.planPath })
  if (plan._tag === "Left") return stopped([wire(plan.left)])
  const evaluation = TemplateEvaluation.evaluate(template, {
    owner: inputs.owner,
    parameterValues: inputs.values,
    tfvars: inputs.tfvars,
    plan: plan.right,
    now: inputs.now
  })
  if (options.full) evaluation.forceAll()
  const instances = evaluation.instances()

  const regexes = RegexMemo.forTemplate(template)
  // looked up by every parameter: a plain object's lookup of a thousand different names goes
  // through V8's megamorphic cache, which a thousand names overflow
  const values = new Map(Object.entries(inputs.values))
  const parameterErrors: Array<RenderOutput.Diagnostic> = []
  const unsorted: Array<RenderOutput.Parameter> = []
  // Per parameter name, the block name of its first parameter; the addresses of every parameter
  // of a name only for names declared more than once (rare: no list per parameter).
  const firstBlock = new Map<string, string>()
  const repeated = new Map<string, Array<string>>()
  for (const instance of instances) {
    const blocks = instance.blocks("data", "coder_parameter")
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i]!
      const extracted = extractParameter(block, regexes, values)
      if (extracted._tag === "Dropped") {
        parameterErrors.push(...extracted.diagnostics)
        continue
      }
      unsorted.push(extracted.parameter)
      const name = extracted.parameter.name
      const first = firstBlock.get(name)
      if (first === undefined) {
        firstBlock.set(name, block.block.name)
      } else {
        const list = repeated.get(name) ?? [`data.coder_parameter.${first}`]
        list.push(`data.coder_parameter.${block.block.name}`)
        repeated.set(name, list)
      }
    }
  }
  const duplicates = [...repeated].sort(([a], [b]) => compareBytes(a, b))
  for (const [name, list] of duplicates) {
    parameterErrors.push(
      diagnostic(
        "error",
        `Found ${list.length} duplicate parameters with name "${name}", this is not allowed`,
        list.map((address) => `block "${address}"`).join("\n")
      )
    )
  }
  const parameters = sortParameters(template, unsorted)

  const extractedPresets: Array<ExtractedPreset> = []
  for (const instance of options.presets === false ? [] : instances) {
    for (const block of instance.blocks("data", "coder_workspace_preset")) {
      extractedPresets.push(extractPresetShared(block))
    }
  }
  const presets = applyDefaultRule(extractedPresets)

  const tagInstances = instances.flatMap((instance) => instance.blocks("data", "coder_workspace_tags"))
  const tags = extractTags(tagInstances)
  const variables = extractVariables(evaluation)
  const secrets = extractSecrets(instances)

  // a budget exceeded while extracting (and caught by an evaluation) still stops the render
  if (evaluation.meter.exceeded !== undefined) return stopped([wire(evaluation.meter.exceeded.diagnostic)])
  const diagnostics = [
    ...evaluation.diagnostics().map(wireShared),
    ...template.diagnostics.map(wireShared),
    ...parameterErrors,
    ...tags.diagnostics,
    ...secrets.diagnostics
  ]
  const tagEntries = Object.entries(tags.tags)
  return {
    output: {
      parameters: orEmpty(parameters),
      presets: orEmpty(presets.map((p) => p.preset)),
      tags: tagEntries.length === 0
        ? emptyRecord
        : Object.fromEntries(tagEntries.sort(([a], [b]) => compareBytes(a, b))),
      unusable_tags: orEmpty(tags.unusable),
      variables,
      secret_requirements: orEmpty(secrets.requirements),
      diagnostics: orEmpty(diagnostics)
    },
    presetSettings: orEmpty(presets.map((p) => p.settings)),
    impure: evaluation.impure()
  }
}

/** Render a compiled template (see {@link RenderOptions}). */
export const renderTemplate = (
  template: CompiledTemplate.CompiledTemplate,
  inputs: RenderInputs,
  options: RenderOptions = { full: false }
): Rendered => {
  try {
    return renderUnsafe(template, inputs, options)
  } catch (defect) {
    // a budget exceeded: the render stops with the one `resource_limit` diagnostic
    if (Budgets.isBudgetExceeded(defect)) return stopped([wire(defect.diagnostic)])
    return stopped([
      diagnostic("error", "Internal error while rendering template", defectMessage(defect))
    ])
  }
}

const withoutPresets: RenderOptions = { full: false, presets: false }

/**
 * docs/render.md §5.2: re-render each preset that has prebuild instances and no error yet with its
 * own parameters, and attach the errors. The re-renders leave the presets out, so validating N
 * presets is linear in N.
 */
export const validatePresets = (
  template: CompiledTemplate.CompiledTemplate,
  inputs: RenderInputs,
  output: RenderOutput.RenderOutput
): RenderOutput.RenderOutput => {
  const presets = output.presets.map((preset) => {
    if (preset.prebuilds === null || preset.prebuilds.instances <= 0) return preset
    if (preset.diagnostics.some((d) => d.severity === "error")) return preset
    const rerendered = renderTemplate(template, { ...inputs, values: preset.parameters }, withoutPresets).output
    const extra: Array<RenderOutput.Diagnostic> = []
    if (RenderOutput.hasErrors(rerendered)) {
      extra.push(...rerendered.diagnostics)
    } else {
      const names = new Set(rerendered.parameters.map((p) => p.name))
      for (const key of Object.keys(preset.parameters).sort(compareBytes)) {
        if (!names.has(key)) {
          extra.push(
            diagnostic("error", "Undefined Parameter", `Preset parameter "${key}" is not defined by the template.`)
          )
        }
      }
      for (const parameter of rerendered.parameters) {
        for (const d of parameter.diagnostics) {
          if (d.severity === "error") extra.push({ ...d, summary: `Parameter ${parameter.name}: ${d.summary}` })
        }
      }
    }
    return extra.length === 0 ? preset : { ...preset, diagnostics: [...preset.diagnostics, ...extra] }
  })
  return { ...output, presets }
}
