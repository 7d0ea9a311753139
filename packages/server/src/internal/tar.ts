/**
 * Template versions uploaded as tar archives (optionally gzipped): regular files only, paths
 * normalised, a single top-level directory stripped.
 */
import { parseTar } from "nanotar"
import { gunzipSync } from "node:zlib"

/** The files of an archive, or why it is unusable. */
export const filesOfTar = (
  archive: Uint8Array
): { readonly files: Record<string, Uint8Array> } | { readonly error: string } => {
  let data = archive
  try {
    if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data, { maxOutputLength: 64 * 1024 * 1024 })
    const entries = parseTar(data)
    const files: Record<string, Uint8Array> = {}
    for (const entry of entries) {
      if (entry.type !== undefined && entry.type !== "file" && entry.type !== "contiguousFile") continue
      const name = entry.name.replace(/^\.\//, "")
      if (name === "" || name.endsWith("/")) continue
      files[name] = entry.data ?? new Uint8Array()
    }
    const names = Object.keys(files)
    if (names.length === 0) return { error: "the archive holds no files" }
    // A single top-level directory (`template/main.tf`) is stripped.
    const first = names[0]!.split("/")[0]!
    if (names.every((n) => n.startsWith(`${first}/`))) {
      const stripped: Record<string, Uint8Array> = {}
      for (const [n, content] of Object.entries(files)) stripped[n.slice(first.length + 1)] = content
      return { files: stripped }
    }
    return { files }
  } catch (e) {
    return { error: `not a tar archive: ${e instanceof Error ? e.message : String(e)}` }
  }
}
