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
 * - a key with a `synchronous` lookup (a render in this process) is loaded by a plain function
 *   call inside one step of the caller's fiber. Nothing else runs in this thread until it
 *   returns, so no second caller can ask for the key meanwhile: single flight holds without
 *   Effect's machinery, and there is no waiter to protect from an interruption. Such values are
 *   kept in the index only. This is not a shortcut taken lightly: an Effect `Cache` miss costs
 *   21–31 µs of CPU with a lookup that does nothing (its `Deferred` alone is an object spread of
 *   some thirty prototype members, and the garbage of it all), more than many renders take;
 *   asynchronous lookups (the render worker pool, the server's default) still load through it;
 * - no effect is run from inside another (`runSync`): invalidations of dropped entries are
 *   returned to the caller's fiber and run there;
 * - bounded memory under reloads: Effect's access list keeps ~2 nodes per load until a capacity
 *   eviction drains it, which never happens here; after `rebuildAfterLoads` loads the Effect
 *   cache is replaced by a fresh one (live entries stay in the index, so nothing is re-rendered).
 *
 * @internal
 */
import * as Cache from "effect/Cache"
import type * as Cause from "effect/Cause"
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
  /** The entries and their total weight, after every change. */
  readonly size: (entries: number, weight: number) => void
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
  /**
   * The plain synchronous lookup of a key, when it has one (default: none): called in one step
   * of the caller's fiber instead of `lookup`, outside Effect's cache. A throw is a defect.
   */
  readonly synchronous?: (key: K) => (() => V) | undefined
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
  /** The value of a key, loading it on a miss; `onLoad` runs when this call performed the load. */
  readonly get: (key: K, onLoad?: () => void) => Effect.Effect<V, E>
  /**
   * `get` for a caller already inside a step of its fiber (e.g. `Effect.withFiberRuntime`): it
   * reads the clock and the index when called, which saves `get`'s own suspension on a hit.
   */
  readonly unsafeGet: (key: K, onLoad?: () => void) => Effect.Effect<V, E>
  readonly size: Effect.Effect<number>
  readonly stats: Effect.Effect<Stats>
  /** Drop idle and over-age entries now (the periodic sweep runs this). */
  readonly sweep: Effect.Effect<void>
  readonly invalidateAll: Effect.Effect<void>
}

interface Entry<K, V> {
  readonly key: K
  /** The value; `undefined` once the entry is dropped (see `drop`). */
  value: V | undefined
  readonly loadedAt: number
  lastAccess: number
  readonly weight: number
  /** The Effect cache that holds the value too (none for a synchronous load). */
  readonly cache: Cache.Cache<K, V, unknown> | undefined
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

    /**
     * Entries dropped from the index whose Effect cache still holds them: `flushDropped` removes
     * them there, in the fiber of whoever dropped them (never through a nested `runSync`).
     */
    let dropped: Array<Entry<K, V>> = []
    const flushDropped: Effect.Effect<void> = Effect.suspend(() => {
      const entries = dropped
      dropped = []
      let effect = entries[0]!.cache!.invalidate(entries[0]!.key)
      for (let i = 1; i < entries.length; i++) {
        effect = Effect.zipRight(effect, entries[i]!.cache!.invalidate(entries[i]!.key))
      }
      return effect
    })
    /** `effect` after the pending invalidations, if any (nothing added when there are none). */
    const afterFlush = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
      dropped.length === 0 ? effect : Effect.zipRight(flushDropped, effect)

