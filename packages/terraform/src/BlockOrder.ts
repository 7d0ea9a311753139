/**
 * Block order. hcl2json returns object keys sorted and no positions, which happens to be the
 * order Go gives the blocks of a module (address order, RENDER.md §5.1 and §8.2). What it loses
 * is the written order: header lines, and how static and `dynamic` nested blocks interleave.
 * Both are recovered here by a light lexical scan of the source for block headers such as
 * `data "coder_workspace_preset" "x" {`, which skips comments, quoted strings (with their
 * interpolations) and heredocs.
 *
 * @since 0.1.0
 */
import { compareCodePoints } from "./internal/loadPaths.js"
import { scan } from "./internal/loadScan.js"
import type { Block } from "./Loader.js"

/**
 * A block header found in the source: `type "label" … {`.
 *
 * @since 0.1.0
 * @category models
 */
export interface BlockHeader {
  /** The block type keyword (`data`, `option`, `dynamic`, …). */
  readonly type: string
  /** The labels, unquoted. */
  readonly labels: ReadonlyArray<string>
  /** 1-based line of the type keyword. */
  readonly line: number
  /** 1-based column of the type keyword. */
  readonly column: number
  /** 0-based offset of the type keyword. */
  readonly offset: number
  /** The headers of the blocks directly inside (for top-level headers; empty below). */
  readonly children: ReadonlyArray<BlockHeader>
}

/**
 * The top-level block headers of an HCL source in written order, each with its direct nested
 * block headers.
 *
 * @since 0.1.0
 * @category utils
 */
export const scanHeaders = (source: string): ReadonlyArray<BlockHeader> => scan(source).blocks

/**
 * One nested block of a block, in written order: a static `option { … }` is
 * `{ type: "option", dynamic: false }` and refers to the next element of `body.option`; a
 * `dynamic "option" { … }` is `{ type: "option", dynamic: true }` and refers to the next element
 * of `body.dynamic.option`.
 *
 * @since 0.1.0
 * @category models
 */
export interface NestedBlockRef {
  readonly type: string
  readonly dynamic: boolean
  /** The file the nested block is written in (an override file after merging). */
  readonly file: string
  readonly line: number | undefined
}

/**
 * Orders addresses the way Go's `sort.Strings` does (by code point).
 *
 * @since 0.1.0
 * @category utils
 */
export const compareAddresses: (a: string, b: string) => number = compareCodePoints

/**
 * Block order within a module: by address, and blocks with the same address in written order
 * (`order`).
 *
 * @since 0.1.0
 * @category utils
 */
export const compareBlocks = (a: Block, b: Block): number => compareAddresses(a.address, b.address) || a.order - b.order

/**
 * The blocks of a module in block order.
 *
 * @since 0.1.0
 * @category utils
 */
export const sortBlocks = (blocks: ReadonlyArray<Block>): ReadonlyArray<Block> => [...blocks].sort(compareBlocks)

/**
 * The blocks in written order (files in lexical order, then position in the file).
 *
 * @since 0.1.0
 * @category utils
 */
export const writtenOrder = (blocks: ReadonlyArray<Block>): ReadonlyArray<Block> =>
  [...blocks].sort((a, b) => a.order - b.order)

/**
 * The nested blocks of `type` in written order, static and `dynamic` interleaved, or `undefined`
 * when the written order is not known (Terraform JSON files, or a scan that does not agree with
 * the parsed body). Each element is either a static body (`{ dynamic: false, body }`) or a
 * `dynamic` block (`{ dynamic: true, body }`).
 *
 * @since 0.1.0
 * @category utils
 */
export const nestedInWrittenOrder = (
  block: Block,
  type: string
): ReadonlyArray<{ readonly dynamic: boolean; readonly body: unknown }> | undefined => {
  if (block.nested === undefined) return undefined
  const statics = block.body[type]
  const dynamics = (block.body["dynamic"] as Record<string, unknown> | undefined)?.[type]
  const staticList = Array.isArray(statics) ? statics : []
  const dynamicList = Array.isArray(dynamics) ? dynamics : []
  const out: Array<{ readonly dynamic: boolean; readonly body: unknown }> = []
  let s = 0
  let d = 0
  for (const ref of block.nested) {
    if (ref.type !== type) continue
    if (ref.dynamic) out.push({ dynamic: true, body: dynamicList[d++] })
    else out.push({ dynamic: false, body: staticList[s++] })
  }
  if (s !== staticList.length || d !== dynamicList.length) return undefined
  return out
}
