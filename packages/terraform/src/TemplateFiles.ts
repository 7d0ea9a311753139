/**
 * The immutable file snapshot of one template version: every regular file of the template
 * directory (including a `.terraform/modules` overlay), addressed by clean relative paths.
 *
 * A snapshot comes from an in-memory record (template versions stored in a database) or from a
 * directory on disk. It implements `FileAccess`, the interface the file functions read through,
 * and knows its file count and total size. (A stored version is identified by the store's own
 * digest of its files, `filesDigest` in `@warmpool/prebuilds`.)
 *
 * @since 0.1.0
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as NodePath from "node:path"
import * as Diagnostic from "./Diagnostic.js"
import type { FileAccess } from "./FunctionDefinition.js"
import { compareCodePoints, dirnameOf, invalidPathReason, joinPath } from "./internal/loadPaths.js"

/**
 * Size limits applied while building a snapshot.
 *
 * @since 0.1.0
 * @category models
 */
export interface Limits {
  /** Maximum number of files. */
  readonly maxFiles: number
  /** Maximum size of one file, in bytes. */
  readonly maxFileBytes: number
  /** Maximum size of all files together, in bytes. */
  readonly maxTotalBytes: number
  /** Maximum directory nesting below the root (`fromDirectory` only). */
  readonly maxDepth: number
}

/**
 * 10 000 files, 16 MiB per file, 64 MiB in total, 64 directory levels.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultLimits: Limits = {
  maxFiles: 10_000,
  maxFileBytes: 16 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  maxDepth: 64
}

/**
 * Why a snapshot could not be built.
 *
 * @since 0.1.0
 * @category models
 */
export type TemplateFilesErrorReason =
  | "InvalidPath"
  | "PathConflict"
  | "TooManyFiles"
  | "FileTooLarge"
  | "TotalTooLarge"
  | "TooDeep"
  | "NotFound"
  | "NotADirectory"
  | "ReadError"

/**
 * A snapshot could not be built: the message says which path and which limit.
 *
 * @since 0.1.0
 * @category errors
 */
export class TemplateFilesError extends Data.TaggedError("TemplateFilesError")<{
  readonly reason: TemplateFilesErrorReason
  /** The offending path (relative to the root for snapshot paths, as given for the root). */
  readonly path: string
  readonly message: string
}> {}

/**
 * The file snapshot of one template version.
 *
 * @since 0.1.0
 * @category models
 */
export interface TemplateFiles extends FileAccess {
  /** A copy of the bytes of a regular file, or `undefined`. */
  readonly readFile: (path: string) => Uint8Array | undefined
  /** Every file path, sorted by code point. */
  readonly listFiles: () => ReadonlyArray<string>
  /** The file decoded as UTF-8 (a leading byte-order mark is dropped), or `undefined`. */
  readonly readText: (path: string) => string | undefined
  /** The files directly inside `dir` (`"."` for the root), as full paths, sorted. */
  readonly filesIn: (dir: string) => ReadonlyArray<string>
  /** Whether `dir` (`"."` for the root) contains at least one file at any depth. */
  readonly hasDirectory: (dir: string) => boolean
  /** Number of files. */
  readonly fileCount: number
  /** Total size of all files in bytes. */
  readonly totalBytes: number
  /** Warnings produced while reading a directory (skipped symbolic links, ...). */
  readonly warnings: ReadonlyArray<Diagnostic.Diagnostic>
}

const textDecoder = new TextDecoder("utf-8")
const textEncoder = new TextEncoder()

class Snapshot implements TemplateFiles {
  readonly fileCount: number
  readonly totalBytes: number
  private readonly paths: ReadonlyArray<string>
  private readonly byDir = new Map<string, Array<string>>()
  private readonly dirs = new Set<string>(["."])
  private readonly texts = new Map<string, string>()

  constructor(
    private readonly contents: ReadonlyMap<string, Uint8Array>,
    readonly warnings: ReadonlyArray<Diagnostic.Diagnostic>
  ) {
    this.paths = Array.from(contents.keys()).sort(compareCodePoints)
    let total = 0
    for (const path of this.paths) {
      total += contents.get(path)!.length
      const dir = dirnameOf(path)
      const list = this.byDir.get(dir)
      if (list === undefined) this.byDir.set(dir, [path])
      else list.push(path)
      let d = dir
      while (d !== "." && !this.dirs.has(d)) {
        this.dirs.add(d)
        d = dirnameOf(d)
      }
    }
    this.fileCount = this.paths.length
    this.totalBytes = total
  }

  readonly readFile = (path: string): Uint8Array | undefined => {
    const bytes = this.contents.get(path)
    return bytes === undefined ? undefined : bytes.slice()
  }

  readonly listFiles = (): ReadonlyArray<string> => this.paths

