/**
 * Template-relative paths for the file functions: Go's lexical path operations (`Clean`, `Base`,
 * `Dir`, `Rel` on Unix) and the sandbox that confines every path to the template root.
 *
 * @internal
 */

/**
 * The longest path (in UTF-16 code units) the file functions accept.
 */
export const maxPathLength = 4096

/**
 * A path rejected by the sandbox, with the reason.
 */
export interface PathRejected {
  readonly _tag: "PathRejected"
  readonly message: string
}

const rejected = (message: string): PathRejected => ({ _tag: "PathRejected", message })

/**
 * `true` when the value is a rejection.
 */
export const isRejected = (r: string | PathRejected): r is PathRejected => typeof r !== "string"

/**
 * Go's `filepath.Clean` on Unix: one slash between elements, no `.` elements, `..` elements
 * resolved lexically, `"."` for the empty path.
 */
export const clean = (path: string): string => {
  const rooted = path.startsWith("/")
  const out: Array<string> = []
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop()
      else if (!rooted) out.push("..")
      continue
    }
    out.push(part)
  }
  const joined = out.join("/")
  if (rooted) return "/" + joined
  return joined === "" ? "." : joined
}

/**
 * Go's `filepath.Base` on Unix.
 */
export const base = (path: string): string => {
  if (path === "") return "."
  let p = path
  while (p.length > 0 && p.endsWith("/")) p = p.slice(0, -1)
  const i = p.lastIndexOf("/")
  if (i >= 0) p = p.slice(i + 1)
  return p === "" ? "/" : p
}

/**
 * Go's `filepath.Dir` on Unix.
 */
export const dir = (path: string): string => clean(path.slice(0, path.lastIndexOf("/") + 1))

/**
 * Go's `filepath.Rel` for two clean relative paths (the matches of `fileset`).
 */
export const relative = (from: string, to: string): string => {
  if (from === to) return "."
  if (from === ".") return to
  const a = from.split("/")
  const b = to === "." ? [] : to.split("/")
  let common = 0
  while (common < a.length && common < b.length && a[common] === b[common]) common++
  const up = a.slice(common).map(() => "..")
  const rest = [...up, ...b.slice(common)]
  return rest.length === 0 ? "." : rest.join("/")
}

/**
 * `true` for paths that start with `~` (a home directory, which templates may not use).
 */
export const startsWithHome = (path: string): boolean => path.startsWith("~")

/**
 * The message for a `~` path, as the sandbox words it.
 */
export const homeMessage = "not allowed to expand paths starting with '~' in this context"

const quote = (s: string): string => JSON.stringify(s)

/**
 * Resolve a path given to a file function against the template root: the clean,
 * `/`-separated, root-relative path (`"."` for the root itself), or why it is rejected
 * (absolute, escaping the root, backslashes, NUL characters, too long). A glob pattern may
 * contain backslashes: they escape pattern characters there.
 */
export const resolve = (path: string, options?: { readonly glob?: boolean }): string | PathRejected => {
  if (path.length > maxPathLength) return rejected(`the path is longer than ${maxPathLength} characters`)
  if (path.includes("\0")) return rejected("the path contains a NUL character")
  if (options?.glob !== true && path.includes("\\")) {
    return rejected(`the path ${quote(path)} contains a backslash; file paths use "/" as the separator`)
  }
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) {
    return rejected(
      `the absolute path ${quote(path)} is not allowed; file paths are relative to the template directory`
    )
  }
  const cleaned = clean(path)
  if (cleaned === ".." || cleaned.startsWith("../")) {
    return rejected(`the path ${quote(path)} is outside the template directory`)
  }
  return cleaned
}
