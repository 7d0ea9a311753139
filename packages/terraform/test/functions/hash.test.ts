import { describe, expect, it } from "@effect/vitest"
import bcryptjs from "bcryptjs"
import * as fc from "fast-check"
import { hashFunctions } from "../../src/functions/hash.js"
import type { Value } from "../../src/Value.js"
import { call, find, n, named, s } from "./support.js"

type Case = readonly [name: string, args: ReadonlyArray<Value>, expected: unknown]

const cases: ReadonlyArray<Case> = [
  ["md5", [s("hello world")], "5eb63bbbe01eeed093cb22bb8f5acdc3"],
  ["md5", [s("")], "d41d8cd98f00b204e9800998ecf8427e"],
  ["sha1", [s("hello world")], "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"],
  ["sha256", [s("hello world")], "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"],
  [
    "sha512",
    [s("hello world")],
    "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f"
  ],
  ["sha256", [s("☃")], "51643361c79ecaef25a8de802de24f570ba25d9c2df1d22d94fade11b4f466cc"],
  ["base64sha256", [s("hello world")], "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="],
  [
    "base64sha512",
    [s("hello world")],
    "MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw=="
  ],
  ["uuidv5", [s("dns"), s("www.terraform.io")], "a5008fae-b28c-5ba5-96cd-82b4c53552d6"],
  ["uuidv5", [s("url"), s("https://www.terraform.io/")], "9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5"],
  ["uuidv5", [s("oid"), s("1.3.6.1.4")], "af9d40a5-7a36-5c07-b23a-851cd99fbfa5"],
  ["uuidv5", [s("x500"), s("CN=Example,C=GB")], "84e09961-4aa4-57f8-95b7-03edb1073253"],
  [
    "uuidv5",
    [s("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), s("www.terraform.io")],
    "a5008fae-b28c-5ba5-96cd-82b4c53552d6"
  ],
  [
    "uuidv5",
    [s("6BA7B810-9DAD-11D1-80B4-00C04FD430C8"), s("www.terraform.io")],
    "a5008fae-b28c-5ba5-96cd-82b4c53552d6"
  ],
  [
    "uuidv5",
    [s("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}"), s("www.terraform.io")],
    "a5008fae-b28c-5ba5-96cd-82b4c53552d6"
  ],
  [
    "uuidv5",
    [s("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8"), s("www.terraform.io")],
    "a5008fae-b28c-5ba5-96cd-82b4c53552d6"
  ],
  ["uuidv5", [s("6ba7b8109dad11d180b400c04fd430c8"), s("www.terraform.io")], "a5008fae-b28c-5ba5-96cd-82b4c53552d6"],
  ["uuidv5", [s("DNS"), s("x")], { error: "uuidv5() doesn't support namespace DNS (invalid UUID length: 3)" }],
  ["uuidv5", [s("6ba7b810-9dad-11d1-80b4-00c04fd430cz"), s("x")], {
    error: "uuidv5() doesn't support namespace 6ba7b810-9dad-11d1-80b4-00c04fd430cz (invalid UUID format)"
  }],
  ["uuidv5", [s("6ba7b810x9dad-11d1-80b4-00c04fd430c8"), s("x")], {
    error: "uuidv5() doesn't support namespace 6ba7b810x9dad-11d1-80b4-00c04fd430c8 (invalid UUID format)"
  }],
  ["uuidv5", [s("urn:uuiX:6ba7b810-9dad-11d1-80b4-00c04fd430c8"), s("x")], {
    error:
      "uuidv5() doesn't support namespace urn:uuiX:6ba7b810-9dad-11d1-80b4-00c04fd430c8 (invalid urn prefix: \"urn:uuiX:\")"
  }],
  ["bcrypt", [s("x"), n(32)], {
    error: "error occurred generating password crypto/bcrypt: cost 32 is outside allowed range (4,31)"
  }],
  ["bcrypt", [s("x"), n(20)], { error: "bcrypt cost 20 is above warmpool's limit of 15", argument: 1 }],
  ["bcrypt", [s("x".repeat(73)), n(4)], {
    error: "error occurred generating password bcrypt: password length exceeds 72 bytes"
  }],
  ["bcrypt", [s("x"), n(4), n(5)], { error: "bcrypt() takes no more than two arguments" }],
  ["bcrypt", [s("x"), n(4.5)], {
    error: "value must be a whole number, between -9223372036854775808 and 9223372036854775807"
  }]
]

describe("hash functions", () => {
  it.each(named(cases))("%s", (_, name, args, expected) => {
    expect(call(hashFunctions, name, args)).toEqual(expected)
  })

  it("bcrypt hashes with Go's $2a$ prefix and the requested cost", () => {
    const hash = call(hashFunctions, "bcrypt", [s("hello"), n(4)]) as string
    expect(hash).toMatch(/^\$2a\$04\$[./A-Za-z0-9]{53}$/)
    expect(bcryptjs.compareSync("hello", hash)).toBe(true)
    expect(bcryptjs.compareSync("hellO", hash)).toBe(false)
  })

  it("uuid returns random version-4 UUIDs", () => {
    const a = call(hashFunctions, "uuid", []) as string
    const b = call(hashFunctions, "uuid", []) as string
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(a).not.toEqual(b)
  })

  it("marks exactly bcrypt and uuid impure", () => {
    expect(hashFunctions.filter((f) => f.impure === true).map((f) => f.name).sort()).toEqual(["bcrypt", "uuid"])
    expect(find(hashFunctions, "uuidv5").impure).toBeUndefined()
  })

  it("uuidv5 is deterministic and well-formed", () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        const a = call(hashFunctions, "uuidv5", [s("url"), s(name)]) as string
        expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
        expect(call(hashFunctions, "uuidv5", [s("url"), s(name)])).toEqual(a)
      })
    )
  })
})
