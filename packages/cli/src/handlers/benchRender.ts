/**
 * `warmpool bench render`: per template, medians from one run of
 * - `parseOnlyMs`: `@cdktf/hcl2json` `parse()` of the configuration files alone;
 * - `coldMs`: no cache at all: load + compile + render;
 * - `warmRenderMs`: the bare render of the compiled template (fresh values every time);
 * - `cacheMissMs`: a `RenderCache` miss on the same compiled template (fresh values every time),
 *   the cache's work (key, single flight, freeze, weighing, admission) included;
 * - `missFloorMs`: what any miss must do, without the cache: the key's two digests, the render,
 *   and the deep freeze and weighing of its output (the cache's promises: exact keys, immutable
 *   shared outputs, a byte bound). `cacheMissMs / missFloorMs` is what the cache's own machinery
 *   adds;
 * - `outputCacheOnlyMissMs`: the abandoned design: an output cache, but the files loaded and
 *   parsed on every miss (render-cache miss without a template cache);
 * - `cacheHitUs`: a render-cache hit, key hashing included;
 * - `hashFloorUs`: the canonical hash of the same key + a `Map.get` (the floor of a hit).
 *
 * Every step runs once per round, rounds repeat until the budget is spent, and the order of the
 * steps changes from round to round: over every `n` rounds (`2n` for an odd count of steps) each
 * step runs equally often in each position and right after each other step (a balanced Latin
 * square, `roundOrder`), and the measured rounds end on such a period. A plain rotation of one
 * order moves only where a round starts: each step then ran after the same step almost every
 * time (the warm render after the output-cache miss, a compile), and carried what that step left
 * behind in every sample. Every step that fills a cache has its own bounded one, small enough
 * that what it keeps does not grow the heap the collector marks with the template's size
 * (`boundedCapacity`). Each step is timed in wall time and in process CPU time (`cpu` fields, the
 * collector's helper threads included). A result that cannot be true (a cold render faster
 * than its own parse, a miss faster than the render it performs, a hit faster than its own
 * hashing) is flagged in `flags`, and marked `!` in the table, instead of being shown as a finding.
 *
 * Collector work is charged to the step that causes it:
 * - A step that leaves live young objects behind (the parse and the steps that compile a template,
 *   whose half-promoted dead structures keep young ones alive until they are copied twice; the
 *   miss step, whose cache keeps its renders) ends its sample, timed, with two young-generation
 *   collections, which copy and promote what it left. Left alone, that work fell into the next
 *   step's samples: after a compile of a 1000-parameter template the next two scavenges took
 *   10-30 ms instead of 1 ms, and the warm render of that template was measured 20-25 times slower
 *   than the one of 100 parameters instead of about 10. Only young-generation collections are
 *   forced: a forced full collection (`gc()`) is a testing collection that keeps no unused maps,
 *   so the optimised code of every step was thrown away (wrong-map deoptimisations) and every step
 *   ran up to ten times slower after it.
 * - The warm render and the miss render as many times per sample as take about `sampleMs`
 *   (measured after the warm-up rounds, at least 10): every sample then spans a similar amount of
 *   allocation, so the young-generation collections its own renders cause fall inside its samples
 *   at every template size, not only at the sizes where ten renders fill the young generation
 *   (a median of ten-render samples left them out for small templates only), and refilling the
 *   processor's caches after the step before (a compile evicts a large template's working set) is
 *   a small part of any sample.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import { Metrics } from "@warmpool/metrics"
import { CacheSettings, RenderCache, Renderer, RenderKey } from "@warmpool/render"
import { CompiledTemplate, HclParser, Loader, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { exitCode } from "../internal/keyValue.js"
import { templateDirs } from "../internal/templateDirs.js"
import { syntheticFiles } from "./benchSynthetic.js"

const renderTemplate = Renderer.renderTemplate

export interface BenchArgs {
  readonly roots: ReadonlyArray<string>
  /** Parameter counts of synthetic templates to measure as well (`synthetic-<n>`). */
  readonly synthetic?: ReadonlyArray<number> | undefined
  readonly json: boolean
  /** Time spent per measurement, in milliseconds. */
  readonly budgetMs: number
}

/** The per-step medians, in the units of the wall-time fields. */
export interface StepTimes {
  readonly parseOnlyMs: number
  /** Load + compile (no render). */
  readonly loadCompileMs: number
  readonly coldMs: number
  readonly warmRenderMs: number
  readonly cacheMissMs: number
  readonly missFloorMs: number
  readonly outputCacheOnlyMissMs: number
  readonly cacheHitUs: number
  readonly hashFloorUs: number
}

