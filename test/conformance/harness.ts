/**
 * The conformance harness: reads `../shared/corpus/preview/cases.json` (in place, never copied)
 * and checks a render output against a case's expectations, as the corpus README defines them.
 */
import { ExpressionParser, Type, TypeConstraint } from "@warmpool/terraform"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import * as path from "node:path"

export interface CaseInput {
  readonly params: Record<string, string>
  readonly owner: Record<string, unknown> | null
  readonly plan: string | null
  readonly planJson?: string
  readonly tfvars: Record<string, unknown> | null
}

export interface ParamExpect {
  readonly value?: string
  readonly default?: string
  readonly options?: ReadonlyArray<string>
  readonly optionNames?: ReadonlyArray<string>
  readonly optionCount?: number
  readonly optionsInclude?: ReadonlyArray<string>
  readonly unknown?: boolean
  readonly noDiags?: boolean
  readonly errorContains?: string
  readonly formType?: string
}

export interface PresetExpect {
  readonly params?: Record<string, string>
  readonly instances?: number
  readonly default?: boolean
  readonly noDiags?: boolean
  readonly errorContains?: string
}

export interface VariableExpect {
  readonly type?: string
  readonly default?: unknown
  readonly description?: string
  readonly nullable?: boolean
  readonly sensitive?: boolean
  readonly noDiags?: boolean
}

export interface Expect {
  readonly fail: boolean
  readonly params?: Record<string, ParamExpect>
  readonly exactParamCount?: number
  readonly tags?: Record<string, string>
  readonly unusableTags?: ReadonlyArray<string>
  readonly presets?: Record<string, PresetExpect>
  readonly variables?: Record<string, VariableExpect>
  readonly exactVariableCount?: number
  readonly noDiags?: boolean
  readonly warningContains?: string
}

export interface Case {
  readonly name: string
  readonly dir: string
  readonly goSkipped?: string
  readonly input: CaseInput
  readonly validatePresets: boolean
  readonly expect: Expect
}

/** The wire output, loosely typed (the CLI gives JSON). */
export interface WireOutput {
  readonly parameters: ReadonlyArray<any>
  readonly presets: ReadonlyArray<any>
  readonly tags: Record<string, string>
  readonly unusable_tags: ReadonlyArray<string>
  readonly variables: ReadonlyArray<any>
  readonly diagnostics: ReadonlyArray<any>
}

const repoRoot = path.resolve(import.meta.dirname, "..", "..")

/** Where the shared corpus is, when it is present. */
export const corpusRoot = (): string | undefined => {
  const dir = process.env.WARMPOOL_CORPUS ?? path.resolve(repoRoot, "..", "shared", "corpus")
  return fs.existsSync(path.join(dir, "preview", "cases.json")) ? dir : undefined
}

/** Whether a missing corpus must fail the run instead of skipping. */
export const corpusRequired = (): boolean => process.env.WARMPOOL_REQUIRE_CORPUS === "1"

export const loadCases = (corpus: string): ReadonlyArray<Case> =>
  (JSON.parse(fs.readFileSync(path.join(corpus, "preview", "cases.json"), "utf8")) as { cases: Array<Case> }).cases

const typeOfText = (text: string): Type.Type | undefined => {
  const parsed = ExpressionParser.parseExpression(text)
  if (parsed.diagnostics.length > 0) return undefined
  const decoded = TypeConstraint.fromExpression(parsed.expression)
  return Either.isRight(decoded) ? decoded.right.type : undefined
}

const sameMembers = (a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>): boolean => {
  if (a.length !== b.length) return false
  const rest = b.map((x) => JSON.stringify(x))
  for (const x of a) {
    const i = rest.indexOf(JSON.stringify(x))
    if (i < 0) return false
    rest.splice(i, 1)
  }
  return true
}

