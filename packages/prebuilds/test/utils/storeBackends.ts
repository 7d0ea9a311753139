/**
 * The databases the store suites run on: SQLite in memory, SQLite in a temp file, and
 * PostgreSQL when `WARMPOOL_PG_URL` is set (each test gets a fresh schema, dropped at the end).
 * `WARMPOOL_REQUIRE_PG=1` turns a missing URL into a failing test instead of a skipped suite.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { randomUUID } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Store from "../../src/Store.js"

export const pgUrl: string | undefined = process.env.WARMPOOL_PG_URL === "" ? undefined : process.env.WARMPOOL_PG_URL
export const pgRequired: boolean = process.env.WARMPOOL_REQUIRE_PG === "1"

export type BackendName = "sqlite-memory" | "sqlite-file" | "pg"

/** What a test knows about the database under its store. */
export interface TestDatabaseShape {
  readonly backend: BackendName
  /**
   * Another store on the same database with a client (pool) of its own, like a second replica.
   * Not available for `:memory:` SQLite.
   */
  readonly openAnother: (
    options?: Store.StoreOptions
  ) => Effect.Effect<Store.StoreShape, Store.StoreError, Scope.Scope>
  /** The SQLite file or the PostgreSQL schema. */
  readonly location: string
}

export class TestDatabase extends Context.Tag("test/TestDatabase")<TestDatabase, TestDatabaseShape>() {}

/** The services of a store test: the store, the SQL client under it, and the database. */
export type StoreServices = Store.Store | SqlClient.SqlClient | TestDatabase

export interface Backend {
  readonly name: BackendName
  readonly title: string
  /** A fresh, migrated, empty database per use. */
  readonly layer: (options?: Store.StoreOptions) => Layer.Layer<StoreServices, unknown>
}

const storeOn = (client: Layer.Layer<SqlClient.SqlClient, Store.StoreError>, options: Store.StoreOptions) =>
  Effect.map(Layer.build(Store.layer(options).pipe(Layer.provide(client))), Context.get(Store.Store))

const sqliteMemory: Backend = {
  name: "sqlite-memory",
  title: "SQLite :memory:",
  layer: (options = {}) =>
    Store.layer(options).pipe(
      Layer.provideMerge(Store.layerSqliteClient(":memory:")),
      Layer.merge(Layer.succeed(TestDatabase, {
        backend: "sqlite-memory",
        location: ":memory:",
        openAnother: () => Effect.dieMessage("a :memory: database cannot be opened twice")
      }))
    )
}

/** A new temp directory, removed when the scope closes. */
export const tempDirectory: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-store-"))),
  (directory) => Effect.sync(() => fs.rmSync(directory, { recursive: true, force: true }))
)

const sqliteFile: Backend = {
  name: "sqlite-file",
  title: "SQLite file",
  layer: (options = {}) =>
    Layer.unwrapScoped(Effect.map(tempDirectory, (directory) => {
      const filename = path.join(directory, "store.db")
      return Store.layer(options).pipe(
        Layer.provideMerge(Store.layerSqliteClient(filename)),
        Layer.merge(Layer.succeed(TestDatabase, {
          backend: "sqlite-file",
          location: filename,
          openAnother: (another = {}) => storeOn(Store.layerSqliteClient(filename), another)
        }))
      )
    }))
}

const pgClient = (url: string, schema: string | undefined, maxConnections = 10) =>
  Store.layerPgClient({ url, schema, maxConnections })

/**
 * How long dropping a test's schema waits for locks that another session holds in it. A failed
 * test can leave a session of its own inside a transaction; without a bound, the drop (and the
 * test run) waited for it forever. Past the bound the schema is left behind.
 */
const dropLockTimeout = "5s"

/** A fresh schema on the server of `url`, dropped (with everything in it) when the scope closes. */
export const pgSchema = (url: string): Effect.Effect<string, unknown, Scope.Scope> =>
  Effect.gen(function*() {
    const admin = Context.get(yield* Layer.build(pgClient(url, undefined, 1)), SqlClient.SqlClient)
    const schema = `wp_test_${randomUUID().replaceAll("-", "").slice(0, 20)}`
    yield* Effect.acquireRelease(
      admin.unsafe(`CREATE SCHEMA ${schema}`).raw,
      () =>
        Effect.ignore(admin.withTransaction(
          Effect.zipRight(
            admin.unsafe(`SET LOCAL lock_timeout = '${dropLockTimeout}'`).raw,
            admin.unsafe(`DROP SCHEMA ${schema} CASCADE`).raw
          )
        ))
    )
    return schema
  })

const postgres = (url: string): Backend => ({
  name: "pg",
  title: "PostgreSQL",
  layer: (options = {}) =>
    Layer.unwrapScoped(Effect.map(pgSchema(url), (schema) =>
      Store.layer(options).pipe(
        Layer.provideMerge(pgClient(url, schema)),
        Layer.merge(Layer.succeed(TestDatabase, {
          backend: "pg",
          location: schema,
          openAnother: (another = {}) => storeOn(pgClient(url, schema), another)
        }))
      )))
})

export const sqliteBackends: ReadonlyArray<Backend> = [sqliteMemory, sqliteFile]

const pgSkippedTitle = "PostgreSQL (skipped: set WARMPOOL_PG_URL to run against a server)"

/**
 * Registers `suite` once per backend. PostgreSQL suites are skipped (with a descriptive title)
 * when `WARMPOOL_PG_URL` is unset, unless `WARMPOOL_REQUIRE_PG=1`, which makes them fail.
 */
export const describeEachBackend = (
  title: string,
  suite: (backend: Backend) => void,
  options: { readonly sqlite?: ReadonlyArray<BackendName> } = {}
): void => {
  for (const backend of sqliteBackends) {
    if (options.sqlite !== undefined && !options.sqlite.includes(backend.name)) continue
    describe(`${title} [${backend.title}]`, () => suite(backend))
  }
  describePg(title, suite)
}

/** Registers `suite` on PostgreSQL only (same skip / require rules). */
export const describePg = (title: string, suite: (backend: Backend) => void): void => {
  if (pgUrl !== undefined) {
    describe(`${title} [PostgreSQL]`, () => suite(postgres(pgUrl)))
  } else if (pgRequired) {
    describe(`${title} [PostgreSQL]`, () => {
      it("needs WARMPOOL_PG_URL (WARMPOOL_REQUIRE_PG=1 is set)", () => {
        expect.fail("WARMPOOL_REQUIRE_PG=1 but WARMPOOL_PG_URL is not set")
      })
    })
  } else {
    describe.skipIf(true)(`${title} [${pgSkippedTitle}]`, () => suite(postgres("postgres://unset")))
  }
}

/** Runs a test body on a fresh database of `backend`. */
export const onFresh =
  (backend: Backend, options?: Store.StoreOptions) =>
  <A, E, R>(body: Effect.Effect<A, E, R>): Effect.Effect<A, unknown, Exclude<R, StoreServices>> =>
    Effect.provide(body, backend.layer(options))
