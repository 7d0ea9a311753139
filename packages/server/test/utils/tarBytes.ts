/**
 * A tar writer for the reader's tests that can also lie: raw name bytes, any type flag, a
 * declared size that differs from the data, pax and GNU long-name headers, a ustar prefix, a
 * broken checksum. Written independently of the reader under test.
 */
const block = 512
const encoder = new TextEncoder()

/** One header (and its data) as the test wants it written. */
export interface RawEntry {
  /** The name field's bytes (or text, UTF-8 encoded); at most 100 bytes. */
  readonly name: string | Uint8Array
  readonly data?: string | Uint8Array | undefined
  /** The size written in the header (default: the data's length). */
  readonly declaredSize?: number | undefined
  readonly type?: string | undefined
  /** The ustar prefix field (at most 155 bytes). */
  readonly prefix?: string | undefined
  /** Corrupt the checksum. */
  readonly badChecksum?: boolean | undefined
  /** Leave out the data's padding to the next block (for a last entry). */
  readonly unpadded?: boolean | undefined
}

const bytesOf = (value: string | Uint8Array): Uint8Array => typeof value === "string" ? encoder.encode(value) : value

const octal = (value: number, width: number): string => value.toString(8).padStart(width - 1, "0") + "\0"

/** The 512-byte header of an entry. */
export const header = (entry: RawEntry): Uint8Array => {
  const bytes = new Uint8Array(block)
  const name = bytesOf(entry.name)
  if (name.length > 100) throw new Error("name field too long")
  bytes.set(name, 0)
  const put = (offset: number, text: string) => bytes.set(encoder.encode(text), offset)
  const size = entry.declaredSize ?? bytesOf(entry.data ?? "").length
  put(100, octal(0o644, 8))
  put(108, octal(0, 8))
  put(116, octal(0, 8))
  put(124, octal(size, 12))
  put(136, octal(0, 12))
  put(148, "        ")
  put(156, entry.type ?? "0")
  put(257, "ustar\0")
  put(263, "00")
  if (entry.prefix !== undefined) put(345, entry.prefix)
  let sum = 0
  for (const b of bytes) sum += b
  put(148, octal(entry.badChecksum === true ? sum + 1 : sum, 7) + " ")
  return bytes
}

/** A pax extended header (type `x`) carrying `records`. */
export const pax = (records: Readonly<Record<string, string>>): RawEntry => {
  let text = ""
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`
    const n = encoder.encode(body).length
    let length = n + String(n).length
    if (String(length).length !== String(n).length) length = n + String(length).length
    text += `${length}${body}`
  }
  return { name: "PaxHeader", type: "x", data: text }
}

/** Concatenates entries (each header, data, padding) and, unless `end` is false, two zero blocks. */
export const tarOf = (entries: ReadonlyArray<RawEntry>, end = true): Uint8Array => {
  const parts: Array<Uint8Array> = []
  for (const entry of entries) {
    const data = bytesOf(entry.data ?? "")
    parts.push(header(entry), data)
    if (entry.unpadded !== true) parts.push(new Uint8Array((block - (data.length % block)) % block))
  }
  if (end) parts.push(new Uint8Array(2 * block))
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
