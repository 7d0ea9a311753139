/**
 * Terraform's filesystem functions, confined to the template version's own files
 * (RENDER.md §2.15): `file`, `fileexists`, `fileset`, `filebase64`, the `file*` hashes,
 * `abspath`, `basename`, `dirname` and `pathexpand`.
 *
 * Every path goes through the sandbox first: absolute paths, `..` escapes from the root,
 * backslashes, NUL characters, over-long paths and `~` are errors. Relative paths resolve
 * against the template root, so `"${path.module}/x"` works in every module. Files are read
 * through {@link FileAccess} only; `abspath` answers against a virtual root `/` and never looks
 * at the real filesystem.
 *
 * @since 0.1.0
 * @internal
 */
import type { FileAccess, FunctionDefinition, Parameter } from "../FunctionDefinition.js"
import { FunctionError } from "../FunctionDefinition.js"
import { goQuote } from "../GoQuote.js"
import { maxResultLength, resultTooLong, stringOf, total } from "../internal/functionSupport.js"
import * as Path from "../internal/path.js"
import * as Glob from "../internal/pathGlob.js"
import * as T from "../Type.js"
import type { Value } from "../Value.js"
import * as V from "../Value.js"
import { decodeUtf8, encodeBase64 } from "./encoding.js"
import { digest } from "./hash.js"

const pathParameter: Parameter = { name: "path", type: T.string }

const isDirectory = (files: FileAccess, path: string): boolean => {
  if (path === ".") return true
  const prefix = path + "/"
  return files.listFiles().some((f) => f.startsWith(prefix))
}

type Read =
  | { readonly _tag: "Bytes"; readonly path: string; readonly bytes: Uint8Array }
  | { readonly _tag: "Home" }
  | { readonly _tag: "Rejected"; readonly message: string }
  | { readonly _tag: "Missing"; readonly path: string }
  | { readonly _tag: "Directory"; readonly path: string }

const read = (files: FileAccess, given: string): Read => {
  if (Path.startsWithHome(given)) return { _tag: "Home" }
  const path = Path.resolve(given)
  if (Path.isRejected(path)) return { _tag: "Rejected", message: path.message }
  const bytes = path === "." ? undefined : files.readFile(path)
  if (bytes !== undefined) return { _tag: "Bytes", path, bytes }
  return isDirectory(files, path) ? { _tag: "Directory", path } : { _tag: "Missing", path }
}

const homeError = (argument?: number): FunctionError =>
  new FunctionError(`failed to expand ~: ${Path.homeMessage}`, argument)

/** `file` and `filebase64`: Terraform's `readFileBytes` errors, all on the `path` argument. */
const readForFile = (files: FileAccess, given: string): { readonly bytes: Uint8Array } | FunctionError => {
  const r = read(files, given)
  switch (r._tag) {
    case "Bytes":
      return r
    case "Home":
      return homeError(0)
    case "Rejected":
      return new FunctionError(r.message, 0)
    case "Missing":
      return new FunctionError(
        `no file exists at ${
          goQuote(r.path)
        }; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource`,
        0
      )
    case "Directory":
      return new FunctionError(`failed to read file ${goQuote(r.path)}: read ${r.path}: is a directory`, 0)
  }
}

/** The `file*` hash functions: Terraform's `openFile` errors (not argument errors). */
const readForHash = (files: FileAccess, given: string): { readonly bytes: Uint8Array } | FunctionError => {
  const r = read(files, given)
  switch (r._tag) {
    case "Bytes":
      return r
    case "Home":
      return homeError()
    case "Rejected":
      return new FunctionError(r.message, 0)
    case "Missing":
      return new FunctionError(`open ${r.path}: no such file or directory`)
    case "Directory":
      return new FunctionError(`read ${r.path}: is a directory`)
  }
}

const fileImpl = (args: ReadonlyArray<Value>, files: FileAccess): Value | FunctionError => {
  const given = stringOf(args[0])
  const r = readForFile(files, given)
  if (r instanceof FunctionError) return r
  if (r.bytes.length > maxResultLength) return resultTooLong()
  const text = decodeUtf8(r.bytes)
  if (text === undefined) {
    return new FunctionError(
      `contents of ${
        goQuote(given)
      } are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead`
    )
  }
  return V.string(text)
}

