/**
 * Content addressing of template files: blob digests and the digest of a whole file set.
 *
 * @internal
 */
import { createHash } from "node:crypto"

const encoder = new TextEncoder()

/**
 * File contents as bytes (text is UTF-8).
 *
 * @internal
 */
export const contentBytes = (content: Uint8Array | string): Uint8Array =>
  typeof content === "string" ? encoder.encode(content) : content

/**
 * The hex SHA-256 of some bytes (a blob's key).
 *
 * @internal
 */
export const sha256Hex = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

const lengthPrefixed = (hash: ReturnType<typeof createHash>, text: string): void => {
  const bytes = encoder.encode(text)
  const length = Buffer.alloc(8)
  length.writeBigUInt64BE(BigInt(bytes.byteLength))
  hash.update(length)
  hash.update(bytes)
}

/**
 * A file of a version, with its blob key.
 *
 * @internal
 */
export interface HashedFile {
  readonly path: string
  readonly sha256: string
  readonly bytes: Uint8Array
}

/**
 * The files sorted by path (code unit order) with their blob keys.
 *
 * @internal
 */
export const hashFiles = (files: Readonly<Record<string, Uint8Array | string>>): ReadonlyArray<HashedFile> =>
  Object.keys(files).sort().map((path) => {
    const bytes = contentBytes(files[path]!)
    return { path, sha256: sha256Hex(bytes), bytes }
  })

/**
 * The digest of hashed files: SHA-256 over the length-prefixed `(path, blob key)` pairs in path
 * order.
 *
 * @internal
 */
export const digestOfHashed = (files: ReadonlyArray<HashedFile>): string => {
  const hash = createHash("sha256")
  for (const file of files) {
    lengthPrefixed(hash, file.path)
    lengthPrefixed(hash, file.sha256)
  }
  return hash.digest("hex")
}

/**
 * The digest of a set of files.
 *
 * @internal
 */
export const filesDigest = (files: Readonly<Record<string, Uint8Array | string>>): string =>
  digestOfHashed(hashFiles(files))
