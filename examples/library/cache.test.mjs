// The RenderCache's sliding TTL on virtual time: an entry expires once it has been idle for the
// TTL, and a hit (a touch) refreshes it. `it.scoped` runs on the TestClock, and the cache's sweep
// fiber (in the layer's scope) sleeps on it too, so `TestClock.adjust` moves the cache through
// hours in no time.
//
//   npx vitest run cache.test.mjs
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { RenderCache, Renderer, TemplateCache, TemplateSource } from "@warmpool/render"
import { HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import { Duration, Effect, Either, Layer, TestClock } from "effect"

const template = Either.getOrThrow(TemplateFiles.fromRecord({
  "main.tf": `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}
`
}))

// The first render boots the HCL parser (WebAssembly), hence the generous timeouts.
const settings = {
  ttl: Duration.minutes(10),
  maxAge: Duration.hours(24),
  sweepInterval: Duration.minutes(1),
  capacity: 100
}

const cached = Renderer.layer.pipe(
  Layer.provideMerge(Layer.mergeAll(TemplateCache.layerWith(settings), RenderCache.layerWith(settings))),
  Layer.provideMerge(
    Layer.mergeAll(TemplateSource.layerFromMap(new Map([["v1", template]])), HclParser.layer, Metrics.layerNoop)
  )
)

const render = Effect.flatMap(
  Renderer.Renderer,
  (renderer) => renderer.renderCached({ templateVersionId: "v1", owner: Owner.empty, values: { size: "large" } })
)
const stats = Effect.flatMap(RenderCache.RenderCache, (cache) => cache.stats)

describe("RenderCache TTL on the TestClock", () => {
  it.scoped("an idle entry expires after the TTL and the next get renders again", () =>
    Effect.gen(function*() {
      yield* render
      expect(yield* stats).toMatchObject({ entries: 1, renders: 1 })

      yield* TestClock.adjust(Duration.minutes(9))
      expect((yield* stats).entries).toBe(1)

      yield* TestClock.adjust(Duration.minutes(2)) // 11 minutes idle: expired and swept
      expect((yield* stats).entries).toBe(0)

      yield* render
      expect((yield* stats).renders).toBe(2)
    }).pipe(Effect.provide(cached)), 60_000)

  it.scoped("a touched entry survives: each hit refreshes the TTL", () =>
    Effect.gen(function*() {
      yield* render
      for (let i = 0; i < 6; i++) {
        yield* TestClock.adjust(Duration.minutes(6))
        yield* render // a hit, 6 minutes after the previous touch
      }
      // 36 minutes after the first render, never idle for 10: still the one render
      expect(yield* stats).toMatchObject({ entries: 1, renders: 1 })

      yield* TestClock.adjust(Duration.minutes(11))
      expect((yield* stats).entries).toBe(0)
    }).pipe(Effect.provide(cached)), 60_000)
})
