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

/** Run `body` repeatedly (after warm-up) for about `budgetMs`, at least `min` times; median ms. */
const sampleSync = (body: (i: number) => void, budgetMs: number, min = 15): number => {
  for (let i = 0; i < 3; i++) body(-1 - i)
  const samples: Array<number> = []
  const started = performance.now()
  for (let i = 0; samples.length < min || performance.now() - started < budgetMs; i++) {
    const t0 = performance.now()
    body(i)
    samples.push(performance.now() - t0)
    if (samples.length > 100_000) break
  }
  return median(samples)
}

const sampleEffect = <R>(
  body: (i: number) => Effect.Effect<unknown, unknown, R>,
  budgetMs: number,
  min = 15
): Effect.Effect<number, unknown, R> =>
  Effect.gen(function*() {
    for (let i = 0; i < 3; i++) yield* body(-1 - i)
    const samples: Array<number> = []
    const started = performance.now()
    for (let i = 0; samples.length < min || performance.now() - started < budgetMs; i++) {
      const t0 = performance.now()
      yield* body(i)
      samples.push(performance.now() - t0)
      if (samples.length > 100_000) break
    }
    return median(samples)
  })

/** Per-operation time of a fast operation: batches of `batch` calls, median batch time / batch. */
const sampleBatchedSync = (body: (i: number) => void, budgetMs: number, batch = 200): number =>
  sampleSync((i) => {
    for (let j = 0; j < batch; j++) body(i * batch + j)
  }, budgetMs) / batch

const sampleBatchedEffect = <R>(
  body: (i: number) => Effect.Effect<unknown, unknown, R>,
  budgetMs: number,
  batch = 200
) =>
  Effect.map(
    sampleEffect((i) =>
      Effect.gen(function*() {
        for (let j = 0; j < batch; j++) yield* body(i * batch + j)
      }), budgetMs),
    (ms) => ms / batch
  )

/** Values for a render: the parameters' own values, plus one that varies per iteration. */
const freshValues = (i: number): Record<string, string> => ({ __bench_iteration: String(i) })

const owner: Owner.WorkspaceOwner = { ...Owner.empty, id: "c42fdf75-3097-471c-8c33-fb52454d81c0", name: "prebuilds" }

const benchTemplate = (name: string, dir: string, budgetMs: number) =>
  Effect.gen(function*() {
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
    // parse-only, load + compile, and cold are sampled in alternation, so that both sides of each
    // ratio see the same machine load.
    const parseSamples: Array<number> = []
    const compileSamples: Array<number> = []
    const coldSamples: Array<number> = []
    const timed = <A, E, R>(effect: Effect.Effect<A, E, R>, into: Array<number> | undefined) =>
      Effect.suspend(() => {
        const t0 = performance.now()
        return Effect.tap(effect, () => Effect.sync(() => into?.push(performance.now() - t0)))
      })
    const parseAll = Effect.forEach(sources, ([file, content]) => Effect.either(parser.parse(file, content)))
    const cold = (i: number) =>
      Effect.map(CompiledTemplate.compile(files), (template) =>
        renderTemplate(template, { owner, values: freshValues(i) }))
    for (let i = 0; i < 3; i++) {
      yield* Effect.zip(parseAll, cold(-1))
    }
    const started = performance.now()
    for (let i = 0; parseSamples.length < 15 || performance.now() - started < 3 * budgetMs; i++) {
      yield* timed(parseAll, parseSamples)
      yield* timed(CompiledTemplate.compile(files), compileSamples)
      yield* timed(cold(i), coldSamples)
    }
    const parseOnlyMs = median(parseSamples)
    const loadCompileMs = median(compileSamples)
    const coldMs = median(coldSamples)
    const template = yield* CompiledTemplate.compile(files)
    const warmRenderMs = sampleSync((i) => {
      renderTemplate(template, { owner, values: freshValues(i) })
    }, budgetMs)

    // The render cache, as the reconciler uses it.
    const { cacheHitUs, outputCacheOnlyMissMs } = yield* Effect.scoped(
      Effect.gen(function*() {
        const cache = yield* RenderCache.make(CacheSettings.defaults(1_000_000))
        const job = { template, inputs: { owner, values: freshValues(0) } }
        // Abandoned design: the output cache misses, and the files are loaded and parsed first.
        const outputCacheOnlyMissMs = yield* sampleEffect(
          (i) =>
            Effect.flatMap(CompiledTemplate.compile(files), (compiled) => {
              const values = freshValues(1_000_000 + i)
              return cache.get(
                RenderKey.make("bench", compiled, owner, values, { template: compiled, inputs: { owner, values } })
              )
            }),
          budgetMs
        )
        yield* cache.get(RenderKey.make("bench", template, owner, job.inputs.values, job))
        const cacheHitUs = 1000 *
          (yield* sampleBatchedEffect(
            () =>
              cache.get(RenderKey.make("bench", template, owner, job.inputs.values, job)),
            budgetMs
          ))
        return { cacheHitUs, outputCacheOnlyMissMs }
      })
    )
    const floor = new Map<string, number>([[`bench\u0000-\u0000${RenderKey.valuesDigest(freshValues(0))}`, 1]])
    let sink = 0
    const hashFloorUs = 1000 *
      sampleBatchedSync(() => {
        const id = `bench\u0000${RenderKey.ownerDigest(template.ownerReads, owner)}\u0000${
          RenderKey.valuesDigest(freshValues(0))
        }`
        sink += floor.get(id) ?? 0
      }, budgetMs)
    if (sink < 0) yield* Console.log(sink)
    const result: TemplateResult = {
      name,
      parseOnlyMs,
      loadCompileMs,
      coldMs,
      warmRenderMs,
      outputCacheOnlyMissMs,
      cacheHitUs,
      hashFloorUs
    }
    return result
  })

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

export const run = (args: BenchArgs) =>
  Effect.gen(function*() {
    const results: Array<TemplateResult> = []
    for (const root of args.roots) {
      for (const [name, dir] of yield* templateDirs(root)) {
        if (!args.json) yield* Console.error(`benchmarking ${name}...`)
        results.push(yield* benchTemplate(name, dir, args.budgetMs))
      }
    }
    yield* Console.log(args.json ? JSON.stringify({ templates: results }) : table(results))
  }).pipe(Effect.provide(Layer.mergeAll(HclParser.layer, Metrics.layerNoop)))
