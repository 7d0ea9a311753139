/**
 * Workspace tags from `data "coder_workspace_tags"` blocks (RENDER.md §5.3).
 */
import type { TemplateEvaluation } from "@warmpool/terraform"
import { Type, Value } from "@warmpool/terraform"
import type * as RenderOutput from "../RenderOutput.js"
import { diagnostic, primitiveText } from "./text.js"

/** Usable and unusable tags of every tags block, and the top-level errors. */
export interface ExtractedTags {
  readonly tags: Record<string, string>
  readonly unusable: Array<string>
  readonly diagnostics: Array<RenderOutput.Diagnostic>
}

/** Merge the tags of the given `coder_workspace_tags` instances, in order. */
export const extractTags = (instances: ReadonlyArray<TemplateEvaluation.BlockInstance>): ExtractedTags => {
  const tags: Record<string, string> = {}
  const unusable: Array<string> = []
  const diagnostics: Array<RenderOutput.Diagnostic> = []
  for (const instance of instances) {
    const result = instance.attribute("tags")
    if (result === undefined) continue
    const value = result.value
    const entries = value._tag === "Object" ? value.attributes : value._tag === "Map" ? value.entries : undefined
    if (entries === undefined) {
      diagnostics.push(
        diagnostic(
          "error",
          `Incorrect type for "tags" attribute`,
          `"tags" attribute must be an 'Object', but got "${Type.friendlyName(Value.typeOf(value))}"`
        )
      )
      continue
    }
    for (const [key, element] of entries) {
      if (element._tag === "Null") continue
      const text = primitiveText(element)
      if (text === undefined) unusable.push(key)
      else tags[key] = text
    }
  }
  return { tags, unusable, diagnostics }
}
