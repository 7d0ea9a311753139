/**
 * Extracting `data "coder_secret"` instances: the user secrets a template requires
 * (terraform-provider-coder's `coder_secret` data source, as coder/preview reports it).
 *
 * Each instance names exactly one of an environment variable (`env`) or a file (`file`) and
 * carries a `help_message` for the user who lacks it. Blocks honour `count` / `for_each` like
 * every data block: an instance that does not exist (`count = 0`, an empty `for_each`) is not
 * required. Problems are top-level errors; a duplicate check runs only when every instance was
 * extracted cleanly, so a broken block reports its own error and not a duplicate.
 */
import type { ExpressionEvaluator, TemplateEvaluation } from "@warmpool/terraform"
import type * as RenderOutput from "../RenderOutput.js"
import { diagnostic, typeName } from "./text.js"

/** The requirements of a render, in source order, and the top-level errors found. */
export interface ExtractedSecrets {
  readonly requirements: ReadonlyArray<RenderOutput.SecretRequirement>
  readonly diagnostics: ReadonlyArray<RenderOutput.Diagnostic>
}

type Attribute = "env" | "file" | "help_message"

/** A string attribute: absent, a known string, or an error diagnostic. */
type StringAttribute =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "String"; readonly value: string }
  | { readonly _tag: "Invalid"; readonly diagnostic: RenderOutput.Diagnostic }

const invalid = (label: string, attribute: Attribute, what: string, detail: string): StringAttribute => ({
  _tag: "Invalid",
  diagnostic: diagnostic("error", `Invalid "${attribute}" attribute for block coder_secret.${label}: ${what}`, detail)
})

const stringAttribute = (instance: TemplateEvaluation.BlockInstance, attribute: Attribute): StringAttribute => {
  const label = instance.block.name
  if (!instance.has(attribute)) return { _tag: "Absent" }
  const result: ExpressionEvaluator.Result = instance.attribute(attribute)!
  const where = `In block "${instance.address}".`
  if (result.errors.length > 0) {
    const first = result.errors[0]!
    return invalid(label, attribute, `Expected a string, got an error: ${first.summary}`, first.detail || where)
  }
  const value = result.value
  if (value._tag === "String") return { _tag: "String", value: value.value }
  if (value._tag === "Unknown") {
    return invalid(
      label,
      attribute,
      "Expected a string, got an unknown value",
      `The value is not known, check that its references are resolvable. ${where}`
    )
  }
  return invalid(label, attribute, `Expected a string, got "${typeName(value)}"`, where)
}

const isSet = (attribute: StringAttribute): boolean => attribute._tag === "String" && attribute.value !== ""

type Extracted =
  | { readonly _tag: "Requirement"; readonly requirement: RenderOutput.SecretRequirement }
  | { readonly _tag: "Failed"; readonly diagnostics: ReadonlyArray<RenderOutput.Diagnostic> }

const extractOne = (instance: TemplateEvaluation.BlockInstance): Extracted => {
  const label = instance.block.name
  const diagnostics: Array<RenderOutput.Diagnostic> = []
  const env = stringAttribute(instance, "env")
  const file = stringAttribute(instance, "file")
  const help = stringAttribute(instance, "help_message")
  for (const attribute of [env, file, help]) {
    if (attribute._tag === "Invalid") diagnostics.push(attribute.diagnostic)
  }
  if (help._tag === "Absent") {
    diagnostics.push(
      diagnostic(
        "error",
        `Missing required attribute "help_message" for block "coder_secret.${label}"`,
        "The help_message attribute is required"
      )
    )
  }
  // The "exactly one" rule counts non-empty strings (an empty name requires nothing and would
  // read as "not set" on the wire); an attribute in error (a null `env`) already reported
  // `Expected a string`.
  if (env._tag !== "Invalid" && file._tag !== "Invalid") {
    const set = (isSet(env) ? 1 : 0) + (isSet(file) ? 1 : 0)
    if (set !== 1) {
      diagnostics.push(
        diagnostic(
          "error",
          `Exactly one of "env" or "file" must be set`,
          `Block "${instance.address}" sets ${set === 0 ? "neither" : "both"}.`
        )
      )
    }
  }
  if (diagnostics.length > 0) return { _tag: "Failed", diagnostics }
  return {
    _tag: "Requirement",
    requirement: {
      env: env._tag === "String" ? env.value : "",
      file: file._tag === "String" ? file.value : "",
      help_message: help._tag === "String" ? help.value : ""
    }
  }
}

/**
 * The `coder_secret` requirements of every module instance (root first, then modules in
 * evaluation order), each module's blocks in written order (files in lexical order, then
 * position), instances of one block in instance order.
 */
export const extractSecrets = (modules: ReadonlyArray<TemplateEvaluation.ModuleInstance>): ExtractedSecrets => {
  const requirements: Array<RenderOutput.SecretRequirement> = []
  const diagnostics: Array<RenderOutput.Diagnostic> = []
  /** Declarations per (module instance, name): instances of one block share a declaration. */
  const declarations = new Map<string, { readonly name: string; readonly blocks: Set<unknown> }>()
  for (const module of modules) {
    const instances = [...module.blocks("data", "coder_secret")]
      .sort((a, b) => a.block.source.order - b.block.source.order)
    for (const instance of instances) {
      const extracted = extractOne(instance)
      if (extracted._tag === "Failed") {
        diagnostics.push(...extracted.diagnostics)
        continue
      }
      requirements.push(extracted.requirement)
      const key = `${module.address}\u0000${instance.block.name}`
      const entry = declarations.get(key) ?? { name: instance.block.name, blocks: new Set<unknown>() }
      entry.blocks.add(instance.block)
      declarations.set(key, entry)
    }
  }
  if (diagnostics.length === 0) {
    for (const { blocks, name } of declarations.values()) {
      if (blocks.size > 1) {
        diagnostics.push(
          diagnostic(
            "error",
            `duplicate coder_secret blocks with name "${name}"`,
            `${blocks.size} blocks are declared as data.coder_secret.${name}; each name may be declared once.`
          )
        )
      }
    }
  }
  return { requirements, diagnostics }
}
