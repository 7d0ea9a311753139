import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as TemplateFiles from "../src/TemplateFiles.js"

const ok = (record: Record<string, string | Uint8Array>, limits?: Partial<TemplateFiles.Limits>) => {
  const result = TemplateFiles.fromRecord(record, limits)
  if (Either.isLeft(result)) throw new Error(result.left.message)
  return result.right
}

const failure = (record: Record<string, string | Uint8Array>, limits?: Partial<TemplateFiles.Limits>) => {
  const result = TemplateFiles.fromRecord(record, limits)
  return Either.isLeft(result) ? result.left : undefined
}

describe("TemplateFiles.fromRecord", () => {
  it("stores files, sorted by code point, with text and byte access", () => {
    const files = ok({ "b.tf": "b", "a/x.tf": "x", "a.tf": new Uint8Array([104, 105]), "\u00e9.tf": "e" })
    expect(files.listFiles()).toEqual(["a.tf", "a/x.tf", "b.tf", "\u00e9.tf"])
    expect(files.readText("a.tf")).toBe("hi")
    expect(files.readFile("b.tf")).toEqual(new Uint8Array([98]))
    expect(files.readFile("missing")).toBeUndefined()
    expect(files.readText("missing")).toBeUndefined()
    expect(files.fileCount).toBe(4)
    expect(files.totalBytes).toBe(5)
    expect(files.filesIn(".")).toEqual(["a.tf", "b.tf", "\u00e9.tf"])
    expect(files.filesIn("a")).toEqual(["a/x.tf"])
    expect(files.filesIn("nope")).toEqual([])
    expect(files.hasDirectory("a")).toBe(true)
    expect(files.hasDirectory(".")).toBe(true)
    expect(files.hasDirectory("b.tf")).toBe(false)
  })

  it("is immutable: returned and given bytes are copies", () => {
    const input = new Uint8Array([1, 2, 3])
    const files = ok({ "f.bin": input })
    input[0] = 9
    const read = files.readFile("f.bin")!
    read[1] = 9
    expect(files.readFile("f.bin")).toEqual(new Uint8Array([1, 2, 3]))
  })

  it("drops a UTF-8 byte-order mark in readText", () => {
    expect(ok({ "m.tf": new Uint8Array([0xef, 0xbb, 0xbf, 0x61]) }).readText("m.tf")).toBe("a")
  })

  const invalid: ReadonlyArray<[string, string]> = [
    ["", "empty"],
    ["/etc/passwd", "absolute"],
    ["../x.tf", "\"..\" segment"],
    ["a/../b.tf", "\"..\" segment"],
    ["./a.tf", "\".\" segment"],
    ["a//b.tf", "empty segment"],
    ["a/", "empty segment"],
    ["a\\b.tf", "backslash"],
    ["..\\x.tf", "backslash"],
    ["C:/x.tf", "drive letter"],
    ["a\u0000.tf", "NUL"]
  ]
  for (const [p, reason] of invalid) {
    it(`rejects the path ${JSON.stringify(p)} (${reason})`, () => {
      const error = failure({ [p]: "x" })
      expect(error?._tag).toBe("TemplateFilesError")
      expect(error?.reason).toBe("InvalidPath")
      expect(error?.message).toContain(reason)
    })
  }

  it("rejects a path that is both a file and a directory", () => {
    expect(failure({ "a": "x", "a/b.tf": "y" })?.reason).toBe("PathConflict")
  })

  it("enforces the limits", () => {
    expect(failure({ "a": "1", "b": "2", "c": "3" }, { maxFiles: 2 })?.reason).toBe("TooManyFiles")
    expect(failure({ "a": "12345" }, { maxFileBytes: 4 })?.reason).toBe("FileTooLarge")
    expect(failure({ "a": "123", "b": "456" }, { maxTotalBytes: 5 })?.reason).toBe("TotalTooLarge")
    expect(failure({ "a": "1234" }, { maxFileBytes: 4, maxTotalBytes: 4 })).toBeUndefined()
  })
})

