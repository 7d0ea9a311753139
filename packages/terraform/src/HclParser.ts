/**
 * The `HclParser` service: HCL source text to the block-structure JSON of `@cdktf/hcl2json`
 * (`data.<TYPE>.<NAME> = [body, …]`, expressions as `"${…}"` strings, keys sorted, no positions;
 * see RENDER.md §1.2).
 *
 * The live layer drives the hcl2json WASM module. The module boots its Go runtime when it is
 * first imported; this service imports it lazily, so the first `parse` in the process pays the
 * boot (about 0.2 s) and every later or concurrent call shares the same booted instance.
 *
 * Sources are screened before they reach the WASM parser: the Go runtime inside it aborts the
 * whole process when very deeply nested input exhausts its stack, so a source nested more than
 * `maxNestingDepth` levels, or with more than `maxOperatorChain` prefix / conditional operators in
 * one expression, is refused with an `HclParseError` instead. So is a source with a heredoc or a
 * block comment that is never closed: the WASM parser takes time quadratic in the source size
 * to reject those (seconds for 100 KiB), the screen finds them in one linear pass.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { createHash } from "node:crypto"
import type { Range } from "./Diagnostic.js"
import { scan } from "./internal/loadScan.js"

/**
 * A source that could not be parsed. `message` is the parser's text without the file prefix
 * (`Invalid expression; Expected the start of an expression, …`); `range` locates the first
 * problem when the parser reported one.
 *
 * @since 0.1.0
 * @category errors
 */
export class HclParseError extends Data.TaggedError("HclParseError")<{
  readonly file: string
  readonly message: string
  readonly range: Range | undefined
}> {}

/**
 * The service's shape.
 *
 * @since 0.1.0
 * @category models
 */
export interface HclParserShape {
  /**
   * Parses one HCL native-syntax file into hcl2json's JSON shape. The result may be shared with
   * other callers (see `layerMemoized`): treat it as read-only.
   */
  readonly parse: (file: string, content: string) => Effect.Effect<unknown, HclParseError>
}

/**
 * The `HclParser` service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class HclParser extends Context.Tag("@warmpool/terraform/HclParser")<HclParser, HclParserShape>() {}

/**
 * Sources nested deeper than this (blocks, brackets, interpolations, template directives) are
 * refused before parsing. The WASM parser exhausts its stack at roughly 1 500 levels.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxNestingDepth = 256

/**
 * Expressions with more `!`, `-` and `?` operators than this are refused before parsing: each
 * one is a level of recursion in the WASM parser, which exhausts its stack at roughly 15 000.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxOperatorChain = 5_000

/**
 * How long the first call waits for the WASM module to boot before failing.
 *
 * @since 0.1.0
 * @category constants
 */
export const bootTimeout: Duration.Duration = Duration.seconds(60)

interface Hcl2Json {
  readonly parse: (file: string, content: string) => Promise<unknown>
}

// The specifier is kept out of TypeScript's sight: the package's typings pull the DOM library
// into every program that imports them.
const hcl2jsonSpecifier: string = "@cdktf/hcl2json"

let booting: Promise<Hcl2Json> | undefined

const bootOnce = (): Promise<Hcl2Json> => {
  if (booting === undefined) {
    booting = (async () => {
      const mod: any = await import(hcl2jsonSpecifier)
      const api: Hcl2Json = typeof mod.parse === "function" ? mod : mod.default
      // The module answers only once its Go runtime is ready: one empty parse waits for that.
      await api.parse("warmpool-boot.tf", "")
      return api
    })()
  }
  return booting
}

const boot: Effect.Effect<Hcl2Json, HclParseError> = Effect.tryPromise({
  try: bootOnce,
  catch: (e) =>
    new HclParseError({ file: "", message: `the HCL parser failed to start: ${String(e)}`, range: undefined })
}).pipe(
  Effect.timeoutFail({
    duration: bootTimeout,
    onTimeout: () => new HclParseError({ file: "", message: "the HCL parser did not start in time", range: undefined })
  })
)

