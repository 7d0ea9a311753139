/**
 * Evaluating a `CompiledTemplate` for one set of inputs (owner, parameter values, tfvars, plan).
 *
 * Evaluation is lazy: a value (a local, a variable, a block attribute, a module output, a
 * block's `count`) is computed the first time something asks for it and remembered; a
 * reference that reaches a value still being computed closes a cycle and is an error (docs/render.md
 * §2.11 allows this instead of Go's repeated whole-graph passes: one lazy pass *is* the
 * fixpoint, and cycles end in absent values). So a render evaluates only what parameters,
 * presets and tags transitively reference; `forceAll` evaluates everything else too, for
 * diagnostics and for checking that both give identical results.
 *
 * @since 0.1.0
 */
import * as Budgets from "./Budgets.js"
import type * as CompiledTemplate from "./CompiledTemplate.js"
import * as Diagnostic from "./Diagnostic.js"
import type * as Evaluator from "./ExpressionEvaluator.js"
import type { FileAccess } from "./FunctionDefinition.js"
import * as Support from "./internal/evalSupport.js"
import { valueTooDeep } from "./internal/jsonDepth.js"
import * as Owner from "./Owner.js"
import type * as Plan from "./Plan.js"
import * as T from "./Type.js"
import * as V from "./Value.js"

/**
 * The inputs of one evaluation.
 *
 * @since 0.1.0
 * @category models
 */
export interface Input {
  readonly owner: Owner.WorkspaceOwner
  /** Keyed by the parameter's `name` attribute; always strings. */
  readonly parameterValues: Readonly<Record<string, string>>
  /** Root variable values (JSON); they override tfvars files. */
  readonly tfvars?: Readonly<Record<string, unknown>> | undefined
  readonly plan?: Plan.PlanData | undefined
  /** The budgets of this evaluation (default: the template's). */
  readonly budgets?: Budgets.Budgets | undefined
  /**
   * The instant `timestamp()` returns, in Unix milliseconds: read from Effect's `Clock` by the
   * caller once per render. Absent, `timestamp()` is an unknown string.
   */
  readonly now?: number | undefined
}

/**
 * A body (block or nested block) as evaluated: attribute results with their errors, nested
 * blocks with `dynamic` ones expanded.
 *
 * @since 0.1.0
 * @category models
 */
export interface Body {
  /** The attribute's result, or `undefined` when the attribute is not set. */
  readonly attribute: (name: string) => Evaluator.Result | undefined
  readonly has: (name: string) => boolean
  /** Nested blocks of a type: the static ones in source order, then the `dynamic` expansions. */
  readonly nested: (type: string) => ReadonlyArray<Body>
}

/**
 * The value of a `coder_parameter` instance (docs/render.md §2.11): absent, or the input string, or
 * the default (in its own type).
 *
 * @since 0.1.0
 * @category models
 */
export type ParameterValue =
  | { readonly _tag: "Absent" }
  | { readonly _tag: "Input"; readonly value: V.Value }
  | { readonly _tag: "Default"; readonly value: V.Value }

/**
 * One instance of a `data` or `resource` block.
 *
 * @since 0.1.0
 * @category models
 */
export interface BlockInstance extends Body {
  readonly block: CompiledTemplate.Block
  readonly module: ModuleInstance
  /** `data.coder_parameter.x`, `data.coder_parameter.x[0]`, `data.coder_parameter.x["k"]`. */
  readonly address: string
  readonly key: number | string | undefined
  /** `count` / `for_each` stayed unknown: one instance without `count.index` / `each`. */
  readonly unexpanded: boolean
  /** The value of a `coder_parameter` instance. */
  readonly parameterValue: () => ParameterValue
  /** The block object as references see it. */
  readonly value: () => V.Value
}

/**
 * One instance of a module (the root, or one instance of a module call).
 *
 * @since 0.1.0
 * @category models
 */
