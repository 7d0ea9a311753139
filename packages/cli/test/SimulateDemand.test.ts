/**
 * `warmpool simulate` with a claim workload (issue 16), through the built binary: a trace and a
 * seeded rate add claims and misses to every cycle line and end with a summary line; `--json`
 * gives the same as objects; `--policies` drives `desired`; bad demand options exit with 2.
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
const templates = path.join(root, "examples", "demand")
const trace = path.join(root, "examples", "traces", "diurnal.json")

const warmpool = (...args: Array<string>) =>
  run(process.execPath, [bin, ...args], { cwd: root }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? -1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? ""
    })
  )

const tempFile = (name: string, content: string): string => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-demand-"))
  const file = path.join(directory, name)
  fs.writeFileSync(file, content)
  return file
}

describe("warmpool simulate with claims (issue 16)", () => {
  it("replays a trace: claims and misses per cycle, desired per preset, a summary line", async () => {
    // The first 9 hours of the diurnal trace (10-minute cycles).
    const r = await warmpool("simulate", templates, "--cycles", "54", "--interval", "10m", "--claims", trace)
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split("\n")
    const cycles = lines.filter((l) => l.startsWith("cycle"))
    expect(cycles).toHaveLength(54)
    for (const line of cycles) {
      expect(line).toMatch(/ claims \d+ {2}misses \d+ /)
      expect(line).toContain("dev/standard")
      expect(line).toContain("desired 2")
    }
    const summary = lines.at(-1)!
    expect(summary).toMatch(
      /^summary {2}claims \d+ {2}misses \d+ {2}miss rate \d+\.\d% {2}\| dev\/standard claims \d+ misses \d+ miss rate \d+\.\d% idle prebuild-hours \d+\.\d$/
    )
    const claims = cycles.reduce((n, l) => n + Number(/ claims (\d+) /.exec(l)![1]), 0)
    expect(summary).toContain(`claims ${claims} `)
    expect(claims).toBeGreaterThan(20)
  }, 180_000)

  it("--json with a seeded rate and a policy: objects per cycle and a summary; same seed, same run", async () => {
    const policies = tempFile(
      "policies.json",
      JSON.stringify({ "dev/standard": { expression: "max(baseline, ceil(claims_1h / 4))", min: 1, max: 6 } })
    )
    const args = [
      "simulate",
      templates,
      "--cycles",
      "12",
      "--interval",
      "10m",
      "--claim-rate",
      "dev/standard=30",
      "--seed",
      "5",
      "--policies",
      policies,
      "--json"
    ]
    const a = await warmpool(...args)
    const b = await warmpool(...args)
    expect(a.code).toBe(0)
    expect(a.stdout).toBe(b.stdout)
    const objects = a.stdout.trim().split("\n").map((l) => JSON.parse(l))
    const cycles = objects.slice(0, -1)
    expect(cycles).toHaveLength(12)
    for (const cycle of cycles) {
      expect(cycle).toMatchObject({ claims: expect.any(Number), misses: expect.any(Number) })
      const pool = cycle.presets[0]
      expect(pool.desired).toBeGreaterThanOrEqual(2)
      expect(pool.desired).toBeLessThanOrEqual(6)
      expect(pool.policyError).toBeNull()
    }
    expect(Math.max(...cycles.map((c: any) => c.presets[0].desired))).toBeGreaterThan(2)
    const summary = objects.at(-1)
    expect(summary.summary).toEqual([{
      template: "dev",
      preset: "standard",
      claims: cycles.reduce((n: number, c: any) => n + c.claims, 0),
      misses: cycles.reduce((n: number, c: any) => n + c.misses, 0),
      missRate: expect.any(Number),
      idlePrebuildHours: expect.any(Number)
    }])
  }, 180_000)

  it("bad demand options exit with status 2 and say why", async () => {
    const rate = await warmpool("simulate", templates, "--cycles", "1", "--claim-rate", "dev-standard=3")
    expect(rate.code).toBe(2)
    expect(rate.stderr).toContain("--claim-rate")
    const badPolicy = tempFile("p.json", JSON.stringify({ "dev/standard": { expression: "max(baseline," } }))
    const policy = await warmpool("simulate", templates, "--cycles", "1", "--policies", badPolicy)
    expect(policy.code).toBe(2)
    expect(policy.stderr).toContain("dev/standard")
    expect(policy.stderr).toContain("invalid policy expression")
    const badTrace = tempFile("t.json", JSON.stringify([{ at: "soon", template: "dev", preset: "standard" }]))
    const traced = await warmpool("simulate", templates, "--cycles", "1", "--claims", badTrace)
    expect(traced.code).toBe(2)
    expect(traced.stderr).toContain("entry 1")
    // a device is refused without reading it (it would never end), and so is a file over the cap
    const device = await warmpool("simulate", templates, "--cycles", "1", "--claims", "/dev/zero")
    expect(device.code).toBe(2)
    expect(device.stderr).toContain("/dev/zero' to be a regular file")
    const huge = tempFile("huge.json", "")
    fs.truncateSync(huge, 16 * 1024 * 1024 + 1)
    const big = await warmpool("simulate", templates, "--cycles", "1", "--policies", huge)
    expect(big.code).toBe(2)
    expect(big.stderr).toContain("the limit is 16777216 bytes")
  }, 60_000)
})
