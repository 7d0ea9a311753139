/**
 * Variable values from files (RENDER.md §1.5): every `*.tfvars` and `*.tfvars.json` file in the
 * whole snapshot (hidden entries and `.terraform/modules` included, `.auto.` not required), in
 * directory-walk order, later files overriding earlier ones per key.
 *
 * Values stay raw: a `.tfvars` value is what hcl2json gives (`"${…}"` strings for non-literal
 * expressions), a `.tfvars.json` value is plain JSON. The evaluator interprets them in an empty
 * scope. A file that does not parse stops the render with `Failed to load tfvars from files`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Budgets from "./Budgets.js"
import * as Diagnostic from "./Diagnostic.js"
import { HclParser } from "./HclParser.js"
import { tooDeep } from "./internal/jsonDepth.js"
import { compareWalkOrder } from "./internal/loadPaths.js"
import { scan } from "./internal/loadScan.js"
import { isRecord } from "./internal/loadSchema.js"
import type { TemplateFiles } from "./TemplateFiles.js"

/**
 * The merged variable values of a snapshot.
 *
 * @since 0.1.0
 * @category models
 */
export interface TfvarsResult {
  /** Variable name → raw value, after merging. */
  readonly values: ReadonlyMap<string, unknown>
  /** Variable name → the file its value came from. */
  readonly sources: ReadonlyMap<string, string>
  /** The files read, in merge order. */
  readonly files: ReadonlyArray<string>
  /** `Failed to load tfvars from files` when a file does not parse: the render must stop. */
  readonly fatal: Diagnostic.Diagnostic | undefined
}

/**
 * Whether `path` is a variable file (`*.tfvars` or `*.tfvars.json`).
 *
 * @since 0.1.0
 * @category guards
 */
export const isTfvarsFile = (path: string): boolean => path.endsWith(".tfvars") || path.endsWith(".tfvars.json")

/**
 * The variable files of a snapshot in directory-walk order (each directory's entries in lexical
 * order, descending into a subdirectory at its sorted position: `b/x.tfvars` before `b.tfvars`).
 *
 * @since 0.1.0
 * @category utils
 */
export const tfvarsFiles = (files: TemplateFiles): ReadonlyArray<string> =>
  files.listFiles().filter(isTfvarsFile).sort(compareWalkOrder)

/**
 * Parses the text of a `.tfvars.json` file: a JSON object (an empty file is an empty object).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseJsonTfvars = (
  text: string,
  maxNestingDepth: number = Budgets.defaults.maxNestingDepth
): Either.Either<Record<string, unknown>, string> => {
  if (text.trim() === "") return Either.right({})
  const deep = tooDeep(text, maxNestingDepth)
  if (deep !== undefined) {
    return Either.left(`${deep.line},${deep.column}: the document nests more than ${maxNestingDepth} levels deep`)
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (e) {
    return Either.left(e instanceof Error ? e.message : String(e))
  }
  if (!isRecord(document)) return Either.left("the root value must be a JSON object")
  return Either.right(document)
}

/**
 * Parses the text of a `.tfvars` file: attributes only.
 *
 * @since 0.1.0
 * @category parsing
 */
export const parseHclTfvars = (
  file: string,
  text: string
): Effect.Effect<Either.Either<Record<string, unknown>, string>, never, HclParser> =>
  Effect.gen(function*() {
    if (text.trim() === "") return Either.right({})
    const block = scan(text).blocks[0]
    if (block !== undefined) {
      return Either.left(
        `${block.line},${block.column}: Unexpected "${block.type}" block; Blocks are not allowed here.`
      )
    }
    const parser = yield* HclParser
    const parsed = yield* Effect.either(parser.parse(file, text))
    if (Either.isLeft(parsed)) {
      const error = parsed.left
      const at = error.range === undefined ? "" : `${error.range.start.line},${error.range.start.column}: `
      return Either.left(at + error.message)
    }
    return isRecord(parsed.right) ? Either.right(parsed.right) : Either.right({})
  })

/**
 * The failure diagnostic for a variable file that does not parse.
 *
 * @since 0.1.0
 * @category utils
 */
export const loadFailure = (file: string, message: string): Diagnostic.Diagnostic =>
  Diagnostic.error("Failed to load tfvars from files", `failed to load tfvars from ${file}: ${message}`)

/**
 * Reads and merges every variable file of the snapshot. Stops at the first file that does not
 * parse, with `fatal` set; refuses (`resource_limit`) variable files larger than
 * `maxTfvarsBytes` together.
 *
 * @since 0.1.0
 * @category utils
 */
export const collect = (
  files: TemplateFiles,
  budgets: Budgets.Budgets = Budgets.defaults
): Effect.Effect<TfvarsResult, never, HclParser> =>
  Effect.gen(function*() {
    const values = new Map<string, unknown>()
    const sources = new Map<string, string>()
    const read: Array<string> = []
    const paths = tfvarsFiles(files)
    let total = 0
    for (const file of paths) total += files.readFile(file)?.length ?? 0
    if (total > budgets.maxTfvarsBytes) {
      const fatal = Budgets.diagnostic(
        "maxTfvarsBytes",
        budgets,
        `The variable files (${paths.join(", ")}) are ${total} bytes long together.`
      )
      return { values, sources, files: read, fatal }
    }
    for (const file of paths) {
      const text = files.readText(file) ?? ""
      const deep = file.endsWith(".json") ? tooDeep(text, budgets.maxNestingDepth) : undefined
      if (deep !== undefined) {
        const at = { line: deep.line, column: deep.column, offset: deep.offset }
        const range = { file, start: at, end: { ...at, column: at.column + 1, offset: at.offset + 1 } }
        const fatal = Budgets.diagnostic("maxNestingDepth", budgets, "This JSON document nests too deeply.", range)
        return { values, sources, files: [...read, file], fatal }
      }
      const parsed = file.endsWith(".json")
        ? parseJsonTfvars(text, budgets.maxNestingDepth)
        : yield* parseHclTfvars(file, text)
      read.push(file)
      if (Either.isLeft(parsed)) {
        return { values, sources, files: read, fatal: loadFailure(file, parsed.left) }
      }
      for (const [name, value] of Object.entries(parsed.right)) {
        values.set(name, value)
        sources.set(name, file)
      }
    }
    return { values, sources, files: read, fatal: undefined }
  })