  readonly readText = (path: string): string | undefined => {
    const cached = this.texts.get(path)
    if (cached !== undefined) return cached
    const bytes = this.contents.get(path)
    if (bytes === undefined) return undefined
    const text = textDecoder.decode(bytes)
    this.texts.set(path, text)
    return text
  }

  readonly filesIn = (dir: string): ReadonlyArray<string> => this.byDir.get(dir === "" ? "." : dir) ?? []

  readonly hasDirectory = (dir: string): boolean => this.dirs.has(dir === "" ? "." : dir)
}

const withLimits = (options: Partial<Limits> | undefined): Limits => ({ ...defaultLimits, ...options })

const checkConflicts = (paths: Iterable<string>): TemplateFilesError | undefined => {
  const files = new Set(paths)
  for (const path of files) {
    let d = dirnameOf(path)
    while (d !== ".") {
      if (files.has(d)) {
        return new TemplateFilesError({
          reason: "PathConflict",
          path: d,
          message: `"${d}" is both a file and the directory of "${path}"`
        })
      }
      d = dirnameOf(d)
    }
  }
  return undefined
}

/**
 * A snapshot from an in-memory record of path → content (text is stored as UTF-8). Paths must be
 * relative, `/`-separated and clean (no empty, `.` or `..` segments, no backslash, no NUL); a bad
 * path, a path that is both a file and a directory, or a broken limit is a `TemplateFilesError`.
 * Byte contents are copied.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromRecord = (
  record: Readonly<Record<string, string | Uint8Array>>,
  options?: Partial<Limits>
): Either.Either<TemplateFiles, TemplateFilesError> => {
  const limits = withLimits(options)
  const keys = Object.keys(record)
  if (keys.length > limits.maxFiles) {
    return Either.left(
      new TemplateFilesError({
        reason: "TooManyFiles",
        path: ".",
        message: `the template has ${keys.length} files, more than the limit of ${limits.maxFiles}`
      })
    )
  }
  const contents = new Map<string, Uint8Array>()
  let total = 0
  for (const path of keys) {
    const reason = invalidPathReason(path)
    if (reason !== undefined) {
      return Either.left(
        new TemplateFilesError({
          reason: "InvalidPath",
          path,
          message: `invalid path ${JSON.stringify(path)}: ${reason}`
        })
      )
    }
    const value = record[path]!
    const bytes = typeof value === "string" ? textEncoder.encode(value) : value.slice()
    if (bytes.length > limits.maxFileBytes) {
      return Either.left(
        new TemplateFilesError({
          reason: "FileTooLarge",
          path,
          message: `file "${path}" has ${bytes.length} bytes, more than the limit of ${limits.maxFileBytes}`
        })
      )
    }
    total += bytes.length
    if (total > limits.maxTotalBytes) {
      return Either.left(
        new TemplateFilesError({
          reason: "TotalTooLarge",
          path,
          message: `the template's files exceed the total size limit of ${limits.maxTotalBytes} bytes`
        })
      )
    }
    contents.set(path, bytes)
  }
  const conflict = checkConflicts(contents.keys())
  if (conflict !== undefined) return Either.left(conflict)
  return Either.right(new Snapshot(contents, []))
}

/**
 * An empty snapshot.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: TemplateFiles = new Snapshot(new Map(), [])

/**
 * Options of `fromDirectory`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DirectoryOptions extends Partial<Limits> {
  /**
   * Walk all of the root's `.terraform` directory, not only `.terraform/modules` (default
   * `false`: provider binaries and plugin caches are never part of a template version).
   */
  readonly includeTerraformCache?: boolean
}

const isInside = (root: string, target: string): boolean =>
  target === root || target.startsWith(root.endsWith(NodePath.sep) ? root : root + NodePath.sep)

const skippedEntry = (path: string, why: string): Diagnostic.Diagnostic =>
  Diagnostic.warning("Skipped template file", `${path}: ${why}`, { code: "file_skipped" })

