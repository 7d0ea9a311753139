/**
 * The render-cache key: template version, owner digest, values digest (docs/architecture.md decision
 * 4). Equality and hashing cover the three digests only; the key also carries the request it was
 * made from, so the cache's lookup can render it, and lets go of it once the lookup took it (the
 * cache keeps the key, not the compiled template or the raw values).
 *
 * @since 0.1.0
 */
import type { CompiledTemplate } from "@warmpool/terraform"
import { Owner } from "@warmpool/terraform"
import * as Equal from "effect/Equal"
import * as Hash from "effect/Hash"
import * as Crypto from "node:crypto"

/** SHA-256 (hex) of a text: Node's one-shot `crypto.hash` (Node ≥ 20.12) costs half a `createHash`. */
const sha256: (text: string) => string = typeof Crypto.hash === "function"
  ? (text) => Crypto.hash("sha256", text, "hex")
  : (text) => Crypto.createHash("sha256").update(text).digest("hex")

/** Values up to this many characters in all are hashed as one text; longer ones are streamed. */
const oneShotLimit = 4096

const compareCodePoints = (
  a: string,
  b: string
): number => (a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b)))

/**
 * The canonical encoding of parameter values: the (name, value) pairs sorted by name (byte-wise)
 * as a JSON array of two-element arrays. JSON string escaping makes it injective:
 * `{a: "1,b:2"}` and `{a: "1", b: "2"}` encode differently.
 *
 * @since 0.1.0
 * @category utils
 */
export const canonicalValues = (values: Readonly<Record<string, string>>): string => {
  const names = Object.keys(values)
  if (names.length > 1) names.sort(compareCodePoints)
  return JSON.stringify(names.map((name) => [name, values[name]]))
}

/**
 * SHA-256 (hex) of the values, independent of key order: the pairs sorted by name (byte-wise),
 * each name and value fed to the hash with its UTF-8 length in front (`<bytes>:<text>`), which
 * makes the encoding injective like {@link canonicalValues} without an escaping pass. Small values
 * are joined and hashed in one call; large ones are streamed into the hash, never copied.
 *
 * @since 0.1.0
 * @category utils
 */
export const valuesDigest = (values: Readonly<Record<string, string>>): string => {
  const names = Object.keys(values)
  if (names.length > 1) names.sort(compareCodePoints)
  let length = 0
  for (const name of names) length += name.length + (values[name]?.length ?? 0)
  if (length <= oneShotLimit) {
    let text = `${names.length};`
    for (const name of names) {
      const value = values[name] ?? ""
      text += `${Buffer.byteLength(name)}:${name}${Buffer.byteLength(value)}:${value}`
    }
    return sha256(text)
  }
  const hash = Crypto.createHash("sha256")
  hash.update(`${names.length};`)
  for (const name of names) {
    const value = values[name] ?? ""
    hash.update(`${Buffer.byteLength(name)}:`).update(name).update(`${Buffer.byteLength(value)}:`).update(value)
  }
  return hash.digest("hex")
}

/**
 * How owners are digested for one set of fields read: each field with the start of its canonical
 * pair (`["name",`), and the last owner digested (a snapshot) with its digest. The renders of a
 * reconcile cycle are for one owner, so its text is built and hashed once per set of fields, and
 * the next owners are compared to it (a changed owner, or one changed in place, is digested again).
 */
interface Reading {
  readonly prefixes: ReadonlyArray<readonly [keyof Owner.WorkspaceOwner, string]>
  last: Owner.WorkspaceOwner | undefined
  digest: string
}

const readings = new WeakMap<CompiledTemplate.OwnerReads, Reading>()
/** One reading per set of fields (at most one per subset of `Owner.fields`), shared by templates. */
const readingsByFields = new Map<string, Reading>()

const readingOf = (reads: CompiledTemplate.OwnerReads): Reading => {
  let reading = readings.get(reads)
  if (reading === undefined) {
    const fields = reads._tag === "Fields" ? Owner.fields.filter((field) => reads.fields.has(field)) : Owner.fields
    const id = fields.join(",")
    reading = readingsByFields.get(id)
    if (reading === undefined) {
      reading = {
        prefixes: fields.map((field) => [field, `[${JSON.stringify(field)},`] as const),
        last: undefined,
        digest: ""
      }
      readingsByFields.set(id, reading)
    }
    readings.set(reads, reading)
  }
  return reading
}

/**
 * The owner digest for a compiled template: a constant when the template never reads
 * `data.coder_workspace_owner` (renders are then shared across owners), otherwise SHA-256 of the
 * owner fields the template can read (the JSON array of their `[field, value]` pairs).
 *
 * @since 0.1.0
 * @category utils
 */
export const ownerDigest = (reads: CompiledTemplate.OwnerReads, owner: Owner.WorkspaceOwner): string => {
  if (reads._tag === "None") return "-"
  const reading = readingOf(reads)
  if (reading.last !== undefined && Owner.same(owner, reading.last)) return reading.digest
  const { prefixes } = reading
  let text = "["
  for (let i = 0; i < prefixes.length; i++) {
    const [field, prefix] = prefixes[i]!
    text += `${i === 0 ? "" : ","}${prefix}${JSON.stringify(owner[field]) ?? "null"}]`
  }
  text += "]"
  reading.digest = sha256(text)
  reading.last = Owner.snapshot(owner)
  return reading.digest
}

/**
 * The key of one render in the `RenderCache`: template version, owner digest and values digest
 * (compared by `id`), carrying the render job until the cache's lookup takes it.
 *
 * @since 0.1.0
 * @category models
 */
export class RenderKey<A = unknown> implements Equal.Equal {
  /** `versionId`, owner digest and values digest joined by NUL: the identity of the key. */
  readonly id: string
  #request: A | undefined
  constructor(
    readonly templateVersionId: string,
    readonly ownerDigest: string,
    readonly valuesDigest: string,
    /** What to render on a miss; not part of the identity. */
    request: A
  ) {
    this.id = `${templateVersionId}\u0000${ownerDigest}\u0000${valuesDigest}`
    this.#request = request
  }
  /** What to render on a miss, until {@link take} took it. */
  get request(): A | undefined {
    return this.#request
  }
  /** The request, let go of by the key (the cache's lookup takes it once). */
  take(): A | undefined {
    const request = this.#request
    this.#request = undefined
    return request
  }
  [Equal.symbol](that: Equal.Equal): boolean {
    return that instanceof RenderKey && that.id === this.id
  }
  [Hash.symbol](): number {
    return Hash.cached(this, Hash.string(this.id))
  }
}

/**
 * Build the key of a render request from the owner fields the version reads (the caller's side of
 * the worker pool, which has no compiled template).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeWith = <A>(
  templateVersionId: string,
  ownerReads: CompiledTemplate.OwnerReads,
  owner: Owner.WorkspaceOwner,
  values: Readonly<Record<string, string>>,
  request: A
): RenderKey<A> => new RenderKey(templateVersionId, ownerDigest(ownerReads, owner), valuesDigest(values), request)

/**
 * Build the key of a render request.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <A>(
  templateVersionId: string,
  template: CompiledTemplate.CompiledTemplate,
  owner: Owner.WorkspaceOwner,
  values: Readonly<Record<string, string>>,
  request: A
): RenderKey<A> =>
  new RenderKey(templateVersionId, ownerDigest(template.ownerReads, owner), valuesDigest(values), request)
