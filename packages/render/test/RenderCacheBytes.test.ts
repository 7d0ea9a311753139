/**
 * The RenderCache bounded in bytes (issue 11 item 7): each entry weighs its serialised size, the
 * least recently used entries go first when the budget is exceeded, renders heavier than 1/16 of
 * the budget are returned but never kept, and a key lets go of its request once loaded. On
 * `TestClock`.
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { type CacheSettings, RenderCache, RenderKey } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as TestClock from "effect/TestClock"

const template = await Effect.runPromise(
  CompiledTemplate.compile(
    Either.getOrThrow(TemplateFiles.fromRecord({
      "main.tf": `
data "coder_parameter" "blob" {
  name    = "blob"
  type    = "string"
  default = ""
}
`
    }))
  ).pipe(Effect.provide(HclParser.layer))
)

/** A key whose render carries `size` bytes of parameter value. */
const keyOf = (name: string, size: number) => {
  const values = { blob: name.padEnd(size, "x") }
  return RenderKey.make("v", template, Owner.empty, values, { template, inputs: { owner: Owner.empty, values } })
}

const settings = (maxBytes: number): CacheSettings.CacheSettings => ({
  ttl: Duration.hours(1),
  maxAge: Duration.hours(24),
  sweepInterval: Duration.minutes(15),
  capacity: 10_000,
  maxBytes
})

const withCache = (maxBytes: number) =>
  Effect.provide(RenderCache.layerWith(settings(maxBytes)).pipe(Layer.provide(Metrics.layerNoop)))

describe("RenderCache bounded in bytes", () => {
  it.scoped("weighs each entry by its serialised size and keeps the total within the budget", () =>
    Effect.gen(function*() {
      const cache = yield* RenderCache.RenderCache
      const one = yield* cache.get(keyOf("a", 10_000))
      const weight = RenderCache.weigh(one)
      expect(weight).toBeGreaterThan(10_000)
      // The JSON size, counted without serialising (within a separator per element).
      const serialised = JSON.stringify(one.output).length + JSON.stringify(one.presetSettings).length
      expect(Math.abs(weight - serialised)).toBeLessThanOrEqual(serialised / 100)
      expect((yield* cache.stats).bytes).toBe(weight)
      for (let i = 0; i < 40; i++) yield* cache.get(keyOf(`k${i}`, 10_000))
      const stats = yield* cache.stats
      expect(stats.bytes).toBeLessThanOrEqual(200_000)
      // About 200,000 / 10,100 entries fit.
      expect(stats.entries).toBeGreaterThanOrEqual(15)
      expect(stats.entries).toBeLessThanOrEqual(19)
    }).pipe(withCache(200_000)))

  it.scoped("evicts the least recently used entries first", () =>
    Effect.gen(function*() {
      const cache = yield* RenderCache.RenderCache
      yield* cache.get(keyOf("first", 10_000))
      for (let i = 0; i < 10; i++) yield* cache.get(keyOf(`k${i}`, 10_000))
      // Touch "first": it becomes the most recently used.
      yield* TestClock.adjust(Duration.seconds(1))
      yield* cache.get(keyOf("first", 10_000))
      const before = (yield* cache.stats).renders
      for (let i = 10; i < 25; i++) yield* cache.get(keyOf(`k${i}`, 10_000))
      const rendersAfterFill = (yield* cache.stats).renders
      expect(rendersAfterFill).toBe(before + 15)
      // "first" survived; the oldest untouched ones did not.
      yield* cache.get(keyOf("first", 10_000))
      expect((yield* cache.stats).renders).toBe(rendersAfterFill)
      yield* cache.get(keyOf("k0", 10_000))
      expect((yield* cache.stats).renders).toBe(rendersAfterFill + 1)
    }).pipe(withCache(200_000)))

  it.scoped("a render heavier than 1/16 of the budget is returned but not kept", () =>
    Effect.gen(function*() {
      const cache = yield* RenderCache.RenderCache
      const heavy = yield* cache.get(keyOf("heavy", 20_000))
      expect(heavy.output.parameters[0]!.value.value).toHaveLength(20_000)
      yield* cache.get(keyOf("heavy", 20_000))
      const stats = yield* cache.stats
      expect(stats.renders).toBe(2)
      expect(stats.entries).toBe(0)
      expect(stats.bytes).toBe(0)
      // A light one next to it is kept.
      yield* cache.get(keyOf("light", 1_000))
      yield* cache.get(keyOf("light", 1_000))
      expect((yield* cache.stats).renders).toBe(3)
    }).pipe(withCache(16 * 16_000)))

  it.scoped("a key lets go of its request (compiled template, raw values) once loaded", () =>
    Effect.gen(function*() {
      const cache = yield* RenderCache.RenderCache
      const key = keyOf("released", 1_000)
      expect(key.request).toBeDefined()
      yield* cache.get(key)
      expect(key.request).toBeUndefined()
      // A hit through a fresh key of the same identity renders nothing.
      yield* cache.get(keyOf("released", 1_000))
      expect((yield* cache.stats).renders).toBe(1)
    }).pipe(withCache(1_000_000)))

  it.scoped("idle entries leave the budget when swept", () =>
    Effect.gen(function*() {
      const cache = yield* RenderCache.RenderCache
      for (let i = 0; i < 5; i++) yield* cache.get(keyOf(`k${i}`, 5_000))
      expect((yield* cache.stats).bytes).toBeGreaterThan(25_000)
      yield* TestClock.adjust(Duration.hours(2))
      yield* cache.sweep
      const stats = yield* cache.stats
      expect(stats.entries).toBe(0)
      expect(stats.bytes).toBe(0)
    }).pipe(withCache(1_000_000)))

  it.scoped("single flight still holds: concurrent misses of one key render once", () =>
    Effect.gen(function*() {
      const cache = yield* RenderCache.RenderCache
      const results = yield* Effect.all(Array.from({ length: 25 }, () => cache.get(keyOf("same", 2_000))), {
        concurrency: "unbounded"
      })
      expect(new Set(results).size).toBe(1)
      expect((yield* cache.stats).renders).toBe(1)
    }).pipe(withCache(1_000_000)))
})
