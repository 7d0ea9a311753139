/**
 * `warmpool bench reconcile`: the reconciler on SQLite over generated templates (`presets`
 * prebuilt presets × `instances` prebuilds, 10 presets per template), once with the live caches
 * and once with the no-op caches, in one run. Per run:
 *
 * - `fill`: the first cycle (every prebuild created: renders and parses it costs);
 * - `steady`: the median of `steadyCycles` cycles once the pools are full (what the reconciler
 *   costs every interval);
 * - `churn`: a cycle after 10 % of the prebuilds were claimed (the replacements).
 *
 * Jobs are completed directly in the store between cycles (no provisioner), on the real clock.
 */
import { Metrics } from "@warmpool/metrics"
import type { Store as StoreModule } from "@warmpool/prebuilds"
import { Domain, Prebuilds, Reconciler, Settings, Store, TemplateImport } from "@warmpool/prebuilds"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { exitCode } from "../internal/keyValue.js"

export interface BenchReconcileArgs {
  readonly presets: number
  readonly instances: number
  readonly steadyCycles: number
  readonly sqliteFile: boolean
  readonly json: boolean
}

interface CycleFigures {
  readonly ms: number
  readonly creates: number
  readonly renders: number
  readonly parses: number
}

export interface RunResult {
  readonly caches: "live" | "noop"
  readonly prebuilds: number
  readonly importMs: number
  readonly fill: CycleFigures
  readonly steady: CycleFigures
  readonly churn: CycleFigures
}

const presetsPerTemplate = 10

const benchWorker = Domain.ProvisionerWorkerId.make("bench-worker")

/** A generated template: three parameters (one default computed from another), tags, presets. */
const templateSource = (group: number, presets: number, instances: number): string => {
  const sizes = ["small", "medium", "large"]
  const blocks = Array.from({ length: presets }, (_, i) => `
data "coder_workspace_preset" "p${i}" {
  name = "g${group}-p${i}"
  parameters = {
    size  = "${sizes[i % sizes.length]}"
    label = "preset-${i}"
  }
  prebuilds {
    instances = ${instances}
  }
}`)
  return `
locals {
  cpus = { small = 2, medium = 4, large = 8 }
}

data "coder_workspace_owner" "me" {}

data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
  mutable = true
  option {
    name  = "Small"
    value = "small"
  }
  option {
    name  = "Medium"
    value = "medium"
  }
  option {
    name  = "Large"
    value = "large"
  }
}

data "coder_parameter" "cpus" {
  name    = "cpus"
  type    = "number"
  default = local.cpus[data.coder_parameter.size.value]
  mutable = true
  validation {
    min = 1
    max = 64
  }
}

data "coder_parameter" "label" {
  name    = "label"
  type    = "string"
  default = ""
  mutable = true
  validation {
    regex = "^[a-z0-9-]*$"
    error = "lowercase letters, digits and dashes"
  }
}

data "coder_workspace_tags" "pool" {
  tags = {
    size  = data.coder_parameter.size.value
    group = "g${group}"
  }
}
${blocks.join("\n")}
`
}

const finishJobs = (store: StoreModule.StoreShape) =>
  Effect.gen(function*() {
    const now = yield* DateTime.now
    while (true) {
      const job = yield* store.acquireJob(benchWorker, now)
      if (Option.isNone(job)) return
      yield* store.completeJob(job.value.job.id, {
        status: "succeeded",
        now,
        agents: [{ name: "main", ready: true }]
      })
    }
  })

