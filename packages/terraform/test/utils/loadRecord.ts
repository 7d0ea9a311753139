import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HclParser from "../../src/HclParser.js"
import * as Loader from "../../src/Loader.js"
import * as TemplateFiles from "../../src/TemplateFiles.js"

/** Loads an in-memory template with the live HclParser. */
export const loadRecord = (
  record: Record<string, string>,
  options?: Loader.LoadOptions
): Effect.Effect<Loader.LoadedTemplate> =>
  Effect.suspend(() => {
    const files = TemplateFiles.fromRecord(record)
    if (Either.isLeft(files)) return Effect.die(files.left)
    return Loader.load(files.right, options)
  }).pipe(Effect.provide(HclParser.layer))

/** The blocks of a module as `address@file:line`. */
export const addresses = (module: Loader.LoadedModule): Array<string> =>
  module.blocks.map((b) => `${b.address}@${b.file}:${b.line ?? "?"}`)

/** The first block with this address. */
export const blockAt = (module: Loader.LoadedModule, address: string): Loader.Block => {
  const block = module.blocks.find((b) => b.address === address)
  if (block === undefined) throw new Error(`no block ${address}`)
  return block
}

/** Diagnostics as `severity|summary|detail`. */
export const diagnosticLines = (template: Loader.LoadedTemplate): Array<string> =>
  template.diagnostics.map((d) => `${d.severity}|${d.summary}|${d.detail}`)
