/**
 * Operating `warmpool serve` (issue 12): flags take effect in the real binary, start-up problems
 * are one line naming the fix, logs can be JSON, and the banner tells the truth (bind address,
 * masked supplied token, a login link carrying a generated one).
 *
 * One server runs a `command` provisioner that always fails (a marker on stderr, exit 1) with
 * `--hard-limit 1 --backoff-interval 1s --render-cache-capacity 1`: its preset must reach the hard
 * limit, and three distinct renders must leave at most one cached render.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { scrape } from "./metrics.js"
import { binPath, eventually, repoRoot, type RunningServer, startServer } from "./server.js"

const template = `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}

data "coder_workspace_preset" "one" {
  name       = "one"
  parameters = { size = "small" }
  prebuilds {
    instances = 1
  }
}
`

const marker = "WARMPOOL-E2E-PROVISIONER-MARKER"

interface Exited {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly elapsedMs: number
}

/** Runs the binary to its exit (killed after `timeoutMs`), with no inherited `WARMPOOL_*` variable. */
const runBinary = (args: ReadonlyArray<string>, timeoutMs = 20_000): Promise<Exited> =>
  new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { NO_COLOR: "1" }
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("WARMPOOL_")) env[k] = v
    const started = Date.now()
    const child = spawn(process.execPath, [binPath, ...args], { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c))
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.once("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started })
    })
  })

let root: string
let failing: RunningServer | undefined

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-e2e-operating-"))
  fs.mkdirSync(path.join(root, "templates", "failing"), { recursive: true })
  fs.writeFileSync(path.join(root, "templates", "failing", "main.tf"), template)
  failing = await startServer({
    templates: path.join(root, "templates"),
    args: [
      "--provisioner",
      "command",
      "--provisioner-command",
      "/bin/sh",
      "--provisioner-args",
      "-c",
      "--provisioner-args",
      `cat >/dev/null; echo ${marker} >&2; exit 1`,
      "--hard-limit",
      "1",
      "--backoff-interval",
      "1s",
      "--render-cache-capacity",
      "1"
    ]
  })
}, 90_000)

afterAll(async () => {
  await failing?.dispose()
  if (root !== undefined) fs.rmSync(root, { recursive: true, force: true })
})

describe("warmpool serve: settings take effect", () => {
  it("--hard-limit 1 with a failing command provisioner hard-limits the preset, logged once", async () => {
    const server = failing!
    const row = await eventually("the preset is hard-limited", async () => {
      const reply = await server.request("/api/v1/presets")
      const preset = (reply.json?.presets ?? []).find((p: { preset: string }) => p.preset === "one")
      return preset?.status === "hard_limited" ? preset : undefined
    }, 30_000)
    expect(row.template).toBe("failing")
    // A few more cycles: the hard limit is announced when it happens, not every cycle.
    await new Promise((resolve) => setTimeout(resolve, 3000))
    const output = server.output()
    expect(output.split("reached the failure hard limit").length - 1).toBe(1)
    expect(output.split("entered backoff").length - 1).toBeLessThanOrEqual(1)
    expect(output).not.toContain("preset is in backoff")
  }, 60_000)

  it("--render-cache-capacity 1 keeps at most one render after three distinct ones", async () => {
    const server = failing!
    const presets = await server.request("/api/v1/presets")
    const version = presets.json.presets[0].templateVersionId as string
    for (const size of ["a", "b", "c"]) {
      const reply = await server.request(`/api/v1/templateversions/${version}/render`, {
        json: { values: { size } }
      })
      expect(reply.status).toBe(200)
    }
    const metrics = await scrape(server)
    expect(metrics.value("coderd_prebuilds_render_cache_size_entries")).toBeLessThanOrEqual(1)
  })

  it("the banner names the real bind address and masks the supplied token", () => {
    const output = failing!.output()
    expect(output).toMatch(/serving on http:\/\/127\.0\.0\.1:\d+/)
    expect(output).not.toContain(failing!.token)
    expect(output).toContain(`${failing!.token.slice(0, 2)}***`)
    expect(output).not.toContain("#token=")
  })
})

describe("warmpool serve: start-up problems", () => {
  it("a busy port exits non-zero within seconds, naming the address and suggesting --port", async () => {
    const result = await runBinary(["serve", "--db", ":memory:", "--port", String(failing!.port), "--token", "t"])
    expect(result.code).not.toBe(0)
    expect(result.elapsedMs).toBeLessThan(15_000)
    expect(result.stderr).toContain(`127.0.0.1:${failing!.port}`)
    expect(result.stderr).toContain("--port")
    expect(result.stderr.trim().split("\n")).toHaveLength(1)
  }, 30_000)

  it("a missing templates directory is one line, exit 1", async () => {
    const missing = path.join(root, "no-such-directory")
    const result = await runBinary(["serve", "--db", ":memory:", "--port", "0", "--templates", missing])
    expect(result.code).toBe(1)
    expect(result.stderr.trim()).toBe(`warmpool serve: --templates: the directory ${missing} does not exist`)
  }, 30_000)

  it("an invalid setting is a usage error naming the setting and its source", async () => {
    const result = await runBinary(["serve", "--interval", "5 minutes"])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain("interval (--interval)")
  }, 30_000)
})

describe("warmpool serve: logs and login", () => {
  it("--log-format json writes one JSON object per line; a generated token comes in the login link", async () => {
    const server = await startServer({
      templates: path.join(root, "templates"),
      args: ["--log-format", "json"],
      token: undefined
    })
    try {
      await eventually("a reconcile cycle is logged", () => server.output().includes("reconcile cycle") || undefined)
      const lines = server.output().split("\n").filter((line) => line.trim() !== "")
      expect(lines.length).toBeGreaterThan(2)
      for (const line of lines) {
        const entry = JSON.parse(line)
        expect(Object.keys(entry)).toEqual(expect.arrayContaining(["timestamp", "level", "message", "fields"]))
        expect(typeof entry.message).toBe("string")
        expect(Number.isNaN(Date.parse(entry.timestamp))).toBe(false)
      }
      const banner = lines.map((line) => JSON.parse(line)).find((e) => String(e.message).includes("is serving on"))
      expect(banner.fields.bind).toBe(`127.0.0.1:${server.port}`)
    } finally {
      await server.dispose()
    }
  }, 60_000)

  it("without --token the login link carries a generated token that the API accepts", async () => {
    const child = spawn(process.execPath, [binPath, "serve", "--db", ":memory:", "--port", "0"], {
      cwd: repoRoot,
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("WARMPOOL_"))) },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.setEncoding("utf8").on("data", (c: string) => (output += c))
    child.stderr.setEncoding("utf8").on("data", (c: string) => (output += c))
    try {
      const link = await eventually(
        "the login link",
        () => /log in\s+(http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(output) ?? undefined,
        30_000
      )
      const token = decodeURIComponent(link[2]!)
      const reply = await fetch(`${link[1]}/api/v1/presets`, { headers: { authorization: `Bearer ${token}` } })
      expect(reply.status).toBe(200)
      expect(output).not.toMatch(/API token\s+\S*[A-Za-z0-9_-]{20,}/)
    } finally {
      child.kill("SIGKILL")
    }
  }, 60_000)
})
