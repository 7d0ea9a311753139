/**
 * `warmpool bench render`: per template, medians from one run of
 * - `parseOnlyMs`: `@cdktf/hcl2json` `parse()` of the configuration files alone;
 * - `coldMs`: no cache at all: load + compile + render;
 * - `warmRenderMs`: compiled template cached, render-cache miss (fresh values every time);
 * - `outputCacheOnlyMissMs`: the abandoned design: an output cache, but the files loaded and
 *   parsed on every miss (render-cache miss without a template cache);
 * - `cacheHitUs`: a render-cache hit, key hashing included;
 * - `hashFloorUs`: the canonical hash of the same key + a `Map.get` (the floor of a hit).
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { Metrics } from "@warmpool/metrics"
import { CacheSettings, RenderCache, Renderer, RenderKey } from "@warmpool/render"
import { CompiledTemplate, HclParser, Loader, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { exitCode } from "../internal/keyValue.js"

const renderTemplate = Renderer.renderTemplate

export interface BenchArgs {
  readonly roots: ReadonlyArray<string>
  readonly json: boolean
  /** Time spent per measurement, in milliseconds. */
  readonly budgetMs: number
}

export interface TemplateResult {
  readonly name: string
  readonly parseOnlyMs: number
  /** Load + compile (no render). */
  readonly loadCompileMs: number
  readonly coldMs: number
  readonly warmRenderMs: number
  readonly outputCacheOnlyMissMs: number
  readonly cacheHitUs: number
  readonly hashFloorUs: number
}

const median = (samples: Array<number>): number => {
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Values for a render: the parameters' own values, plus one that varies per iteration. */
const freshValues = (i: number): Record<string, string> => ({ __bench_iteration: String(i) })

const owner: Owner.WorkspaceOwner = { ...Owner.empty, id: "c42fdf75-3097-471c-8c33-fb52454d81c0", name: "prebuilds" }

const benchTemplate = (name: string, dir: string, budgetMs: number) =>
  Effect.scoped(Effect.gen(function*() {
    const files = yield* TemplateFiles.fromDirectory(dir)
    const parser = yield* HclParser.HclParser
    const loaded = yield* Loader.load(files)
    // The configuration files the loader parses (every loaded module's files).
    const sources: Array<readonly [string, string]> = []
    for (const module of Loader.modules(loaded)) {
      for (const file of module.files) {
        if (file.endsWith(".tf")) sources.push([file, files.readText(file) ?? ""])
      }
    }
    const parseAll = Effect.forEach(sources, ([file, content]) => Effect.either(parser.parse(file, content)))
    const template = yield* CompiledTemplate.compile(files)
    const cache = yield* RenderCache.make(CacheSettings.defaults(1_000_000))
    const hitValues = freshValues(0)
    const job = { template, inputs: { owner, values: hitValues } }
    const floor = new Map<string, number>([[RenderKey.make("bench", template, owner, hitValues, job).id, 1]])
    let sink = 0

    // Every measurement is taken once per round, rounds repeat until the budget is spent: both
    // sides of each ratio see the same machine load.
    const samples = {
      parse: [] as Array<number>,
      compile: [] as Array<number>,
      cold: [] as Array<number>,
      warm: [] as Array<number>,
      outputCacheOnly: [] as Array<number>,
      hit: [] as Array<number>,
      floor: [] as Array<number>
    }
    const timed = <A, E, R>(effect: Effect.Effect<A, E, R>, into: Array<number>, per = 1) =>
      Effect.suspend(() => {
        const t0 = performance.now()
        return Effect.tap(effect, () => Effect.sync(() => into.push((performance.now() - t0) / per)))
      })
    const batch = 200
    const round = (i: number, record: boolean) => {
      const sink_ = (into: Array<number>) => (record ? into : [])
      return Effect.gen(function*() {
        yield* timed(parseAll, sink_(samples.parse))
        yield* timed(CompiledTemplate.compile(files), sink_(samples.compile))
        yield* timed(
          Effect.map(CompiledTemplate.compile(files), (t) => renderTemplate(t, { owner, values: freshValues(i) })),
          sink_(samples.cold)
        )
        // Abandoned design: the output cache misses, and the files are loaded and parsed first.
        yield* timed(
          Effect.flatMap(CompiledTemplate.compile(files), (compiled) => {
            const values = freshValues(1_000_000 + i)
            return cache.get(
              RenderKey.make("bench", compiled, owner, values, { template: compiled, inputs: { owner, values } })
            )
          }),
          sink_(samples.outputCacheOnly)
        )
        const warmCount = 10
        yield* timed(
          Effect.sync(() => {
            for (let j = 0; j < warmCount; j++) {
              renderTemplate(template, { owner, values: freshValues(i * warmCount + j) })
            }
          }),
          sink_(samples.warm),
          warmCount
        )
        yield* timed(
          Effect.gen(function*() {
            for (let j = 0; j < batch; j++) yield* cache.get(RenderKey.make("bench", template, owner, hitValues, job))
          }),
          sink_(samples.hit),
          batch / 1000
        )
        yield* timed(
          Effect.sync(() => {
            for (let j = 0; j < batch; j++) {
              const id = `bench\u0000${RenderKey.ownerDigest(template.ownerReads, owner)}\u0000${
                RenderKey.valuesDigest(hitValues)
              }`
              sink += floor.get(id) ?? 0
            }
          }),
          sink_(samples.floor),
          batch / 1000
        )
      })
    }
    for (let i = 0; i < 3; i++) yield* round(-1 - i, false)
    const started = performance.now()
    for (let i = 0; samples.parse.length < 15 || performance.now() - started < 4 * budgetMs; i++) {
      yield* round(i, true)
    }
    if (sink < 0) yield* Console.log(sink)
    const result: TemplateResult = {
      name,
      parseOnlyMs: median(samples.parse),
      loadCompileMs: median(samples.compile),
      coldMs: median(samples.cold),
      warmRenderMs: median(samples.warm),
      outputCacheOnlyMissMs: median(samples.outputCacheOnly),
      cacheHitUs: median(samples.hit),
      hashFloorUs: median(samples.floor)
    }
    return result
  }))

const templateDirs = (root: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const hasConfig = (dir: string) =>
      Effect.map(fs.readDirectory(dir), (names) => names.some((n) => n.endsWith(".tf") || n.endsWith(".tf.json")))
    if (yield* hasConfig(root)) return [[path.basename(root), root] as const]
    const names = (yield* fs.readDirectory(root)).sort()
    const dirs: Array<readonly [string, string]> = []
    for (const name of names) {
      const dir = path.join(root, name)
      const stat = yield* fs.stat(dir)
      if (stat.type === "Directory" && (yield* hasConfig(dir))) dirs.push([name, dir])
    }
    return dirs
  })

