import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { filesystemFunctions } from "../../src/functions/filesystem.js"
import type { Value } from "../../src/Value.js"
import { call, memoryFiles, named, s } from "./support.js"

const template = () =>
  memoryFiles({
    "main.tf": "resource \"x\" \"y\" {}\n",
    "hello.txt": "Hello World",
    "unicode.txt": "e\u0301☃",
    "binary.bin": Uint8Array.of(0xff, 0x00, 0xfe),
    "scripts/setup.sh": "#!/bin/sh\necho hi\n",
    "scripts/nested/deep.sh": "deep",
    "scripts/.hidden": "hidden",
    "files/a.txt": "a",
    "files/b.txt": "b",
    "files/c.json": "{}",
    "files/[x].txt": "bracket",
    ".terraform/modules/app/main.tf": "module file",
    ".terraform/modules/app/templates/init.sh": "init"
  })

type Case = readonly [name: string, args: ReadonlyArray<Value>, expected: unknown]

const noFile = (path: string) =>
  `no file exists at "${path}"; this function works only with files that are distributed as part of the configuration source code, so if this file will be created by a resource in this configuration you must instead obtain this result from an attribute of that resource`

const cases: ReadonlyArray<Case> = [
  ["file", [s("hello.txt")], "Hello World"],
  ["file", [s("./hello.txt")], "Hello World"],
  ["file", [s("scripts/../hello.txt")], "Hello World"],
  ["file", [s("./scripts/setup.sh")], "#!/bin/sh\necho hi\n"],
  ["file", [s("unicode.txt")], "é☃"],
  ["file", [s(".terraform/modules/app/templates/init.sh")], "init"],
  ["file", [s("missing.txt")], { error: noFile("missing.txt"), argument: 0 }],
  ["file", [s("./scripts/../missing.txt")], { error: noFile("missing.txt"), argument: 0 }],
  ["file", [s("scripts")], {
    error: "failed to read file \"scripts\": read scripts: is a directory",
    argument: 0
  }],
  ["file", [s(".")], { error: "failed to read file \".\": read .: is a directory", argument: 0 }],
  ["file", [s("binary.bin")], {
    error:
      "contents of \"binary.bin\" are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"
  }],
  ["filebase64", [s("binary.bin")], "/wD+"],
  ["filebase64", [s("hello.txt")], "SGVsbG8gV29ybGQ="],
  ["filemd5", [s("hello.txt")], "b10a8db164e0754105b7a99be72e3fe5"],
  ["filesha1", [s("hello.txt")], "0a4d55a8d778e5022fab701977c5d840bbc486d0"],
  ["filesha256", [s("hello.txt")], "a591a6d40bf420404a011733cfb7b190d62c65bf0bcda32b57b277d9ad9f146e"],
  [
    "filesha512",
    [s("hello.txt")],
    "2c74fd17edafd80e8447b0d46741ee243b7eb74dd2149a0ab1b9246fb30382f27e853d8585719e0e67cbda0daa8f51671064615d645ae27acb15bfb1447f459b"
  ],
  ["filebase64sha256", [s("hello.txt")], "pZGm1Av0IEBKARczz7exkNYsZb8LzaMrV7J32a2fFG4="],
  [
    "filebase64sha512",
    [s("hello.txt")],
    "LHT9F+2v2A6ER7DUZ0HuJDt+t03SFJoKsbkkb7MDgvJ+hT2FhXGeDmfL2g2qj1FnEGRhXWRa4nrLFb+xRH9Fmw=="
  ],
  ["filesha256", [s("binary.bin")], "af9ceddc9d8b08ac09e1994bfd20459b5e377425df7354dfce3501992828a5b7"],
  ["filesha256", [s("missing.txt")], { error: "open missing.txt: no such file or directory" }],
  ["filesha256", [s("scripts")], { error: "read scripts: is a directory" }],
  ["fileexists", [s("hello.txt")], true],
  ["fileexists", [s("./files/a.txt")], true],
  ["fileexists", [s("nope.txt")], false],
  ["fileexists", [s("files/nope/x")], false],
  ["fileexists", [s("files")], { error: "\"files\" is a directory, not a file", argument: 0 }],
  ["fileset", [s("."), s("*.txt")], ["hello.txt", "unicode.txt"]],
  ["fileset", [s("files"), s("*.txt")], ["[x].txt", "a.txt", "b.txt"]],
  ["fileset", [s("files"), s("{a,c}.*")], ["a.txt", "c.json"]],
  ["fileset", [s("files"), s("[ab].txt")], ["a.txt", "b.txt"]],
  ["fileset", [s("files"), s("[!a].txt")], ["b.txt"]],
  ["fileset", [s("files"), s("?.txt")], ["a.txt", "b.txt"]],
  ["fileset", [s("files"), s("\\[x\\].txt")], ["[x].txt"]],
  ["fileset", [s("scripts"), s("**")], [".hidden", "nested/deep.sh", "setup.sh"]],
  ["fileset", [s("scripts"), s("**/*.sh")], ["nested/deep.sh", "setup.sh"]],
  ["fileset", [s("scripts"), s("*")], [".hidden", "setup.sh"]],
  ["fileset", [s("."), s("scripts/*.sh")], ["scripts/setup.sh"]],
  ["fileset", [s("./.terraform/modules/app"), s("templates/*")], ["templates/init.sh"]],
  ["fileset", [s("."), s("/files/a.txt")], ["files/a.txt"]],
  ["fileset", [s("files"), s("")], []],
  ["fileset", [s("files/a.txt"), s("")], ["."]],
  ["fileset", [s("nowhere"), s("*")], []],
  ["fileset", [s("files"), s("[a")], { error: "failed to glob pattern \"files/[a\": syntax error in pattern" }],
  ["fileset", [s("files"), s("{a,b")], { error: "failed to glob pattern \"files/{a,b\": syntax error in pattern" }],
  ["abspath", [s("a/b/../c")], "/a/c"],
  ["abspath", [s("/etc/passwd")], "/etc/passwd"],
  ["abspath", [s("../../x")], "/x"],
  ["abspath", [s("")], "/"],
  ["basename", [s("foo/bar/baz.txt")], "baz.txt"],
  ["basename", [s("foo/bar/")], "bar"],
  ["basename", [s("/")], "/"],
  ["basename", [s("")], "."],
  ["dirname", [s("foo/bar/baz.txt")], "foo/bar"],
  ["dirname", [s("baz.txt")], "."],
  ["dirname", [s("/baz.txt")], "/"],
  ["dirname", [s("foo//bar/")], "foo/bar"],
  ["pathexpand", [s("foo/bar")], "foo/bar"],
  ["pathexpand", [s("~/.ssh/id_rsa")], { error: "not allowed to expand paths starting with '~' in this context" }],
  ["pathexpand", [s("~")], { error: "not allowed to expand paths starting with '~' in this context" }],
  ["pathexpand", [s("~bob/x")], { error: "not allowed to expand paths starting with '~' in this context" }]
]

