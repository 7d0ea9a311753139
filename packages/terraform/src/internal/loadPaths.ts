/**
 * Path helpers for template snapshots: validation of snapshot paths, normalisation of module
 * sources, and the two orders the loader needs (code-point order of whole paths, and the
 * directory-walk order of `fs.WalkDir`).
 *
 * @internal
 */

/**
 * Why a snapshot path is not acceptable, or `undefined` when it is a clean relative path:
 * `/`-separated, no empty, `.` or `..` segments, no leading `/`, no backslash, no NUL, no drive
 * letter.
 */
export const invalidPathReason = (path: string): string | undefined => {
  if (path.length === 0) return "path is empty"
  if (path.includes("\u0000")) return "path contains a NUL character"
  if (path.includes("\\")) return "path contains a backslash"
  if (path.startsWith("/")) return "path is absolute"
  if (/^[A-Za-z]:/.test(path)) return "path starts with a drive letter"
  for (const segment of path.split("/")) {
    if (segment === "") return "path has an empty segment"
    if (segment === "." || segment === "..") return `path has a "${segment}" segment`
  }
  return undefined
}

/**
 * Compares two strings by Unicode code point (the order of their UTF-8 bytes, Go's
 * `sort.Strings`), unlike `<` which compares UTF-16 code units.
 */
export const compareCodePoints = (a: string, b: string): number => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (0xD800-0xDFFF) encode code points above 0xFFFF: they sort after 0xE000-0xFFFF.
    const kx = x >= 0xd800 && x <= 0xdfff ? x + 0x10000 : x
    const ky = y >= 0xd800 && y <= 0xdfff ? y + 0x10000 : y
    return kx < ky ? -1 : 1
  }
  return a.length - b.length
}

/**
 * The order in which a recursive directory walk visits paths when each directory's entries are
 * taken in lexical order (`fs.WalkDir`): segment by segment, so `b/x` comes before `b.tfvars`.
 */
export const compareWalkOrder = (a: string, b: string): number => {
  const as = a.split("/")
  const bs = b.split("/")
  const n = Math.min(as.length, bs.length)
  for (let i = 0; i < n; i++) {
    const c = compareCodePoints(as[i]!, bs[i]!)
    if (c !== 0) return c
  }
  return as.length - bs.length
}

/** The directory part of a snapshot path, `"."` for a root-level file. */
export const dirnameOf = (path: string): string => {
  const i = path.lastIndexOf("/")
  return i < 0 ? "." : path.slice(0, i)
}

/** The last segment of a path. */
export const basenameOf = (path: string): string => {
  const i = path.lastIndexOf("/")
  return i < 0 ? path : path.slice(i + 1)
}

/** Joins a directory (`"."` for the root) and a relative name. */
export const joinPath = (dir: string, name: string): string => (dir === "." || dir === "" ? name : `${dir}/${name}`)

/**
 * Resolves `relative` (which may contain `.`/`..` segments and repeated or trailing slashes)
 * against `dir`, returning a normalised path (`"."` for the root), or `undefined` when the result
 * would leave the root or the input is absolute.
 */
export const resolveWithin = (dir: string, relative: string): string | undefined => {
  if (relative.startsWith("/") || relative.includes("\\") || relative.includes("\u0000")) return undefined
  if (/^[A-Za-z]:/.test(relative)) return undefined
  const out: Array<string> = dir === "." || dir === "" ? [] : dir.split("/")
  for (const segment of relative.split("/")) {
    if (segment === "" || segment === ".") continue
    if (segment === "..") {
      if (out.length === 0) return undefined
      out.pop()
      continue
    }
    out.push(segment)
  }
  return out.length === 0 ? "." : out.join("/")
}
