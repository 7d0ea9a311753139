/**
 * How the form's controls turn into the strings a render takes (docs/render.md §1.1: numbers as
 * decimal text, bools as `"true"`/`"false"`, `list(string)` as JSON array text), and back.
 *
 * @since 0.1.0
 */
import type { Parameter } from "../api/types.js"

/**
 * The values the user has set, by parameter name. Only these are sent with a render, so that
 * a parameter the user never touched follows its (possibly dependent) default.
 *
 * @since 0.1.0
 */
export type Edits = Readonly<Record<string, string>>

/**
 * @since 0.1.0
 */
export const encodeBool = (checked: boolean): "true" | "false" => checked ? "true" : "false"

/**
 * Reads a bool the way Go's `strconv.ParseBool` accepts it; anything else is not checked.
 *
 * @since 0.1.0
 */
export const decodeBool = (text: string): boolean =>
  text === "true" || text === "1" || text === "t" || text === "T"
  || text === "TRUE" || text === "True"

/**
 * @since 0.1.0
 */
export const encodeList = (items: ReadonlyArray<string>): string => JSON.stringify(items)

/**
 * The items of a JSON array of strings, or `undefined` when the text is not one.
 *
 * @since 0.1.0
 */
export const decodeList = (text: string): ReadonlyArray<string> | undefined => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }
  return Array.isArray(parsed) && parsed.every((item) => typeof item === "string") ? parsed : undefined
}

/**
 * The items of a list value, or none when the text is empty or not a JSON array of strings.
 *
 * @since 0.1.0
 */
export const listItems = (text: string): ReadonlyArray<string> => decodeList(text) ?? []

/**
 * Adds or removes `item` and keeps the items in the order of `order` (the option order), with
 * items that are not in `order` kept after them in their current order.
 *
 * @since 0.1.0
 */
export const toggleItem = (
  items: ReadonlyArray<string>,
  item: string,
  selected: boolean,
  order: ReadonlyArray<string>
): ReadonlyArray<string> => {
  const set = new Set(items)
  if (selected) set.add(item)
  else set.delete(item)
  const known = order.filter((value) => set.has(value))
  const rest = [...set].filter((value) => !order.includes(value))
  return [...known, ...rest]
}

/**
 * Adds the trimmed `tag` at the end unless it is empty or already present.
 *
 * @since 0.1.0
 */
export const addTag = (items: ReadonlyArray<string>, tag: string): ReadonlyArray<string> => {
  const trimmed = tag.trim()
  return trimmed === "" || items.includes(trimmed) ? items : [...items, trimmed]
}

/**
 * The text a control shows: the user's own value while they have one, else the rendered value
 * when it is valid, else `""` (an invalid value's text is a reference, not something to show).
 *
 * @since 0.1.0
 */
export const displayValue = (parameter: Parameter, edits: Edits): string => {
  const edited = edits[parameter.name]
  if (edited !== undefined) return edited
  return parameter.value.valid ? parameter.value.value : ""
}

/**
 * Sets (or, with `undefined`, clears) one parameter's value.
 *
 * @since 0.1.0
 */
export const setEdit = (edits: Edits, name: string, value: string | undefined): Edits => {
  const next: Record<string, string> = { ...edits }
  if (value === undefined) delete next[name]
  else next[name] = value
  return next
}

/**
 * The values a preset fills in: exactly its parameters (earlier edits are dropped, as choosing a
 * preset starts the form over from that preset).
 *
 * @since 0.1.0
 */
export const editsFromPreset = (preset: { readonly parameters: Readonly<Record<string, string>> }): Edits => ({
  ...preset.parameters
})