/**
 * A snapshot of a directory, read recursively through the platform `FileSystem`: hidden entries
 * are included, and of the root's `.terraform` directory only `modules`. Symbolic links are
 * followed when their target stays inside the directory; a link that leaves it, dangles, or
 * closes a directory cycle is skipped with a warning (`warnings`). Other special files are
 * ignored. Paths are sorted; limits on file count, file size, total size and depth are errors.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromDirectory = (
  dir: string,
  options?: DirectoryOptions
): Effect.Effect<TemplateFiles, TemplateFilesError, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const limits = withLimits(options)
    const includeCache = options?.includeTerraformCache ?? false
    const root = yield* fs.realPath(dir).pipe(
      Effect.mapError((e) =>
        new TemplateFilesError({
          reason: "NotFound",
          path: dir,
          message: e._tag === "SystemError" && e.reason === "NotFound"
            ? `cannot open template directory: ${dir} does not exist`
            : `cannot open template directory: ${e.message}`
        })
      )
    )
    const rootInfo = yield* fs.stat(root).pipe(
      Effect.mapError((e) =>
        new TemplateFilesError({
          reason: "NotFound",
          path: dir,
          message: `cannot open template directory: ${e.message}`
        })
      )
    )
    if (rootInfo.type !== "Directory") {
      return yield* new TemplateFilesError({
        reason: "NotADirectory",
        path: dir,
        message: `"${dir}" is not a directory`
      })
    }
    const contents = new Map<string, Uint8Array>()
    const warnings: Array<Diagnostic.Diagnostic> = []
    let total = 0

    const readError = (path: string, e: { readonly message: string }) =>
      new TemplateFilesError({ reason: "ReadError", path, message: `cannot read "${path}": ${e.message}` })

    const walk = (
      logical: string,
      real: string,
      chain: ReadonlySet<string>,
      depth: number
    ): Effect.Effect<void, TemplateFilesError> =>
      Effect.gen(function*() {
        if (depth > limits.maxDepth) {
          return yield* new TemplateFilesError({
            reason: "TooDeep",
            path: logical,
            message: `directory "${logical}" is nested more than ${limits.maxDepth} levels deep`
          })
        }
        const names = (yield* fs.readDirectory(real).pipe(Effect.mapError((e) => readError(logical, e)))).slice()
        names.sort(compareCodePoints)
        for (const name of names) {
          const path = joinPath(logical, name)
          if (!includeCache && logical === ".terraform" && name !== "modules") continue
          if (invalidPathReason(path) !== undefined) {
            warnings.push(skippedEntry(path, "the name cannot be represented in a template snapshot"))
            continue
          }
          const full = NodePath.join(real, name)
          const target = yield* Effect.either(fs.realPath(full))
          if (Either.isLeft(target)) {
            warnings.push(skippedEntry(path, "it is a symbolic link whose target does not exist"))
            continue
          }
          if (target.right !== full && !isInside(root, target.right)) {
            warnings.push(skippedEntry(path, "it is a symbolic link to a location outside the template directory"))
            continue
          }
          const info = yield* Effect.either(fs.stat(target.right))
          if (Either.isLeft(info)) {
            warnings.push(skippedEntry(path, `cannot inspect it: ${info.left.message}`))
            continue
          }
          if (info.right.type === "Directory") {
            if (chain.has(target.right)) {
              warnings.push(skippedEntry(path, "it is a symbolic link that forms a directory cycle"))
              continue
            }
            yield* walk(path, target.right, new Set([...chain, target.right]), depth + 1)
            continue
          }
          if (info.right.type !== "File") continue
          const size = Number(info.right.size)
          if (size > limits.maxFileBytes) {
            return yield* new TemplateFilesError({
              reason: "FileTooLarge",
              path,
              message: `file "${path}" has ${size} bytes, more than the limit of ${limits.maxFileBytes}`
            })
          }
          if (contents.size + 1 > limits.maxFiles) {
            return yield* new TemplateFilesError({
              reason: "TooManyFiles",
              path,
              message: `the template has more than the limit of ${limits.maxFiles} files`
            })
          }
          const bytes = yield* fs.readFile(target.right).pipe(Effect.mapError((e) => readError(path, e)))
          if (bytes.length > limits.maxFileBytes) {
            return yield* new TemplateFilesError({
              reason: "FileTooLarge",
              path,
              message: `file "${path}" has ${bytes.length} bytes, more than the limit of ${limits.maxFileBytes}`
            })
          }
          total += bytes.length
          if (total > limits.maxTotalBytes) {
            return yield* new TemplateFilesError({
              reason: "TotalTooLarge",
              path,
              message: `the template's files exceed the total size limit of ${limits.maxTotalBytes} bytes`
            })
          }
          contents.set(path, bytes)
        }
      })

    yield* walk(".", root, new Set([root]), 0)
    return new Snapshot(contents, warnings) as TemplateFiles
  })

/**
 * A snapshot failure as a top-level diagnostic that stops the render (RENDER.md §6): `Files not
 * found` when the directory cannot be read, `Template files rejected` for bad paths and broken
 * limits; the detail is the error's message.
 *
 * @since 0.1.0
 * @category utils
 */
export const toDiagnostic = (error: TemplateFilesError): Diagnostic.Diagnostic =>
  Diagnostic.error(
    error.reason === "NotFound" || error.reason === "NotADirectory" || error.reason === "ReadError"
      ? "Files not found"
      : "Template files rejected",
    error.message,
    { code: "template_files" }
  )
