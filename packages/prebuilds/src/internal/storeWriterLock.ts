/**
 * The one-writer lock of a SQLite file (issue 17): a lease row in `store_locks`, taken when the
 * store opens, renewed by a fiber of the store's scope and deleted when it closes. A second
 * process is refused with a message naming the holder; a crashed holder's row is taken over once
 * its lease has expired, or at once when the caller can tell that the holder's process is gone
 * (same host, no such pid). A row survives a crash, so the lock is crash-safe without any
 * operating-system lock.
 *
 * @internal
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import type { WriterLockOptions } from "../Store.js"
import { readNumber } from "./storeDialect.js"
import { conflict, operation, type StoreError } from "./storeError.js"
import type { Transactions } from "./storeTransaction.js"

const lockName = "writer"

const take = (sql: SqlClient.SqlClient, tx: Transactions, options: WriterLockOptions) =>
  tx.write(Effect.gen(function*() {
    const now = DateTime.toEpochMillis(yield* DateTime.now)
    const until = now + Duration.toMillis(options.lease)
    const rows = yield* sql<{ readonly holder: string; readonly expires_at: unknown }>`SELECT holder, expires_at
      FROM store_locks WHERE name = ${lockName}`
    const row = rows[0]
    if (row === undefined) {
      yield* sql`INSERT INTO store_locks ${
        sql.insert({ name: lockName, holder: options.holder, acquired_at: now, expires_at: until })
      }`
      return undefined
    }
    const expiresAt = readNumber(row.expires_at)
    const gone = row.holder !== options.holder && (now > expiresAt || options.holderGone?.(row.holder) === true)
    if (row.holder !== options.holder && !gone) {
      return yield* Effect.fail(conflict(
        "open",
        `the database is in use by another warmpool process: ${row.holder} holds its writer lock until ${
          DateTime.formatIso(DateTime.unsafeMake(expiresAt))
        } (renewed while it runs; a crashed holder's lock is taken over once that lease expires)`
      ))
    }
    yield* sql`UPDATE store_locks SET holder = ${options.holder}, acquired_at = ${now}, expires_at = ${until}
      WHERE name = ${lockName}`
    return row.holder === options.holder ? undefined : row.holder
  }))

/**
 * Takes the lock (failing with a `Conflict` naming the holder), renews it every
 * `options.renewEvery` in the current scope and releases it when the scope closes.
 *
 * @internal
 */
export const holdWriterLock = (
  sql: SqlClient.SqlClient,
  tx: Transactions,
  options: WriterLockOptions
): Effect.Effect<void, StoreError, Scope.Scope> =>
  Effect.gen(function*() {
    const previous = yield* operation("open")(take(sql, tx, options))
    if (previous !== undefined) {
      yield* Effect.logWarning(`store: took the database's writer lock over from ${previous} (it stopped)`)
    }
    const renew = Effect.gen(function*() {
      const now = DateTime.toEpochMillis(yield* DateTime.now)
      const kept = yield* sql`UPDATE store_locks SET expires_at = ${now + Duration.toMillis(options.lease)}
        WHERE name = ${lockName} AND holder = ${options.holder} RETURNING name`
      if (kept.length === 0) {
        yield* Effect.logError(
          `store: this process (${options.holder}) lost the database's writer lock; another process writes to it now`
        )
      }
    }).pipe(
      Effect.catchAll((error) =>
        Effect.logWarning("store: could not renew the writer lock").pipe(Effect.annotateLogs({ error: error.message }))
      )
    )
    // Added before the renewal fiber, so it runs after that fiber has been interrupted.
    yield* Effect.addFinalizer(() =>
      Effect.ignore(sql`DELETE FROM store_locks WHERE name = ${lockName} AND holder = ${options.holder}`)
    )
    yield* Effect.forkScoped(Effect.repeat(renew, Schedule.spaced(options.renewEvery)))
  })
