import * as Cache from "effect/Cache"
import * as Effect from "effect/Effect"
import * as Duration from "effect/Duration"
import * as Hash from "effect/Hash"
import * as Equal from "effect/Equal"
import * as ManagedCache from "./dist/internal/managedCache.js"
class K { constructor(id) { this.id = id }
  [Hash.symbol]() { return Hash.cached(this, Hash.string(this.id)) }
  [Equal.symbol](that) { return that instanceof K && that.id === this.id } }
const N = 200000
const obs = { hit() {}, miss() {}, evicted() {}, size() {} }
const prog = Effect.scoped(Effect.gen(function*() {
  const bare = yield* Cache.makeWith({ capacity: Number.MAX_SAFE_INTEGER, lookup: (k) => Effect.succeed(k.id), timeToLive: () => Duration.minutes(5) })
  const bare64 = yield* Cache.make({ capacity: 64, lookup: (k) => Effect.succeed(k.id), timeToLive: Duration.minutes(5) })
  const managed = yield* ManagedCache.make({ capacity: 64, ttl: Duration.minutes(5), maxAge: Duration.hours(1), sweepInterval: Duration.minutes(1), lookup: (k) => Effect.succeed(k.id), cacheable: () => true, observer: obs, inline: () => true })
  const managedFork = yield* ManagedCache.make({ capacity: 64, ttl: Duration.minutes(5), maxAge: Duration.hours(1), sweepInterval: Duration.minutes(1), lookup: (k) => Effect.succeed(k.id), cacheable: () => true, observer: obs })
  let n = 0
  const cases = { bare }
  for (let r = 0; r < 3; r++) for (const [name, c] of Object.entries(cases)) {
    const c0 = process.cpuUsage()
    for (let i = 0; i < N; i++) { const k = new K("key-" + (++n)); if (c) yield* c.get(k); else yield* Effect.succeed(k.id) }
    const u = process.cpuUsage(c0)
    console.log(name.padEnd(12), ((u.user + u.system) / N).toFixed(2), "us cpu/miss")
  }
}))
await Effect.runPromise(prog)