export interface TemplateResult extends StepTimes {
  readonly name: string
  /** The same steps in process CPU time (user + system, every thread of the process). */
  readonly cpu: StepTimes
  /** Results that cannot be true (see `impossible`), in wall time then CPU time. */
  readonly flags: ReadonlyArray<string>
}

const median = (samples: ReadonlyArray<number>): number => {
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length === 0
    ? Number.NaN
    : sorted.length % 2 === 1
    ? sorted[mid]!
    : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/**
 * The checks of results that cannot be true: each pair is (a step, a part of that step's work).
 * A whole measured below its part means noise or a collector pause landed on one side; the
 * ratio says nothing about the code.
 */
const impossible: ReadonlyArray<readonly [keyof StepTimes, keyof StepTimes, string]> = [
  ["coldMs", "parseOnlyMs", "a cold render includes the parse"],
  ["coldMs", "loadCompileMs", "a cold render includes the load and compile"],
  ["cacheMissMs", "warmRenderMs", "a cache miss includes the render"],
  ["missFloorMs", "warmRenderMs", "the floor of a miss includes the render"],
  ["cacheHitUs", "hashFloorUs", "a cache hit includes the key hashing"]
]

/**
 * The flags of a result: one line per whole measured below its part.
 *
 * @internal
 */
export const flagsOf = (wall: StepTimes, cpu: StepTimes): Array<string> => {
  const flags: Array<string> = []
  for (const [label, times] of [["wall", wall], ["cpu", cpu]] as const) {
    for (const [whole, part, why] of impossible) {
      if (times[whole] < times[part]) {
        flags.push(
          `${label}: ${whole} ${times[whole].toPrecision(3)} < ${part} ${
            times[part].toPrecision(3)
          } is impossible (${why}): noise, rerun`
        )
      }
    }
  }
  return flags
}

/** Values for a render: the parameters' own values, plus one that varies per iteration. */
const freshValues = (i: number): Record<string, string> => ({ __bench_iteration: String(i) })

const owner: Owner.WorkspaceOwner = { ...Owner.empty, id: "c42fdf75-3097-471c-8c33-fb52454d81c0", name: "prebuilds" }

/**
 * Entries of each step's own cache: enough for the step (every miss past the first eight evicts
 * one, as in a full cache), never growing with the rounds, and small for every template. With 64,
 * the two caches that keep renders held some 400 MB for a 1000-parameter template against 40 MB
 * for 100 parameters, and the collector's marking of that heap (its helper threads count in the
 * process's CPU time) fell into whichever step ran: the warm render of 1000 parameters measured
 * 12.2 and 12.7 times the one of 100 in two runs, 10.3 and 10.0 with eight entries (9.8-10.8 in a
 * plain loop of renders alone).
 */
const boundedCapacity = 8

/** About how long one sample of the warm render and of the miss takes (see the module header). */
const sampleMs = 100

/** The fewest renders in one sample of the warm render and of the miss. */
const minRenders = 10

/** The rounds after which {@link roundOrder} repeats, for `count` steps. */
const roundPeriod = (count: number): number => (count % 2 === 0 ? count : 2 * count)

/**
 * The order of the steps in round `round`, for `count` steps: a balanced Latin square (Williams
 * design). Row 0 is `0, 1, n-1, 2, n-2, …`, row `r` adds `r` to each entry (mod `n`); for an odd
 * `n` the rows `n…2n-1` are the first `n` reversed. Over one period (`n` rounds, `2n` for odd `n`)
 * each step takes each position equally often, and each step runs right after each other step
 * equally often.
 *
 * @internal
 */
export const roundOrder = (round: number, count: number): Array<number> => {
  const first: Array<number> = [0]
  for (let k = 1; first.length < count; k++) {
    first.push(k)
    if (first.length < count) first.push(count - k)
  }
  const period = roundPeriod(count)
  const r = ((round % period) + period) % period
  const row = first.map((step) => (step + r) % count)
  return r >= count ? row.reverse() : row
}

type CollectorCall = (options?: { readonly type?: "minor" | "major" }) => void

let collector: CollectorCall | undefined

/**
 * Two young-generation collections: what a step left alive in the young generation is copied and
 * then promoted, so the next step starts with a young generation of its own (see the header).
 */
const collectYoung = (): void => {
  if (collector === undefined) {
    const exposed = (globalThis as { gc?: CollectorCall }).gc
    if (typeof exposed === "function") collector = exposed
    else {
      setFlagsFromString("--expose-gc")
      collector = runInNewContext("gc") as CollectorCall
    }
  }
  collector({ type: "minor" })
  collector({ type: "minor" })
}

const cpuNow = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

interface Step {
  readonly field: keyof StepTimes
  /** Operations per sample; times are divided by it (and by 1000 for µs fields). */
  readonly per: () => number
  /** Whether the sample ends with the collection of what the step left in the young generation. */
  readonly settles: boolean
  readonly run: (round: number) => Effect.Effect<unknown, unknown, HclParser.HclParser>
  readonly wall: Array<number>
  readonly cpu: Array<number>
}

const benchTemplate = (name: string, files: TemplateFiles.TemplateFiles, budgetMs: number) =>
  Effect.scoped(Effect.gen(function*() {
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
    const bounded = CacheSettings.defaults(boundedCapacity)
    const hitCache = yield* RenderCache.make(bounded)
    const missCache = yield* RenderCache.make(bounded)
    const outputCache = yield* RenderCache.make(bounded)
    const hitValues = freshValues(0)
    const job = { template, inputs: { owner, values: hitValues } }
    const floor = new Map<string, number>([[RenderKey.make("bench", template, owner, hitValues, job).id, 1]])
    let sink = 0
    let fresh = 0
    const batch = 200
    // Renders per sample of the warm render and of the miss: set after the warm-up rounds.
    let renders = minRenders
    const one = () => 1
    const perRender = () => renders
    const perBatch = () => batch / 1000

    const step = (field: keyof StepTimes, per: Step["per"], settles: boolean, run: Step["run"]): Step => ({
      field,
      per,
      settles,
      run,
      wall: [],
      cpu: []
    })
    const warmRenders = (count: number) => {
      for (let j = 0; j < count; j++) renderTemplate(template, { owner, values: freshValues(++fresh) })
    }
    const steps: Array<Step> = [
      step("parseOnlyMs", one, true, () => parseAll),
      step("loadCompileMs", one, true, () => CompiledTemplate.compile(files)),
      step(
        "coldMs",
        one,
        true,
        () =>
          Effect.map(CompiledTemplate.compile(files), (t) => renderTemplate(t, { owner, values: freshValues(++fresh) }))
      ),
      // Abandoned design: the output cache misses, and the files are loaded and parsed first.
      step("outputCacheOnlyMissMs", one, true, () =>
        Effect.flatMap(CompiledTemplate.compile(files), (compiled) => {
          const values = freshValues(++fresh)
          return outputCache.get(
            RenderKey.make("bench", compiled, owner, values, { template: compiled, inputs: { owner, values } })
          )
        })),
      step("warmRenderMs", perRender, false, () => Effect.sync(() => warmRenders(renders))),
      step("cacheMissMs", perRender, true, () =>
        Effect.gen(function*() {
          for (let j = 0; j < renders; j++) {
            const values = freshValues(++fresh)
            yield* missCache.get(
              RenderKey.make("bench", template, owner, values, { template, inputs: { owner, values } })
            )
          }
        })),
      step("missFloorMs", perRender, false, () =>
        Effect.sync(() => {
          for (let j = 0; j < renders; j++) {
            const values = freshValues(++fresh)
            sink += RenderKey.ownerDigest(template.ownerReads, owner).length + RenderKey.valuesDigest(values).length
            RenderCache.freezeAndWeigh(renderTemplate(template, { owner, values }))
          }
        })),
      step("cacheHitUs", perBatch, false, () =>
        Effect.gen(function*() {
          for (let j = 0; j < batch; j++) yield* hitCache.get(RenderKey.make("bench", template, owner, hitValues, job))
        })),
      step("hashFloorUs", perBatch, false, () =>
        Effect.sync(() => {
          for (let j = 0; j < batch; j++) {
            const id = `bench\u0000${RenderKey.ownerDigest(template.ownerReads, owner)}\u0000${
              RenderKey.valuesDigest(hitValues)
            }`
            sink += floor.get(id) ?? 0
          }
        }))
    ]

    const timed = (s: Step, round: number, record: boolean) =>
      Effect.suspend(() => {
        const wall0 = performance.now()
        const cpu0 = cpuNow()
        return Effect.tap(
          Effect.either(s.run(round)),
          () =>
            Effect.sync(() => {
              if (s.settles) collectYoung()
              const cpu1 = cpuNow()
              const wall1 = performance.now()
              if (record) {
                const per = s.per()
                s.wall.push((wall1 - wall0) / per)
                s.cpu.push((cpu1 - cpu0) / per)
              }
            })
        )
      })
    const round = (i: number, record: boolean) =>
      Effect.forEach(roundOrder(i, steps.length), (k) => timed(steps[k]!, i, record), { discard: true })

    for (let i = 0; i < steps.length; i++) yield* round(i, false)
    // Renders per sample: about `sampleMs` of warm renders (median of three timings of ten).
    const tenRenders: Array<number> = []
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now()
      warmRenders(minRenders)
      tenRenders.push((performance.now() - t0) / minRenders)
    }
    renders = Math.max(minRenders, Math.ceil(sampleMs / Math.max(median(tenRenders), 1e-3)))
    const started = performance.now()
    const period = roundPeriod(steps.length)
    for (
      let i = 0;
      i % period !== 0 || steps[0]!.wall.length < 15 || performance.now() - started < 4 * budgetMs;
      i++
    ) {
      yield* round(i, true)
    }
    if (sink < 0) yield* Console.log(sink)
    const medians = (pick: (s: Step) => ReadonlyArray<number>) =>
      Object.fromEntries(steps.map((s) => [s.field, median(pick(s))])) as unknown as StepTimes
    const wall = medians((s) => s.wall)
    const cpu = medians((s) => s.cpu)
    const result: TemplateResult = { name, ...wall, cpu, flags: flagsOf(wall, cpu) }
    return result
  }))

