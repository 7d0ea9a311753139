/**
 * `warmpool presets <dir> [--json]`
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
export const presetsCommand = Command.make(
  "presets",
  {
    dir: Args.directory({ name: "dir", exists: "either" }).pipe(Args.withDescription("The template directory.")),
    json: Options.boolean("json").pipe(Options.withDescription("Print {\"presets\": [...]} as JSON."))
  },
  (args) => Effect.flatMap(Effect.promise(() => import("../handlers/presets.js")), (handler) => handler.run(args))
).pipe(
  Command.withDescription(
    "Show a template's presets as an import would store them: prebuilds, expiration, scheduling and validation. Exit status 1 when a preset fails validation."
  )
)
