import { Metrics } from "@warmpool/metrics"
import { CacheSettings, RenderCache, Renderer, RenderKey } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeContext from "@effect/platform-node/NodeContext"
const owner = { ...Owner.empty, id: "c42fdf75-3097-471c-8c33-fb52454d81c0", name: "prebuilds" }
const walk = (value, freeze) => {
  if (typeof value === "string") return value.length + 2
  if (typeof value === "object") { if (value === null) return 4; let size = 2
    if (Array.isArray(value)) { for (let i = 0; i < value.length; i++) size += walk(value[i], freeze) + 1 } else for (const key in value) size += key.length + 4 + walk(value[key], freeze)
    if (freeze) Object.freeze(value); return size }
  if (typeof value === "number") return String(value).length
  return typeof value === "boolean" ? (value ? 4 : 5) : 0 }
const prog = (dir) => Effect.scoped(Effect.gen(function*() {
  const template = yield* CompiledTemplate.compile(yield* TemplateFiles.fromDirectory(dir))
  const cache = yield* RenderCache.make(CacheSettings.defaults(64))
  let fresh = 0; const N = 2000
  const acc = { render: [], renderWalk: [], renderWalkFreeze: [], renderKey: [], miss: [] }
  const time = (name, f) => { const t = process.hrtime.bigint(); f(); acc[name].push(Number(process.hrtime.bigint() - t) / N / 1000) }
  for (let round = 0; round < 40; round++) {
    time("render", () => { for (let i = 0; i < N; i++) Renderer.renderTemplate(template, { owner, values: { b: String(++fresh) } }) })
    time("renderWalk", () => { for (let i = 0; i < N; i++) { const r = Renderer.renderTemplate(template, { owner, values: { b: String(++fresh) } }); walk(r.output, false); walk(r.presetSettings, false) } })
    time("renderWalkFreeze", () => { for (let i = 0; i < N; i++) { const r = Renderer.renderTemplate(template, { owner, values: { b: String(++fresh) } }); walk(r.output, true); walk(r.presetSettings, true) } })
    time("renderKey", () => { for (let i = 0; i < N; i++) { const values = { b: String(++fresh) }; RenderKey.make("bench", template, owner, values, null); Renderer.renderTemplate(template, { owner, values }) } })
    const t = process.hrtime.bigint()
    for (let i = 0; i < N; i++) { const values = { b: String(++fresh) }; yield* cache.get(RenderKey.make("bench", template, owner, values, { template, inputs: { owner, values } })) }
    acc.miss.push(Number(process.hrtime.bigint() - t) / N / 1000)
  }
  const med = (a) => a.sort((x, y) => x - y)[a.length >> 1]
  const r = med(acc.render)
  console.log(dir.split("/").pop().padEnd(34), Object.entries(acc).map(([k, v]) => `${k} ${med(v).toFixed(1)} (${(med(v) / r).toFixed(2)})`).join(" | "))
})).pipe(Effect.provide(Layer.mergeAll(HclParser.layer, Metrics.layerNoop, NodeContext.layer)))
for (const d of process.argv.slice(2)) await Effect.runPromise(prog(d))
