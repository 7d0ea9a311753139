/**
 * PostgreSQL for the replica suite: `WARMPOOL_PG_URL` (skipped with a clear message when unset,
 * a failure when `WARMPOOL_REQUIRE_PG=1`), a fresh schema per test, and the `--db` URL that puts a
 * spawned `warmpool serve` into that schema.
 */
import { Store } from "@warmpool/prebuilds"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { randomUUID } from "node:crypto"

/** The server URL, `undefined` when `WARMPOOL_PG_URL` is unset or empty. */
export const pgUrl: string | undefined = process.env.WARMPOOL_PG_URL === "" ? undefined : process.env.WARMPOOL_PG_URL

/** `WARMPOOL_REQUIRE_PG=1`: a missing URL fails instead of skipping. */
export const pgRequired: boolean = process.env.WARMPOOL_REQUIRE_PG === "1"

export const pgSkipReason = "WARMPOOL_PG_URL is not set: the PostgreSQL replica suite needs a server " +
  "(e.g. postgres://warmpool:warmpool@127.0.0.1:5432/warmpool; WARMPOOL_REQUIRE_PG=1 makes this a failure)"

/**
 * The SQL client under `Store.layerPgClient`, looked up by its tag key: `@effect/sql` is a
 * dependency of the prebuilds package, not of the root test project, so only the one method used
 * here is typed.
 */
interface SqlClient {
  readonly unsafe: (sql: string) => Effect.Effect<unknown, unknown>
}
const SqlClient = Context.GenericTag<SqlClient>("@effect/sql/SqlClient")

const admin = <A>(url: string, use: (sql: SqlClient) => Effect.Effect<A, unknown>): Promise<A> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(Layer.build(Store.layerPgClient({ url, maxConnections: 1 })), (context) =>
        use(Context.unsafeGet(context, SqlClient)))
    )
  )

/** Creates a schema of its own for a test; returns its name. */
export const createSchema = async (url: string): Promise<string> => {
  const schema = `wp_e2e_${randomUUID().replaceAll("-", "").slice(0, 16)}`
  await admin(url, (sql) => sql.unsafe(`CREATE SCHEMA ${schema}`))
  return schema
}

/** Drops a test's schema with everything in it. */
export const dropSchema = (url: string, schema: string): Promise<void> =>
  admin(url, (sql) => Effect.asVoid(sql.unsafe(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)))

/** The `--db` URL of a server working in `schema` (`options=-c search_path=<schema>`). */
export const urlInSchema = (url: string, schema: string): string => {
  const parsed = new URL(url)
  parsed.searchParams.set("options", `-c search_path=${schema}`)
  return parsed.toString()
}
