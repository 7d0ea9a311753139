/**
 * `warmpool simulate`: the whole prebuild pipeline on virtual time. Every sub-directory of a
 * root is imported as a template with one active version into an in-memory SQLite store; then
 * the reconciler runs cycle after cycle on a `TestClock`, with the echo provisioner finishing
 * builds within one interval, and each cycle is reported (creates, deletes, renders actually
 * performed, template compilations, render-cache hits, and every pool).
 *
 * A claim workload (issue 16, `ClaimWorkload`) claims prebuilds between cycles through the real
 * `Claims` service (a trace, or seeded Poisson arrivals); demand policies (`DemandPolicy`) can be
 * set per preset; each cycle then reports its claims and misses, and {@link run} ends with a
 * summary: claims, misses, miss rate and idle prebuild-hours per preset.
 *
 * The services are `Prebuilds.layerCore` ({@link environment}), the composition `serve` runs too.
 *
 * @since 0.1.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import { Metrics } from "@warmpool/metrics"
import { Owner } from "@warmpool/terraform"
import * as Clock from "effect/Clock"
import type * as ConfigError from "effect/ConfigError"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import * as TestContext from "effect/TestContext"
import * as Claims from "./Claims.js"
import * as ClaimWorkload from "./ClaimWorkload.js"
import * as DemandPolicy from "./DemandPolicy.js"
import * as Prebuilds from "./Prebuilds.js"
import * as Provisioner from "./Provisioner.js"
import * as Reconciler from "./Reconciler.js"
import * as Settings from "./Settings.js"
import * as Store from "./Store.js"
import * as TemplateImport from "./TemplateImport.js"

/**
 * The services {@link environment} provides.
 *
 * @since 0.1.0
 * @category models
 */
export type EnvironmentServices = Prebuilds.CoreServices

/**
 * Options of {@link environment}.
 *
 * @since 0.1.0
 * @category models
 */
export type EnvironmentOptions = Prebuilds.CoreOptions

/**
 * The prebuild services on the `Store` and the `Metrics` of the context: `Prebuilds.layerCore`
 * (the one composition every program uses).
 *
 * @since 0.1.0
 * @category layers
 */
export const environment = (
  options: EnvironmentOptions = {}
): Layer.Layer<EnvironmentServices, never, Store.Store | Metrics.Metrics> => Prebuilds.layerCore(options)

/**
 * Options of {@link run}.
 *
 * @since 0.1.0
 * @category models
 */
export interface SimulationOptions {
  /** A directory whose sub-directories are templates. */
  readonly root: string
  /** Default 10. */
  readonly cycles?: number | undefined
  /** Default 1 minute. */
  readonly interval?: Duration.DurationInput | undefined
  /** The echo provisioner's failure rate, 0..1 (default 0). */
  readonly failRate?: number | undefined
  /** Seed of Effect's `Random` (names, failures): a run is reproducible. Default 1. */
  readonly seed?: number | undefined
  /** Reconciler settings besides the interval (backoff, hard limit). */
  readonly settings?: Partial<Settings.Settings> | undefined
  /** `live` (default) or `noop` caches. */
  readonly caches?: "live" | "noop" | undefined
  /** Claims to replay, by offset from the start (issue 16). */
  readonly claims?: ReadonlyArray<ClaimWorkload.ClaimArrival> | undefined
  /** Poisson claim arrivals per preset, drawn from a `Random` seeded by {@link seed}. */
  readonly claimRates?: ReadonlyArray<ClaimWorkload.ClaimRate> | undefined
  /** Demand policies by `"template/preset"`, set before the first cycle. */
  readonly policies?: Readonly<Record<string, DemandPolicy.PolicyInput>> | undefined
  /** The most prebuild jobs waiting for the provisioner, as `serve --max-pending-jobs` (default: no cap). */
  readonly maxPendingJobs?: number | undefined
}

/**
 * One preset's pool in a cycle line (as the cycle's snapshot showed it, before its actions).
 *
 * @since 0.1.0
 * @category models
 */
export interface SimulatedPool {
  readonly template: string
  readonly preset: string
  readonly desired: number
  readonly running: number
  readonly eligible: number
  /** Coder's persisted status (`healthy`, `hard_limited`, `validation_failed`). */
  readonly status: string
  /** The derived pool state (`filling`, `ready`, `backing_off`, ...: see `PoolState`). */
  readonly state: string
  /** Claims and misses of the preset since the previous cycle. */
  readonly claims: number
  readonly misses: number
  /** Why the preset's demand policy fell back to its baseline, `null` when it did not (or has none). */
  readonly policyError: string | null
}

