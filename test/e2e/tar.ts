/**
 * A minimal ustar writer for the upload tests (regular files only, names up to 100 bytes): an
 * independent encoder, so the server's archive reader is tested against bytes it did not write.
 */

const block = 512

const octal = (value: number, width: number): string => value.toString(8).padStart(width - 1, "0") + "\0"

const header = (name: string, size: number): Uint8Array => {
  const bytes = new Uint8Array(block)
  const encoder = new TextEncoder()
  const put = (offset: number, text: string) => bytes.set(encoder.encode(text), offset)
  if (encoder.encode(name).length > 100) throw new Error(`tar entry name too long: ${name}`)
  put(0, name)
  put(100, octal(0o644, 8))
  put(108, octal(0, 8))
  put(116, octal(0, 8))
  put(124, octal(size, 12))
  put(136, octal(0, 12))
  put(148, "        ") // the checksum counts its own field as spaces
  put(156, "0")
  put(257, "ustar\0")
  put(263, "00")
  let checksum = 0
  for (const byte of bytes) checksum += byte
  put(148, checksum.toString(8).padStart(6, "0") + "\0 ")
  return bytes
}

/** A tar archive of `files` (path → contents), in the order given, ending with two zero blocks. */
export const createTar = (files: Readonly<Record<string, string | Uint8Array>>): Uint8Array => {
  const parts: Array<Uint8Array> = []
  for (const [name, contents] of Object.entries(files)) {
    const data = typeof contents === "string" ? new TextEncoder().encode(contents) : contents
    parts.push(header(name, data.length), data, new Uint8Array((block - (data.length % block)) % block))
  }
  parts.push(new Uint8Array(2 * block))
  const archive = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const part of parts) {
    archive.set(part, offset)
    offset += part.length
  }
  return archive
}
