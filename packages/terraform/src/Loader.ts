/**
 * Loading a template version: the raw structure of every module (blocks as hcl2json bodies,
 * override-merged, in block order), the module tree, and the variable values of tfvars files.
 * Nothing is evaluated here; expressions stay `"${…}"` strings for the compiler.
 *
 * * Configuration files of a module are the `*.tf` and `*.tf.json` files directly in its
 *   directory, in lexical order. `.tf` files go through the `HclParser`; `.tf.json` files are
 *   read with `JSON.parse` and normalised to the same shape. A file that does not parse is
 *   skipped with the error `Parse terraform files` (detail `<path>: <message>`, RENDER.md §1.2).
 * * Modules (§1.3): `./` and `../` sources resolve against the calling module's directory and
 *   must stay inside the root; other sources are looked up in `.terraform/modules/modules.json`
 *   by call path (`outer.M`). A module that cannot be found, escapes the root, closes a cycle or
 *   passes the nesting limits is not loaded (`module: undefined`, with a `reason`).
 * * Override files (§1.4) are applied per directory (`Overrides`).
 * * Variable files (§1.5) are collected from the whole snapshot (`Tfvars`).
 *
 * Loading never fails: every problem is a diagnostic, and `fatal` is set when the render must
 * stop.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type { NestedBlockRef } from "./BlockOrder.js"
import { compareBlocks } from "./BlockOrder.js"
import * as Budgets from "./Budgets.js"
import * as Diagnostic from "./Diagnostic.js"
import { HclParser } from "./HclParser.js"
import { tooDeep } from "./internal/jsonDepth.js"
import { blocksOf } from "./internal/loadBlocks.js"
import { normaliseJsonConfig } from "./internal/loadJson.js"
import { resolveWithin } from "./internal/loadPaths.js"
import { scan } from "./internal/loadScan.js"
import { isRecord } from "./internal/loadSchema.js"
import type { OverrideFile, PrimaryFile } from "./Overrides.js"
import { applyOverrides, isOverrideFile } from "./Overrides.js"
import type { TemplateFiles } from "./TemplateFiles.js"
import * as Tfvars from "./Tfvars.js"

/**
 * One top-level block of a module.
 *
 * @since 0.1.0
 * @category models
 */
export interface Block {
  /** The block type: `data`, `resource`, `module`, `variable`, `output`, `locals`, `provider`, `terraform`, … */
  readonly kind: string
  /** All labels, unquoted. */
  readonly labels: ReadonlyArray<string>
  /** The type label of `data`, `resource` and `ephemeral` blocks (`coder_parameter`). */
  readonly type: string | undefined
  /** The last label (`region`), `undefined` for unlabelled blocks. */
  readonly name: string | undefined
  /**
   * The address: `data.coder_parameter.region`, `coder_agent.main` (resources have no prefix),
   * `module.m`, `variable.env`, `output.o`, `provider.docker`, `locals`, `terraform`.
   */
  readonly address: string
  /** The override-matching key: the block type and labels joined with `.` (`resource.T.N`). */
  readonly key: string
  /**
   * The hcl2json body: attributes (literals folded to JSON, expressions as `"${…}"` strings),
   * nested blocks as arrays of bodies, `dynamic: { T: [{ for_each, content: [body], iterator? }] }`.
   * After override merging. Treat as read-only.
   */
  readonly body: Record<string, unknown>
  /** The file the block is written in, relative to the root. */
  readonly file: string
  /** The line of the block header, when recovered from the source (not for `.tf.json`). */
  readonly line: number | undefined
  /** Written order within the module: files in lexical order, then position in the file. */
  readonly order: number
  /**
   * The nested blocks in written order (static and `dynamic` interleaved), when the source scan
   * agrees with the parsed body; see `BlockOrder.nestedInWrittenOrder`.
   */
  readonly nested: ReadonlyArray<NestedBlockRef> | undefined
}

/**
 * One `module` block of a module, and the module it loads.
 *
 * @since 0.1.0
 * @category models
 */
