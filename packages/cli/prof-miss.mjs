import { Metrics } from "@warmpool/metrics"
import { CacheSettings, RenderCache, Renderer, RenderKey } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeContext from "@effect/platform-node/NodeContext"
const dir = process.argv[2]
const mode = process.argv[3] ?? "miss"
const N = Number(process.argv[4] ?? 20000)
const owner = { ...Owner.empty, id: "c42fdf75-3097-471c-8c33-fb52454d81c0", name: "prebuilds" }
const prog = Effect.scoped(Effect.gen(function*() {
  const files = yield* TemplateFiles.fromDirectory(dir)
  const template = yield* CompiledTemplate.compile(files)
  const cache = yield* RenderCache.make(CacheSettings.defaults(Number(process.env.CAP ?? 64)))
  let fresh = 0
  for (let r = 0; r < 3; r++) {
  const t0 = performance.now(); const c0 = process.cpuUsage()
  if (mode === "miss") {
    for (let i = 0; i < N; i++) {
      const values = { __bench_iteration: String(++fresh) }
      yield* cache.get(RenderKey.make("bench", template, owner, values, { template, inputs: { owner, values } }))
    }
  } else if (mode === "key") {
    for (let i = 0; i < N; i++) {
      const values = { __bench_iteration: String(++fresh) }
      RenderKey.make("bench", template, owner, values, { template, inputs: { owner, values } })
      Renderer.renderTemplate(template, { owner, values })
    }
  } else {
    yield* Effect.sync(() => { for (let i = 0; i < N; i++) Renderer.renderTemplate(template, { owner, values: { __bench_iteration: String(++fresh) } }) })
  }
  const c = process.cpuUsage(c0)
  console.log(mode, ((performance.now() - t0) * 1000 / N).toFixed(1), "us wall", ((c.user + c.system) / N).toFixed(1), "us cpu")
  }
})).pipe(Effect.provide(Layer.mergeAll(HclParser.layer, Metrics.layerNoop, NodeContext.layer)))
await Effect.runPromise(prog)