export interface ModuleInstance {
  readonly module: CompiledTemplate.Module
  /** `""` for the root, `module.a`, `module.a[0]`, `module.a["k"].module.b`. */
  readonly address: string
  /** The instances of the module's `data` / `resource` blocks of one type, in block order. */
  readonly blocks: (kind: "data" | "resource", type: string) => ReadonlyArray<BlockInstance>
  /** The value of a variable, or `undefined` when it is undefined (declared but unconvertible). */
  readonly variable: (name: string) => V.Value | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Evaluation {
  readonly template: CompiledTemplate.CompiledTemplate
  readonly root: ModuleInstance
  /** Every module instance: the root first, then the module calls depth-first in address order. */
  readonly instances: () => ReadonlyArray<ModuleInstance>
  /** Evaluation warnings (docs/render.md §2.13): modules not loaded, unexpanded `count`. */
  readonly diagnostics: () => ReadonlyArray<Diagnostic.Diagnostic>
  /** Whether any impure function (`timestamp`, `uuid`, `bcrypt`) was called. */
  readonly impure: () => boolean
  /** Evaluate every local, output, variable and block of every instance. */
  readonly forceAll: () => void
  /** Root variables: the declared default converted to the declared type (docs/render.md §3.1). */
  readonly variableDefault: (variable: CompiledTemplate.Variable) => Support.Converted
  /**
   * The budget meter of this evaluation. Once a budget is exceeded (`meter.exceeded`), every
   * method above may throw `Budgets.BudgetExceeded`: the caller stops and reports
   * `meter.exceeded.diagnostic`.
   */
  readonly meter: Budgets.Meter
  /** The root module's scope, for evaluating an expression as if written in the root module. */
  readonly rootScope: () => Evaluator.Scope
}

/**
 * The code of reference errors that Terraform finds before evaluating (undeclared names,
 * `count` / `each` outside their blocks): `try` and `can` cannot catch them.
 *
 * @since 0.1.0
 * @category diagnostics
 */
export const undeclaredReference = "undeclared_reference"

// -----------------------------------------------------------------------------------------------
// scopes

type Resolution = Evaluator.Resolution

const resolved = (value: V.Value, consumed: number): Resolution => ({ value, consumed })
const failed = (error: Diagnostic.Diagnostic): Resolution => ({ error })

interface Repetition {
  readonly countIndex?: V.Value | undefined
  readonly eachKey?: V.Value | undefined
  readonly eachValue?: V.Value | undefined
}

const noRepetition: Repetition = {}

const unknownRepetition = (kind: "count" | "for_each"): Repetition =>
  kind === "count"
    ? { countIndex: V.unknownOf(T.number) }
    : { eachKey: V.unknownOf(T.string), eachValue: V.DynamicUnknown }

/** The scope of a module instance, possibly inside a repeated block. */
class InstanceScope implements Evaluator.Scope {
  constructor(readonly instance: ModuleInstanceImpl, readonly repetition: Repetition) {}
  get files(): FileAccess {
    return this.instance.evaluation.template.files
  }
  get meter(): Budgets.Meter {
    return this.instance.evaluation.meter
  }
  get now(): number | undefined {
    return this.instance.evaluation.input.now
  }
  resolve(parts: ReadonlyArray<string | number>, range: Diagnostic.Range): Resolution | undefined {
    return this.instance.resolve(parts, range, this.repetition)
  }
}

/** A `dynamic` block's iterator on top of another scope. */
class IteratorScope implements Evaluator.Scope {
  readonly object: V.Value
  constructor(readonly parent: Evaluator.Scope, readonly name: string, key: V.Value, value: V.Value) {
    this.object = V.object([["key", key], ["value", value]])
  }
  get files(): FileAccess {
    return this.parent.files
  }
  get meter(): Budgets.Meter | undefined {
    return this.parent.meter
  }
  get now(): number | undefined {
    return this.parent.now
  }
  resolve(parts: ReadonlyArray<string | number>, range: Diagnostic.Range): Resolution | undefined {
    if (parts[0] === this.name) return resolved(this.object, 1)
    return this.parent.resolve(parts, range)
  }
}

/** tfvars and variable defaults: no references at all. */
const emptyScope = (files: FileAccess, meter: Budgets.Meter, now: number | undefined): Evaluator.Scope => ({
  files,
  meter,
  now,
  resolve: () => undefined
})

// -----------------------------------------------------------------------------------------------
// memo with cycle detection

const IN_PROGRESS: unique symbol = Symbol("in progress")

class Memo<A, K = string> {
  private readonly entries = new Map<K, A | typeof IN_PROGRESS>()
  get(key: K, compute: () => A, onCycle: () => A): A {
    const current = this.entries.get(key)
    if (current === IN_PROGRESS) return onCycle()
    if (current !== undefined) return current
    this.entries.set(key, IN_PROGRESS)
    let result: A
    try {
      result = compute()
    } catch (defect) {
      this.entries.delete(key)
      throw defect
    }
    this.entries.set(key, result)
    return result
  }
}

const cycleError = (what: string, range?: Diagnostic.Range): Diagnostic.Diagnostic =>
  Diagnostic.error("Cycle in references", `The value of ${what} depends on itself.`, { range })

const cycleResult = (what: string, range?: Diagnostic.Range): Evaluator.Result => ({
  value: V.DynamicUnknown,
  errors: [cycleError(what, range)],
  impure: false
})

// -----------------------------------------------------------------------------------------------
// bodies

/** What `nested` returns for a type the body has no blocks of (shared: nothing to remember). */
const noBodies: ReadonlyArray<Body> = Object.freeze([])

const hasDynamic = (body: CompiledTemplate.Body, type: string): boolean => {
  for (const dynamic of body.dynamics) if (dynamic.type === type) return true
  return false
}

/** Nested block types kept in a flat list before the cache becomes a `Map`. */
const nestedListLimit = 8

/**
 * The bodies of one evaluation are many (one per block instance and nested block) and most are
 * read a few times: their memos are made on first use, small, and a constant attribute (most of
 * a `coder_parameter`) is not remembered at all, its result being one shared object.
 */
class BodyImpl implements Body {
  private results: Map<string, Evaluator.Result | typeof IN_PROGRESS> | undefined
  /** Nested types and their bodies, alternating (`nestedListLimit` types at most), or a `Map`. */
  private nestedCache: Array<string | ReadonlyArray<Body>> | Map<string, ReadonlyArray<Body>> | undefined
  constructor(
    readonly evaluation: EvaluationImpl,
    readonly body: CompiledTemplate.Body,
    readonly scope: Evaluator.Scope,
    readonly label: string
  ) {}

  has(name: string): boolean {
    return this.body.attributes.has(name)
  }

  attribute(name: string): Evaluator.Result | undefined {
    const expression = this.body.attributes.get(name)
    if (expression === undefined) return undefined
    if (expression.constant !== undefined && expression.constantResult !== undefined) return expression.constantResult
    const results = this.results ??= new Map()
    const current = results.get(name)
    if (current === IN_PROGRESS) return cycleResult(`${this.label}.${name}`)
    if (current !== undefined) return current
    results.set(name, IN_PROGRESS)
    const result = this.evaluation.run(expression, this.scope)
    results.set(name, result)
    return result
  }

  private cachedNested(type: string): ReadonlyArray<Body> | undefined {
    const cache = this.nestedCache
    if (cache === undefined) return undefined
    if (cache instanceof Map) return cache.get(type)
    for (let i = 0; i < cache.length; i += 2) if (cache[i] === type) return cache[i + 1] as ReadonlyArray<Body>
    return undefined
  }

