/**
 * Two `warmpool serve` processes on one PostgreSQL database (issue 7, PREBUILDS.md §3.2, §10
 * R1/R3), each test in a schema of its own: while users claim prebuilds through both replicas for
 * about twenty 1 s cycles, no preset ever holds more prebuilds than it wants — neither in either
 * replica's `/api/v1/presets` nor in the database (running and starting counted) — one replica at
 * a time holds the reconcile lock, a replica that loses it does nothing, and every workspace in
 * the database was created by a reported cycle. Needs `WARMPOOL_PG_URL`.
 */
import { afterAll, describe, expect, it } from "@effect/vitest"
import type { Api } from "@warmpool/client"
import { Domain, Store } from "@warmpool/prebuilds"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import * as Option from "effect/Option"
import { createSchema, dropSchema, pgRequired, pgSkipReason, pgUrl, urlInSchema } from "./pg.js"
import { eventually, fixturesDir, hasStackTrace, type RunningServer, sleep, startServer } from "./server.js"

/** As the API defines it (`@warmpool/client`). */
type PresetRow = typeof Api.PresetStatus.Type

/** As the API defines it (`@warmpool/client`). */
type CycleRow = typeof Api.CycleReport.Type

/** As the API defines it (`@warmpool/client`). */
type TemplateRow = typeof Api.TemplateInfo.Type

const servers: Array<RunningServer> = []
const schemas: Array<string> = []

afterAll(async () => {
  for (const server of servers) await server.dispose()
  for (const schema of schemas) await dropSchema(pgUrl!, schema)
})

const presets = async (server: RunningServer): Promise<ReadonlyArray<PresetRow>> => {
  const reply = await server.request("/api/v1/presets")
  expect(reply.status).toBe(200)
  return reply.json.presets
}

const cycles = async (server: RunningServer): Promise<ReadonlyArray<CycleRow>> =>
  (await server.request("/api/v1/reconciler")).json.cycles

const templates = async (server: RunningServer): Promise<ReadonlyArray<TemplateRow>> =>
  (await server.request("/api/v1/templates")).json.templates

const filled = (rows: ReadonlyArray<PresetRow>) =>
  rows.filter((p) => p.activeVersion && p.status === "healthy").every((p) => p.eligible === p.desired)

/** Live prebuilds per preset in the database: system-owned, latest build a `start` not failed. */
const prebuildsPerPreset = Effect.gen(function*() {
  const store = yield* Store.Store
  const counts = new Map<string, number>()
  for (const workspace of yield* store.workspaces()) {
    if (workspace.ownerId !== Domain.SystemUserId) continue
    const latest = yield* store.latestBuild(workspace.id)
    if (Option.isNone(latest)) continue
    const { build, job } = latest.value
    if (build.transition !== "start" || build.presetId === null) continue
    if (job.status === "failed" || job.status === "canceled" || job.status === "canceling") continue
    counts.set(build.presetId, (counts.get(build.presetId) ?? 0) + 1)
  }
  return counts
})

const stopCleanly = async (server: RunningServer) => {
  const stopped = await server.stop("SIGTERM")
  expect(stopped).toMatchObject({ code: 0, signal: null, killed: false })
  expect(stopped.elapsedMs).toBeLessThan(5_000)
  expect(hasStackTrace(stopped.output), stopped.output).toBe(false)
}

const startReplica = async (db: string) => {
  const server = await startServer({ db, templates: fixturesDir, interval: "1s", echoDelay: "1s" })
  servers.push(server)
  return server
}

const interval = (c: CycleRow) => {
  const start = Date.parse(c.startedAt)
  return { start, end: start + c.durationMs }
}

if (pgUrl === undefined && pgRequired) {
  describe("warmpool serve: replicas on PostgreSQL", () => {
    it("needs WARMPOOL_PG_URL (WARMPOOL_REQUIRE_PG=1 is set)", () => {
      expect.fail(pgSkipReason)
    })
  })
} else if (pgUrl === undefined) {
  console.warn(`warmpool serve replica tests skipped: ${pgSkipReason}`)
}

