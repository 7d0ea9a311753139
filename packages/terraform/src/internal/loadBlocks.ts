/**
 * Blocks out of hcl2json's JSON shape (`kind.<label>….<label> = [body, …]`), with header lines and
 * nested written order recovered from a scan of the source.
 *
 * @internal
 */
import type { NestedBlockRef } from "../BlockOrder.js"
import type { Block } from "../Loader.js"
import type { ScannedBlock } from "./loadScan.js"
import { isRecord, labelCountOf, labelCounts } from "./loadSchema.js"

const maxLabels = 8

/** The address of a block: `data.T.N`, `T.N` for resources, `module.N`, `variable.N`, `locals`. */
export const addressOf = (kind: string, labels: ReadonlyArray<string>): string => {
  if (kind === "resource" && labels.length > 0) return labels.join(".")
  return labels.length === 0 ? kind : `${kind}.${labels.join(".")}`
}

/** The override-matching key of a block: its type and labels joined with `.`. */
export const keyOf = (kind: string, labels: ReadonlyArray<string>): string =>
  labels.length === 0 ? kind : `${kind}.${labels.join(".")}`

const hasTypeLabel = (kind: string): boolean => kind === "data" || kind === "resource" || kind === "ephemeral"

/** Builds a block. */
export const makeBlock = (
  kind: string,
  labels: ReadonlyArray<string>,
  body: Record<string, unknown>,
  file: string,
  line: number | undefined,
  order: number,
  nested: ReadonlyArray<NestedBlockRef> | undefined
): Block => ({
  kind,
  labels,
  type: hasTypeLabel(kind) && labels.length >= 2 ? labels[0] : undefined,
  name: labels.length === 0 ? undefined : labels[labels.length - 1],
  address: addressOf(kind, labels),
  key: keyOf(kind, labels),
  body,
  file,
  line,
  order,
  nested
})

interface RawBlock {
  readonly kind: string
  readonly labels: ReadonlyArray<string>
  readonly body: Record<string, unknown>
  /** Position among the bodies of the same key, in the file. */
  readonly index: number
}

const collect = (kind: string, value: unknown, labels: Array<string>, out: Array<RawBlock>): void => {
  if (Array.isArray(value)) {
    let index = 0
    for (const body of value) if (isRecord(body)) out.push({ kind, labels: [...labels], body, index: index++ })
    return
  }
  if (!isRecord(value)) return
  // Known block types stop at their label count; deeper objects are not label levels.
  const limit = Object.hasOwn(labelCounts, kind) ? labelCountOf(kind) : maxLabels
  if (labels.length >= limit) return
  for (const [label, inner] of Object.entries(value)) {
    labels.push(label)
    collect(kind, inner, labels, out)
    labels.pop()
  }
}

const headerKey = (kind: string, labels: ReadonlyArray<string>): string => [kind, ...labels].join("\u0000")

const nestedOf = (
  header: ScannedBlock,
  body: Record<string, unknown>,
  file: string
): ReadonlyArray<NestedBlockRef> | undefined => {
  const refs: Array<NestedBlockRef> = []
  const statics = new Map<string, number>()
  const dynamics = new Map<string, number>()
  for (const child of header.children) {
    if (child.type === "dynamic") {
      const type = child.labels[0]
      if (type === undefined) return undefined
      refs.push({ type, dynamic: true, file, line: child.line })
      dynamics.set(type, (dynamics.get(type) ?? 0) + 1)
    } else {
      refs.push({ type: child.type, dynamic: false, file, line: child.line })
      statics.set(child.type, (statics.get(child.type) ?? 0) + 1)
    }
  }
  for (const [type, count] of statics) {
    const list = body[type]
    if (!Array.isArray(list) || list.length !== count) return undefined
  }
  const dynamicBody = body["dynamic"]
  const dynamicTypes = isRecord(dynamicBody) ? Object.keys(dynamicBody) : []
  if (dynamicTypes.length !== dynamics.size) return undefined
  for (const type of dynamicTypes) {
    const list = (dynamicBody as Record<string, unknown>)[type]
    if (!Array.isArray(list) || list.length !== dynamics.get(type)) return undefined
  }
  return refs
}

/**
 * The blocks of one parsed file in written order when the scan agrees with the parse (else in
 * hcl2json's order), numbered from `firstOrder`. `headers` is `undefined` for JSON files.
 */
export const blocksOf = (
  parsed: unknown,
  file: string,
  headers: ReadonlyArray<ScannedBlock> | undefined,
  firstOrder: number
): Array<Block> => {
  if (!isRecord(parsed)) return []
  const raw: Array<RawBlock> = []
  for (const [kind, value] of Object.entries(parsed)) collect(kind, value, [], raw)
  const byKey = new Map<string, Array<ScannedBlock>>()
  if (headers !== undefined) {
    for (const header of headers) {
      const key = headerKey(header.type, header.labels)
      const list = byKey.get(key)
      if (list === undefined) byKey.set(key, [header])
      else list.push(header)
    }
  }
  const counts = new Map<string, number>()
  for (const block of raw) {
    const key = headerKey(block.kind, block.labels)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  const matched = raw.map((block) => {
    const key = headerKey(block.kind, block.labels)
    const list = byKey.get(key)
    const header = list !== undefined && list.length === counts.get(key) ? list[block.index] : undefined
    return { block, header }
  })
  if (matched.every((m) => m.header !== undefined)) matched.sort((a, b) => a.header!.offset - b.header!.offset)
  return matched.map(({ block, header }, i) =>
    makeBlock(
      block.kind,
      block.labels,
      block.body,
      file,
      header?.line,
      firstOrder + i,
      header === undefined ? undefined : nestedOf(header, block.body, file)
    )
  )
}
