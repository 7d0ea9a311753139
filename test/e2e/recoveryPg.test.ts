/**
 * Crash recovery of `warmpool serve` on PostgreSQL (issue 17), each test in a schema of its own:
 *
 * - a database outage shorter than the job lease (a TCP proxy on loopback, owned by the test,
 *   drops every connection and refuses new ones for 4 s while builds are in flight) loses no
 *   completion: every job ends succeeded, none is failed by the reaper;
 * - a replica killed with SIGKILL while it runs jobs: the survivor's reaper fails them once their
 *   lease has expired (naming the dead worker), and the pools refill.
 *
 * Needs `WARMPOOL_PG_URL`.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import type { Api } from "@warmpool/client"
import * as net from "node:net"
import { jobRows, unfinished } from "./jobs.js"
import { createSchema, dropSchema, pgRequired, pgSkipReason, pgUrl, urlInSchema } from "./pg.js"
import { eventually, fixturesDir, hasStackTrace, type RunningServer, sleep, startServer } from "./server.js"
import type { Database } from "./store.js"

/** As the API defines it (`@warmpool/client`). */
type PresetRow = typeof Api.PresetStatus.Type

const servers: Array<RunningServer> = []
const schemas: Array<string> = []
const proxies: Array<Proxy> = []

afterAll(async () => {
  for (const server of servers) await server.dispose()
  for (const proxy of proxies) await proxy.close()
  for (const schema of schemas) await dropSchema(pgUrl!, schema)
})

/** A TCP proxy to the PostgreSQL server that the test can take down and bring back. */
interface Proxy {
  readonly port: number
  /** Drops every connection and refuses new ones. */
  readonly down: () => void
  readonly up: () => void
  readonly close: () => Promise<void>
}

const startProxy = async (target: URL): Promise<Proxy> => {
  const sockets = new Set<net.Socket>()
  let refusing = false
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy()
      return
    }
    const upstream = net.connect(Number(target.port || 5432), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
      socket.on("error", () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as net.AddressInfo).port
  const dropAll = () => {
    for (const socket of sockets) socket.destroy()
  }
  return {
    port,
    down: () => {
      refusing = true
      dropAll()
    },
    up: () => {
      refusing = false
    },
    close: () =>
      new Promise<void>((resolve) => {
        dropAll()
        server.close(() => resolve())
      })
  }
}

const viaProxy = (url: string, port: number): string => {
  const parsed = new URL(url)
  parsed.hostname = "127.0.0.1"
  parsed.port = String(port)
  return parsed.toString()
}

const presets = async (server: RunningServer): Promise<ReadonlyArray<PresetRow>> => {
  const reply = await server.request("/api/v1/presets")
  return reply.status === 200 ? reply.json.presets : []
}

const filled = async (server: RunningServer) => {
  const pools = (await presets(server)).filter((p) => p.activeVersion && p.status === "healthy")
  return pools.length > 0 && pools.every((p) => p.eligible === p.desired && p.running === p.desired)
}

const replicaArgs = (lease: string) => [
  "--provisioner-workers",
  "2",
  "--job-lease",
  lease,
  "--job-heartbeat",
  "1s"
]

const start = async (db: string, lease: string, echoDelay: string) => {
  const server = await startServer({
    db,
    templates: fixturesDir,
    interval: "1s",
    echoDelay,
    args: replicaArgs(lease),
    startTimeoutMs: 60_000
  })
  servers.push(server)
  return server
}

if (pgUrl === undefined && pgRequired) {
  describe("warmpool serve: crash recovery on PostgreSQL", () => {
    it("needs WARMPOOL_PG_URL (WARMPOOL_REQUIRE_PG=1 is set)", () => {
      expect.fail(pgSkipReason)
    })
  })
} else if (pgUrl === undefined) {
  console.warn(`warmpool serve crash-recovery tests on PostgreSQL skipped: ${pgSkipReason}`)
}

