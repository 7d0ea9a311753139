/**
 * The glob patterns of `fileset` (bmatcuk/doublestar v1 syntax, which Terraform uses): `*` and
 * `?` within one path component, `**` as a whole component for any number of directories,
 * `[...]` / `[^...]` / `[!...]` character classes, `{a,b}` alternatives and `\` escapes.
 *
 * Matching runs in time polynomial in the pattern and path sizes (no exponential
 * backtracking); brace alternatives are expanded up to a fixed limit.
 *
 * @internal
 */

/**
 * The most alternatives a pattern may expand to.
 */
export const maxAlternatives = 1024

type Token =
  | { readonly _tag: "Literal"; readonly char: string }
  | { readonly _tag: "Any" }
  | { readonly _tag: "Star" }
  | { readonly _tag: "Class"; readonly negated: boolean; readonly ranges: ReadonlyArray<readonly [number, number]> }

type Component = { readonly _tag: "GlobStar" } | { readonly _tag: "Tokens"; readonly tokens: ReadonlyArray<Token> }

/**
 * A compiled pattern: its alternatives, each a list of path components.
 */
export interface Glob {
  readonly alternatives: ReadonlyArray<ReadonlyArray<Component>>
}

/**
 * Why a pattern does not compile: `syntax` is Go's `ErrBadPattern`
 * (`syntax error in pattern`).
 */
export interface GlobError {
  readonly _tag: "GlobError"
  readonly reason: "syntax" | "alternatives"
}

const syntaxError: GlobError = { _tag: "GlobError", reason: "syntax" }
const tooManyAlternatives: GlobError = { _tag: "GlobError", reason: "alternatives" }

/**
 * `true` when the value is a compile error.
 */
export const isGlobError = (g: Glob | GlobError): g is GlobError => (g as GlobError)._tag === "GlobError"

/** Expand `{a,b}` alternatives (nesting allowed); escapes are kept for the component parser. */
const expandBraces = (pattern: string): Array<string> | GlobError => {
  // Parse into a sequence of literal text and alternative groups.
  let pos = 0
  const parseSequence = (inBraces: boolean): Array<string> | GlobError => {
    let results: Array<string> = [""]
    const appendText = (text: string) => {
      results = results.map((r) => r + text)
    }
    while (pos < pattern.length) {
      const c = pattern[pos]!
      if (c === "\\") {
        if (pos + 1 >= pattern.length) return syntaxError
        appendText(pattern.slice(pos, pos + 2))
        pos += 2
        continue
      }
      if (c === "[") {
        // Copy a class verbatim so that braces inside it stay literal.
        const end = classEnd(pattern, pos)
        if (end < 0) return syntaxError
        appendText(pattern.slice(pos, end))
        pos = end
        continue
      }
      if (inBraces && (c === "," || c === "}")) return results
      if (c === "{") {
        pos++
        const alternatives: Array<string> = []
        for (;;) {
          const alternative = parseSequence(true)
          if (!Array.isArray(alternative)) return alternative
          alternatives.push(...alternative)
          if (pos >= pattern.length) return syntaxError
          const closer = pattern[pos]
          pos++
          if (closer === "}") break
        }
        const next: Array<string> = []
        for (const r of results) for (const a of alternatives) next.push(r + a)
        if (next.length > maxAlternatives) return tooManyAlternatives
        results = next
        continue
      }
      appendText(c)
      pos++
    }
    return results
  }
  const out = parseSequence(false)
  if (!Array.isArray(out)) return out
  return out
}

/** The index just after the `]` closing the class that starts at `start`, or -1. */
const classEnd = (pattern: string, start: number): number => {
  let i = start + 1
  if (pattern[i] === "^" || pattern[i] === "!") i++
  let first = true
  while (i < pattern.length) {
    const c = pattern[i]!
    if (c === "]" && !first) return i + 1
    if (c === "\\") i++
    i++
    first = false
  }
  return -1
}

