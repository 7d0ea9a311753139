import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as fc from "fast-check"
import { gzipSync } from "node:zlib"
import { filesOfTar, readTar } from "../src/internal/tar.js"
import { checkEntries, defaultUploadLimits, type UploadLimits } from "../src/internal/upload.js"
import { pax, tarOf } from "./utils/tarBytes.js"

const decoder = new TextDecoder()

const run = (archive: Uint8Array, limits: UploadLimits = defaultUploadLimits) =>
  Effect.runPromise(Effect.either(filesOfTar(archive, limits)))

const textsOf = (files: Record<string, Uint8Array | string>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name of Object.keys(files)) {
    const value = files[name]!
    Object.defineProperty(out, name, {
      value: typeof value === "string" ? value : decoder.decode(value),
      enumerable: true
    })
  }
  return out
}

describe("tar uploads: accepted archives", () => {
  it("plain and gzipped, one top-level directory stripped, directories skipped", async () => {
    const archive = tarOf([
      { name: "tpl/", type: "5" },
      { name: "tpl/main.tf", data: "locals {}" },
      { name: "tpl/modules/m/main.tf", data: "# m" }
    ])
    for (const bytes of [archive, new Uint8Array(gzipSync(archive))]) {
      const result = await run(bytes)
      expect(Either.isRight(result)).toBe(true)
      expect(textsOf(Either.getOrThrow(result))).toEqual({ "main.tf": "locals {}", "modules/m/main.tf": "# m" })
    }
  })

  it("names from a ustar prefix, a pax path and a GNU long name; a pax size wins", async () => {
    const long = "d/".repeat(70) + "main.tf"
    const result = await run(tarOf([
      { name: "x.tf", prefix: "dir", data: "1" },
      pax({ path: "pax name with = sign.tf" }),
      { name: "ignored", data: "2" },
      { name: "././@LongLink", type: "L", data: long + "\0" },
      { name: "truncated", data: "3" },
      pax({ size: "4" }),
      { name: "sized.tf", declaredSize: 99, data: "four" }
    ]))
    expect(textsOf(Either.getOrThrow(result))).toEqual({
      "dir/x.tf": "1",
      "pax name with = sign.tf": "2",
      [long]: "3",
      "sized.tf": "four"
    })
  })

  it("keeps __proto__, constructor and toString as ordinary files", async () => {
    const files = Either.getOrThrow(
      await run(tarOf([
        { name: "__proto__", data: "p" },
        { name: "constructor", data: "c" },
        { name: "toString", data: "t" },
        { name: "main.tf", data: "m" }
      ]))
    )
    expect(Object.getPrototypeOf(files)).toBe(null)
    expect(Object.keys(files).sort()).toEqual(["__proto__", "constructor", "main.tf", "toString"])
    expect(decoder.decode(files["__proto__"] as Uint8Array)).toBe("p")
  })

  it("normalises ./ and empty segments when nothing collides", async () => {
    const result = await run(tarOf([{ name: "./main.tf", data: "a" }, { name: "mod//x.tf", data: "b" }]))
    expect(Object.keys(Either.getOrThrow(result)).sort()).toEqual(["main.tf", "mod/x.tf"])
  })
})

