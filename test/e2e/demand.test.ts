/**
 * `warmpool serve --policies` end to end (issue 16): the real binary on a SQLite file sets the
 * file's demand policies at start; they drive the pool, survive a restart without the flag, and
 * an invalid policies file stops `serve` before it starts (exit 2, one line naming the preset).
 */
import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { binPath, eventually, repoRoot, startServer } from "./server.js"

const templates = path.join(repoRoot, "examples", "demand")

const writeJson = (name: string, value: unknown): string => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-demand-e2e-"))
  const file = path.join(directory, name)
  fs.writeFileSync(file, JSON.stringify(value))
  return file
}

const runBinary = (args: ReadonlyArray<string>): Promise<{ code: number | null; stderr: string }> =>
  new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { NO_COLOR: "1" }
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("WARMPOOL_")) env[k] = v
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: repoRoot,
      env,
      stdio: ["ignore", "ignore", "pipe"]
    })
    let stderr = ""
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c))
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000)
    child.once("exit", (code) => {
      clearTimeout(timer)
      resolve({ code, stderr })
    })
  })

interface Pool {
  readonly template: string
  readonly preset: string
  readonly desired: number
  readonly running: number
  readonly activeVersion: boolean
  readonly policy: { readonly expression: string; readonly desired: number; readonly fallback: boolean } | null
}

describe("warmpool serve --policies (issue 16)", () => {
  it("sets the file's policies at start; they drive the pool and survive a restart", async () => {
    const policies = writeJson("policies.json", { "dev/standard": { expression: "baseline + 1", max: 5 } })
    const first = await startServer({ templates, args: ["--policies", policies] })
    const db = first.db
    try {
      const listed = await first.request("/api/v1/policies")
      expect(listed.json.policies).toMatchObject([
        { template: "dev", preset: "standard", expression: "baseline + 1", min: 0, max: 5 }
      ])
      const pool = async (server: typeof first) =>
        ((await server.request("/api/v1/presets")).json.presets as ReadonlyArray<Pool>).find((p) =>
          p.template === "dev" && p.preset === "standard" && p.activeVersion
        )
      await eventually("the pool follows the policy", async () => {
        const p = await pool(first)
        return p !== undefined && p.desired === 3 && p.running === 3 ? p : undefined
      }, 60_000)
      expect((await pool(first))!.policy).toMatchObject({ expression: "baseline + 1", desired: 3, fallback: false })
      expect((await first.stop()).code).toBe(0)

      const second = await startServer({ templates, db })
      try {
        expect((await second.request("/api/v1/policies")).json.policies).toMatchObject([
          { template: "dev", preset: "standard", expression: "baseline + 1" }
        ])
        expect((await pool(second))!.desired).toBe(3)
      } finally {
        await second.dispose()
      }
    } finally {
      await first.dispose()
    }
  }, 240_000)

  it("an invalid policies file is a usage error naming the preset (exit 2)", async () => {
    const policies = writeJson("bad.json", { "dev/standard": { expression: "max(baseline,", max: 5 } })
    const result = await runBinary(["serve", "--db", ":memory:", "--port", "0", "--policies", policies])
    expect(result.code).toBe(2)
    expect(result.stderr.trim().split("\n")).toHaveLength(1)
    expect(result.stderr).toContain("--policies")
    expect(result.stderr).toContain("\"dev/standard\": invalid policy expression")
  }, 60_000)
})
