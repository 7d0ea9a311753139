/**
 * The `--db` option shared by `serve` and `migrate`: a SQLite file (the embedded default) or a
 * `postgres://` URL, with `WARMPOOL_DB` as fallback.
 */
import * as Options from "@effect/cli/Options"
import * as Config from "effect/Config"

export const defaultDb = "./.warmpool/warmpool.db"

export const dbOption = Options.text("db").pipe(
  Options.withDescription(`A SQLite database file (default ${defaultDb}) or a postgres:// URL (several replicas).`),
  Options.withFallbackConfig(Config.string("WARMPOOL_DB")),
  Options.withDefault(defaultDb)
)
