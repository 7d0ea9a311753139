/**
 * The PostgreSQL suites' cleanup (`utils/storeBackends.ts`): each test's schema is dropped when its
 * scope closes, and a session that a failed test left inside a transaction, holding a lock in the
 * schema, cannot make the drop (and so the whole run) wait forever: the drop gives up after
 * `dropLockTimeout` and leaves the schema behind.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Store from "../src/Store.js"
import { describePg, pgSchema, pgUrl } from "./utils/storeBackends.js"

/** A client with one connection of its own (a session), closed with the test's scope. */
const session = (url: string) =>
  Effect.map(Layer.build(Store.layerPgClient({ url, maxConnections: 1 })), Context.get(SqlClient.SqlClient))

const schemaExists = (sql: SqlClient.SqlClient, schema: string) =>
  Effect.map(
    sql.unsafe<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = '${schema}'`
    ),
    (rows) => rows[0]!.n === 1
  )

/**
 * A test schema with a table `t`, whose cleanup runs when the returned scope is closed; `admin` is
 * a session of its own to look at the server with.
 */
const schemaWithTable = Effect.gen(function*() {
  const url = pgUrl!
  const admin = yield* session(url)
  const scope = yield* Scope.make()
  const schema = yield* Scope.extend(pgSchema(url), scope)
  yield* admin.unsafe(`CREATE TABLE ${schema}.t (x int)`)
  return { url, admin, scope, schema }
})

describePg("the test schema's cleanup", () => {
  it.scopedLive("drops the schema and everything in it when the scope closes", () =>
    Effect.gen(function*() {
      const { admin, schema, scope } = yield* schemaWithTable
      expect(yield* schemaExists(admin, schema)).toBe(true)
      yield* Scope.close(scope, Exit.void)
      expect(yield* schemaExists(admin, schema)).toBe(false)
    }))

  it.scopedLive(
    "gives up after its lock timeout when another session keeps a table of the schema locked",
    () =>
      Effect.gen(function*() {
        const { admin, schema, scope, url } = yield* schemaWithTable
        // what a failed test can leave: a session of its own, inside a transaction, holding a lock
        const locker = yield* session(url)
        const locked = yield* Deferred.make<void>()
        const holder = yield* Effect.fork(locker.withTransaction(
          locker.unsafe(`LOCK TABLE ${schema}.t IN ACCESS EXCLUSIVE MODE`).pipe(
            Effect.zipRight(Deferred.succeed(locked, undefined)),
            Effect.zipRight(Effect.never)
          )
        ))
        yield* Deferred.await(locked)
        const started = Date.now()
        yield* Scope.close(scope, Exit.void)
        const waited = Date.now() - started
        // the drop waited for the lock as long as its timeout (5 s), then gave up
        expect(waited).toBeGreaterThanOrEqual(4_500)
        expect(waited).toBeLessThan(30_000)
        expect(yield* schemaExists(admin, schema)).toBe(true)
        // once the session is gone, the schema drops
        yield* Fiber.interrupt(holder)
        yield* admin.unsafe(`DROP SCHEMA ${schema} CASCADE`)
        expect(yield* schemaExists(admin, schema)).toBe(false)
      }),
    { timeout: 60_000 }
  )
})
