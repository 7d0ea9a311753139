/**
 * The built `warmpool` binary as an operator meets it: help (plain text when piped, real types,
 * `warmpool <command>` usage lines), `serve --print-config` (precedence flag > env > file, secrets
 * redacted), `render` input checks (unknown `--param`, type errors, `--strict`, parse-error
 * positions), and the help console's rewriting as a unit.
 */
import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"
import { colorAllowed, commandPath, rewrite } from "../src/internal/helpConsole.js"

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, "..", "..", "..")
const bin = path.join(root, "packages", "cli", "dist", "bin.js")

const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("WARMPOOL_") && k !== "NO_COLOR") env[k] = v
  return { ...env, ...extra }
}

const warmpool = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  run(process.execPath, [bin, ...args], { cwd: root, env: cleanEnv(env) }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? -1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? ""
    })
  )

const ansi = /\u001b\[/

describe("help", () => {
  it("is plain text when piped (no ANSI), with warmpool <command> usage lines", async () => {
    for (const command of [["--help"], ["serve", "--help"], ["render", "--help"], ["bench", "reconcile", "--help"]]) {
      const r = await warmpool(command)
      expect(r.code).toBe(0)
      expect(r.stdout).not.toMatch(ansi)
      const usage = r.stdout.split("\n").filter((line) => line.startsWith("$ "))
      expect(usage.length).toBeGreaterThan(0)
      for (const line of usage) expect(line).toMatch(/^\$ warmpool( |$)/)
      if (command.length > 1) expect(usage[0]).toContain(`$ warmpool ${command.slice(0, -1).join(" ")}`)
    }
  })

  it("serve --help: real types, one sentence, a default and a variable per setting; no generic sentences", async () => {
    const r = await warmpool(["serve", "--help"])
    expect(r.stdout).not.toContain("A user-defined piece of text.")
    expect(r.stdout).not.toMatch(/--\S+ text(?![|\w])/)
    for (const typed of ["--interval duration", "--port integer", "--templates path", "--db path|url"]) {
      expect(r.stdout).toContain(typed)
    }
    expect(r.stdout).toContain("Default: 1m. Env: WARMPOOL_INTERVAL.")
    expect(r.stdout).toContain("Default: 127.0.0.1. Env: WARMPOOL_HOST.")
  })
})

describe("helpConsole (unit)", () => {
  const table: ReadonlyArray<readonly [boolean | undefined, Record<string, string>, boolean]> = [
    [true, {}, true],
    [true, { NO_COLOR: "1" }, false],
    [true, { NO_COLOR: "" }, true],
    [false, {}, false],
    [undefined, {}, false]
  ]
  for (const [tty, env, expected] of table) {
    it(`color allowed: tty=${tty} env=${JSON.stringify(env)} → ${expected}`, () =>
      expect(colorAllowed(tty, env)).toBe(expected))
  }

  it("command path stops at the first flag", () => {
    expect(commandPath(["bench", "reconcile", "--help"])).toEqual(["bench", "reconcile"])
    expect(commandPath(["--help"])).toEqual([])
  })

  it("rewrites usage lines and drops generic sentences, keeping colour only when allowed", () => {
    const text =
      "\u001b[1mUSAGE\u001b[0m\n\n$ render --param NAME=VALUE <dir>\n\n--db path\n\n  A user-defined piece of text.\n\n  The store.\n"
    const plain = rewrite(text, { color: false, path: ["render"] })
    expect(plain).toBe("USAGE\n\n$ warmpool render --param NAME=VALUE <dir>\n\n--db path\n\n  The store.\n")
    expect(rewrite(text, { color: true, path: ["render"] })).toMatch(ansi)
    expect(rewrite("plain output", { color: false, path: [] })).toBe("plain output")
  })
})

describe("serve --print-config", () => {
  it("shows the effective value and source of every setting: flag > env > file > default", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-cli-config-"))
    try {
      const file = path.join(dir, "warmpool.json")
      fs.writeFileSync(file, JSON.stringify({ port: 1001, interval: "30s", "hard-limit": 5, "render-cache-ttl": "2h" }))
      const r = await warmpool(
        ["serve", "--config", file, "--print-config", "--port", "1003", "--token", "s3cret-token"],
        { WARMPOOL_PORT: "1002", WARMPOOL_INTERVAL: "20s", WARMPOOL_DB: "postgres://warmpool:hunter2@db/warmpool" }
      )
      expect(r.code).toBe(0)
      const rows = new Map(
        r.stdout.trim().split("\n").map((line) => {
          const [name, value, source] = line.split(/\s{2,}/)
          return [name!, [value, source]] as const
        })
      )
      expect(rows.get("port")).toEqual(["1003", "(flag)"])
      expect(rows.get("interval")).toEqual(["20s", "(env)"])
      expect(rows.get("hard-limit")).toEqual(["5", "(file)"])
      expect(rows.get("render-cache-ttl")).toEqual(["2h", "(file)"])
      expect(rows.get("backoff-interval")).toEqual(["1m", "(default)"])
      expect(rows.get("token")).toEqual(["<redacted>", "(flag)"])
      expect(rows.get("db")).toEqual(["postgres://warmpool:***@db/warmpool", "(env)"])
      expect(r.stdout).not.toContain("s3cret")
      expect(r.stdout).not.toContain("hunter2")
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("an unknown config-file key or a malformed file is a usage error", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-cli-config-"))
    try {
      fs.writeFileSync(path.join(dir, "typo.json"), JSON.stringify({ prot: 1 }))
      fs.writeFileSync(path.join(dir, "broken.json"), "{")
      const typo = await warmpool(["serve", "--config", path.join(dir, "typo.json"), "--print-config"])
      expect(typo.code).toBe(2)
      expect(typo.stderr).toContain("unknown setting \"prot\"")
      const broken = await warmpool(["serve", "--config", path.join(dir, "broken.json"), "--print-config"])
      expect(broken.code).toBe(2)
      expect(broken.stderr).toContain("is not JSON")
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe("render input checks", () => {
  const docker = "examples/templates/docker-dev"

  it("warns about an unknown --param and reports a wrong type as a type error (exit 1)", async () => {
    const r = await warmpool(["render", docker, "--param", "nosuch=1", "--param", "cpus=abc", "--json"])
    expect(r.code).toBe(1)
    const diagnostics = JSON.parse(r.stdout).diagnostics as Array<
      { severity: string; summary: string; detail: string; extra: { code: string } }
    >
    expect(diagnostics).toEqual(expect.arrayContaining([
      expect.objectContaining({ severity: "warning", extra: { code: "unknown_parameter" } }),
      expect.objectContaining({
        severity: "error",
        summary: "Parameter value is not of type \"number\"",
        extra: { code: "type_mismatch" }
      })
    ]))
  })

  it("an unknown --param alone warns and exits 0", async () => {
    const r = await warmpool(["render", docker, "--param", "nosuch=1"])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain("warning: Unknown parameter")
  })

  it("--strict exits 1 on a parameter's error diagnostic; without it, 0", async () => {
    expect((await warmpool(["render", docker, "--param", "cpus=99"])).code).toBe(0)
    expect((await warmpool(["render", docker, "--param", "cpus=99", "--strict"])).code).toBe(1)
    expect((await warmpool(["render", docker, "--param", "cpus=4", "--strict"])).code).toBe(0)
  })

  it("the evaluation budgets are serve's settings: --budget-max-steps or WARMPOOL_BUDGET_MAX_STEPS", async () => {
    const flag = await warmpool(["render", docker, "--budget-max-steps", "10"])
    expect(flag.code).toBe(1)
    expect(flag.stdout).toContain("more than 10 evaluation steps")
    const env = await warmpool(["render", docker], { WARMPOOL_BUDGET_MAX_STEPS: "10" })
    expect(env.code).toBe(1)
    expect(env.stdout).toContain("more than 10 evaluation steps")
    const invalid = await warmpool(["render", docker, "--budget-max-steps", "0"])
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toContain("budget-max-steps (--budget-max-steps)")
  })

  it("a missing directory is one line, without empty sections", async () => {
    const missing = path.join(os.tmpdir(), "warmpool-no-such-template-directory")
    const r = await warmpool(["render", missing])
    expect(r.code).toBe(1)
    expect(r.stdout.trim().split("\n")).toEqual([
      "Diagnostics",
      `  error: Files not found — cannot open template directory: ${missing} does not exist`
    ])
  })

  it("a parse error carries file:line:column in text and the range in --json", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-cli-parse-"))
    try {
      fs.writeFileSync(
        path.join(dir, "main.tf"),
        "data \"coder_parameter\" \"x\" {\n  name = \"x\"\n  type = \"string\"\n  default = (\n}\n"
      )
      const text = await warmpool(["render", dir])
      expect(text.code).toBe(1)
      expect(text.stdout).toMatch(/error: main\.tf:\d+:\d+: Parse terraform files/)
      const json = await warmpool(["render", dir, "--json"])
      const d = JSON.parse(json.stdout).diagnostics[0]
      expect(d.range.file).toBe("main.tf")
      expect(d.range.start.line).toBeGreaterThanOrEqual(4)
      expect(d.range.start.column).toBeGreaterThanOrEqual(1)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
