/**
 * A store decorator that injects failures (fault tests of the reconciler).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import type { FaultOptions, SnapshotReads, StoreShape } from "../Store.js"
import { StoreError } from "./storeError.js"

const injected = (operation: string): StoreError =>
  new StoreError({ operation, reason: "Injected", message: `injected fault in ${operation}` })

/**
 * @internal
 */
export const withFaults = (store: StoreShape, options: FaultOptions): StoreShape => {
  const rate = typeof options.rate === "number" ? Effect.succeed(options.rate) : options.rate
  const when = options.when ?? "before"
  const placement: Effect.Effect<"before" | "after"> = when === "either"
    ? Effect.map(Random.next, (x) => x < 0.5 ? "before" : "after")
    : Effect.succeed(when)

  const faulty = <A, E, R>(operation: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | StoreError, R> =>
    Effect.flatMap(Effect.zipWith(rate, Random.next, (p, x) => x < p), (fails) =>
      fails
        ? Effect.flatMap(placement, (where) =>
          where === "before"
            ? Effect.fail(injected(operation))
            : Effect.zipRight(effect, Effect.fail(injected(operation))))
        : effect)

  const faultyReads = (reads: SnapshotReads): SnapshotReads => ({
    snapshot: (now, settings) => faulty("snapshot", reads.snapshot(now, settings)),
    settings: () => faulty("settings", reads.settings())
  })

  const decorated: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(store)) {
    if (Effect.isEffect(value)) {
      decorated[key] = faulty(key, value)
    } else if (typeof value === "function") {
      const method = value as (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown, unknown>
      decorated[key] = (...args: ReadonlyArray<unknown>) => faulty(key, method(...args))
    } else {
      decorated[key] = value
    }
  }
  const withReconcileLock: StoreShape["withReconcileLock"] = (body) =>
    faulty("withReconcileLock", store.withReconcileLock((reads) => body(faultyReads(reads))))
  return { ...(decorated as unknown as StoreShape), withReconcileLock }
}