const jsonEqual = (a: unknown, b: unknown, typeText: string | undefined): boolean => {
  if (typeText?.startsWith("set(") && Array.isArray(a) && Array.isArray(b)) return sameMembers(a, b)
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    if (Array.isArray(a) !== Array.isArray(b)) return false
    if (Array.isArray(a)) {
      return a.length === (b as Array<unknown>).length &&
        a.every((x, i) => jsonEqual(x, (b as Array<unknown>)[i], undefined))
    }
    const ka = Object.keys(a).sort()
    const kb = Object.keys(b).sort()
    return JSON.stringify(ka) === JSON.stringify(kb) &&
      ka.every((k) => jsonEqual((a as any)[k], (b as any)[k], undefined))
  }
  return a === b
}

const contains = (diagnostics: ReadonlyArray<any>, severity: string, text: string): boolean =>
  diagnostics.some((d) =>
    d.severity === severity && (String(d.summary).includes(text) || String(d.detail).includes(text))
  )

/** The ways an output misses a case's expectations (empty when it conforms). */
export const check = (spec: Case, output: WireOutput): Array<string> => {
  const problems: Array<string> = []
  const expect = spec.expect
  const topErrors = output.diagnostics.filter((d) => d.severity === "error")
  if (expect.fail) {
    if (topErrors.length === 0) problems.push("expected at least one top-level error")
    return problems
  }
  if (topErrors.length > 0) {
    problems.push(`unexpected top-level errors: ${topErrors.map((d) => `${d.summary}: ${d.detail}`).join(" | ")}`)
  }
  if (expect.noDiags && output.diagnostics.length > 0) {
    problems.push(`expected no top-level diagnostics, got ${JSON.stringify(output.diagnostics)}`)
  }
  if (expect.warningContains !== undefined && !contains(output.diagnostics, "warning", expect.warningContains)) {
    problems.push(`no top-level warning contains ${JSON.stringify(expect.warningContains)}`)
  }
  if (expect.exactParamCount !== undefined && output.parameters.length !== expect.exactParamCount) {
    problems.push(
      `expected ${expect.exactParamCount} parameters, got ${output.parameters.length} (${
        output.parameters.map((p) => p.name).join(", ")
      })`
    )
  }
  for (const [name, want] of Object.entries(expect.params ?? {})) {
    const p = output.parameters.find((x) => x.name === name)
    if (!p) {
      problems.push(`parameter ${name} missing`)
      continue
    }
    const where = `parameter ${name}`
    if (want.value !== undefined && (p.value.value !== want.value || !p.value.valid)) {
      problems.push(`${where}: value ${JSON.stringify(p.value)} != ${JSON.stringify(want.value)}`)
    }
    if (want.default !== undefined && p.default_value.value !== want.default) {
      problems.push(`${where}: default ${JSON.stringify(p.default_value)} != ${JSON.stringify(want.default)}`)
    }
    const values = p.options.map((o: any) => o.value.value)
    const names = p.options.map((o: any) => o.name)
    if (want.options !== undefined && !sameMembers(values, want.options)) {
      problems.push(`${where}: options ${JSON.stringify(values)} != ${JSON.stringify(want.options)}`)
    }
    if (want.optionNames !== undefined && !sameMembers(names, want.optionNames)) {
      problems.push(`${where}: option names ${JSON.stringify(names)} != ${JSON.stringify(want.optionNames)}`)
    }
    if (want.optionCount !== undefined && p.options.length !== want.optionCount) {
      problems.push(`${where}: ${p.options.length} options, expected ${want.optionCount}`)
    }
    for (const v of want.optionsInclude ?? []) {
      if (!values.includes(v)) problems.push(`${where}: options lack ${v}`)
    }
    if (want.unknown === true && p.value.valid) problems.push(`${where}: value should be unknown/invalid`)
    if (want.noDiags && p.diagnostics.length > 0) {
      problems.push(`${where}: expected no diagnostics, got ${JSON.stringify(p.diagnostics)}`)
    }
    if (want.errorContains !== undefined && !contains(p.diagnostics, "error", want.errorContains)) {
      problems.push(
        `${where}: no error contains ${JSON.stringify(want.errorContains)} (${JSON.stringify(p.diagnostics)})`
      )
    }
    if (want.formType !== undefined && p.form_type !== want.formType) {
      problems.push(`${where}: form_type ${p.form_type} != ${want.formType}`)
    }
  }
  if (expect.tags !== undefined) {
    const got = output.tags
    const gotKeys = Object.keys(got).sort()
    const wantKeys = Object.keys(expect.tags).sort()
    if (JSON.stringify(gotKeys) !== JSON.stringify(wantKeys)) {
      problems.push(`tags ${JSON.stringify(got)} != ${JSON.stringify(expect.tags)}`)
    } else {
      for (const k of wantKeys) {
        if (!jsonEqual(got[k], expect.tags[k], undefined)) problems.push(`tag ${k}: ${got[k]} != ${expect.tags[k]}`)
      }
    }
  }
  if (expect.unusableTags !== undefined && !sameMembers([...new Set(output.unusable_tags)], expect.unusableTags)) {
    problems.push(`unusable tags ${JSON.stringify(output.unusable_tags)} != ${JSON.stringify(expect.unusableTags)}`)
  }
  if (expect.presets !== undefined) {
    const names = output.presets.map((p) => p.name)
    if (!sameMembers(names, Object.keys(expect.presets))) {
      problems.push(`presets ${JSON.stringify(names)} != ${JSON.stringify(Object.keys(expect.presets))}`)
    }
    for (const [name, want] of Object.entries(expect.presets)) {
      const p = output.presets.find((x) => x.name === name)
      if (!p) continue
      const where = `preset ${name}`
      for (const [k, v] of Object.entries(want.params ?? {})) {
        if (p.parameters[k] !== v) problems.push(`${where}: parameter ${k} = ${p.parameters[k]}, expected ${v}`)
      }
      if (want.instances !== undefined) {
        const n = p.prebuilds === null ? 0 : p.prebuilds.instances
        if (n !== want.instances) problems.push(`${where}: ${n} instances, expected ${want.instances}`)
      }
      if (want.default !== undefined && p.default !== want.default) {
        problems.push(`${where}: default ${p.default}, expected ${want.default}`)
      }
      if (want.noDiags && p.diagnostics.length > 0) {
        problems.push(`${where}: expected no diagnostics, got ${JSON.stringify(p.diagnostics)}`)
      }
      if (want.errorContains !== undefined && !contains(p.diagnostics, "error", want.errorContains)) {
        problems.push(
          `${where}: no error contains ${JSON.stringify(want.errorContains)} (${JSON.stringify(p.diagnostics)})`
        )
      }
    }
  }
  if (expect.exactVariableCount !== undefined && output.variables.length !== expect.exactVariableCount) {
    problems.push(`expected ${expect.exactVariableCount} variables, got ${output.variables.length}`)
  }
  for (const [name, want] of Object.entries(expect.variables ?? {})) {
    const v = output.variables.find((x) => x.name === name)
    if (!v) {
      problems.push(`variable ${name} missing`)
      continue
    }
    const where = `variable ${name}`
    if (want.type !== undefined) {
      const a = typeOfText(v.type)
      const b = typeOfText(want.type)
      if (a === undefined || b === undefined || !Type.equals(a, b)) {
        problems.push(`${where}: type ${v.type} != ${want.type}`)
      }
    }
    if ("default" in want && !jsonEqual(v.default, want.default, want.type ?? v.type)) {
      problems.push(`${where}: default ${JSON.stringify(v.default)} != ${JSON.stringify(want.default)}`)
    }
    if (want.description !== undefined && v.description !== want.description) {
      problems.push(`${where}: description ${JSON.stringify(v.description)} != ${JSON.stringify(want.description)}`)
    }
    if (want.nullable !== undefined && v.nullable !== want.nullable) problems.push(`${where}: nullable ${v.nullable}`)
    if (want.sensitive !== undefined && v.sensitive !== want.sensitive) {
      problems.push(`${where}: sensitive ${v.sensitive}`)
    }
    if (want.noDiags && v.diagnostics.length > 0) {
      problems.push(`${where}: diagnostics ${JSON.stringify(v.diagnostics)}`)
    }
  }
  return problems
}
