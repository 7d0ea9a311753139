/**
 * `Prebuilds.layer`: the one prebuild graph. It runs (the reconciler fills a pool through the
 * echo provisioner on the `TestClock`), leaves no fiber behind when its scope closes, and its
 * options can come from configuration (`layerConfig`, one `Config` per option).
 */
import { expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { RenderCache, TemplateCache } from "@warmpool/render"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as DateTime from "effect/DateTime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Supervisor from "effect/Supervisor"
import * as TestClock from "effect/TestClock"
import * as Prebuilds from "../src/Prebuilds.js"
import * as Reconciler from "../src/Reconciler.js"
import * as Settings from "../src/Settings.js"
import * as Store from "../src/Store.js"
import * as TemplateImport from "../src/TemplateImport.js"
import { tick } from "./fixtures/provisioner/harness.js"
import { type Backend, describeEachBackend } from "./utils/storeBackends.js"
import { T0 } from "./utils/storeFixtures.js"

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
    instances = 2
  }
}
`

const services = (backend: Backend, layer: ReturnType<typeof Prebuilds.layer>) =>
  layer.pipe(Layer.provideMerge(backend.layer()), Layer.provideMerge(Metrics.layerNoop))

describeEachBackend("Prebuilds.layer", (backend) => {
  it.effect("fills a pool with the echo provisioner, and closing it leaves no fiber", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(DateTime.toEpochMillis(T0))
      const supervisor = yield* Supervisor.track
      const layer = Prebuilds.layer({
        reconciler: { settings: Settings.make({ reconciliationInterval: Duration.seconds(10) }) },
        provisioner: { _tag: "echo", delay: Duration.seconds(1), workers: 2 },
        reaper: { interval: Duration.seconds(5) }
      })
      const started = yield* Deferred.make<Reconciler.ReconcilerShape>()
      const running = yield* Effect.fork(
        Effect.gen(function*() {
          const importer = yield* TemplateImport.TemplateImport
          yield* importer.importVersion({ templateName: "t", files: { "main.tf": source }, activate: true })
          yield* Deferred.succeed(started, yield* Reconciler.Reconciler)
          yield* Effect.never
        }).pipe(Effect.provide(services(backend, layer)), Effect.supervised(supervisor))
      )
      const reconciler = yield* Deferred.await(started)
      // Cycles and the builds between them, a virtual second at a time, until the pool is full or
      // 20 s of real time went by: the store's queries (PostgreSQL's in particular) complete in
      // real time, not on the TestClock, so a fixed count of seconds raced them on a loaded machine.
      const full = Effect.map(reconciler.poolStatus, (pools) => pools.some((p) => p.running >= p.desired))
      const deadline = performance.now() + 20_000
      while (!(yield* full) && performance.now() < deadline) {
        yield* TestClock.adjust(Duration.seconds(1))
        yield* tick
      }
      const pools = yield* reconciler.poolStatus
      expect(pools.map((p) => [p.preset, p.desired, p.running])).toEqual([["p", 2, 2]])
      expect((yield* supervisor.value).length).toBeGreaterThan(2)
      yield* Fiber.interrupt(running)
      expect(yield* supervisor.value).toEqual([])
    }))
}, { sqlite: ["sqlite-memory"] })

it.effect("Prebuilds.layerCoreConfig reads its options from configuration", () =>
  Effect.gen(function*() {
    const layer = Prebuilds.layerCoreConfig({
      caches: Config.literal("live", "noop")("CACHES"),
      renderCache: Config.succeed(undefined),
      templateCache: Config.succeed(undefined)
    })
    const stats = yield* Effect.gen(function*() {
      const importer = yield* TemplateImport.TemplateImport
      yield* importer.importVersion({ templateName: "t", files: { "main.tf": source }, activate: true })
      return [
        (yield* (yield* RenderCache.RenderCache).stats).entries,
        yield* (yield* TemplateCache.TemplateCache).stats
      ]
    }).pipe(
      Effect.provide(layer.pipe(Layer.provideMerge(Store.layerMemory()), Layer.provideMerge(Metrics.layerNoop))),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["CACHES", "noop"]])))
    )
    // The no-op caches keep nothing.
    expect(stats).toEqual([0, { entries: 0, bytes: 0, compilations: 0 }])
    const failed = yield* Effect.flip(
      Effect.provide(
        TemplateImport.TemplateImport,
        layer.pipe(Layer.provideMerge(Store.layerMemory()), Layer.provideMerge(Metrics.layerNoop))
      ).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["CACHES", "sometimes"]]))))
    )
    expect(String(failed)).toContain("CACHES")
  }))
