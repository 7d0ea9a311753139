/**
 * An Effect `Cache` with the behaviour warmpool needs around it (ARCHITECTURE.md decision 4):
 *
 * - sliding idle TTL refreshed on every hit, plus a hard maximum age — Effect's TTL counts from
 *   load and never slides, so entries' access and load times are tracked here, and Effect's own
 *   TTL is only a backstop at `maxAge`;
 * - a least-recently-used capacity bound — Effect evicts first-loaded-first-out, so its capacity
 *   is unbounded and this layer evicts;
 * - exact size (Effect counts expired entries until they are touched);
 * - failures and uncacheable values (renders with top-level errors) are invalidated as soon as
 *   they complete (Effect serves a TTL-0 failure for the rest of that millisecond);
 * - a miss runs in a fiber forked into the cache's scope and is joined, so an interrupted first
 *   caller does not interrupt the other waiters of the same key;
 * - bounded memory under reloads — Effect's access list keeps ~2 nodes per load until a capacity
 *   eviction drains it, which never happens here; after `rebuildAfterLoads` loads the Effect
 *   cache is replaced by a fresh one, and live entries carry over without re-running the lookup.
 */
import * as Cache from "effect/Cache"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import type * as Equal from "effect/Equal"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"

/** A cache key: Effect `Equal` by `id`. */
export interface Keyed extends Equal.Equal {
  readonly id: string
}

export type EvictionReason = "idle" | "max_age" | "capacity"

export interface Observer {
  readonly hit: Effect.Effect<void>
  readonly miss: Effect.Effect<void>
  readonly evicted: (reason: EvictionReason, count: number) => Effect.Effect<void>
  readonly size: (entries: number) => Effect.Effect<void>
}

export interface Options<K extends Keyed, V, E> {
  readonly capacity: number
  readonly ttl: Duration.Duration
  readonly maxAge: Duration.Duration
  readonly sweepInterval: Duration.Duration
  readonly lookup: (key: K) => Effect.Effect<V, E>
  /** Values for which this is false are returned but never kept. */
  readonly cacheable: (value: V) => boolean
  readonly observer: Observer
  /** Loads after which the Effect cache is rebuilt (default `max(1024, 4 × capacity)`). */
  readonly rebuildAfterLoads?: number
}

export interface Stats {
  readonly entries: number
  readonly generation: number
  readonly loadsSinceRebuild: number
}

export interface ManagedCache<K extends Keyed, V, E> {
  readonly get: (key: K) => Effect.Effect<V, E>
  readonly size: Effect.Effect<number>
  readonly stats: Effect.Effect<Stats>
  /** Drop idle and over-age entries now (the periodic sweep runs this). */
  readonly sweep: Effect.Effect<void>
  readonly invalidateAll: Effect.Effect<void>
}

interface Entry<K, V> {
  readonly key: K
  readonly value: V
  readonly loadedAt: number
  lastAccess: number
  /** The Effect cache generation that holds this entry. */
  generation: number
}

interface Generation<K, V, E> {
  readonly cache: Cache.Cache<K, V, E>
  readonly number: number
}