const filebase64Impl = (args: ReadonlyArray<Value>, files: FileAccess): Value | FunctionError => {
  const r = readForFile(files, stringOf(args[0]))
  if (r instanceof FunctionError) return r
  if (r.bytes.length > (maxResultLength / 4) * 3) return resultTooLong()
  return V.string(encodeBase64(r.bytes))
}

const fileHash = (name: string, algorithm: string, encode: (digest: Uint8Array) => string): FunctionDefinition =>
  total({
    name,
    parameters: [pathParameter],
    returnType: T.string,
    impl: (args, context) => {
      const r = readForHash(context.files, stringOf(args[0]))
      return r instanceof FunctionError ? r : V.string(encode(digest(algorithm, r.bytes)))
    }
  })

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex")

const fileexistsImpl = (args: ReadonlyArray<Value>, files: FileAccess): Value | FunctionError => {
  const r = read(files, stringOf(args[0]))
  switch (r._tag) {
    case "Bytes":
      return V.True
    case "Missing":
      return V.False
    case "Home":
      return homeError()
    case "Rejected":
      return new FunctionError(r.message, 0)
    case "Directory":
      return new FunctionError(`${goQuote(r.path)} is a directory, not a file`, 0)
  }
}

const filesetImpl = (args: ReadonlyArray<Value>, files: FileAccess): Value | FunctionError => {
  const basePath = Path.resolve(stringOf(args[0]))
  if (Path.isRejected(basePath)) return new FunctionError(basePath.message, 0)
  const patternText = stringOf(args[1])
  // Go's filepath.Join: the pattern is appended to the base path, then cleaned.
  const joined = Path.resolve(basePath + "/" + patternText, { glob: true })
  if (Path.isRejected(joined)) return new FunctionError(joined.message, 1)
  const glob = Glob.compile(joined)
  if (Glob.isGlobError(glob)) {
    return new FunctionError(
      glob.reason === "syntax" ?
        `failed to glob pattern ${goQuote(joined)}: syntax error in pattern` :
        `failed to glob pattern ${
          goQuote(joined)
        }: the pattern has more than ${Glob.maxAlternatives} alternatives, which warmpool does not allow`
    )
  }
  const found: Array<Value> = []
  for (const file of files.listFiles()) {
    if (Glob.matches(glob, file)) found.push(V.string(Path.relative(basePath, file)))
  }
  return V.set(T.string, found)
}

const abspath = (path: string): string => Path.clean(path.startsWith("/") ? path : "/" + path)

/**
 * The filesystem functions.
 *
 * @since 0.1.0
 */
export const filesystemFunctions: ReadonlyArray<FunctionDefinition> = [
  total({
    name: "abspath",
    parameters: [pathParameter],
    returnType: T.string,
    impl: (args) => V.string(abspath(stringOf(args[0])))
  }),
  total({
    name: "basename",
    parameters: [pathParameter],
    returnType: T.string,
    impl: (args) => V.string(Path.base(stringOf(args[0])))
  }),
  total({
    name: "dirname",
    parameters: [pathParameter],
    returnType: T.string,
    impl: (args) => V.string(Path.dir(stringOf(args[0])))
  }),
  total({
    name: "file",
    parameters: [pathParameter],
    returnType: T.string,
    impl: (args, context) => fileImpl(args, context.files)
  }),
  fileHash("filebase64sha256", "sha256", encodeBase64),
  fileHash("filebase64sha512", "sha512", encodeBase64),
  total({
    name: "filebase64",
    parameters: [pathParameter],
    returnType: T.string,
    impl: (args, context) => filebase64Impl(args, context.files)
  }),
  total({
    name: "fileexists",
    parameters: [pathParameter],
    returnType: T.bool,
    impl: (args, context) => fileexistsImpl(args, context.files)
  }),
  fileHash("filemd5", "md5", hex),
  total({
    name: "fileset",
    parameters: [pathParameter, { name: "pattern", type: T.string }],
    returnType: T.set(T.string),
    impl: (args, context) => filesetImpl(args, context.files)
  }),
  fileHash("filesha1", "sha1", hex),
  fileHash("filesha256", "sha256", hex),
  fileHash("filesha512", "sha512", hex),
  total({
    name: "pathexpand",
    parameters: [pathParameter],
    returnType: T.string,
    impl: (args) => {
      const path = stringOf(args[0])
      return Path.startsWithHome(path) ? new FunctionError(Path.homeMessage) : V.string(path)
    }
  })
]
