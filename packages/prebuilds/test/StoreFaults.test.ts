import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
import * as Store from "../src/Store.js"
import { settings, T0 } from "./utils/storeFixtures.js"

const reasonOf = <A, E extends { readonly _tag: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(
    Effect.either(effect),
    (result) => result._tag === "Right" ? "ok" : result.left instanceof Store.StoreError ? result.left.reason : "other"
  )

describe("Store.withFaults", () => {
  it.effect("rate 1 fails every call with an Injected StoreError; rate 0 changes nothing", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const broken = Store.withFaults(store, { rate: 1 })
      expect(yield* reasonOf(broken.ping)).toBe("Injected")
      expect(yield* reasonOf(broken.settings())).toBe("Injected")
      expect(yield* reasonOf(broken.createTemplate({ name: "x" }))).toBe("Injected")
      let ran = false
      expect(yield* reasonOf(broken.withReconcileLock(() => Effect.sync(() => (ran = true))))).toBe("Injected")
      expect(ran).toBe(false)
      expect(yield* store.listTemplates()).toEqual([])
      const failure = yield* Effect.flip(broken.setPaused(true))
      expect(failure).toMatchObject({ _tag: "StoreError", operation: "setPaused", reason: "Injected" })
      const healthy = Store.withFaults(store, { rate: 0 })
      expect((yield* healthy.createTemplate({ name: "y" })).name).toBe("y")
      expect(healthy.dialect).toBe("sqlite")
      expect(yield* healthy.withReconcileLock((reads) => Effect.map(reads.settings(), (s) => s.reconciliationPaused)))
        .toEqual(Option.some(false))
    }).pipe(Effect.provide(Store.layerMemory())))

  it.effect("faults after the write: committed, but reported failed", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const late = Store.withFaults(store, { rate: 1, when: "after" })
      expect(yield* reasonOf(late.setPaused(true))).toBe("Injected")
      expect((yield* store.settings()).reconciliationPaused).toBe(true)
    }).pipe(Effect.provide(Store.layerMemory())))

  it.effect("the rate is read on every call, so faults can stop", () =>
    Effect.gen(function*() {
      const rate = yield* Ref.make(1)
      const store = Store.withFaults(yield* Store.Store, { rate: Ref.get(rate) })
      expect(yield* reasonOf(store.ping)).toBe("Injected")
      yield* Ref.set(rate, 0)
      expect(yield* reasonOf(store.ping)).toBe("ok")
    }).pipe(Effect.provide(Store.layerMemory())))

  it.effect("reads inside the lock fail too; the pattern follows Effect's Random", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      const pattern = (seed: number) =>
        Effect.withRandom(
          Effect.forEach(Array.from({ length: 40 }), () => reasonOf(Store.withFaults(store, { rate: 0.3 }).ping)),
          Random.make(seed)
        )
      const first = yield* pattern(7)
      expect(yield* pattern(7)).toEqual(first)
      const failures = first.filter((r) => r === "Injected").length
      expect(failures).toBeGreaterThan(0)
      expect(failures).toBeLessThan(40)
      const rate = yield* Ref.make(0)
      const faulty = Store.withFaults(store, { rate: Ref.get(rate) })
      const inLock = yield* faulty.withReconcileLock((reads) =>
        Effect.zipRight(Ref.set(rate, 1), reasonOf(reads.snapshot(T0, settings)))
      )
      expect(inLock).toEqual(Option.some("Injected"))
    }).pipe(Effect.provide(Store.layerMemory())))

  it.effect("layerWithFaults replaces the Store of its input", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      expect(yield* reasonOf(store.ping)).toBe("Injected")
    }).pipe(Effect.provide(Store.layerWithFaults({ rate: 1 }).pipe(Layer.provide(Store.layerMemory())))))
})
