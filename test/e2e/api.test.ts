/**
 * `warmpool serve` end to end (issue 7): the real binary on a random port, driven with `fetch`.
 * One server (the example templates, a 1 s reconciler and 200 ms echo builds) runs the main
 * suite in order — health, OpenAPI, auth, imports (JSON and tar), activation, renders through
 * the caches, pools filling, pause / claim / resume, malformed input, metrics — and a second
 * server with a small body limit and a 1 ms render deadline runs the limits.
 * No response may contain a stack trace; both servers must stop cleanly on SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Api } from "@warmpool/client"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { gzipSync } from "node:zlib"
import { expectedFamilies, presetLabels, scrape } from "./metrics.js"
import {
  eventually,
  examplesDir,
  fixturesDir,
  hasStackTrace,
  type Reply,
  type RequestOptions,
  type RunningServer,
  sleep,
  startServer
} from "./server.js"
import { createTar } from "./tar.js"

type PresetRow = typeof Api.PresetStatus.Type

const readFixture = (name: string): Record<string, string> => {
  const directory = path.join(fixturesDir, name)
  const files: Record<string, string> = {}
  for (const file of fs.readdirSync(directory)) files[file] = fs.readFileSync(path.join(directory, file), "utf8")
  return files
}

/** Every route under `/api/v1`, with a body that is valid JSON (so only the token can fail). */
const apiRoutes: ReadonlyArray<readonly [method: string, route: string]> = [
  ["GET", "/api/v1/templates"],
  ["POST", "/api/v1/templates/region-pool/versions"],
  ["GET", "/api/v1/templates/region-pool/versions"],
  ["POST", "/api/v1/templates/docker-dev/versions/some-version/activate"],
  ["POST", "/api/v1/templateversions/some-version/render"],
  ["GET", "/api/v1/presets"],
  ["POST", "/api/v1/prebuilds/claim"],
  ["GET", "/api/v1/reconciler"],
  ["POST", "/api/v1/reconciler/pause"],
  ["POST", "/api/v1/reconciler/resume"],
  ["POST", "/api/v1/presets/*/*/resume"],
  ["GET", "/api/v1/workspaces"],
  ["GET", "/api/v1/builds"],
  ["GET", "/api/v1/builds/*"],
  ["GET", "/api/v1/builds/*/logs"],
  ["POST", "/api/v1/builds/*/cancel"],
  ["GET", "/api/v1/policies"],
  ["PUT", "/api/v1/presets/*/*/policy"],
  ["DELETE", "/api/v1/presets/*/*/policy"]
]

/** A template that takes far longer than 1 ms to compile: many parameters with computed values. */
const slowTemplate = (): string =>
  Array.from({ length: 300 }, (_, i) => `
data "coder_parameter" "p${i}" {
  name    = "p${i}"
  type    = "string"
  default = "\${upper("v${i}")}-\${join("-", [for x in range(6) : tostring(x * ${i})])}"
  option {
    name  = "only"
    value = "\${upper("v${i}")}-\${join("-", [for x in range(6) : tostring(x * ${i})])}"
  }
  validation {
    regex = "^[A-Z0-9-]+$"
    error = "letters, digits and dashes"
  }
}`).join("\n")

let main: RunningServer
let limited: RunningServer
let slowRoot: string
const replies: Array<{ readonly route: string; readonly reply: Reply }> = []

/** A request that must not answer with a stack trace (every reply is also kept for the end). */
const call = async (server: RunningServer, route: string, options: RequestOptions = {}): Promise<Reply> => {
  const reply = await server.request(route, options)
  replies.push({ route, reply })
  expect(hasStackTrace(reply.text), `${route} answered with a stack trace:\n${reply.text}`).toBe(false)
  return reply
}

/** The pools, through the typed client (the answer is decoded by the API's schema). */
const presets = async (server: RunningServer): Promise<ReadonlyArray<PresetRow>> =>
  (await server.api((api) => api.prebuilds.presets())).presets

const activePreset = (rows: ReadonlyArray<PresetRow>, template: string, preset: string): PresetRow | undefined =>
  rows.find((p) => p.template === template && p.preset === preset && p.activeVersion)

/** The recent cycles, through the typed client. */
const cycles = async (server: RunningServer): Promise<ReadonlyArray<typeof Api.CycleReport.Type>> =>
  (await server.api((api) => api.reconciler.status())).cycles

const activeVersionOf = async (server: RunningServer, template: string): Promise<string> => {
  const found = (await server.api((api) => api.templates.list())).templates.find((t) => t.name === template)
  expect(found?.activeVersionId, `template ${template}`).toBeTypeOf("string")
  return found!.activeVersionId!
}

