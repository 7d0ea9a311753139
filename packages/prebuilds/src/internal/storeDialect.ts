/**
 * Everything that differs between SQLite and PostgreSQL, in one place. The queries themselves
 * are written once in the common subset (`TRUE`/`FALSE` literals, `RETURNING`, window
 * functions, `ON CONFLICT DO NOTHING`, partial indexes) and splice these fragments in.
 *
 * @internal
 */
import type * as SqlClient from "@effect/sql/SqlClient"

/**
 * @internal
 */
export interface Dialect {
  readonly name: "sqlite" | "pg"
  /** The column type of file contents. */
  readonly blobType: string
  /**
   * Begins a write transaction. SQLite takes the write lock at once (`IMMEDIATE`), so a
   * transaction never fails half-way when it upgrades from reading to writing.
   */
  readonly beginWrite: string
  /** Begins a multi-statement read with one consistent view. */
  readonly beginRead: string
  /** Row lock for a re-read inside a write transaction (nothing on SQLite: one writer). */
  readonly forUpdate: string
  /** Row lock that passes over rows other transactions hold (claims, job pickup). */
  readonly forUpdateSkipLocked: (alias: string) => string
}

const sqlite: Dialect = {
  name: "sqlite",
  blobType: "BLOB",
  beginWrite: "BEGIN IMMEDIATE",
  beginRead: "BEGIN",
  forUpdate: "",
  forUpdateSkipLocked: () => ""
}

const pg: Dialect = {
  name: "pg",
  blobType: "BYTEA",
  beginWrite: "BEGIN",
  beginRead: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
  forUpdate: " FOR UPDATE",
  forUpdateSkipLocked: (alias) => ` FOR UPDATE OF ${alias} SKIP LOCKED`
}

/**
 * The dialect of a client: PostgreSQL for `pg`, SQLite for everything else the store accepts.
 *
 * @internal
 */
export const dialectOf = (sql: SqlClient.SqlClient): Dialect =>
  sql.onDialectOrElse({ pg: () => pg, orElse: () => sqlite })

/**
 * A boolean column as read back: PostgreSQL returns booleans, SQLite 0/1.
 *
 * @internal
 */
export const readBoolean = (value: unknown): boolean =>
  value === true || value === 1 || value === 1n || value === "1" || value === "t" || value === "true"

/**
 * An integer column as read back: PostgreSQL returns `bigint` columns and counts as strings.
 *
 * @internal
 */
export const readNumber = (value: unknown): number => typeof value === "number" ? value : Number(value)

/**
 * A nullable integer column as read back.
 *
 * @internal
 */
export const readNullableNumber = (value: unknown): number | null =>
  value === null || value === undefined ? null : readNumber(value)

/**
 * A boolean as bound into a statement (SQLite cannot bind booleans; PostgreSQL reads `1`/`0`
 * as booleans).
 *
 * @internal
 */
export const bindBoolean = (value: boolean): number => value ? 1 : 0

/**
 * Bytes as bound into a statement (both drivers take a `Buffer`).
 *
 * @internal
 */
export const bindBytes = (bytes: Uint8Array): Buffer => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)

/**
 * A blob column as read back, as a plain `Uint8Array` copy.
 *
 * @internal
 */
export const readBytes = (value: unknown): Uint8Array => {
  if (value instanceof Uint8Array) return new Uint8Array(value)
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0))
  return new Uint8Array(0)
}