describe("tar uploads: refused archives name the entry", () => {
  const table: ReadonlyArray<readonly [string, Uint8Array, RegExp]> = [
    ["not an archive", new TextEncoder().encode("this is not an archive"), /not a tar archive/],
    ["a bad first checksum", tarOf([{ name: "main.tf", data: "x", badChecksum: true }]), /not a tar archive.*checksum/],
    [
      "a bad later checksum",
      tarOf([{ name: "a.tf", data: "x" }, { name: "b.tf", data: "y", badChecksum: true }]),
      /"b\.tf".*checksum/
    ],
    [
      "a declared size past the data",
      tarOf([{ name: "main.tf", data: "x" }, { name: "leak.bin", declaredSize: 14_000, data: "" }], false),
      /"leak\.bin".*declares 14000 bytes but only 0 remain/
    ],
    ["an absolute name", tarOf([{ name: "/etc/passwd", data: "x" }]), /"\/etc\/passwd".*absolute/],
    ["a .. segment", tarOf([{ name: "a/../../x.tf", data: "x" }]), /"a\/\.\.\/\.\.\/x\.tf".*"\.\." segment/],
    ["a .. directory", tarOf([{ name: "../", type: "5" }, { name: "a.tf", data: "" }]), /"\.\.\/".*"\.\." segment/],
    ["a drive letter", tarOf([{ name: "C:/x.tf", data: "x" }]), /"C:\/x\.tf".*absolute/],
    ["a backslash", tarOf([{ name: "a\\b.tf", data: "x" }]), /backslash/],
    [
      "invalid UTF-8",
      tarOf([{ name: new Uint8Array([0x61, 0xff, 0x2e, 0x74, 0x66]), data: "x" }]),
      /"a\uFFFD\.tf".*not valid UTF-8/
    ],
    [
      "an encoded lone surrogate (CESU)",
      tarOf([{ name: new Uint8Array([0x61, 0xed, 0xa0, 0x80]), data: "x" }]),
      /not valid UTF-8/
    ],
    ["a duplicate", tarOf([{ name: "main.tf", data: "1" }, { name: "main.tf", data: "2" }]), /"main\.tf".*twice/],
    [
      "./a after a",
      tarOf([{ name: "a.tf", data: "1" }, { name: "./a.tf", data: "2" }]),
      /"\.\/a\.tf".*collides with "a\.tf"/
    ],
    [
      "a//b after a/b",
      tarOf([{ name: "a/b.tf", data: "1" }, { name: "a//b.tf", data: "2" }]),
      /"a\/\/b\.tf".*collides with "a\/b\.tf"/
    ],
    ["a symbolic link", tarOf([{ name: "link", type: "2", data: "" }]), /"link".*symbolic link/],
    ["a hard link", tarOf([{ name: "hard", type: "1", data: "" }]), /"hard".*hard link/],
    ["a device", tarOf([{ name: "dev", type: "3", data: "" }]), /"dev".*device/],
    ["no files", tarOf([{ name: "dir/", type: "5" }]), /no files/],
    ["a malformed pax record", tarOf([{ name: "p", type: "x", data: "zz path=a\n" }]), /pax record/],
    [
      "a pax size that lies",
      tarOf([pax({ size: "5000" }), { name: "main.tf", data: "x" }]),
      /"main\.tf".*declares 5000 bytes/
    ],
    [
      "a header cut short",
      (() => {
        const whole = tarOf([{ name: "main.tf", data: "x" }], false)
        const out = new Uint8Array(whole.length + 100)
        out.set(whole)
        out.fill(0x41, whole.length)
        return out
      })(),
      /ends inside a header/
    ]
  ]
  for (const [what, archive, message] of table) {
    it(what, async () => {
      const result = await run(archive)
      expect(Either.isLeft(result), what).toBe(true)
      if (Either.isLeft(result)) expect(result.left.message).toMatch(message)
    })
  }

  it("limits: file count, bytes per file, bytes in total, decompressed size", async () => {
    const limits: UploadLimits = { maxFiles: 2, maxFileBytes: 10, maxTotalBytes: 15 }
    const cases: ReadonlyArray<readonly [Uint8Array, RegExp]> = [
      [tarOf([{ name: "a", data: "1" }, { name: "b", data: "2" }, { name: "c", data: "3" }]), /"c".*2 files/],
      [tarOf([{ name: "big", data: "x".repeat(11) }]), /"big".*11 bytes.*10 bytes per file/],
      [tarOf([{ name: "a", data: "x".repeat(8) }, { name: "b", data: "y".repeat(8) }]), /"b".*15 bytes in total/],
      [new Uint8Array(gzipSync(new Uint8Array(8 * 1024 * 1024))), /decompresses to more than/]
    ]
    for (const [archive, message] of cases) {
      const result = await run(archive, limits)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) expect(result.left.message).toMatch(message)
    }
  })
})

describe("tar uploads: never a foreign byte", () => {
  it("reads only the bytes of its view, not the buffer behind it", () => {
    const archive = tarOf([{ name: "main.tf", data: "x" }, { name: "leak.bin", declaredSize: 1024, data: "" }], false)
    const backing = new Uint8Array(archive.length + 4096).fill(0x53) // "SSSS…": someone else's bytes
    backing.set(archive, 1000)
    const view = backing.subarray(1000, 1000 + archive.length)
    const result = readTar(view, { maxEntries: 10, maxFileBytes: 1 << 20 })
    expect(Either.isLeft(result)).toBe(true)
  })

  it("entry data are copies of exactly their size", () => {
    const archive = tarOf([{ name: "a.tf", data: "abc" }])
    const entries = Either.getOrThrow(readTar(archive, { maxEntries: 10, maxFileBytes: 1 << 20 }))
    expect(entries[0]!.data.byteLength).toBe(3)
    expect(entries[0]!.data.buffer.byteLength).toBe(3)
    expect(entries[0]!.data.byteOffset).toBe(0)
  })

  it("a small gzipped archive decompresses into its own exactly-sized buffer", async () => {
    // Small outputs are where Node hands out views of its shared pool.
    const archive = tarOf([{ name: "a.tf", data: "abc" }])
    const result = await run(new Uint8Array(gzipSync(archive)))
    const bytes = Either.getOrThrow(result)["a.tf"] as Uint8Array
    expect(bytes.buffer.byteLength).toBe(3)
  })
})