const positionOf = (content: string, line: number, column: number) => {
  let offset = 0
  for (let l = 1; l < line; l++) {
    const next = content.indexOf("\n", offset)
    if (next < 0) break
    offset = next + 1
  }
  return { line, column, offset: Math.min(content.length, offset + column - 1) }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/**
 * Turns the parser's rejection text (`parse config: [f.tf:2,6-3,1: Summary; Detail …]`) into a
 * message and a range.
 *
 * @internal
 *
 * @since 0.1.0
 */
export const toParseError = (file: string, content: string, cause: unknown): HclParseError => {
  const raw = cause instanceof Error ? cause.message : String(cause)
  const inner = /^parse config: \[([\s\S]*)\]$/.exec(raw)?.[1]
  if (inner === undefined) return new HclParseError({ file, message: raw, range: undefined })
  const at = new RegExp(`(?:^|\\s)${escapeRegExp(file)}:(\\d+),(\\d+)-(?:(\\d+),)?(\\d+): `, "g")
  const starts: Array<{ index: number; end: number; pos: Array<number> }> = []
  for (let m = at.exec(inner); m !== null; m = at.exec(inner)) {
    const line = Number(m[1])
    const column = Number(m[2])
    const endLine = m[3] === undefined ? line : Number(m[3])
    const endColumn = Number(m[4])
    starts.push({ index: m.index, end: m.index + m[0].length, pos: [line, column, endLine, endColumn] })
  }
  if (starts.length === 0) return new HclParseError({ file, message: inner, range: undefined })
  const first = starts[0]!
  const text = inner.slice(first.end, starts.length > 1 ? starts[1]!.index : inner.length).trim()
  const more = starts.length - 1
  const [line, column, endLine, endColumn] = first.pos as [number, number, number, number]
  return new HclParseError({
    file,
    message: more === 0 ? text : `${text} (and ${more} more ${more === 1 ? "problem" : "problems"})`,
    range: { file, start: positionOf(content, line, column), end: positionOf(content, endLine, endColumn) }
  })
}

/**
 * Refuses sources that would exhaust the WASM parser's stack; `undefined` when the source is
 * safe to hand over.
 *
 * @internal
 *
 * @since 0.1.0
 */
export const screen = (file: string, content: string): HclParseError | undefined => {
  const result = scan(content, maxNestingDepth)
  const open = result.unterminated
  if (open !== undefined) {
    const at = { line: open.line, column: open.column, offset: open.offset }
    const width = open.kind === "heredoc" ? 2 + open.marker.length : 2
    const range = { file, start: at, end: { line: at.line, column: at.column + width, offset: at.offset + width } }
    return new HclParseError({
      file,
      message: open.kind === "heredoc"
        ? `Unterminated template string; the heredoc opened with "<<${open.marker}" at line ${open.line} has no closing "${open.marker}" line`
        : `Unterminated comment; the comment opened with "/*" at line ${open.line} has no closing "*/"`,
      range
    })
  }
  if (result.aborted) {
    return new HclParseError({
      file,
      message:
        `Nesting too deep; the file nests blocks, brackets and template sequences more than ${maxNestingDepth} levels deep`,
      range: undefined
    })
  }
  if (result.maxOperators > maxOperatorChain) {
    return new HclParseError({
      file,
      message: `Expression too complex; an expression has more than ${maxOperatorChain} "!", "-" and "?" operators`,
      range: undefined
    })
  }
  return undefined
}

const parseWith = (file: string, content: string): Effect.Effect<unknown, HclParseError> =>
  Effect.suspend(() => {
    const refused = screen(file, content)
    if (refused !== undefined) return Effect.fail(refused)
    return Effect.flatMap(boot, (api) =>
      Effect.tryPromise({
        try: () => api.parse(file, content),
        catch: (e) => toParseError(file, content, e)
      }))
  })

/**
 * The live service: `@cdktf/hcl2json`, booted once per process on first use.
 *
 * @since 0.1.0
 * @category constructors
 */
export const live: HclParserShape = { parse: parseWith }

/**
 * The live layer, without a memo. Building it is free; the first `parse` boots the WASM module.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<HclParser> = Layer.succeed(HclParser, live)

/**
 * The bounds of a parse memo: the least recently used file goes first when either is exceeded.
 *
 * @since 0.1.0
 * @category models
 */
export interface MemoOptions {
  /** Files remembered at most (default 1 024). */
  readonly maxEntries?: number | undefined
  /** Source characters remembered at most, over all entries (default 8 Mi; the parsed shapes take a few times that). */
  readonly maxBytes?: number | undefined
}

/**
 * What a parse memo has done so far: `parses` counts the calls that reached the parser
 * underneath (misses and failures), `hits` the calls answered from the memo.
 *
 * @since 0.1.0
 * @category models
 */
export interface MemoStats {
  readonly parses: number
  readonly hits: number
  readonly entries: number
  readonly bytes: number
}

/**
 * A parser with a memo, and the memo's statistics.
 *
 * @since 0.1.0
 * @category models
 */
export interface MemoizedShape extends HclParserShape {
  readonly stats: Effect.Effect<MemoStats>
}

/**
 * The default bounds of a parse memo.
 *
 * @since 0.1.0
 * @category constants
 */
export const memoDefaults: { readonly maxEntries: number; readonly maxBytes: number } = {
  maxEntries: 1_024,
  maxBytes: 8 * 1024 * 1024
}

const deepFreeze = (value: unknown): void => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
}

