/**
 * A claim workload for `warmpool simulate` (issue 16): users claiming prebuilds at given
 * instants of virtual time, from a replayed trace or drawn as Poisson arrivals at a rate per
 * hour from Effect's `Random` (seeded: a run is reproducible), and the tally of a run (claims,
 * misses, miss rate and idle prebuild-hours per preset).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import { presetKey } from "./ClaimLog.js"

/**
 * One claim of the workload, `offsetMillis` after the simulation's start.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClaimArrival {
  readonly offsetMillis: number
  readonly template: string
  readonly preset: string
}

/**
 * Poisson arrivals of claims of one preset: `perHour` on average.
 *
 * @since 0.1.0
 * @category models
 */
export interface ClaimRate {
  readonly template: string
  readonly preset: string
  readonly perHour: number
}

const hourMillis = 3_600_000

/**
 * The arrivals of a Poisson process at `rate.perHour` over `[0, horizonMillis)`: exponential gaps
 * drawn from the `Random` in context, rounded to whole milliseconds.
 *
 * @since 0.1.0
 * @category utils
 */
export const poissonArrivals = (rate: ClaimRate, horizonMillis: number): Effect.Effect<ReadonlyArray<ClaimArrival>> =>
  Effect.gen(function*() {
    const arrivals: Array<ClaimArrival> = []
    if (!(rate.perHour > 0) || !(horizonMillis > 0)) return arrivals
    const meanGap = hourMillis / rate.perHour
    let t = 0
    while (true) {
      const u = yield* Random.next
      t += -Math.log(1 - u) * meanGap
      if (t >= horizonMillis) return arrivals
      arrivals.push({ offsetMillis: Math.round(t), template: rate.template, preset: rate.preset })
    }
  })

/**
 * The whole workload in time order: the trace's arrivals (those before `horizonMillis`) and the
 * rates' Poisson arrivals, each rate drawing from a `Random` of its own seeded by `seed` and the
 * preset, so that adding a rate never shifts another's arrivals.
 *
 * @since 0.1.0
 * @category utils
 */
export const arrivals = (
  options: {
    readonly trace?: ReadonlyArray<ClaimArrival> | undefined
    readonly rates?: ReadonlyArray<ClaimRate> | undefined
    readonly seed: number
  },
  horizonMillis: number
): Effect.Effect<ReadonlyArray<ClaimArrival>> =>
  Effect.gen(function*() {
    const all: Array<ClaimArrival> = (options.trace ?? []).filter((a) =>
      a.offsetMillis >= 0 && a.offsetMillis < horizonMillis
    )
    for (const rate of options.rates ?? []) {
      all.push(
        ...(yield* poissonArrivals(rate, horizonMillis).pipe(
          Effect.withRandom(Random.make(`${options.seed}:claims:${presetKey(rate.template, rate.preset)}`))
        ))
      )
    }
    // Stable: arrivals at the same instant keep the trace's (then the rates') order.
    return all.map((a, i) => [a, i] as const).sort((x, y) => x[0].offsetMillis - y[0].offsetMillis || x[1] - y[1])
      .map(([a]) => a)
  })

/**
 * One preset's tally over a run: claims, misses, the miss rate (misses / claims, 0 without
 * claims), and idle prebuild-hours: running prebuilds nobody had claimed, integrated over the
 * run (each cycle's running count held for one interval).
 *
 * @since 0.1.0
 * @category models
 */
export interface PresetTally {
  readonly template: string
  readonly preset: string
  readonly claims: number
  readonly misses: number
  readonly missRate: number
  readonly idlePrebuildHours: number
}

/**
 * A mutable tally, filled in as a run goes.
 *
 * @since 0.1.0
 * @category models
 */
export interface Tally {
  /** Counts a claim's outcome. */
  readonly claimed: (template: string, preset: string, hit: boolean) => void
  /** Adds `running` prebuilds held for `millis` of virtual time. */
  readonly held: (template: string, preset: string, running: number, millis: number) => void
  /** The tallies so far, by template then preset name. */
  readonly presets: () => ReadonlyArray<PresetTally>
}

/**
 * A new, empty tally.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTally = (): Tally => {
  const entries = new Map<string, { template: string; preset: string; claims: number; misses: number; idle: number }>()
  const entry = (template: string, preset: string) => {
    const key = presetKey(template, preset)
    let found = entries.get(key)
    if (found === undefined) {
      found = { template, preset, claims: 0, misses: 0, idle: 0 }
      entries.set(key, found)
    }
    return found
  }
  return {
    claimed: (template, preset, hit) => {
      const e = entry(template, preset)
      e.claims++
      if (!hit) e.misses++
    },
    held: (template, preset, running, millis) => {
      entry(template, preset).idle += (running * millis) / hourMillis
    },
    presets: () =>
      Array.from(entries.values())
        .sort((a, b) => a.template.localeCompare(b.template) || a.preset.localeCompare(b.preset))
        .map((e) => ({
          template: e.template,
          preset: e.preset,
          claims: e.claims,
          misses: e.misses,
          missRate: e.claims === 0 ? 0 : e.misses / e.claims,
          idlePrebuildHours: e.idle
        }))
  }
}
