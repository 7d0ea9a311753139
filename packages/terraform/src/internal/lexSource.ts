/**
 * Offsets to positions: a line table over one source string, shifted by the caller's starting
 * position when the source is a fragment of a larger file.
 *
 * @internal
 */
import type { Pos, Range } from "../Diagnostic.js"

const origin: Pos = Object.freeze({ line: 1, column: 1, offset: 0 })

/**
 * The positions of the first line of a source that starts at the origin, up to this offset, are
 * shared frozen objects: expressions come mostly from hcl2json's attribute strings, each parsed
 * as a source of its own, so a compiled template would otherwise hold two positions per syntax
 * node, most of them equal (a third of a compiled template's objects).
 */
const sharedLength = 256
const firstLine: ReadonlyArray<Pos> = Array.from(
  { length: sharedLength },
  (_, offset) => Object.freeze({ line: 1, column: offset + 1, offset })
)

/**
 * Converts 0-based offsets in `src` to `Pos` / `Range` values in the caller's coordinates.
 */
export class SourceMap {
  private lineStarts: Array<number> | undefined
  private lastLine = 0

  constructor(readonly src: string, readonly file: string, readonly start: Pos = origin) {}

  private starts(): Array<number> {
    if (this.lineStarts !== undefined) return this.lineStarts
    const starts = [0]
    let i = this.src.indexOf("\n")
    while (i >= 0) {
      starts.push(i + 1)
      i = this.src.indexOf("\n", i + 1)
    }
    this.lineStarts = starts
    return starts
  }

  /** The position of `offset` (0 ≤ offset ≤ src.length). */
  pos(offset: number): Pos {
    const starts = this.starts()
    let lo = this.lastLine
    // parsing moves forward: the line of the previous lookup, or the next one, is the usual answer
    if (!(starts[lo]! <= offset && (lo + 1 === starts.length || starts[lo + 1]! > offset))) {
      lo = 0
      let hi = starts.length - 1
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1
        if (starts[mid]! <= offset) lo = mid
        else hi = mid - 1
      }
      this.lastLine = lo
    }
    const column = offset - starts[lo]!
    if (lo === 0 && this.start === origin && offset < sharedLength) return firstLine[offset]!
    return lo === 0
      ? { line: this.start.line, column: this.start.column + column, offset: this.start.offset + offset }
      : { line: this.start.line + lo, column: column + 1, offset: this.start.offset + offset }
  }

  /** The range `[from, to)`. */
  range(from: number, to: number): Range {
    return { file: this.file, start: this.pos(from), end: this.pos(to) }
  }
}
