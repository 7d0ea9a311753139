/**
 * The RenderCache pattern of docs/prebuilds.md §6.2 through the reconciler: three creates of one preset
 * on one version give hits / misses / entries 0/1/1, 1/1/1, 2/1/1, and the template is parsed
 * once. Noise rows (a stopped prebuild without a preset, a running user workspace) change nothing.
 */
import { expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { RenderCache, TemplateCache } from "@warmpool/render"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import type { ProvisionerWorkerId } from "../src/Domain.js"
import { SystemUserId } from "../src/Domain.js"
import * as Prebuilds from "../src/Prebuilds.js"
import * as Reconciler from "../src/Reconciler.js"
import * as Settings from "../src/Settings.js"
import * as Store from "../src/Store.js"
import * as TemplateImport from "../src/TemplateImport.js"
import { type Backend, describeEachBackend } from "./utils/storeBackends.js"
import { addBuild, at, SECOND, setOwner, user } from "./utils/storeFixtures.js"

const T0 = DateTime.unsafeMake("2024-01-01T00:00:00Z")

const harness = (backend: Backend) =>
  Reconciler.layerManual({ settings: Settings.make({ backoffInterval: Duration.seconds(5) }) }).pipe(
    Layer.provideMerge(Prebuilds.layerCore()),
    Layer.provideMerge(backend.layer()),
    Layer.provideMerge(Metrics.layer)
  )

const source = `
data "coder_workspace_owner" "me" {}
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
  mutable = true
}
data "coder_workspace_tags" "t" {
  tags = { size = data.coder_parameter.size.value }
}
data "coder_workspace_preset" "p" {
  name       = "p"
  parameters = { size = "large" }
  prebuilds {
    instances = 1
  }
}
`

const finishJobs = Effect.gen(function*() {
  const store = yield* Store.Store
  const now = yield* DateTime.now
  while (true) {
    const job = yield* store.acquireJob("scenario-worker" as ProvisionerWorkerId, now)
    if (Option.isNone(job)) return
    yield* store.completeJob(job.value.job.id, { status: "succeeded", now, agents: [{ name: "main", ready: true }] })
  }
})

describeEachBackend("RenderCache scenario (§6.2)", (backend) => {
  it.effect("three creates of one preset: 0/1/1, 1/1/1, 2/1/1; parsed once; noise changes nothing", () =>
    TestClock.setTime(DateTime.toEpochMillis(T0)).pipe(
      Effect.zipRight(
        Effect.gen(function*() {
          const metrics = yield* Metrics.Metrics
          const cache = yield* RenderCache.RenderCache
          const templates = yield* TemplateCache.TemplateCache
          const store = yield* Store.Store
          const reconciler = yield* Reconciler.Reconciler
          const imported = yield* Effect.flatMap(
            TemplateImport.TemplateImport,
            (service) =>
              service.importVersion({ templateName: "scenario", files: { "main.tf": source }, activate: true })
          )
          const counters = Effect.all([
            Effect.map(Metric.value(metrics.renderCacheHits), (s) => s.count),
            Effect.map(Metric.value(metrics.renderCacheMisses), (s) => s.count)
          ])
          const [hits0, misses0] = yield* counters
          const observed: Array<readonly [number, number, number]> = []

          for (let create = 1; create <= 3; create++) {
            const result = yield* reconciler.reconcileOnce
            expect(result.report.creates).toBe(1)
            yield* finishJobs
            const [hits, misses] = yield* counters
            observed.push([hits - hits0, misses - misses0, (yield* cache.stats).entries])
            if (create === 1) {
              // Noise: a stopped prebuild without a preset, and a running user workspace.
              const noise = yield* store.createPrebuild({
                presetId: imported.presets[0]!.id,
                name: "noise-stopped",
                now: yield* DateTime.now
              })
              yield* store.completeJob(noise.jobId, { status: "succeeded", now: yield* DateTime.now })
              yield* addBuild(noise.workspaceId, {
                transition: "stop",
                status: "succeeded",
                presetId: null,
                now: at(SECOND)
              })
              const userOwned = yield* store.createPrebuild({
                presetId: imported.presets[0]!.id,
                name: "noise-user",
                now: yield* DateTime.now
              })
              yield* store.completeJob(userOwned.jobId, { status: "succeeded", now: yield* DateTime.now })
              yield* setOwner(userOwned.workspaceId, user("someone"))
            }
            // Hand the prebuild away so that the next cycle creates again.
            if (create === 3) break
            for (const workspace of yield* store.workspaces({ ownerId: SystemUserId })) {
              const latest = yield* store.latestBuild(workspace.id)
              if (Option.exists(latest, (b) => b.build.transition === "start")) {
                yield* setOwner(workspace.id, user(`claimer-${create}`))
              }
            }
          }
          expect(observed).toEqual([[0, 1, 1], [1, 1, 1], [2, 1, 1]])
          expect((yield* templates.stats).compilations).toBe(1)
          // Once the pool is full, cycles render nothing.
          const before = yield* counters
          const steady = yield* reconciler.reconcileOnce
          yield* reconciler.reconcileOnce
          expect(yield* counters).toEqual(before)
          expect(steady.report).toMatchObject({ renders: 0, parses: 0 })
        }).pipe(Effect.provide(harness(backend)))
      ),
      Effect.withRandom(Random.make("render-cache-scenario"))
    ))
}, { sqlite: ["sqlite-memory"] })