  private rememberNested(type: string, bodies: ReadonlyArray<Body>): void {
    const cache = this.nestedCache
    if (cache === undefined) {
      this.nestedCache = [type, bodies]
    } else if (cache instanceof Map) {
      cache.set(type, bodies)
    } else if (cache.length < 2 * nestedListLimit) {
      cache.push(type, bodies)
    } else {
      const map = new Map<string, ReadonlyArray<Body>>()
      for (let i = 0; i < cache.length; i += 2) map.set(cache[i] as string, cache[i + 1] as ReadonlyArray<Body>)
      map.set(type, bodies)
      this.nestedCache = map
    }
  }

  nested(type: string): ReadonlyArray<Body> {
    const cached = this.cachedNested(type)
    if (cached) return cached
    const statics = this.body.blocks.get(type)
    if ((statics === undefined || statics.length === 0) && !hasDynamic(this.body, type)) return noBodies
    const label = `${this.label}.${type}`
    // sized up front: `push` on an empty array reserves room for 16
    const bodies: Array<Body> = new Array(statics === undefined ? 0 : statics.length)
    for (let i = 0; i < bodies.length; i++) bodies[i] = new BodyImpl(this.evaluation, statics![i]!, this.scope, label)
    for (const dynamic of this.body.dynamics) {
      if (dynamic.type !== type || dynamic.forEach === undefined) continue
      const collection = this.evaluation.run(dynamic.forEach, this.scope).value
      const elements = Support.dynamicElements(collection)
      this.evaluation.meter.instances(elements.length + bodies.length, dynamic.forEach.expression.range)
      for (const [key, value] of elements) {
        bodies.push(
          new BodyImpl(
            this.evaluation,
            dynamic.content,
            new IteratorScope(this.scope, dynamic.iterator, key, value),
            label
          )
        )
      }
    }
    this.rememberNested(type, bodies)
    return bodies
  }

  /** The attribute's value as stored (errors dropped, docs/render.md §2.2). */
  attributeValue(name: string): V.Value | undefined {
    const result = this.attribute(name)
    return result === undefined ? undefined : result.value
  }

  nestedTypes(): ReadonlyArray<string> {
    const types = new Set<string>(this.body.blocks.keys())
    for (const dynamic of this.body.dynamics) types.add(dynamic.type)
    return [...types]
  }

  /** Nested blocks of a type as a tuple of objects. */
  nestedValue(type: string): V.Value {
    return V.tuple(this.nested(type).map((body) => (body as BodyImpl).objectValue()))
  }

  /**
   * An attribute with the expansions of `dynamic` blocks of the same type appended. A nested
   * block type the schema does not know arrives from hcl2json as an attribute holding the static
   * blocks (a tuple of objects); generated blocks follow them (docs/render.md §2.10).
   */
  attributeWithExpansions(name: string): V.Value | undefined {
    const value = this.attributeValue(name)
    if (value === undefined || !this.body.dynamics.some((dynamic) => dynamic.type === name)) return value
    if (value._tag !== "Tuple" && value._tag !== "List") return value
    const generated = this.nested(name).map((body) => (body as BodyImpl).objectValue())
    return generated.length === 0 ? value : V.tuple([...value.elements, ...generated])
  }

  /** Every configured attribute and nested block, as an object. */
  objectValue(): V.Value {
    const entries: Array<[string, V.Value]> = []
    for (const name of this.body.attributes.keys()) entries.push([name, this.attributeWithExpansions(name)!])
    for (const type of this.nestedTypes()) {
      if (!this.body.attributes.has(type)) entries.push([type, this.nestedValue(type)])
    }
    return V.object(entries)
  }
}

// -----------------------------------------------------------------------------------------------
// blocks

const unsupportedAttribute = (name: string, address: string): Diagnostic.Diagnostic =>
  Diagnostic.error("Unsupported attribute", `This object does not have an attribute named "${name}".`, { address })

class BlockInstanceImpl extends BodyImpl implements BlockInstance {
  private parameter: ParameterValue | undefined
  private parameterInProgress = false
  private objectCache: V.Value | undefined
  private attributeValues: Map<string, Resolution | typeof IN_PROGRESS> | undefined
  constructor(
    evaluation: EvaluationImpl,
    readonly block: CompiledTemplate.Block,
    readonly module: ModuleInstanceImpl,
    readonly key: number | string | undefined,
    readonly unexpanded: boolean,
    repetition: Repetition,
    readonly address: string
  ) {
    super(
      evaluation,
      block.body,
      repetition === noRepetition ? module.moduleScope : new InstanceScope(module, repetition),
      module.prefix + address
    )
  }

  get isOwner(): boolean {
    return this.block.kind === "data" && this.block.type === "coder_workspace_owner" && this.block.name === "me"
  }

  get isParameter(): boolean {
    return this.block.kind === "data" && this.block.type === "coder_parameter"
  }

  parameterValue(): ParameterValue {
    if (this.parameter) return this.parameter
    if (this.parameterInProgress) return { _tag: "Absent" }
    this.parameterInProgress = true
    const name = this.attribute("name")
    let result: ParameterValue = { _tag: "Absent" }
    if (name !== undefined && name.errors.length === 0 && name.value._tag === "String") {
      const input = this.evaluation.input.parameterValues[name.value.value]
      if (input !== undefined) {
        result = { _tag: "Input", value: V.string(input) }
      } else {
        const fallback = this.attribute("default")
        if (fallback !== undefined && fallback.errors.length === 0) result = { _tag: "Default", value: fallback.value }
      }
    }
    this.parameterInProgress = false
    this.parameter = result
    return result
  }

  private planValues(): V.Value | undefined {
    if (this.block.kind !== "data" || this.block.type.startsWith("coder_")) return undefined
    return this.evaluation.planValue(this.module.address, this.block.type, this.block.name, this.key)
  }