const fixed = (n: number, digits: number) => n.toFixed(digits)

/** A ratio of a whole to its part, marked `!` when the whole is below the part. */
const ratio = (whole: number, part: number, digits: number, partOfWhole: boolean) => {
  const text = fixed(whole / part, digits)
  return partOfWhole && whole < part ? `${text}!` : text
}

const tableOf = (rows: ReadonlyArray<readonly [string, StepTimes]>): string => {
  const header = [
    "template",
    "parseOnlyMs",
    "coldMs",
    "warmRenderMs",
    "cacheMissMs",
    "missFloorMs",
    "outputCacheOnlyMissMs",
    "cacheHitUs",
    "hashFloorUs",
    "cold/parse",
    "cold/warm",
    "miss/warm",
    "miss/floor",
    "hit/floor"
  ]
  const body = rows.map(([name, r]) => [
    name,
    fixed(r.parseOnlyMs, 2),
    fixed(r.coldMs, 2),
    fixed(r.warmRenderMs, 3),
    fixed(r.cacheMissMs, 3),
    fixed(r.missFloorMs, 3),
    fixed(r.outputCacheOnlyMissMs, 2),
    fixed(r.cacheHitUs, 2),
    fixed(r.hashFloorUs, 2),
    ratio(r.coldMs, r.parseOnlyMs, 2, true),
    ratio(r.coldMs, r.warmRenderMs, 1, false),
    ratio(r.cacheMissMs, r.warmRenderMs, 2, true),
    ratio(r.cacheMissMs, r.missFloorMs, 2, false),
    ratio(r.cacheHitUs, r.hashFloorUs, 2, true)
  ])
  const all = [header, ...body]
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)))
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join(
    "\n"
  )
}

