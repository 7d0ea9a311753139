/**
 * `sortParameters` remembers a template's last permutation and reuses it only when it is exactly
 * what a stable sort by (order, name bytes) gives. Over any sequence of parameter lists sorted for
 * one template, which is what renders with changing values and dynamic `order`s produce, every
 * result must be the stable sort's, ties and stale permutations included.
 */
import { describe, expect, it } from "@effect/vitest"
import type { RenderOutput } from "@warmpool/render"
import * as fc from "fast-check"
import { sortParameters } from "../src/internal/parameterOrder.js"
import { compareBytes } from "../src/internal/text.js"

interface Entry {
  readonly order: number
  readonly name: string
  readonly id: number
}

const asParameter = (entry: Entry) => entry as unknown as RenderOutput.Parameter

const stableSort = (entries: ReadonlyArray<Entry>): Array<Entry> =>
  [...entries].sort((a, b) => (a.order !== b.order ? a.order - b.order : compareBytes(a.name, b.name)))

// few lengths, orders and names, so that renders of equal length with ties are common
const list = fc
  .array(fc.record({ order: fc.integer({ min: 0, max: 1 }), name: fc.constantFrom("a", "é", "B") }), {
    maxLength: 5
  })
  .map((raw) => raw.map((entry, id) => ({ ...entry, id })))

describe("parameter order", () => {
  it("every sort of one template is the stable sort, whatever came before", () =>
    fc.assert(
      fc.property(fc.array(list, { minLength: 1, maxLength: 8 }), (renders) => {
        const template = {}
        for (const entries of renders) {
          const sorted = sortParameters(template, entries.map(asParameter)) as unknown as Array<Entry>
          expect(sorted.map((e) => e.id)).toEqual(stableSort(entries).map((e) => e.id))
        }
      }),
      { numRuns: 1000 }
    ))

  it("a repeated render reuses the permutation, and a changed order is re-sorted", () => {
    const template = {}
    const first: Array<Entry> = [
      { order: 2, name: "x", id: 0 },
      { order: 1, name: "y", id: 1 },
      { order: 1, name: "y", id: 2 }
    ]
    expect(sortParameters(template, first.map(asParameter)).map((p) => p.order)).toEqual([1, 1, 2])
    const again = sortParameters(template, first.map(asParameter)) as unknown as Array<Entry>
    expect(again.map((e) => e.id)).toEqual([1, 2, 0])
    const changed: Array<Entry> = [
      { order: 0, name: "x", id: 0 },
      { order: 1, name: "y", id: 1 },
      { order: 1, name: "y", id: 2 }
    ]
    expect((sortParameters(template, changed.map(asParameter)) as unknown as Array<Entry>).map((e) => e.id)).toEqual([
      0,
      1,
      2
    ])
  })

  it("a remembered permutation that would reorder equal neighbours is not reused", () => {
    const template = {}
    sortParameters(template, [{ order: 1, name: "a", id: 0 }, { order: 0, name: "a", id: 1 }].map(asParameter))
    const ties: Array<Entry> = [
      { order: 0, name: "a", id: 0 },
      { order: 0, name: "a", id: 1 }
    ]
    expect((sortParameters(template, ties.map(asParameter)) as unknown as Array<Entry>).map((e) => e.id)).toEqual([
      0,
      1
    ])
  })
})
