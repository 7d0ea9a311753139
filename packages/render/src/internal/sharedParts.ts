/**
 * Parts of a render that every render of a compiled template shares: a block of constants'
 * options, validations, styling, default and first diagnostics, and its whole parameter for a
 * value it was given before (`parameter.ts`), a preset block of constants (`preset.ts`), the
 * template's diagnostics and the evaluation's warnings (`render.ts`), the root variables
 * (`variables.ts`) and the empty lists and styling are the same objects in each of its renders,
 * frozen once, instead of copied into every render and frozen again by every cache miss.
 *
 * A miss still weighs the whole render (the size of its JSON serialisation: the server keeps
 * that many encoded bytes beside each cached render), so each shared part's size is remembered
 * when it is shared, and the walk that freezes and weighs a render counts a shared part by that
 * size without walking into it.
 *
 * @internal
 */

/**
 * The JSON size of a shared part, kept on the part itself under this symbol, not enumerable: one
 * property read finds it (a table keyed by the parts cost a lookup per part, as much as walking a
 * small one), and JSON, `structuredClone`, `Object.keys` and equality in tests never see it.
 */
const sharedSize: unique symbol = Symbol("warmpool/render/sharedSize")

interface Sized {
  readonly [sharedSize]?: number
}

/**
 * The size of a value's JSON serialisation, counted without building it: strings count their
 * length and quotes (escapes left out), numbers their decimal text, structure its punctuation
 * (exactly `JSON.stringify(value).length` for text without escapes).
 * With `freeze`, every object and array it walks is frozen on the way (one walk for both); a
 * shared part is counted by its remembered size and not walked (it is frozen already). A render
 * is made of plain objects and arrays (nothing enumerable is inherited).
 */
export const jsonSize = (value: unknown, freeze: boolean): number => {
  if (typeof value === "string") return value.length + 2
  if (typeof value === "object") {
    if (value === null) return 4
    const shared = (value as Sized)[sharedSize]
    if (shared !== undefined) return shared
    // brackets, and a comma after each element but the last; strings, most of a render's values,
    // are counted here rather than in a call each
    let size = 1
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const element: unknown = value[i]
        size += (typeof element === "string" ? element.length + 2 : jsonSize(element, freeze)) + 1
      }
    } else {
      const record = value as Record<string, unknown>
      for (const key in record) {
        const field = record[key]
        size += key.length + 4 + (typeof field === "string" ? field.length + 2 : jsonSize(field, freeze))
      }
    }
    if (size === 1) size = 2
    if (freeze) Object.freeze(value)
    return size
  }
  if (typeof value === "number") return value >= 0 && value < 10 && (value | 0) === value ? 1 : String(value).length
  return typeof value === "boolean" ? (value ? 4 : 5) : 0
}

/** Freeze a value and everything reachable from it (a frozen object's contents are taken as frozen). */
export const deepFreeze = <A>(value: A): A => {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key])
  }
  return value
}

/**
 * Make a part of a render shareable between renders: frozen deeply, its JSON size remembered (an
 * object frozen already, which cannot take the size, is shared too, and walked when weighed).
 */
export const share = <A extends object>(part: A): A => {
  if ((part as Sized)[sharedSize] !== undefined || Object.isFrozen(part)) return part
  const size = jsonSize(part, false)
  const record = part as Record<string, unknown>
  for (const key in record) jsonSize(record[key], true)
  Object.defineProperty(part, sharedSize, { value: size })
  return Object.freeze(part)
}

/** The empty list every render shares (its empty diagnostics, presets, tags and the like). */
export const emptyList: ReadonlyArray<never> = share([])

/** The empty record every render shares (no tags). */
export const emptyRecord: Readonly<Record<string, never>> = share({})

/** A list of a render, or the shared empty list when it has nothing. */
export const orEmpty = <A>(list: ReadonlyArray<A>): ReadonlyArray<A> => (list.length === 0 ? emptyList : list)
