/**
 * A `CompiledTemplate` is everything about a template version that does not depend on the owner,
 * the parameter values, tfvars or a plan: every module's blocks with every expression parsed and
 * compiled once. Evaluating it for new inputs (`TemplateEvaluation.evaluate`) parses nothing. This is the
 * object the `TemplateCache` stores.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Budgets from "./Budgets.js"
import * as Diagnostic from "./Diagnostic.js"
import * as Evaluator from "./ExpressionEvaluator.js"
import type { HclParser } from "./HclParser.js"
import * as CompileBody from "./internal/compileBody.js"
import * as Loader from "./Loader.js"
import type { TemplateFiles } from "./TemplateFiles.js"
import * as TypeConstraint from "./TypeConstraint.js"

/**
 * A compiled expression with the attribute name it came from.
 *
 * @since 0.1.0
 * @category models
 */
export type Expression = Evaluator.Compiled

/**
 * A block body: attributes, nested blocks of the block's schema (static, in source order) and
 * `dynamic` blocks.
 *
 * @since 0.1.0
 * @category models
 */
export interface Body {
  readonly attributes: ReadonlyMap<string, Expression>
  readonly blocks: ReadonlyMap<string, ReadonlyArray<Body>>
  readonly dynamics: ReadonlyArray<DynamicBlock>
}

/**
 * `dynamic "type" { for_each = ..., iterator = ..., content { ... } }`
 *
 * @since 0.1.0
 * @category models
 */
export interface DynamicBlock {
  readonly type: string
  readonly forEach: Expression | undefined
  readonly iterator: string
  readonly content: Body
}

/**
 * A `data` or `resource` block.
 *
 * @since 0.1.0
 * @category models
 */
export interface Block {
  readonly source: Loader.Block
  readonly kind: "data" | "resource"
  readonly type: string
  readonly name: string
  /** `data.coder_parameter.region` or `coder_agent.main`. */
  readonly address: string
  /** The block's position in its module's `blocks` (an evaluation keeps per-block state by it). */
  readonly index: number
  readonly count: Expression | undefined
  readonly forEach: Expression | undefined
  /** The body without the meta-arguments (`count`, `for_each`, `depends_on`, `provider`, `lifecycle`). */
  readonly body: Body
}

/**
 * A `variable` block.
 *
 * @since 0.1.0
 * @category models
 */
export interface Variable {
  readonly source: Loader.Block
  readonly name: string
  /** The declared type constraint, when there is one and it decodes. */
  readonly constraint: TypeConstraint.TypeConstraint | undefined
  /** `Failed to decode variable type for <name>` when the `type` does not decode. */
  readonly typeError: Diagnostic.Diagnostic | undefined
  readonly default: Expression | undefined
  readonly description: Expression | undefined
  readonly nullable: Expression | undefined
  readonly sensitive: Expression | undefined
}

/**
 * A `module` block.
 *
 * @since 0.1.0
 * @category models
 */
export interface ModuleCall {
  readonly source: Loader.Block
  readonly name: string
  readonly sourceAddress: string | undefined
  readonly count: Expression | undefined
  readonly forEach: Expression | undefined
  /** The module's inputs: attributes other than `source version count for_each providers depends_on`. */
  readonly inputs: ReadonlyMap<string, Expression>
  /** `undefined` when the module is not loaded (docs/render.md §1.3). */
  readonly module: Module | undefined
}

/**
 * One module (a directory), compiled.
 *
 * @since 0.1.0
 * @category models
 */
export interface Module {
  readonly dir: string
  readonly callPath: ReadonlyArray<string>
  readonly variables: ReadonlyMap<string, Variable>
  readonly locals: ReadonlyMap<string, Expression>
  readonly outputs: ReadonlyMap<string, Expression>
  /** `data` and `resource` blocks in address order (duplicates kept, in source order). */
  readonly blocks: ReadonlyArray<Block>
  /** Blocks by address; several when an address is declared twice. */
  readonly blocksByAddress: ReadonlyMap<string, ReadonlyArray<Block>>
  /** Every declared resource type (for resolving `<type>.<name>` references). */
  readonly resourceTypes: ReadonlySet<string>
  readonly calls: ReadonlyArray<ModuleCall>
  readonly callsByName: ReadonlyMap<string, ModuleCall>
  /** Whether the module declares `data "coder_workspace_owner" "me"`. */
  readonly declaresOwner: boolean
}

