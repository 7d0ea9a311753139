/**
 * The render worker pool (docs/architecture.md decision 10) on real worker threads (the built
 * `dist/internal/renderWorkerMain.js`): routing, compile once per worker, deadlines that
 * terminate and replace the worker, the heap limit, single flight through the caches, no fiber
 * or thread left behind, and garbage across the boundary giving typed results.
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import type { RenderOutput } from "@warmpool/render"
import { CacheSettings, RenderCache, Renderer, RenderWorker, RenderWorkerPool, TemplateSource } from "@warmpool/render"
import { Budgets, CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FastCheck from "effect/FastCheck"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Supervisor from "effect/Supervisor"

const files = (source: string) => Either.getOrThrow(TemplateFiles.fromRecord({ "main.tf": source }))

const simple = files(`
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}
`)

const owned = files(`
data "coder_workspace_owner" "me" {}
data "coder_parameter" "who" {
  name    = "who"
  type    = "string"
  default = data.coder_workspace_owner.me.name
}
`)

/** Tens of millions of evaluation steps: seconds of work, little memory. */
const slow = files(`
locals {
  n = sum([for a in range(1024) : length([for b in range(1024) : [for c in range(64) : c]])])
}
data "coder_parameter" "slow" {
  name    = "slow"
  type    = "number"
  default = local.n
}
`)

/** A million strings held at once: far more than a 32 MiB heap. */
const bomb = files(`
locals {
  grid = [for a in range(1024) : [for b in range(1024) : "cell-\${a}-\${b}"]]
}
data "coder_parameter" "bomb" {
  name    = "bomb"
  type    = "string"
  default = jsonencode(local.grid)
}
`)

const settings = (overrides: Partial<RenderWorkerPool.RenderWorkerPoolSettings> = {}) => ({
  ...RenderWorkerPool.defaults(),
  size: 1,
  renderTimeout: Duration.seconds(20),
  importTimeout: Duration.seconds(20),
  maxHeapMb: 256,
  spare: false,
  ...overrides
})

/**
 * The deliberately slow template must outlast the deadline, not the evaluation-step budget (a
 * diagnostic that stops it first): the pool's workers get a step budget it never meets.
 */
const unlimitedSteps = Layer.succeed(Budgets.CurrentBudgets, { ...Budgets.defaults, maxSteps: 1e15 })

const poolWith = (overrides: Partial<RenderWorkerPool.RenderWorkerPoolSettings> = {}) =>
  RenderWorkerPool.layer(settings(overrides)).pipe(Layer.provide(unlimitedSteps))

const render = (versionId: string, template: TemplateFiles.TemplateFiles, values: Record<string, string> = {}) =>
  Effect.flatMap(
    RenderWorkerPool.RenderWorkerPool,
    (pool) => pool.renderVersion({ templateVersionId: versionId, owner: Owner.empty, values }, Effect.succeed(template))
  )

const names = (output: RenderOutput.RenderOutput) => output.parameters.map((p) => p.name)

