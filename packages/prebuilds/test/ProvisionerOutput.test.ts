import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { AgentsLineScanner, parseAgentsLine, TailBuffer } from "../src/internal/provisionerOutput.js"

const chunksOf = (text: string, cuts: ReadonlyArray<number>): ReadonlyArray<Buffer> => {
  const bytes = Buffer.from(text, "utf8")
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Array<Buffer> = []
  let start = 0
  for (const point of [...points, bytes.length]) {
    if (point > start) chunks.push(bytes.subarray(start, point))
    start = Math.max(start, point)
  }
  return chunks
}

describe("TailBuffer", () => {
  it("keeps the last `cap` bytes of whatever is written, in bounded memory", () => {
    fc.assert(fc.property(
      fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 }),
      fc.integer({ min: 1, max: 500 }),
      (chunks, cap) => {
        const tail = new TailBuffer(cap)
        for (const chunk of chunks) {
          tail.push(Buffer.from(chunk))
          expect(tail.retained).toBeLessThanOrEqual(cap + 300)
        }
        const all = Buffer.concat(chunks.map((chunk) => Buffer.from(chunk)))
        expect(tail.written).toBe(all.length)
        expect(tail.truncated).toBe(all.length > cap)
      }
    ))
  })

  it("decodes the tail as UTF-8 without a character cut in half", () => {
    fc.assert(fc.property(
      fc.string({ unit: "grapheme", maxLength: 200 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      fc.integer({ min: 4, max: 100 }),
      (text, cuts, cap) => {
        const tail = new TailBuffer(cap)
        for (const chunk of chunksOf(text, cuts)) tail.push(chunk)
        const kept = tail.text()
        expect(text.endsWith(kept)).toBe(true)
        expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(cap)
        expect(Buffer.byteLength(kept)).toBeGreaterThan(Math.min(Buffer.byteLength(text), cap) - 4)
      }
    ))
  })

  it("examples", () => {
    const tail = new TailBuffer(5)
    tail.push(Buffer.from("hello "))
    tail.push(Buffer.from("world"))
    expect(tail.text()).toBe("world")
    tail.push(Buffer.from("!"))
    expect(tail.text()).toBe("orld!")
    const euro = new TailBuffer(4)
    euro.push(Buffer.from("a€€")) // a, then two 3-byte characters
    expect(euro.text()).toBe("€")
    expect(new TailBuffer(8).text()).toBe("")
  })
})

describe("parseAgentsLine", () => {
  it.each(
    [
      ["{\"agents\":[{\"name\":\"main\",\"ready\":true}]}", [{ name: "main", ready: true }]],
      ["  {\"agents\":[],\"note\":1}  ", []],
      ["{\"agents\":[{\"name\":\"a\",\"ready\":false,\"extra\":1},{\"name\":\"b\",\"ready\":true}]}", [
        { name: "a", ready: false },
        { name: "b", ready: true }
      ]],
      ["{\"agents\":[{\"name\":\"main\",\"ready\":\"yes\"}]}", undefined],
      ["{\"agents\":[{\"name\":\"\",\"ready\":true}]}", undefined],
      ["{\"agents\":{\"name\":\"main\"}}", undefined],
      ["{\"agents\": [", undefined],
      ["[{\"agents\":[]}]", undefined],
      ["agents", undefined],
      ["", undefined]
    ] as const
  )("%s", (line, expected) => {
    expect(parseAgentsLine(line)).toEqual(expected)
  })
})

describe("AgentsLineScanner", () => {
  const stream = (lines: ReadonlyArray<string>, finalNewline: boolean) => lines.join("\n") + (finalNewline ? "\n" : "")

  it("finds the last agents line however the output is chunked", () => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }).map((text) => text.replaceAll("\n", " ")),
      fc.array(fc.record({ name: fc.string({ minLength: 1, maxLength: 8 }), ready: fc.boolean() }), { maxLength: 3 })
        .map((agents) => JSON.stringify({ agents }))
    )
    fc.assert(fc.property(
      fc.array(line, { maxLength: 12 }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 12 }),
      (lines, finalNewline, cuts) => {
        const text = stream(lines, finalNewline)
        const scanner = new AgentsLineScanner(1024)
        for (const chunk of chunksOf(text, cuts)) scanner.push(chunk)
        const expected = lines.map(parseAgentsLine).filter((agents) => agents !== undefined).at(-1)
        expect(scanner.agents()).toEqual(expected)
      }
    ))
  })

  it("skips lines longer than the cap, and keeps scanning after them", () => {
    const agents = JSON.stringify({ agents: [{ name: "main", ready: true }] })
    const long = JSON.stringify({ agents: [{ name: "x".repeat(200), ready: true }] })
    const scanner = new AgentsLineScanner(100)
    scanner.push(Buffer.from(`${agents}\n${long.slice(0, 60)}`))
    scanner.push(Buffer.from(`${long.slice(60)}\nlog line\n`))
    expect(scanner.agents()).toEqual([{ name: "main", ready: true }])
    const after = new AgentsLineScanner(100)
    after.push(Buffer.from(`${long}\n${agents}`))
    expect(after.agents()).toEqual([{ name: "main", ready: true }])
  })
})