  /** One attribute as references see it. */
  resolveAttribute(name: string): Resolution {
    const attributeValues = this.attributeValues ??= new Map()
    const current = attributeValues.get(name)
    if (current === IN_PROGRESS) return failed(cycleError(`${this.label}.${name}`))
    if (current !== undefined) return current
    attributeValues.set(name, IN_PROGRESS)
    const result = this.computeAttribute(name)
    attributeValues.set(name, result)
    return result
  }

  private computeAttribute(name: string): Resolution {
    if (this.isOwner) {
      const owner = this.evaluation.ownerValue as V.ObjectValue
      const value = owner.attributes.get(name)
      return value === undefined ? failed(unsupportedAttribute(name, this.label)) : resolved(value, 1)
    }
    if (this.isParameter && name === "value") {
      const parameter = this.parameterValue()
      return parameter._tag === "Absent" ? failed(unsupportedAttribute(name, this.label)) : resolved(parameter.value, 1)
    }
    let value: V.Value | undefined = this.attributeWithExpansions(name)
    if (value === undefined && this.nestedTypes().includes(name)) value = this.nestedValue(name)
    const plan = this.planValues()
    if (plan !== undefined && plan._tag === "Object") {
      const planned = plan.attributes.get(name)
      if (planned !== undefined) value = value === undefined ? planned : Support.deepMerge(value, planned)
    }
    if (value !== undefined) return resolved(value, 1)
    if (this.block.kind === "resource") return resolved(V.DynamicUnknown, 1)
    if (name === "id") return resolved(V.unknownOf(T.string), 1)
    return failed(unsupportedAttribute(name, this.label))
  }

  value(): V.Value {
    if (this.objectCache) return this.objectCache
    let object: V.Value
    if (this.isOwner) {
      object = this.evaluation.ownerValue
    } else {
      const base = this.objectValue() as V.ObjectValue
      const entries = new Map(base.attributes)
      if (this.isParameter) {
        const parameter = this.parameterValue()
        if (parameter._tag !== "Absent") entries.set("value", parameter.value)
      } else if (this.block.kind === "data" && !entries.has("id")) {
        entries.set("id", V.unknownOf(T.string))
      }
      object = V.object(entries, this.block.kind === "resource")
      const plan = this.planValues()
      if (plan !== undefined) object = Support.deepMerge(object, plan)
    }
    this.objectCache = object
    return object
  }
}

interface Expansion {
  readonly instances: ReadonlyArray<BlockInstanceImpl>
  readonly shape: "single" | "count" | "for_each"
}

/** What a block whose expansion depends on itself expands to. */
const cyclicExpansion: Expansion = Object.freeze({ shape: "single", instances: Object.freeze([]) })

// -----------------------------------------------------------------------------------------------
// module instances

const escapeKey = (key: string): string => JSON.stringify(key)

const instanceSuffix = (key: number | string | undefined): string =>
  key === undefined ? "" : typeof key === "number" ? `[${key}]` : `[${escapeKey(key)}]`

type Repeat =
  | { readonly _tag: "Single"; readonly repetition: Repetition }
  | { readonly _tag: "Unexpanded"; readonly kind: "count" | "for_each" }
  | { readonly _tag: "Count"; readonly count: number }
  | { readonly _tag: "ForEach"; readonly entries: ReadonlyArray<readonly [string, V.Value]> }

/** Per compiled module: its blocks by kind then type, in block order (made on first use). */
const blocksByType = new WeakMap<
  CompiledTemplate.Module,
  Record<"data" | "resource", Map<string, Array<CompiledTemplate.Block>>>
>()

const noBlocks: ReadonlyArray<CompiledTemplate.Block> = Object.freeze([])

/** A module's blocks of one kind and type without a scan of every block (a render asks a few times). */
const blocksOfType = (
  module: CompiledTemplate.Module,
  kind: "data" | "resource",
  type: string
): ReadonlyArray<CompiledTemplate.Block> => {
  let index = blocksByType.get(module)
  if (index === undefined) {
    index = { data: new Map(), resource: new Map() }
    for (const block of module.blocks) {
      const byType = index[block.kind]
      const list = byType.get(block.type)
      if (list === undefined) byType.set(block.type, [block])
      else list.push(block)
    }
    blocksByType.set(module, index)
  }
  return index[kind].get(type) ?? noBlocks
}

const single: Repeat = { _tag: "Single", repetition: noRepetition }

/**
 * Where a compiled module can warn (`diagnostics()`): its calls of modules that are not loaded
 * (each with the text that tells calls of one module apart), and its `coder_` blocks with a
 * `count`. Found once per compiled module.
 *
 * The warnings themselves are made once per module instance address and frozen, so every
 * evaluation of the template reports the same objects and a render can convert them once
 * (`@warmpool/render` shares what it builds from frozen diagnostics). For at most
 * `structuralLimit` addresses per module: an address made of `for_each` keys can take as many
 * values as the input, so past that, warnings are made anew.
 */
interface WarningSites {
  readonly unloaded: ReadonlyArray<CompiledTemplate.ModuleCall>
  readonly unloadedKeys: ReadonlyArray<string>
  readonly counted: ReadonlyArray<CompiledTemplate.Block>
  /** Per instance address, the warnings made so far, by site (unloaded calls, then counted blocks). */
  readonly made: Map<string, Array<Diagnostic.Diagnostic | undefined>>
}

const warningSites = new WeakMap<CompiledTemplate.Module, WarningSites>()
const structuralLimit = 256

const sitesOf = (module: CompiledTemplate.Module): WarningSites => {
  let sites = warningSites.get(module)
  if (sites === undefined) {
    const unloaded = module.calls.filter((call) => call.module === undefined)
    sites = {
      unloaded,
      unloadedKeys: unloaded.map((call) => `${module.dir}\u0000${call.name}`),
      counted: module.blocks.filter((block) => block.count !== undefined && block.type.startsWith("coder_")),
      made: new Map()
    }
    warningSites.set(module, sites)
  }
  return sites
}

/** The warnings made for an address so far (`undefined` past the bound: nothing is kept). */
const madeFor = (sites: WarningSites, prefix: string): Array<Diagnostic.Diagnostic | undefined> | undefined => {
  let made = sites.made.get(prefix)
  if (made === undefined && sites.made.size < structuralLimit) {
    made = []
    sites.made.set(prefix, made)
  }
  return made
}

const kept = (
  made: Array<Diagnostic.Diagnostic | undefined> | undefined,
  site: number,
  make: () => Diagnostic.Diagnostic
): Diagnostic.Diagnostic => {
  if (made === undefined) return make()
  return made[site] ??= Object.freeze(make())
}

class ModuleInstanceImpl implements ModuleInstance {
  readonly prefix: string
  private readonly variables = new Map<string, Support.Converted>()
  private readonly variablesInProgress = new Set<string>()
  /**
   * By the block's `index` (an address can be declared twice): an array sized once, where a `Map`
   * keyed by the block grew with every block a render expanded and cost 60% more per block in a
   * template of 1000 parameters than in one of 100.
   */
  private readonly expansions: Array<Expansion | typeof IN_PROGRESS | undefined>
  private readonly calls = new Memo<CallExpansion>()
  readonly moduleScope: InstanceScope

