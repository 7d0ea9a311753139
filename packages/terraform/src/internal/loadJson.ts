/**
 * Terraform JSON configuration (`*.tf.json`) brought into the shape hcl2json gives HCL files, so
 * that the rest of the loader sees one shape: `kind.<label>….<label> = [body, …]`, nested blocks
 * of the schema as arrays, `dynamic.T = [{ for_each, content: [ … ], iterator? }]`.
 *
 * Terraform JSON allows a block (or a label level) to be written as an object or as an array of
 * objects, and `"//"` keys as comments; both are normalised away. A variable's `type` is written
 * without `${ }` in JSON and is wrapped, as hcl2json wraps it.
 *
 * @internal
 */
import { isRecord, labelCountOf, nestedBlockTypes, setOwn, subBlockTypes, universalBlockTypes } from "./loadSchema.js"

const asList = (value: unknown): Array<Record<string, unknown>> =>
  (Array.isArray(value) ? value : [value]).filter(isRecord)

const normaliseNested = (type: string, value: unknown): Array<Record<string, unknown>> =>
  asList(value).map((body) => normaliseBody(body, subBlockTypes.get(type)))

const normaliseDynamic = (value: unknown): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  if (!isRecord(value)) return out
  for (const [type, specs] of Object.entries(value)) {
    if (type === "//") continue
    setOwn(
      out,
      type,
      asList(specs).map((spec) => {
        const copy: Record<string, unknown> = {}
        for (const [key, v] of Object.entries(spec)) {
          if (key === "//") continue
          setOwn(copy, key, key === "content" ? normaliseNested(type, v) : v)
        }
        return copy
      })
    )
  }
  return out
}

const normaliseBody = (
  body: Record<string, unknown>,
  blocks: ReadonlySet<string> | undefined
): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(body)) {
    if (key === "//") continue
    if (key === "dynamic") setOwn(out, key, normaliseDynamic(value))
    else if (universalBlockTypes.has(key) || blocks?.has(key)) setOwn(out, key, normaliseNested(key, value))
    else setOwn(out, key, value)
  }
  return out
}

const topBody = (
  kind: string,
  labels: ReadonlyArray<string>,
  body: Record<string, unknown>
): Record<string, unknown> => {
  if (kind === "locals") {
    const locals: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(body)) if (key !== "//") setOwn(locals, key, value)
    return locals
  }
  const type = labels.length >= 2 ? labels[0] : undefined
  const blocks = kind === "variable" ? new Set(["validation"]) : nestedBlockTypes(kind, type)
  const out = normaliseBody(body, blocks)
  if (kind === "variable" && typeof out["type"] === "string" && !out["type"].includes("${")) {
    out["type"] = "${" + out["type"] + "}"
  }
  return out
}

const labelLevel = (kind: string, value: unknown, labels: Array<string>, remaining: number): unknown => {
  if (remaining === 0) return asList(value).map((body) => topBody(kind, labels, body))
  const out: Record<string, unknown> = {}
  for (const level of asList(value)) {
    for (const [label, inner] of Object.entries(level)) {
      if (label === "//") continue
      const converted = labelLevel(kind, inner, [...labels, label], remaining - 1)
      const existing = Object.hasOwn(out, label) ? out[label] : undefined
      setOwn(out, label, existing === undefined ? converted : mergeLevels(existing, converted))
    }
  }
  return out
}

const mergeLevels = (a: unknown, b: unknown): unknown => {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b]
  if (isRecord(a) && isRecord(b)) {
    const out: Record<string, unknown> = { ...a }
    for (const [key, value] of Object.entries(b)) {
      setOwn(out, key, Object.hasOwn(out, key) ? mergeLevels(out[key], value) : value)
    }
    return out
  }
  return b
}

/**
 * The hcl2json-shaped configuration of a parsed Terraform JSON document, or an error message
 * when the document is not an object.
 */
export const normaliseJsonConfig = (document: unknown): Record<string, unknown> | string => {
  if (!isRecord(document)) return "the root of a Terraform JSON configuration must be an object"
  const out: Record<string, unknown> = {}
  for (const [kind, value] of Object.entries(document)) {
    if (kind === "//") continue
    setOwn(out, kind, labelLevel(kind, value, [], labelCountOf(kind)))
  }
  return out
}
