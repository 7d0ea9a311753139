/**
 * `warmpool simulate <templates-root> [--cycles N] [--interval D] [--fail-rate X] [--json]`
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"

/**
 * @since 0.1.0
 */
export const simulateCommand = Command.make(
  "simulate",
  {
    root: Args.directory({ name: "templates-root", exists: "yes" }).pipe(
      Args.withDescription("A directory whose sub-directories are templates (each becomes one template).")
    ),
    cycles: Options.integer("cycles").pipe(
      Options.withDescription("Reconciliation cycles to run."),
      Options.withDefault(10)
    ),
    interval: Options.text("interval").pipe(
      Options.withDescription("Virtual time between cycles: Go syntax (30s, 1m, 1h30m) or Effect's (5 minutes)."),
      Options.withDefault("1m")
    ),
    failRate: Options.float("fail-rate").pipe(
      Options.withDescription("Fraction of builds the echo provisioner fails, 0 to 1."),
      Options.withDefault(0)
    ),
    json: Options.boolean("json").pipe(
      Options.withDescription(
        "One JSON object per cycle and line: {\"cycle\", \"creates\", \"deletes\", \"renders\", \"parses\", \"cacheHits\", \"presets\": [{\"template\", \"preset\", \"desired\", \"running\", \"status\"}]} (import notes go to stderr)."
      )
    )
  },
  (args) => Effect.flatMap(Effect.promise(() => import("../handlers/simulate.js")), (handler) => handler.run(args))
).pipe(
  Command.withDescription(
    "Import every sub-directory as a template into an in-memory store and run the reconciler on virtual time with the echo provisioner, printing one line per cycle. Exit status 2 for usage errors."
  )
)
