/**
 * A string key usable by Effect's `Cache` (which compares keys with `Equal`).
 *
 * @internal
 */
import * as Equal from "effect/Equal"
import * as Hash from "effect/Hash"

export class StringKey implements Equal.Equal {
  constructor(readonly id: string) {}
  [Equal.symbol](that: Equal.Equal): boolean {
    return that instanceof StringKey && that.id === this.id
  }
  [Hash.symbol](): number {
    return Hash.cached(this, Hash.string(this.id))
  }
}
