/**
 * Template versions uploaded as tar archives (optionally gzipped), read by warmpool itself: the
 * library reader it replaced read through `.buffer` (the whole, possibly pooled, ArrayBuffer
 * behind a view), did not check that an entry's declared size fits the data, and rewrote unsafe
 * names instead of refusing them. This reader works on exactly the bytes it is given, checks
 * every header's checksum and size, and refuses what it cannot represent faithfully; names are
 * then checked by `upload.ts`.
 *
 * Understood: ustar / POSIX (name + prefix), pax extended headers (`path`, `size`; global
 * headers are skipped), GNU long names (`L`), GNU base-256 sizes. Regular files become files,
 * directories are skipped, every other kind of entry (links, devices, FIFOs, sparse files) is
 * refused by name.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { gunzip } from "node:zlib"
import {
  checkEntries,
  describeName,
  normaliseName,
  type UploadEntry,
  type UploadLimits,
  UploadRefused
} from "./upload.js"

const block = 512
const utf8 = new TextDecoder("utf-8", { fatal: true })
const lossy = new TextDecoder("utf-8")

/** An entry of an archive, before its name is checked. */
export interface TarEntry {
  readonly name: string
  readonly kind: "file" | "directory"
  /** A copy of the entry's bytes (`file` only). */
  readonly data: Uint8Array
}

const refused = (message: string) => Either.left(new UploadRefused({ message }))

const field = (header: Uint8Array, offset: number, length: number): Uint8Array => {
  const bytes = header.subarray(offset, offset + length)
  const end = bytes.indexOf(0)
  return end < 0 ? bytes : bytes.subarray(0, end)
}

/** An octal number field (spaces and NULs around it allowed), or GNU base-256; `undefined` if invalid. */
const numberField = (header: Uint8Array, offset: number, length: number): number | undefined => {
  const bytes = header.subarray(offset, offset + length)
  if ((bytes[0]! & 0x80) !== 0) {
    if ((bytes[0]! & 0x40) !== 0) return undefined // negative
    let value = bytes[0]! & 0x3f
    for (let i = 1; i < bytes.length; i++) {
      value = value * 256 + bytes[i]!
      if (value > Number.MAX_SAFE_INTEGER) return undefined
    }
    return value
  }
  const text = String.fromCharCode(...bytes).replace(/[\0 ]+$/, "").replace(/^ +/, "")
  if (text === "") return 0
  if (!/^[0-7]+$/.test(text)) return undefined
  const value = parseInt(text, 8)
  return Number.isSafeInteger(value) ? value : undefined
}

const checksumMatches = (header: Uint8Array): boolean => {
  const stored = numberField(header, 148, 8)
  if (stored === undefined) return false
  let sum = 0
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!
  return sum === stored
}

const isZeroBlock = (header: Uint8Array): boolean => header.every((b) => b === 0)

/** The records of a pax extended header (`<length> <key>=<value>\n`), or why they are malformed. */
const paxRecords = (data: Uint8Array): Either.Either<Map<string, string>, string> => {
  const records = new Map<string, string>()
  let offset = 0
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset)
    if (space < 0) return Either.left("a pax record has no length")
    const lengthText = String.fromCharCode(...data.subarray(offset, space))
    if (!/^[0-9]{1,10}$/.test(lengthText)) return Either.left("a pax record has an invalid length")
    const length = Number(lengthText)
    const end = offset + length
    if (length <= space - offset + 1 || end > data.length || data[end - 1] !== 0x0a) {
      return Either.left("a pax record's length does not match its contents")
    }
    const record = data.subarray(space + 1, end - 1)
    const equals = record.indexOf(0x3d)
    if (equals < 0) return Either.left("a pax record has no '='")
    let key: string
    let value: string
    try {
      key = utf8.decode(record.subarray(0, equals))
      value = utf8.decode(record.subarray(equals + 1))
    } catch {
      return Either.left("a pax record is not valid UTF-8")
    }
    records.set(key, value)
    offset = end
  }
  return Either.right(records)
}

/**
 * The entries of an uncompressed archive, in order. At most `maxEntries` headers are read and no
 * file may be larger than `maxFileBytes`.
 */
