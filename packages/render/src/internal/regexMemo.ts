/**
 * Validation regexes (`validation { regex = ... }`) compiled once per compiled template instead of
 * on every render: re2js compilation allocates far more than a match, and a template's patterns
 * are almost always literals. The memo of a template lives as long as the compiled template (a
 * `WeakMap` keyed by it) and holds at most `limit` patterns (computed patterns beyond it are
 * compiled on every use, as before).
 */
import { RE2JS } from "re2js"

/** A compiled pattern, or the compile error's message. */
export type Compiled =
  | { readonly _tag: "Regex"; readonly regex: RE2JS }
  | { readonly _tag: "Invalid"; readonly message: string }

export interface RegexMemo {
  readonly compile: (pattern: string) => Compiled
}

const compileNow = (pattern: string): Compiled => {
  try {
    return { _tag: "Regex", regex: RE2JS.compile(pattern) }
  } catch (e) {
    return { _tag: "Invalid", message: e instanceof Error ? e.message : String(e) }
  }
}

/** Patterns kept per template. */
export const defaultLimit = 256

/** A memo of its own (bounded to `limit` patterns). */
export const make = (limit = defaultLimit): RegexMemo => {
  const compiled = new Map<string, Compiled>()
  return {
    compile: (pattern) => {
      let result = compiled.get(pattern)
      if (result === undefined) {
        result = compileNow(pattern)
        if (compiled.size < limit) compiled.set(pattern, result)
      }
      return result
    }
  }
}

/** No memo: compile on every use. */
export const uncached: RegexMemo = { compile: compileNow }

const memos = new WeakMap<object, RegexMemo>()

/** The memo of a compiled template (made on first use, dropped with the template). */
export const forTemplate = (template: object): RegexMemo => {
  let memo = memos.get(template)
  if (memo === undefined) {
    memo = make()
    memos.set(template, memo)
  }
  return memo
}
