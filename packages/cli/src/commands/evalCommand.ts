/**
 * `warmpool eval '<expr>' [--var NAME=JSON]... [--json]`
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import { pairs } from "../internal/keyValue.js"

/**
 * @since 0.1.0
 */
export const evalCommand = Command.make(
  "eval",
  {
    expression: Args.text({ name: "expression" }).pipe(
      Args.withDescription("An HCL expression, e.g. 'upper(var.name)'.")
    ),
    vars: pairs("var", "A variable as NAME=JSON (repeatable), read as var.NAME.", "NAME=JSON"),
    json: Options.boolean("json").pipe(
      Options.withDescription(
        "Print {\"value\", \"type\", \"known\", \"diagnostics\"} (sets as arrays, unknown as null)."
      )
    )
  },
  (args) => Effect.flatMap(Effect.promise(() => import("../handlers/eval.js")), (handler) => handler.run(args))
).pipe(Command.withDescription("Evaluate an HCL expression with Terraform's semantics. Exit status 1 on errors."))
