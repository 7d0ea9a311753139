/**
 * Conformance with coder/preview through the CLI: every case of
 * `../shared/corpus/preview/cases.json` run as `warmpool render <dir> --json [--validate-presets]`
 * (the built binary, as a user runs it), checked like the library suite; exit status 1 exactly
 * when the output has a top-level error. Each case runs again with `--full-evaluation`, which
 * must print identical parameters, presets and tags (the whole output, in fact).
 */
import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"
import { type Case, check, corpusRequired, corpusRoot, loadCases, type WireOutput } from "./harness.js"

const run = promisify(execFile)
const corpus = corpusRoot()
const bin = path.resolve(import.meta.dirname, "..", "..", "packages", "cli", "dist", "bin.js")

const argsOf = (spec: Case, dir: string, scratch: string): Array<string> => {
  const args = [bin, "render", dir, "--json"]
  if (spec.validatePresets) args.push("--validate-presets")
  for (const [name, value] of Object.entries(spec.input.params)) args.push("--param", `${name}=${value}`)
  for (const [name, value] of Object.entries(spec.input.tfvars ?? {})) {
    args.push("--tfvar", `${name}=${JSON.stringify(value)}`)
  }
  if (spec.input.owner !== null) {
    const file = path.join(scratch, "owner.json")
    fs.writeFileSync(file, JSON.stringify(spec.input.owner))
    args.push("--owner", file)
  }
  if (spec.input.planJson !== undefined) {
    const file = path.join(scratch, "plan.json")
    fs.writeFileSync(file, spec.input.planJson)
    args.push("--plan", file)
  } else if (spec.input.plan !== null) {
    args.push("--plan", path.join(dir, spec.input.plan))
  }
  return args
}

describe.skipIf(corpus === undefined && !corpusRequired())(
  "coder/preview conformance through `warmpool render --json`",
  () => {
    if (corpus === undefined) {
      it("requires the corpus (WARMPOOL_REQUIRE_CORPUS=1)", () => {
        expect.fail("../shared/corpus is missing but WARMPOOL_REQUIRE_CORPUS=1")
      })
      return
    }
    it("has a built CLI (the install step builds it)", () => {
      expect(fs.existsSync(bin)).toBe(true)
    })
    for (const spec of loadCases(corpus)) {
      it(spec.name, async () => {
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-cli-"))
        try {
          const dir = path.join(corpus, "preview", spec.dir)
          const result = await run(process.execPath, argsOf(spec, dir, scratch), { maxBuffer: 64 * 1024 * 1024 }).then(
            (r) => ({ stdout: r.stdout, code: 0 }),
            (e: { stdout?: string; code?: number }) => ({ stdout: e.stdout ?? "", code: e.code ?? -1 })
          )
          const output = JSON.parse(result.stdout) as WireOutput
          expect(check(spec, output)).toEqual([])
          const failed = output.diagnostics.some((d) => d.severity === "error")
          expect(result.code).toBe(failed ? 1 : 0)

          const full = await run(process.execPath, [...argsOf(spec, dir, scratch), "--full-evaluation"], {
            maxBuffer: 64 * 1024 * 1024
          }).then(
            (r) => ({ stdout: r.stdout, code: 0 }),
            (e: { stdout?: string; code?: number }) => ({ stdout: e.stdout ?? "", code: e.code ?? -1 })
          )
          const fullOutput = JSON.parse(full.stdout) as WireOutput
          expect(fullOutput.parameters).toEqual(output.parameters)
          expect(fullOutput.presets).toEqual(output.presets)
          expect(fullOutput.tags).toEqual(output.tags)
          expect(fullOutput).toEqual(output)
          expect(full.code).toBe(result.code)
        } finally {
          fs.rmSync(scratch, { recursive: true, force: true })
        }
      }, 60_000)
    }
  }
)
