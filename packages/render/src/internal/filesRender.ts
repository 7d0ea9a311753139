/**
 * The render of files that are not a stored version yet (a template import): compile, render
 * for the given owner and values, then validate the presets when the render has no top-level
 * errors. The same function runs in process (the CLI, tests) and in a render worker.
 */
import type { Owner, TemplateFiles } from "@warmpool/terraform"
import { CompiledTemplate, type HclParser } from "@warmpool/terraform"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as RenderOutput from "../RenderOutput.js"
import { type Rendered, renderTemplate, validatePresets } from "./render.js"

/** A files render: the render, and its output with the preset validation attached. */
export interface FilesRendered {
  readonly rendered: Rendered
  /** The output with preset errors attached (RENDER.md §5.2); the render's output when it has errors. */
  readonly validated: RenderOutput.RenderOutput
}

export const renderFiles = (
  files: TemplateFiles.TemplateFiles,
  owner: Owner.WorkspaceOwner,
  values: Readonly<Record<string, string>>
): Effect.Effect<FilesRendered, never, HclParser.HclParser> =>
  Effect.zipWith(CompiledTemplate.compile(files), Clock.currentTimeMillis, (template, now) => {
    const inputs = { owner, values, now }
    const rendered = renderTemplate(template, inputs)
    const validated = RenderOutput.hasErrors(rendered.output)
      ? rendered.output
      : validatePresets(template, inputs, rendered.output)
    return { rendered, validated }
  })

/** Files as (path, content) pairs, the shape they cross the worker boundary in. */
export const filePairs = (files: TemplateFiles.TemplateFiles): Array<readonly [string, Uint8Array]> =>
  files.listFiles().map((path) => [path, files.readFile(path) ?? new Uint8Array()] as const)

/** Pairs back to a null-prototype record (`__proto__` is an ordinary name). */
export const pairsRecord = (
  pairs: ReadonlyArray<readonly [string, Uint8Array]>
): Record<string, Uint8Array> => {
  const record: Record<string, Uint8Array> = Object.create(null)
  for (const [path, content] of pairs) record[path] = content
  return record
}
