/**
 * `warmpool migrate [--db FILE|postgres://…]`
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Effect from "effect/Effect"
import { dbOption } from "../internal/dbOption.js"

/**
 * @since 0.1.0
 */
export const migrateCommand = Command.make(
  "migrate",
  { db: dbOption },
  (args) => Effect.flatMap(Effect.promise(() => import("../handlers/migrate.js")), (handler) => handler.run(args))
).pipe(Command.withDescription("Apply the store's schema migrations (serve also applies them at start)."))
