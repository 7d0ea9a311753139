import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
const ref = FiberRef.unsafeMake(undefined)
const v = { a: 1 }
const N = 200000
const cases = {
  succeed: () => Effect.succeed(v),
  sync: () => Effect.sync(() => v),
  suspend: () => Effect.suspend(() => Effect.succeed(v)),
  getWithSuspend: () => FiberRef.getWith(ref, () => Effect.suspend(() => Effect.succeed(v))),
  getWithSucceed: () => FiberRef.getWith(ref, () => Effect.succeed(v)),
  withFiberRuntime: () => Effect.withFiberRuntime((f) => { f.getFiberRef(ref); return Effect.succeed(v) }),
}
await Effect.runPromise(Effect.gen(function*() {
  for (let r = 0; r < 3; r++) { const out = []
    for (const [name, mk] of Object.entries(cases)) {
      const t = process.hrtime.bigint()
      for (let i = 0; i < N; i++) yield* mk()
      out.push(name + " " + (Number(process.hrtime.bigint() - t) / N).toFixed(0))
    }
    console.log(out.join(" | "))
  }
}))