/**
 * Which owner fields the template can read: none, some, or all of them (when an expression
 * reads the whole owner object).
 *
 * @since 0.1.0
 * @category models
 */
export type OwnerReads =
  | { readonly _tag: "None" }
  | { readonly _tag: "Fields"; readonly fields: ReadonlySet<string> }
  | {
    readonly _tag: "All"
  }

/**
 * A template version compiled: its files, its modules, its tfvars, what loading and compiling
 * reported, and its estimated retained bytes.
 *
 * @since 0.1.0
 * @category models
 */
export interface CompiledTemplate {
  readonly files: TemplateFiles
  readonly root: Module
  /** Values from `*.tfvars` / `*.tfvars.json` files, compiled (evaluated in an empty scope). */
  readonly tfvars: ReadonlyMap<string, Expression>
  /**
   * Load and compile diagnostics (parse errors, override warnings, ...), each frozen: the same
   * objects in every render of the template.
   */
  readonly diagnostics: ReadonlyArray<Diagnostic.Diagnostic>
  /** A diagnostic that stops every render (`Failed to load tfvars from files`). */
  readonly fatal: Diagnostic.Diagnostic | undefined
  /** The owner data the template can read: drives the render cache's owner digest. */
  readonly ownerReads: OwnerReads
  /** The budgets it was loaded with, and that its evaluations use. */
  readonly budgets: Budgets.Budgets
  /**
   * Estimated retained bytes: an upper estimate of the heap this compiled template keeps alive
   * (see {@link weightOf}), counted while compiling. Caches weigh their entries with it.
   */
  readonly weight: number
}

/**
 * The estimated retained bytes per unit of what a compile builds ({@link weightOf}). Calibrated
 * on the heap a compiled template keeps (`node --expose-gc`, heap and array buffers after a full
 * collection, per compile) for public Coder templates, synthetic templates of 10 to 1000
 * parameters and hostile shapes (20,000-term sums, 20,000 references in a list, 10,000
 * interpolations, 200 nested brackets, 200 calls of one module, 10,000 empty nested blocks,
 * 5,000 one-byte files, ...): the smallest coefficients that bound every shape from above, plus a quarter. The estimate
 * is 1.3 to 1.7 times the measured heap for real templates, 1.5 to 2.2 for synthetic ones and 1.3
 * to 3.5 for the hostile ones. The heap itself is 14 to 28 times the source bytes for real templates and up to
 * 240 times for hostile ones (a module called 200 times: 2300 times), which is why source bytes
 * are no measure. Not counted: what renders add later (the per-snapshot memo of constant calls).
 *
 * @since 0.1.0
 * @category constants
 */
export const weightCoefficients = {
  /** The snapshot's bytes, their decoded text and the hcl2json body strings. */
  sourceByte: 3,
  /** A file of the snapshot: its path, its entry, its byte array. */
  file: 320,
  /** A node of an expression that is not constant: its syntax tree node and closure. */
  node: 750,
  /** A node of a constant expression: its syntax tree node (the closures are dropped). */
  constantNode: 450,
  /** A static reference: its parts, and the traversal that resolves it. */
  reference: 2500,
  /** A compiled expression: its record and its result when constant. */
  expression: 50,
  /** A block (of every module instance): the loaded block, its compiled record and body. */
  block: 1450,
  /** A block body, nested ones included: its attribute map and raw hcl2json object. */
  body: 450,
  /** The template's own records: snapshot, module maps, diagnostics. */
  base: 4096
} as const

/**
 * The estimated retained bytes of a compiled template from what its compile counted: a linear
 * sum over the snapshot's bytes and files, compiled nodes (constant or not), references, expressions, blocks and
 * bodies ({@link weightCoefficients}).
 *
 * @since 0.1.0
 * @category utils
 */
export const weightOf = (
  tally: Evaluator.CompileTally,
  snapshot: { readonly totalBytes: number; readonly fileCount: number }
): number => {
  const c = weightCoefficients
  return c.base + c.sourceByte * snapshot.totalBytes + c.file * snapshot.fileCount + c.node * tally.nodes +
    c.constantNode * tally.constantNodes +
    c.reference * tally.references + c.expression * tally.expressions + c.block * tally.blocks + c.body * tally.bodies
}

