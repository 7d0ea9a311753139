/**
 * `warmpool migrate`: apply the store's schema migrations.
 */
import { Migrations } from "@warmpool/prebuilds"
import * as ServerConfig from "@warmpool/server/ServerConfig"
import * as Setting from "@warmpool/server/Setting"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { migrateSettings } from "../commands/migrateCommand.js"
import { exitCode } from "../internal/keyValue.js"
import { sqlClient } from "./storeClient.js"

export const run = (args: { readonly flags: Readonly<Record<string, Setting.Raw | undefined>> }) =>
  Effect.gen(function*() {
    const loaded = yield* Effect.either(Setting.load(migrateSettings, { flags: args.flags }, ServerConfig.envPrefix))
    if (loaded._tag === "Left") {
      yield* Console.error(`warmpool migrate: ${loaded.left.message}`)
      return yield* exitCode(2)
    }
    const db = loaded.right.values.db
    const shown = Setting.pathOrUrl.show(db)
    yield* Effect.gen(function*() {
      const applied = yield* Migrations.migrate
      if (applied.length === 0) {
        yield* Console.log(`${shown}: schema up to date (migration ${Migrations.latestId})`)
      } else {
        for (const [id, name] of applied) yield* Console.log(`${shown}: applied migration ${id} ${name}`)
      }
    }).pipe(
      Effect.provide(sqlClient(db)),
      Effect.catchAll((error) => Effect.zipRight(Console.error(`warmpool migrate: ${error.message}`), exitCode(1)))
    )
  })