/**
 * Wraps a parser with a memo of successful parses keyed by the SHA-256 of the content (the
 * parsed shape carries no file name or position, so equal content parses the same under any
 * path). Failures are not remembered: their messages name the file. Remembered results are
 * frozen, since later versions share them.
 *
 * @since 0.1.0
 * @category constructors
 */
export const memoize = (inner: HclParserShape, options?: MemoOptions): MemoizedShape => {
  const maxEntries = Math.max(0, options?.maxEntries ?? memoDefaults.maxEntries)
  const maxBytes = Math.max(0, options?.maxBytes ?? memoDefaults.maxBytes)
  // a Map iterates in insertion order: re-inserting on a hit makes the first key the LRU one
  const entries = new Map<string, { readonly parsed: unknown; readonly size: number }>()
  let bytes = 0
  let parses = 0
  let hits = 0
  const remember = (key: string, parsed: unknown, size: number): void => {
    if (size > maxBytes || maxEntries === 0) return
    deepFreeze(parsed)
    const previous = entries.get(key)
    if (previous !== undefined) {
      entries.delete(key)
      bytes -= previous.size
    }
    entries.set(key, { parsed, size })
    bytes += size
    for (const [oldest, entry] of entries) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break
      entries.delete(oldest)
      bytes -= entry.size
    }
  }
  const parse = (file: string, content: string): Effect.Effect<unknown, HclParseError> =>
    Effect.suspend(() => {
      const key = createHash("sha256").update(content).digest("base64")
      const found = entries.get(key)
      if (found !== undefined) {
        hits++
        entries.delete(key)
        entries.set(key, found)
        return Effect.succeed(found.parsed)
      }
      parses++
      return Effect.tap(
        inner.parse(file, content),
        (parsed) => Effect.sync(() => remember(key, parsed, content.length))
      )
    })
  const stats = Effect.sync((): MemoStats => ({ parses, hits, entries: entries.size, bytes }))
  return { parse, stats }
}

/**
 * The live parser with a parse memo (`memoize`), one memo per build of the layer: what the
 * service uses, where versions of the same templates are compiled again and again.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerMemoized = (options?: MemoOptions): Layer.Layer<HclParser> =>
  Layer.sync(HclParser, () => memoize(live, options))

/**
 * Parses with the `HclParser` in context.
 *
 * @since 0.1.0
 * @category accessors
 */
export const parse = (file: string, content: string): Effect.Effect<unknown, HclParseError, HclParser> =>
  Effect.flatMap(HclParser, (parser) => parser.parse(file, content))

/**
 * Boots the WASM module now (e.g. at server start or in a new render worker) instead of on the
 * first `parse`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const warmup: Effect.Effect<void, HclParseError> = Effect.asVoid(boot)
