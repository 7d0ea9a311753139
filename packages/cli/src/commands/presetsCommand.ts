/**
 * `warmpool presets <dir> [--json]` and `warmpool presets resume <template>/<preset> --url --token`.
 *
 * The resume form shares the command (rather than a sub-command) because `presets` takes a
 * positional directory: a sub-command would make `resume` ambiguous with a directory of that name.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as ServerConfig from "@warmpool/server/ServerConfig"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

/** A variable of the application's namespace: the `WARMPOOL` prefix is applied here, once. */
const env = (name: string) => Config.nested(Config.string(name), ServerConfig.envPrefix)

/**
 * @since 0.1.0
 */
export const presetsCommand = Command.make(
  "presets",
  {
    dir: Args.text({ name: "dir" }).pipe(
      Args.withDescription("The template directory, or the word resume followed by <template>/<preset>.")
    ),
    target: Args.text({ name: "template/preset" }).pipe(
      Args.withDescription("With resume: the preset to resume on a running server."),
      Args.optional
    ),
    json: Options.boolean("json").pipe(Options.withDescription("Print {\"presets\": [...]} as JSON.")),
    url: Options.text("url").pipe(
      Options.withFallbackConfig(env("URL")),
      Options.withDefault("http://127.0.0.1:8080"),
      Options.withDescription("With resume: the server's base URL (env WARMPOOL_URL).")
    ),
    token: Options.text("token").pipe(
      Options.withFallbackConfig(env("TOKEN")),
      Options.withDefault(""),
      Options.withDescription("With resume: the server's bearer token (env WARMPOOL_TOKEN).")
    )
  },
  (args) => {
    const target = Option.getOrUndefined(args.target)
    return args.dir === "resume" && target !== undefined
      ? Effect.flatMap(
        Effect.promise(() => import("../handlers/presetsResume.js")),
        (handler) => handler.run({ target, url: args.url, token: args.token, json: args.json })
      )
      : Effect.flatMap(
        Effect.promise(() => import("../handlers/presets.js")),
        (handler) => handler.run({ dir: args.dir, json: args.json })
      )
  }
).pipe(
  Command.withDescription(
    "Show a template's presets as an import would store them: prebuilds, expiration, scheduling and validation. Exit status 1 when a preset fails validation. `presets resume <template>/<preset>` lifts a hard limit or a quarantine on a running server."
  )
)
