/**
 * The files of an uploaded template version (a JSON file map or a tar archive), checked before
 * anything else sees them: a name is refused, never rewritten, when it is absolute, has a `..`
 * segment, is not well-formed Unicode, repeats, or collides with another after the harmless
 * normalisation of `.` and empty segments; file count, file size and total size are bounded, and
 * so is the nesting of `.json` files (a deep `main.tf.json` overflows recursive decoders).
 * The result is a null-prototype record, so `__proto__`, `constructor` and `toString` are
 * ordinary file names all the way into the store.
 *
 * @internal
 */
import * as Data from "effect/Data"
import * as Either from "effect/Either"
import { exceedsDepth } from "./jsonShape.js"

/**
 * Bounds on an upload (the loader enforces its own budgets again).
 */
export interface UploadLimits {
  readonly maxFiles: number
  readonly maxFileBytes: number
  readonly maxTotalBytes: number
}

/** 10,000 files, 4 MiB per file, 16 MiB in total. */
export const defaultUploadLimits: UploadLimits = {
  maxFiles: 10_000,
  maxFileBytes: 4 * 1024 * 1024,
  maxTotalBytes: 16 * 1024 * 1024
}

/** Why an upload is refused; the message names the entry. */
export class UploadRefused extends Data.TaggedError("UploadRefused")<{ readonly message: string }> {}

/** One uploaded file before checking: its name as given and its contents. */
export interface UploadEntry {
  readonly name: string
  readonly contents: Uint8Array | string
}

const loneSurrogate = /\p{Cs}/u
const lossy = new TextDecoder("utf-8")
const driveLetter = /^[A-Za-z]:/

/** How an entry is named in messages (JSON string syntax shows control characters and surrogates). */
export const describeName = (name: string): string => JSON.stringify(name)

/**
 * The normalised name of an entry (`.` and empty segments dropped), `""` for the root itself,
 * or why it is refused.
 */
export const normaliseName = (name: string): Either.Either<string, string> => {
  if (loneSurrogate.test(name)) return Either.left("the name is not well-formed Unicode (a lone surrogate)")
  if (name.includes("\u0000")) return Either.left("the name contains a NUL character")
  if (name.includes("\\")) return Either.left("the name contains a backslash")
  if (name.startsWith("/") || driveLetter.test(name)) return Either.left("the name is an absolute path")
  const segments: Array<string> = []
  for (const segment of name.split("/")) {
    if (segment === "..") return Either.left("the name has a \"..\" segment")
    if (segment !== "" && segment !== ".") segments.push(segment)
  }
  return Either.right(segments.join("/"))
}

const byteLength = (contents: Uint8Array | string): number =>
  typeof contents === "string" ? Buffer.byteLength(contents, "utf8") : contents.length

/**
 * The checked files as a null-prototype record (name → contents). With `stripTopDirectory`, a
 * single directory holding every file (`template/main.tf`) is removed from the names.
 */
export const checkEntries = (
  entries: Iterable<UploadEntry>,
  limits: UploadLimits,
  options?: {
    readonly stripTopDirectory?: boolean | undefined
    /** `.json` files (`main.tf.json`, `*.tfvars.json`, data) nesting deeper than this are refused. */
    readonly maxJsonDepth?: number | undefined
  }
): Either.Either<Record<string, Uint8Array | string>, UploadRefused> => {
  const files = new Map<string, { readonly given: string; readonly contents: Uint8Array | string }>()
  let total = 0
  for (const entry of entries) {
    const refuse = (why: string) =>
      Either.left(new UploadRefused({ message: `entry ${describeName(entry.name)}: ${why}` }))
    const normalised = normaliseName(entry.name)
    if (Either.isLeft(normalised)) return refuse(normalised.left)
    const name = normalised.right
    if (name === "") return refuse("the name is empty")
    const earlier = files.get(name)
    if (earlier !== undefined) {
      return refuse(
        earlier.given === entry.name
          ? "the archive holds this name twice"
          : `the name collides with ${describeName(earlier.given)} (both are ${describeName(name)})`
      )
    }
    if (typeof entry.contents === "string" && loneSurrogate.test(entry.contents)) {
      return refuse("the contents are not well-formed Unicode (a lone surrogate)")
    }
    if (files.size + 1 > limits.maxFiles) return refuse(`more than the limit of ${limits.maxFiles} files`)
    const size = byteLength(entry.contents)
    if (size > limits.maxFileBytes) {
      return refuse(`${size} bytes, more than the limit of ${limits.maxFileBytes} bytes per file`)
    }
    total += size
    if (total > limits.maxTotalBytes) {
      return refuse(`the files exceed the limit of ${limits.maxTotalBytes} bytes in total`)
    }
    if (options?.maxJsonDepth !== undefined && name.endsWith(".json")) {
      const text = typeof entry.contents === "string" ? entry.contents : lossy.decode(entry.contents)
      const deep = exceedsDepth(text, options.maxJsonDepth)
      if (deep !== undefined) {
        return refuse(`the JSON nests deeper than ${deep.maxDepth} levels (at character ${deep.offset})`)
      }
    }
    files.set(name, { given: entry.name, contents: entry.contents })
  }
  const names = Array.from(files.keys())
  let prefix = ""
  if (options?.stripTopDirectory === true && names.length > 0) {
    const first = names[0]!.split("/")[0]!
    if (names.every((n) => n.startsWith(`${first}/`))) prefix = `${first}/`
  }
  const record: Record<string, Uint8Array | string> = Object.create(null)
  for (const [name, file] of files) record[name.slice(prefix.length)] = file.contents
  return Either.right(record)
}
