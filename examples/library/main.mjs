// warmpool as a library: the renderer composed with the live RenderCache, then with the no-op one.
//
//   node main.mjs <template directory>
//
// Renders the template twice with the same owner and values through `Renderer.renderCached`
// (the only method that goes through the render cache), first with `RenderCache.layerWith` (live),
// then with `RenderCache.layerNoop`, and prints one JSON line from the layers' own stats and
// metrics: `{"live":{"renders":1,"hits":1},"noop":{"renders":2}}`.
//
// Plain ESM, importing only published package names (see README.md beside this file).
import * as NodeContext from "@effect/platform-node/NodeContext"
import { Metrics } from "@warmpool/metrics"
import { CacheSettings, RenderCache, Renderer, TemplateCache, TemplateSource } from "@warmpool/render"
import { HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import { Effect, Layer, Metric } from "effect"

const dir = process.argv[2]
if (dir === undefined) {
  console.error("usage: node main.mjs <template directory>")
  process.exit(2)
}

const versionId = "docker-dev@1"
const owner = { ...Owner.empty, id: "u-1", name: "alice" }
const values = { stack: "node", cpus: "4" }

// Renders `versionId` twice and reports the render cache's stats and the hits it counted.
const renderTwice = Effect.gen(function*() {
  const renderer = yield* Renderer.Renderer
  const cache = yield* RenderCache.RenderCache
  const metrics = yield* Metrics.Metrics
  const hitsBefore = (yield* Metric.value(metrics.renderCacheHits)).count
  for (let i = 0; i < 2; i++) {
    const rendered = yield* renderer.renderCached({ templateVersionId: versionId, owner, values })
    if (rendered.output.parameters.length === 0) yield* Effect.dieMessage("the template has no parameters")
  }
  const stats = yield* cache.stats
  const hits = (yield* Metric.value(metrics.renderCacheHits)).count - hitsBefore
  return { renders: stats.renders, hits }
})

// The renderer over a render cache layer; the rest of the graph is the same for both.
const rendererWith = (files, renderCache) =>
  Renderer.layer.pipe(
    Layer.provideMerge(Layer.mergeAll(TemplateCache.layerWith(CacheSettings.defaults(100)), renderCache)),
    Layer.provideMerge(
      Layer.mergeAll(
        TemplateSource.layerFromMap(new Map([[versionId, files]])),
        HclParser.layer,
        Metrics.layer
      )
    )
  )

const program = Effect.gen(function*() {
  const files = yield* TemplateFiles.fromDirectory(dir)
  const live = yield* Effect.scoped(
    Effect.provide(renderTwice, rendererWith(files, RenderCache.layerWith(CacheSettings.defaults(100))))
  )
  const noop = yield* Effect.scoped(Effect.provide(renderTwice, rendererWith(files, RenderCache.layerNoop)))
  console.log(JSON.stringify({ live: { renders: live.renders, hits: live.hits }, noop: { renders: noop.renders } }))
})

Effect.runPromise(Effect.provide(program, NodeContext.layer)).catch((error) => {
  console.error(error)
  process.exit(1)
})
