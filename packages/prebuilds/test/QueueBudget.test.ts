/**
 * The pure core of the protected provisioner queue (issue 16): the room under the cap and the
 * fair allotment of that room among the presets. Table-driven, no store.
 */
import { describe, expect, it } from "@effect/vitest"
import * as QueueBudget from "../src/QueueBudget.js"

describe("QueueBudget.room", () => {
  const cases: ReadonlyArray<readonly [number | undefined, number, number]> = [
    [undefined, 0, Number.POSITIVE_INFINITY],
    [undefined, 1000, Number.POSITIVE_INFINITY],
    [4, 0, 4],
    [4, 3, 1],
    [4, 4, 0],
    [4, 9, 0],
    [2.7, 0, 2]
  ]
  for (const [max, pending, expected] of cases) {
    it(`max ${max}, pending ${pending} → ${expected}`, () => {
      expect(QueueBudget.room(max, pending)).toBe(expected)
    })
  }
})

describe("QueueBudget.allot", () => {
  const cases: ReadonlyArray<{
    readonly name: string
    readonly requests: ReadonlyArray<number>
    readonly room: number
    readonly granted: ReadonlyArray<number>
  }> = [
    { name: "no requests", requests: [], room: 4, granted: [] },
    { name: "everything fits", requests: [3, 2], room: 5, granted: [3, 2] },
    { name: "unbounded room", requests: [30, 20], room: Number.POSITIVE_INFINITY, granted: [30, 20] },
    { name: "no room", requests: [3, 2], room: 0, granted: [0, 0] },
    { name: "one preset takes the room", requests: [10], room: 4, granted: [4] },
    { name: "shared in turn: a big pool does not starve a small one", requests: [10, 1], room: 4, granted: [3, 1] },
    { name: "even share", requests: [5, 5], room: 4, granted: [2, 2] },
    { name: "the remainder goes in order", requests: [5, 5, 5], room: 4, granted: [2, 1, 1] },
    { name: "rounds stop at the smallest request", requests: [1, 6, 6], room: 7, granted: [1, 3, 3] },
    { name: "zero requests get nothing", requests: [0, 4], room: 3, granted: [0, 3] }
  ]
  for (const c of cases) {
    it(c.name, () => {
      const result = QueueBudget.allot(c.requests.map((count, key) => ({ key, count })), c.room)
      expect(result.map((a) => a.granted)).toEqual(c.granted)
      expect(result.map((a) => a.deferred)).toEqual(c.requests.map((r, i) => r - c.granted[i]!))
      expect(result.map((a) => a.key)).toEqual(c.requests.map((_, i) => i))
      const total = result.reduce((s, a) => s + a.granted, 0)
      expect(total).toBeLessThanOrEqual(c.room)
    })
  }

  it("never grants more than requested or than the room (sweep)", () => {
    for (let room = 0; room <= 12; room++) {
      for (const requests of [[0], [1, 2, 3], [7, 0, 7], [4, 4, 4, 4], [12, 1]]) {
        const result = QueueBudget.allot(requests.map((count, key) => ({ key, count })), room)
        const total = result.reduce((s, a) => s + a.granted, 0)
        expect(total).toBe(Math.min(room, requests.reduce((a, b) => a + b, 0)))
        for (const [i, a] of result.entries()) {
          expect(a.granted).toBeLessThanOrEqual(requests[i]!)
          expect(a.granted).toBeGreaterThanOrEqual(0)
        }
        // Fair: two presets that both still wanted more differ by at most one.
        const short = result.filter((a) => a.deferred > 0).map((a) => a.granted)
        if (short.length > 1) expect(Math.max(...short) - Math.min(...short)).toBeLessThanOrEqual(1)
      }
    }
  })
})
