/**
 * A restart of `warmpool serve` on the same SQLite file keeps its state: templates (imported from
 * the directory and through the API), versions, presets and workspaces survive; the directory's
 * templates are not imported twice; the pools are not filled a second time.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import type { Api } from "@warmpool/client"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import {
  eventually,
  examplesDir,
  fixturesDir,
  hasStackTrace,
  type RunningServer,
  sleep,
  startServer
} from "./server.js"
import { type Database, workspaceJobs } from "./store.js"

/** As the API defines it (`@warmpool/client`). */
type PresetRow = typeof Api.PresetStatus.Type

/** As the API defines it (`@warmpool/client`). */
type TemplateRow = typeof Api.TemplateInfo.Type

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-e2e-restart-"))
const filename = path.join(directory, "warmpool.db")
const database: Database = { _tag: "sqlite", filename }
const servers: Array<RunningServer> = []

afterAll(async () => {
  for (const server of servers) await server.dispose()
  fs.rmSync(directory, { recursive: true, force: true })
})

const start = async () => {
  const server = await startServer({ templates: examplesDir, db: filename })
  servers.push(server)
  return server
}

const presets = async (server: RunningServer): Promise<ReadonlyArray<PresetRow>> =>
  (await server.request("/api/v1/presets")).json.presets

const templates = async (server: RunningServer): Promise<ReadonlyArray<TemplateRow>> =>
  (await server.request("/api/v1/templates")).json.templates

const activeHealthy = (rows: ReadonlyArray<PresetRow>) => rows.filter((p) => p.activeVersion && p.status === "healthy")

const allFilled = (rows: ReadonlyArray<PresetRow>) =>
  activeHealthy(rows).every((p) => p.desired > 0 && p.eligible === p.desired && p.running === p.desired)

const stopCleanly = async (server: RunningServer) => {
  const stopped = await server.stop("SIGTERM")
  expect(stopped).toMatchObject({ code: 0, signal: null, killed: false })
  expect(stopped.elapsedMs).toBeLessThan(5_000)
  expect(hasStackTrace(stopped.output), stopped.output).toBe(false)
  return stopped
}

describe("warmpool serve: restart on the same SQLite file", () => {
  let firstTemplates: ReadonlyArray<TemplateRow> = []
  let firstPresets: ReadonlyArray<PresetRow> = []
  let claimedId = ""
  let liveBefore: ReadonlyArray<string> = []

  it("first run: imports, fills the pools, takes an API import and a claim", async () => {
    const first = await start()
    expect(first.output()).toMatch(/template docker-dev: imported version/)
    const files = { "main.tf": fs.readFileSync(path.join(fixturesDir, "region-pool", "main.tf"), "utf8") }
    const imported = await first.request("/api/v1/templates/region-pool/versions", { json: { files } })
    expect(imported.status).toBe(201)
    await eventually("the pools to fill", async () => (allFilled(await presets(first)) ? true : undefined), 30_000)

    const claim = await first.request("/api/v1/prebuilds/claim", {
      json: { template: "region-pool", preset: "Europe small", owner: { id: "user-1", name: "alice" } }
    })
    expect(claim.status).toBe(200)
    claimedId = claim.json.workspaceId
    // The claimed prebuild is replaced before the restart.
    firstPresets = await eventually("the claimed prebuild to be replaced", async () => {
      const rows = await presets(first)
      return allFilled(rows) ? rows : undefined
    }, 20_000)
    firstTemplates = await templates(first)
    expect(firstTemplates.map((t) => t.name).sort()).toEqual(["docker-dev", "gpu-lab", "k8s-team", "region-pool"])
    await stopCleanly(first)

    const jobs = await workspaceJobs(database)
    liveBefore = jobs.filter((w) => !w.deleted).map((w) => w.workspaceId).sort()
    expect(jobs.find((w) => w.workspaceId === claimedId)).toMatchObject({ ownerId: "user-1", deleted: false })
    expect(jobs.filter((w) => w.jobStatus === "running")).toEqual([])
  })

  it("second run: same templates, versions and presets; nothing imported again; pools not doubled", async () => {
    expect(claimedId).not.toBe("")
    const second = await start()
    for (const name of ["docker-dev", "gpu-lab", "k8s-team"]) {
      expect(second.output()).toContain(`template ${name}: unchanged version`)
    }
    expect(second.output()).not.toMatch(/imported version/)

    const again = await templates(second)
    expect(again).toEqual(firstTemplates)
    for (const t of again) expect(t.versions).toHaveLength(1)

    // At once, from the store: the same presets with their pools full.
    const rows = await presets(second)
    expect(rows.map((p) => [p.presetId, p.template, p.preset]).sort()).toEqual(
      firstPresets.map((p) => [p.presetId, p.template, p.preset]).sort()
    )
    expect(allFilled(rows)).toBe(true)

    // Several cycles later: nothing created, nothing deleted, no pool above its size.
    await sleep(3_500)
    const cycles = (await second.request("/api/v1/reconciler")).json.cycles as ReadonlyArray<{
      creates: number
      deletes: number
      lockAcquired: boolean
    }>
    expect(cycles.length).toBeGreaterThanOrEqual(2)
    expect(cycles.map((c) => [c.creates, c.deletes])).toEqual(cycles.map(() => [0, 0]))
    const later = await presets(second)
    for (const p of activeHealthy(later)) expect([p.preset, p.running]).toEqual([p.preset, p.desired])

    // The claimed workspace still belongs to its user and is not a prebuild any more.
    const none = await second.request("/api/v1/prebuilds/claim", {
      json: { template: "region-pool", preset: "Europe small", owner: { id: "user-2" } }
    })
    expect(none.status).toBe(200)
    expect(none.json.workspaceId).not.toBe(claimedId)
    await stopCleanly(second)

    const jobs = await workspaceJobs(database)
    expect(jobs.find((w) => w.workspaceId === claimedId)).toMatchObject({ ownerId: "user-1", deleted: false })
    // Every workspace of the first run is still there; the only new one replaces the second claim.
    const liveAfter = jobs.filter((w) => !w.deleted).map((w) => w.workspaceId)
    expect(liveAfter).toEqual(expect.arrayContaining([...liveBefore]))
    expect(liveAfter.length - liveBefore.length).toBeLessThanOrEqual(1)
  })
})
