/**
 * The one-writer lock of a SQLite file (issue 17): a second store on the file is refused with a
 * message naming the holder; the lock is renewed while held, released when the store closes,
 * and taken over once a crashed holder's lease has expired (or at once when the holder is known
 * to be gone). Time is `TestClock`'s.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as TestClock from "effect/TestClock"
import * as path from "node:path"
import * as Store from "../src/Store.js"
import { tempDirectory } from "./utils/storeBackends.js"

const lock = (holder: string, holderGone?: (holder: string) => boolean): Store.WriterLockOptions => ({
  holder,
  lease: Duration.seconds(10),
  renewEvery: Duration.seconds(2),
  holderGone
})

/** Opens a store on the file in a scope of its own: its error, or a way to close it. */
const open = (filename: string, options: Store.SqliteOptions["writerLock"]) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const exit = yield* Effect.exit(
      Layer.buildWithScope(Store.layerSqlite({ filename, writerLock: options }), scope)
    )
    if (Exit.isFailure(exit)) {
      yield* Scope.close(scope, Exit.void)
      return { error: exit, close: Effect.void } as const
    }
    return { store: Context.get(exit.value, Store.Store), close: Scope.close(scope, Exit.void) } as const
  })

const messageOf = (exit: Exit.Exit<unknown, unknown> | undefined) =>
  exit !== undefined && Exit.isFailure(exit) ? JSON.stringify(exit.cause) : ""

const lockRow = (filename: string) =>
  Effect.scoped(Effect.gen(function*() {
    const context = yield* Layer.build(Store.layerSqliteClient(filename))
    const sql = Context.get(context, SqlClient.SqlClient)
    const rows = yield* sql<{ readonly holder: string; readonly expires_at: unknown }>`SELECT holder, expires_at
      FROM store_locks WHERE name = 'writer'`
    return rows[0] === undefined ? undefined : { holder: rows[0].holder, expiresAt: Number(rows[0].expires_at) }
  }))

describe("Store: the SQLite writer lock", () => {
  it.scoped("a second process is refused, naming the holder; closing releases the lock", () =>
    Effect.gen(function*() {
      const filename = path.join(yield* tempDirectory, "w.db")
      const first = yield* open(filename, lock("host-a:100"))
      expect(first.store).toBeDefined()
      const second = yield* open(filename, lock("host-b:200"))
      expect(second.store).toBeUndefined()
      expect(messageOf(second.error)).toContain("host-a:100 holds its writer lock until 1970-01-01T00:00:10.000Z")
      // Tools that only read open the file without the lock.
      const reader = yield* open(filename, undefined)
      expect(reader.store).toBeDefined()
      yield* reader.close
      yield* first.close
      expect(yield* lockRow(filename)).toBeUndefined()
      const third = yield* open(filename, lock("host-b:200"))
      expect(third.store).toBeDefined()
      expect(yield* lockRow(filename)).toEqual({ holder: "host-b:200", expiresAt: 10_000 })
      yield* third.close
    }))

  it.scoped("the holder renews its lease; a crashed holder's lock is taken over once the lease expired", () =>
    Effect.gen(function*() {
      const filename = path.join(yield* tempDirectory, "w.db")
      const first = yield* open(filename, lock("host-a:100"))
      yield* TestClock.adjust(Duration.seconds(7))
      expect((yield* lockRow(filename))?.expiresAt).toBeGreaterThanOrEqual(16_000)
      yield* TestClock.adjust(Duration.seconds(1))
      const row = yield* lockRow(filename)
      expect(row?.holder).toBe("host-a:100")
      const crashedUntil = row!.expiresAt
      // A crash: the holder stops renewing and its row stays. Closed here (so that it renews no
      // more), then its row is written back as it was.
      yield* first.close
      yield* Effect.scoped(Effect.gen(function*() {
        const sql = Context.get(yield* Layer.build(Store.layerSqliteClient(filename)), SqlClient.SqlClient)
        yield* sql`INSERT INTO store_locks (name, holder, acquired_at, expires_at)
          VALUES ('writer', 'host-a:100', 0, ${crashedUntil})`
      }))
      const early = yield* open(filename, lock("host-b:200"))
      expect(messageOf(early.error)).toContain("host-a:100")
      yield* TestClock.setTime(crashedUntil + 1)
      const late = yield* open(filename, lock("host-b:200"))
      expect(late.store).toBeDefined()
      expect((yield* lockRow(filename))?.holder).toBe("host-b:200")
      yield* late.close
    }))

  it.scoped("a holder known to be gone is taken over at once", () =>
    Effect.gen(function*() {
      const filename = path.join(yield* tempDirectory, "w.db")
      const first = yield* open(filename, lock("host-a:100"))
      expect(first.store).toBeDefined()
      const refused = yield* open(filename, lock("host-b:200", () => false))
      expect(refused.store).toBeUndefined()
      const takeover = yield* open(filename, lock("host-b:200", (holder) => holder === "host-a:100"))
      expect(takeover.store).toBeDefined()
      expect((yield* lockRow(filename))?.holder).toBe("host-b:200")
      yield* takeover.close
      yield* first.close
    }))

  it.scoped("a :memory: store (a database of its own) opens with the option", () =>
    Effect.gen(function*() {
      const memory = yield* open(":memory:", lock("x:1"))
      expect(memory.store).toBeDefined()
      yield* memory.close
    }))
})
