/**
 * `warmpool render` (the built binary) with issue 13's inputs: secret requirements in text and
 * JSON, `satisfied` from the owner's `secrets` (names only), `--previous` with stale options, and
 * `--full-evaluation` giving identical output over every render fixture.
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
const fixtures = path.join(root, "packages", "render", "test", "fixtures")

const warmpool = (...args: Array<string>) =>
  run(process.execPath, [bin, ...args], { cwd: root, maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: e.code ?? -1,
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? ""
    })
  )

const withTemplate = async (
  files: Record<string, string>,
  body: (dir: string) => Promise<void>
): Promise<void> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-cli-"))
  try {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
      fs.writeFileSync(path.join(dir, name), content)
    }
    await body(dir)
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const secrets = `
data "coder_secret" "token" {
  env          = "GITHUB_TOKEN"
  help_message = "A GitHub token with repo scope"
}
data "coder_secret" "key" {
  file         = "~/.ssh/id_ed25519"
  help_message = "Your SSH key"
}
`

describe("render: secret requirements", () => {
  it("--json lists them in source order, without satisfied when the owner has no secrets field", async () => {
    await withTemplate({ "main.tf": secrets, "owner.json": `{"name": "a"}` }, async (dir) => {
      for (const extra of [[], ["--owner", path.join(dir, "owner.json")]]) {
        const r = await warmpool("render", dir, "--json", ...extra)
        expect(r.code).toBe(0)
        expect(JSON.parse(r.stdout).secret_requirements).toEqual([
          { env: "GITHUB_TOKEN", file: "", help_message: "A GitHub token with repo scope" },
          { env: "", file: "~/.ssh/id_ed25519", help_message: "Your SSH key" }
        ])
      }
    })
  })

  it("the owner's secrets (names only) give satisfied, in JSON and text", async () => {
    await withTemplate({
      "main.tf": secrets,
      "owner.json": JSON.stringify({ name: "a", secrets: [{ env: "GITHUB_TOKEN" }, { file: "/other" }] })
    }, async (dir) => {
      const json = await warmpool("render", dir, "--json", "--owner", path.join(dir, "owner.json"))
      expect(json.code).toBe(0)
      expect(JSON.parse(json.stdout).secret_requirements.map((r: { satisfied: boolean }) => r.satisfied)).toEqual([
        true,
        false
      ])
      const text = await warmpool("render", dir, "--owner", path.join(dir, "owner.json"))
      expect(text.code).toBe(0)
      expect(text.stdout).toContain("Secret requirements (2)")
      expect(text.stdout).toContain("env GITHUB_TOKEN [satisfied] — A GitHub token with repo scope")
      expect(text.stdout).toContain("file ~/.ssh/id_ed25519 [missing] — Your SSH key")
    })
  })

  it("a malformed secrets field is a usage error (status 2)", async () => {
    await withTemplate({ "main.tf": secrets, "owner.json": JSON.stringify({ secrets: [{ env: 5 }] }) }, async (dir) => {
      const r = await warmpool("render", dir, "--owner", path.join(dir, "owner.json"))
      expect(r.code).toBe(2)
      expect(r.stderr).toContain("--owner")
    })
  })

  it("a secret error is a top-level error (status 1)", async () => {
    await withTemplate({ "main.tf": `data "coder_secret" "s" {\n  help_message = "h"\n}\n` }, async (dir) => {
      const r = await warmpool("render", dir, "--json")
      expect(r.code).toBe(1)
      expect(JSON.parse(r.stdout).diagnostics.map((d: { summary: string }) => d.summary)).toEqual([
        `Exactly one of "env" or "file" must be set`
      ])
    })
  })
})

const regions = `
data "coder_parameter" "region" {
  name    = "region"
  mutable = true
  default = "us"
  option {
    name  = "US"
    value = "us"
  }
  option {
    name  = "EU"
    value = "eu"
  }
}
`

describe("render --previous", () => {
  it("a stale previous option is dropped with a stale_option warning naming it", async () => {
    await withTemplate({ "main.tf": regions }, async (dir) => {
      const r = await warmpool("render", dir, "--json", "--previous", "region=ap")
      expect(r.code).toBe(0)
      const region = JSON.parse(r.stdout).parameters[0]
      expect(region.value).toEqual({ value: "us", valid: true })
      expect(region.diagnostics).toHaveLength(1)
      expect(region.diagnostics[0].extra.code).toBe("stale_option")
      expect(region.diagnostics[0].summary).toContain(`"ap"`)
      const text = await warmpool("render", dir, "--previous", "region=ap")
      expect(text.stdout).toContain(`warning: Previous value "ap" is no longer a valid option`)
    })
  })

  it("a valid previous value is used; --param wins over --previous", async () => {
    await withTemplate({ "main.tf": regions }, async (dir) => {
      const previous = JSON.parse((await warmpool("render", dir, "--json", "--previous", "region=eu")).stdout)
      expect(previous.parameters[0].value.value).toBe("eu")
      expect(previous.parameters[0].diagnostics).toEqual([])
      const explicit = JSON.parse(
        (await warmpool("render", dir, "--json", "--previous", "region=eu", "--param", "region=us")).stdout
      )
      expect(explicit.parameters[0].value.value).toBe("us")
    })
  })

  it("a malformed --previous is a usage error", async () => {
    expect((await warmpool("render", "examples/templates/docker-dev", "--previous", "no-equals")).code).toBe(2)
  })
})

describe("render --full-evaluation", () => {
  const names = fs.readdirSync(fixtures, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)
  it("has the render fixtures", () => expect(names.length).toBeGreaterThanOrEqual(10))
  for (const name of names) {
    it(`${name}: identical parameters, presets and tags (and everything else)`, async () => {
      const dir = path.join(fixtures, name)
      const selective = await warmpool("render", dir, "--json", "--validate-presets")
      const full = await warmpool("render", dir, "--json", "--validate-presets", "--full-evaluation")
      expect(full.code).toBe(selective.code)
      const a = JSON.parse(selective.stdout)
      const b = JSON.parse(full.stdout)
      expect(b.parameters).toEqual(a.parameters)
      expect(b.presets).toEqual(a.presets)
      expect(b.tags).toEqual(a.tags)
      expect(b).toEqual(a)
    }, 60_000)
  }
})