export interface ModuleCall {
  readonly name: string
  readonly block: Block
  /** The `source` attribute when it is a literal string. */
  readonly source: string | undefined
  /**
   * The loaded module; `undefined` when it is not loaded (the evaluator warns, §1.3 / §2.13,
   * unless `count` is 0 or `for_each` is empty).
   */
  readonly module: LoadedModule | undefined
  /** Why the module is not loaded (`undefined` when it is). */
  readonly reason: string | undefined
}

/**
 * One module: a directory's configuration, at one call path.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoadedModule {
  /** `"."` for the root, else the directory relative to the root (`modules/net`, `.terraform/modules/x`). */
  readonly dir: string
  /** `[]` for the root, else the module names from the root (`["outer", "M"]`). */
  readonly callPath: ReadonlyArray<string>
  /** The configuration files loaded (parsed, not override files), in lexical order. */
  readonly files: ReadonlyArray<string>
  /** Every block (override-merged) in block order: by address, duplicates in written order. */
  readonly blocks: ReadonlyArray<Block>
  /** One per `module` block, in address order. */
  readonly calls: ReadonlyArray<ModuleCall>
}

/**
 * A loaded template version.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoadedTemplate {
  readonly files: TemplateFiles
  readonly root: LoadedModule
  /** Variable values merged from every `*.tfvars` / `*.tfvars.json` file (raw, §1.5). */
  readonly tfvars: ReadonlyMap<string, unknown>
  /** For each tfvars value, the file it came from. */
  readonly tfvarsSources: ReadonlyMap<string, string>
  /**
   * Load diagnostics, in this order: snapshot warnings, then per directory (root first, then
   * modules depth-first in call order) `Parse terraform files` errors and §1.4 warnings.
   */
  readonly diagnostics: ReadonlyArray<Diagnostic.Diagnostic>
  /** A diagnostic that stops the render (`Failed to load tfvars from files`), if any. */
  readonly fatal: Diagnostic.Diagnostic | undefined
  /** The budgets the template was loaded with. */
  readonly budgets?: Budgets.Budgets | undefined
}

/**
 * Options of `load`.
 *
 * @since 0.1.0
 * @category models
 */
export interface LoadOptions {
  /** Deepest module call path loaded (default 32). */
  readonly maxModuleDepth?: number
  /** Most module calls loaded in total (default 1 000); later ones are not loaded. */
  readonly maxModules?: number
  /** File sizes and nesting (default `Budgets.defaults`). */
  readonly budgets?: Budgets.Budgets | undefined
}

/**
 * The path of the module manifest written by `terraform init`.
 *
 * @since 0.1.0
 * @category utils
 */
export const manifestPath = ".terraform/modules/modules.json"

/**
 * Whether a file is module configuration (`*.tf` or `*.tf.json`).
 *
 * @since 0.1.0
 * @category guards
 */
export const isConfigFile = (path: string): boolean => path.endsWith(".tf") || path.endsWith(".tf.json")

/**
 * Every module of a loaded template, the root first, then depth-first in call order.
 *
 * @since 0.1.0
 * @category utils
 */
export const modules = (template: LoadedTemplate): ReadonlyArray<LoadedModule> => {
  const out: Array<LoadedModule> = []
  const visit = (module: LoadedModule) => {
    out.push(module)
    for (const call of module.calls) if (call.module !== undefined) visit(call.module)
  }
  visit(template.root)
  return out
}

interface DirectoryConfig {
  readonly files: ReadonlyArray<string>
  readonly blocks: ReadonlyArray<Block>
}

type ParsedConfig =
  | { readonly _tag: "Ok"; readonly parsed: unknown; readonly headers: ReturnType<typeof scan>["blocks"] | undefined }
  | {
    readonly _tag: "Failed"
    readonly message: string
    readonly range: Diagnostic.Range | undefined
    /** Reported instead of `Parse terraform files` (a budget excess). */
    readonly diagnostic?: Diagnostic.Diagnostic | undefined
  }

const parseError = (message: string) => ({ _tag: "Failed", message, range: undefined }) as const

const pointRange = (file: string, line: number, column: number, offset: number): Diagnostic.Range => {
  const at = { line, column, offset }
  return { file, start: at, end: { line, column: column + 1, offset: offset + 1 } }
}

type Resolution = { readonly dir: string } | { readonly reason: string }

