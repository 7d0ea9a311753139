/**
 * `warmpool serve [--config FILE] [--print-config] [--<setting> VALUE]...`
 *
 * One flag per server setting, derived from `ServerConfig.settings` (the same definitions the
 * `WARMPOOL_*` variables and the config file use), so flags cannot drift from them.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as ServerConfig from "@warmpool/server/ServerConfig"
import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as SettingFlags from "../internal/settingFlags.js"

/**
 * The flags: `--config`, `--print-config` and one per setting.
 *
 * @since 0.1.0
 */
export const serveFlags = {
  config: Options.file("config", { exists: "yes" }).pipe(
    Options.withPseudoName("path"),
    Options.withDescription(
      `A JSON file of settings keyed by flag name, e.g. {"port": 9090, "interval": "30s"}; flags and ${ServerConfig.envPrefix}_* variables override it. Env: ${ServerConfig.envPrefix}_CONFIG.`
    ),
    Options.withFallbackConfig(Config.nested(Config.string("CONFIG"), ServerConfig.envPrefix)),
    Options.optional
  ),
  printConfig: Options.boolean("print-config").pipe(
    Options.withDescription(
      "Print the effective configuration (each setting's value and source, secrets redacted) and exit."
    )
  ),
  settings: SettingFlags.flags(ServerConfig.settings, ServerConfig.envPrefix)
}

/**
 * @since 0.1.0
 */
export const serveCommand = Command.make(
  "serve",
  serveFlags,
  (flags) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/serve.js")), (handler) =>
      handler.run({
        configFile: Option.getOrUndefined(flags.config),
        printConfig: flags.printConfig,
        flags: SettingFlags.given(ServerConfig.settings, flags.settings)
      }))
).pipe(
  Command.withDescription(
    "Run the service: the HTTP API and web console, the reconciler and the provisioner, on the embedded SQLite store or PostgreSQL. Exit status 2 for invalid settings, 1 when the service cannot start."
  )
)
