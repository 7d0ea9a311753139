/**
 * Crash recovery of `warmpool serve` on SQLite (issue 17). A `command` provisioner whose jobs take
 * 2 s records the infrastructure it creates as files (and removes them on delete). The server is
 * killed with SIGKILL while jobs are in flight, restarted, killed again mid-refill and restarted:
 * within 90 s every pool is at its desired size, no job is left pending or running, and the files
 * on disk are exactly the running workspaces (no orphaned infrastructure). A second `serve` on the
 * same file meanwhile exits non-zero, naming the holder; the last server stops cleanly with
 * "stopped" as its last line.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import type { Api } from "@warmpool/client"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { type JobRow, jobRows, runningWorkspaces, unfinished } from "./jobs.js"
import { eventually, fixturesDir, hasStackTrace, type RunningServer, sleep, startServer } from "./server.js"
import type { Database } from "./store.js"

/** As the API defines it (`@warmpool/client`). */
type PresetRow = typeof Api.PresetStatus.Type

const directory = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-e2e-recovery-"))
const infraDir = path.join(directory, "infra")
const filename = path.join(directory, "warmpool.db")
const database: Database = { _tag: "sqlite", filename }
const provisionerScript = path.join(directory, "provision.sh")
const servers: Array<RunningServer> = []

fs.mkdirSync(infraDir)
fs.writeFileSync(
  provisionerScript,
  `#!/bin/sh
# A job takes 2 s; a start records the workspace as a file, a delete removes it.
input=$(cat)
ws=$(printf '%s' "$input" | sed -n 's/.*"workspaceId":"\\([^"]*\\)".*/\\1/p')
transition=$(printf '%s' "$input" | sed -n 's/.*"transition":"\\([^"]*\\)".*/\\1/p')
sleep 2
case "$transition" in
  start) echo "$ws" > "$INFRA_DIR/$ws"; echo '{"agents":[{"name":"main","ready":true}]}' ;;
  delete) rm -f "$INFRA_DIR/$ws" ;;
esac
`,
  { mode: 0o755 }
)

afterAll(async () => {
  for (const server of servers) await server.dispose()
  // Commands orphaned by the kills end within their 2 s.
  await sleep(2_500)
  fs.rmSync(directory, { recursive: true, force: true })
})

const start = async () => {
  const server = await startServer({
    db: filename,
    templates: fixturesDir,
    interval: "1s",
    args: [
      "--provisioner",
      "command",
      "--provisioner-command",
      provisionerScript,
      "--provisioner-workers",
      "4",
      "--job-lease",
      "6s",
      "--job-heartbeat",
      "1s"
    ],
    env: { INFRA_DIR: infraDir },
    startTimeoutMs: 60_000
  })
  servers.push(server)
  return server
}

const presets = async (server: RunningServer): Promise<ReadonlyArray<PresetRow>> => {
  const reply = await server.request("/api/v1/presets")
  expect(reply.status).toBe(200)
  return reply.json.presets
}

const running = (jobs: ReadonlyArray<JobRow>) => jobs.filter((job) => job.status === "running")

const infraOnDisk = () => new Set(fs.readdirSync(infraDir))

/** `undefined` when converged, else what is still off. */
const notConverged = async (server: RunningServer): Promise<string | undefined> => {
  const pools = (await presets(server)).filter((p) => p.activeVersion && p.status === "healthy")
  const short = pools.filter((p) => p.eligible !== p.desired || p.running !== p.desired)
  if (short.length > 0) return `pools ${short.map((p) => `${p.preset} ${p.running}/${p.desired}`).join(", ")}`
  const jobs = await jobRows(database)
  if (unfinished(jobs).length > 0) return `${unfinished(jobs).length} job(s) unfinished`
  const expected = runningWorkspaces(jobs)
  const onDisk = infraOnDisk()
  const orphans = [...onDisk].filter((ws) => !expected.has(ws))
  const missing = [...expected].filter((ws) => !onDisk.has(ws))
  if (orphans.length + missing.length > 0) return `${orphans.length} orphan file(s), ${missing.length} missing`
  return undefined
}

