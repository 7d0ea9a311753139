/**
 * A least-recently-used map bounded in entries and in weight (bytes): what a render worker keeps
 * its compiled templates in (`renderWorkerMain.ts`). Plain and synchronous, for one thread.
 *
 * After every `set`, the least recently used entries go until there are at most `maxEntries` and
 * their total weight is at most `maxWeight`, but the entry just set always stays, however heavy:
 * a worker asked to compile a version must hold it for the render that follows (a version it
 * dropped at once would be asked for again, compiled again, dropped again). The next `set` of
 * another key makes it the least recently used, and it goes then if it is too heavy.
 *
 * @internal
 */

export interface Options<V> {
  /** The most entries kept (at least 1). */
  readonly maxEntries: number
  /** The most total weight kept (one entry may exceed it alone). */
  readonly maxWeight: number
  /** The weight of a value (e.g. its estimated retained bytes); finite and not negative. */
  readonly weigh: (value: V) => number
}

export interface WeightedLru<K, V> {
  /** The value of a key, made the most recently used; `undefined` when absent. */
  readonly get: (key: K) => V | undefined
  /** Keep a value as the most recently used; returns the keys evicted for it, oldest first. */
  readonly set: (key: K, value: V) => ReadonlyArray<K>
  readonly delete: (key: K) => boolean
  /** Entries kept. */
  readonly size: () => number
  /** Total weight of the entries kept. */
  readonly weight: () => number
  /** The keys, least recently used first. */
  readonly keys: () => ReadonlyArray<K>
}

interface Entry<V> {
  readonly value: V
  readonly weight: number
}

const noKeys: ReadonlyArray<never> = Object.freeze([])

/** An empty map with these bounds. */
export const make = <K, V>(options: Options<V>): WeightedLru<K, V> => {
  const maxEntries = Math.max(1, options.maxEntries)
  const maxWeight = options.maxWeight
  /** In least-recently-used order (a JS `Map` keeps insertion order). */
  const entries = new Map<K, Entry<V>>()
  let total = 0

  const remove = (key: K): boolean => {
    const entry = entries.get(key)
    if (entry === undefined) return false
    entries.delete(key)
    total -= entry.weight
    return true
  }

  return {
    get: (key) => {
      const entry = entries.get(key)
      if (entry === undefined) return undefined
      entries.delete(key)
      entries.set(key, entry)
      return entry.value
    },
    set: (key, value) => {
      remove(key)
      const weight = Math.max(0, options.weigh(value))
      entries.set(key, { value, weight })
      total += weight
      if (entries.size <= maxEntries && total <= maxWeight) return noKeys
      const evicted: Array<K> = []
      while (entries.size > maxEntries || (total > maxWeight && entries.size > 1)) {
        const oldest = entries.keys().next().value as K
        remove(oldest)
        evicted.push(oldest)
      }
      return evicted
    },
    delete: remove,
    size: () => entries.size,
    weight: () => total,
    keys: () => [...entries.keys()]
  }
}
