/**
 * Sensitivity marks, as far as Terraform carries them through expressions: `sensitive(x)` marks
 * a value; an operation, a function call (except `sensitive`, `nonsensitive`, `issensitive`), a
 * string template or an index into a marked collection gives a marked result when any operand
 * is marked, even deep inside (cty unmarks arguments deeply and marks the result);
 * `issensitive` reads the mark and `nonsensitive` removes it.
 *
 * Values are immutable plain objects shared freely (`true`, `null`, constants), so a mark is
 * carried by a fresh copy of the value, remembered in a weak set: the value itself is unchanged
 * for every other purpose (types, equality, rendering). Nothing is checked until the first mark
 * is made, so templates without `sensitive` pay nothing.
 *
 * @since 0.1.0
 */
import type * as V from "./Value.js"

const marked = new WeakSet<object>()
/** Containers already walked: whether a mark is inside. */
const inside = new WeakMap<object, boolean>()
let used = false

/**
 * Whether the value itself carries the sensitive mark.
 *
 * @since 0.1.0
 * @category marks
 */
export const isSensitive = (value: V.Value): boolean => used && marked.has(value)

/**
 * The value with the sensitive mark (a marked copy; a marked value is returned as it is).
 *
 * @since 0.1.0
 * @category marks
 */
export const sensitive = (value: V.Value): V.Value => {
  if (marked.has(value)) return value
  const copy = { ...value } as V.Value
  used = true
  marked.add(copy)
  return copy
}

/**
 * The value without its own mark (marks inside a collection stay).
 *
 * @since 0.1.0
 * @category marks
 */
export const nonsensitive = (value: V.Value): V.Value => (isSensitive(value) ? { ...value } as V.Value : value)

/**
 * Whether the value or anything inside it is marked.
 *
 * @since 0.1.0
 * @category marks
 */
export const containsSensitive = (value: V.Value): boolean => {
  if (!used) return false
  if (marked.has(value)) return true
  switch (value._tag) {
    case "List":
    case "Set":
    case "Tuple":
    case "Map":
    case "Object": {
      const known = inside.get(value)
      if (known !== undefined) return known
      const children = value._tag === "Map"
        ? value.entries.values()
        : value._tag === "Object"
        ? value.attributes.values()
        : value.elements.values()
      let found = false
      for (const child of children) {
        if (containsSensitive(child)) {
          found = true
          break
        }
      }
      inside.set(value, found)
      return found
    }
    default:
      return false
  }
}

/**
 * `result` marked when any of `sources` is marked (deeply); `result` itself otherwise.
 *
 * @since 0.1.0
 * @category marks
 */
export const carry = (result: V.Value, sources: ReadonlyArray<V.Value>): V.Value => {
  if (!used) return result
  for (const s of sources) if (containsSensitive(s)) return sensitive(result)
  return result
}

/**
 * `result` marked when `source` itself carries a mark (an element read from a marked collection).
 *
 * @since 0.1.0
 * @category marks
 */
export const carryShallow = (result: V.Value, source: V.Value): V.Value =>
  used && marked.has(source) ? sensitive(result) : result

/**
 * `result` marked when any of `sources` itself carries a mark (marks inside them stay where
 * they are).
 *
 * @since 0.1.0
 * @category marks
 */
export const carryShallowAll = (result: V.Value, sources: ReadonlyArray<V.Value>): V.Value => {
  if (!used) return result
  for (const s of sources) if (marked.has(s)) return sensitive(result)
  return result
}

/**
 * Whether any value has been marked in this process (cheap guard for hot paths).
 *
 * @since 0.1.0
 * @category marks
 */
export const anyMarked = (): boolean => used