describe("filesystem functions", () => {
  it.each(named(cases))("%s", (_, name, args, expected) => {
    expect(call(filesystemFunctions, name, args, template())).toEqual(expected)
  })

  it("reads through ${path.module} in a module directory", () => {
    expect(call(filesystemFunctions, "file", [s(".terraform/modules/app/./templates/init.sh")], template())).toEqual(
      "init"
    )
    expect(call(filesystemFunctions, "file", [s("./hello.txt")], template())).toEqual("Hello World")
  })
})

describe("filesystem sandbox", () => {
  const attacks: ReadonlyArray<readonly [string, RegExp]> = [
    ["../x", /outside the template directory/],
    ["../../../../etc/passwd", /outside the template directory/],
    ["a/../../x", /outside the template directory/],
    ["scripts/../../hello.txt", /outside the template directory/],
    ["./..", /outside the template directory/],
    ["..", /outside the template directory/],
    ["/etc/passwd", /absolute path "\/etc\/passwd" is not allowed/],
    ["//etc/passwd", /absolute path/],
    ["C:\\x", /backslash/],
    ["C:/x", /absolute path "C:\/x" is not allowed/],
    ["scripts\\..\\..\\x", /backslash/],
    ["\\\\server\\share", /backslash/],
    ["hello.txt\0.png", /NUL character/],
    ["a/".repeat(3000) + "x", /longer than 4096/]
  ]

  for (const fn of ["file", "filebase64", "filesha256", "filemd5", "fileexists"]) {
    it.each(attacks)(`${fn} rejects %j`, (path, message) => {
      const files = template()
      const r = call(filesystemFunctions, fn, [s(path)], files) as { error: string; argument?: number }
      expect(r.error).toMatch(message)
      expect(r.argument).toEqual(0)
      expect(files.reads).toEqual([])
    })
  }

  it.each(["file", "filebase64", "filesha1", "fileexists"])("%s rejects ~ paths", (fn) => {
    const files = template()
    const r = call(filesystemFunctions, fn, [s("~/.ssh/id_rsa")], files) as { error: string }
    expect(r.error).toEqual("failed to expand ~: not allowed to expand paths starting with '~' in this context")
    expect(files.reads).toEqual([])
  })

  it("fileset rejects base paths and patterns outside the root", () => {
    expect(call(filesystemFunctions, "fileset", [s("/etc"), s("*")], template())).toEqual({
      error: "the absolute path \"/etc\" is not allowed; file paths are relative to the template directory",
      argument: 0
    })
    expect((call(filesystemFunctions, "fileset", [s(".."), s("*")], template()) as { error: string }).error).toMatch(
      /outside the template directory/
    )
    expect(
      (call(filesystemFunctions, "fileset", [s("files"), s("../../*")], template()) as { error: string }).error
    ).toMatch(/outside the template directory/)
  })

  it("fileset refuses patterns that expand to too many alternatives", () => {
    const r = call(filesystemFunctions, "fileset", [s("."), s("{a,b}".repeat(12))], template()) as { error: string }
    expect(r.error).toMatch(/more than 1024 alternatives/)
  })

  it("fileset matching stays fast on adversarial patterns", () => {
    const many: Record<string, string> = {}
    for (let i = 0; i < 200; i++) many[`d/${"a".repeat(60)}${i}`] = "x"
    const files = memoryFiles(many)
    const started = performance.now()
    const r = call(filesystemFunctions, "fileset", [s("d"), s("*a*a*a*a*a*a*a*a*a*a*b")], files)
    expect(r).toEqual([])
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it("never escapes the root for arbitrary paths", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("..", ".", "a", "files", "hello.txt", "", "~", "/", "\\", "x\0"), { maxLength: 8 }),
        (parts) => {
          const files = template()
          const path = parts.join("/")
          call(filesystemFunctions, "file", [s(path)], files)
          call(filesystemFunctions, "fileexists", [s(path)], files)
          call(filesystemFunctions, "fileset", [s(path), s("**")], files)
          for (const read of files.reads) {
            expect(read.startsWith("/")).toBe(false)
            expect(read.split("/")).not.toContain("..")
            expect(read.split("/")).not.toContain(".")
            expect(read).not.toContain("\\")
            expect(read).not.toContain("\0")
          }
        }
      )
    )
  })
})
