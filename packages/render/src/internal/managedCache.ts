/**
 * An Effect `Cache` with the behaviour warmpool needs around it (docs/architecture.md decision 4).
 *
 * Effect's `Cache` loads: one lookup per key however many fibers ask (single flight), the
 * result shared by every waiter, and it keeps the value. In front of it, an index of the entries
 * this layer considers live answers hits synchronously and decides everything Effect's cache
 * cannot:
 *
 * - sliding idle TTL refreshed on every hit, plus a hard maximum age (Effect's TTL counts from
 *   load and never slides, so it is only a backstop at `maxAge`);
 * - a least-recently-used capacity bound (Effect evicts first-loaded-first-out; its own capacity
 *   is left unbounded), in entries and, when `weigh` is given, in weight (bytes): the least
 *   recently used entries go until both bounds hold, and a value heavier than `maxEntryWeight`
 *   (default 1/16 of `maxWeight`) is returned but never kept;
 * - exact size (Effect counts expired entries until they are touched);
 * - failures and uncacheable values (renders with top-level errors) are invalidated as soon as
 *   they complete (Effect serves a TTL-0 failure for the rest of that millisecond) and never
 *   enter the index;
 * - a miss runs in a fiber forked into the cache's scope and is joined, so an interrupted first
 *   caller does not interrupt the other waiters of the same key;
 * - bounded memory under reloads: Effect's access list keeps ~2 nodes per load until a capacity
 *   eviction drains it, which never happens here; after `rebuildAfterLoads` loads the Effect
 *   cache is replaced by a fresh one (live entries stay in the index, so nothing is re-rendered).
 *
 * @internal
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

/** Metrics hooks; `hit` and `miss` run synchronously on the hot path. */
export interface Observer {
  readonly hit: () => void
  readonly miss: () => void
  readonly evicted: (reason: EvictionReason, count: number) => void
  readonly size: (entries: number) => void
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
  /** The weight of a value (e.g. its serialised size in bytes); without it every entry weighs 0. */
  readonly weigh?: (value: V) => number
  /** The bound on the total weight of the entries (default: none). */
  readonly maxWeight?: number
  /** Heavier values are returned but not kept (default `maxWeight / 16`). */
  readonly maxEntryWeight?: number
}

export interface Stats {
  readonly entries: number
  /** Total weight of the entries. */
  readonly weight: number
  /** How many times the Effect cache was rebuilt. */
  readonly generation: number
  readonly loadsSinceRebuild: number
  /** Lookups performed since the cache was made. */
  readonly loads: number
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
  readonly weight: number
  readonly cache: Cache.Cache<K, V, unknown>
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
    const maxWeight = options.maxWeight ?? Number.POSITIVE_INFINITY
    const maxEntryWeight = options.maxEntryWeight ?? maxWeight / 16
    const weigh = options.weigh ?? (() => 0)
    let weight = 0
    const { observer } = options
    /** Live entries in least-recently-used order (a JS `Map` keeps insertion order). */
    const index = new Map<string, Entry<K, V>>()
    let loadsSinceRebuild = 0
    let loads = 0
    let generation = 0

    const makeCache = Cache.makeWith({
      capacity: Number.MAX_SAFE_INTEGER,
      lookup: options.lookup,
      timeToLive: (exit: Exit.Exit<V, E>) =>
        Exit.isSuccess(exit) && options.cacheable(exit.value) ? options.maxAge : Duration.zero
    })
    let cache = yield* makeCache
    /** The most recently used key (already last in `index`: touching it moves nothing). */
    let mostRecent: string | undefined

    /** Remove an entry from the index and from the Effect cache that holds it. */
    const drop = (entry: Entry<K, V>) => {
      index.delete(entry.key.id)
      weight -= entry.weight
      if (mostRecent === entry.key.id) mostRecent = undefined
      Effect.runSync(entry.cache.invalidate(entry.key))
    }

    const staleness = (entry: Entry<K, V>, now: number): EvictionReason | undefined =>
      now - entry.lastAccess > ttlMillis ? "idle" : now - entry.loadedAt > maxAgeMillis ? "max_age" : undefined

