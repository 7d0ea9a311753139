/**
 * `warmpool simulate`: print the imports, then one line (or JSON object) per cycle.
 */
import { Simulation, type TemplateImport } from "@warmpool/prebuilds"
import * as Console from "effect/Console"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import { exitCode } from "../internal/keyValue.js"

export interface SimulateArgs {
  readonly root: string
  readonly cycles: number
  readonly interval: string
  readonly failRate: number
  readonly json: boolean
}

const goUnits: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** `90s`, `1m30s`, `1.5h`, `250ms`, or Effect's `5 minutes`; `undefined` when neither. */
export const parseInterval = (text: string): Duration.Duration | undefined => {
  const trimmed = text.trim()
  if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) {
    let millis = 0
    for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) {
      millis += Number(amount) * goUnits[unit!]!
    }
    return Duration.millis(millis)
  }
  return Option.getOrUndefined(Duration.decodeUnknown(trimmed))
}

const importLines = (imports: ReadonlyArray<TemplateImport.DirectoryImport>): ReadonlyArray<string> =>
  imports.flatMap((entry) =>
    Either.match(entry.result, {
      onLeft: (error) => [`cannot import ${entry.name}: ${error.message}`],
      onRight: (result) => {
        const prebuilt = result.presets.filter((p) => p.desiredInstances !== null)
        const failing = prebuilt.filter((p) => p.status === "validation_failed")
        return [
          `imported ${entry.name}: ${result.presets.length} preset(s), ${prebuilt.length} prebuilt, ${failing.length} failing validation`,
          ...failing.map((preset) =>
            `  ${entry.name}/${preset.name}: validation_failed (never prebuilt): ${
              preset.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.summary}; ${d.detail}`).join(
                " | "
              )
            }`
          )
        ]
      }
    })
  )

const textLine = (cycle: Simulation.SimulatedCycle): string => {
  const lookups = cycle.cacheHits + cycle.cacheMisses
  const pools = cycle.presets.map((p) => `${p.template}/${p.preset} ${p.running}/${p.desired} ${p.state}`).join(", ")
  return `cycle ${String(cycle.cycle).padStart(3)} ${
    cycle.at.slice(11, 19)
  }  created ${cycle.creates}  deleted ${cycle.deletes}  renders ${cycle.renders}  parses ${cycle.parses}  cache hits ${cycle.cacheHits}/${lookups}${
    cycle.errors > 0 ? `  errors ${cycle.errors}` : ""
  }  | ${pools}`
}

const jsonLine = (cycle: Simulation.SimulatedCycle): string =>
  JSON.stringify({
    cycle: cycle.cycle,
    creates: cycle.creates,
    deletes: cycle.deletes,
    renders: cycle.renders,
    parses: cycle.parses,
    cacheHits: cycle.cacheHits,
    presets: cycle.presets.map((p) => ({
      template: p.template,
      preset: p.preset,
      desired: p.desired,
      running: p.running,
      status: p.status,
      state: p.state
    }))
  })

export const run = (args: SimulateArgs) =>
  Effect.gen(function*() {
    const interval = parseInterval(args.interval)
    if (interval === undefined || Duration.toMillis(interval) <= 0) {
      yield* Console.error(
        `--interval: expected a positive duration such as 30s, 1m or "5 minutes", got "${args.interval}"`
      )
      return yield* exitCode(2)
    }
    if (!(args.failRate >= 0 && args.failRate <= 1)) {
      yield* Console.error(`--fail-rate: expected a number from 0 to 1, got ${args.failRate}`)
      return yield* exitCode(2)
    }
    if (!Number.isInteger(args.cycles) || args.cycles < 0) {
      yield* Console.error(`--cycles: expected a non-negative integer, got ${args.cycles}`)
      return yield* exitCode(2)
    }
    const note = args.json ? Console.error : Console.log
    yield* Simulation.run(
      { root: args.root, cycles: args.cycles, interval, failRate: args.failRate },
      {
        onImport: (imports) => Effect.forEach(importLines(imports), (line) => note(line), { discard: true }),
        onCycle: (cycle) => Console.log(args.json ? jsonLine(cycle) : textLine(cycle))
      }
    ).pipe(
      Effect.catchTag("SimulationError", (error) =>
        Effect.zipRight(Console.error(`simulate: ${error.message}`), exitCode(1)))
    )
  }).pipe(
    // The reconciler's own log lines would repeat what the cycle lines say; errors still show,
    // on stderr, so that stdout stays one line (or one JSON object) per cycle.
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))),
    Logger.withMinimumLogLevel(LogLevel.Error)
  )
