/**
 * The TemplateCache bounded in bytes (docs/architecture.md decision 10): each compiled template
 * weighs its estimated retained bytes (`CompiledTemplate.weight`), the least recently used
 * versions go first when the budget is exceeded, a version heavier than 1/16 of the budget is
 * returned but never kept, and the sweep gives back the bytes of idle versions. On `TestClock`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { type CacheSettings, TemplateCache, TemplateSource } from "@warmpool/render"
import { CompiledTemplate, HclParser, TemplateFiles } from "@warmpool/terraform"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Supervisor from "effect/Supervisor"
import * as TestClock from "effect/TestClock"

const files = (source: string) => Either.getOrThrow(TemplateFiles.fromRecord({ "main.tf": source }))

const small = files(`
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}
`)

/** The same size of source as `small`'s, many times its weight: 400 references. */
const heavy = files(`locals {\n  x = [${Array.from({ length: 400 }, () => "a.b").join(", ")}]\n}\n`)

const weightOf = (template: TemplateFiles.TemplateFiles) =>
  Effect.runPromise(
    Effect.map(CompiledTemplate.compile(template).pipe(Effect.provide(HclParser.layer)), (t) => t.weight)
  )

/** A quarter of `heavy`: 100 references. */
const filler = files(`locals {\n  x = [${Array.from({ length: 100 }, () => "a.b").join(", ")}]\n}\n`)

const smallWeight = await weightOf(small)
const heavyWeight = await weightOf(heavy)
const fillerWeight = await weightOf(filler)

/** `v0` … `v39` are all `small`, `f0` … `f79` all `filler`; `heavy` is `heavy`. */
const versions = new Map<string, TemplateFiles.TemplateFiles>([
  ...Array.from({ length: 40 }, (_, i): [string, TemplateFiles.TemplateFiles] => [`v${i}`, small]),
  ...Array.from({ length: 80 }, (_, i): [string, TemplateFiles.TemplateFiles] => [`f${i}`, filler]),
  ["heavy", heavy]
])

const settings = (maxBytes: number): CacheSettings.CacheSettings => ({
  ttl: Duration.hours(1),
  maxAge: Duration.hours(24),
  sweepInterval: Duration.minutes(15),
  capacity: 1_000,
  maxBytes
})

const cacheLayer = (maxBytes: number, metrics = Metrics.layerNoop) =>
  TemplateCache.layer(settings(maxBytes)).pipe(
    Layer.provideMerge(Layer.mergeAll(TemplateSource.layerFromMap(versions), HclParser.layer, metrics))
  )

/** Room for exactly 16 `small` versions, each at the 1/16 limit of what one entry may weigh. */
const sixteen = 16 * smallWeight

