import { RenderKey, Renderer } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as Crypto from "node:crypto"
const owner = { ...Owner.empty, id: "c42fdf75-3097-471c-8c33-fb52454d81c0", name: "prebuilds" }
await Effect.runPromise(Effect.gen(function*() {
  const t = yield* CompiledTemplate.compile(yield* TemplateFiles.fromDirectory(process.argv[2]))
  const N = 30000; let f = 0
  const cases = {
    render: () => Renderer.renderTemplate(t, { owner, values: { x: String(++f) } }),
    renderValues: () => { const v = { x: String(++f) }; RenderKey.valuesDigest(v); Renderer.renderTemplate(t, { owner, values: v }) },
    renderOwner: () => { const v = { x: String(++f) }; RenderKey.ownerDigest(t.ownerReads, owner); Renderer.renderTemplate(t, { owner, values: v }) },
    renderHashOnly: () => { const v = { x: String(++f) }; Crypto.hash("sha256", "abc" + f, "hex"); Renderer.renderTemplate(t, { owner, values: v }) },
    renderStringify: () => { const v = { x: String(++f) }; JSON.stringify([["id", owner.id], ["name", owner.name], ["email", "x" + f]]); Renderer.renderTemplate(t, { owner, values: v }) },
  }
  for (let r = 0; r < 3; r++) { const out = []
    for (const [name, fn] of Object.entries(cases)) { const c0 = process.hrtime.bigint(); for (let i = 0; i < N; i++) fn(); out.push(name + " " + (Number(process.hrtime.bigint() - c0) / N / 1000).toFixed(1)) }
    console.log(out.join(" | "))
  }
}).pipe(Effect.provide(Layer.mergeAll(HclParser.layer, NodeContext.layer))))
