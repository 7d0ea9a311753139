/**
 * Which body keys are nested blocks rather than attributes (docs/render.md §1.2): hcl2json cannot tell
 * them apart, so the loader uses this small schema.
 *
 * @internal
 */

const none: ReadonlySet<string> = new Set()
const parameterBlocks: ReadonlySet<string> = new Set(["option", "validation"])
const presetBlocks: ReadonlySet<string> = new Set(["prebuilds"])

/** Nested block types every block may have. */
export const universalBlockTypes: ReadonlySet<string> = new Set(["dynamic", "lifecycle"])

/**
 * The nested block types of a top-level block, besides `dynamic` and `lifecycle`: `option` and
 * `validation` for `data "coder_parameter"`, `prebuilds` for `data "coder_workspace_preset"`.
 */
export const nestedBlockTypes = (kind: string, type: string | undefined): ReadonlySet<string> => {
  if (kind !== "data") return none
  if (type === "coder_parameter") return parameterBlocks
  if (type === "coder_workspace_preset") return presetBlocks
  return none
}

/** Nested block types inside nested blocks (`prebuilds { expiration_policy {} scheduling { schedule {} } }`). */
export const subBlockTypes: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ["prebuilds", new Set(["expiration_policy", "scheduling"])],
  ["scheduling", new Set(["schedule"])]
])

/** Number of labels of each top-level block type; unknown types are taken to have none. */
export const labelCounts: Readonly<Record<string, number>> = {
  data: 2,
  resource: 2,
  ephemeral: 2,
  module: 1,
  variable: 1,
  output: 1,
  provider: 1,
  check: 1,
  locals: 0,
  terraform: 0,
  moved: 0,
  import: 0,
  removed: 0
}

/** The number of labels of a top-level block type (0 for unknown types). */
export const labelCountOf = (kind: string): number => (Object.hasOwn(labelCounts, kind) ? labelCounts[kind]! : 0)

/** A JSON object that is not an array. */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Sets an own, enumerable property, also for the key `__proto__` (which a plain assignment would
 * treat as the prototype).
 */
export const setOwn = (target: Record<string, unknown>, key: string, value: unknown): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}
