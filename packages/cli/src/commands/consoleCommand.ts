/**
 * `warmpool console [--var NAME=JSON]... [--template DIR] [--param NAME=VALUE]... [--json]`
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { pairs } from "../internal/keyValue.js"

/**
 * @since 0.1.0
 */
export const consoleCommand = Command.make(
  "console",
  {
    vars: pairs("var", "A variable as NAME=JSON (repeatable), read as var.NAME."),
    template: Options.directory("template", { exists: "yes" }).pipe(
      Options.withDescription("Evaluate in this template's root module: its variables, locals and parameters."),
      Options.optional
    ),
    params: pairs("param", "With --template: a parameter value as NAME=VALUE (repeatable)."),
    json: Options.boolean("json").pipe(
      Options.withDescription(
        "Read one JSON object {\"expr\", \"vars\"} per line; print one {\"value\", \"type\", \"known\", \"diagnostics\"} per line."
      )
    )
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/console.js")), (handler) =>
      handler.run({
        vars: args.vars,
        template: Option.getOrUndefined(args.template),
        params: args.params,
        json: args.json
      }))
).pipe(
  Command.withDescription(
    "Read HCL expressions from standard input, one per line (open brackets and heredocs continue), and print each value, as terraform console."
  )
)