describe.skipIf(pgUrl === undefined)("warmpool serve: two replicas on one PostgreSQL database", () => {
  it("never over-provision over ~20 cycles of claims on both replicas; one lock holder at a time", async () => {
    const url = pgUrl!
    const schema = await createSchema(url)
    schemas.push(schema)
    const db = urlInSchema(url, schema)
    const a = await startReplica(db)
    const b = await startReplica(db)
    expect(a.output()).toContain("(PostgreSQL)")
    for (const name of ["region-pool", "team-pool"]) {
      expect(a.output()).toContain(`template ${name}: imported version`)
      expect(b.output()).toContain(`template ${name}: unchanged version`)
    }
    const runtime = ManagedRuntime.make(Store.layerPg({ url, schema, migrate: false, maxConnections: 2 }))
    try {
      const wanted = new Map<string, PresetRow>()
      const violations: Array<string> = []
      const claimTargets = [["team-pool", "Web team"], ["team-pool", "Data team"], ["region-pool", "Europe small"]]
      let claims = 0
      let samples = 0
      const started = Date.now()
      let nextClaim = started + 1_500
      while (Date.now() - started < 20_000) {
        for (const [name, server] of [["A", a], ["B", b]] as const) {
          for (const p of await presets(server)) {
            if (!p.activeVersion) continue
            if (p.status === "healthy") wanted.set(p.presetId, p)
            if (p.running > p.desired) {
              violations.push(`replica ${name}: ${p.template}/${p.preset} running ${p.running} > desired ${p.desired}`)
            }
          }
        }
        for (const [presetId, count] of await runtime.runPromise(prebuildsPerPreset)) {
          const preset = wanted.get(presetId)
          if (preset === undefined) violations.push(`database: ${count} prebuild(s) of preset ${presetId}`)
          else if (count > preset.desired) {
            violations.push(`database: ${preset.template}/${preset.preset} has ${count} > desired ${preset.desired}`)
          }
        }
        samples++
        if (Date.now() >= nextClaim) {
          const [template, preset] = claimTargets[claims % claimTargets.length]!
          const replica = claims % 2 === 0 ? a : b
          const reply = await replica.request("/api/v1/prebuilds/claim", {
            json: { template, preset, owner: { id: `user-${claims}`, name: `user${claims}` } }
          })
          expect([200, 404]).toContain(reply.status)
          if (reply.status === 200) claims++
          nextClaim += 1_500
        }
        await sleep(150)
      }
      expect(violations).toEqual([])
      expect(samples).toBeGreaterThan(20)
      expect(claims).toBeGreaterThanOrEqual(5)
      expect([...wanted.values()].map((p) => `${p.template}/${p.preset}=${p.desired}`).sort()).toEqual([
        "region-pool/Europe small=2",
        "team-pool/Data team=2",
        "team-pool/Infrastructure team=1",
        "team-pool/Web team=3"
      ])

      // Both replicas see the pools refilled.
      await eventually("the pools to refill", async () => (filled(await presets(a)) ? true : undefined), 20_000)
      // B's status may come from its own last snapshot while A holds the lock: it catches up.
      await eventually(
        "replica B to see them refilled",
        async () => (filled(await presets(b)) ? true : undefined),
        10_000
      )

      const [ofA, ofB] = await Promise.all([cycles(a), cycles(b)])
      const all = [...ofA.map((c) => ({ replica: "A", ...c })), ...ofB.map((c) => ({ replica: "B", ...c }))]
      const winners = all.filter((c) => c.lockAcquired)
      const losers = all.filter((c) => !c.lockAcquired)
      expect(winners.length).toBeGreaterThanOrEqual(20)
      // A replica that did not get the lock did nothing.
      for (const c of losers) {
        expect([c.replica, c.cycle, c.presetsReconciled, c.creates, c.deletes, c.cancels]).toEqual([
          c.replica,
          c.cycle,
          0,
          0,
          0,
          0
        ])
      }
      // Lock holders never overlap (a cycle's interval contains its lock; 5 ms for clock rounding
      // and the in-memory work before and after the lock).
      for (const x of winners.filter((c) => c.replica === "A")) {
        for (const y of winners.filter((c) => c.replica === "B")) {
          const [p, q] = [interval(x), interval(y)]
          const overlap = Math.min(p.end, q.end) - Math.max(p.start, q.start)
          expect(overlap, `A#${x.cycle} and B#${y.cycle} both held the lock`).toBeLessThanOrEqual(5)
        }
      }
      // Someone reconciles all the time: no long stretch without a lock holder.
      const starts = winners.map((c) => interval(c).start).filter((t) => t >= started).sort((x, y) => x - y)
      const gaps = starts.slice(1).map((t, i) => t - starts[i]!)
      expect(Math.max(...gaps)).toBeLessThan(5_000)
      // Every workspace in the database came from a reported create (none doubled behind the reports).
      const created = winners.reduce((n, c) => n + c.creates, 0)
      const total = await runtime.runPromise(
        Effect.map(
          Effect.flatMap(Store.Store, (store) => store.workspaces({ includeDeleted: true })),
          (ws) => ws.length
        )
      )
      expect(total).toBe(created)
      console.info(
        `replicas: ${samples} samples, ${claims} claims, ${winners.length} cycles with the lock ` +
          `(A ${ofA.filter((c) => c.lockAcquired).length}, B ${ofB.filter((c) => c.lockAcquired).length}), ` +
          `${losers.length} without, ${created} workspaces created`
      )
    } finally {
      await runtime.dispose()
    }
    await Promise.all([stopCleanly(a), stopCleanly(b)])
  }, 90_000)

  it("two replicas started at the same moment import each template version once", async () => {
    const url = pgUrl!
    const schema = await createSchema(url)
    schemas.push(schema)
    const db = urlInSchema(url, schema)
    const [a, b] = await Promise.all([startReplica(db), startReplica(db)])
    const listed = await templates(a)
    expect(listed.map((t) => [t.name, t.versions.length]).sort()).toEqual([["region-pool", 1], ["team-pool", 1]])
    expect(await templates(b)).toEqual(listed)
    await eventually("the pools to fill", async () => (filled(await presets(b)) ? true : undefined), 20_000)
    await Promise.all([stopCleanly(a), stopCleanly(b)])
  }, 60_000)
})