    /** The fresh entry for a key, touching it; drops a stale one. */
    const lookupIndex = (id: string, now: number): Entry<K, V> | undefined => {
      const entry = index.get(id)
      if (entry === undefined) return undefined
      const reason = staleness(entry, now)
      if (reason !== undefined) {
        drop(entry)
        observer.evicted(reason, 1)
        observer.size(index.size)
        return undefined
      }
      entry.lastAccess = now
      if (mostRecent !== id) {
        index.delete(id)
        index.set(id, entry)
        mostRecent = id
      }
      return entry
    }

    /** Keep a loaded value; `false` when it is too heavy to keep. */
    const admit = (
      key: K,
      value: V,
      loadedAt: number,
      now: number,
      holder: Cache.Cache<K, V, E>
    ): boolean => {
      const existing = index.get(key.id)
      if (existing !== undefined) {
        existing.lastAccess = now
        return true
      }
      const entryWeight = weigh(value)
      if (entryWeight > maxEntryWeight) return false
      index.set(key.id, {
        key,
        value,
        loadedAt,
        lastAccess: now,
        weight: entryWeight,
        cache: holder as Cache.Cache<K, V, unknown>
      })
      weight += entryWeight
      mostRecent = key.id
      let evicted = 0
      while (index.size > capacity || (weight > maxWeight && index.size > 1)) {
        drop(index.values().next().value!)
        evicted++
      }
      if (evicted > 0) observer.evicted("capacity", evicted)
      return true
    }

    const load = (key: K, startedAt: number): Effect.Effect<V, E> =>
      Effect.gen(function*() {
        const holder = cache
        const fiber = yield* Effect.forkIn(holder.getEither(key), scope)
        const outcome = yield* Effect.exit(Fiber.join(fiber))
        if (Exit.isFailure(outcome)) {
          yield* holder.invalidate(key)
          return yield* Effect.failCause(outcome.cause)
        }
        const either = outcome.value
        const value = Either.merge(either)
        if (Either.isLeft(either)) {
          observer.hit()
        } else {
          observer.miss()
          loads++
          loadsSinceRebuild++
        }
        const kept = options.cacheable(value) &&
          admit(key, value, Either.isRight(either) ? startedAt : yield* Clock.currentTimeMillis, startedAt, holder)
        if (!kept) {
          yield* holder.invalidate(key)
        }
        observer.size(index.size)
        if (loadsSinceRebuild >= rebuildAfter) {
          cache = yield* makeCache
          generation++
          loadsSinceRebuild = 0
        }
        return value
      })

    // The clock of the layer's context (TestClock in tests), read synchronously on the hot path.
    const clock = yield* Effect.clock
    const get = (key: K): Effect.Effect<V, E> =>
      Effect.suspend(() => {
        const now = clock.unsafeCurrentTimeMillis()
        const entry = lookupIndex(key.id, now)
        if (entry !== undefined) {
          observer.hit()
          return Effect.succeed(entry.value)
        }
        return load(key, now)
      })

    const sweep = Effect.sync(() => {
      const now = clock.unsafeCurrentTimeMillis()
      let idle = 0
      let old = 0
      for (const entry of [...index.values()]) {
        const reason = staleness(entry, now)
        if (reason === undefined) continue
        drop(entry)
        if (reason === "idle") idle++
        else old++
      }
      if (idle > 0) observer.evicted("idle", idle)
      if (old > 0) observer.evicted("max_age", old)
      observer.size(index.size)
    })

    observer.size(0)
    yield* Effect.forkScoped(
      Effect.repeat(Effect.sleep(options.sweepInterval).pipe(Effect.zipRight(sweep)), Schedule.forever)
    )

    return {
      get,
      size: Effect.sync(() => index.size),
      stats: Effect.sync(() => ({ entries: index.size, weight, generation, loadsSinceRebuild, loads })),
      sweep,
      invalidateAll: Effect.gen(function*() {
        index.clear()
        weight = 0
        yield* cache.invalidateAll
        observer.size(0)
      })
    }
  })
