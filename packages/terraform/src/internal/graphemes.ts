/**
 * Grapheme clusters: Terraform counts and slices strings by them (`length`, `substr`,
 * `strrev`, `format` widths).
 *
 * @since 0.1.0
 * @internal
 */
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" })
const simpleAscii = /^[\x00-\x0c\x0e-\x7f]*$/

/**
 * Code points that can join a grapheme cluster with a neighbour (Unicode 15.1 rules GB3–GB13):
 * CR, marks and other Extend / SpacingMark characters, ZWJ, emoji modifiers, regional
 * indicators, Hangul jamo and Prepend characters. A string without any of them has one cluster
 * per code point.
 */
const clusterJoiner =
  /[\r\p{M}\u200c\u200d\u0e33\u0eb3\uff9e\uff9f\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u0d4e\u{110bd}\u{110cd}\u{111c2}\u{111c3}\u{1193f}\u{11941}\u{11a3a}\u{11a84}-\u{11a89}\u{11d46}\u{11f02}\u{1f1e6}-\u{1f1ff}\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]/u

/**
 * The grapheme clusters of a string (Terraform counts and slices strings by them).
 *
 * @since 0.1.0
 */
export const graphemes = (s: string): Array<string> => {
  if (simpleAscii.test(s)) return s.split("")
  if (!clusterJoiner.test(s)) return Array.from(s)
  const out: Array<string> = []
  for (const { segment } of segmenter.segment(s)) out.push(segment)
  return out
}

/**
 * The grapheme clusters of a string, always through `Intl.Segmenter` (the reference for the
 * fast paths of {@link graphemes}).
 *
 * @since 0.1.0
 */
export const graphemesBySegmenter = (s: string): Array<string> => Array.from(segmenter.segment(s), (x) => x.segment)

/**
 * The number of grapheme clusters in a string.
 *
 * @since 0.1.0
 */
export const graphemeCount = (s: string): number => {
  if (simpleAscii.test(s)) return s.length
  if (!clusterJoiner.test(s)) {
    let n = 0
    for (const _ of s) n++
    return n
  }
  let n = 0
  for (const _ of segmenter.segment(s)) n++
  return n
}