/**
 * The human-readable report: wall time, CPU time, then the flags.
 *
 * @internal
 */
export const table = (results: ReadonlyArray<TemplateResult>): string => {
  const flags = results.flatMap((r) => r.flags.map((f) => `! ${r.name}: ${f}`))
  return [
    "wall time (medians)",
    tableOf(results.map((r) => [r.name, r])),
    "",
    "CPU time (medians, process user + system)",
    tableOf(results.map((r) => [r.name, r.cpu])),
    ...(flags.length > 0 ? ["", ...flags] : [])
  ].join("\n")
}

export const run = (args: BenchArgs): Effect.Effect<void, never, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const results: Array<TemplateResult> = []
    for (const root of args.roots) {
      for (const [name, dir] of yield* templateDirs(root)) {
        if (!args.json) yield* Console.error(`benchmarking ${name}...`)
        results.push(yield* benchTemplate(name, yield* TemplateFiles.fromDirectory(dir), args.budgetMs))
      }
    }
    for (const parameters of args.synthetic ?? []) {
      const name = `synthetic-${parameters}`
      if (!args.json) yield* Console.error(`benchmarking ${name}...`)
      const files = syntheticFiles(parameters)
      if (Either.isLeft(files)) return yield* files.left
      results.push(yield* benchTemplate(name, files.right, args.budgetMs))
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