const blockMeta = new Set(["count", "for_each", "depends_on", "provider", "lifecycle"])
const moduleMeta = new Set(["source", "version", "count", "for_each", "providers", "depends_on"])

/**
 * The nested block types warmpool's schema knows (docs/render.md §1.2): everything else is an
 * attribute.
 */
const nestedBlocksOf = (kind: string, type: string | undefined): CompileBody.BlockSchema => {
  if (kind === "data" && type === "coder_parameter") return CompileBody.parameterBlocks
  if (kind === "data" && type === "coder_workspace_preset") return CompileBody.presetBlocks
  return CompileBody.noBlocks
}

const compileModule = (
  loaded: Loader.LoadedModule,
  diagnostics: Array<Diagnostic.Diagnostic>,
  tally: Evaluator.CompileTally
): Module => {
  const variables = new Map<string, Variable>()
  const locals = new Map<string, Expression>()
  const outputs = new Map<string, Expression>()
  const blocks: Array<Block> = []
  const resourceTypes = new Set<string>()
  let declaresOwner = false
  tally.blocks += loaded.blocks.length
  for (const source of loaded.blocks) {
    const context = CompileBody.contextOf(source, tally)
    switch (source.kind) {
      case "variable": {
        if (source.name === undefined) break
        const typeRaw = source.body["type"]
        let constraint: TypeConstraint.TypeConstraint | undefined
        let typeError: Diagnostic.Diagnostic | undefined
        if (typeRaw !== undefined) {
          const expression = CompileBody.parseRaw(typeRaw, context)
          const decoded = TypeConstraint.fromExpression(expression.expression)
          if (decoded._tag === "Right") constraint = decoded.right
          else {
            typeError = Diagnostic.error(
              `Failed to decode variable type for ${source.name}`,
              decoded.left.detail || decoded.left.summary,
              { address: source.address, range: context.range }
            )
          }
        }
        const attribute = (name: string) =>
          source.body[name] === undefined ? undefined : CompileBody.compileRaw(source.body[name], context)
        variables.set(source.name, {
          source,
          name: source.name,
          constraint,
          typeError,
          default: attribute("default"),
          description: attribute("description"),
          nullable: attribute("nullable"),
          sensitive: attribute("sensitive")
        })
        break
      }
      case "locals": {
        for (const [name, raw] of Object.entries(source.body)) locals.set(name, CompileBody.compileRaw(raw, context))
        break
      }
      case "output": {
        if (source.name === undefined) break
        const value = source.body["value"]
        outputs.set(
          source.name,
          CompileBody.compileRaw(value === undefined ? null : value, context)
        )
        break
      }
      case "data":
      case "resource": {
        if (source.type === undefined || source.name === undefined) break
        if (source.kind === "resource") resourceTypes.add(source.type)
        if (source.kind === "data" && source.type === "coder_workspace_owner" && source.name === "me") {
          declaresOwner = true
        }
        const meta = (name: string) =>
          source.body[name] === undefined ? undefined : CompileBody.compileRaw(source.body[name], context)
        blocks.push({
          source,
          kind: source.kind,
          type: source.type,
          name: source.name,
          address: source.kind === "data" ? `data.${source.type}.${source.name}` : `${source.type}.${source.name}`,
          index: blocks.length,
          count: meta("count"),
          forEach: meta("for_each"),
          body: CompileBody.compileBody(source.body, nestedBlocksOf(source.kind, source.type), blockMeta, context)
        })
        break
      }
      default:
        break
    }
  }
  const blocksByAddress = new Map<string, Array<Block>>()
  for (const block of blocks) {
    const group = blocksByAddress.get(block.address)
    if (group) group.push(block)
    else blocksByAddress.set(block.address, [block])
  }
  const calls: Array<ModuleCall> = loaded.calls.map((call) => {
    const context = CompileBody.contextOf(call.block, tally)
    const inputs = new Map<string, Expression>()
    for (const [name, raw] of Object.entries(call.block.body)) {
      if (!moduleMeta.has(name)) inputs.set(name, CompileBody.compileRaw(raw, context))
    }
    const meta = (name: string) =>
      call.block.body[name] === undefined ? undefined : CompileBody.compileRaw(call.block.body[name], context)
    return {
      source: call.block,
      name: call.name,
      sourceAddress: call.source,
      count: meta("count"),
      forEach: meta("for_each"),
      inputs,
      module: call.module === undefined ? undefined : compileModule(call.module, diagnostics, tally)
    }
  })
  return {
    dir: loaded.dir,
    callPath: loaded.callPath,
    variables,
    locals,
    outputs,
    blocks,
    blocksByAddress,
    resourceTypes,
    calls,
    callsByName: new Map(calls.map((call) => [call.name, call])),
    declaresOwner
  }
}

