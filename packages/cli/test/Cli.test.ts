/**
 * The built `warmpool` binary: version, help, exit statuses of usage errors and failed renders,
 * `eval --json`, `presets`.
 */
import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, "..", "..", "..")
const bin = path.join(root, "packages", "cli", "dist", "bin.js")

const warmpool = (...args: Array<string>) =>
  run(process.execPath, [bin, ...args], { cwd: root }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? -1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? ""
    })
  )

describe("warmpool (built binary)", () => {
  it("is built by the install step", () => {
    expect(fs.existsSync(bin)).toBe(true)
  })

  it("--version prints the version", async () => {
    const r = await warmpool("--version")
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toBe("0.1.0")
  })

  it("--help lists every command", async () => {
    const r = await warmpool("--help")
    expect(r.code).toBe(0)
    for (const command of ["serve", "render", "eval", "console", "presets", "simulate", "migrate", "bench"]) {
      expect(r.stdout).toContain(command)
    }
  })

  it("usage errors exit with status 2", async () => {
    expect((await warmpool("render", "examples/templates/docker-dev", "--param", "no-equals")).code).toBe(2)
    expect((await warmpool("render")).code).toBe(2)
    expect((await warmpool("no-such-command")).code).toBe(2)
  })

  it("eval --json: value, type, known and diagnostics; status 1 on errors", async () => {
    const ok = await warmpool("eval", "{a = var.n + 0.5}", "--var", "n=2", "--json")
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout)).toEqual({
      value: { a: 2.5 },
      type: "object({a=number})",
      known: true,
      diagnostics: []
    })
    const failed = await warmpool("eval", "upper(1, 2)", "--json")
    expect(failed.code).toBe(1)
    expect(JSON.parse(failed.stdout).diagnostics[0].severity).toBe("error")
  })

  it("render exits 1 on a top-level error, 0 otherwise", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-cli-"))
    try {
      fs.writeFileSync(path.join(dir, "main.tf"), "data \"coder_parameter\" \"x\" {\n  type = \"string\"\n}\n")
      const failed = await warmpool("render", dir, "--json")
      expect(failed.code).toBe(1)
      expect(JSON.parse(failed.stdout).diagnostics[0].summary).toContain("Missing required attribute \"name\"")
      const ok = await warmpool("render", "examples/templates/docker-dev", "--param", "stack=node")
      expect(ok.code).toBe(0)
      expect(ok.stdout).toContain("node:22")
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it("presets shows a failing preset and exits 1", async () => {
    const r = await warmpool("presets", "examples/templates/gpu-lab", "--json")
    expect(r.code).toBe(1)
    const presets = JSON.parse(r.stdout).presets as Array<{ name: string; status: string }>
    expect(presets.find((p) => p.name === "Legacy V100")?.status).toBe("validation_failed")
    expect(presets.find((p) => p.name === "L4 notebook")?.status).toBe("healthy")
  })
})
