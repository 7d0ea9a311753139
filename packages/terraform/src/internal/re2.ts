/**
 * RE2 regular expressions with Go's `regexp` package semantics, on top of `re2js`: compilation
 * with a small cache, Go's syntax-error texts, the successive-match iteration of
 * `FindAllStringSubmatchIndex`, and `ReplaceAllString` with Go's `$1` / `${name}` expansion.
 *
 * Offsets are UTF-16 indexes into the JS string; the iteration steps over whole code points as
 * Go steps over whole runes.
 *
 * @internal
 */
import { RE2JS } from "re2js"

/**
 * A compiled pattern and its capture group names (`groupNames[i]` is the name of group `i + 1`,
 * `""` when unnamed).
 */
export interface CompiledPattern {
  readonly regex: RE2JS
  readonly groupNames: ReadonlyArray<string>
}

/**
 * A pattern that does not compile: Go's `syntax.Error` code and offending expression.
 */
export interface PatternError {
  readonly _tag: "PatternError"
  readonly code: string
  readonly expr: string
  /** Go's `err.Error()`: ``error parsing regexp: <code>: `<expr>` ``. */
  readonly message: string
}

const cacheLimit = 256
const cache = new Map<string, CompiledPattern | PatternError>()

const errorOf = (error: unknown): PatternError => {
  const e = error as { error?: unknown; input?: unknown; message?: unknown }
  if (typeof e.error === "string") {
    const expr = typeof e.input === "string" ? e.input : ""
    return { _tag: "PatternError", code: e.error, expr, message: `error parsing regexp: ${e.error}: \`${expr}\`` }
  }
  const message = typeof e.message === "string" ? e.message : String(error)
  return { _tag: "PatternError", code: message, expr: "", message }
}

/**
 * Compile an RE2 pattern (cached: templates call `regex` with the same literal patterns again
 * and again).
 */
export const compile = (pattern: string): CompiledPattern | PatternError => {
  const hit = cache.get(pattern)
  if (hit !== undefined) return hit
  let result: CompiledPattern | PatternError
  try {
    const regex = RE2JS.compile(pattern)
    const groupNames: Array<string> = new Array(regex.groupCount()).fill("")
    const named = regex.namedGroups()
    for (const name of Object.keys(named)) groupNames[named[name]! - 1] = name
    result = { regex, groupNames }
  } catch (error) {
    result = errorOf(error)
  }
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!)
  cache.set(pattern, result)
  return result
}

/**
 * `true` when the value is a compile error.
 */
export const isPatternError = (r: CompiledPattern | PatternError): r is PatternError =>
  (r as PatternError)._tag === "PatternError"

/**
 * The start and end of the whole match and of every group (`-1` for a group that did not take
 * part), as Go's `FindStringSubmatchIndex`.
 */
export type MatchIndexes = ReadonlyArray<number>

const widthAt = (s: string, i: number): number => {
  const c = s.charCodeAt(i)
  return c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1
}

/**
 * Successive non-overlapping matches, as Go's `FindAllStringSubmatchIndex(s, -1)`: an empty
 * match right after the previous match is skipped. `limit` bounds the number of matches
 * returned.
 */
export const findAll = (compiled: CompiledPattern, s: string, limit = Infinity): Array<MatchIndexes> => {
  const matcher = compiled.regex.matcher(s)
  const groups = compiled.groupNames.length
  const out: Array<MatchIndexes> = []
  let pos = 0
  let prevMatchEnd = -1
  while (out.length < limit && pos <= s.length) {
    if (!matcher.find(pos)) break
    const start = matcher.start(0)
    const end = matcher.end(0)
    let accept = true
    if (end === pos) {
      if (start === prevMatchEnd) accept = false
      pos += pos < s.length ? widthAt(s, pos) : 1
    } else {
      pos = end
    }
    prevMatchEnd = end
    if (accept) {
      const indexes: Array<number> = [start, end]
      for (let g = 1; g <= groups; g++) indexes.push(matcher.start(g), matcher.end(g))
      out.push(indexes)
    }
  }
  return out
}

