/**
 * Byte-wise (UTF-8) lexical order of strings, which is code-point order: how Go (and so cty)
 * sorts object attributes, map keys and set strings. JS `<` compares UTF-16 code units and
 * differs for characters outside the BMP (U+1F600 sorts after U+FFFF in Go, before it in JS).
 *
 * @internal
 */

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export const compareCodePoints = (a: string, b: string): number => {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i)
    const cb = b.charCodeAt(i)
    if (ca !== cb) {
      const surrogateA = ca >= 0xd800 && ca <= 0xdfff
      const surrogateB = cb >= 0xd800 && cb <= 0xdfff
      if (surrogateA !== surrogateB) return surrogateA ? 1 : -1
      return ca - cb
    }
  }
  return a.length - b.length
}