describe("warmpool serve: crash recovery on SQLite", () => {
  it(
    "kill -9 with jobs in flight, twice: pools at desired within 90 s, infrastructure = running workspaces",
    async () => {
      // 1. Jobs in flight, then SIGKILL.
      const first = await start()
      await eventually(
        "two jobs running",
        async () => running(await jobRows(database)).length >= 2 || undefined,
        30_000
      )
      const killed = await first.stop("SIGKILL")
      expect(killed.signal).toBe("SIGKILL")
      const stuck = running(await jobRows(database))
      expect(stuck.length).toBeGreaterThanOrEqual(2)
      expect(stuck.every((job) => job.workerId!.endsWith(`:${first.pid}`))).toBe(true)

      // 2. Restart: the crashed holder's lock is taken over at once and its jobs are reaped at
      // start-up; kill again while the refill runs.
      const second = await start()
      expect(second.output()).toContain(`took the database's writer lock over from`)
      expect(second.output()).toMatch(/reaper \(start-up\): \d+ job\(s\) failed/)
      const reaped = (await jobRows(database)).filter((job) => stuck.some((s) => s.jobId === job.jobId))
      for (const job of reaped) {
        expect(["failed", "pending", "running", "succeeded"]).toContain(job.status)
        if (job.status === "failed") {
          expect(job.error).toBe(`lease expired: worker ${job.workerId} stopped heartbeating`)
        }
      }
      await eventually(
        "the refill in flight",
        async () =>
          running(await jobRows(database)).some((job) => job.workerId!.endsWith(`:${second.pid}`)) || undefined,
        30_000,
        50
      )
      await second.stop("SIGKILL")

      // 3. Restart and converge.
      const third = await start()
      const started = Date.now()
      let stable = 0
      let last: string | undefined = "not checked"
      while (stable < 2) {
        last = await notConverged(third)
        stable = last === undefined ? stable + 1 : 0
        if (Date.now() - started > 90_000) throw new Error(`not converged within 90 s: ${last}`)
        await sleep(stable > 0 ? 2_500 : 500)
      }
      console.info(`crash recovery on SQLite: converged ${Date.now() - started} ms after the last restart`)
      const jobs = await jobRows(database)
      expect(infraOnDisk()).toEqual(runningWorkspaces(jobs))
      expect(runningWorkspaces(jobs).size).toBe(8)
      const ready = await third.request("/readyz")
      expect([ready.status, ready.json.status]).toEqual([200, "ready"])

      // A build can be cancelled through the API: a claim build, while it waits or runs.
      const claim = await third.request("/api/v1/prebuilds/claim", {
        json: { template: "team-pool", preset: "Web team", owner: { id: "user-1", name: "one" } }
      })
      expect(claim.status).toBe(200)
      const cancel = await third.request(`/api/v1/builds/${claim.json.buildId}/cancel`, { method: "POST" })
      expect(cancel.status).toBe(200)
      expect(["canceled", "canceling"]).toContain(cancel.json.status)
      await eventually(
        "the claim build canceled",
        async () =>
          (await jobRows(database)).some((job) => job.jobId === cancel.json.jobId && job.status === "canceled") ||
          undefined
      )
      const again = await third.request(`/api/v1/builds/${claim.json.buildId}/cancel`, { method: "POST" })
      expect([again.status, again.json._tag]).toEqual([409, "Conflict"])
      const unknown = await third.request("/api/v1/builds/no-such-build/cancel", { method: "POST" })
      expect(unknown.status).toBe(404)

      // A second serve on the same file is refused, naming the holder.
      const refused = await startServer({ db: filename, startTimeoutMs: 30_000 }).then(
        (server) => {
          servers.push(server)
          return undefined
        },
        (error: Error) => error.message
      )
      expect(refused).toBeDefined()
      expect(refused).toMatch(/exited \(1\) before its banner/)
      expect(refused).toContain(`:${third.pid} (pid namespace `)
      expect(refused).toContain("holds its writer lock")

      const stopped = await third.stop("SIGTERM")
      expect(stopped).toMatchObject({ code: 0, signal: null, killed: false })
      expect(hasStackTrace(stopped.output), stopped.output).toBe(false)
      expect(stopped.output.trimEnd().split("\n").at(-1)).toMatch(/ stopped$/)
    },
    240_000
  )
})
