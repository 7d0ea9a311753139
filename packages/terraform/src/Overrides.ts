/**
 * Terraform override files (RENDER.md §1.4), applied per directory before evaluation.
 *
 * A file is an override file when its name without `.tf` / `.tf.json` is `override` or ends in
 * `_override`. Override files are applied one at a time in lexical order and are never loaded as
 * configuration. Each override block merges into the first primary block with the same key
 * (`data.coder_parameter.region`, `variable.env`): attributes replace or are added; for each
 * nested block type `T` it names (a `dynamic "T"` counts as `T`) every primary `T` and
 * `dynamic "T"` is removed and the override's are appended; `locals` merge per attribute.
 *
 * Any error (an unmatched block, a local without a base definition, an override file that does
 * not parse) is reported as a warning, followed by `Override file merging disabled due to an
 * error`, and the directory is loaded unmerged, without its override files.
 *
 * @since 0.1.0
 */
import type { NestedBlockRef } from "./BlockOrder.js"
import * as Diagnostic from "./Diagnostic.js"
import { basenameOf } from "./internal/loadPaths.js"
import { isRecord, nestedBlockTypes, setOwn } from "./internal/loadSchema.js"
import type { Block } from "./Loader.js"

/**
 * Whether `path` names an override file: `override.tf`, `x_override.tf`, `override.tf.json`,
 * `x_override.tf.json` (not `overrides.tf` or `my_override_file.tf`).
 *
 * @since 0.1.0
 * @category guards
 */
export const isOverrideFile = (path: string): boolean => {
  const name = basenameOf(path)
  const stem = name.endsWith(".tf.json") ? name.slice(0, -8) : name.endsWith(".tf") ? name.slice(0, -3) : undefined
  return stem !== undefined && (stem === "override" || stem.endsWith("_override"))
}

/**
 * A primary (non-override) configuration file of a directory, parsed.
 *
 * @since 0.1.0
 * @category models
 */
export interface PrimaryFile {
  readonly file: string
  /** A `.tf.json` file: loaded, but never a merge target. */
  readonly json: boolean
  /** Its blocks in written order. */
  readonly blocks: ReadonlyArray<Block>
}

/**
 * An override file of a directory: parsed, failed to parse, or in the unsupported JSON syntax.
 *
 * @since 0.1.0
 * @category models
 */
export type OverrideFile =
  | { readonly _tag: "Parsed"; readonly file: string; readonly blocks: ReadonlyArray<Block> }
  | {
    readonly _tag: "Failed"
    readonly file: string
    readonly message: string
    readonly range: Diagnostic.Range | undefined
  }
  | { readonly _tag: "Json"; readonly file: string }

/**
 * The outcome of applying a directory's override files.
 *
 * @since 0.1.0
 * @category models
 */
export interface OverrideResult {
  /** The primary files' blocks (merged when `merged`), in the order given. */
  readonly blocks: ReadonlyArray<Block>
  /** The §1.4 warnings. */
  readonly diagnostics: ReadonlyArray<Diagnostic.Diagnostic>
  /** False when an error disabled merging (the blocks are the primaries, unmerged). */
  readonly merged: boolean
}

/** A merge error: reported as a warning unless `silent`, and as the detail of the "disabled" warning. */
interface MergeError {
  readonly summary: string
  readonly detail: string
  readonly range: Diagnostic.Range | undefined
  /** A plain error message with no diagnostic of its own (the unmatched-block error). */
  readonly silent: boolean
}

const skipped = (file: string): string => `${file} skipped for override merging`

const blockRange = (block: Block): Diagnostic.Range | undefined =>
  block.line === undefined ? undefined : {
    file: block.file,
    start: { line: block.line, column: 1, offset: 0 },
    end: { line: block.line, column: 1, offset: 0 }
  }

/**
 * Merges one override block into a primary block (not `locals`).
 *
 * @since 0.1.0
 * @category utils
 */