const figures = (report: Reconciler.CycleReport): CycleFigures => ({
  ms: report.durationMs,
  creates: report.creates,
  renders: report.renders,
  parses: report.parses
})

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length === 0 ? 0 : sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const benchStore = (sqliteFile: boolean) =>
  sqliteFile
    ? Layer.unwrapScoped(Effect.map(
      Effect.acquireRelease(
        Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-bench-"))),
        (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
      ),
      (dir) => Store.layerSqlite({ filename: path.join(dir, "bench.db") })
    ))
    : Store.layerMemory()

const runOnce = (caches: "live" | "noop", args: BenchReconcileArgs) =>
  Effect.gen(function*() {
    const context = yield* Layer.build(
      Prebuilds.layerCore({ caches }).pipe(
        Layer.provideMerge(benchStore(args.sqliteFile)),
        Layer.provideMerge(Metrics.layerNoop)
      )
    )
    const storeShape = yield* Store.Store.pipe(Effect.provide(context))
    const importer = yield* TemplateImport.TemplateImport.pipe(Effect.provide(context))
    const importStart = performance.now()
    const groups = Math.ceil(args.presets / presetsPerTemplate)
    for (let group = 0; group < groups; group++) {
      const count = Math.min(presetsPerTemplate, args.presets - group * presetsPerTemplate)
      yield* importer.importVersion({
        templateName: `bench-${group}`,
        files: { "main.tf": templateSource(group, count, args.instances) },
        activate: true
      })
    }
    const importMs = performance.now() - importStart
    const reconciler = yield* Reconciler.make({ settings: Settings.defaults }).pipe(Effect.provide(context))

    const fill = (yield* reconciler.reconcileOnce).report
    yield* finishJobs(storeShape)
    const steadyReports: Array<Reconciler.CycleReport> = []
    for (let i = 0; i < args.steadyCycles; i++) steadyReports.push((yield* reconciler.reconcileOnce).report)

    // Claim a tenth of the prebuilds, then measure the cycle that replaces them.
    const prebuilds = yield* storeShape.workspaces({ ownerId: Domain.SystemUserId })
    const now = yield* DateTime.now
    let claimed = 0
    for (const [index, workspace] of prebuilds.entries()) {
      if (index % 10 !== 0) continue
      const latest = yield* storeShape.latestBuild(workspace.id)
      const presetId = Option.flatMap(latest, (b) => Option.fromNullable(b.build.presetId))
      if (Option.isNone(presetId)) continue
      const taken = yield* storeShape.claim({
        templateId: workspace.templateId,
        presetId: presetId.value,
        userId: Domain.UserId.make(`bench-user-${index}`),
        name: `claimed-${index}`,
        now
      })
      if (Option.isSome(taken)) claimed++
    }
    yield* finishJobs(storeShape)
    const churn = (yield* reconciler.reconcileOnce).report

    const result: RunResult = {
      caches,
      prebuilds: fill.creates,
      importMs,
      fill: figures(fill),
      steady: {
        ms: median(steadyReports.map((r) => r.durationMs)),
        creates: median(steadyReports.map((r) => r.creates)),
        renders: median(steadyReports.map((r) => r.renders)),
        parses: median(steadyReports.map((r) => r.parses))
      },
      churn: figures(churn)
    }
    if (claimed === 0) yield* Effect.logWarning("no prebuild could be claimed")
    return result
  }).pipe(Effect.scoped)

const table = (runs: ReadonlyArray<RunResult>): string => {
  const header = [
    "caches",
    "prebuilds",
    "fill ms",
    "fill renders",
    "fill parses",
    "steady ms",
    "steady renders",
    "steady parses",
    "churn creates",
    "churn ms",
    "churn renders",
    "churn parses"
  ]
  const rows = runs.map((r) => [
    r.caches,
    String(r.prebuilds),
    r.fill.ms.toFixed(0),
    String(r.fill.renders),
    String(r.fill.parses),
    r.steady.ms.toFixed(1),
    String(r.steady.renders),
    String(r.steady.parses),
    String(r.churn.creates),
    r.churn.ms.toFixed(0),
    String(r.churn.renders),
    String(r.churn.parses)
  ])
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((row) => row[i]!.length)))
  return all.map((row) =>
    row.map((cell, i) => i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)).join("  ")
  )
    .join("\n")
}

export const run = (args: BenchReconcileArgs) =>
  Effect.gen(function*() {
    if (args.presets < 1 || args.instances < 1 || args.steadyCycles < 1) {
      yield* Console.error("--presets, --instances and --steady-cycles must be at least 1")
      return yield* exitCode(2)
    }
    const runs: Array<RunResult> = []
    for (const caches of ["live", "noop"] as const) {
      if (!args.json) {
        yield* Console.error(`reconciling ${args.presets} presets × ${args.instances} with ${caches} caches...`)
      }
      runs.push(yield* runOnce(caches, args))
    }
    yield* Console.log(args.json ? JSON.stringify({ runs }) : table(runs))
  }).pipe(
    Effect.catchAll((error) => Effect.zipRight(Console.error(`bench reconcile: ${String(error)}`), exitCode(1))),
    Effect.provide(Logger.replace(Logger.defaultLogger, Logger.withConsoleError(Logger.logfmtLogger))),
    Logger.withMinimumLogLevel(LogLevel.Error)
  )
