/**
 * Terraform's `rsadecrypt`: RSA PKCS #1 v1.5 decryption of base64 ciphertext with a PEM private
 * key. Node 20 refuses PKCS #1 v1.5 private decryption (CVE-2023-46809), so node:crypto only
 * reads the key and the decryption itself is BigInt arithmetic with the CRT parameters.
 *
 * @since 0.1.0
 * @internal
 */
import * as Crypto from "node:crypto"
import type { FunctionDefinition } from "../FunctionDefinition.js"
import { FunctionError } from "../FunctionDefinition.js"
import { goQuote } from "../GoQuote.js"
import { stringOf, total } from "../internal/functionSupport.js"
import * as T from "../Type.js"
import type { Value } from "../Value.js"
import * as V from "../Value.js"
import { decodeBase64, isCorrupt, utf8Bytes } from "./encoding.js"

const bigFromBase64Url = (s: string): bigint => {
  const hex = Buffer.from(s, "base64url").toString("hex")
  return hex === "" ? 0n : BigInt("0x" + hex)
}

const bigFromBytes = (bytes: Uint8Array): bigint => {
  const hex = Buffer.from(bytes).toString("hex")
  return hex === "" ? 0n : BigInt("0x" + hex)
}

const modPow = (base0: bigint, exponent0: bigint, modulus: bigint): bigint => {
  let result = 1n
  let base = base0 % modulus
  let exponent = exponent0
  while (exponent > 0n) {
    if ((exponent & 1n) === 1n) result = (result * base) % modulus
    exponent >>= 1n
    base = (base * base) % modulus
  }
  return result
}

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m

interface RsaKey {
  readonly n: bigint
  readonly d: bigint
  readonly p: bigint
  readonly q: bigint
  readonly dp: bigint
  readonly dq: bigint
  readonly qi: bigint
  readonly size: number
}

const supportedBlocks = new Set([
  "RSA PRIVATE KEY",
  "PRIVATE KEY",
  "EC PRIVATE KEY",
  "DSA PRIVATE KEY",
  "OPENSSH PRIVATE KEY"
])

/** golang.org/x/crypto/ssh `ParseRawPrivateKey`, limited to what Terraform accepts for RSA. */
const readKey = (pem: string): RsaKey | FunctionError => {
  const invalid = (reason: string) => new FunctionError(`invalid private key: ${reason}`, 1)
  const begin = /-----BEGIN ([^\r\n]*?)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem)
  if (begin === null) return invalid("ssh: no key found")
  const type = begin[1]!
  const body = begin[2]!
  if (/^Proc-Type:[^\r\n]*ENCRYPTED/m.test(body)) return invalid("ssh: this private key is passphrase protected")
  if (!supportedBlocks.has(type)) return invalid(`ssh: unsupported key type ${goQuote(type)}`)
  if (type === "OPENSSH PRIVATE KEY") {
    return invalid("keys in the OpenSSH format are not supported here; use a PEM (PKCS #1 or PKCS #8) key")
  }
  let key: Crypto.KeyObject
  try {
    key = Crypto.createPrivateKey({ key: begin[0], format: "pem" })
  } catch {
    return new FunctionError("invalid ASN1 data in the given private key: the key could not be decoded", 1)
  }
  if (key.asymmetricKeyType !== "rsa") {
    return new FunctionError(`invalid private key type: a ${key.asymmetricKeyType ?? "non-RSA"} key cannot decrypt`, 1)
  }
  const jwk = key.export({ format: "jwk" })
  const field = (name: "n" | "d" | "p" | "q" | "dp" | "dq" | "qi") => bigFromBase64Url(jwk[name] ?? "")
  const n = field("n")
  return {
    n,
    d: field("d"),
    p: field("p"),
    q: field("q"),
    dp: field("dp"),
    dq: field("dq"),
    qi: field("qi"),
    size: Math.ceil(n.toString(16).length / 2)
  }
}

const decryptionError = (): FunctionError => new FunctionError("failed to decrypt: crypto/rsa: decryption error")

/** PKCS #1 v1.5 decryption (Go's `rsa.DecryptPKCS1v15`). */
const decrypt = (key: RsaKey, ciphertext: Uint8Array): Uint8Array | FunctionError => {
  const k = key.size
  if (k < 11 || ciphertext.length > k) return decryptionError()
  const c = bigFromBytes(ciphertext)
  if (c >= key.n) return decryptionError()
  let m: bigint
  if (key.p > 0n && key.q > 0n && key.dp > 0n && key.dq > 0n && key.qi > 0n) {
    const m1 = modPow(c, key.dp, key.p)
    const m2 = modPow(c, key.dq, key.q)
    m = m2 + mod(key.qi * (m1 - m2), key.p) * key.q
  } else {
    m = modPow(c, key.d, key.n)
  }
  const hex = m.toString(16).padStart(k * 2, "0")
  const em = Buffer.from(hex, "hex")
  if (em.length !== k || em[0] !== 0 || em[1] !== 2) return decryptionError()
  const separator = em.indexOf(0, 2)
  if (separator < 10) return decryptionError()
  return em.subarray(separator + 1)
}

const rsadecryptImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const s = stringOf(args[0])
  const ciphertext = decodeBase64(utf8Bytes(s))
  if (isCorrupt(ciphertext)) {
    return new FunctionError(`failed to decode input ${goQuote(s)}: cipher text must be base64-encoded`, 0)
  }
  const key = readKey(stringOf(args[1]))
  if (key instanceof FunctionError) return key
  const out = decrypt(key, ciphertext)
  if (out instanceof FunctionError) return out
  return V.string(new TextDecoder("utf-8", { ignoreBOM: true }).decode(out).normalize("NFC"))
}

/**
 * The cryptographic functions.
 *
 * @since 0.1.0
 */
export const cryptoFunctions: ReadonlyArray<FunctionDefinition> = [
  total({
    name: "rsadecrypt",
    parameters: [{ name: "ciphertext", type: T.string }, { name: "privatekey", type: T.string }],
    returnType: T.string,
    impl: rsadecryptImpl
  })
]