describe("TemplateCache bounded in bytes", () => {
  it("a heavy template weighs many times a small one of about the same source size", () => {
    expect(heavyWeight).toBeGreaterThan(5 * smallWeight)
    expect(smallWeight).toBeGreaterThan(0)
  })

  it.scoped("weighs each version and keeps the total within the budget, least recently used out", () =>
    Effect.gen(function*() {
      const cache = yield* TemplateCache.TemplateCache
      for (let i = 0; i < 16; i++) yield* cache.get(`v${i}`)
      expect(yield* cache.stats).toEqual({ entries: 16, bytes: sixteen, compilations: 16 })
      // v0 is used again: v1 is now the least recently used
      yield* cache.get("v0")
      expect((yield* cache.stats).compilations).toBe(16)
      yield* cache.get("v16")
      expect(yield* cache.stats).toEqual({ entries: 16, bytes: sixteen, compilations: 17 })
      yield* cache.get("v0")
      expect((yield* cache.stats).compilations).toBe(17)
      yield* cache.get("v1")
      expect((yield* cache.stats).compilations).toBe(18)
    }).pipe(Effect.provide(cacheLayer(sixteen))))

  it.scoped("a version heavier than 1/16 of the budget is returned but not kept", () =>
    Effect.gen(function*() {
      const cache = yield* TemplateCache.TemplateCache
      yield* cache.get("v0")
      const first = yield* cache.get("heavy")
      const second = yield* cache.get("heavy")
      expect(first.weight).toBeGreaterThan(sixteen / 16)
      expect(second.root.locals.has("x")).toBe(true)
      expect(yield* cache.stats).toEqual({ entries: 1, bytes: smallWeight, compilations: 3 })
    }).pipe(Effect.provide(cacheLayer(sixteen))))

  it.scoped("with room for it, the heavy version pushes out as many others as it weighs", () =>
    Effect.gen(function*() {
      const budget = 16 * heavyWeight
      const cache = yield* TemplateCache.TemplateCache
      for (let i = 0; i < 80; i++) yield* cache.get(`f${i}`)
      const before = yield* cache.stats
      expect(before.entries).toBe(Math.floor(budget / fillerWeight))
      expect(before.entries).toBeLessThan(80)
      yield* cache.get("heavy")
      const after = yield* cache.stats
      expect(after.bytes).toBeLessThanOrEqual(budget)
      expect(after.bytes).toBe((after.entries - 1) * fillerWeight + heavyWeight)
      expect(before.entries - (after.entries - 1)).toBeGreaterThanOrEqual(Math.floor(heavyWeight / fillerWeight))
      // kept: asked again, it is not compiled again
      yield* cache.get("heavy")
      expect((yield* cache.stats).compilations).toBe(after.compilations)
    }).pipe(Effect.provide(cacheLayer(16 * heavyWeight))))

  it.scoped("the bytes gauge follows the cache's weight: growth, eviction and the sweep", () =>
    Effect.gen(function*() {
      const cache = yield* TemplateCache.TemplateCache
      const metrics = yield* Metrics.Metrics
      const gauge = Effect.map(Metric.value(metrics.templateCacheBytes), (s) => s.value)
      expect(yield* gauge).toBe(0)
      for (let i = 0; i < 16; i++) yield* cache.get(`v${i}`)
      expect(yield* gauge).toBe(sixteen)
      yield* cache.get("heavy")
      expect(yield* gauge).toBe(sixteen)
      yield* cache.get("f0")
      const { bytes } = yield* cache.stats
      expect(bytes).toBeLessThan(sixteen + fillerWeight)
      expect(yield* gauge).toBe(bytes)
      yield* TestClock.adjust(Duration.minutes(75))
      expect(yield* gauge).toBe(0)
      expect((yield* Metric.value(metrics.templateCacheSize)).value).toBe(0)
    }).pipe(Effect.provide(cacheLayer(sixteen, Metrics.layer))))

  it.scoped("the sweep drops idle versions and their bytes", () =>
    Effect.gen(function*() {
      const cache = yield* TemplateCache.TemplateCache
      yield* cache.get("v0")
      yield* cache.get("v1")
      expect((yield* cache.stats).bytes).toBe(2 * smallWeight)
      yield* TestClock.adjust(Duration.minutes(40))
      yield* cache.get("v1")
      yield* TestClock.adjust(Duration.minutes(35))
      // v0 idle for 75 minutes, v1 for 35: the sweep at 75 minutes drops v0 only
      expect(yield* cache.stats).toEqual({ entries: 1, bytes: smallWeight, compilations: 2 })
    }).pipe(Effect.provide(cacheLayer(sixteen))))

  it.effect("closing the layer's scope leaves no fiber running", () =>
    Effect.gen(function*() {
      const supervisor = yield* Supervisor.track
      yield* Effect.scoped(
        Effect.gen(function*() {
          const cache = yield* TemplateCache.TemplateCache
          yield* cache.get("v0")
          yield* TestClock.adjust(Duration.minutes(20))
          expect((yield* supervisor.value).length).toBeGreaterThan(0)
        }).pipe(Effect.provide(cacheLayer(sixteen)))
      ).pipe(Effect.supervised(supervisor))
      yield* Effect.yieldNow()
      const alive = yield* supervisor.value
      const statuses = yield* Effect.forEach(alive, (f) => Fiber.status(f))
      expect(statuses.filter((s) => s._tag !== "Done")).toEqual([])
    }))
})
