/**
 * `warmpool console` and `eval`'s argument order: the values and errors of `terraform console`
 * (recorded answers, one table), the built binary in text and `--json` modes (multi-line input,
 * bad lines, lossless numbers, a template's context, many lines in one process), and the
 * scanner that decides when an input is complete.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "effect/FastCheck"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { evaluate, failed, outcomeText, plainScope } from "../src/handlers/expression.js"
import { normalizeArgv } from "../src/internal/argvOrder.js"
import { isComplete } from "../src/internal/continuation.js"
import { terraformConsoleAnswers } from "./fixtures/terraformConsoleAnswers.js"

const root = path.resolve(import.meta.dirname, "..", "..", "..")
const bin = path.join(root, "packages", "cli", "dist", "bin.js")

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

const warmpool = (args: ReadonlyArray<string>, input?: string): Promise<Run> =>
  new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { cwd: root, maxBuffer: 64 << 20, timeout: 60_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr })
    )
    child.stdin!.end(input ?? "")
  })

describe("terraform console's answers (recorded)", () => {
  it.each(terraformConsoleAnswers)("%s", (expr, out, err) => {
    const outcome = evaluate(expr, plainScope(new Map()))
    if (err === "") {
      expect(outcome.diagnostics).toEqual([])
      expect(outcomeText(outcome)).toBe(out)
    } else {
      expect(failed(outcome)).toBe(true)
      expect(outcome.diagnostics.find((d) => d.severity === "error")!.summary).toBe(err)
    }
  })
})

describe("eval: options before or after the expression", () => {
  const rows: ReadonlyArray<readonly [ReadonlyArray<string>, ReadonlyArray<string>]> = [
    [["eval", "-5 / 2", "--json"], ["eval", "--json", "--", "-5 / 2"]],
    [["eval", "--json", "-5 / 2"], ["eval", "--json", "--", "-5 / 2"]],
    [["eval", "-var.n", "--var", "n=2"], ["eval", "--var", "n=2", "--", "-var.n"]],
    [["eval", "--var=n=2", "1", "--json"], ["eval", "--var=n=2", "--json", "--", "1"]],
    [["eval", "--", "--json"], ["eval", "--", "--json"]],
    [["render", "dir", "--json"], ["render", "dir", "--json"]],
    [["eval"], ["eval"]]
  ]
  it.each(rows)("%j", (args, expected) => {
    expect(normalizeArgv(["node", "warmpool", ...args])).toEqual(["node", "warmpool", ...expected])
  })

  it("the binary evaluates an expression starting with '-' followed by --json", async () => {
    const r = await warmpool(["eval", "-5 / 2", "--json"])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ value: -2.5, type: "number", known: true, diagnostics: [] })
    const v = await warmpool(["eval", "-var.n", "--json", "--var", "n=12345678901234567890123"])
    expect(JSON.parse(v.stdout.replace(/-?\d{16,}/g, (d) => JSON.stringify(d))).value).toBe(
      "-12345678901234567890123"
    )
  })
})

describe("continuation: when an input is complete", () => {
  const rows: ReadonlyArray<readonly [string, boolean]> = [
    ["1 + 1", true],
    ["[", false],
    ["[1,\n2]", true],
    ["{a = [1, (2", false],
    ["\"a [ b\"", true],
    ["\"${[\"", false],
    ["\"$${[\"", true],
    ["<<EOT", false],
    ["<<EOT\nhello ${1}\nEOT", true],
    ["<<-EOT\n  x\n  EOT", true],
    ["f( # (\n", false],
    ["/* [ */ 1", true],
    ["/* open", false],
    [")", true]
  ]
  it.each(rows)("%j → %s", (text, complete) => {
    expect(isComplete(text)).toBe(complete)
  })

  it("never throws, and closed brackets complete", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(typeof isComplete(s)).toBe("boolean")
      }),
      { numRuns: 500 }
    )
    fc.assert(
      fc.property(fc.array(fc.constantFrom("(", "[", "{"), { maxLength: 50 }), (opens) => {
        const close = [...opens].reverse().map((c) => (c === "(" ? ")" : c === "[" ? "]" : "}")).join("")
        if (opens.length > 0) expect(isComplete(opens.join(""))).toBe(false)
        expect(isComplete(opens.join("") + close)).toBe(true)
      })
    )
  })
})

