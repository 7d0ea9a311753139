/**
 * `warmpool bench render [--templates DIR]... [--json]`, `bench isolation`, `bench http`, `bench reconcile`
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as fs from "node:fs"
import * as path from "node:path"
import { benchReconcileCommand } from "./benchReconcileCommand.js"

const defaultRoots = (): ReadonlyArray<string> => {
  const corpus = path.resolve("..", "shared", "corpus", "templates")
  return fs.existsSync(corpus) ? [corpus] : [path.resolve("examples", "templates")]
}

const renderBench = Command.make(
  "render",
  {
    templates: Options.directory("templates", { exists: "yes" }).pipe(
      Options.withDescription(
        "A directory of templates (or one template); repeatable. Default: ../shared/corpus/templates when present, else examples/templates."
      ),
      Options.repeated
    ),
    synthetic: Options.text("synthetic").pipe(
      Options.withDescription(
        "Also measure generated templates with these parameter counts, comma-separated (e.g. 10,100,1000; named synthetic-N). Alone (without --templates) it measures only the generated templates."
      ),
      Options.withDefault("")
    ),
    json: Options.boolean("json").pipe(Options.withDescription("Print {\"templates\": [{name, ...fields}]}.")),
    budget: Options.integer("budget-ms").pipe(
      Options.withDescription("Time spent on each measurement, in milliseconds."),
      Options.withDefault(1500)
    )
  },
  (args) => {
    const synthetic = args.synthetic.split(",").map((n) => Number(n.trim())).filter((n) => Number.isInteger(n) && n > 0)
    return Effect.flatMap(Effect.promise(() => import("../handlers/benchRender.js")), (handler) =>
      handler.run({
        roots: args.templates.length > 0 ? args.templates : synthetic.length > 0 ? [] : defaultRoots(),
        synthetic,
        json: args.json,
        budgetMs: args.budget
      }))
  }
).pipe(
  Command.withDescription(
    "Measure parse, cold render, warm render, cache miss, output-cache-only miss, cache hit and hash floor per template (medians of one run, wall and CPU time, steps rotated per round; impossible results flagged)."
  )
)

const isolationBench = Command.make(
  "isolation",
  {
    templates: Options.directory("templates", { exists: "yes" }).pipe(
      Options.withDescription(
        "Templates for the render-overhead measurement (a directory of templates or one); repeatable. Default: examples/templates."
      ),
      Options.repeated
    ),
    json: Options.boolean("json").pipe(Options.withDescription("Print {\"healthz\": [...], \"overhead\": [...]}.")),
    budget: Options.integer("budget-ms").pipe(
      Options.withDescription("Time spent on each overhead measurement, in milliseconds."),
      Options.withDefault(1500)
    ),
    imports: Options.integer("imports").pipe(
      Options.withDescription("Imports of the ~350 KiB template per server."),
      Options.withDefault(3)
    )
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/benchIsolation.js")), (handler) =>
      handler.run({
        roots: args.templates.length > 0 ? args.templates : [path.resolve("examples", "templates")],
        json: args.json,
        budgetMs: args.budget,
        imports: Math.max(1, args.imports)
      }))
).pipe(
  Command.withDescription(
    "Measure /healthz latency while a ~350 KiB template is imported (render workers vs in process) and the worker pool's overhead per warm render."
  )
)

const httpBench = Command.make(
  "http",
  {
    json: Options.boolean("json").pipe(
      Options.withDescription("Print {\"healthzCpuUs\", \"renderHitCpuUs\", \"renderMissCpuUs\", \"requests\"}.")
    ),
    batch: Options.integer("batch").pipe(
      Options.withDescription("Requests of each kind per round."),
      Options.withDefault(300)
    ),
    rounds: Options.integer("rounds").pipe(
      Options.withDescription("Rounds (the order rotates)."),
      Options.withDefault(9)
    ),
    renderWorkers: Options.integer("render-workers").pipe(
      Options.withDescription("The server's render workers (0: render on the serving thread). Default: the server's."),
      Options.optional
    )
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/benchHttp.js")), (handler) =>
      handler.run({
        json: args.json,
        batch: Math.max(1, args.batch),
        rounds: Math.max(1, args.rounds),
        renderWorkers: Option.getOrUndefined(args.renderWorkers)
      }))
).pipe(
  Command.withDescription(
    "Server CPU per request of a real server on loopback: /healthz, a render cache hit and a miss (medians of interleaved rounds)."
  )
)

/**
 * @since 0.1.0
 */
export const benchCommand = Command.make("bench").pipe(
  Command.withDescription("Benchmarks."),
  Command.withSubcommands([renderBench, isolationBench, httpBench, benchReconcileCommand])
)
