/**
 * The `HclParser` service: HCL source text to the block-structure JSON of `@cdktf/hcl2json`
 * (`data.<TYPE>.<NAME> = [body, …]`, expressions as `"${…}"` strings, keys sorted, no positions;
 * see docs/render.md §1.2).
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
import type { Range } from "./Diagnostic.js"
import { scan } from "./internal/loadScan.js"

/**
 * A source that could not be parsed. `message` is the parser's text without the file prefix
 * (`Invalid expression; Expected the start of an expression, …`); `range` locates the first
 * problem when the parser reported one.
 *
 * @since 0.1.0
 */
export class HclParseError extends Data.TaggedError("HclParseError")<{
  readonly file: string
  readonly message: string
  readonly range: Range | undefined
}> {}

/**
 * @since 0.1.0
 */
export interface HclParserService {
  /** Parses one HCL native-syntax file into hcl2json's JSON shape. */
  readonly parse: (file: string, content: string) => Effect.Effect<unknown, HclParseError>
}

/**
 * @since 0.1.0
 */
export class HclParser extends Context.Tag("@warmpool/terraform/HclParser")<HclParser, HclParserService>() {}

/**
 * Sources nested deeper than this (blocks, brackets, interpolations, template directives) are
 * refused before parsing. The WASM parser exhausts its stack at roughly 1 500 levels.
 *
 * @since 0.1.0
 */
export const maxNestingDepth = 256

/**
 * Expressions with more `!`, `-` and `?` operators than this are refused before parsing: each
 * one is a level of recursion in the WASM parser, which exhausts its stack at roughly 15 000.
 *
 * @since 0.1.0
 */
export const maxOperatorChain = 5_000

/**
 * How long the first call waits for the WASM module to boot before failing.
 *
 * @since 0.1.0
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
 */
export const live: HclParserService = { parse: parseWith }

/**
 * The live layer. Building it is free; the first `parse` boots the WASM module.
 *
 * @since 0.1.0
 */
export const layer: Layer.Layer<HclParser> = Layer.succeed(HclParser, live)

/**
 * Parses with the `HclParser` in context.
 *
 * @since 0.1.0
 */
export const parse = (file: string, content: string): Effect.Effect<unknown, HclParseError, HclParser> =>
  Effect.flatMap(HclParser, (parser) => parser.parse(file, content))

/**
 * Boots the WASM module now (e.g. at server start) instead of on the first `parse`.
 *
 * @since 0.1.0
 */
export const warmup: Effect.Effect<void, HclParseError> = Effect.asVoid(boot)