describe("warmpool console (built binary)", () => {
  it("text: one value per expression, brackets and heredocs continue, bad lines report and go on", async () => {
    const input = ["1 + 1", "[", "  1,", "  2,", "]", "<<EOT", "hi ${var.who}", "EOT", "upper(1, 2)", "var.who", ""]
      .join("\n")
    const r = await warmpool(["console", "--var", "who=\"there\""], input)
    expect(r.stdout).toBe("2\n[\n  1,\n  2,\n]\n<<EOT\nhi there\n\nEOT\n\"there\"\n")
    expect(r.stderr).toContain("Error: ")
    expect(r.code).toBe(1)
  })

  it("--json: one eval --json object per line, in order; bad lines give a diagnostic line", async () => {
    const lines = [
      JSON.stringify({ expr: "var.a * 2", vars: { a: 3 } }),
      "not json",
      JSON.stringify({ expr: "-5 / 2" }),
      JSON.stringify({ vars: {} }),
      JSON.stringify({ expr: "upper(" }),
      "{\"expr\": \"var.big + 1\", \"vars\": {\"big\": 123456789012345678901234567890}}",
      JSON.stringify({ expr: "try(var.nope, 1)" }),
      JSON.stringify({ expr: "tostring(-0)" })
    ]
    const r = await warmpool(["console", "--json"], lines.join("\n") + "\n")
    expect(r.code).toBe(0)
    const out = r.stdout.trim().split("\n")
    expect(out).toHaveLength(lines.length)
    const parsed = out.map((l) => JSON.parse(l.replace(/:(\d{16,})/g, ":\"$1\"")))
    expect(parsed[0]).toEqual({ value: 6, type: "number", known: true, diagnostics: [] })
    expect(parsed[1].diagnostics[0].summary).toBe("Invalid console input line")
    expect(parsed[2].value).toBe(-2.5)
    expect(parsed[3].diagnostics[0].detail).toContain("\"expr\" must be a string")
    expect(parsed[4].diagnostics[0].severity).toBe("error")
    expect(parsed[5].value).toBe("123456789012345678901234567891")
    expect(parsed[6].diagnostics[0].summary).toBe("Reference to undeclared input variable")
    expect(parsed[7].value).toBe("-0")
  })

  it("--json: 1,643 lines in one process, quickly", async () => {
    const lines = Array.from(
      { length: 1643 },
      (_, i) => JSON.stringify({ expr: `format("%05d", var.i) == "${String(i).padStart(5, "0")}"`, vars: { i } })
    )
    const started = performance.now()
    const r = await warmpool(["console", "--json"], lines.join("\n") + "\n")
    const elapsed = performance.now() - started
    const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l))
    expect(out).toHaveLength(1643)
    expect(out.every((o) => o.value === true)).toBe(true)
    expect(elapsed).toBeLessThan(30_000)
  })

  it("--template: variables, locals and parameters' values of a template", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-console-"))
    try {
      fs.writeFileSync(
        path.join(dir, "main.tf"),
        [
          "variable \"region\" {\n  type    = string\n  default = \"eu\"\n}",
          "locals {\n  greeting = \"hello ${var.region}\"\n}",
          "data \"coder_parameter\" \"size\" {\n  name    = \"size\"\n  type    = \"number\"\n  default = 2\n}"
        ].join("\n")
      )
      const r = await warmpool(
        ["console", "--template", dir, "--param", "size=5", "--json"],
        [
          JSON.stringify({ expr: "local.greeting" }),
          JSON.stringify({ expr: "data.coder_parameter.size.value" }),
          JSON.stringify({ expr: "local.greeting", vars: { region: "us" } }),
          JSON.stringify({ expr: "local.missing" })
        ].join("\n")
      )
      const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l))
      expect(out[0].value).toBe("hello eu")
      expect(out[1].value).toBe("5")
      expect(out[2].value).toBe("hello us")
      expect(out[3].diagnostics[0].summary).toBe("Reference to undeclared local value")
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
