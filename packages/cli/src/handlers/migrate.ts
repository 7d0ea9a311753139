/**
 * `warmpool migrate`: apply the store's schema migrations.
 */
import { Migrations } from "@warmpool/prebuilds"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { exitCode } from "../internal/keyValue.js"
import { isPostgres, sqlClient } from "./storeClient.js"

const redact = (db: string) => (isPostgres(db) ? db.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@") : db)

export const run = (args: { readonly db: string }) =>
  Effect.gen(function*() {
    const applied = yield* Migrations.migrate
    if (applied.length === 0) {
      yield* Console.log(`${redact(args.db)}: schema up to date (migration ${Migrations.latestId})`)
    } else {
      for (const [id, name] of applied) yield* Console.log(`${redact(args.db)}: applied migration ${id} ${name}`)
    }
  }).pipe(
    Effect.provide(sqlClient(args.db)),
    Effect.catchAll((error) => Effect.zipRight(Console.error(`warmpool migrate: ${error.message}`), exitCode(1)))
  )
