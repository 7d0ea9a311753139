/**
 * Quarantine through the reconciler (issue 11 item 4): a fake `Renderer` whose renders time out,
 * exhaust memory or stop at an evaluation budget. After the threshold the version is
 * quarantined, its preset costs zero renders per cycle, shows `quarantined` in the pool status
 * and the metrics, and a resume (or a new version) lets it fill again.
 */
import { expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { RenderCache, Renderer, RenderOutput, TemplateCache } from "@warmpool/render"
import { HclParser } from "@warmpool/terraform"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Ref from "effect/Ref"
import * as TestClock from "effect/TestClock"
import * as JobNotifications from "../src/JobNotifications.js"
import * as Reconciler from "../src/Reconciler.js"
import * as ReconcilerMetrics from "../src/ReconcilerMetrics.js"
import * as Settings from "../src/Settings.js"
import * as Store from "../src/Store.js"
import * as StoreTemplateSource from "../src/StoreTemplateSource.js"
import * as WorkspaceBuilder from "../src/WorkspaceBuilder.js"
import { type Backend, describeEachBackend } from "./utils/storeBackends.js"
import { importTemplate, importVersion, presetImport, T0 } from "./utils/storeFixtures.js"

// The worker pool's errors, as the renderer reports them (matched by `_tag`).
class RenderTimeout extends Data.TaggedError("RenderTimeout")<{ readonly message: string }> {}
class RenderResourceExhausted extends Data.TaggedError("RenderResourceExhausted")<{ readonly message: string }> {}

type Failure = "timeout" | "heap" | "budget" | "none"

const budgetOutput: RenderOutput.RenderOutput = RenderOutput.failed([{
  severity: "error",
  summary: "Too many instances",
  detail: "count = 10000000 exceeds the limit of 10000 instances",
  extra: { code: "resource_limit" }
}])

const okOutput: RenderOutput.RenderOutput = { ...RenderOutput.failed([]), diagnostics: [] }

/** A renderer whose renders fail as `failure` says (per version id), counting every call. */
const fakeRenderer = (failure: Ref.Ref<Failure>, calls: Ref.Ref<number>) =>
  Layer.succeed(Renderer.Renderer, {
    render: () => Effect.dieMessage("not used"),
    renderDetailed: () => Effect.dieMessage("not used"),
    validatePresets: () => Effect.dieMessage("not used"),
    renderUncached: () => Effect.dieMessage("not used"),
    renderCached: () =>
      Effect.gen(function*() {
        yield* Ref.update(calls, (n) => n + 1)
        const mode = yield* Ref.get(failure)
        // The worker pool's typed failures are not in this renderer's signature yet (cast below).
        if (mode === "timeout") {
          return yield* Effect.fail(new RenderTimeout({ message: "render exceeded 2s" }))
        }
        if (mode === "heap") {
          return yield* Effect.fail(new RenderResourceExhausted({ message: "heap limit 256 MiB" }))
        }
        const output = mode === "budget" ? budgetOutput : okOutput
        return { output, presetSettings: [], impure: false }
      })
  } as unknown as Renderer.RendererShape)

const settings = Settings.make({ backoffInterval: Duration.seconds(5), quarantineThreshold: 3 })

const harness = (backend: Backend, failure: Ref.Ref<Failure>, calls: Ref.Ref<number>) =>
  Reconciler.layerManual({ settings }).pipe(
    Layer.provideMerge(WorkspaceBuilder.layer.pipe(Layer.provide(fakeRenderer(failure, calls)))),
    Layer.provideMerge(Layer.mergeAll(RenderCache.layerNoop, TemplateCache.layerNoop, JobNotifications.layer)),
    Layer.provideMerge(StoreTemplateSource.layer),
    Layer.provideMerge(HclParser.layer),
    Layer.provideMerge(backend.layer()),
    Layer.provideMerge(Metrics.layer)
  )

const poolOf = Effect.flatMap(Reconciler.Reconciler, (r) => Effect.map(r.poolStatus, (pools) => pools[0]!))

describeEachBackend("Quarantine through the reconciler", (backend) => {
  const run = (
    first: Failure,
    body: (failure: Ref.Ref<Failure>, calls: Ref.Ref<number>) => Effect.Effect<void, unknown, any>
  ) =>
    Effect.gen(function*() {
      const failure = yield* Ref.make<Failure>(first)
      const calls = yield* Ref.make(0)
      yield* TestClock.setTime(DateTime.toEpochMillis(T0))
      yield* Effect.provide(body(failure, calls), harness(backend, failure, calls))
    }).pipe(Effect.withRandom(Random.make("quarantine")))

  it.effect.each<[Failure, string]>([
    ["timeout", "render deadline exceeded: render exceeded 2s"],
    ["heap", "render memory limit exceeded: heap limit 256 MiB"],
    ["budget", "evaluation budget exceeded: Too many instances: count = 10000000 exceeds the limit of 10000 instances"]
  ])(
    "%s: three overruns quarantine the version; then zero renders per cycle",
    ([mode, reason]) =>
      run(mode, (_failure, calls) =>
        Effect.gen(function*() {
          const store = yield* Store.Store
          const reconciler = yield* Reconciler.Reconciler
          const fixture = yield* importTemplate("bomb", { presets: [presetImport("p", { desiredInstances: 2 })] })
          for (let i = 1; i <= 3; i++) {
            const result = yield* reconciler.reconcileOnce
            // One render per cycle: the first overrun stops the preset's creates for the cycle.
            expect(yield* Ref.get(calls)).toBe(i)
            expect(result.report.creates).toBe(0)
            expect(result.report.errors).toBe(1)
          }
          expect(yield* store.quarantineOf(fixture.versionId)).toEqual(Option.some(reason))
          const pool = yield* poolOf
          expect(pool).toMatchObject({ state: "quarantined", quarantineReason: reason, status: "healthy" })
          expect(pool.statusReason).toContain(reason)

          // Quarantined: no render at all in the next cycles.
          for (let i = 0; i < 3; i++) yield* reconciler.reconcileOnce
          expect(yield* Ref.get(calls)).toBe(3)

          // The metrics show it.
          const state = yield* ReconcilerMetrics.compute(reconciler, store)
          expect(state.presets[0]).toMatchObject({ state: "quarantined", quarantined: true })
          // "pools filled" leaves it out.
          const last = yield* reconciler.reconcileOnce
          expect(last.report).toMatchObject({ poolsFilled: 0, poolsTotal: 0 })
        }))
  )

  it.effect("a resume clears the quarantine and the preset fills again; a new version starts clean", () =>
    run("timeout", (failure, calls) =>
      Effect.gen(function*() {
        const store = yield* Store.Store
        const reconciler = yield* Reconciler.Reconciler
        const fixture = yield* importTemplate("bomb", { presets: [presetImport("p", { desiredInstances: 2 })] })
        for (let i = 0; i < 3; i++) yield* reconciler.reconcileOnce
        expect((yield* poolOf).state).toBe("quarantined")

        // The template author fixed the problem elsewhere; the operator resumes.
        yield* Ref.set(failure, "none")
        const resumed = yield* store.resumePreset(fixture.presets.p!, yield* DateTime.now)
        expect(resumed.clearedQuarantine).toBe("render deadline exceeded: render exceeded 2s")
        const after = yield* reconciler.reconcileOnce
        expect(after.report.creates).toBe(2)
        expect((yield* poolOf).state).toBe("filling")

        // Quarantine again, then a new version: its preset is not quarantined.
        yield* Ref.set(failure, "budget")
        const v2 = yield* importVersion(fixture.templateId, { presets: [presetImport("p", { desiredInstances: 1 })] })
        for (let i = 0; i < 3; i++) yield* reconciler.reconcileOnce
        expect(Option.isSome(yield* store.quarantineOf(v2.versionId))).toBe(true)
        const v3 = yield* importVersion(fixture.templateId, { presets: [presetImport("p", { desiredInstances: 1 })] })
        expect(yield* store.quarantineOf(v3.versionId)).toEqual(Option.none())
        const before = yield* Ref.get(calls)
        yield* reconciler.reconcileOnce
        expect(yield* Ref.get(calls)).toBe(before + 1)
      })))
})