/**
 * One cycle of a simulation.
 *
 * @since 0.1.0
 * @category models
 */
export interface SimulatedCycle {
  readonly cycle: number
  /** Virtual time of the cycle (ISO-8601). */
  readonly at: string
  readonly creates: number
  readonly deletes: number
  readonly cancels: number
  /** Renders actually performed (render-cache misses and introspection renders). */
  readonly renders: number
  /** Template compilations. */
  readonly parses: number
  readonly cacheHits: number
  readonly cacheMisses: number
  readonly errors: number
  /** Claims (hits and misses) and misses since the previous cycle, all presets. */
  readonly claims: number
  readonly misses: number
  readonly presets: ReadonlyArray<SimulatedPool>
}

/**
 * The end of a run: per preset, claims, misses, miss rate and idle prebuild-hours.
 *
 * @since 0.1.0
 * @category models
 */
export interface SimulationSummary {
  readonly presets: ReadonlyArray<ClaimWorkload.PresetTally>
  /** Claims that failed (an unknown template or preset, ...), neither hits nor misses. */
  readonly claimErrors: number
}

/**
 * A simulation that could not start (the root cannot be read, the store cannot open, or the
 * provisioner options are invalid).
 *
 * @since 0.1.0
 * @category errors
 */
export class SimulationError extends Data.TaggedError("SimulationError")<{ readonly message: string }> {}

/**
 * The virtual start of every simulation: 2024-01-01T00:00:00Z (a Monday).
 *
 * @since 0.1.0
 * @category constants
 */
export const epoch: DateTime.Utc = DateTime.unsafeMake("2024-01-01T00:00:00Z")

const liveYield = Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, 0)))

/**
 * Let every fiber woken by the last clock step run until it suspends again: a few macrotask
 * turns until the provisioner's counters stop moving.
 */
const settle = (provisioner: Provisioner.ProvisionerShape) =>
  Effect.gen(function*() {
    let previous = ""
    let stable = 0
    for (let round = 0; round < 1_000 && stable < 2; round++) {
      yield* liveYield
      const stats = yield* provisioner.stats
      const key = `${yield* provisioner
        .inFlight}:${stats.acquired}:${stats.succeeded}:${stats.failed}:${stats.canceled}`
      stable = key === previous ? stable + 1 : 0
      previous = key
    }
  })

/** The claims still to come (absolute virtual instants, in order) and what runs one. */
interface Workload {
  readonly arrivals: ReadonlyArray<{ readonly atMillis: number; readonly arrival: ClaimWorkload.ClaimArrival }>
  next: number
  readonly claim: (arrival: ClaimWorkload.ClaimArrival) => Effect.Effect<void>
}

const advance = (
  provisioner: Provisioner.ProvisionerShape,
  store: Store.StoreShape,
  duration: Duration.Duration,
  step: Duration.Duration,
  workload: Workload
) =>
  Effect.gen(function*() {
    let remaining = Duration.toMillis(duration)
    const stepMillis = Math.max(1, Duration.toMillis(step))
    while (remaining > 0) {
      const pending = yield* Effect.orElseSucceed(Effect.map(store.pendingJobs(), (jobs) => jobs.length), () => 1)
      const idle = (yield* provisioner.inFlight) === 0 && pending === 0
      // Nothing in flight: nothing can happen before the next cycle (or claim), so jump.
      let by = idle ? remaining : Math.min(stepMillis, remaining)
      const now = yield* Clock.currentTimeMillis
      const due = workload.arrivals[workload.next]
      if (due !== undefined) by = Math.min(by, Math.max(0, due.atMillis - now))
      if (by > 0) {
        yield* TestClock.adjust(Duration.millis(by))
        yield* settle(provisioner)
        remaining -= by
      }
      // Claims due now (also those exactly at the cycle's instant) run before the cycle.
      while (
        workload.next < workload.arrivals.length && workload.arrivals[workload.next]!.atMillis <= now + by
      ) {
        yield* workload.claim(workload.arrivals[workload.next]!.arrival)
        workload.next++
      }
    }
  })

