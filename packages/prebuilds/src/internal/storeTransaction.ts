/**
 * Transactions of the store. Every transaction runs on a connection of its own, reserved from
 * the client, whatever the caller's context holds: a write made while the reconcile lock's
 * read-only transaction is open never joins that transaction.
 *
 * @internal
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Option from "effect/Option"
import { type Dialect, readBoolean } from "./storeDialect.js"

/**
 * Runs `effect` without any transaction connection of the caller's context, so its statements
 * take a connection of their own.
 *
 * @internal
 */
export const outsideTransactions = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.locallyWith(effect, FiberRef.currentContext, Context.omit(SqlClient.TransactionConnection))

const execute = (conn: Connection, statement: string) => conn.executeUnprepared(statement, [], undefined)

/**
 * `effect` in a transaction begun with `begin` on a freshly reserved connection: committed when
 * it succeeds, rolled back when it fails or is interrupted. A failed commit is rolled back and
 * reported as the `SqlError` it is (the SQL layer's own helper turns it into a defect).
 *
 * @internal
 */
export const transaction =
  (sql: SqlClient.SqlClient, begin: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
    outsideTransactions(
      Effect.scoped(
        Effect.uninterruptibleMask((restore) =>
          Effect.gen(function*() {
            const conn = yield* restore(sql.reserve)
            yield* execute(conn, begin)
            const exit = yield* Effect.exit(
              restore(Effect.provideService(effect, SqlClient.TransactionConnection, [conn, 0] as const))
            )
            if (Exit.isFailure(exit)) {
              yield* Effect.ignore(execute(conn, "ROLLBACK"))
              return yield* Effect.failCause(exit.cause)
            }
            const committed = yield* Effect.exit(execute(conn, "COMMIT"))
            if (Exit.isFailure(committed)) {
              yield* Effect.ignore(execute(conn, "ROLLBACK"))
              return yield* Effect.failCause(committed.cause)
            }
            return exit.value
          })
        )
      )
    )

/**
 * The store's two kinds of transactions.
 *
 * @internal
 */
export interface Transactions {
  /** A short write transaction (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: read committed). */
  readonly write: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | SqlError, R>
  /** A consistent multi-statement read (PostgreSQL: read-only repeatable read). */
  readonly read: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | SqlError, R>
}

/**
 * @internal
 */
export const makeTransactions = (sql: SqlClient.SqlClient, dialect: Dialect): Transactions => ({
  write: transaction(sql, dialect.beginWrite),
  read: transaction(sql, dialect.beginRead)
})

/**
 * Routes the statements of an effect through a given transaction connection.
 *
 * @internal
 */
export type OnConnection = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>

/**
 * The PostgreSQL reconcile lock (docs/prebuilds.md §3.2): a read-only repeatable-read transaction on a reserved
 * connection that tries `pg_try_advisory_xact_lock(lockId)`. Lost → `None` (the transaction is
 * ended at once). Won → `body` runs with a function that routes statements through the lock's
 * connection (the body itself does not run in the transaction: its writes take other
 * connections), and the transaction ends after the body, which releases the lock. Failures of
 * the lock's own statements are reported through `onSqlError`; the body's errors pass as they
 * are.
 *
 * @internal
 */
export const pgReconcileLock =
  <X>(sql: SqlClient.SqlClient, lockId: bigint, onSqlError: (error: SqlError) => X) =>
  <A, E, R>(body: (onLockConnection: OnConnection) => Effect.Effect<A, E, R>): Effect.Effect<
    Option.Option<A>,
    E | X,
    R
  > =>
    outsideTransactions(
      Effect.scoped(
        Effect.uninterruptibleMask((restore) =>
          Effect.gen(function*() {
            const conn = yield* Effect.mapError(restore(sql.reserve), onSqlError)
            yield* Effect.mapError(execute(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"), onSqlError)
            const attempt = yield* Effect.exit(
              restore(execute(conn, `SELECT pg_try_advisory_xact_lock(${lockId.toString()}) AS locked`))
            )
            if (Exit.isFailure(attempt)) {
              yield* Effect.ignore(execute(conn, "ROLLBACK"))
              return yield* Effect.failCause(attempt.cause).pipe(Effect.mapError(onSqlError))
            }
            if (!readBoolean(attempt.value[0]?.locked)) {
              yield* Effect.ignore(execute(conn, "ROLLBACK"))
              return Option.none<A>()
            }
            const onLockConnection: OnConnection = (effect) =>
              Effect.provideService(effect, SqlClient.TransactionConnection, [conn, 0] as const)
            const exit = yield* Effect.exit(restore(body(onLockConnection)))
            // The transaction only read: ending it either way releases the lock.
            yield* Effect.ignore(execute(conn, Exit.isSuccess(exit) ? "COMMIT" : "ROLLBACK"))
            return yield* Effect.map(exit, Option.some)
          })
        )
      )
    )

/**
 * A 63-bit advisory lock id derived from a text (FNV-1a, 64-bit, top bit cleared so that it is
 * a positive `bigint` in PostgreSQL).
 *
 * @internal
 */
export const lockIdFor = (text: string): bigint => {
  const mask = (1n << 64n) - 1n
  let hash = 0xcbf29ce484222325n
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte)
    hash = (hash * 0x100000001b3n) & mask
  }
  return hash & ((1n << 63n) - 1n)
}