describe("RenderWorkerPool", () => {
  it("routes a version to the same slot every time, and spreads versions over the slots", () => {
    const program = Effect.gen(function*() {
      const pool = yield* RenderWorkerPool.RenderWorkerPool
      const ids = Array.from({ length: 300 }, (_, i) => `version-${i}`)
      const first = ids.map(pool.slotOf)
      expect(ids.map(pool.slotOf)).toEqual(first)
      expect(first.every((slot) => slot >= 0 && slot < 3)).toBe(true)
      const counts = [0, 1, 2].map((slot) => first.filter((s) => s === slot).length)
      for (const count of counts) expect(count).toBeGreaterThan(50)
    })
    return Effect.runPromise(program.pipe(Effect.provide(poolWith({ size: 3 }))))
  }, 60_000)

  it.live("compiles a version once in its worker and renders it there", () =>
    Effect.gen(function*() {
      const pool = yield* RenderWorkerPool.RenderWorkerPool
      const a = yield* render("v1", simple, { size: "large" })
      const b = yield* render("v1", simple, { size: "small" })
      expect(names(a.output)).toEqual(["size"])
      expect(a.output.parameters[0]!.value.value).toBe("large")
      expect(b.output.parameters[0]!.value.value).toBe("small")
      const stats = yield* pool.stats
      expect(stats.compilations).toBe(1)
      const imported = yield* pool.renderFiles(simple, Owner.empty, {})
      expect(names(imported.validated)).toEqual(["size"])
    }).pipe(Effect.provide(poolWith())), { timeout: 60_000 })

  it.live("a render past its deadline is answered at the deadline, its worker replaced", () =>
    Effect.gen(function*() {
      const pool = yield* RenderWorkerPool.RenderWorkerPool
      yield* render("warm", simple)
      const started = Date.now()
      const error = yield* Effect.flip(render("slow", slow))
      const elapsed = Date.now() - started
      expect(error._tag).toBe("RenderTimeout")
      // The deadline (1 s) plus scheduling on a loaded machine, far from the seconds of work.
      expect(elapsed).toBeLessThan(4_000)
      // The replacement answers, recompiling what the terminated worker held.
      const after = yield* render("warm", simple, { size: "x" })
      expect(after.output.parameters[0]!.value.value).toBe("x")
      const stats = yield* pool.stats
      expect(stats.timeouts).toBe(1)
      expect(stats.spawned).toBe(2)
      expect(stats.compilations).toBe(3)
    }).pipe(Effect.provide(poolWith({ renderTimeout: Duration.seconds(1) }))), { timeout: 60_000 })

  it.live(
    "with a warm spare, the request after a deadline does not wait for a worker to start",
    () =>
      Effect.gen(function*() {
        const pool = yield* RenderWorkerPool.RenderWorkerPool
        yield* render("warm", simple)
        // The spare starts once the slot's worker is up; bounded wait for it.
        for (let i = 0; i < 150 && (yield* pool.stats).spawned < 2; i++) yield* Effect.sleep(Duration.millis(200))
        expect((yield* pool.stats).spawned).toBe(2)
        expect((yield* Effect.flip(render("slow", slow)))._tag).toBe("RenderTimeout")
        const started = Date.now()
        const after = yield* render("warm", simple, { size: "spare" })
        expect(after.output.parameters[0]!.value.value).toBe("spare")
        // A recompile and a render on the spare: no thread start, no parser boot (seconds).
        expect(Date.now() - started).toBeLessThan(1_500)
      }).pipe(Effect.provide(poolWith({ renderTimeout: Duration.seconds(1), spare: true }))),
    { timeout: 90_000 }
  )

  it.live(
    "a caller that stops waiting does not leave the worker computing past the deadline",
    () =>
      Effect.gen(function*() {
        const pool = yield* RenderWorkerPool.RenderWorkerPool
        yield* render("warm", simple)
        yield* pool.compile("slow", slow)
        yield* render("slow", slow).pipe(Effect.timeout(Duration.millis(100)), Effect.ignore)
        // The worker is terminated at the deadline, not when the work ends.
        yield* Effect.sleep(Duration.millis(2_500))
        expect((yield* pool.stats).timeouts).toBe(1)
        expect((yield* render("warm", simple)).output.parameters).toHaveLength(1)
      }).pipe(Effect.provide(poolWith({ renderTimeout: Duration.seconds(1) }))),
    { timeout: 60_000 }
  )

  it.live("an import past its deadline is a RenderTimeout of operation import", () =>
    Effect.gen(function*() {
      const pool = yield* RenderWorkerPool.RenderWorkerPool
      const error = yield* Effect.flip(pool.renderFiles(slow, Owner.empty, {}))
      expect(error).toMatchObject({ _tag: "RenderTimeout", operation: "import", timeoutMillis: 1000 })
    }).pipe(Effect.provide(poolWith({ importTimeout: Duration.seconds(1) }))), { timeout: 60_000 })

  it.live(
    "an allocation bomb exhausts its worker's heap, not the process: RenderResourceExhausted",
    () =>
      Effect.gen(function*() {
        const pool = yield* RenderWorkerPool.RenderWorkerPool
        const error = yield* Effect.flip(render("bomb", bomb))
        expect(error).toMatchObject({ _tag: "RenderResourceExhausted", limit: "heap 32 MiB" })
        const stats = yield* pool.stats
        expect(stats.exhausted).toBe(2)
        expect(stats.retries).toBe(1)
        expect((yield* render("fine", simple)).output.parameters).toHaveLength(1)
      }).pipe(Effect.provide(poolWith({ maxHeapMb: 32 }))),
    { timeout: 90_000 }
  )

  it.live(
    "requests queued behind a render that missed its deadline are retried on the replacement",
    () =>
      Effect.gen(function*() {
        yield* render("warm", simple)
        const [slowResult, queued] = yield* Effect.all([
          Effect.either(render("slow", slow)),
          // Sent while the slow one runs; its own deadline ends after the slow one's.
          Effect.delay(render("warm", simple, { size: "queued" }), Duration.millis(500))
        ], { concurrency: "unbounded" })
        expect(Either.isLeft(slowResult) && slowResult.left._tag).toBe("RenderTimeout")
        expect(queued.output.parameters[0]!.value.value).toBe("queued")
      }).pipe(Effect.provide(poolWith({ renderTimeout: Duration.seconds(1) }))),
    { timeout: 60_000 }
  )

  it.live("closing the pool's scope leaves no fiber behind and terminates its workers", () =>
    Effect.gen(function*() {
      const supervisor = yield* Supervisor.track
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(poolWith({ size: 2 }), scope).pipe(Effect.supervised(supervisor))
      const pool = context.unsafeMap.get(
        RenderWorkerPool.RenderWorkerPool.key
      ) as RenderWorkerPool.RenderWorkerPoolShape
      yield* pool.renderVersion({ templateVersionId: "v", owner: Owner.empty, values: {} }, Effect.succeed(simple))
        .pipe(
          Effect.supervised(supervisor)
        )
      yield* Scope.close(scope, Exit.void)
      yield* Effect.sleep(Duration.millis(100))
      const alive = yield* supervisor.value
      expect(alive.filter((fiber) => fiber.unsafePoll() === null)).toEqual([])
      const after = yield* Effect.exit(
        pool.renderVersion({ templateVersionId: "v", owner: Owner.empty, values: {} }, Effect.succeed(simple))
      )
      expect(Exit.isFailure(after)).toBe(true)
    }), { timeout: 60_000 })

  it.live("garbage across the boundary gives typed results: 0 escaped exceptions", () =>
    Effect.gen(function*() {
      const pool = yield* RenderWorkerPool.RenderWorkerPool
      const samples = FastCheck.sample(
        FastCheck.record({
          source: FastCheck.oneof(
            FastCheck.string({ maxLength: 200 }),
            FastCheck.constantFrom(
              "{",
              "data \"coder_parameter\" \"p\" {",
              "locals { x = [for a in range(3) : a",
              "\u0000"
            )
          ),
          name: FastCheck.oneof(FastCheck.constant("main.tf"), FastCheck.string({ minLength: 1, maxLength: 12 })),
          values: FastCheck.dictionary(FastCheck.string({ maxLength: 8 }), FastCheck.string({ maxLength: 16 }), {
            maxKeys: 4
          })
        }),
        { numRuns: 60, seed: 11 }
      )
      let escaped = 0
      for (const [i, sample] of samples.entries()) {
        const record: Record<string, string> = Object.create(null)
        record[sample.name] = sample.source
        const template = TemplateFiles.fromRecord(record)
        if (Either.isLeft(template)) continue
        const exit = yield* Effect.exit(
          i % 2 === 0
            ? pool.renderVersion(
              { templateVersionId: `g${i}`, owner: Owner.empty, values: sample.values },
              Effect.succeed(template.right)
            )
            : Effect.map(pool.renderFiles(template.right, Owner.empty, sample.values), (r) => r.rendered)
        )
        if (Exit.isFailure(exit)) {
          escaped++
          continue
        }
        // Whatever came back is a valid wire render.
        expect(Either.isRight(Schema.decodeUnknownEither(RenderWorker.Rendered)(exit.value))).toBe(true)
      }
      expect(escaped).toBe(0)
      expect((yield* pool.stats).spawned).toBe(1)
    }).pipe(Effect.provide(poolWith())), { timeout: 120_000 })
})

