/**
 * The weighted least-recently-used map of the render workers (`internal/weightedLru.ts`): bounded
 * in entries and in weight, least recently used out first, the entry just set always kept.
 */
import { describe, expect, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as WeightedLru from "../src/internal/weightedLru.js"

const make = (maxEntries: number, maxWeight: number) =>
  WeightedLru.make<string, number>({ maxEntries, maxWeight, weigh: (value) => value })

describe("WeightedLru", () => {
  it("evicts the least recently used entries until the total weight fits", () => {
    const lru = make(100, 10)
    expect(lru.set("a", 4)).toEqual([])
    expect(lru.set("b", 4)).toEqual([])
    expect(lru.weight()).toBe(8)
    expect(lru.set("c", 4)).toEqual(["a"])
    expect(lru.keys()).toEqual(["b", "c"])
    expect(lru.weight()).toBe(8)
    // several go for one heavy entry
    expect(lru.set("d", 9)).toEqual(["b", "c"])
    expect(lru.keys()).toEqual(["d"])
  })

  it("a get makes an entry the most recently used", () => {
    const lru = make(100, 10)
    lru.set("a", 4)
    lru.set("b", 4)
    expect(lru.get("a")).toBe(4)
    expect(lru.set("c", 4)).toEqual(["b"])
    expect(lru.keys()).toEqual(["a", "c"])
    expect(lru.get("b")).toBeUndefined()
  })

  it("bounds the entries too", () => {
    const lru = make(2, 1_000)
    lru.set("a", 1)
    lru.set("b", 1)
    expect(lru.set("c", 1)).toEqual(["a"])
    expect(lru.size()).toBe(2)
  })

  it("keeps the entry just set even when it alone exceeds the budget, until the next set", () => {
    const lru = make(100, 10)
    lru.set("a", 3)
    expect(lru.set("huge", 50)).toEqual(["a"])
    expect(lru.get("huge")).toBe(50)
    expect(lru.weight()).toBe(50)
    expect(lru.set("b", 3)).toEqual(["huge"])
    expect(lru.keys()).toEqual(["b"])
  })

  it("setting a key again replaces its weight, and delete gives it back", () => {
    const lru = make(100, 10)
    lru.set("a", 4)
    lru.set("a", 6)
    expect(lru.size()).toBe(1)
    expect(lru.weight()).toBe(6)
    expect(lru.delete("a")).toBe(true)
    expect(lru.delete("a")).toBe(false)
    expect(lru.weight()).toBe(0)
  })

  it("against a model: the same keys, in least recently used order, within both bounds", () => {
    type Op = { readonly kind: "set"; readonly key: string; readonly weight: number } | {
      readonly kind: "get"
      readonly key: string
    }
    const op: FastCheck.Arbitrary<Op> = FastCheck.oneof(
      FastCheck.record({
        kind: FastCheck.constant("set" as const),
        key: FastCheck.constantFrom("a", "b", "c", "d", "e", "f"),
        weight: FastCheck.integer({ min: 0, max: 12 })
      }),
      FastCheck.record({ kind: FastCheck.constant("get" as const), key: FastCheck.constantFrom("a", "b", "c", "d") })
    )
    FastCheck.assert(
      FastCheck.property(FastCheck.array(op, { maxLength: 60 }), FastCheck.integer({ min: 1, max: 4 }), (ops, max) => {
        const lru = make(max, 10)
        let model: Array<[string, number]> = []
        for (const o of ops) {
          if (o.kind === "get") {
            const found = model.find(([k]) => k === o.key)
            expect(lru.get(o.key)).toBe(found?.[1])
            if (found) model = [...model.filter(([k]) => k !== o.key), found]
            continue
          }
          model = [...model.filter(([k]) => k !== o.key), [o.key, o.weight]]
          const evicted: Array<string> = []
          const total = () => model.reduce((sum, [, w]) => sum + w, 0)
          while (model.length > max || (total() > 10 && model.length > 1)) evicted.push(model.shift()![0])
          expect(lru.set(o.key, o.weight)).toEqual(evicted)
          expect(lru.keys()).toEqual(model.map(([k]) => k))
          expect(lru.weight()).toBe(total())
          expect(lru.get(o.key)).toBe(o.weight)
        }
      })
    )
  })
})
