/**
 * `warmpool bench reconcile [--presets N] [--instances N] [--steady-cycles N] [--sqlite-file] [--json]`
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"

/**
 * @since 0.1.0
 */
export const benchReconcileCommand = Command.make(
  "reconcile",
  {
    presets: Options.integer("presets").pipe(
      Options.withDescription("Prebuilt presets (10 per generated template)."),
      Options.withDefault(200)
    ),
    instances: Options.integer("instances").pipe(
      Options.withDescription("Prebuilds per preset."),
      Options.withDefault(5)
    ),
    steadyCycles: Options.integer("steady-cycles").pipe(
      Options.withDescription("Steady-state cycles measured (the median is reported)."),
      Options.withDefault(5)
    ),
    sqliteFile: Options.boolean("sqlite-file").pipe(
      Options.withDescription("Use a SQLite file in a temporary directory instead of an in-memory database.")
    ),
    json: Options.boolean("json").pipe(Options.withDescription("Print {\"runs\": [{caches, ...fields}]}."))
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/benchReconcile.js")), (handler) => handler.run(args))
).pipe(
  Command.withDescription(
    "Reconcile generated templates on SQLite with live caches and with no-op caches, in one run: the cycle that fills the pools, steady-state cycles, and a cycle replacing claimed prebuilds (time, creates, renders, parses)."
  )
)
