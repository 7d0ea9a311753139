/**
 * The store's one error type and the mapping from `@effect/sql` failures onto it.
 *
 * @internal
 */
import type { SqlError } from "@effect/sql/SqlError"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"

/**
 * Why a store operation failed:
 *
 * - `Database`: the database could not be reached or rejected a statement;
 * - `Conflict`: a uniqueness rule or a precondition of the operation does not hold (a name
 *   taken, a version of another template, a status that cannot go back);
 * - `NotFound`: an id named by the caller does not exist;
 * - `Migration`: the schema could not be brought up to date;
 * - `Injected`: a failure injected by `withFaults` (tests).
 *
 * @internal
 */
export type StoreErrorReason = "Database" | "Conflict" | "NotFound" | "Migration" | "Injected"

/**
 * A failed store operation. `operation` names the store method.
 *
 * @internal
 */
export class StoreError extends Data.TaggedError("StoreError")<{
  readonly operation: string
  readonly reason: StoreErrorReason
  readonly message: string
  readonly cause?: unknown
}> {}

const uniqueViolation = (cause: unknown): boolean => {
  if (typeof cause !== "object" || cause === null) return false
  const code = (cause as { readonly code?: unknown }).code
  // PostgreSQL: unique_violation; SQLite: SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY.
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY"
}

const causeMessage = (cause: unknown): string =>
  cause instanceof Error ? cause.message : typeof cause === "string" ? cause : ""

/**
 * A `StoreError` for a failed SQL statement: unique violations become `Conflict`, the rest
 * `Database`.
 *
 * @internal
 */
export const fromSqlError = (operation: string, error: SqlError): StoreError => {
  const detail = causeMessage(error.cause)
  const message = detail === "" ? error.message : `${error.message}: ${detail}`
  return new StoreError({
    operation,
    reason: uniqueViolation(error.cause) ? "Conflict" : "Database",
    message,
    cause: error
  })
}

/**
 * Runs a store operation: SQL failures become `StoreError`s named after `operation`, and a
 * defect carrying an `SqlError` (the SQL layer turns some commit and rollback failures into
 * defects) is recovered the same way. Other defects stay defects.
 *
 * @internal
 */
export const operation = (name: string) =>
<A, E, R>(
  effect: Effect.Effect<A, E | SqlError, R>
): Effect.Effect<A, Exclude<E, SqlError> | StoreError, R> =>
  effect.pipe(
    Effect.catchIf(
      (error): error is SqlError => isSqlError(error),
      (error) => Effect.fail(fromSqlError(name, error))
    ),
    Effect.catchAllDefect((defect) => isSqlError(defect) ? Effect.fail(fromSqlError(name, defect)) : Effect.die(defect))
  ) as Effect.Effect<A, Exclude<E, SqlError> | StoreError, R>

const isSqlError = (value: unknown): value is SqlError =>
  typeof value === "object" && value !== null && (value as { readonly _tag?: unknown })._tag === "SqlError"

/**
 * A `StoreError` for a missing row.
 *
 * @internal
 */
export const notFound = (operation: string, message: string): StoreError =>
  new StoreError({ operation, reason: "NotFound", message })

/**
 * A `StoreError` for a broken precondition.
 *
 * @internal
 */
export const conflict = (operation: string, message: string): StoreError =>
  new StoreError({ operation, reason: "Conflict", message })
