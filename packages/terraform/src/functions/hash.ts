/**
 * Terraform's hash and identifier functions: `md5`, `sha1`, `sha256`, `sha512`,
 * `base64sha256`, `base64sha512`, `bcrypt`, `uuid`, `uuidv5`. `bcrypt` and `uuid` are impure (a
 * render that calls them cannot be cached).
 *
 * @since 0.1.0
 * @internal
 */
import bcryptjs from "bcryptjs"
import * as Crypto from "node:crypto"
import type { FunctionDefinition, Parameter } from "../FunctionDefinition.js"
import { FunctionError } from "../FunctionDefinition.js"
import { goQuote } from "../GoQuote.js"
import { numberOf, stringOf, toGoInt, total, wholeNumberMessage } from "../internal/functionSupport.js"
import * as T from "../Type.js"
import type { Value } from "../Value.js"
import * as V from "../Value.js"
import { encodeBase64, utf8Bytes } from "./encoding.js"

const str = (name: string): Parameter => ({ name, type: T.string })

/**
 * A digest of bytes with node:crypto (`md5`, `sha1`, `sha256`, `sha512`).
 *
 * @since 0.1.0
 */
export const digest = (algorithm: string, bytes: Uint8Array): Uint8Array =>
  Crypto.createHash(algorithm).update(bytes).digest()

const hexHash = (name: string, algorithm: string): FunctionDefinition =>
  total({
    name,
    parameters: [str("str")],
    returnType: T.string,
    impl: (args) => V.string(Buffer.from(digest(algorithm, utf8Bytes(stringOf(args[0])))).toString("hex"))
  })

const base64Hash = (name: string, algorithm: string): FunctionDefinition =>
  total({
    name,
    parameters: [str("str")],
    returnType: T.string,
    impl: (args) => V.string(encodeBase64(digest(algorithm, utf8Bytes(stringOf(args[0])))))
  })

/**
 * The highest bcrypt cost warmpool computes. Terraform accepts up to 31, but each step doubles
 * the work and a render must not be held hostage by one call (cost 31 takes days).
 *
 * @since 0.1.0
 */
export const maxBcryptCost = 15

const bcryptImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  let cost = 10
  if (args.length > 1) {
    const given = toGoInt(numberOf(args[1]))
    if (given === undefined) return new FunctionError(wholeNumberMessage)
    if (args.length > 2) return new FunctionError("bcrypt() takes no more than two arguments")
    cost = given < 4n ? 10 : given > 1000n ? 1000 : Number(given)
  }
  if (cost > 31) {
    return new FunctionError(
      `error occurred generating password crypto/bcrypt: cost ${cost} is outside allowed range (4,31)`
    )
  }
  const password = stringOf(args[0])
  if (utf8Bytes(password).length > 72) {
    return new FunctionError("error occurred generating password bcrypt: password length exceeds 72 bytes")
  }
  if (cost > maxBcryptCost) {
    return new FunctionError(`bcrypt cost ${cost} is above warmpool's limit of ${maxBcryptCost}`, 1)
  }
  const hash = bcryptjs.hashSync(password, bcryptjs.genSaltSync(cost))
  // Go writes the `$2a$` prefix; for passwords of at most 72 bytes `$2a$` and `$2b$` hash alike.
  return V.string(hash.replace(/^\$2b\$/, "$2a$"))
}

const namespaces: Record<string, string> = {
  dns: "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
  url: "6ba7b811-9dad-11d1-80b4-00c04fd430c8",
  oid: "6ba7b812-9dad-11d1-80b4-00c04fd430c8",
  x500: "6ba7b814-9dad-11d1-80b4-00c04fd430c8"
}

const hexPair = /^[0-9a-fA-F]{2}$/

/** google/uuid's `Parse`: the 16 bytes, or the error text. */
const parseUuid = (s0: string): Uint8Array | string => {
  let s = s0
  const byteLength = utf8Bytes(s0).length
  if (byteLength !== s0.length) {
    // Non-ASCII text can never be hexadecimal digits.
    return [32, 36, 38, 45].includes(byteLength) ? "invalid UUID format" : `invalid UUID length: ${byteLength}`
  }
  switch (s.length) {
    case 36:
      break
    case 45:
      if (s.slice(0, 9).toLowerCase() !== "urn:uuid:") return `invalid urn prefix: ${goQuote(s.slice(0, 9))}`
      s = s.slice(9)
      break
    case 38:
      s = s.slice(1, 37)
      break
    case 32: {
      const out = new Uint8Array(16)
      for (let i = 0; i < 16; i++) {
        const pair = s.slice(i * 2, i * 2 + 2)
        if (!hexPair.test(pair)) return "invalid UUID format"
        out[i] = parseInt(pair, 16)
      }
      return out
    }
    default:
      return `invalid UUID length: ${byteLength}`
  }
  if (s[8] !== "-" || s[13] !== "-" || s[18] !== "-" || s[23] !== "-") return "invalid UUID format"
  const out = new Uint8Array(16)
  const offsets = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]
  for (let i = 0; i < 16; i++) {
    const pair = s.slice(offsets[i]!, offsets[i]! + 2)
    if (!hexPair.test(pair)) return "invalid UUID format"
    out[i] = parseInt(pair, 16)
  }
  return out
}

const formatUuid = (b: Uint8Array): string => {
  const h = Buffer.from(b).toString("hex")
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

const uuidv5Impl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const namespaceText = stringOf(args[0])
  const known = Object.hasOwn(namespaces, namespaceText) ? namespaces[namespaceText]! : undefined
  const namespace = parseUuid(known ?? namespaceText)
  if (typeof namespace === "string") {
    return new FunctionError(`uuidv5() doesn't support namespace ${namespaceText} (${namespace})`)
  }
  const name = utf8Bytes(stringOf(args[1]))
  const input = new Uint8Array(16 + name.length)
  input.set(namespace, 0)
  input.set(name, 16)
  const hash = digest("sha1", input).slice(0, 16)
  hash[6] = (hash[6]! & 0x0f) | 0x50
  hash[8] = (hash[8]! & 0x3f) | 0x80
  return V.string(formatUuid(hash))
}

/**
 * The hash and identifier functions.
 *
 * @since 0.1.0
 */
export const hashFunctions: ReadonlyArray<FunctionDefinition> = [
  base64Hash("base64sha256", "sha256"),
  base64Hash("base64sha512", "sha512"),
  total({
    name: "bcrypt",
    parameters: [str("str")],
    variadic: { name: "cost", type: T.number },
    returnType: T.string,
    impl: bcryptImpl,
    impure: true
  }),
  hexHash("md5", "md5"),
  hexHash("sha1", "sha1"),
  hexHash("sha256", "sha256"),
  hexHash("sha512", "sha512"),
  total({
    name: "uuid",
    parameters: [],
    returnType: T.string,
    impl: () => V.string(Crypto.randomUUID()),
    impure: true
  }),
  total({
    name: "uuidv5",
    parameters: [str("namespace"), str("name")],
    returnType: T.string,
    impl: uuidv5Impl
  })
]