const poolsOf = (
  result: Reconciler.CycleResult,
  claimed: ReadonlyMap<string, { claims: number; misses: number }>
): ReadonlyArray<SimulatedPool> =>
  result.pools.filter((pool) => pool.activeVersion).map((pool) => {
    const counts = claimed.get(`${pool.template}/${pool.preset}`)
    return {
      template: pool.template,
      preset: pool.preset,
      desired: pool.desired,
      running: pool.running,
      eligible: pool.eligible,
      status: pool.status,
      state: pool.state,
      claims: counts?.claims ?? 0,
      misses: counts?.misses ?? 0,
      policyError: pool.policy?.error ?? null
    }
  })

/** Sets the `--policies` of a run (validated: an invalid one stops the run before it starts). */
const setPolicies = (store: Store.StoreShape, policies: Readonly<Record<string, DemandPolicy.PolicyInput>>) =>
  Effect.forEach(Object.entries(policies), ([key, input]) =>
    Effect.gen(function*() {
      const slash = key.indexOf("/")
      if (slash <= 0 || slash === key.length - 1) {
        return yield* new SimulationError({ message: `policy "${key}": expected a "template/preset" key` })
      }
      const policy = DemandPolicy.make(input)
      if (Either.isLeft(policy)) {
        return yield* new SimulationError({ message: `policy "${key}": ${policy.left.message}` })
      }
      yield* store.setPolicy(key.slice(0, slash), key.slice(slash + 1), policy.right, yield* DateTime.now).pipe(
        Effect.mapError((error) => new SimulationError({ message: `policy "${key}": ${error.message}` }))
      )
    }), { discard: true })

/**
 * Run a simulation: `onImport` receives the import results, `onCycle` each cycle as it ends.
 *
 * @since 0.1.0
 * @category utils
 */
