/**
 * Isolation end to end (issue 11): a real `warmpool serve --render-timeout 2s --interval 1s`
 * under the attacks of the table that template work can mount, with `/healthz` probed
 * every 100 ms during each one. Every attack is answered within its bound, the worst `/healthz`
 * latency stays under 500 ms, and the server never dies:
 *
 * - the 111-byte count bomb (`count = 10000000`) imported: answered within 15 s;
 * - a 125 KiB `main.tf` with an unterminated heredoc imported: a 4xx within 5 s;
 * - a render whose evaluation outlasts the deadline: answered within 4 s with a 4xx/5xx (or,
 *   when an evaluation budget stops it first, with its `resource_limit` diagnostic);
 * - 120 renders with distinct 6 MiB parameter values: server RSS stays under 1.5 GiB.
 *
 * Every loop is bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import { hasStackTrace, type Reply, type RunningServer, sleep, startServer } from "./server.js"

let server: RunningServer

beforeAll(async () => {
  server = await startServer({ args: ["--render-timeout", "2s"], interval: "1s", startTimeoutMs: 60_000 })
}, 90_000)

afterAll(async () => {
  await server?.dispose()
})

interface Probed<A> {
  readonly result: A
  readonly elapsedMs: number
  /** The slowest `/healthz` answer while the attack ran. */
  readonly worstHealthMs: number
  readonly probes: number
  /** Probes that did not answer 200. */
  readonly failedProbes: number
}

/** Runs an attack while `/healthz` is probed every 100 ms (at most `limitMs` of probing). */
const underProbe = async <A>(attack: () => Promise<A>, limitMs = 120_000): Promise<Probed<A>> => {
  let done = false
  let worst = 0
  let probes = 0
  let failed = 0
  const prober = (async () => {
    const stopAt = Date.now() + limitMs
    while (!done && Date.now() < stopAt) {
      const sent = performance.now()
      const status = await fetch(`${server.url}/healthz`).then((r) => r.status, () => 0)
      worst = Math.max(worst, performance.now() - sent)
      probes++
      if (status !== 200) failed++
      await sleep(100)
    }
  })()
  const started = performance.now()
  try {
    const result = await attack()
    return { result, elapsedMs: performance.now() - started, worstHealthMs: worst, probes, failedProbes: failed }
  } finally {
    done = true
    await prober
  }
}

const importFiles = (name: string, files: Record<string, string>) =>
  server.request(`/api/v1/templates/${name}/versions`, { json: { files } })

const rssMiB = (): number => {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, "utf8")
  const kib = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? "0")
  return kib / 1024
}

const expectHealthy = async (probed: Probed<unknown>) => {
  expect(probed.probes).toBeGreaterThan(0)
  expect(probed.failedProbes).toBe(0)
  expect(probed.worstHealthMs).toBeLessThan(500)
  expect((await server.request("/healthz", { token: null })).status).toBe(200)
}

const isLimitDiagnostic = (reply: Reply) =>
  reply.status === 200 &&
  Array.isArray(reply.json?.diagnostics) &&
  reply.json.diagnostics.some((d: any) => d.severity === "error" && d.extra?.code === "resource_limit")

describe("warmpool serve: isolation (--render-timeout 2s)", () => {
  it("answers the 111-byte count bomb import within 15 s and stays alive", async () => {
    const bomb =
      `data "coder_parameter" "p" {\n  count = 10000000\n  name  = "p\${count.index}"\n  type  = "string"\n}\n`
    expect(bomb.length).toBeLessThanOrEqual(111)
    const probed = await underProbe(() => importFiles("bomb", { "main.tf": bomb }))
    expect(probed.result.status).toBeGreaterThanOrEqual(400)
    expect(probed.result.status).toBeLessThan(600)
    expect(hasStackTrace(probed.result.text)).toBe(false)
    expect(probed.elapsedMs).toBeLessThan(15_000)
    await expectHealthy(probed)
  }, 60_000)

  it("answers a 125 KiB unterminated heredoc import with a 4xx within 5 s", async () => {
    const body = `locals {\n  text = <<EOT\n${"line of text that never ends the heredoc\n".repeat(3_100)}`
    expect(body.length).toBeGreaterThan(125 * 1024)
    const probed = await underProbe(() => importFiles("heredoc", { "main.tf": body }))
    expect(probed.result.status).toBeGreaterThanOrEqual(400)
    expect(probed.result.status).toBeLessThan(500)
    expect(probed.elapsedMs).toBeLessThan(5_000)
    await expectHealthy(probed)
  }, 60_000)

  it("answers a render that outlasts its deadline within 4 s, and renders again afterwards", async () => {
    const imported = await importFiles("slow", {
      "main.tf": `
data "coder_parameter" "n" {
  name    = "n"
  type    = "number"
  default = 1
}
locals {
  work = sum([for a in range(data.coder_parameter.n.value) : length([for b in range(1024) : [for c in range(64) : c]])])
}
data "coder_parameter" "work" {
  name    = "work"
  type    = "number"
  default = local.work
}
`
    })
    expect(imported.status).toBe(201)
    const version = imported.json.versionId as string
    const probed = await underProbe(() =>
      server.request(`/api/v1/templateversions/${version}/render`, { json: { values: { n: "1024" } } })
    )
    expect(probed.result.status >= 400 || isLimitDiagnostic(probed.result), probed.result.text).toBe(true)
    expect(hasStackTrace(probed.result.text)).toBe(false)
    expect(probed.elapsedMs).toBeLessThan(4_000)
    await expectHealthy(probed)
    // The terminated worker was replaced: a cheap render of the same version answers.
    const cheap = await server.request(`/api/v1/templateversions/${version}/render`, { json: { values: { n: "2" } } })
    expect(cheap.status).toBe(200)
    expect(cheap.json.parameters.map((p: any) => p.name)).toEqual(["n", "work"])
  }, 60_000)

  it("keeps RSS under 1.5 GiB through 120 renders with distinct 6 MiB parameter values", async () => {
    const imported = await importFiles("blob", {
      "main.tf": `
data "coder_parameter" "blob" {
  name    = "blob"
  type    = "string"
  default = ""
}
`
    })
    expect(imported.status).toBe(201)
    const version = imported.json.versionId as string
    const statuses: Array<number> = []
    let peak = rssMiB()
    const probed = await underProbe(async () => {
      const total = 120
      let next = 0
      const workers = Array.from({ length: 3 }, async () => {
        while (next < total) {
          const i = next++
          const value = `${i}-`.padEnd(6 * 1024 * 1024, String.fromCharCode(97 + (i % 26)))
          const reply = await server.request(`/api/v1/templateversions/${version}/render`, {
            json: { values: { blob: value } }
          })
          statuses.push(reply.status)
          peak = Math.max(peak, rssMiB())
        }
      })
      await Promise.all(workers)
    }, 600_000)
    expect(statuses).toHaveLength(120)
    // Every one answered: rendered, or refused at its deadline on a loaded machine.
    for (const status of statuses) expect([200, 504]).toContain(status)
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(100)
    expect(peak).toBeLessThan(1536)
    await expectHealthy(probed)
  }, 600_000)

  it("is still serving and stops cleanly", async () => {
    expect((await server.request("/api/v1/templates")).status).toBe(200)
    const stopped = await server.stop("SIGTERM")
    expect(stopped).toMatchObject({ code: 0, signal: null, killed: false })
    expect(hasStackTrace(stopped.output), stopped.output).toBe(false)
  }, 30_000)
})