/**
 * The first match, as Go's `FindStringSubmatchIndex`, or `undefined`.
 */
export const findFirst = (compiled: CompiledPattern, s: string): MatchIndexes | undefined => findAll(compiled, s, 1)[0]

const nameChar = /[\p{L}\p{Nd}_]/u

/**
 * Go's `extract`: a group reference after `$`, `name` or `{name}`; `undefined` when malformed.
 */
const extract = (template: string, at: number): { readonly name: string; readonly next: number } | undefined => {
  let i = at
  const brace = template[i] === "{"
  if (brace) i++
  const nameStart = i
  while (i < template.length) {
    const cp = template.codePointAt(i)!
    const ch = String.fromCodePoint(cp)
    if (!nameChar.test(ch)) break
    i += ch.length
  }
  if (i === nameStart) return undefined
  const name = template.slice(nameStart, i)
  if (brace) {
    if (template[i] !== "}") return undefined
    i++
  }
  return { name, next: i }
}

const groupNumber = (name: string): number => {
  if (!/^[0-9]+$/.test(name) || (name.length > 1 && name[0] === "0") || name.length > 8) return -1
  return Number(name)
}

/**
 * Go's `Regexp.expand`: `$$` is `$`, `$n` / `${n}` a group by number, `$name` / `${name}` a
 * group by name (the longest run of letters, digits and `_`), unknown or unmatched groups are
 * empty, a malformed reference is kept as text.
 */
export const expand = (compiled: CompiledPattern, template: string, s: string, match: MatchIndexes): string => {
  let out = ""
  let i = 0
  while (i < template.length) {
    const dollar = template.indexOf("$", i)
    if (dollar < 0) break
    out += template.slice(i, dollar)
    i = dollar + 1
    if (template[i] === "$") {
      out += "$"
      i++
      continue
    }
    const ref = extract(template, i)
    if (ref === undefined) {
      out += "$"
      continue
    }
    i = ref.next
    const num = groupNumber(ref.name)
    if (num >= 0) {
      if (2 * num + 1 < match.length && match[2 * num]! >= 0) out += s.slice(match[2 * num]!, match[2 * num + 1]!)
    } else {
      const index = compiled.groupNames.indexOf(ref.name)
      if (index >= 0 && match[2 * (index + 1)]! >= 0) {
        out += s.slice(match[2 * (index + 1)]!, match[2 * (index + 1) + 1]!)
      }
    }
  }
  return out + template.slice(i)
}

/**
 * Go's `Regexp.ReplaceAllString`. `maxLength` bounds the result; `undefined` when exceeded.
 */
export const replaceAll = (
  compiled: CompiledPattern,
  s: string,
  template: string,
  maxLength: number
): string | undefined => {
  const matcher = compiled.regex.matcher(s)
  const groups = compiled.groupNames.length
  const literal = !template.includes("$")
  let out = ""
  let lastMatchEnd = 0
  let searchPos = 0
  while (searchPos <= s.length) {
    if (!matcher.find(searchPos)) break
    const start = matcher.start(0)
    const end = matcher.end(0)
    out += s.slice(lastMatchEnd, start)
    if (end > lastMatchEnd || start === 0) {
      if (literal) {
        out += template
      } else {
        const indexes: Array<number> = [start, end]
        for (let g = 1; g <= groups; g++) indexes.push(matcher.start(g), matcher.end(g))
        out += expand(compiled, template, s, indexes)
      }
    }
    if (out.length > maxLength) return undefined
    lastMatchEnd = end
    const width = searchPos < s.length ? widthAt(s, searchPos) : 0
    if (searchPos + width > end) searchPos += width
    else if (searchPos + 1 > end) searchPos++
    else searchPos = end
  }
  out += s.slice(lastMatchEnd)
  return out.length > maxLength ? undefined : out
}