describe("JSON file maps", () => {
  const table: ReadonlyArray<readonly [string, Record<string, string>, RegExp | undefined]> = [
    ["plain", { "main.tf": "x", "m/a.tf": "y" }, undefined],
    ["a lone high surrogate", { "a\uD800.tf": "x" }, /lone surrogate/],
    ["a lone low surrogate", { "\uDC00": "x" }, /lone surrogate/],
    ["a well-formed pair is fine", { "\uD83D\uDE00.tf": "x" }, undefined],
    ["lone surrogate contents", { "main.tf": "a\uDFFFb" }, /contents.*lone surrogate/],
    ["..", { "../escape.tf": "x" }, /"\.\.\/escape\.tf".*"\.\." segment/],
    ["absolute", { "/etc/passwd": "x" }, /absolute/],
    ["./a vs a", { "a.tf": "1", "./a.tf": "2" }, /collides/],
    ["a//b vs a/b", { "a/b": "1", "a//b": "2" }, /collides/],
    ["empty name", { "": "x" }, /empty/],
    ["only dots", { "./.": "x" }, /empty/],
    ["NUL", { "a\u0000b": "x" }, /NUL/]
  ]
  for (const [what, files, message] of table) {
    it(what, () => {
      const entries = Object.keys(files).map((name) => ({ name, contents: files[name]! }))
      const result = checkEntries(entries, defaultUploadLimits)
      if (message === undefined) expect(Either.isRight(result), what).toBe(true)
      else {
        expect(Either.isLeft(result), what).toBe(true)
        if (Either.isLeft(result)) expect(result.left.message).toMatch(message)
      }
    })
  }

  it("__proto__ survives into a null-prototype record; two maps never share a result", () => {
    const input = JSON.parse("{\"__proto__\": \"p\", \"constructor\": \"c\", \"main.tf\": \"m\"}")
    const entries = Object.keys(input).map((name) => ({ name, contents: input[name] as string }))
    const files = Either.getOrThrow(checkEntries(entries, defaultUploadLimits))
    expect(Object.getPrototypeOf(files)).toBe(null)
    expect(Object.keys(files)).toEqual(["__proto__", "constructor", "main.tf"])
    expect(files["__proto__"]).toBe("p")
  })

  it("a .json file nesting deeper than the limit is refused by name, in a map or an archive", async () => {
    const deep = "{\"locals\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}"
    const result = checkEntries([{ name: "main.tf.json", contents: deep }], defaultUploadLimits, { maxJsonDepth: 64 })
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) expect(result.left.message).toMatch(/"main\.tf\.json".*deeper than 64 levels/)
    const shallow = checkEntries(
      [{ name: "main.tf.json", contents: "{\"locals\": {\"a\": [[1]]}}" }],
      defaultUploadLimits,
      {
        maxJsonDepth: 64
      }
    )
    expect(Either.isRight(shallow)).toBe(true)
    const archived = await Effect.runPromise(
      Effect.either(
        filesOfTar(tarOf([{ name: "x.tfvars.json", data: deep }]), defaultUploadLimits, { maxJsonDepth: 64 })
      )
    )
    expect(Either.isLeft(archived)).toBe(true)
    // Not a .json file: not scanned.
    expect(
      Either.isRight(checkEntries([{ name: "main.tf", contents: deep }], defaultUploadLimits, { maxJsonDepth: 64 }))
    )
      .toBe(true)
  })

  it("limits count, bytes per file (UTF-8) and total", () => {
    const limits: UploadLimits = { maxFiles: 2, maxFileBytes: 4, maxTotalBytes: 6 }
    const cases: ReadonlyArray<readonly [Record<string, string>, RegExp]> = [
      [{ a: "", b: "", c: "" }, /"c".*2 files/],
      [{ a: "ééé" }, /"a".*6 bytes/],
      [{ a: "xxxx", b: "yyyy" }, /"b".*6 bytes in total/]
    ]
    for (const [files, message] of cases) {
      const result = checkEntries(Object.entries(files).map(([name, contents]) => ({ name, contents })), limits)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) expect(result.left.message).toMatch(message)
    }
  })
})

describe("tar uploads: fuzz", () => {
  const valid = tarOf([
    { name: "tpl/main.tf", data: "locals {}" },
    pax({ path: "tpl/pax.tf" }),
    { name: "x", data: "y".repeat(700) }
  ])

  it("random bytes, mutated and truncated archives: a value or UploadRefused, never a defect", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc.tuple(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }))
            .map(([edits]) => {
              const copy = valid.slice()
              for (const [at, byte] of edits) copy[at] = byte
              return copy
            }),
          fc.nat(valid.length).map((n) => valid.slice(0, n)),
          fc.nat(valid.length).map((n) => new Uint8Array(gzipSync(valid.slice(0, n))))
        ),
        async (archive) => {
          const exit = await Effect.runPromiseExit(filesOfTar(archive, defaultUploadLimits))
          if (Exit.isFailure(exit)) {
            expect(exit.cause._tag).toBe("Fail")
            if (exit.cause._tag === "Fail") expect(exit.cause.error._tag).toBe("UploadRefused")
          } else {
            // Whatever is accepted came from inside the archive.
            for (const value of Object.values(exit.value)) {
              expect(typeof value === "string" || value.buffer.byteLength === value.byteLength).toBe(true)
            }
          }
        }
      ),
      { numRuns: 300 }
    )
  })
})
