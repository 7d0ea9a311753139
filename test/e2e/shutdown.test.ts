/**
 * Graceful shutdown of `warmpool serve` (issue 7): SIGINT and SIGTERM while echo builds are in
 * flight (30 s each, so they are surely running) end the process with status 0 within a few
 * seconds, no stack trace; afterwards no job is left `running` in the store (the in-flight ones
 * are `canceled`), the SQLite file was closed (no `-wal` / `-shm` left behind) and it reopens.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import { Store } from "@warmpool/prebuilds"
import * as Effect from "effect/Effect"
import * as fs from "node:fs"
import { eventually, examplesDir, hasStackTrace, type RunningServer, startServer } from "./server.js"
import { type Database, withStore, workspaceJobs } from "./store.js"

const servers: Array<RunningServer> = []

afterAll(async () => {
  for (const server of servers) await server.dispose()
})

describe("warmpool serve: graceful shutdown with builds in flight", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`${signal}: exit 0, in-flight jobs canceled, store closed`, async () => {
      const server = await startServer({ templates: examplesDir, echoDelay: "30s" })
      servers.push(server)
      const database: Database = { _tag: "sqlite", filename: server.db }

      // Builds in flight: jobs the echo provisioner has taken and is still working on.
      const running = await eventually("builds in flight", async () => {
        const jobs = await workspaceJobs(database)
        const inFlight = jobs.filter((w) => w.jobStatus === "running")
        return inFlight.length >= 1 ? inFlight : undefined
      }, 20_000)
      expect(fs.existsSync(`${server.db}-wal`)).toBe(true)

      const stopped = await server.stop(signal)
      expect(stopped).toMatchObject({ code: 0, signal: null, killed: false })
      expect(stopped.elapsedMs).toBeLessThan(5_000)
      expect(hasStackTrace(stopped.output), stopped.output).toBe(false)
      expect(stopped.output).toContain("stopping: finishing in-flight work, closing the store")
      expect(stopped.output.trimEnd().split("\n").at(-1)).toMatch(/stopped$/)

      // The store was closed: SQLite removed its write-ahead log.
      expect(fs.existsSync(`${server.db}-wal`)).toBe(false)
      expect(fs.existsSync(`${server.db}-shm`)).toBe(false)

      const after = await workspaceJobs(database)
      expect(after.filter((w) => w.jobStatus === "running")).toEqual([])
      const byId = new Map(after.map((w) => [w.workspaceId, w]))
      for (const job of running) expect(byId.get(job.workspaceId)?.jobStatus).toBe("canceled")

      // The file reopens (and migrates: nothing to do).
      const reopened = await withStore(
        database,
        (store) => Effect.all({ migrated: store.migrationsApplied, ping: store.ping, settings: store.settings() })
      )
      expect(reopened.migrated).toBe(true)
      const again = await Effect.runPromise(
        Effect.scoped(
          Effect.flatMap(Store.Store, (store) => store.listTemplates()).pipe(
            Effect.provide(Store.layerSqlite({ filename: server.db }))
          )
        )
      )
      expect(again.map((t) => t.name).sort()).toEqual(["docker-dev", "gpu-lab", "k8s-team"])
    })
  }
})