    /**
     * Remove an entry from the index (and, at the next flush, from the Effect cache that holds it),
     * and let go of its value. A dropped entry can stay reachable for the young-generation collector
     * for a while (V8 keeps what the index's old tables point to until the next full collection),
     * and its value with it: a cache that evicted on every miss then had every render it ever made
     * copied and promoted (a 64-entry LRU on a JS `Map`: 1.6 GB promoted in 200,000 inserts with the
     * value kept, 79 MB without).
     */
    const drop = (entry: Entry<K, V>) => {
      index.delete(entry.key.id)
      weight -= entry.weight
      if (mostRecent === entry.key.id) mostRecent = undefined
      if (entry.cache !== undefined) dropped.push(entry)
      entry.value = undefined
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
        observer.size(index.size, weight)
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
      holder: Cache.Cache<K, V, E> | undefined
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
        cache: holder as Cache.Cache<K, V, unknown> | undefined
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

    const rebuild = Effect.map(makeCache, (fresh) => {
      cache = fresh
      generation++
      loadsSinceRebuild = 0
    })

    /** The bookkeeping after `holder` answered: count, keep or invalidate, maybe rebuild. */
    const settle = (
      key: K,
      startedAt: number,
      holder: Cache.Cache<K, V, E>,
      either: Either.Either<V, V>,
      onLoad: (() => void) | undefined
    ): Effect.Effect<V> => {
      const value = Either.merge(either)
      const loaded = Either.isRight(either)
      if (loaded) {
        onLoad?.()
        observer.miss()
        loads++
        loadsSinceRebuild++
      } else {
        observer.hit()
      }
      const kept = options.cacheable(value) &&
        admit(key, value, loaded ? startedAt : clock.unsafeCurrentTimeMillis(), startedAt, holder)
      observer.size(index.size, weight)
      let after: Effect.Effect<V> = Effect.succeed(value)
      if (loadsSinceRebuild >= rebuildAfter) after = Effect.as(rebuild, value)
      if (!kept) after = Effect.zipRight(holder.invalidate(key), after)
      return afterFlush(after)
    }

    const load = (key: K, startedAt: number, onLoad: (() => void) | undefined): Effect.Effect<V, E> => {
      const holder = cache
      const failed = (cause: Cause.Cause<E>) => Effect.zipRight(holder.invalidate(key), Effect.failCause(cause))
      return Effect.flatMap(
        Effect.forkIn(holder.getEither(key), scope),
        (fiber) =>
          Effect.matchCauseEffect(Fiber.join(fiber), {
            onFailure: failed,
            onSuccess: (either) => settle(key, startedAt, holder, either, onLoad)
          })
      )
    }

    /** A load by a plain function call, in this step: counted, kept in the index only. */
    const loadNow = (key: K, compute: () => V, now: number, onLoad: (() => void) | undefined): Effect.Effect<V> => {
      const value = compute()
      onLoad?.()
      observer.miss()
      loads++
      if (options.cacheable(value)) admit(key, value, now, now, undefined)
      observer.size(index.size, weight)
      return afterFlush(Effect.succeed(value))
    }

    // The clock of the layer's context (TestClock in tests), read synchronously on the hot path.
    const clock = yield* Effect.clock
    const synchronous = options.synchronous
    const unsafeGet = (key: K, onLoad?: () => void): Effect.Effect<V, E> => {
      const now = clock.unsafeCurrentTimeMillis()
      const entry = lookupIndex(key.id, now)
      if (entry !== undefined) {
        observer.hit()
        return Effect.succeed(entry.value as V)
      }
      const compute = synchronous?.(key)
      return compute === undefined ? afterFlush(load(key, now, onLoad)) : loadNow(key, compute, now, onLoad)
    }

    const sweep = Effect.suspend(() => {
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
      observer.size(index.size, weight)
      return afterFlush(Effect.void)
    })

    observer.size(0, 0)
    yield* Effect.forkScoped(
      Effect.repeat(Effect.sleep(options.sweepInterval).pipe(Effect.zipRight(sweep)), Schedule.forever)
    )

    return {
      get: (key, onLoad) => Effect.suspend(() => unsafeGet(key, onLoad)),
      unsafeGet,
      size: Effect.sync(() => index.size),
      stats: Effect.sync(() => ({ entries: index.size, weight, generation, loadsSinceRebuild, loads })),
      sweep,
      invalidateAll: Effect.gen(function*() {
        index.clear()
        weight = 0
        mostRecent = undefined
        dropped = []
        yield* cache.invalidateAll
        observer.size(0, 0)
      })
    }
  })