  constructor(
    readonly evaluation: EvaluationImpl,
    readonly module: CompiledTemplate.Module,
    readonly address: string,
    /** For a child: the inputs, evaluated in the caller's scope. */
    readonly inputs: ((name: string) => Evaluator.Result | undefined) | undefined
  ) {
    this.prefix = address === "" ? "" : `${address}.`
    this.expansions = new Array(module.blocks.length)
    this.moduleScope = new InstanceScope(this, noRepetition)
  }

  // -- values ----------------------------------------------------------------------------------

  variableConverted(name: string): Support.Converted | undefined {
    const variable = this.module.variables.get(name)
    if (variable === undefined) return undefined
    const cached = this.variables.get(name)
    if (cached) return cached
    if (this.variablesInProgress.has(name)) {
      return { value: undefined, error: cycleError(`${this.prefix}var.${name}`) }
    }
    this.variablesInProgress.add(name)
    const converted = this.computeVariable(variable)
    this.variablesInProgress.delete(name)
    this.variables.set(name, converted)
    return converted
  }

  private computeVariable(variable: CompiledTemplate.Variable): Support.Converted {
    if (variable.typeError) return { value: undefined, error: variable.typeError }
    let raw: V.Value | undefined
    if (this.inputs === undefined) {
      const input = this.evaluation.input.tfvars?.[variable.name]
      if (input !== undefined) {
        const meter = this.evaluation.meter
        if (valueTooDeep(input, meter.budgets.maxNestingDepth)) {
          meter.trip("maxNestingDepth", `The value given for variable "${variable.name}" nests too deeply.`)
        }
        raw = Support.fromJson(input)
      } else {
        const file = this.evaluation.template.tfvars.get(variable.name)
        if (file !== undefined) raw = this.evaluation.run(file, this.evaluation.empty).value
      }
    } else {
      raw = this.inputs(variable.name)?.value
    }
    if (raw === undefined && variable.default !== undefined) {
      raw = this.evaluation.run(variable.default, this.evaluation.empty).value
    }
    if (raw === undefined) {
      return { value: V.unknownOf(variable.constraint?.type ?? T.dynamic), error: undefined }
    }
    return variable.constraint ? Support.convertToConstraint(raw, variable.constraint, variable.name) : {
      value: raw,
      error: undefined
    }
  }

  variable(name: string): V.Value | undefined {
    return this.variableConverted(name)?.value
  }

  private readonly localValues = new Map<string, V.Value | typeof IN_PROGRESS>()
  private readonly outputValues = new Map<string, V.Value | typeof IN_PROGRESS>()

  private stored(
    cache: Map<string, V.Value | typeof IN_PROGRESS>,
    name: string,
    expression: CompiledTemplate.Expression,
    what: string,
    range: Diagnostic.Range | undefined
  ): Resolution {
    const current = cache.get(name)
    if (current === IN_PROGRESS) return failed(cycleError(what, range))
    if (current !== undefined) return resolved(current, 2)
    cache.set(name, IN_PROGRESS)
    const value = this.evaluation.run(expression, this.moduleScope).value
    cache.set(name, value)
    return resolved(value, 2)
  }

  /** A local value (stored: errors dropped, docs/render.md §2.2). */
  local(name: string, range?: Diagnostic.Range): Resolution {
    return this.stored(this.localValues, name, this.module.locals.get(name)!, `${this.prefix}local.${name}`, range)
  }

  /** A module output (stored: errors dropped). */
  output(name: string, range?: Diagnostic.Range): Resolution {
    return this.stored(this.outputValues, name, this.module.outputs.get(name)!, `${this.prefix}output.${name}`, range)
  }

  outputsObject(): V.Value {
    return V.object([...this.module.outputs.keys()].map((name) => {
      const output = this.output(name)
      return [name, "error" in output ? V.DynamicUnknown : output.value] as const
    }))
  }

  // -- repetition ------------------------------------------------------------------------------

  repeat(
    count: CompiledTemplate.Expression | undefined,
    forEach: CompiledTemplate.Expression | undefined,
    scope: Evaluator.Scope
  ): Repeat {
    if (count !== undefined) {
      const n = Support.countOf(this.evaluation.run(count, scope).value)
      if (n === "unknown") return { _tag: "Unexpanded", kind: "count" }
      if (n === "single") return single
      this.evaluation.meter.instances(n, count.expression.range)
      this.evaluation.meter.step(n, count.expression.range)
      return { _tag: "Count", count: n }
    }
    if (forEach !== undefined) {
      const entries = Support.forEachEntries(this.evaluation.run(forEach, scope).value)
      if (entries === "unknown") return { _tag: "Unexpanded", kind: "for_each" }
      this.evaluation.meter.instances(entries.length, forEach.expression.range)
      this.evaluation.meter.step(entries.length, forEach.expression.range)
      return { _tag: "ForEach", entries }
    }
    return single
  }

