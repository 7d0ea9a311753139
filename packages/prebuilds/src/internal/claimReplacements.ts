/**
 * Which resources a claim would replace, found statically on the compiled template.
 *
 * A claim re-applies the template with a new owner and a new workspace name. Without a
 * Terraform plan, warmpool counts a resource as replaced when one of its arguments (or its
 * `count` / `for_each`) depends, directly or through locals, module inputs and outputs, data
 * sources or other resources, on something a claim changes:
 *
 * - any attribute of `data.coder_workspace_owner.me`;
 * - `data.coder_workspace.me` as a whole, or its `name` and `owner*` attributes (its `id`,
 *   `start_count` and `transition` do not change on a claim).
 *
 * Arguments listed in `lifecycle { ignore_changes = [...] }` are left out (`all` leaves out the
 * whole resource), as Terraform does. `coder_*` resources are never reported: they are Coder's own
 * bookkeeping (the agent re-initialises on the claim build anyway). Whether a changed argument
 * forces a replacement or an in-place update depends on the provider's schema, which warmpool
 * does not have: this over-approximates, the way a template author would read the template.
 *
 * @internal
 */
import type { CompiledTemplate } from "@warmpool/terraform"

type Expression = CompiledTemplate.Expression

const workspaceAttributesChangedByClaim: ReadonlySet<string> = new Set([
  "name",
  "owner",
  "owner_id",
  "owner_name",
  "owner_email",
  "owner_oidc_access_token",
  "owner_session_token"
])

/** The symbols of a module that a reference can point to. */
const symbolOf = (
  parts: ReadonlyArray<string | number>,
  resourceTypes: ReadonlySet<string>
): string | undefined => {
  const [root, second, third, fourth] = parts
  if (root === "local" && typeof second === "string") return `local.${second}`
  if (root === "var" && typeof second === "string") return `var.${second}`
  if (root === "module" && typeof second === "string") {
    return typeof third === "string" ? `module.${second}.${third}` : `module.${second}`
  }
  if (root === "data" && typeof second === "string" && typeof third === "string") {
    if (second === "coder_workspace_owner" && third === "me") return "claim"
    if (second === "coder_workspace" && third === "me") {
      return fourth === undefined || (typeof fourth === "string" && workspaceAttributesChangedByClaim.has(fourth))
        ? "claim"
        : undefined
    }
    return `data.${second}.${third}`
  }
  if (typeof root === "string" && resourceTypes.has(root) && typeof second === "string") return `${root}.${second}`
  return undefined
}

const ignoredArguments = (body: Record<string, unknown>): "all" | ReadonlySet<string> => {
  const lifecycle = body.lifecycle
  const first = Array.isArray(lifecycle) ? lifecycle[0] : undefined
  if (typeof first !== "object" || first === null) return new Set()
  const raw = (first as Record<string, unknown>).ignore_changes
  const entries = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]
  const names = new Set<string>()
  for (const entry of entries) {
    if (typeof entry !== "string") continue
    const inner = entry.startsWith("${") && entry.endsWith("}") ? entry.slice(2, -1) : entry
    const name = /^\s*\[?\s*([A-Za-z_][A-Za-z0-9_-]*)/.exec(inner)?.[1]
    if (name === "all") return "all"
    if (name !== undefined) names.add(name)
  }
  return names
}

interface Analysis {
  readonly taintedOutputs: ReadonlySet<string>
  readonly replaced: ReadonlyArray<string>
}