const parseComponent = (text: string): Component | GlobError => {
  if (text === "**") return { _tag: "GlobStar" }
  const chars = Array.from(text)
  const tokens: Array<Token> = []
  let i = 0
  while (i < chars.length) {
    const c = chars[i]!
    if (c === "*") {
      if (tokens[tokens.length - 1]?._tag !== "Star") tokens.push({ _tag: "Star" })
      i++
    } else if (c === "?") {
      tokens.push({ _tag: "Any" })
      i++
    } else if (c === "\\") {
      if (i + 1 >= chars.length) return syntaxError
      tokens.push({ _tag: "Literal", char: chars[i + 1]! })
      i += 2
    } else if (c === "[") {
      i++
      let negated = false
      if (chars[i] === "^" || chars[i] === "!") {
        negated = true
        i++
      }
      const ranges: Array<readonly [number, number]> = []
      const escaped = (): number | undefined => {
        let ch = chars[i]
        if (ch === undefined || ch === "-" || ch === "]") return undefined
        if (ch === "\\") {
          i++
          ch = chars[i]
          if (ch === undefined) return undefined
        }
        i++
        return ch.codePointAt(0)!
      }
      for (;;) {
        if (chars[i] === "]" && ranges.length > 0) {
          i++
          break
        }
        const lo = escaped()
        if (lo === undefined) return syntaxError
        let hi = lo
        if (chars[i] === "-") {
          i++
          const h = escaped()
          if (h === undefined) return syntaxError
          hi = h
        }
        ranges.push([lo, hi])
      }
      tokens.push({ _tag: "Class", negated, ranges })
    } else {
      tokens.push({ _tag: "Literal", char: c })
      i++
    }
  }
  return { _tag: "Tokens", tokens }
}

/**
 * Compile a glob pattern (already joined to its base directory and cleaned).
 */
export const compile = (pattern: string): Glob | GlobError => {
  const expanded = expandBraces(pattern)
  if (!Array.isArray(expanded)) return expanded
  const alternatives: Array<ReadonlyArray<Component>> = []
  for (const alternative of expanded) {
    const components: Array<Component> = []
    for (const text of alternative.split("/")) {
      const component = parseComponent(text)
      if ((component as GlobError)._tag === "GlobError") return component as GlobError
      components.push(component as Component)
    }
    alternatives.push(components)
  }
  return { alternatives }
}

const tokenMatches = (token: Token, ch: string): boolean => {
  switch (token._tag) {
    case "Literal":
      return token.char === ch
    case "Any":
      return true
    case "Class": {
      const cp = ch.codePointAt(0)!
      const inClass = token.ranges.some(([lo, hi]) => cp >= lo && cp <= hi)
      return inClass !== token.negated
    }
    case "Star":
      return false
  }
}

/** Wildcard matching of one component with backtracking to the last `*` only: O(n·m). */
const matchTokens = (tokens: ReadonlyArray<Token>, name: string): boolean => {
  const chars = Array.from(name)
  let t = 0
  let c = 0
  let starT = -1
  let starC = 0
  while (c < chars.length) {
    const token = tokens[t]
    if (token !== undefined && token._tag === "Star") {
      starT = t
      starC = c
      t++
    } else if (token !== undefined && tokenMatches(token, chars[c]!)) {
      t++
      c++
    } else if (starT >= 0) {
      t = starT + 1
      starC++
      c = starC
    } else {
      return false
    }
  }
  while (t < tokens.length && tokens[t]!._tag === "Star") t++
  return t === tokens.length
}

const matchComponents = (components: ReadonlyArray<Component>, parts: ReadonlyArray<string>): boolean => {
  // memo[p * (parts.length + 1) + s]: 0 unknown, 1 true, 2 false
  const width = parts.length + 1
  const memo = new Uint8Array((components.length + 1) * width)
  const go = (p: number, s: number): boolean => {
    const key = p * width + s
    if (memo[key] !== 0) return memo[key] === 1
    let result: boolean
    if (p === components.length) {
      result = s === parts.length
    } else {
      const component = components[p]!
      if (component._tag === "GlobStar") {
        result = false
        for (let k = s; k <= parts.length && !result; k++) result = go(p + 1, k)
      } else {
        result = s < parts.length && matchTokens(component.tokens, parts[s]!) && go(p + 1, s + 1)
      }
    }
    memo[key] = result ? 1 : 2
    return result
  }
  return go(0, 0)
}

/**
 * `true` when a clean, `/`-separated path matches the glob.
 */
export const matches = (glob: Glob, path: string): boolean => {
  const parts = path.split("/")
  return glob.alternatives.some((components) => matchComponents(components, parts))
}