export const readTar = (
  archive: Uint8Array,
  bounds: { readonly maxEntries: number; readonly maxFileBytes: number }
): Either.Either<ReadonlyArray<TarEntry>, UploadRefused> => {
  if (archive.length < block) return refused("not a tar archive: shorter than one 512-byte header")
  const entries: Array<TarEntry> = []
  let offset = 0
  let headers = 0
  let pending: { path?: string; size?: number } = {}
  let ended = false
  while (offset + block <= archive.length) {
    const header = archive.subarray(offset, offset + block)
    if (isZeroBlock(header)) {
      ended = true
      break
    }
    if (++headers > bounds.maxEntries) {
      return refused(`the archive has more than ${bounds.maxEntries} entries`)
    }
    const rawName = field(header, 0, 100)
    const where = () => {
      if (pending.path !== undefined) return describeName(pending.path)
      return describeName(lossy.decode(rawName))
    }
    if (!checksumMatches(header)) {
      return refused(
        entries.length === 0 && offset === 0
          ? "not a tar archive: the first header's checksum does not match"
          : `entry ${where()} (at byte ${offset}): the header's checksum does not match`
      )
    }
    const typeflag = header[156] === 0 ? "0" : String.fromCharCode(header[156]!)
    const declared = numberField(header, 124, 12)
    if (declared === undefined) return refused(`entry ${where()}: the size field is not a number`)
    const size = typeflag === "x" || typeflag === "g" || typeflag === "L" || typeflag === "K" ?
      declared :
      pending.size ?? declared
    const start = offset + block
    const available = archive.length - start
    if (size > available) {
      return refused(
        `entry ${where()}: the header declares ${size} bytes but only ${Math.max(0, available)} remain in the archive`
      )
    }
    const isMeta = typeflag === "x" || typeflag === "g" || typeflag === "L" || typeflag === "K"
    if (!isMeta && (typeflag === "0" || typeflag === "7") && size > bounds.maxFileBytes) {
      return refused(`entry ${where()}: ${size} bytes, more than the limit of ${bounds.maxFileBytes} bytes per file`)
    }
    if (isMeta && size > 1024 * 1024) return refused(`entry ${where()}: an extended header of ${size} bytes`)
    const data = archive.subarray(start, start + size)
    offset = start + Math.ceil(size / block) * block
    switch (typeflag) {
      case "x": {
        const records = paxRecords(data)
        if (Either.isLeft(records)) return refused(`entry ${where()}: ${records.left}`)
        const path = records.right.get("path")
        const paxSize = records.right.get("size")
        if (paxSize !== undefined) {
          if (!/^[0-9]{1,16}$/.test(paxSize) || !Number.isSafeInteger(Number(paxSize))) {
            return refused(`entry ${where()}: the pax size ${JSON.stringify(paxSize)} is not a number`)
          }
          pending = { ...pending, size: Number(paxSize) }
        }
        if (path !== undefined) pending = { ...pending, path }
        continue
      }
      case "g":
      case "K":
        continue
      case "L": {
        try {
          pending = { ...pending, path: utf8.decode(field(data, 0, data.length)) }
        } catch {
          return refused(
            `entry ${describeName(lossy.decode(field(data, 0, data.length)))}: the name is not valid UTF-8`
          )
        }
        continue
      }
    }
    let name: string
    if (pending.path !== undefined) {
      name = pending.path
    } else {
      const magic = String.fromCharCode(...header.subarray(257, 263))
      const prefix = magic === "ustar\0" ? field(header, 345, 155) : new Uint8Array()
      try {
        name = utf8.decode(rawName)
        if (prefix.length > 0) name = `${utf8.decode(prefix)}/${name}`
      } catch {
        return refused(`entry ${where()}: the name is not valid UTF-8`)
      }
    }
    pending = {}
    if (typeflag === "5" || ((typeflag === "0" || typeflag === "7") && name.endsWith("/") && size === 0)) {
      entries.push({ name, kind: "directory", data: new Uint8Array() })
    } else if (typeflag === "0" || typeflag === "7") {
      entries.push({ name, kind: "file", data: data.slice() })
    } else {
      return refused(
        `entry ${describeName(name)}: a ${kindName(typeflag)}; only regular files and directories are accepted`
      )
    }
  }
  if (!ended && offset < archive.length) {
    return refused(`the archive ends inside a header (${archive.length - offset} bytes after the last entry)`)
  }
  return Either.right(entries)
}

const kindName = (typeflag: string): string => {
  switch (typeflag) {
    case "1":
      return "hard link"
    case "2":
      return "symbolic link"
    case "3":
    case "4":
      return "device"
    case "6":
      return "FIFO"
    case "S":
      return "sparse file"
    default:
      return `entry of type ${JSON.stringify(typeflag)}`
  }
}

const isGzip = (data: Uint8Array): boolean => data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b

/**
 * The decompressed bytes in a fresh buffer of exactly their length (decompression runs on
 * libuv's thread pool, not the event loop), or why they cannot be had.
 */
export const gunzipExact = (data: Uint8Array, maxOutputLength: number): Effect.Effect<Uint8Array, UploadRefused> =>
  Effect.async<Uint8Array, UploadRefused>((resume) => {
    gunzip(data, { maxOutputLength }, (error, result) => {
      if (error !== null) {
        const code = (error as NodeJS.ErrnoException).code
        resume(
          Effect.fail(
            new UploadRefused({
              message: code === "ERR_BUFFER_TOO_LARGE"
                ? `the archive decompresses to more than ${maxOutputLength} bytes`
                : `not a gzip stream: ${error.message}`
            })
          )
        )
      } else {
        // `new Uint8Array(view)` copies: never hand out a view into a larger (pooled) buffer.
        resume(Effect.succeed(new Uint8Array(result)))
      }
    })
  })

/**
 * The checked files of an archive (gzipped or not) as a null-prototype record; a single top-level
 * directory holding every file is stripped from the names.
 */
export const filesOfTar = (
  archive: Uint8Array,
  limits: UploadLimits,
  options?: { readonly maxJsonDepth?: number | undefined }
): Effect.Effect<Record<string, Uint8Array | string>, UploadRefused> =>
  Effect.gen(function*() {
    // Headers and padding add at most ~1.5 KiB per file to the files' own bytes.
    const maxOutputLength = limits.maxTotalBytes + limits.maxFiles * 1536 + 1024 * 1024
    const data = isGzip(archive) ? yield* gunzipExact(archive, maxOutputLength) : archive
    const entries = yield* readTar(data, { maxEntries: limits.maxFiles * 4 + 16, maxFileBytes: limits.maxFileBytes })
    const files: Array<UploadEntry> = []
    for (const entry of entries) {
      if (entry.kind === "file") files.push({ name: entry.name, contents: entry.data })
      else {
        const normalised = normaliseName(entry.name)
        if (Either.isLeft(normalised)) {
          return yield* new UploadRefused({ message: `entry ${describeName(entry.name)}: ${normalised.left}` })
        }
      }
    }
    if (files.length === 0) return yield* new UploadRefused({ message: "the archive holds no files" })
    return yield* checkEntries(files, limits, { stripTopDirectory: true, maxJsonDepth: options?.maxJsonDepth })
  })