describe("Renderer.layerWorker", () => {
  const layerFor = (versions: ReadonlyMap<string, TemplateFiles.TemplateFiles>) =>
    Renderer.layerWorker(CacheSettings.defaults(16)).pipe(
      Layer.provideMerge(RenderCache.layerWith(CacheSettings.defaults(100))),
      Layer.provideMerge(Layer.mergeAll(poolWith(), TemplateSource.layerFromMap(versions))),
      Layer.provideMerge(Metrics.layer)
    )

  it.live("renders stored versions in the pool with the caches' single flight", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const cache = yield* RenderCache.RenderCache
      const pool = yield* RenderWorkerPool.RenderWorkerPool
      const alice = { ...Owner.empty, id: "a", name: "alice" }
      const results = yield* Effect.all(
        Array.from(
          { length: 20 },
          () => renderer.renderCached({ templateVersionId: "owned", owner: alice, values: {} })
        ),
        { concurrency: "unbounded" }
      )
      expect(new Set(results).size).toBe(1)
      expect(results[0]!.output.parameters[0]!.value.value).toBe("alice")
      expect((yield* cache.stats).renders).toBe(1)
      expect((yield* pool.stats).compilations).toBe(1)
      // The template cache's bytes gauge: the weight the worker reported for its compiled copy.
      const metrics = yield* Metrics.Metrics
      const weight = (yield* CompiledTemplate.compile(owned).pipe(Effect.provide(HclParser.layer))).weight
      expect((yield* Metric.value(metrics.templateCacheBytes)).value).toBe(weight)
      expect((yield* Metric.value(metrics.renderCacheBytes)).value).toBe((yield* cache.stats).bytes)
      // The owner is part of the key for a template that reads it.
      const bob = yield* renderer.renderCached({
        templateVersionId: "owned",
        owner: { ...alice, name: "bob" },
        values: {}
      })
      expect(bob.output.parameters[0]!.value.value).toBe("bob")
      const missing = yield* Effect.flip(
        renderer.renderCached({ templateVersionId: "nope", owner: alice, values: {} })
      )
      expect(missing._tag).toBe("TemplateNotFound")
      const imported = yield* renderer.renderFiles({ files: simple, owner: Owner.empty, values: {} })
      expect(names(imported.validated)).toEqual(["size"])
    }).pipe(Effect.provide(layerFor(new Map([["owned", owned]])))), { timeout: 60_000 })

  const regions = files(`
data "coder_parameter" "region" {
  name    = "region"
  mutable = true
  default = "eu"
  option {
    name  = "EU"
    value = "eu"
  }
  option {
    name  = "US"
    value = "us"
  }
}
data "coder_secret" "gh" {
  env          = "GH_TOKEN"
  help_message = "A token"
}
`)

  it.live("previous values (stale options) and full evaluation through the worker", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const cache = yield* RenderCache.RenderCache
      const request = { templateVersionId: "regions", owner: Owner.empty, values: {} }
      const stale = (yield* renderer.renderCached({ ...request, previousValues: { region: "ap" } })).output
      const region = stale.parameters[0]!
      expect(region.value).toEqual({ value: "eu", valid: true })
      expect(region.diagnostics.map((d) => [d.severity, d.extra.code])).toEqual([["warning", "stale_option"]])
      expect(stale.secret_requirements).toEqual([{ env: "GH_TOKEN", file: "", help_message: "A token" }])
      const kept = (yield* renderer.renderCached({ ...request, previousValues: { region: "us" } })).output
      expect(kept.parameters[0]!.value.value).toBe("us")

      const selective = yield* renderer.renderCached({ ...request, values: { region: "us" } })
      const before = (yield* cache.stats).renders
      const full = yield* renderer.renderCached({ ...request, values: { region: "us" }, fullEvaluation: true })
      expect(full.output).toEqual(selective.output)
      // A full evaluation really renders: it neither reads nor fills the render cache.
      expect((yield* cache.stats).renders).toBe(before)
    }).pipe(Effect.provide(layerFor(new Map([["regions", regions]])))), { timeout: 60_000 })
})
