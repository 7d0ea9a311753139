/**
 * `warmpool simulate`: print the imports, then one line (or JSON object) per cycle, and with a
 * claim workload a summary line.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import { ClaimLog, type ClaimWorkload, type DemandPolicy, Simulation, type TemplateImport } from "@warmpool/prebuilds"
import * as ServerConfig from "@warmpool/server/ServerConfig"
import * as Setting from "@warmpool/server/Setting"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import { simulateSettings } from "../commands/simulateCommand.js"
import { exitCode } from "../internal/keyValue.js"
import * as DemandFiles from "./demandFiles.js"

export interface SimulateArgs {
  readonly root: string
  readonly cycles: number
  readonly json: boolean
  /** A claim trace file. */
  readonly claims?: string | undefined
  /** `template/preset=PER_HOUR` values. */
  readonly claimRates?: ReadonlyArray<string> | undefined
  readonly seed?: number | undefined
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

const textLine = (withClaims: boolean) => (cycle: Simulation.SimulatedCycle): string => {
  const lookups = cycle.cacheHits + cycle.cacheMisses
  const pools = cycle.presets.map((p) =>
    `${p.template}/${p.preset} ${p.running}/${p.desired} ${p.state}${withClaims ? ` desired ${p.desired}` : ""}${
      p.policyError === null ? "" : ` (policy fell back: ${p.policyError})`
    }`
  ).join(", ")
  return `cycle ${String(cycle.cycle).padStart(3)} ${
    cycle.at.slice(11, 19)
  }  created ${cycle.creates}  deleted ${cycle.deletes}  renders ${cycle.renders}  parses ${cycle.parses}  cache hits ${cycle.cacheHits}/${lookups}${
    withClaims ? `  claims ${cycle.claims}  misses ${cycle.misses}` : ""
  }${cycle.errors > 0 ? `  errors ${cycle.errors}` : ""}  | ${pools}`
}

const percentText = (rate: number) => `${(100 * rate).toFixed(1)}%`

const summaryText = (summary: Simulation.SimulationSummary): string => {
  const claims = summary.presets.reduce((n, p) => n + p.claims, 0)
  const misses = summary.presets.reduce((n, p) => n + p.misses, 0)
  const presets = summary.presets.map((p) =>
    `${ClaimLog.presetKey(p.template, p.preset)} claims ${p.claims} misses ${p.misses} miss rate ${
      percentText(p.missRate)
    } idle prebuild-hours ${p.idlePrebuildHours.toFixed(1)}`
  ).join(", ")
  return `summary  claims ${claims}  misses ${misses}  miss rate ${percentText(claims === 0 ? 0 : misses / claims)}${
    summary.claimErrors > 0 ? `  claim errors ${summary.claimErrors}` : ""
  }  | ${presets}`
}

const summaryJson = (summary: Simulation.SimulationSummary): string =>
  JSON.stringify({
    summary: summary.presets.map((p) => ({
      template: p.template,
      preset: p.preset,
      claims: p.claims,
      misses: p.misses,
      missRate: p.missRate,
      idlePrebuildHours: Math.round(p.idlePrebuildHours * 1000) / 1000
    })),
    claimErrors: summary.claimErrors
  })

const jsonLine = (cycle: Simulation.SimulatedCycle): string =>
  JSON.stringify({
    cycle: cycle.cycle,
    creates: cycle.creates,
    deletes: cycle.deletes,
    renders: cycle.renders,
    parses: cycle.parses,
    cacheHits: cycle.cacheHits,
    claims: cycle.claims,
    misses: cycle.misses,
    presets: cycle.presets.map((p) => ({
      template: p.template,
      preset: p.preset,
      desired: p.desired,
      running: p.running,
      status: p.status,
      state: p.state,
      claims: p.claims,
      misses: p.misses,
      policyError: p.policyError
    }))
  })

const readDemand = (args: SimulateArgs, policiesFile: Option.Option<string>) =>
  Effect.gen(function*() {
    const rates: Array<ClaimWorkload.ClaimRate> = []
    for (const text of args.claimRates ?? []) {
      const rate = DemandFiles.parseRate(text)
      if (Either.isLeft(rate)) return yield* Effect.fail(rate.left)
      rates.push(rate.right)
    }
    const trace = args.claims === undefined ? [] : yield* DemandFiles.readTrace(args.claims)
    const policies: Record<string, DemandPolicy.PolicyInput> = {}
    if (Option.isSome(policiesFile)) {
      for (const entry of yield* DemandFiles.readPolicies(policiesFile.value)) {
        policies[ClaimLog.presetKey(entry.templateName, entry.presetName)] = entry.policy
      }
    }
    return { rates, trace, policies }
  }).pipe(Effect.provide(NodeFileSystem.layer))

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
    const demand = yield* Effect.either(readDemand(args, values.policies))
    if (Either.isLeft(demand)) {
      yield* Console.error(`warmpool simulate: ${demand.left}`)
      return yield* exitCode(2)
    }
    const { policies, rates, trace } = demand.right
    const withClaims = trace.length > 0 || rates.length > 0
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
        },
        seed: args.seed,
        claims: trace,
        claimRates: rates,
        policies,
        maxPendingJobs: Option.getOrUndefined(values.maxPendingJobs)
      },
      {
        onImport: (imports) => Effect.forEach(importLines(imports), (line) => note(line), { discard: true }),
        onCycle: (cycle) => Console.log(args.json ? jsonLine(cycle) : textLine(withClaims)(cycle)),
        onSummary: (summary) =>
          withClaims ? Console.log(args.json ? summaryJson(summary) : summaryText(summary)) : Effect.void
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