describe("TemplateFiles.fromDirectory", () => {
  const roots: Array<string> = []
  const tempTree = (files: Record<string, string>): string => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-files-"))
    roots.push(root)
    for (const [p, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true })
      fs.writeFileSync(path.join(root, p), content)
    }
    return root
  }
  afterAll(() => {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true })
  })

  const read = (dir: string, options?: TemplateFiles.DirectoryOptions) =>
    TemplateFiles.fromDirectory(dir, options).pipe(Effect.either, Effect.provide(NodeFileSystem.layer))

  it.effect("walks recursively, hidden entries and .terraform/modules included, provider caches not", () =>
    Effect.gen(function*() {
      const root = tempTree({
        "main.tf": "a",
        ".hidden.tfvars": "b",
        "modules/net/main.tf": "c",
        ".terraform/modules/modules.json": "{}",
        ".terraform/modules/m/main.tf": "d",
        ".terraform/providers/registry/provider.bin": "huge",
        ".terraform/terraform.tfstate": "{}"
      })
      const files = yield* read(root)
      expect(Either.isRight(files)).toBe(true)
      if (Either.isLeft(files)) return
      expect(files.right.listFiles()).toEqual([
        ".hidden.tfvars",
        ".terraform/modules/m/main.tf",
        ".terraform/modules/modules.json",
        "main.tf",
        "modules/net/main.tf"
      ])
      expect(files.right.readText("modules/net/main.tf")).toBe("c")
      expect(files.right.warnings).toEqual([])
      const all = yield* read(root, { includeTerraformCache: true })
      expect(Either.getOrThrow(all).listFiles()).toContain(".terraform/providers/registry/provider.bin")
      const again = yield* read(root)
      expect(Either.getOrThrow(again).listFiles()).toEqual(files.right.listFiles())
    }))

  it.effect("follows symbolic links inside the root and skips escaping, dangling and cyclic ones", () =>
    Effect.gen(function*() {
      const outside = tempTree({ "secret.txt": "s3cr3t", "dir/other.tf": "o" })
      const root = tempTree({ "main.tf": "m", "sub/inner.tf": "i" })
      fs.symlinkSync(path.join(outside, "secret.txt"), path.join(root, "escape.txt"))
      fs.symlinkSync(path.join(outside, "dir"), path.join(root, "escape-dir"))
      fs.symlinkSync("../../" + path.basename(outside) + "/secret.txt", path.join(root, "sub", "relative-escape.txt"))
      fs.symlinkSync(path.join(root, "missing"), path.join(root, "dangling"))
      fs.symlinkSync("inner.tf", path.join(root, "sub", "alias.tf"))
      fs.symlinkSync("sub", path.join(root, "subalias"))
      fs.symlinkSync("..", path.join(root, "sub", "up"))
      const result = yield* read(root)
      const files = Either.getOrThrow(result)
      expect(files.listFiles()).toEqual([
        "main.tf",
        "sub/alias.tf",
        "sub/inner.tf",
        "subalias/alias.tf",
        "subalias/inner.tf"
      ])
      expect(files.readText("sub/alias.tf")).toBe("i")
      const details = files.warnings.map((w) => w.detail)
      expect(details).toEqual(expect.arrayContaining([
        "dangling: it is a symbolic link whose target does not exist",
        "escape-dir: it is a symbolic link to a location outside the template directory",
        "escape.txt: it is a symbolic link to a location outside the template directory",
        "sub/relative-escape.txt: it is a symbolic link to a location outside the template directory",
        "sub/up: it is a symbolic link that forms a directory cycle"
      ]))
      expect(files.warnings.every((w) => w.severity === "warning" && w.summary === "Skipped template file")).toBe(true)
      expect(files.listFiles().some((p) => (files.readText(p) ?? "").includes("s3cr3t"))).toBe(false)
    }))

  it.effect("reports limits, missing directories and non-directories as typed errors", () =>
    Effect.gen(function*() {
      const root = tempTree({ "a.tf": "12345", "b.tf": "1", "c/d.tf": "1" })
      const reasons = [
        yield* read(root, { maxFiles: 2 }),
        yield* read(root, { maxFileBytes: 4 }),
        yield* read(root, { maxTotalBytes: 6 }),
        yield* read(root, { maxDepth: 0 }),
        yield* read(path.join(root, "nope")),
        yield* read(path.join(root, "a.tf"))
      ].map((r) => Either.isLeft(r) ? r.left.reason : "ok")
      expect(reasons).toEqual(["TooManyFiles", "FileTooLarge", "TotalTooLarge", "TooDeep", "NotFound", "NotADirectory"])
      const missing = yield* read(path.join(root, "nope"))
      if (Either.isLeft(missing)) {
        const diagnostic = TemplateFiles.toDiagnostic(missing.left)
        expect([diagnostic.severity, diagnostic.summary]).toEqual(["error", "Files not found"])
        expect(diagnostic.detail).toContain("cannot open template directory")
      }
      const tooMany = yield* read(root, { maxFiles: 2 })
      if (Either.isLeft(tooMany)) {
        expect(TemplateFiles.toDiagnostic(tooMany.left).summary).toBe("Template files rejected")
      }
      expect(Either.isRight(yield* read(root, { maxFiles: 3, maxTotalBytes: 7, maxDepth: 1 }))).toBe(true)
    }))
})