/**
 * Loads a template version. Never fails.
 *
 * @since 0.1.0
 * @category utils
 */
export const load = (
  files: TemplateFiles,
  options?: LoadOptions
): Effect.Effect<LoadedTemplate, never, HclParser> =>
  Effect.gen(function*() {
    const parser = yield* HclParser
    const budgets = options?.budgets ?? Budgets.defaults
    const maxDepth = options?.maxModuleDepth ?? 32
    const maxModules = options?.maxModules ?? 1_000
    const diagnostics: Array<Diagnostic.Diagnostic> = [...files.warnings]
    const directories = new Map<string, DirectoryConfig>()
    let manifest: ReadonlyMap<string, string> | undefined
    let loadedModules = 0

    const parseFile = (path: string): Effect.Effect<ParsedConfig> =>
      Effect.gen(function*() {
        const size = files.readFile(path)?.length ?? 0
        if (size > budgets.maxFileBytes) {
          const message = `the file is ${size} bytes long`
          return {
            _tag: "Failed",
            message,
            range: undefined,
            diagnostic: Budgets.diagnostic("maxFileBytes", budgets, `${path}: ${message}.`)
          } as const
        }
        const text = files.readText(path) ?? ""
        if (path.endsWith(".json")) {
          const deep = tooDeep(text, budgets.maxNestingDepth)
          if (deep !== undefined) {
            const range = pointRange(path, deep.line, deep.column, deep.offset)
            return {
              _tag: "Failed",
              message: "the document nests too deeply",
              range,
              diagnostic: Budgets.diagnostic("maxNestingDepth", budgets, "This JSON document nests too deeply.", range)
            } as const
          }
          let normalised: Record<string, unknown> | string
          try {
            // Both steps can exhaust the stack on absurdly nested documents: that is a parse error.
            normalised = normaliseJsonConfig(JSON.parse(text))
          } catch (e) {
            return parseError(e instanceof Error ? e.message : String(e))
          }
          if (typeof normalised === "string") return parseError(normalised)
          return { _tag: "Ok", parsed: normalised, headers: undefined } as const
        }
        const parsed = yield* Effect.either(parser.parse(path, text))
        if (Either.isLeft(parsed)) {
          return { _tag: "Failed", message: parsed.left.message, range: parsed.left.range } as const
        }
        return { _tag: "Ok", parsed: parsed.right, headers: scan(text).blocks } as const
      })

    const loadDirectory = (dir: string): Effect.Effect<DirectoryConfig> =>
      Effect.gen(function*() {
        const cached = directories.get(dir)
        if (cached !== undefined) return cached
        const primaries: Array<PrimaryFile> = []
        const overrides: Array<OverrideFile> = []
        let order = 0
        for (const path of files.filesIn(dir)) {
          if (!isConfigFile(path)) continue
          const json = path.endsWith(".json")
          if (isOverrideFile(path)) {
            if (json) {
              overrides.push({ _tag: "Json", file: path })
              continue
            }
            const parsed = yield* parseFile(path)
            overrides.push(
              parsed._tag === "Ok"
                ? { _tag: "Parsed", file: path, blocks: blocksOf(parsed.parsed, path, parsed.headers, 0) }
                : { _tag: "Failed", file: path, message: parsed.message, range: parsed.range }
            )
            continue
          }
          const parsed = yield* parseFile(path)
          if (parsed._tag === "Failed") {
            diagnostics.push(
              parsed.diagnostic ??
                Diagnostic.error("Parse terraform files", `${path}: ${parsed.message}`, { range: parsed.range })
            )
            continue
          }
          const blocks = blocksOf(parsed.parsed, path, parsed.headers, order)
          order += blocks.length
          primaries.push({ file: path, json, blocks })
        }
        const merged = applyOverrides(primaries, overrides)
        diagnostics.push(...merged.diagnostics)
        const config: DirectoryConfig = {
          files: primaries.map((file) => file.file),
          blocks: [...merged.blocks].sort(compareBlocks)
        }
        directories.set(dir, config)
        return config
      })

    const hasConfig = (dir: string): boolean =>
      files.filesIn(dir).some((path) => isConfigFile(path) && !isOverrideFile(path))

    const readManifest = (): ReadonlyMap<string, string> => {
      if (manifest !== undefined) return manifest
      const entries = new Map<string, string>()
      manifest = entries
      const text = files.readText(manifestPath)
      if (text === undefined) return entries
      let document: unknown
      try {
        document = JSON.parse(text)
      } catch (e) {
        diagnostics.push(
          Diagnostic.warning(
            "Invalid module manifest",
            `${manifestPath}: ${e instanceof Error ? e.message : String(e)}`
          )
        )
        return entries
      }
      const list = isRecord(document) ? document["Modules"] : undefined
      if (!Array.isArray(list)) {
        diagnostics.push(Diagnostic.warning("Invalid module manifest", `${manifestPath}: "Modules" is not a list`))
        return entries
      }
      for (const entry of list) {
        if (!isRecord(entry)) continue
        const key = entry["Key"]
        const dir = entry["Dir"]
        if (typeof key !== "string" || key === "" || typeof dir !== "string") continue
        if (!entries.has(key)) entries.set(key, dir)
      }
      return entries
    }

    const resolve = (callerDir: string, callPath: ReadonlyArray<string>, source: string | undefined): Resolution => {
      if (source !== undefined && (source.startsWith("./") || source.startsWith("../"))) {
        const dir = resolveWithin(callerDir, source)
        if (dir === undefined) return { reason: `module source "${source}" leaves the template directory` }
        if (hasConfig(dir)) return { dir }
      }
      const entry = readManifest().get(callPath.join("."))
      if (entry !== undefined) {
        const dir = resolveWithin(".", entry)
        if (dir === undefined) {
          return { reason: `module directory "${entry}" in ${manifestPath} leaves the template directory` }
        }
        if (hasConfig(dir)) return { dir }
        return { reason: `module directory "${entry}" has no configuration files` }
      }
      if (source === undefined) {
        return { reason: "the module has no literal source and no entry in the module manifest" }
      }
      return { reason: `module source "${source}" is not available locally` }
    }

    const loadModule = (
      dir: string,
      callPath: ReadonlyArray<string>,
      ancestors: ReadonlyArray<string>
    ): Effect.Effect<LoadedModule> =>
      Effect.gen(function*() {
        const config = yield* loadDirectory(dir)
        const calls: Array<ModuleCall> = []
        for (const block of config.blocks) {
          if (block.kind !== "module") continue
          const name = block.name ?? ""
          const rawSource = block.body["source"]
          const source = typeof rawSource === "string" && !rawSource.includes("${") ? rawSource : undefined
          const path = [...callPath, name]
          const resolution = resolve(dir, path, source)
          let reason: string | undefined
          let module: LoadedModule | undefined
          if ("reason" in resolution) reason = resolution.reason
          else if (ancestors.includes(resolution.dir)) {
            reason = `module "${name}" would load "${resolution.dir}", which is already being loaded (a cycle)`
          } else if (path.length > maxDepth) reason = `modules are nested more than ${maxDepth} levels deep`
          else if (loadedModules >= maxModules) reason = `more than ${maxModules} modules are loaded`
          else {
            loadedModules++
            module = yield* loadModule(resolution.dir, path, [...ancestors, resolution.dir])
          }
          calls.push({ name, block, source, module, reason })
        }
        return { dir, callPath, files: config.files, blocks: config.blocks, calls }
      })

    if (files.totalBytes > budgets.maxTotalFileBytes) {
      return {
        files,
        root: { dir: ".", callPath: [], files: [], blocks: [], calls: [] },
        tfvars: new Map(),
        tfvarsSources: new Map(),
        diagnostics,
        fatal: Budgets.diagnostic(
          "maxTotalFileBytes",
          budgets,
          `The template version's files are ${files.totalBytes} bytes long in total.`
        ),
        budgets
      }
    }
    const root = yield* loadModule(".", [], ["."])
    const tfvars = yield* Tfvars.collect(files, budgets)
    return {
      files,
      root,
      tfvars: tfvars.values,
      tfvarsSources: tfvars.sources,
      diagnostics,
      fatal: tfvars.fatal,
      budgets
    }
  })