/** Build a managed cache whose sweep fiber lives in the current scope. */
export const make = <K extends Keyed, V, E>(
  options: Options<K, V, E>
): Effect.Effect<ManagedCache<K, V, E>, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const ttlMillis = Duration.toMillis(options.ttl)
    const maxAgeMillis = Duration.toMillis(options.maxAge)
    const capacity = Math.max(1, options.capacity)
    const rebuildAfter = options.rebuildAfterLoads ?? Math.max(1024, 4 * capacity)
    /** Entries in least-recently-used order (a JS `Map` keeps insertion order). */
    const index = new Map<string, Entry<K, V>>()
    /** Values carried over to a new generation, consumed by its lookup. */
    const carried = new Map<string, V>()
    let loads = 0

    const makeGeneration = (number: number) =>
      Effect.map(
        Cache.makeWith({
          capacity: Number.MAX_SAFE_INTEGER,
          lookup: (key: K): Effect.Effect<V, E> =>
            Effect.suspend(() => {
              const value = carried.get(key.id)
              if (value !== undefined) {
                carried.delete(key.id)
                return Effect.succeed(value)
              }
              return options.lookup(key)
            }),
          timeToLive: (exit: Exit.Exit<V, E>) =>
            Exit.isSuccess(exit) && options.cacheable(exit.value) ? options.maxAge : Duration.zero
        }),
        (cache): Generation<K, V, E> => ({ cache, number })
      )

    let current = yield* makeGeneration(0)

    const publishSize = Effect.suspend(() => options.observer.size(index.size))

    /** Remove an entry (synchronously: no other fiber runs in between). */
    const drop = (entry: Entry<K, V>) => {
      index.delete(entry.key.id)
      carried.delete(entry.key.id)
      if (entry.generation === current.number) current.cache.invalidate(entry.key).pipe(Effect.runSync)
    }

    const expireIfStale = (entry: Entry<K, V>, now: number): EvictionReason | undefined => {
      if (now - entry.lastAccess > ttlMillis) return "idle"
      if (now - entry.loadedAt > maxAgeMillis) return "max_age"
      return undefined
    }

    const rebuild = Effect.gen(function*() {
      const next = yield* makeGeneration(current.number + 1)
      for (const entry of index.values()) carried.set(entry.key.id, entry.value)
      current = next
      loads = 0
    })

    const store = (key: K, value: V, loadedAt: number, now: number): Effect.Effect<void> =>
      Effect.gen(function*() {
        const existing = index.get(key.id)
        if (existing !== undefined) {
          index.delete(key.id)
          existing.lastAccess = now
          index.set(key.id, existing)
          return
        }
        index.set(key.id, { key, value, loadedAt, lastAccess: now, generation: current.number })
        let evicted = 0
        while (index.size > capacity) {
          const oldest = index.values().next().value!
          drop(oldest)
          evicted++
        }
        if (evicted > 0) yield* options.observer.evicted("capacity", evicted)
      })

    const get = (key: K): Effect.Effect<V, E> =>
      Effect.gen(function*() {
        const startedAt = yield* Clock.currentTimeMillis
        const entry = index.get(key.id)
        if (entry !== undefined) {
          const reason = expireIfStale(entry, startedAt)
          if (reason !== undefined) {
            drop(entry)
            yield* options.observer.evicted(reason, 1)
            yield* publishSize
          }
        }
        const fresh = index.get(key.id)
        const generation = current
        /** A live entry of an older generation: its value is carried over, not looked up again. */
        const carriedOver = fresh !== undefined && fresh.generation !== generation.number && carried.has(key.id)
        let outcome: Exit.Exit<Either.Either<V, V>, E>
        if (fresh !== undefined && fresh.generation === generation.number) {
          // A complete entry: no lookup runs in this fiber.
          outcome = yield* Effect.exit(generation.cache.getEither(key))
        } else {
          const fiber = yield* Effect.forkIn(generation.cache.getEither(key), scope)
          outcome = yield* Effect.exit(Fiber.join(fiber))
        }
        if (Exit.isFailure(outcome)) {
          yield* generation.cache.invalidate(key)
          return yield* Effect.failCause(outcome.cause)
        }
        const either = outcome.value
        const value = Either.merge(either)
        const hit = Either.isLeft(either) || carriedOver
        if (hit) yield* options.observer.hit
        else {
          yield* options.observer.miss
          loads++
        }
        if (!options.cacheable(value)) {
          yield* generation.cache.invalidate(key)
          const stale = index.get(key.id)
          if (stale) drop(stale)
        } else {
          const now = yield* Clock.currentTimeMillis
          yield* store(key, value, hit ? now : startedAt, now)
          const stored = index.get(key.id)
          if (stored) stored.generation = generation.number
        }
        yield* publishSize
        if (loads >= rebuildAfter) yield* rebuild
        return value
      })

    const sweep = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      let idle = 0
      let old = 0
      for (const entry of [...index.values()]) {
        const reason = expireIfStale(entry, now)
        if (reason === undefined) continue
        drop(entry)
        if (reason === "idle") idle++
        else old++
      }
      if (idle > 0) yield* options.observer.evicted("idle", idle)
      if (old > 0) yield* options.observer.evicted("max_age", old)
      yield* publishSize
    })

    yield* publishSize
    yield* Effect.forkScoped(
      Effect.repeat(Effect.sleep(options.sweepInterval).pipe(Effect.zipRight(sweep)), Schedule.forever)
    )

    return {
      get,
      size: Effect.sync(() => index.size),
      stats: Effect.sync(() => ({ entries: index.size, generation: current.number, loadsSinceRebuild: loads })),
      sweep,
      invalidateAll: Effect.gen(function*() {
        index.clear()
        carried.clear()
        yield* current.cache.invalidateAll
        yield* publishSize
      })
    }
  })
