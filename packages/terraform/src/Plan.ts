/**
 * Plan JSON (RENDER.md §1.6): the output of `terraform show -json`. Only
 * `prior_state.values.root_module` and its nested `child_modules[]` are read, and of their
 * `resources[]` only data sources (`mode == "data"`) whose type does not start with `coder_`.
 * Their `values` are later deep-merged over the matching data-source instance.
 *
 * `""`, whitespace and `{}` mean "no plan".
 *
 * @since 0.1.0
 */
import * as Either from "effect/Either"
import * as Diagnostic from "./Diagnostic.js"
import { isRecord } from "./internal/loadSchema.js"
import type { TemplateFiles } from "./TemplateFiles.js"

/**
 * One data-source instance recorded in the plan's prior state.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlanResource {
  readonly type: string
  readonly name: string
  /** `undefined` for a single instance, a number for `count`, a string for `for_each`. */
  readonly index: number | string | undefined
  /** The recorded attribute values (raw JSON). */
  readonly values: unknown
}

/**
 * The data sources of a plan, per module instance address: `""` for the root, `module.a`,
 * `module.a[0]`, `module.a["k"].module.b`.
 *
 * @since 0.1.0
 * @category models
 */
export interface PlanData {
  readonly modules: ReadonlyMap<string, ReadonlyArray<PlanResource>>
}

/**
 * No plan.
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: PlanData = { modules: new Map() }

/**
 * Whether the plan holds no data sources at all.
 *
 * @since 0.1.0
 * @category guards
 */
export const isEmpty = (plan: PlanData): boolean => plan.modules.size === 0

/**
 * The data sources of one module instance (none when the plan does not mention it).
 *
 * @since 0.1.0
 * @category utils
 */
export const resourcesOf = (plan: PlanData, moduleAddress: string): ReadonlyArray<PlanResource> =>
  plan.modules.get(moduleAddress) ?? []

const failure = (detail: string): Diagnostic.Diagnostic => Diagnostic.error("Parsing plan JSON", detail)

const parseFailure = (message: string): Diagnostic.Diagnostic => failure(`unable to parse plan JSON: ${message}`)

/**
 * Whether a plan text means "no plan": empty, whitespace, or an object with no members.
 *
 * @since 0.1.0
 * @category guards
 */
export const isNoPlan = (text: string): boolean => /^\s*(?:\{\s*\})?\s*$/.test(text)

const supportedFormat = (version: string): boolean => {
  const m = /^(\d+)\.(\d+)(?:\.\d+)?$/.exec(version)
  if (m === null) return false
  const major = Number(m[1])
  const minor = Number(m[2])
  return major === 1 || (major === 0 && minor >= 1)
}

const dataResources = (module: Record<string, unknown>): Array<PlanResource> => {
  const out: Array<PlanResource> = []
  const resources = module["resources"]
  if (!Array.isArray(resources)) return out
  for (const resource of resources) {
    if (!isRecord(resource)) continue
    const { index, mode, name, type, values } = resource
    if (mode !== "data" || typeof type !== "string" || typeof name !== "string") continue
    if (type.startsWith("coder_")) continue
    out.push({
      type,
      name,
      index: typeof index === "number" || typeof index === "string" ? index : undefined,
      values: values === undefined ? null : values
    })
  }
  return out
}

/**
 * Reads the data sources of a plan document. `""`, whitespace and `{}` give `empty`; a document
 * that is not JSON, not an object, or lacks a supported `format_version` is the error
 * `Parsing plan JSON` (`unable to parse plan JSON: <msg>`).
 *
 * @since 0.1.0
 * @category parsing
 */
export const parsePlan = (text: string): Either.Either<PlanData, Diagnostic.Diagnostic> => {
  if (isNoPlan(text)) return Either.right(empty)
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (e) {
    return Either.left(parseFailure(e instanceof Error ? e.message : String(e)))
  }
  if (!isRecord(document)) return Either.left(parseFailure("the plan is not a JSON object"))
  const version = document["format_version"]
  if (typeof version !== "string" || version === "") {
    return Either.left(parseFailure("unexpected plan input, format version is missing"))
  }
  if (!supportedFormat(version)) {
    return Either.left(parseFailure(`unsupported plan format version: "${version}" does not satisfy ">= 0.1, < 2.0"`))
  }
  const prior = document["prior_state"]
  const values = isRecord(prior) ? prior["values"] : undefined
  const root = isRecord(values) ? values["root_module"] : undefined
  if (!isRecord(root)) return Either.right(empty)
  const modules = new Map<string, Array<PlanResource>>()
  const add = (address: string, resources: Array<PlanResource>) => {
    if (resources.length === 0) return
    const existing = modules.get(address)
    if (existing === undefined) modules.set(address, resources)
    else existing.push(...resources)
  }
  // Iterative walk: plan documents can nest child modules arbitrarily deep.
  const stack: Array<{ readonly module: Record<string, unknown>; readonly address: string }> = [{
    module: root,
    address: ""
  }]
  while (stack.length > 0) {
    const { address, module } = stack.pop()!
    add(address, dataResources(module))
    const children = module["child_modules"]
    if (!Array.isArray(children)) continue
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]
      if (isRecord(child) && typeof child["address"] === "string" && child["address"] !== "") {
        stack.push({ module: child, address: child["address"] })
      }
    }
  }
  return Either.right({ modules })
}

/**
 * Reads a plan file from the snapshot (`planJsonPath`). A missing file is the error
 * `Parsing plan JSON` (`unable to open plan JSON file: open <path>: file does not exist`).
 *
 * @since 0.1.0
 * @category utils
 */
export const readPlanFile = (files: TemplateFiles, path: string): Either.Either<PlanData, Diagnostic.Diagnostic> => {
  const clean = path.replace(/^(?:\.\/)+/, "")
  const text = files.readText(clean)
  if (text === undefined) {
    return Either.left(failure(`unable to open plan JSON file: open ${path}: file does not exist`))
  }
  return parsePlan(text)
}

/**
 * The plan of a render input: `planJson` when it is not "no plan", otherwise the file at
 * `planJsonPath` when one is given, otherwise `empty`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromInput = (
  files: TemplateFiles,
  input: { readonly planJson?: string | undefined; readonly planJsonPath?: string | undefined }
): Either.Either<PlanData, Diagnostic.Diagnostic> => {
  if (input.planJson !== undefined && !isNoPlan(input.planJson)) return parsePlan(input.planJson)
  if (input.planJsonPath !== undefined && input.planJsonPath !== "") return readPlanFile(files, input.planJsonPath)
  return Either.right(empty)
}

const quoteKey = (key: string): string => {
  let out = "\""
  for (const ch of key) {
    const code = ch.codePointAt(0)!
    if (ch === "\"") out += "\\\""
    else if (ch === "\\") out += "\\\\"
    else if (ch === "\n") out += "\\n"
    else if (ch === "\r") out += "\\r"
    else if (ch === "\t") out += "\\t"
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`
    else out += ch
  }
  return out + "\""
}

/**
 * The address of a module instance as plan JSON writes it: `module.a`, `module.a[0]`,
 * `module.a["k"].module.b`; `""` for the root.
 *
 * @since 0.1.0
 * @category utils
 */
export const moduleInstanceAddress = (
  steps: ReadonlyArray<{ readonly name: string; readonly key?: number | string | undefined }>
): string =>
  steps.map((step) =>
    `module.${step.name}${
      step.key === undefined ? "" : typeof step.key === "number" ? `[${step.key}]` : `[${quoteKey(step.key)}]`
    }`
  ).join(".")
