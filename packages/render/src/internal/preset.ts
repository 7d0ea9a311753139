/**
 * Extracting `data "coder_workspace_preset"` instances (docs/render.md §5.1), with the prebuild
 * settings warmpool's reconciler needs beyond the wire format (expiration TTL, scheduling).
 *
 * @internal
 */
import type { ExpressionEvaluator, TemplateEvaluation, Value } from "@warmpool/terraform"
import { TfNumber } from "@warmpool/terraform"
import type * as RenderOutput from "../RenderOutput.js"
import { perConstantBlock } from "./constantBlocks.js"
import { orEmpty, share } from "./sharedParts.js"
import { defectMessage, diagnostic, primitiveText, typeName } from "./text.js"

/** A preset's prebuild settings (not part of the wire format). */
export interface PrebuildSettings {
  /** `expiration_policy.ttl` in seconds; `null` when absent (no expiry). */
  readonly ttlSeconds: number | null
  /** `scheduling.timezone`; `""` when there is no scheduling. */
  readonly timezone: string
  readonly schedules: ReadonlyArray<{ readonly cron: string; readonly instances: number }>
}

/** An extracted preset. */
export interface ExtractedPreset {
  readonly preset: RenderOutput.Preset
  readonly settings: PrebuildSettings
}

const known = (result: ExpressionEvaluator.Result | undefined): Value.Value | undefined =>
  result === undefined ? undefined : result.value

const truncatedNumber = (value: Value.Value | undefined): number | undefined => {
  if (value === undefined) return undefined
  if (value._tag === "Number") return TfNumber.toNumber(TfNumber.truncate(value.value))
  if (value._tag === "String") {
    const parsed = TfNumber.parse(value.value)
    return parsed === undefined ? undefined : TfNumber.toNumber(TfNumber.truncate(parsed))
  }
  return undefined
}

const parametersOf = (value: Value.Value | undefined): Record<string, string> => {
  const out: Record<string, string> = {}
  if (value === undefined) return out
  const entries = value._tag === "Object" ? value.attributes : value._tag === "Map" ? value.entries : undefined
  if (entries === undefined) return out
  for (const [key, element] of entries) {
    const text = primitiveText(element)
    if (text !== undefined) out[key] = element._tag === "Number" ? TfNumber.toString(element.value) : text
  }
  return out
}

const defaultOf = (value: Value.Value | undefined): boolean => {
  if (value === undefined) return false
  if (value._tag === "Bool") return value.value
  if (value._tag === "String") return value.value === "true"
  return false
}

const settingsOf = (instance: TemplateEvaluation.BlockInstance): PrebuildSettings => {
  const prebuilds = instance.nested("prebuilds")[0]
  const policy = prebuilds?.nested("expiration_policy")[0]
  const ttl = truncatedNumber(known(policy?.attribute("ttl")))
  const scheduling = prebuilds?.nested("scheduling")[0]
  const timezoneValue = known(scheduling?.attribute("timezone"))
  const schedules = (scheduling?.nested("schedule") ?? []).flatMap((schedule) => {
    const cron = known(schedule.attribute("cron"))
    const instances = truncatedNumber(known(schedule.attribute("instances")))
    return cron?._tag === "String" && instances !== undefined ? [{ cron: cron.value, instances }] : []
  })
  return {
    ttlSeconds: ttl === undefined || ttl <= 0 ? null : ttl,
    timezone: timezoneValue?._tag === "String" ? timezoneValue.value : "",
    schedules: orEmpty(schedules)
  }
}

/** Extract one preset instance (the "Multiple default presets" rule is applied by the caller). */
export const extractPreset = (instance: TemplateEvaluation.BlockInstance): ExtractedPreset => {
  const diagnostics: Array<RenderOutput.Diagnostic> = []
  const label = instance.block.name
  const nameResult = instance.attribute("name")
  let name = ""
  if (nameResult !== undefined && nameResult.value._tag === "String") {
    name = nameResult.value.value
  } else {
    const got = nameResult === undefined
      ? "<nil>"
      : nameResult.value._tag === "Unknown"
      ? "unknown"
      : typeName(nameResult.value)
    diagnostics.push(
      diagnostic(
        "error",
        `Invalid "name" attribute for block coder_workspace_preset.${label}`,
        `Expected a string, got "${got}"`
      )
    )
  }
  const prebuildBlocks = instance.nested("prebuilds")
  const prebuilds = prebuildBlocks.length === 0
    ? null
    : { instances: Math.max(0, truncatedNumber(known(prebuildBlocks[0]!.attribute("instances"))) ?? 0) }
  return {
    preset: {
      name,
      parameters: parametersOf(known(instance.attribute("parameters"))),
      default: defaultOf(known(instance.attribute("default"))),
      prebuilds,
      diagnostics: orEmpty(diagnostics)
    },
    settings: settingsOf(instance)
  }
}

/**
 * `extractPreset`, with a failure contained to this preset (docs/render.md §6): the preset is kept,
 * without a name, with the error on it.
 */
export const extractPresetContained = (instance: TemplateEvaluation.BlockInstance): ExtractedPreset => {
  try {
    return extractPreset(instance)
  } catch (defect) {
    return {
      preset: {
        name: "",
        parameters: {},
        default: false,
        prebuilds: null,
        diagnostics: [
          diagnostic(
            "error",
            `Internal error while extracting preset coder_workspace_preset.${instance.block.name}`,
            defectMessage(defect)
          )
        ]
      },
      settings: { ttlSeconds: null, timezone: "", schedules: [] }
    }
  }
}

/** A preset block of constants' extraction, made once per compiled template and shared by its renders. */
const sharedPresetOf = perConstantBlock((instance): ExtractedPreset => {
  const extracted = extractPresetContained(instance)
  return { preset: share(extracted.preset), settings: share(extracted.settings) }
})

/** `extractPresetContained`, shared between renders for a block of constants. */
export const extractPresetShared = (instance: TemplateEvaluation.BlockInstance): ExtractedPreset =>
  sharedPresetOf(instance) ?? extractPresetContained(instance)

/** Apply the default rule: the first default wins, every later one gets an error. */
export const applyDefaultRule = (presets: ReadonlyArray<ExtractedPreset>): Array<ExtractedPreset> => {
  let first: string | undefined
  return presets.map((extracted) => {
    if (!extracted.preset.default) return extracted
    if (first === undefined) {
      first = extracted.preset.name
      return extracted
    }
    return {
      ...extracted,
      preset: {
        ...extracted.preset,
        diagnostics: [
          ...extracted.preset.diagnostics,
          diagnostic(
            "error",
            "Multiple default presets",
            `Only one preset can be marked as default. "${first}" is already marked as default`
          )
        ]
      }
    }
  })
}
