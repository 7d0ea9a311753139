/**
 * Templates that update themselves (issue 16), on the real binary: `serve --watch` with a
 * temporary templates directory and the echo provisioner. Editing a preset's `instances`
 * activates a new version within 10 s and the pool converges to the new count (the outdated
 * version's prebuilds drain); an HCL syntax error in the edited file leaves that version active
 * and is reported in the log, in the versions list and in `warmpool_template_imports_total`.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { scrape } from "./metrics.js"
import { eventually, missingBuild, type RunningServer, startServer } from "./server.js"

const template = (instances: number) => `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}

data "coder_workspace_preset" "one" {
  name       = "one"
  parameters = { size = "small" }
  prebuilds {
    instances = ${instances}
  }
}
`

interface Pool {
  readonly templateVersionId: string
  readonly preset: string
  readonly desired: number
  readonly running: number
  readonly activeVersion: boolean
}

interface VersionEntry {
  readonly id: string | null
  readonly active: boolean
  readonly ok: boolean
  readonly source: string | null
  readonly message: string
  readonly diagnostics: ReadonlyArray<{ readonly severity: string; readonly summary: string }>
  readonly presets: ReadonlyArray<{ readonly name: string; readonly desiredInstances: number | null }>
}

const skip = missingBuild()

describe.skipIf(skip !== undefined)("serve --watch", () => {
  let dir: string
  let server: RunningServer
  const mainTf = () => path.join(dir, "pool", "main.tf")

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-watch-"))
    fs.mkdirSync(path.join(dir, "pool"))
    fs.writeFileSync(mainTf(), template(1))
    server = await startServer({
      templates: dir,
      interval: "1s",
      echoDelay: "100ms",
      args: ["--watch", "--watch-debounce", "500ms"]
    })
  }, 120_000)

  afterAll(async () => {
    await server?.dispose()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const pools = async (): Promise<ReadonlyArray<Pool>> => {
    const reply = await server.request("/api/v1/presets")
    expect(reply.status).toBe(200)
    return (reply.json.presets as ReadonlyArray<Pool & { readonly template: string }>).filter((p) =>
      p.template === "pool"
    )
  }
  const versions = async (): Promise<ReadonlyArray<VersionEntry>> => {
    const reply = await server.request("/api/v1/templates/pool/versions")
    expect(reply.status).toBe(200)
    return reply.json.versions
  }
  /** Running prebuilds of the active version once it holds `count` and no outdated pool runs any. */
  const converged = (count: number) => async () => {
    const all = await pools()
    const active = all.filter((p) => p.activeVersion)
    const outdated = all.filter((p) => !p.activeVersion)
    return active.length === 1 && active[0]!.running === count && active[0]!.desired === count &&
        outdated.every((p) => p.running === 0)
      ? active[0]!
      : undefined
  }

  it("imports an edited template as the new active version and converges the pool to the new count", async () => {
    const first = await eventually("one prebuild of the first version", converged(1), 30_000)
    expect(server.output()).toContain("for template changes (500ms of quiet)")
    const before = await versions()
    expect(before).toHaveLength(1)
    expect(before[0]).toMatchObject({ id: first.templateVersionId, active: true, ok: true, source: "directory" })

    const edited = Date.now()
    fs.writeFileSync(mainTf(), template(3))
    const next = await eventually(
      "a new active version",
      async () => (await versions()).find((v) => v.active && v.id !== first.templateVersionId),
      10_000
    )
    expect(Date.now() - edited).toBeLessThan(10_000)
    expect(next).toMatchObject({ ok: true, source: "watch", presets: [{ name: "one", desiredInstances: 3 }] })

    const second = await eventually("three prebuilds of the new version", converged(3), 30_000)
    expect(second.templateVersionId).toBe(next.id)
    const list = await versions()
    expect(list.map((v) => v.id)).toEqual([next.id, first.templateVersionId])
    expect(list.filter((v) => v.active).map((v) => v.id)).toEqual([next.id])
  }, 90_000)

  it("keeps the previous version active when the edited file has a syntax error, and reports it", async () => {
    const active = (await versions()).find((v) => v.active)!
    fs.writeFileSync(mainTf(), template(5).replace("prebuilds {", "prebuilds {{ = ]"))
    const failed = await eventually(
      "a failed import in the versions list",
      async () => (await versions()).find((v) => !v.ok),
      10_000
    )
    expect(failed).toMatchObject({ id: null, active: false, source: "watch" })
    expect(failed.message).not.toBe("")
    expect(failed.diagnostics.some((d) => d.severity === "error")).toBe(true)

    const list = await versions()
    expect(list.filter((v) => v.active).map((v) => v.id)).toEqual([active.id])
    expect(list.filter((v) => v.ok)).toHaveLength(2)
    expect(server.output()).toMatch(/template pool: the change was not imported; the active version stays/)
    const metrics = await scrape(server)
    expect(metrics.value("warmpool_template_imports_total", { template: "pool", outcome: "failed" })).toBe(1)
    expect(metrics.value("warmpool_template_imports_total", { template: "pool", outcome: "ok" }))
      .toBeGreaterThanOrEqual(
        1
      )

    // The pool keeps the previous version's count over later cycles.
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    const still = await converged(3)()
    expect(still?.templateVersionId).toBe(active.id)

    // Fixing the file makes a version again.
    fs.writeFileSync(mainTf(), template(2))
    await eventually("two prebuilds after the fix", converged(2), 30_000)
    expect((await versions()).filter((v) => v.ok)).toHaveLength(3)
  }, 90_000)
})
