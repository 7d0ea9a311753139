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
 * A sample of a step that takes microseconds (`warmRenderMs`, `cacheMissMs`, `cacheHitUs`,
 * `hashFloorUs`) repeats it for at least {@link minSampleMs} and divides by the count: the code it
 * measures runs long enough to be optimised by V8, as it is in a server. (Ten renders per sample
 * measured the interpreter: a 5 µs render took 25 µs, and ratios between steps said more about
 * tiering than about the work.)
 *
 * Every step runs once per round, rounds repeat until the budget is spent, and the order of the
 * steps rotates from round to round, so both sides of each ratio see the same machine load and no
 * step always runs after the one that leaves the most garbage. Every step that fills a cache has
 * its own bounded one. Each step is timed in wall time and in process CPU time (`cpu` fields).
 * A result that cannot be true (a cold render faster than its own parse, a miss faster than the
 * render it performs, a hit faster than its own hashing) is flagged in `flags`, and marked `!`
 * in the table, instead of being shown as a finding.
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

/** Entries of each step's own cache: enough for the step, never growing with the rounds. */
const boundedCapacity = 64

/**
 * The shortest sample of a step that repeats its operation, in milliseconds.
 *
 * @internal
 */
export const minSampleMs = 2

const cpuNow = (): number => {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

interface Step {
  readonly field: keyof StepTimes
  /** Units of the field per millisecond of one operation (1000 for µs fields). */
  readonly scale: number
  /** One sample; succeeds with the number of operations it performed (times are divided by it). */
  readonly run: (round: number) => Effect.Effect<number, unknown, HclParser.HclParser>
  readonly wall: Array<number>
  readonly cpu: Array<number>
}

/**
 * A sample that repeats a synchronous operation until {@link minSampleMs} have passed; succeeds
 * with the count.
 *
 * @internal
 */
export const repeated = (operation: () => void): Effect.Effect<number> =>
  Effect.sync(() => {
    const start = performance.now()
    let count = 0
    do {
      operation()
      count++
    } while (performance.now() - start < minSampleMs)
    return count
  })

/**
 * The same for an effectful operation (run in one fiber, step after step).
 *
 * @internal
 */
export const repeatedEffect = <E>(operation: () => Effect.Effect<unknown, E>): Effect.Effect<number, E> =>
  Effect.suspend(() => {
    const start = performance.now()
    let count = 0
    return Effect.map(
      Effect.whileLoop({
        while: () => count === 0 || performance.now() - start < minSampleMs,
        body: operation,
        step: () => {
          count++
        }
      }),
      () => count
    )
  })

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

    const step = (field: keyof StepTimes, scale: number, run: Step["run"]): Step => ({
      field,
      scale,
      run,
      wall: [],
      cpu: []
    })
    const once = <E, R>(effect: Effect.Effect<unknown, E, R>) => Effect.as(effect, 1)
    const steps: Array<Step> = [
      step("parseOnlyMs", 1, () => once(parseAll)),
      step("loadCompileMs", 1, () => once(CompiledTemplate.compile(files))),
      step(
        "coldMs",
        1,
        () =>
          once(
            Effect.map(
              CompiledTemplate.compile(files),
              (t) => renderTemplate(t, { owner, values: freshValues(++fresh) })
            )
          )
      ),
      // Abandoned design: the output cache misses, and the files are loaded and parsed first.
      step("outputCacheOnlyMissMs", 1, () =>
        once(Effect.flatMap(CompiledTemplate.compile(files), (compiled) => {
          const values = freshValues(++fresh)
          return outputCache.get(
            RenderKey.make("bench", compiled, owner, values, { template: compiled, inputs: { owner, values } })
          )
        }))),
      step("warmRenderMs", 1, () => repeated(() => renderTemplate(template, { owner, values: freshValues(++fresh) }))),
      step("cacheMissMs", 1, () =>
        repeatedEffect(() => {
          const values = freshValues(++fresh)
          return missCache.get(
            RenderKey.make("bench", template, owner, values, { template, inputs: { owner, values } })
          )
        })),
      step("missFloorMs", 1, () =>
        repeated(() => {
          const values = freshValues(++fresh)
          sink += RenderKey.ownerDigest(template.ownerReads, owner).length + RenderKey.valuesDigest(values).length
          RenderCache.freezeAndWeigh(renderTemplate(template, { owner, values }))
        })),
      step(
        "cacheHitUs",
        1000,
        () => repeatedEffect(() => hitCache.get(RenderKey.make("bench", template, owner, hitValues, job)))
      ),
      step("hashFloorUs", 1000, () =>
        repeated(() => {
          const id = `bench\u0000${RenderKey.ownerDigest(template.ownerReads, owner)}\u0000${
            RenderKey.valuesDigest(hitValues)
          }`
          sink += floor.get(id) ?? 0
        }))
    ]

    const timed = (s: Step, round: number, record: boolean) =>
      Effect.suspend(() => {
        const wall0 = performance.now()
        const cpu0 = cpuNow()
        return Effect.tap(
          Effect.either(s.run(round)),
          (ops) =>
            Effect.sync(() => {
              const cpu1 = cpuNow()
              const wall1 = performance.now()
              // A failed sample (a template that does not compile) counts as one operation.
              const per = (ops._tag === "Right" ? ops.right : 1) / s.scale
              if (record) {
                s.wall.push((wall1 - wall0) / per)
                s.cpu.push((cpu1 - cpu0) / per)
              }
            })
        )
      })
    // Round `i` starts at step `i mod n`: every step runs first, last and in between as often.
    const round = (i: number, record: boolean) =>
      Effect.forEach(steps.keys(), (k) => timed(steps[(i + k) % steps.length]!, i, record), { discard: true })

    for (let i = 0; i < steps.length; i++) yield* round(i, false)
    const started = performance.now()
    for (let i = 0; steps[0]!.wall.length < 15 || performance.now() - started < 4 * budgetMs; i++) {
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