  /**
   * A block's instances, computed once per block. Written out rather than through `Memo`: a
   * render asks once per block, and `Memo.get` would take two fresh closures every time.
   */
  expansion(block: CompiledTemplate.Block): Expansion {
    const current = this.expansions[block.index]
    if (current === IN_PROGRESS) return cyclicExpansion
    if (current !== undefined) return current
    this.expansions[block.index] = IN_PROGRESS
    let result: Expansion
    try {
      result = this.expand(block)
    } catch (defect) {
      this.expansions[block.index] = undefined
      throw defect
    }
    this.expansions[block.index] = result
    return result
  }

  private instanceOf(
    block: CompiledTemplate.Block,
    key: number | string | undefined,
    unexpanded: boolean,
    repetition: Repetition
  ): BlockInstanceImpl {
    return new BlockInstanceImpl(
      this.evaluation,
      block,
      this,
      key,
      unexpanded,
      repetition,
      block.address + instanceSuffix(key)
    )
  }

  private expand(block: CompiledTemplate.Block): Expansion {
    const r = this.repeat(block.count, block.forEach, this.moduleScope)
    switch (r._tag) {
      case "Single":
        return { shape: "single", instances: [this.instanceOf(block, undefined, false, r.repetition)] }
      case "Unexpanded":
        return { shape: "single", instances: [this.instanceOf(block, undefined, true, unknownRepetition(r.kind))] }
      case "Count":
        return {
          shape: "count",
          instances: Array.from(
            { length: r.count },
            (_, i) => this.instanceOf(block, i, false, { countIndex: V.numberFromJs(i) })
          )
        }
      case "ForEach":
        return {
          shape: "for_each",
          instances: r.entries.map(([key, value]) =>
            this.instanceOf(block, key, false, { eachKey: V.string(key), eachValue: value })
          )
        }
    }
  }

  blocks(kind: "data" | "resource", type: string): ReadonlyArray<BlockInstance> {
    const out: Array<BlockInstance> = []
    const blocks = blocksOfType(this.module, kind, type)
    // indexed loops: iterators here cost an allocation per block in a render
    for (let b = 0; b < blocks.length; b++) {
      const instances = this.expansion(blocks[b]!).instances
      for (let i = 0; i < instances.length; i++) out.push(instances[i]!)
    }
    return out
  }

  callExpansion(call: CompiledTemplate.ModuleCall): CallExpansion {
    return this.calls.get(call.name, () => {
      const r = this.repeat(call.count, call.forEach, this.moduleScope)
      const base = `${this.prefix}module.${call.name}`
      const make = (key: number | string | undefined, repetition: Repetition): ModuleInstanceImpl | undefined => {
        if (call.module === undefined) return undefined
        const scope = new InstanceScope(this, repetition)
        const inputCache = new Map<string, Evaluator.Result>()
        return new ModuleInstanceImpl(this.evaluation, call.module, base + instanceSuffix(key), (name) => {
          const expression = call.inputs.get(name)
          if (expression === undefined) return undefined
          let result = inputCache.get(name)
          if (result === undefined) {
            result = this.evaluation.run(expression, scope)
            inputCache.set(name, result)
          }
          return result
        })
      }
      switch (r._tag) {
        case "Single":
          return { shape: "single", keys: [undefined], instances: [make(undefined, r.repetition)] }
        case "Unexpanded":
          return { shape: "single", keys: [undefined], instances: [make(undefined, unknownRepetition(r.kind))] }
        case "Count":
          return {
            shape: "count",
            keys: Array.from({ length: r.count }, (_, i) => i),
            instances: Array.from({ length: r.count }, (_, i) => make(i, { countIndex: V.numberFromJs(i) }))
          }
        case "ForEach":
          return {
            shape: "for_each",
            keys: r.entries.map(([key]) => key),
            instances: r.entries.map(([key, value]) => make(key, { eachKey: V.string(key), eachValue: value }))
          }
      }
    }, () => ({ shape: "single", keys: [], instances: [] }))
  }

  children(): ReadonlyArray<ModuleInstanceImpl> {
    const out: Array<ModuleInstanceImpl> = []
    for (const call of this.module.calls) {
      for (const instance of this.callExpansion(call).instances) if (instance) out.push(instance)
    }
    return out
  }

  // -- references ------------------------------------------------------------------------------