describe.skipIf(pgUrl === undefined)("warmpool serve: crash recovery on PostgreSQL", () => {
  it("a 4 s database outage with builds in flight loses no completion", async () => {
    const url = pgUrl!
    const schema = await createSchema(url)
    schemas.push(schema)
    const database: Database = { _tag: "pg", url, schema }
    const proxy = await startProxy(new URL(url))
    proxies.push(proxy)
    const server = await start(urlInSchema(viaProxy(url, proxy.port), schema), "12s", "3s")

    await eventually(
      "two builds running",
      async () => {
        const jobs = await jobRows(database)
        return jobs.filter((job) => job.status === "running").length >= 2 || undefined
      },
      30_000,
      50
    )
    proxy.down()
    await sleep(4_000)
    proxy.up()

    await eventually("the pools filled after the outage", async () => (await filled(server)) || undefined, 60_000, 250)
    await eventually(
      "no job left unfinished",
      async () => unfinished(await jobRows(database)).length === 0 || undefined
    )
    const jobs = await jobRows(database)
    expect(jobs.filter((job) => job.status === "failed")).toEqual([])
    expect(jobs.every((job) => job.status === "succeeded")).toBe(true)
    expect(server.output()).not.toContain("could not store a job's completion")

    const stopped = await server.stop("SIGTERM")
    expect(stopped).toMatchObject({ code: 0, signal: null, killed: false })
    expect(hasStackTrace(stopped.output), stopped.output).toBe(false)
  }, 150_000)

  it("a replica killed with jobs in flight: the survivor reaps them after the lease and refills", async () => {
    const url = pgUrl!
    const schema = await createSchema(url)
    schemas.push(schema)
    const database: Database = { _tag: "pg", url, schema }
    const db = urlInSchema(url, schema)
    const a = await start(db, "4s", "5s")
    const b = await start(db, "4s", "5s")

    const ofA = (workerId: string | null) => workerId !== null && workerId.endsWith(`:${a.pid}`)
    await eventually(
      "replica A running a job",
      async () => {
        const jobs = await jobRows(database)
        return jobs.some((job) => job.status === "running" && ofA(job.workerId)) || undefined
      },
      30_000,
      50
    )
    const killedAt = Date.now()
    await a.stop("SIGKILL")
    const orphaned = (await jobRows(database)).filter((job) => job.status === "running" && ofA(job.workerId))
    expect(orphaned.length).toBeGreaterThanOrEqual(1)

    const reaped = await eventually(
      "the survivor reaps A's jobs",
      async () => {
        const jobs = await jobRows(database)
        const mine = jobs.filter((job) => orphaned.some((o) => o.jobId === job.jobId))
        return mine.every((job) => job.status !== "running") ? mine : undefined
      },
      30_000,
      100
    )
    const reapedAfterMs = Date.now() - killedAt
    for (const job of reaped) {
      // Started jobs fail naming the dead worker (a job taken but not started would be re-queued).
      if (job.status === "failed") {
        expect(job.error).toBe(`lease expired: worker ${job.workerId} stopped heartbeating`)
        expect(ofA(job.workerId)).toBe(true)
      }
    }
    expect(reaped.some((job) => job.status === "failed")).toBe(true)
    // The reaper writes the jobs, then logs: the line can reach B's output a moment after the rows.
    await eventually(
      "the reaper's log line",
      async () => /reaper \(lease expired\): \d+ job\(s\) failed/.test(b.output()) || undefined,
      10_000,
      100
    )

    await eventually("the pools refilled by B", async () => (await filled(b)) || undefined, 60_000, 250)
    await eventually(
      "no job left unfinished",
      async () => unfinished(await jobRows(database)).length === 0 || undefined
    )
    console.info(`replica kill on PostgreSQL: A's jobs reaped ${reapedAfterMs} ms after the kill (lease 4 s)`)
    const stopped = await b.stop("SIGTERM")
    expect(stopped).toMatchObject({ code: 0, signal: null, killed: false })
  }, 150_000)
})
