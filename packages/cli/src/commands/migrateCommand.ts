/**
 * `warmpool migrate [--db FILE|postgres://…]`
 *
 * `--db` is `serve`'s own setting (`ServerConfig.settings.db`): same flag, `WARMPOOL_DB`, default.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as ServerConfig from "@warmpool/server/ServerConfig"
import * as Effect from "effect/Effect"
import * as SettingFlags from "../internal/settingFlags.js"

/**
 * The settings `migrate` shares with `serve`.
 *
 * @since 0.1.0
 */
export const migrateSettings: Pick<ServerConfig.Settings, "db"> = { db: ServerConfig.settings.db }

/**
 * @since 0.1.0
 */
export const migrateCommand = Command.make(
  "migrate",
  { settings: SettingFlags.flags(migrateSettings, ServerConfig.envPrefix) },
  (args) =>
    Effect.flatMap(
      Effect.promise(() => import("../handlers/migrate.js")),
      (handler) => handler.run({ flags: SettingFlags.given(migrateSettings, args.settings) })
    )
).pipe(Command.withDescription("Apply the store's schema migrations (serve also applies them at start)."))
