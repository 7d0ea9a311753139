/**
 * `warmpool simulate`: print the imports, then one line (or JSON object) per cycle.
 */
import { Simulation, type TemplateImport } from "@warmpool/prebuilds"
import * as ServerConfig from "@warmpool/server/ServerConfig"
import * as Setting from "@warmpool/server/Setting"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { simulateSettings } from "../commands/simulateCommand.js"
import { exitCode } from "../internal/keyValue.js"

export interface SimulateArgs {
  readonly root: string
  readonly cycles: number
  readonly json: boolean
  readonly flags: Readonly<Record<string, Setting.Raw | undefined>>
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
    const loaded = yield* Effect.either(Setting.load(simulateSettings, { flags: args.flags }, ServerConfig.envPrefix))
    if (Either.isLeft(loaded)) {
      yield* Console.error(`warmpool simulate: ${loaded.left.message}`)
      return yield* exitCode(2)
    }
    const values = loaded.right.values
    if (!Number.isInteger(args.cycles) || args.cycles < 0) {
      yield* Console.error(`--cycles: expected a non-negative integer, got ${args.cycles}`)
      return yield* exitCode(2)
    }
    const note = args.json ? Console.error : Console.log
    yield* Simulation.run(
      {
        root: args.root,
        cycles: args.cycles,
        interval: values.interval,
        failRate: values.echoFailureRate,
        settings: {
          backoffInterval: values.backoffInterval,
          backoffLookback: values.backoffLookback,
          failureHardLimit: values.hardLimit
        }
      },
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
