import { RenderKey } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeContext from "@effect/platform-node/NodeContext"
const owner = { ...Owner.empty, id: "c42fdf75-3097-471c-8c33-fb52454d81c0", name: "prebuilds" }
await Effect.runPromise(Effect.gen(function*() {
  const t = yield* CompiledTemplate.compile(yield* TemplateFiles.fromDirectory(process.argv[2]))
  console.log(t.ownerReads._tag, t.ownerReads.fields ? [...t.ownerReads.fields] : "")
  const N = 100000
  for (let r = 0; r < 3; r++) {
    let c0 = process.hrtime.bigint(); for (let i = 0; i < N; i++) RenderKey.ownerDigest(t.ownerReads, owner); const a = Number(process.hrtime.bigint() - c0) / N
    c0 = process.hrtime.bigint(); for (let i = 0; i < N; i++) RenderKey.valuesDigest({ __bench_iteration: String(i) }); const b = Number(process.hrtime.bigint() - c0) / N
    c0 = process.hrtime.bigint(); for (let i = 0; i < N; i++) RenderKey.make("bench", t, owner, { x: String(i) }, null); const c = Number(process.hrtime.bigint() - c0) / N
    console.log("owner", a.toFixed(0), "ns values", b.toFixed(0), "ns make", c.toFixed(0), "ns")
  }
}).pipe(Effect.provide(Layer.mergeAll(HclParser.layer, NodeContext.layer))))