const fixed = (n: number, digits: number) => n.toFixed(digits)

const table = (results: ReadonlyArray<TemplateResult>): string => {
  const header = [
    "template",
    "parseOnlyMs",
    "coldMs",
    "warmRenderMs",
    "outputCacheOnlyMissMs",
    "cacheHitUs",
    "hashFloorUs",
    "cold/parse",
    "cold/warm",
    "hit/floor"
  ]
  const rows = results.map((r) => [
    r.name,
    fixed(r.parseOnlyMs, 2),
    fixed(r.coldMs, 2),
    fixed(r.warmRenderMs, 3),
    fixed(r.outputCacheOnlyMissMs, 2),
    fixed(r.cacheHitUs, 2),
    fixed(r.hashFloorUs, 2),
    fixed(r.coldMs / r.parseOnlyMs, 2),
    fixed(r.coldMs / r.warmRenderMs, 1),
    fixed(r.cacheHitUs / r.hashFloorUs, 2)
  ])
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)))
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join(
    "\n"
  )
}

export const run = (args: BenchArgs): Effect.Effect<void, never, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const results: Array<TemplateResult> = []
    for (const root of args.roots) {
      for (const [name, dir] of yield* templateDirs(root)) {
        if (!args.json) yield* Console.error(`benchmarking ${name}...`)
        results.push(yield* benchTemplate(name, dir, args.budgetMs))
      }
    }
    yield* Console.log(args.json ? JSON.stringify({ templates: results }) : table(results))
  }).pipe(
    Effect.provide(Layer.mergeAll(HclParser.layer, Metrics.layerNoop)),
    Effect.catchAll((error) =>
      Effect.zipRight(
        Console.error(`warmpool bench render: ${"message" in error ? error.message : String(error)}`),
        exitCode(1)
      )
    )
  )