beforeAll(async () => {
  slowRoot = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-e2e-slow-"))
  fs.mkdirSync(path.join(slowRoot, "slow"))
  fs.writeFileSync(path.join(slowRoot, "slow", "main.tf"), slowTemplate())
  ;[main, limited] = await Promise.all([
    // No queue cap (issue 16): the example pools fill in the first cycles, so that the cache
    // counters measured below see no prebuild renders.
    startServer({ templates: examplesDir, args: ["--max-pending-jobs", "10000"] }),
    startServer({
      templates: slowRoot,
      interval: "1m",
      // Imports get their own deadline: the 1 ms one is for renders.
      env: { WARMPOOL_MAX_BODY_BYTES: "4096", WARMPOOL_RENDER_TIMEOUT: "1ms", WARMPOOL_IMPORT_TIMEOUT: "60s" }
    })
  ])
}, 200_000)

afterAll(async () => {
  await main?.dispose()
  await limited?.dispose()
  if (slowRoot !== undefined) fs.rmSync(slowRoot, { recursive: true, force: true })
})

describe("warmpool serve: the HTTP API", () => {
  it("answers /healthz, /readyz and /metrics without a token", async () => {
    for (const token of [null, "not-the-token"]) {
      const health = await call(main, "/healthz", { token })
      expect([health.status, health.json]).toEqual([200, { status: "ok" }])
      const ready = await call(main, "/readyz", { token })
      expect([ready.status, ready.json]).toEqual([200, { status: "ready", store: "sqlite", migrations: true }])
      const metrics = await call(main, "/metrics", { token })
      expect(metrics.status).toBe(200)
      expect(metrics.headers.get("content-type")).toContain("text/plain")
      expect(metrics.text).toContain("# TYPE coderd_prebuilds_render_cache_hits_total counter")
    }
  })

  it("serves its OpenAPI document with every route and the bearer scheme", async () => {
    const reply = await call(main, "/openapi.json", { token: null })
    expect(reply.status).toBe(200)
    const document = reply.json
    expect(document.openapi).toMatch(/^3\./)
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap((
      [route, methods]
    ) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`))
    expect(documented).toEqual(expect.arrayContaining(["GET /healthz", "GET /readyz", "GET /metrics"]))
    // Every /api/v1 operation of the document is in the auth table below, and vice versa.
    const normalise = (route: string) => route.replace(/\{[^}]+\}/g, "*").replace(/:[^/]+/g, "*")
    const fromDocument = documented.filter((r) => r.includes("/api/v1/")).map(normalise).sort()
    const fromTable = apiRoutes.map(([method, route]) =>
      `${method} ${
        route.replace("/templates/region-pool/", "/templates/*/").replace("/templates/docker-dev/", "/templates/*/")
          .replace(/\/some-version\//, "/*/")
      }`
    ).sort()
    expect(fromDocument).toEqual(fromTable)
    expect(JSON.stringify(document.components?.securitySchemes ?? {})).toContain("bearer")
  })

  it("refuses every /api/v1 route without the token (401), and does not act on it", async () => {
    const wrong: ReadonlyArray<RequestOptions> = [
      { token: null },
      { token: "not-the-token" },
      { token: `${main.token}x` },
      { token: null, headers: { authorization: `Basic ${Buffer.from(`user:${main.token}`).toString("base64")}` } },
      { token: null, headers: { authorization: main.token } }
    ]
    for (const [method, route] of apiRoutes) {
      for (const options of wrong) {
        const reply = await call(main, route, { ...options, method, ...(method === "POST" ? { json: {} } : {}) })
        expect([method, route, reply.status]).toEqual([method, route, 401])
        expect(reply.json._tag).toBe("Unauthorized")
        expect(reply.json.message).toContain("Bearer")
      }
    }
    const status = await call(main, "/api/v1/reconciler")
    expect(status.json.paused).toBe(false)
  })

  it("lists the example templates imported at start, each with its active version", async () => {
    const { templates } = await main.api((api) => api.templates.list())
    expect(templates.map((t) => t.name).sort()).toEqual(["docker-dev", "gpu-lab", "k8s-team"])
    for (const t of templates) {
      expect(t.deleted).toBe(false)
      expect(t.versions).toHaveLength(1)
      expect(t.versions[0]!).toMatchObject({ id: t.activeVersionId, active: true })
      expect(Number.isNaN(Date.parse(t.versions[0]!.createdAt))).toBe(false)
    }
  })

  it("publishes the imported presets in /metrics right after start", async () => {
    const metrics = await scrape(main)
    expect(metrics.status).toBe(200)
    expect(metrics.contentType).toBe("text/plain; version=0.0.4; charset=utf-8")
    for (const name of expectedFamilies) expect(metrics.families.has(name), name).toBe(true)
    expect(metrics.find("coderd_prebuilt_workspaces_desired", presetLabels("docker-dev", "Go (2 cores)"))).toBe(2)
    expect(metrics.find("coderd_prebuilt_workspaces_desired", presetLabels("gpu-lab", "L4 notebook"))).toBe(1)
    expect(
      metrics.find("coderd_prebuilt_workspaces_preset_validation_failed", presetLabels("gpu-lab", "Legacy V100"))
    ).toBe(1)
    expect(
      metrics.find("coderd_prebuilt_workspaces_preset_validation_failed", presetLabels("gpu-lab", "L4 notebook"))
    ).toBeUndefined()
    expect(metrics.value("coderd_prebuilt_workspaces_metrics_last_updated")).toBeGreaterThan(0)
    expect(metrics.value("coderd_prebuilt_workspaces_reconciliation_paused")).toBe(0)
  })

  it("fills the pools over cycles; the broken gpu-lab preset is validation_failed with a reason", async () => {
    const filled = await eventually("the example pools to fill", async () => {
      const rows = await presets(main)
      const healthy = rows.filter((p) => p.activeVersion && p.status === "healthy")
      return healthy.length > 0 && healthy.every((p) => p.desired > 0 && p.eligible === p.desired) ? rows : undefined
    }, 30_000)
    expect(activePreset(filled, "docker-dev", "Go (2 cores)")).toMatchObject({ desired: 2, running: 2, eligible: 2 })
    expect(activePreset(filled, "docker-dev", "Python (4 cores)")).toMatchObject({ desired: 1, eligible: 1 })
    expect(activePreset(filled, "gpu-lab", "L4 notebook")).toMatchObject({ desired: 1, eligible: 1 })
    const broken = activePreset(filled, "gpu-lab", "Legacy V100")!
    expect(broken).toMatchObject({ status: "validation_failed", running: 0, eligible: 0 })
    expect(broken.statusReason).toMatch(/validation/)
    // The reason names what is wrong: the errors found when the version was imported.
    expect(broken.statusReason).toContain("Preset parameter \"framework\" is not defined by the template")
    expect(broken.statusReason).toContain("v100")
    const history = await cycles(main)
    expect(history.length).toBeGreaterThanOrEqual(1)
    expect(history.every((c) => c.lockAcquired && !c.paused)).toBe(true)
    expect(history.reduce((n, c) => n + c.creates, 0)).toBeGreaterThanOrEqual(
      filled.filter((p) => p.activeVersion && p.status === "healthy").reduce((n, p) => n + p.desired, 0)
    )
  })

  let firstVersion = ""
  let secondVersion = ""

  it("imports a version as JSON: 201, presets validated at import; unchanged files → created: false", async () => {
    const files = readFixture("region-pool")
    const reply = await call(main, "/api/v1/templates/region-pool/versions", { json: { files, name: "v1" } })
    expect(reply.status).toBe(201)
    expect(reply.json).toMatchObject({ created: true, active: true })
    firstVersion = reply.json.versionId
    const byName = new Map<string, any>(reply.json.presets.map((p: any) => [p.name, p]))
    expect(byName.get("Europe small")).toMatchObject({ status: "healthy", desiredInstances: 2 })
    const moon = byName.get("Moon base")
    expect(moon).toMatchObject({ status: "validation_failed", desiredInstances: 1 })
    expect(moon.diagnostics.some((d: any) => d.severity === "error" && /option/i.test(`${d.summary} ${d.detail}`)))
      .toBe(true)

    const again = await call(main, "/api/v1/templates/region-pool/versions", { json: { files } })
    expect(again.status).toBe(201)
    expect(again.json).toMatchObject({ created: false, versionId: firstVersion, templateId: reply.json.templateId })
    expect(await activeVersionOf(main, "region-pool")).toBe(firstVersion)
  })

  it("imports a version as a tar archive (plain or gzipped; one top-level directory is stripped)", async () => {
    const files = readFixture("region-pool")
    const changed = { ...files, "main.tf": files["main.tf"]!.replace("default      = 20", "default      = 30") }
    expect(changed["main.tf"]).not.toBe(files["main.tf"])
    const archive = createTar(Object.fromEntries(Object.entries(changed).map(([n, c]) => [`region-pool/${n}`, c])))
    const headers = { "content-type": "application/x-tar" }
    const reply = await call(main, "/api/v1/templates/region-pool/versions", { body: archive, headers })
    expect(reply.status).toBe(201)
    expect(reply.json).toMatchObject({ created: true, active: true })
    secondVersion = reply.json.versionId
    expect(secondVersion).not.toBe(firstVersion)
    expect(reply.json.presets.map((p: any) => [p.name, p.status]).sort()).toEqual([
      ["Europe small", "healthy"],
      ["Moon base", "validation_failed"]
    ])

    // The same files without the directory, gzipped: the same version.
    const gzipped = gzipSync(createTar(changed))
    const same = await call(main, "/api/v1/templates/region-pool/versions", { body: gzipped, headers })
    expect(same.status).toBe(201)
    expect(same.json).toMatchObject({ created: false, versionId: secondVersion })

    const garbage = await call(main, "/api/v1/templates/region-pool/versions", {
      body: new TextEncoder().encode("this is not an archive"),
      headers
    })
    expect(garbage.status).toBe(400)
    expect(garbage.json.message).toMatch(/tar|archive/i)

    // The rendered default shows which version is which.
    const disk = async (version: string) => {
      const rendered = await call(main, `/api/v1/templateversions/${version}/render`, { json: {} })
      expect(rendered.status).toBe(200)
      return rendered.json.parameters.find((p: any) => p.name === "disk").value.value
    }
    expect(await disk(firstVersion)).toBe("20")
    expect(await disk(secondVersion)).toBe("30")
  })

  it("activates an older version; unknown templates and versions are 404", async () => {
    expect(await activeVersionOf(main, "region-pool")).toBe(secondVersion)
    const reply = await call(main, `/api/v1/templates/region-pool/versions/${firstVersion}/activate`, {
      method: "POST"
    })
    expect(reply.status).toBe(200)
    expect(reply.json.activeVersionId).toBe(firstVersion)
    expect(await activeVersionOf(main, "region-pool")).toBe(firstVersion)

    const unknownVersion = await call(main, "/api/v1/templates/region-pool/versions/no-such-version/activate", {
      method: "POST"
    })
    expect([unknownVersion.status, unknownVersion.json._tag]).toEqual([404, "NotFound"])
    // A version of another template is not this template's version.
    const docker = await activeVersionOf(main, "docker-dev")
    const foreign = await call(main, `/api/v1/templates/region-pool/versions/${docker}/activate`, { method: "POST" })
    expect(foreign.status).toBe(404)
    const unknownTemplate = await call(main, `/api/v1/templates/no-such-template/versions/${firstVersion}/activate`, {
      method: "POST"
    })
    expect([unknownTemplate.status, unknownTemplate.json._tag]).toEqual([404, "NotFound"])
    expect(await activeVersionOf(main, "region-pool")).toBe(firstVersion)

    // The pool of the re-activated version fills; the other version's prebuilds drain.
    await eventually("the region-pool pool to fill on the re-activated version", async () => {
      const rows = await presets(main)
      const pool = activePreset(rows, "region-pool", "Europe small")
      const drained = rows.filter((p) => p.templateVersionId === secondVersion).every((p) => p.running === 0)
      return pool?.templateVersionId === firstVersion && pool.eligible === 2 && drained ? pool : undefined
    }, 30_000)
  })

  it("pauses the reconciler: cycles keep running but create nothing", async () => {
    const paused = await call(main, "/api/v1/reconciler/pause", { method: "POST" })
    expect([paused.status, paused.json]).toEqual([200, { paused: true }])
    // Wait for a paused cycle, so no cycle started before the pause is still at work.
    await eventually("a paused cycle", async () => ((await cycles(main)).some((c) => c.paused) ? true : undefined))
    const status = await call(main, "/api/v1/reconciler")
    expect(status.json).toMatchObject({ paused: true, intervalMs: 1000 })
  })

  it("renders through the caches: the second identical render is a cache hit", async () => {
    const version = await activeVersionOf(main, "docker-dev")
    const body = { owner: { id: "u-render", name: "renderer" }, values: { stack: "python", cpus: "3" } }
    const before = await scrape(main)
    const first = await call(main, `/api/v1/templateversions/${version}/render`, { json: body })
    expect(first.status).toBe(200)
    const image = first.json.parameters.find((p: any) => p.name === "image")
    expect(image.options.map((o: any) => o.value.value)).toEqual(["python:3.13", "python:3.12"])
    expect(image.value.value).toBe("python:3.13")
    const middle = await scrape(main)
    const second = await call(main, `/api/v1/templateversions/${version}/render`, { json: body })
    expect(second.status).toBe(200)
    expect(second.json).toEqual(first.json)
    const after = await scrape(main)

    const hits = "coderd_prebuilds_render_cache_hits_total"
    const misses = "coderd_prebuilds_render_cache_misses_total"
    expect(middle.value(misses)! - before.value(misses)!).toBe(1)
    expect(middle.value(hits)! - before.value(hits)!).toBe(0)
    expect(after.value(hits)! - middle.value(hits)!).toBe(1)
    expect(after.value(misses)! - middle.value(misses)!).toBe(0)
    // The version was compiled at import: both renders found it in the template cache.
    expect(after.value("warmpool_template_cache_hits_total")!).toBeGreaterThan(
      before.value("warmpool_template_cache_hits_total")!
    )
    expect(after.value("warmpool_template_cache_misses_total")).toBe(
      before.value("warmpool_template_cache_misses_total")
    )
    const renderCount = "warmpool_render_duration_seconds_count"
    const missSuccess = { cache: "miss", outcome: "success" }
    expect(after.value(renderCount, missSuccess)! - before.value(renderCount, missSuccess)!).toBe(1)
    expect(after.value("coderd_prebuilds_render_cache_size_entries")).toBeGreaterThan(0)
  })

  it("answers renders with an ETag, and If-None-Match naming it with 304 and no body", async () => {
    const version = await activeVersionOf(main, "docker-dev")
    const route = `/api/v1/templateversions/${version}/render`
    const body = { values: { stack: "go", cpus: "2" } }
    const first = await call(main, route, { json: body })
    expect(first.status).toBe(200)
    expect(first.headers.get("content-type")).toContain("application/json")
    const etag = first.headers.get("etag")
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    // A hit answers the same bytes and tag.
    const hit = await call(main, route, { json: body })
    expect([hit.status, hit.text, hit.headers.get("etag")]).toEqual([200, first.text, etag])
    for (const header of [etag!, `W/${etag}`, `"other", ${etag}`, "*"]) {
      const unchanged = await call(main, route, { json: body, headers: { "if-none-match": header } })
      expect([unchanged.status, unchanged.text, unchanged.headers.get("etag")], header).toEqual([304, "", etag])
    }
    const stale = await call(main, route, { json: body, headers: { "if-none-match": "\"other\"" } })
    expect([stale.status, stale.text]).toEqual([200, first.text])
    // Other values render other bytes under another tag; secrets (per owner) too.
    const other = await call(main, route, { json: { values: { stack: "python", cpus: "2" } } })
    expect(other.status).toBe(200)
    expect(other.headers.get("etag")).not.toBe(etag)
    const withSecrets = await call(main, route, { json: { ...body, owner: { secrets: [] } } })
    expect(withSecrets.status).toBe(200)
    expect(withSecrets.headers.get("etag")).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    // Refusals are unchanged: no token is 401 whatever the precondition says.
    const anonymous = await call(main, route, { json: body, token: null, headers: { "if-none-match": "*" } })
    expect(anonymous.status).toBe(401)
  })

  it("renders invalid values as diagnostics (200), and an unknown version as 404", async () => {
    const version = await activeVersionOf(main, "docker-dev")
    const reply = await call(main, `/api/v1/templateversions/${version}/render`, { json: { values: { cpus: "12" } } })
    expect(reply.status).toBe(200)
    const cpus = reply.json.parameters.find((p: any) => p.name === "cpus")
    expect(cpus.diagnostics.map((d: any) => [d.severity, d.detail])).toEqual([
      ["error", "Choose between 1 and 8 cores (got 12)."]
    ])
    const unknown = await call(main, "/api/v1/templateversions/no-such-version/render", { json: {} })
    expect([unknown.status, unknown.json._tag]).toEqual([404, "NotFound"])
    expect(unknown.json.message).toContain("no-such-version")
  })

  let claimed: ReadonlyArray<string> = []

  it("claims the ready prebuilds of a preset, then 404 when none is left; nothing is replaced while paused", async () => {
    const ready = activePreset(await presets(main), "region-pool", "Europe small")!
    expect(ready.eligible).toBe(2)
    const claim = (owner: string, extra: Record<string, unknown> = { preset: "Europe small" }) =>
      call(main, "/api/v1/prebuilds/claim", {
        json: { template: "region-pool", owner: { id: owner, name: owner }, ...extra }
      })
    const first = await claim("user-1")
    expect(first.status).toBe(200)
    expect(first.json).toMatchObject({
      template: "region-pool",
      preset: "Europe small",
      templateVersionId: firstVersion,
      ownerId: "user-1"
    })
    expect(first.json.buildNumber).toBeGreaterThan(1)
    // Without a preset, the matching preset is found from the values.
    const second = await claim("user-2", { values: { region: "eu", size: "small" } })
    expect(second.status).toBe(200)
    expect(second.json).toMatchObject({ preset: "Europe small", ownerId: "user-2" })
    expect(second.json.workspaceId).not.toBe(first.json.workspaceId)
    claimed = [first.json.workspaceId, second.json.workspaceId]

    const none = await claim("user-3")
    expect([none.status, none.json._tag]).toEqual([404, "NotFound"])

    const lastCycle = Math.max(...(await cycles(main)).map((c) => c.cycle))
    await sleep(2_500)
    const later = (await cycles(main)).filter((c) => c.cycle > lastCycle)
    expect(later.length).toBeGreaterThanOrEqual(1)
    expect(later.every((c) => c.paused && c.creates === 0)).toBe(true)
    expect(activePreset(await presets(main), "region-pool", "Europe small")).toMatchObject({
      running: 0,
      eligible: 0
    })
  })

  it("resumes: the next cycles replace the claimed prebuilds", async () => {
    const resumed = await call(main, "/api/v1/reconciler/resume", { method: "POST" })
    expect([resumed.status, resumed.json]).toEqual([200, { paused: false }])
    const pool = await eventually("replacements of the claimed prebuilds", async () => {
      const row = activePreset(await presets(main), "region-pool", "Europe small")
      return row !== undefined && row.eligible === 2 ? row : undefined
    }, 20_000)
    expect(pool.running).toBe(2)
    expect((await cycles(main)).some((c) => !c.paused && c.creates >= 1)).toBe(true)
    // Claimed workspaces are no longer prebuilds: the pool holds two new ones.
    const again = await call(main, "/api/v1/prebuilds/claim", {
      json: { template: "region-pool", preset: "Europe small", owner: { id: "user-4" } }
    })
    expect(again.status).toBe(200)
    expect(claimed).not.toContain(again.json.workspaceId)
  })

  it("refuses claims it cannot serve: no owner id (400), unknown template or preset (404)", async () => {
    const noOwner = await call(main, "/api/v1/prebuilds/claim", {
      json: { template: "region-pool", preset: "Europe small", owner: {} }
    })
    expect(noOwner.status).toBe(400)
    expect(noOwner.json.message).toContain("owner.id")
    const noTemplate = await call(main, "/api/v1/prebuilds/claim", {
      json: { template: "no-such-template", owner: { id: "u" } }
    })
    expect([noTemplate.status, noTemplate.json._tag]).toEqual([404, "NotFound"])
    const noPreset = await call(main, "/api/v1/prebuilds/claim", {
      json: { template: "region-pool", preset: "No such preset", owner: { id: "u" } }
    })
    expect([noPreset.status, noPreset.json._tag]).toEqual([404, "NotFound"])
  })

  const secretPool = {
    "main.tf": `
data "coder_parameter" "region" {
  name    = "region"
  mutable = true
  default = "eu"
  option {
    name  = "EU"
    value = "eu"
  }
  option {
    name  = "US"
    value = "us"
  }
}
data "coder_secret" "gh" {
  env          = "GH_TOKEN"
  help_message = "A GitHub token"
}
data "coder_workspace_preset" "one" {
  name       = "one"
  parameters = { region = "eu" }
  prebuilds {
    instances = 1
  }
}
`
  }
  let secretVersion = ""

  it("renders secret requirements; satisfied is per owner, computed after the render cache", async () => {
    const imported = await call(main, "/api/v1/templates/secret-pool/versions", { json: { files: secretPool } })
    expect(imported.status).toBe(201)
    secretVersion = imported.json.versionId
    const route = `/api/v1/templateversions/${secretVersion}/render`
    const requirement = { env: "GH_TOKEN", file: "", help_message: "A GitHub token" }
    const plain = await call(main, route, { json: { owner: { id: "u-a" } } })
    expect(plain.status).toBe(200)
    expect(plain.json.secret_requirements).toEqual([requirement])

    const before = await scrape(main)
    const has = await call(main, route, { json: { owner: { id: "u-a", secrets: [{ env: "GH_TOKEN" }] } } })
    const lacks = await call(main, route, { json: { owner: { id: "u-b", secrets: [{ file: "GH_TOKEN" }] } } })
    const after = await scrape(main)
    expect(has.json.secret_requirements).toEqual([{ ...requirement, satisfied: true }])
    expect(lacks.json.secret_requirements).toEqual([{ ...requirement, satisfied: false }])
    // Both were served from the entry the plain render filled: the status is not in the cache.
    const hits = "coderd_prebuilds_render_cache_hits_total"
    expect(after.value(hits)! - before.value(hits)!).toBe(2)
  })

  it("renders with previousValues (stale options dropped, stale_option) and fullEvaluation", async () => {
    const route = `/api/v1/templateversions/${secretVersion}/render`
    const stale = await call(main, route, { json: { previousValues: { region: "ap" } } })
    expect(stale.status).toBe(200)
    const region = stale.json.parameters.find((p: any) => p.name === "region")
    expect(region.value).toEqual({ value: "eu", valid: true })
    expect(region.diagnostics.map((d: any) => [d.severity, d.extra.code])).toEqual([["warning", "stale_option"]])
    expect(region.diagnostics[0].summary).toContain(`"ap"`)
    const kept = await call(main, route, { json: { previousValues: { region: "us" } } })
    expect(kept.json.parameters[0].value.value).toBe("us")

    const selective = await call(main, route, { json: { values: { region: "us" } } })
    const full = await call(main, route, { json: { values: { region: "us" }, fullEvaluation: true } })
    expect(full.status).toBe(200)
    expect(full.json).toEqual(selective.json)
  })

  it("refuses a claim whose owner lacks a required secret (400); the prebuild stays in the pool", async () => {
    await eventually("the secret-pool prebuild", async () => {
      const row = activePreset(await presets(main), "secret-pool", "one")
      return row !== undefined && row.eligible === 1 ? row : undefined
    }, 20_000)
    const claim = (owner: Record<string, unknown>) =>
      call(main, "/api/v1/prebuilds/claim", { json: { template: "secret-pool", preset: "one", owner } })
    const refused = await claim({ id: "u-nosecret", secrets: [{ env: "OTHER" }] })
    expect([refused.status, refused.json._tag]).toEqual([400, "ValidationFailed"])
    expect(refused.json.message).toContain("GH_TOKEN")
    expect(refused.json.validations).toEqual([{ field: "owner.secrets", detail: "env GH_TOKEN: A GitHub token" }])
    expect(activePreset(await presets(main), "secret-pool", "one")).toMatchObject({ eligible: 1 })
    const ok = await claim({ id: "u-secret", secrets: [{ env: "GH_TOKEN" }] })
    expect(ok.status).toBe(200)
    expect(ok.json).toMatchObject({ preset: "one", ownerId: "u-secret" })
  })

  it("answers malformed JSON with 400 and the parser's message", async () => {
    const version = await activeVersionOf(main, "docker-dev")
    const cases: ReadonlyArray<readonly [string, string]> = [
      [`/api/v1/templateversions/${version}/render`, "{\"owner\": "],
      ["/api/v1/prebuilds/claim", "{"],
      ["/api/v1/templates/region-pool/versions", "{\"files\": {\"main.tf\": \"x\"},}"],
      ["/api/v1/reconciler/pause", "not json"]
    ]
    for (const [route, body] of cases) {
      const reply = await call(main, route, { method: "POST", body, headers: { "content-type": "application/json" } })
      expect([route, reply.status]).toEqual([route, 400])
      expect(reply.json._tag).toBe("BadRequest")
      expect(reply.json.message).toMatch(/JSON/)
    }
    expect((await call(main, "/api/v1/reconciler")).json.paused).toBe(false)
  })

  it("answers schema violations with 400 and a message naming the field", async () => {
    const version = await activeVersionOf(main, "docker-dev")
    const render = `/api/v1/templateversions/${version}/render`
    const cases: ReadonlyArray<readonly [route: string, body: unknown, field: string]> = [
      [render, { values: { cpus: 4 } }, "cpus"],
      [render, { owner: { groups: "admins" } }, "groups"],
      [render, { owner: "alice" }, "owner"],
      ["/api/v1/prebuilds/claim", { owner: { id: "u" } }, "template"],
      ["/api/v1/prebuilds/claim", { template: "docker-dev" }, "owner"],
      ["/api/v1/prebuilds/claim", { template: "docker-dev", owner: { id: "u" }, values: { cpus: 2 } }, "cpus"],
      ["/api/v1/templates/region-pool/versions", { files: { "main.tf": 1 } }, "main.tf"],
      ["/api/v1/templates/region-pool/versions", { name: "v9" }, "files"],
      ["/api/v1/templates/region-pool/versions", { files: {}, activate: "yes" }, "activate"]
    ]
    for (const [route, body, field] of cases) {
      const reply = await call(main, route, { json: body })
      expect([route, field, reply.status]).toEqual([route, field, 400])
      expect(reply.json.message, `${route} ${JSON.stringify(body)}`).toContain(field)
    }
    // A template name the path pattern refuses.
    const badName = await call(main, "/api/v1/templates/bad%20name!/versions", { json: { files: {} } })
    expect(badName.status).toBe(400)
    expect(badName.json.message).toContain("name")
  })

  it("refuses unusable template files with 400 and never stores them", async () => {
    const cases: ReadonlyArray<Record<string, string>> = [
      { "main.tf": "data \"coder_parameter\" \"broken\" {\n  name = \n" },
      { "../escape.tf": "locals {}" },
      {}
    ]
    for (const files of cases) {
      const reply = await call(main, "/api/v1/templates/broken-files/versions", { json: { files } })
      expect([JSON.stringify(files), reply.status]).toEqual([JSON.stringify(files), 400])
      expect(typeof reply.json.message).toBe("string")
    }
    const listed = await call(main, "/api/v1/templates")
    const broken = (listed.json.templates as ReadonlyArray<{ name: string; versions: ReadonlyArray<unknown> }>)
      .find((t) => t.name === "broken-files")
    expect(broken?.versions ?? []).toEqual([])
  })

  it("exposes every metric family, and the exposition parses", async () => {
    const metrics = await scrape(main)
    for (const name of expectedFamilies) expect(metrics.families.has(name), name).toBe(true)
    expect(metrics.families.get("warmpool_render_duration_seconds")!.type).toBe("histogram")
    expect(metrics.families.get("coderd_prebuilds_reconciliation_duration_seconds")!.type).toBe("histogram")
    expect(metrics.families.get("coderd_prebuilt_workspaces_created_total")!.type).toBe("counter")
    expect(metrics.families.get("coderd_prebuilt_workspaces_desired")!.type).toBe("gauge")
    for (const reason of ["idle", "max_age", "capacity"]) {
      expect(metrics.value("warmpool_render_cache_evictions_total", { reason }), reason).toBeDefined()
    }
    expect(metrics.value("coderd_prebuilds_render_cache_hits_total")).toBeGreaterThan(0)
    expect(metrics.value("coderd_prebuilds_reconciliation_duration_seconds_count")).toBeGreaterThan(0)
  })

  it("never answered with a stack trace, and stops cleanly on SIGTERM", async () => {
    expect(replies.length).toBeGreaterThan(100)
    expect(replies.filter(({ reply }) => hasStackTrace(reply.text)).map(({ route }) => route)).toEqual([])
    const stopped = await main.stop("SIGTERM")
    expect(stopped).toMatchObject({ code: 0, signal: null, killed: false })
    expect(stopped.elapsedMs).toBeLessThan(5_000)
    expect(hasStackTrace(stopped.output), stopped.output).toBe(false)
    expect(stopped.output).toContain("stopped")
  })
})

describe("warmpool serve: limits (4 KiB bodies, 1 ms render deadline)", () => {
  it("answers 413 to a body whose Content-Length is over the limit, with or without a token", async () => {
    const big = JSON.stringify({ files: { "main.tf": "#".repeat(5_000) } })
    for (const token of [limited.token, null]) {
      const reply = await call(limited, "/api/v1/templates/big/versions", {
        body: big,
        headers: { "content-type": "application/json" },
        token
      })
      expect(reply.status).toBe(413)
      expect(reply.json.message).toContain("4096")
    }
    const archive = await call(limited, "/api/v1/templates/big/versions", {
      body: createTar({ "main.tf": "#".repeat(5_000) }),
      headers: { "content-type": "application/x-tar" }
    })
    expect(archive.status).toBe(413)
    // Just under the limit is decoded as usual.
    const small = await call(limited, "/api/v1/templates/small/versions", {
      json: { files: { "main.tf": "locals {\n  padding = \"" + "x".repeat(3_000) + "\"\n}\n" } }
    })
    expect(small.status).toBe(201)
    const listed = await call(limited, "/api/v1/templates")
    expect(listed.json.templates.map((t: any) => t.name).sort()).toEqual(["slow", "small"])
  })

  it("refuses a streamed body over the limit and keeps serving", async () => {
    const chunks = [new Uint8Array(3_000).fill(0x61), new Uint8Array(3_000).fill(0x61)]
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift()
        if (next === undefined) controller.close()
        else controller.enqueue(next)
      }
    })
    const status = await fetch(`${limited.url}/api/v1/templates/streamed/versions`, {
      method: "POST",
      headers: { authorization: `Bearer ${limited.token}`, "content-type": "application/x-tar" },
      body,
      duplex: "half"
    } as RequestInit).then((response) => response.status, () => "connection closed")
    // Either a 413 or a closed connection: never accepted.
    expect([413, "connection closed"]).toContain(status)
    const health = await call(limited, "/healthz", { token: null })
    expect(health.status).toBe(200)
    expect((await call(limited, "/api/v1/templates")).json.templates.map((t: any) => t.name)).not.toContain(
      "streamed"
    )
  })

  it("answers 504 when a render misses its deadline", async () => {
    const version = await activeVersionOf(limited, "slow")
    const reply = await call(limited, `/api/v1/templateversions/${version}/render`, { json: {} })
    expect(reply.status).toBe(504)
    expect(reply.json._tag).toBe("RenderTimeout")
    expect(reply.json.message).toContain("deadline")
    expect((await call(limited, "/healthz", { token: null })).status).toBe(200)
  })

  it("stops cleanly on SIGTERM", async () => {
    const stopped = await limited.stop("SIGTERM")
    expect(stopped).toMatchObject({ code: 0, signal: null, killed: false })
    expect(stopped.elapsedMs).toBeLessThan(5_000)
    expect(hasStackTrace(stopped.output), stopped.output).toBe(false)
  })
})