  resolve(
    parts: ReadonlyArray<string | number>,
    range: Diagnostic.Range,
    repetition: Repetition
  ): Resolution | undefined {
    const root = parts[0]
    const attr = parts[1]
    switch (root) {
      case "var": {
        if (typeof attr !== "string") return failed(invalidReference("var", range))
        const converted = this.variableConverted(attr)
        if (converted === undefined) {
          return failed(
            Diagnostic.error(
              "Reference to undeclared input variable",
              `An input variable with the name "${attr}" has not been declared. This variable can be declared with a variable "${attr}" {} block.`,
              { range, code: undeclaredReference }
            )
          )
        }
        return converted.value === undefined ? failed(converted.error!) : resolved(converted.value, 2)
      }
      case "local": {
        if (typeof attr !== "string") return failed(invalidReference("local", range))
        if (!this.module.locals.has(attr)) {
          return failed(
            Diagnostic.error(
              "Reference to undeclared local value",
              `A local value with the name "${attr}" has not been declared.`,
              { range, code: undeclaredReference }
            )
          )
        }
        return this.local(attr, range)
      }
      case "data": {
        const type = parts[1]
        const name = parts[2]
        if (typeof type !== "string" || typeof name !== "string") return failed(invalidReference("data", range))
        return this.resolveBlock(`data.${type}.${name}`, parts, 3, range, "data resource", type, name)
      }
      case "module": {
        if (typeof attr !== "string") return failed(invalidReference("module", range))
        return this.resolveModule(attr, parts, range)
      }
      case "count": {
        if (repetition.countIndex === undefined) {
          return failed(
            Diagnostic.error(
              `Reference to "count" in non-counted context`,
              `The "count" object can only be used in "module", "resource", and "data" blocks, and only when the "count" argument is set.`,
              { range, code: undeclaredReference }
            )
          )
        }
        if (attr !== "index") return failed(invalidReference("count", range))
        return resolved(repetition.countIndex, 2)
      }
      case "each": {
        if (repetition.eachKey === undefined) {
          return failed(
            Diagnostic.error(
              `Reference to "each" in context without for_each`,
              `The "each" object can be used only in "module" or "resource" blocks, and only when the "for_each" argument is set.`,
              { range, code: undeclaredReference }
            )
          )
        }
        if (attr === "key") return resolved(repetition.eachKey, 2)
        if (attr === "value") return resolved(repetition.eachValue!, 2)
        return failed(invalidReference("each", range))
      }
      case "path": {
        if (attr === "module") return resolved(V.string(this.module.dir), 2)
        if (attr === "root") return resolved(V.string("."), 2)
        if (attr === "cwd") return resolved(V.string("/"), 2)
        return failed(invalidReference("path", range))
      }
      case "terraform": {
        if (attr === "workspace") return resolved(V.string("default"), 2)
        return failed(invalidReference("terraform", range))
      }
      default: {
        if (typeof root !== "string" || typeof attr !== "string") return undefined
        if (!this.module.resourceTypes.has(root)) {
          if (/^[a-z][a-z0-9]*_/.test(root)) {
            return failed(
              Diagnostic.error(
                "Reference to undeclared resource",
                `A managed resource "${root}" "${attr}" has not been declared in ${this.describe()}.`,
                { range, code: undeclaredReference }
              )
            )
          }
          return undefined
        }
        return this.resolveBlock(`${root}.${attr}`, parts, 2, range, "managed resource", root, attr)
      }
    }
  }

  private describe(): string {
    return this.address === "" ? "the root module" : this.address
  }

  private resolveBlock(
    address: string,
    parts: ReadonlyArray<string | number>,
    consumed: number,
    range: Diagnostic.Range,
    what: string,
    type: string,
    name: string
  ): Resolution {
    const group = this.module.blocksByAddress.get(address)
    if (group === undefined) {
      return failed(
        Diagnostic.error(
          "Reference to undeclared resource",
          `A ${what} "${type}" "${name}" has not been declared in ${this.describe()}.`,
          { range, code: undeclaredReference }
        )
      )
    }
    const expansion = this.expansion(group[0]!)
    const next = parts[consumed]
    if (expansion.shape === "single") {
      const instance = expansion.instances[0]
      if (instance === undefined) return failed(cycleError(this.prefix + address, range))
      if (typeof next === "string") return withRange(instance.resolveAttribute(next), consumed + 1, range)
      return resolved(instance.value(), consumed)
    }
    if (next !== undefined) {
      const key = next
      const instance = expansion.instances.find((i) => i.key === key)
      if (instance !== undefined) {
        const attribute = parts[consumed + 1]
        if (typeof attribute === "string") return withRange(instance.resolveAttribute(attribute), consumed + 2, range)
        return resolved(instance.value(), consumed + 1)
      }
    }
    if (expansion.shape === "count") return resolved(V.tuple(expansion.instances.map((i) => i.value())), consumed)
    return resolved(V.object(expansion.instances.map((i) => [String(i.key), i.value()] as const)), consumed)
  }

  private resolveModule(name: string, parts: ReadonlyArray<string | number>, range: Diagnostic.Range): Resolution {
    const call = this.module.callsByName.get(name)
    if (call === undefined) {
      return failed(
        Diagnostic.error(
          "Reference to undeclared module",
          `No module call named "${name}" is declared in ${this.describe()}.`,
          { range, code: undeclaredReference }
        )
      )
    }
    if (call.module === undefined) {
      return failed(
        Diagnostic.error(
          "Module not loaded",
          `The outputs of module "${name}" are not available: the module could not be loaded.`,
          { range }
        )
      )
    }
    const expansion = this.callExpansion(call)
    const outputOf = (instance: ModuleInstanceImpl, output: string | number | undefined, consumed: number) => {
      if (typeof output === "string") {
        if (!instance.module.outputs.has(output)) {
          return failed(Diagnostic.error(
            "Unsupported attribute",
            `This object does not have an attribute named "${output}".`,
            { range }
          ))
        }
        const value = instance.output(output, range)
        return "error" in value ? value : resolved(value.value, consumed + 1)
      }
      return resolved(instance.outputsObject(), consumed)
    }
    if (expansion.shape === "single") {
      const instance = expansion.instances[0]
      if (instance === undefined) return failed(cycleError(`${this.prefix}module.${name}`, range))
      return outputOf(instance, parts[2], 2)
    }
    const key = parts[2]
    const index = key === undefined ? -1 : expansion.keys.indexOf(key)
    if (index >= 0) return outputOf(expansion.instances[index]!, parts[3], 3)
    if (expansion.shape === "count") {
      return resolved(V.tuple(expansion.instances.map((i) => i!.outputsObject())), 2)
    }
    return resolved(
      V.object(expansion.instances.map((i, n) => [String(expansion.keys[n]), i!.outputsObject()] as const)),
      2
    )
  }
}

interface CallExpansion {
  readonly shape: "single" | "count" | "for_each"
  readonly keys: ReadonlyArray<number | string | undefined>
  /** `undefined` entries when the module is not loaded. */
  readonly instances: ReadonlyArray<ModuleInstanceImpl | undefined>
}

const withRange = (resolution: Resolution, consumed: number, range: Diagnostic.Range): Resolution =>
  "error" in resolution
    ? failed({ ...resolution.error, range: resolution.error.range ?? range })
    : resolved(resolution.value, consumed)

const invalidReference = (root: string, range: Diagnostic.Range): Diagnostic.Diagnostic =>
  Diagnostic.error(
    "Invalid reference",
    `The "${root}" object cannot be accessed directly. Instead, access one of its attributes.`,
    { range }
  )

// -----------------------------------------------------------------------------------------------
// the evaluation

class EvaluationImpl implements Evaluation {
  readonly root: ModuleInstanceImpl
  private ownerValueMemo: V.Value | undefined
  readonly empty: Evaluator.Scope
  private impureSeen = false
  private instanceList: ReadonlyArray<ModuleInstanceImpl> | undefined
  private readonly planIndex: Map<string, V.Value> | undefined
  readonly meter: Budgets.Meter