export const mergeBlock = (primary: Block, override: Block): Block => {
  const schema = nestedBlockTypes(primary.kind, primary.type)
  const isNested = (key: string) => key === "lifecycle" || schema.has(key)
  const body: Record<string, unknown> = { ...primary.body }
  const replaced = new Set<string>()
  const overrideDynamic = isRecord(override.body["dynamic"]) ? override.body["dynamic"] : undefined
  for (const [key, value] of Object.entries(override.body)) {
    if (key === "dynamic" && overrideDynamic !== undefined) {
      for (const type of Object.keys(overrideDynamic)) replaced.add(type)
    } else if (isNested(key)) replaced.add(key)
    else setOwn(body, key, value)
  }
  if (replaced.size === 0) return { ...primary, body }
  const primaryDynamic = isRecord(body["dynamic"]) ? { ...body["dynamic"] } : {}
  for (const type of replaced) {
    delete body[type]
    delete primaryDynamic[type]
  }
  for (const type of replaced) {
    if (isNested(type) && override.body[type] !== undefined) setOwn(body, type, override.body[type])
    if (overrideDynamic !== undefined && overrideDynamic[type] !== undefined) {
      setOwn(primaryDynamic, type, overrideDynamic[type])
    }
  }
  if (Object.keys(primaryDynamic).length > 0) setOwn(body, "dynamic", primaryDynamic)
  else delete body["dynamic"]
  let nested: ReadonlyArray<NestedBlockRef> | undefined = undefined
  if (primary.nested !== undefined && override.nested !== undefined) {
    nested = [
      ...primary.nested.filter((ref) => !replaced.has(ref.type)),
      ...override.nested.filter((ref) => replaced.has(ref.type))
    ]
  }
  return { ...primary, body, nested }
}

/**
 * Applies a directory's override files (in the order given, which must be lexical) to its
 * primary files.
 *
 * @since 0.1.0
 * @category utils
 */
export const applyOverrides = (
  primaries: ReadonlyArray<PrimaryFile>,
  overrides: ReadonlyArray<OverrideFile>
): OverrideResult => {
  const unmerged = primaries.flatMap((file) => file.blocks)
  if (overrides.length === 0) return { blocks: unmerged, diagnostics: [], merged: true }
  const diagnostics: Array<Diagnostic.Diagnostic> = []
  if (overrides.some((file) => file._tag !== "Json")) {
    for (const primary of primaries) {
      if (primary.json) diagnostics.push(Diagnostic.warning("Primary file uses .tf.json format", skipped(primary.file)))
    }
  }
  // Merge targets: blocks of HCL primaries, in file order then written order.
  const jsonFiles = new Set(primaries.filter((file) => file.json).map((file) => file.file))
  const working: Array<Block> = []
  const slots: Array<number> = []
  unmerged.forEach((block, i) => {
    if (!jsonFiles.has(block.file)) {
      working.push(block)
      slots.push(i)
    }
  })

  const fail = (errors: ReadonlyArray<MergeError>): OverrideResult => {
    for (const error of errors) {
      if (!error.silent) diagnostics.push(Diagnostic.warning(error.summary, error.detail, { range: error.range }))
    }
    const first = errors[0]!
    diagnostics.push(
      Diagnostic.warning(
        "Override file merging disabled due to an error",
        first.silent ? first.summary : `${first.summary}; ${first.detail}`
      )
    )
    return { blocks: unmerged, diagnostics, merged: false }
  }

  for (const override of overrides) {
    if (override._tag === "Json") {
      diagnostics.push(Diagnostic.warning("Override file uses unsupported .tf.json format", skipped(override.file)))
      continue
    }
    if (override._tag === "Failed") {
      return fail([{
        summary: "Parse terraform files",
        detail: `${override.file}: ${override.message}`,
        range: override.range,
        silent: false
      }])
    }
    const errors: Array<MergeError> = []
    for (const block of override.blocks) {
      if (block.kind === "terraform") {
        diagnostics.push(
          Diagnostic.warning(
            "Override file has unsupported 'terraform' block",
            `'terraform' block in ${override.file} skipped for override merging`
          )
        )
        continue
      }
      if (block.kind === "locals") {
        for (const [name, value] of Object.entries(block.body)) {
          const index = working.findIndex((b) => b.kind === "locals" && Object.hasOwn(b.body, name))
          if (index < 0) {
            errors.push({
              summary: "Missing base local value definition to override",
              detail: `Local "${name}" in ${override.file} has no base definition to override`,
              range: blockRange(block),
              silent: false
            })
            continue
          }
          const target = working[index]!
          const body = { ...target.body }
          setOwn(body, name, value)
          working[index] = { ...target, body }
        }
        continue
      }
      const index = working.findIndex((b) => b.key === block.key)
      if (index < 0) {
        errors.push({
          summary: `override block "${block.key}" in ${override.file} has no matching block in a primary file`,
          detail: "",
          range: blockRange(block),
          silent: true
        })
        return fail(errors)
      }
      working[index] = mergeBlock(working[index]!, block)
    }
    if (errors.length > 0) return fail(errors)
  }
  const blocks = unmerged.slice()
  slots.forEach((slot, i) => {
    blocks[slot] = working[i]!
  })
  return { blocks, diagnostics, merged: true }
}