const analyzeModule = (
  module: CompiledTemplate.Module,
  taintedVariables: ReadonlySet<string>,
  prefix: string
): Analysis => {
  const tainted = new Set<string>([...taintedVariables].map((name) => `var.${name}`))
  tainted.add("claim")
  const isTainted = (expression: Expression | undefined): boolean => {
    if (expression === undefined) return false
    for (const reference of expression.references) {
      const symbol = symbolOf(reference.parts, module.resourceTypes)
      if (symbol === undefined) continue
      if (tainted.has(symbol)) return true
      // `module.m` as a whole is tainted when any of its outputs is.
      if (symbol.startsWith("module.") && symbol.split(".").length === 2) {
        for (const entry of tainted) if (entry.startsWith(`${symbol}.`)) return true
      }
    }
    return false
  }
  const bodyTainted = (body: CompiledTemplate.Body, skip: "all" | ReadonlySet<string>): boolean => {
    if (skip === "all") return false
    for (const [name, expression] of body.attributes) {
      if (!skip.has(name) && isTainted(expression)) return true
    }
    for (const [name, nested] of body.blocks) {
      if (skip.has(name)) continue
      for (const inner of nested) if (bodyTainted(inner, new Set())) return true
    }
    for (const dynamic of body.dynamics) {
      if (skip.has(dynamic.type)) continue
      if (isTainted(dynamic.forEach) || bodyTainted(dynamic.content, new Set())) return true
    }
    return false
  }
  const children = new Map<string, Analysis>()
  const childKeys = new Map<string, string>()
  let changed = true
  while (changed) {
    changed = false
    const add = (symbol: string) => {
      if (!tainted.has(symbol)) {
        tainted.add(symbol)
        changed = true
      }
    }
    for (const [name, expression] of module.locals) {
      if (!tainted.has(`local.${name}`) && isTainted(expression)) add(`local.${name}`)
    }
    for (const block of module.blocks) {
      const symbol = block.kind === "data" ? `data.${block.type}.${block.name}` : `${block.type}.${block.name}`
      if (tainted.has(symbol)) continue
      const skip = block.kind === "resource" ? ignoredArguments(block.source.body) : new Set<string>()
      if (isTainted(block.count) || isTainted(block.forEach) || bodyTainted(block.body, skip)) add(symbol)
    }
    for (const call of module.calls) {
      if (call.module === undefined) continue
      const inputs = new Set<string>()
      for (const [name, expression] of call.inputs) if (isTainted(expression)) inputs.add(name)
      const countTainted = isTainted(call.count) || isTainted(call.forEach)
      const key = `${countTainted}:${[...inputs].sort().join(",")}`
      if (childKeys.get(call.name) === key) continue
      childKeys.set(call.name, key)
      const child = analyzeModule(call.module, inputs, `${prefix}module.${call.name}.`)
      // A claim-dependent count or for_each changes the instances: every resource inside.
      const replaced = countTainted ? allResources(call.module, `${prefix}module.${call.name}.`) : child.replaced
      children.set(call.name, { taintedOutputs: child.taintedOutputs, replaced })
      for (const output of child.taintedOutputs) add(`module.${call.name}.${output}`)
      changed = true
    }
  }
  const replaced: Array<string> = []
  for (const block of module.blocks) {
    if (block.kind !== "resource" || block.type.startsWith("coder_")) continue
    if (tainted.has(`${block.type}.${block.name}`)) replaced.push(`${prefix}${block.address}`)
  }
  for (const call of module.calls) replaced.push(...(children.get(call.name)?.replaced ?? []))
  const taintedOutputs = new Set<string>()
  for (const [name, expression] of module.outputs) if (isTainted(expression)) taintedOutputs.add(name)
  return { taintedOutputs, replaced }
}

const allResources = (module: CompiledTemplate.Module, prefix: string): ReadonlyArray<string> => [
  ...module.blocks.filter((b) => b.kind === "resource" && !b.type.startsWith("coder_")).map((b) =>
    `${prefix}${b.address}`
  ),
  ...module.calls.flatMap((call) =>
    call.module === undefined ? [] : allResources(call.module, `${prefix}module.${call.name}.`)
  )
]

const memo = new WeakMap<CompiledTemplate.CompiledTemplate, ReadonlyArray<string>>()

/**
 * The addresses of the resources a claim would replace (see the module comment), sorted and
 * unique; computed once per compiled template.
 *
 * @internal
 */
export const claimReplacements = (template: CompiledTemplate.CompiledTemplate): ReadonlyArray<string> => {
  const cached = memo.get(template)
  if (cached !== undefined) return cached
  const result = [...new Set(analyzeModule(template.root, new Set(), "").replaced)].sort()
  memo.set(template, result)
  return result
}