  constructor(readonly template: CompiledTemplate.CompiledTemplate, readonly input: Input) {
    this.meter = new Budgets.Meter(input.budgets ?? template.budgets ?? Budgets.defaults)
    this.empty = emptyScope(template.files, this.meter, input.now)
    this.root = new ModuleInstanceImpl(this, template.root, "", undefined)
    this.planIndex = input.plan === undefined ? undefined : Support.indexPlan(input.plan)
  }

  run(expression: CompiledTemplate.Expression, scope: Evaluator.Scope): Evaluator.Result {
    const result = expression.evaluate(scope)
    if (result.impure) this.impureSeen = true
    return result
  }

  planValue(moduleAddress: string, type: string, name: string, key: number | string | undefined): V.Value | undefined {
    return this.planIndex?.get(Support.planKey(moduleAddress, type, name, key))
  }

  instances(): ReadonlyArray<ModuleInstance> {
    if (this.instanceList) return this.instanceList
    const out: Array<ModuleInstanceImpl> = []
    const visit = (instance: ModuleInstanceImpl, depth: number) => {
      out.push(instance)
      if (depth > 32) return
      for (const child of instance.children()) visit(child, depth + 1)
    }
    visit(this.root, 0)
    this.instanceList = out
    return out
  }

  /** The owner as a Terraform value, made when a template first reads it. */
  get ownerValue(): V.Value {
    return this.ownerValueMemo ??= Owner.toValue(this.input.owner)
  }

  diagnostics(): ReadonlyArray<Diagnostic.Diagnostic> {
    const out: Array<Diagnostic.Diagnostic> = []
    const seenCalls = new Set<string>()
    for (const instance of this.instances() as ReadonlyArray<ModuleInstanceImpl>) {
      const sites = sitesOf(instance.module)
      if (sites.unloaded.length === 0 && sites.counted.length === 0) continue
      const { prefix } = instance
      const made = madeFor(sites, prefix)
      sites.unloaded.forEach((call, site) => {
        if (instance.callExpansion(call).keys.length === 0) return
        const key = sites.unloadedKeys[site]!
        if (seenCalls.has(key)) return
        seenCalls.add(key)
        out.push(kept(made, site, () =>
          Diagnostic.warning(
            "Module not loaded. Did you run `terraform init`?",
            `Module 'module "${call.name}"' in file "${call.source.file}" cannot be resolved. This module will be ignored.`,
            { code: "module_not_loaded", address: `${prefix}module.${call.name}` }
          )))
      })
      sites.counted.forEach((block, i) => {
        const expansion = instance.expansion(block)
        if (expansion.instances.length !== 1 || !expansion.instances[0]!.unexpanded) return
        out.push(kept(made, sites.unloaded.length + i, () =>
          Diagnostic.warning(
            `Unexpanded count argument on block "${prefix}${block.address}"`,
            "The count argument is not expanded. This may lead to unexpected behavior. The default behavior is to assume count is 1.",
            { address: prefix + block.address }
          )))
      })
    }
    return out
  }

  impure(): boolean {
    return this.impureSeen
  }

  forceAll(): void {
    for (const instance of this.instances() as ReadonlyArray<ModuleInstanceImpl>) {
      for (const name of instance.module.variables.keys()) instance.variable(name)
      for (const name of instance.module.locals.keys()) instance.local(name)
      for (const name of instance.module.outputs.keys()) instance.output(name)
      for (const block of instance.module.blocks) {
        for (const blockInstance of instance.expansion(block).instances) {
          blockInstance.value()
          const visit = (body: Body) => {
            for (const type of (body as BodyImpl).nestedTypes()) for (const nested of body.nested(type)) visit(nested)
          }
          visit(blockInstance)
        }
      }
    }
  }

  rootScope(): Evaluator.Scope {
    return this.root.moduleScope
  }

  variableDefault(variable: CompiledTemplate.Variable): Support.Converted {
    if (variable.typeError) return { value: undefined, error: variable.typeError }
    if (variable.default === undefined) return { value: V.Null, error: undefined }
    const raw = this.run(variable.default, this.empty).value
    if (variable.constraint === undefined) return { value: raw, error: undefined }
    return Support.convertToConstraint(raw, variable.constraint, variable.name)
  }
}

/**
 * Start evaluating a compiled template for one set of inputs. Nothing is computed until asked.
 *
 * @since 0.1.0
 * @category evaluation
 */
export const evaluate = (template: CompiledTemplate.CompiledTemplate, input: Input): Evaluation =>
  new EvaluationImpl(template, input)
