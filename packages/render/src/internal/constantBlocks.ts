/**
 * Blocks of constants: a block without `count` / `for_each` / `dynamic` whose every attribute
 * (nested blocks' too) is a constant gives the same results in every evaluation, so what a render
 * extracts from it (a parameter up to its value, a preset) can be extracted once per compiled
 * template and shared by its renders (`sharedParts.ts`).
 *
 * @internal
 */
import type { CompiledTemplate, TemplateEvaluation } from "@warmpool/terraform"

const constantBody = (body: CompiledTemplate.Body): boolean => {
  if (body.dynamics.length > 0) return false
  for (const expression of body.attributes.values()) {
    if (expression.constant === undefined || expression.constantResult === undefined) return false
  }
  for (const bodies of body.blocks.values()) for (const nested of bodies) if (!constantBody(nested)) return false
  return true
}

/** Whether a compiled block is a block of constants. */
export const constantBlock = (block: CompiledTemplate.Block): boolean =>
  block.count === undefined && block.forEach === undefined && constantBody(block.body)

/**
 * A table of what is extracted once per block of constants: per compiled module, by the block's
 * `index`; `null` for a block that is not one, absent until first asked. A render of a large
 * template then reads one small record per block, found by position rather than in a table keyed
 * by every block of every template in the process.
 */
export const perConstantBlock = <A>(
  extract: (instance: TemplateEvaluation.BlockInstance) => A
): (instance: TemplateEvaluation.BlockInstance) => A | null => {
  const table = new WeakMap<CompiledTemplate.Module, Array<A | null | undefined>>()
  return (instance) => {
    const module = instance.module.module
    let parts = table.get(module)
    if (parts === undefined) {
      parts = new Array(module.blocks.length)
      table.set(module, parts)
    }
    const block = instance.block
    let part = parts[block.index]
    if (part === undefined) {
      part = constantBlock(block) ? extract(instance) : null
      parts[block.index] = part
    }
    return part
  }
}
