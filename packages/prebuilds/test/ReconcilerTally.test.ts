/**
 * A cycle reports its own renders only: an API render that runs while the cycle is in progress
 * (in a fiber of its own, as an HTTP request's) is counted by the caches' global stats but not in
 * the cycle's report. The builder is wrapped so that each of its resolutions waits for one API
 * render to finish first: the API render deterministically happens during the cycle.
 */
import { expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { RenderCache, Renderer, RenderTally, TemplateCache } from "@warmpool/render"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import * as Prebuilds from "../src/Prebuilds.js"
import * as Reconciler from "../src/Reconciler.js"
import * as TemplateImport from "../src/TemplateImport.js"
import * as WorkspaceBuilder from "../src/WorkspaceBuilder.js"
import { type Backend, describeEachBackend } from "./utils/storeBackends.js"
import { settings, T0 } from "./utils/storeFixtures.js"

class ApiRequests extends Context.Tag("test/ApiRequests")<ApiRequests, Queue.Queue<Deferred.Deferred<void>>>() {}

/** The builder, each resolution of which first waits for one API render. */
const meddlingBuilder = Layer.effect(
  WorkspaceBuilder.WorkspaceBuilder,
  Effect.gen(function*() {
    const inner = yield* WorkspaceBuilder.make
    const requests = yield* ApiRequests
    return {
      ...inner,
      resolveParameters: (request) =>
        Effect.gen(function*() {
          const done = yield* Deferred.make<void>()
          yield* Queue.offer(requests, done)
          yield* Deferred.await(done)
          return yield* inner.resolveParameters(request)
        })
    }
  })
)

const harness = (backend: Backend) =>
  Reconciler.layerManual({ settings }).pipe(
    Layer.provideMerge(meddlingBuilder),
    Layer.provideMerge(Prebuilds.layerCore()),
    Layer.provideMerge(Layer.effect(ApiRequests, Queue.unbounded<Deferred.Deferred<void>>())),
    Layer.provideMerge(backend.layer()),
    Layer.provideMerge(Metrics.layer)
  )

const source = `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}
data "coder_workspace_preset" "p" {
  name       = "p"
  parameters = { size = "large" }
  prebuilds {
    instances = 1
  }
}
`

describeEachBackend("Reconciler render tally", (backend) => {
  it.effect("an API render during a cycle is not counted as the cycle's", () =>
    TestClock.setTime(DateTime.toEpochMillis(T0)).pipe(
      Effect.zipRight(
        Effect.gen(function*() {
          const imported = yield* Effect.flatMap(
            TemplateImport.TemplateImport,
            (service) => service.importVersion({ templateName: "tally", files: { "main.tf": source }, activate: true })
          )
          const renderer = yield* Renderer.Renderer
          const requests = yield* ApiRequests
          let apiRenders = 0
          // The "API": a fiber that is not the cycle's, rendering new values (a miss) per request.
          const api = yield* Effect.fork(Effect.forever(Effect.gen(function*() {
            const done = yield* Queue.take(requests)
            apiRenders++
            yield* renderer.renderCached({
              templateVersionId: imported.templateVersionId,
              owner: WorkspaceBuilder.systemOwner,
              values: { size: `api-${apiRenders}` }
            })
            yield* Deferred.succeed(done, undefined)
          })))
          const renders0 = (yield* Effect.flatMap(RenderCache.RenderCache, (c) => c.stats)).renders
          const compilations0 = (yield* Effect.flatMap(TemplateCache.TemplateCache, (c) => c.stats)).compilations
          const reconciler = yield* Reconciler.Reconciler
          const { report } = yield* reconciler.reconcileOnce
          yield* Fiber.interrupt(api)
          expect(apiRenders).toBe(1)
          expect(report.creates).toBe(1)
          // The cycle's one render; the API's render compiled the template, not the cycle.
          expect([report.renders, report.cacheMisses, report.cacheHits, report.parses]).toEqual([1, 1, 0, 0])
          // The caches' global stats count both.
          const renders = (yield* Effect.flatMap(RenderCache.RenderCache, (c) => c.stats)).renders
          const compilations = (yield* Effect.flatMap(TemplateCache.TemplateCache, (c) => c.stats)).compilations
          expect(renders - renders0).toBe(2)
          expect(compilations - compilations0).toBe(1)
        }).pipe(Effect.provide(harness(backend)))
      ),
      Effect.withRandom(Random.make("reconciler-tally"))
    ))

  it.effect("a tally sees the counts of the fibers its effect forks", () =>
    Effect.gen(function*() {
      const [, counts] = yield* RenderTally.tallied(
        Effect.forEach([1, 2, 3], () => RenderTally.count("misses"), { concurrency: 3 })
      )
      expect(counts).toEqual({ lookups: 0, misses: 3, uncached: 0, compilations: 0 })
      // Outside a tally nothing is counted (and nothing fails).
      yield* RenderTally.count("misses")
    }))
}, { sqlite: ["sqlite-memory"] })