const ownerReadsOf = (root: Module): OwnerReads => {
  const fields = new Set<string>()
  let all = false
  const visitExpression = (expression: Expression) => {
    for (const reference of expression.references) {
      const parts = reference.parts
      if (parts[0] !== "data" || parts[1] !== "coder_workspace_owner" || parts[2] !== "me") continue
      const field = parts[3]
      if (typeof field === "string") fields.add(field)
      else all = true
    }
  }
  const visitBody = (body: Body) => {
    for (const expression of body.attributes.values()) visitExpression(expression)
    for (const nested of body.blocks.values()) for (const b of nested) visitBody(b)
    for (const dynamic of body.dynamics) {
      if (dynamic.forEach) visitExpression(dynamic.forEach)
      visitBody(dynamic.content)
    }
  }
  const visitModule = (module: Module) => {
    if (module.declaresOwner) {
      for (const variable of module.variables.values()) {
        if (variable.default) visitExpression(variable.default)
      }
      for (const expression of module.locals.values()) visitExpression(expression)
      for (const expression of module.outputs.values()) visitExpression(expression)
      for (const block of module.blocks) {
        if (block.count) visitExpression(block.count)
        if (block.forEach) visitExpression(block.forEach)
        visitBody(block.body)
      }
      for (const call of module.calls) {
        if (call.count) visitExpression(call.count)
        if (call.forEach) visitExpression(call.forEach)
        for (const expression of call.inputs.values()) visitExpression(expression)
      }
    }
    for (const call of module.calls) if (call.module) visitModule(call.module)
  }
  visitModule(root)
  if (all) return { _tag: "All" }
  return fields.size === 0 ? { _tag: "None" } : { _tag: "Fields", fields }
}

/**
 * Compile a loaded template.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromLoaded = (loaded: Loader.LoadedTemplate, budgets?: Budgets.Budgets): CompiledTemplate => {
  const diagnostics: Array<Diagnostic.Diagnostic> = [...loaded.diagnostics]
  const tally = Evaluator.emptyTally()
  const root = compileModule(loaded.root, diagnostics, tally)
  const tfvarsContext = CompileBody.syntheticContext("terraform.tfvars", tally)
  const tfvars = new Map<string, Expression>()
  for (const [name, raw] of loaded.tfvars) tfvars.set(name, CompileBody.compileRaw(raw, tfvarsContext))
  return {
    files: loaded.files,
    root,
    tfvars,
    diagnostics: diagnostics.map((d) => Object.freeze(d)),
    fatal: loaded.fatal,
    ownerReads: ownerReadsOf(root),
    budgets: budgets ?? loaded.budgets ?? Budgets.defaults,
    weight: weightOf(tally, loaded.files)
  }
}

/**
 * Load and compile a template version, with the budgets in context (`Budgets.CurrentBudgets`,
 * default `Budgets.defaults`).
 *
 * @since 0.1.0
 * @category compiling
 */
export const compile = (files: TemplateFiles): Effect.Effect<CompiledTemplate, never, HclParser> =>
  Effect.flatMap(
    Budgets.CurrentBudgets,
    (budgets) => Effect.map(Loader.load(files, { budgets }), (loaded) => fromLoaded(loaded, budgets))
  )

/**
 * Compile a standalone expression source (for `warmpool eval` and tests).
 *
 * @since 0.1.0
 * @category compiling
 */
export const compileExpression = (source: string, file = "<expression>"): Expression =>
  CompileBody.compileSource(source, file)