export const run = <E1, E2>(
  options: SimulationOptions,
  callbacks: {
    readonly onImport: (imports: ReadonlyArray<TemplateImport.DirectoryImport>) => Effect.Effect<void, E1>
    readonly onCycle: (cycle: SimulatedCycle) => Effect.Effect<void, E2>
    /** The summary, after the last cycle. */
    readonly onSummary?: ((summary: SimulationSummary) => Effect.Effect<void, E2>) | undefined
  }
): Effect.Effect<void, SimulationError | E1 | E2, FileSystem.FileSystem | Path.Path> => {
  const interval = Duration.decode(options.interval ?? Duration.minutes(1))
  const cycles = Math.max(0, Math.floor(options.cycles ?? 10))
  const settings = Settings.make({ ...options.settings, reconciliationInterval: interval })
  // Builds finish well within one interval: a twentieth of it, at most 1 s, on 8 workers. The
  // workers wake on job notifications (a woken worker drains every pending job), so they poll
  // only once per interval: each clock wake-up costs real time under the TestClock.
  const delay = Duration.min(
    Duration.millis(Math.max(1, Math.floor(Duration.toMillis(interval) / 20))),
    Duration.seconds(1)
  )
  const pollInterval = interval
  const step = delay

  const program = Effect.gen(function*() {
    const importer = yield* TemplateImport.TemplateImport
    const imports = yield* importer.importDirectory(options.root).pipe(
      Effect.mapError((error) => new SimulationError({ message: error.message }))
    )
    yield* callbacks.onImport(imports)
    const reconciler = yield* Reconciler.make({ settings, maxPendingJobs: options.maxPendingJobs })
    const store = yield* Store.Store
    yield* setPolicies(store, options.policies ?? {})
    const claims = yield* Claims.Claims
    const tally = ClaimWorkload.makeTally()
    const start = yield* Clock.currentTimeMillis
    const planned = yield* ClaimWorkload.arrivals(
      { trace: options.claims, rates: options.claimRates, seed: options.seed ?? 1 },
      cycles * Duration.toMillis(interval)
    )
    // Claims since the previous cycle, by "template/preset".
    let claimedSince = new Map<string, { claims: number; misses: number }>()
    let claimErrors = 0
    let claimNumber = 0
    const workload: Workload = {
      arrivals: planned.map((arrival) => ({ atMillis: start + arrival.offsetMillis, arrival })),
      next: 0,
      claim: (arrival) =>
        Effect.gen(function*() {
          claimNumber++
          const outcome = yield* Effect.either(claims.claim({
            template: arrival.template,
            preset: arrival.preset,
            owner: { ...Owner.empty, id: `simulated-user-${claimNumber}`, name: `user${claimNumber}` },
            workspaceName: `claim-${claimNumber}`
          }))
          if (Either.isLeft(outcome)) {
            claimErrors++
            return yield* Effect.logError(
              `claim of ${arrival.template}/${arrival.preset} failed: ${outcome.left.message}`
            )
          }
          const hit = outcome.right._tag === "Some"
          tally.claimed(arrival.template, arrival.preset, hit)
          const key = `${arrival.template}/${arrival.preset}`
          const counts = claimedSince.get(key) ?? { claims: 0, misses: 0 }
          claimedSince.set(key, { claims: counts.claims + 1, misses: counts.misses + (hit ? 0 : 1) })
        })
    }
    const provisioner = yield* Provisioner.makeEcho({
      delay,
      pollInterval,
      failureRate: options.failRate ?? 0,
      workers: 8,
      name: "simulate"
    }).pipe(
      // The provisioner's failures draw from a Random of their own: they never shift the names.
      Effect.withRandom(Random.make(`${options.seed ?? 1}:provisioner`)),
      Effect.mapError((error) => new SimulationError({ message: `invalid provisioner options: ${error}` }))
    )
    let previousPools: ReadonlyArray<SimulatedPool> = []
    for (let cycle = 1; cycle <= cycles; cycle++) {
      // Idle prebuild-hours: each pool's running prebuilds as the last cycle saw them, held for
      // one interval (claims in between are not subtracted: a slight over-count, alike for
      // every policy).
      for (const pool of previousPools) {
        tally.held(pool.template, pool.preset, pool.running, Duration.toMillis(interval))
      }
      yield* advance(provisioner, store, interval, step, workload)
      const result = yield* reconciler.reconcileOnce.pipe(
        Effect.catchAll((error) =>
          Effect.succeed<Reconciler.CycleResult>({
            stats: { elapsed: Duration.zero, presetsTotal: 0, presetsReconciled: 0, lockAcquired: true },
            report: {
              cycle,
              startedAt: "",
              durationMs: 0,
              lockAcquired: true,
              paused: false,
              presetsTotal: 0,
              presetsReconciled: 0,
              creates: 0,
              deletes: 0,
              cancels: 0,
              renders: 0,
              parses: 0,
              cacheHits: 0,
              cacheMisses: 0,
              errors: 1,
              poolsFilled: 0,
              poolsTotal: 0
            },
            pools: []
          }).pipe(Effect.tap(() => Effect.logError(`cycle ${cycle} failed: ${error.message}`)))
        )
      )
      const report = result.report
      const pools = poolsOf(result, claimedSince)
      const claimedTotal = Array.from(claimedSince.values()).reduce(
        (sum, c) => ({ claims: sum.claims + c.claims, misses: sum.misses + c.misses }),
        { claims: 0, misses: 0 }
      )
      claimedSince = new Map()
      previousPools = pools
      yield* callbacks.onCycle({
        cycle,
        at: DateTime.formatIso(yield* DateTime.now),
        creates: report.creates,
        deletes: report.deletes,
        cancels: report.cancels,
        renders: report.renders,
        parses: report.parses,
        cacheHits: report.cacheHits,
        cacheMisses: report.cacheMisses,
        errors: report.errors,
        claims: claimedTotal.claims,
        misses: claimedTotal.misses,
        presets: pools
      })
    }
    if (callbacks.onSummary !== undefined) yield* callbacks.onSummary({ presets: tally.presets(), claimErrors })
  })

  const services = Prebuilds.layerCore({ caches: options.caches }).pipe(
    Layer.provideMerge(Store.layerMemory()),
    Layer.provideMerge(Metrics.layerNoop),
    Layer.mapError((error: Store.StoreError | ConfigError.ConfigError) =>
      new SimulationError({ message: `cannot open the in-memory store: ${error.message}` })
    )
  )
  // The virtual clock starts at the epoch before any service starts sleeping (the caches' sweep
  // fibers would otherwise be woken once per sweep interval since 1970).
  return TestClock.setTime(DateTime.toEpochMillis(epoch)).pipe(
    Effect.zipRight(program.pipe(Effect.scoped, Effect.provide(services))),
    Effect.withRandom(Random.make(options.seed ?? 1)),
    Effect.provide(TestContext.TestContext)
  )
}
