/**
 * Rendering small in-memory or fixture templates in tests. Every render is done twice, selectively
 * (what the output needs) and with full evaluation, and the two outputs must be identical.
 */
import { expect } from "@effect/vitest"
import type { Owner } from "@warmpool/terraform"
import { CompiledTemplate, HclParser, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import * as path from "node:path"
import type { RenderOutput } from "../../src/index.js"
import { type Rendered, renderTemplate, validatePresets } from "../../src/internal/render.js"

/** The optional inputs of a test render. */
export interface TestInputs {
  readonly values?: Readonly<Record<string, string>>
  /** Missing owner fields are empty (fixtures' `cases.json` give only some). */
  readonly owner?: Partial<Owner.WorkspaceOwner>
  readonly tfvars?: Readonly<Record<string, unknown>>
  readonly plan?: string
  readonly planPath?: string
}

/** A template as path → content. */
export type Files = Readonly<Record<string, string>>

const emptyOwner: Owner.WorkspaceOwner = {
  id: "",
  name: "",
  full_name: "",
  email: "",
  ssh_public_key: "",
  groups: [],
  login_type: "",
  rbac_roles: []
}

/** An owner with the given fields, the others empty. */
export const owner = (fields: Partial<Owner.WorkspaceOwner>): Owner.WorkspaceOwner => ({ ...emptyOwner, ...fields })

/** Inputs in the renderer's form. */
export const inputsOf = (inputs: TestInputs = {}) => ({
  owner: inputs.owner === undefined ? emptyOwner : owner(inputs.owner),
  values: inputs.values ?? {},
  tfvars: inputs.tfvars,
  plan: inputs.plan,
  planPath: inputs.planPath
})

/** Compile an in-memory template (the live `HclParser`). */
export const compile = (files: Files): Effect.Effect<CompiledTemplate.CompiledTemplate> =>
  Effect.suspend(() => {
    const snapshot = TemplateFiles.fromRecord(files)
    if (Either.isLeft(snapshot)) return Effect.die(snapshot.left)
    return CompiledTemplate.compile(snapshot.right)
  }).pipe(Effect.provide(HclParser.layer))

/** A template with only `main.tf`. */
export const main = (source: string): Files => ({ "main.tf": source })

/**
 * Render a compiled template selectively and fully; the outputs must be equal. Returns the
 * selective render.
 */
export const renderCompiled = (template: CompiledTemplate.CompiledTemplate, inputs: TestInputs = {}): Rendered => {
  const selective = renderTemplate(template, inputsOf(inputs))
  const full = renderTemplate(template, inputsOf(inputs), { full: true })
  expect(full.output).toEqual(selective.output)
  return selective
}

/** Compile and render an in-memory template. */
export const render = (files: Files, inputs: TestInputs = {}): Effect.Effect<RenderOutput.RenderOutput> =>
  Effect.map(compile(files), (template) => renderCompiled(template, inputs).output)

/** Compile, render and run `validatePresets` (when the render has no top-level error). */
export const renderValidated = (
  files: Files,
  inputs: TestInputs = {}
): Effect.Effect<RenderOutput.RenderOutput> =>
  Effect.map(compile(files), (template) => {
    const output = renderCompiled(template, inputs).output
    if (output.diagnostics.some((d) => d.severity === "error")) return output
    const validated = validatePresets(template, inputsOf(inputs), output)
    const full = renderTemplate(template, inputsOf(inputs), { full: true }).output
    expect(validatePresets(template, inputsOf(inputs), full)).toEqual(validated)
    return validated
  })

/** The directory of the fixture templates. */
export const fixturesDir = path.join(import.meta.dirname, "..", "fixtures")

/** Every file of a fixture directory, as path → content. */
export const fixtureFiles = (name: string): Files => {
  const root = path.join(fixturesDir, name)
  const out: Record<string, string> = {}
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name !== "cases.json") {
        out[path.relative(root, full).split(path.sep).join("/")] = fs.readFileSync(full, "utf8")
      }
    }
  }
  walk(root)
  return out
}

/** The fixture directories. */
export const fixtureNames = (): ReadonlyArray<string> =>
  fs.readdirSync(fixturesDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()

/** The input sets of a fixture (`cases.json`: `{ "<case>": TestInputs }`), or one blank case. */
export const fixtureCases = (name: string): Readonly<Record<string, TestInputs>> => {
  const file = path.join(fixturesDir, name, "cases.json")
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, TestInputs> : { blank: {} }
}

/** A parameter of an output by name; fails the test when it is missing. */
export const parameter = (output: RenderOutput.RenderOutput, name: string): RenderOutput.Parameter => {
  const found = output.parameters.find((p) => p.name === name)
  if (found === undefined) {
    expect.fail(`no parameter "${name}" (have: ${output.parameters.map((p) => p.name).join(", ")})`)
  }
  return found
}

/** A preset of an output by name; fails the test when it is missing. */
export const preset = (output: RenderOutput.RenderOutput, name: string): RenderOutput.Preset => {
  const found = output.presets.find((p) => p.name === name)
  if (found === undefined) expect.fail(`no preset "${name}" (have: ${output.presets.map((p) => p.name).join(", ")})`)
  return found
}

/** Diagnostics as `severity|summary|detail` (with `|code` when there is one). */
export const lines = (diagnostics: ReadonlyArray<RenderOutput.Diagnostic>): Array<string> =>
  diagnostics.map((d) => `${d.severity}|${d.summary}|${d.detail}${d.extra.code === "" ? "" : `|${d.extra.code}`}`)

/** Summaries only. */
export const summaries = (diagnostics: ReadonlyArray<RenderOutput.Diagnostic>): Array<string> =>
  diagnostics.map((d) => d.summary)
