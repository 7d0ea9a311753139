/**
 * Start-up (issue 14): `dist/bin.js` runs the bundle when it is newer than every package's last
 * TypeScript build and the modules `tsc` emitted otherwise; `--version` through the bundle loads
 * a few files and no fast-check; `bench http --json` prints its four figures.
 */
import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, "..", "..", "..")
const dist = path.join(root, "packages", "cli", "dist")
const bin = path.join(dist, "bin.js")
const packages = ["terraform", "metrics", "render", "client", "prebuilds", "server", "cli"]

describe("bin.js chooses the bundle only when it is fresh", () => {
  /** A copy of bin.js in a fake repository whose two programs print who they are. */
  const layout = (options: { readonly bundleAt?: number; readonly builtAt: Record<string, number> }) => {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-bin-"))
    const cliDist = path.join(repo, "packages", "cli", "dist")
    fs.mkdirSync(path.join(cliDist, "bundle"), { recursive: true })
    fs.copyFileSync(bin, path.join(cliDist, "bin.js"))
    fs.writeFileSync(path.join(cliDist, "main.js"), "console.log(\"modules\")\n")
    if (options.bundleAt !== undefined) {
      const bundle = path.join(cliDist, "bundle", "main.js")
      fs.writeFileSync(bundle, "console.log(\"bundle\")\n")
      fs.utimesSync(bundle, options.bundleAt, options.bundleAt)
    }
    for (const [name, at] of Object.entries(options.builtAt)) {
      const info = path.join(repo, "packages", name, ".tsbuildinfo", "src.tsbuildinfo")
      fs.mkdirSync(path.dirname(info), { recursive: true })
      fs.writeFileSync(info, "{}")
      fs.utimesSync(info, at, at)
    }
    return repo
  }
  const allBuiltAt = (at: number) => Object.fromEntries(packages.map((name) => [name, at]))

  const table: ReadonlyArray<
    readonly [string, { readonly bundleAt?: number; readonly builtAt: Record<string, number> }, string]
  > = [
    ["bundle newer than every build", { bundleAt: 2_000, builtAt: allBuiltAt(1_000) }, "bundle"],
    ["bundle as new as the builds", { bundleAt: 1_000, builtAt: allBuiltAt(1_000) }, "bundle"],
    ["one package rebuilt after the bundle", {
      bundleAt: 2_000,
      builtAt: { ...allBuiltAt(1_000), render: 3_000 }
    }, "modules"],
    ["the cli rebuilt after the bundle", { bundleAt: 2_000, builtAt: { ...allBuiltAt(1_000), cli: 2_001 } }, "modules"],
    ["no bundle", { builtAt: allBuiltAt(1_000) }, "modules"],
    ["a package without a build record (an installed copy)", {
      bundleAt: 2_000,
      builtAt: Object.fromEntries(packages.filter((name) => name !== "terraform").map((name) => [name, 1_000]))
    }, "modules"]
  ]
  for (const [what, options, expected] of table) {
    it(what, async () => {
      const repo = layout(options)
      try {
        const { stdout } = await run(process.execPath, [path.join(repo, "packages", "cli", "dist", "bin.js")])
        expect(stdout.trim()).toBe(expected)
      } finally {
        fs.rmSync(repo, { recursive: true, force: true })
      }
    })
  }
})

describe("the built binary", () => {
  it("--version runs the bundle: a few files, no fast-check", async () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-modules-")), "modules.txt")
    const { stdout } = await run(
      process.execPath,
      ["--import", path.join(import.meta.dirname, "fixtures", "moduleLog.mjs"), bin, "--version"],
      { cwd: root, env: { ...process.env, MODULE_LOG: log } }
    )
    expect(stdout.trim()).toBe("0.1.0")
    const loaded = fs.readFileSync(log, "utf8").trim().split("\n")
    fs.rmSync(path.dirname(log), { recursive: true, force: true })
    expect(
      loaded.some((url) => url.endsWith("/dist/bundle/main.js")),
      "the bundle is not fresh: build with `pnpm build` (tsc -b, then node packages/cli/bundle.mjs)"
    ).toBe(true)
    expect(loaded.filter((url) => url.includes("fast-check"))).toEqual([])
    expect(loaded.filter((url) => url.startsWith("file:")).length).toBeLessThan(40)
  })

  it("bench http --json prints the server CPU per request of each kind", async () => {
    const { stdout } = await run(
      process.execPath,
      [bin, "bench", "http", "--json", "--batch", "3", "--rounds", "2", "--render-workers", "0"],
      { cwd: root, env: { ...process.env, NO_COLOR: "1" } }
    )
    const result = JSON.parse(stdout)
    expect(Object.keys(result).sort()).toEqual(["healthzCpuUs", "renderHitCpuUs", "renderMissCpuUs", "requests"])
    expect(result.requests).toBe(6)
    for (const key of ["healthzCpuUs", "renderHitCpuUs", "renderMissCpuUs"]) {
      expect(Number.isFinite(result[key]), key).toBe(true)
      expect(result[key], key).toBeGreaterThan(0)
    }
  }, 120_000)
})
