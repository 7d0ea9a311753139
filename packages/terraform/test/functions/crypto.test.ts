import { describe, expect, it } from "@effect/vitest"
import * as Crypto from "node:crypto"
import { cryptoFunctions } from "../../src/functions/crypto.js"
import { call, s } from "./support.js"

const rsadecrypt = (ciphertext: string, key: string) => call(cryptoFunctions, "rsadecrypt", [s(ciphertext), s(key)])

const { privateKey, publicKey } = Crypto.generateKeyPairSync("rsa", { modulusLength: 1024 })
const pkcs1 = privateKey.export({ type: "pkcs1", format: "pem" }).toString()
const pkcs8 = privateKey.export({ type: "pkcs8", format: "pem" }).toString()

const encrypt = (text: string): string =>
  Crypto.publicEncrypt({ key: publicKey, padding: Crypto.constants.RSA_PKCS1_PADDING }, Buffer.from(text, "utf8"))
    .toString("base64")

describe("rsadecrypt", () => {
  it("decrypts PKCS #1 v1.5 ciphertext with PKCS #1 and PKCS #8 keys", () => {
    const ciphertext = encrypt("Hello, world! ☃")
    expect(rsadecrypt(ciphertext, pkcs1)).toEqual("Hello, world! ☃")
    expect(rsadecrypt(ciphertext, pkcs8)).toEqual("Hello, world! ☃")
    expect(rsadecrypt(encrypt(""), pkcs1)).toEqual("")
  })

  it("finds the key inside surrounding text", () => {
    expect(rsadecrypt(encrypt("x"), `some preamble\n${pkcs1}\ntrailer`)).toEqual("x")
  })

  it("reports bad ciphertext", () => {
    expect(rsadecrypt("not base64!", pkcs1)).toEqual({
      error: "failed to decode input \"not base64!\": cipher text must be base64-encoded",
      argument: 0
    })
    expect(rsadecrypt(Buffer.from("short").toString("base64"), pkcs1)).toEqual({
      error: "failed to decrypt: crypto/rsa: decryption error"
    })
    const tooLong = Buffer.alloc(200, 1).toString("base64")
    expect(rsadecrypt(tooLong, pkcs1)).toEqual({ error: "failed to decrypt: crypto/rsa: decryption error" })
    const other = Crypto.generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
      type: "pkcs1",
      format: "pem"
    }).toString()
    expect(rsadecrypt(encrypt("x"), other)).toEqual({ error: "failed to decrypt: crypto/rsa: decryption error" })
  })

  it("reports bad keys", () => {
    const ciphertext = encrypt("x")
    expect(rsadecrypt(ciphertext, "not a key")).toEqual({
      error: "invalid private key: ssh: no key found",
      argument: 1
    })
    expect(rsadecrypt(ciphertext, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")).toEqual({
      error: "invalid private key: ssh: unsupported key type \"CERTIFICATE\"",
      argument: 1
    })
    expect(
      rsadecrypt(
        ciphertext,
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"
      )
    ).toEqual({ error: "invalid private key: ssh: this private key is passphrase protected", argument: 1 })
    expect(rsadecrypt(ciphertext, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n")).toEqual({
      error: "invalid ASN1 data in the given private key: the key could not be decoded",
      argument: 1
    })
    const ec = Crypto.generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
      type: "pkcs8",
      format: "pem"
    }).toString()
    expect(rsadecrypt(ciphertext, ec)).toEqual({
      error: "invalid private key type: a ec key cannot decrypt",
      argument: 1
    })
  })
})
