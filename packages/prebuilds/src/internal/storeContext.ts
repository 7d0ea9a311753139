/**
 * What every group of store queries works with.
 *
 * @internal
 */
import type * as SqlClient from "@effect/sql/SqlClient"
import { randomUUID } from "node:crypto"
import type { Dialect } from "./storeDialect.js"
import type { Transactions } from "./storeTransaction.js"

/**
 * @internal
 */
export interface StoreContext {
  readonly sql: SqlClient.SqlClient
  readonly dialect: Dialect
  readonly tx: Transactions
}

/**
 * A new row id.
 *
 * @internal
 */
export const newId = <A extends string>(): A => randomUUID() as A
