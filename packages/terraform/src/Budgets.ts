/**
 * Evaluation budgets: the limits that keep one template from stalling or exhausting the process
 * that renders it (docs/architecture.md decision 10). Terraform itself has almost no limits (a
 * `count` of ten million is accepted), so warmpool sets its own, far above what real templates
 * use, and turns every excess into an error diagnostic with code `resource_limit` instead of a
 * crash, an out-of-memory or minutes of computation.
 *
 * Two kinds of limits:
 * - static ones, checked while loading (file sizes, variable files, nesting depth);
 * - dynamic ones, metered while evaluating (instances, collection elements, string length,
 *   evaluation steps). A `Meter` counts one render; once a budget is exceeded the meter stays
 *   tripped and every later charge throws the same `BudgetExceeded` signal, so the whole
 *   (synchronous, lazy) evaluation unwinds at once; the renderer turns it into the diagnostic.
 *
 * The settings are one `Budgets` object: `defaults`, overridable per service through the
 * `CurrentBudgets` reference (read when a template is compiled and kept in the
 * `CompiledTemplate`).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Diagnostic from "./Diagnostic.js"

/**
 * Every budget, in one object.
 *
 * @since 0.1.0
 * @category models
 */
export interface Budgets {
  /** Instances from one `count` / `for_each` (blocks, modules, `dynamic` blocks). */
  readonly maxInstances: number
  /** Elements in one collection value (tuple, list, set, map, object). */
  readonly maxCollectionElements: number
  /** Length of one string, in UTF-16 code units (never more than its UTF-8 bytes). */
  readonly maxStringBytes: number
  /** Evaluation steps in one render (or one policy evaluation): expressions, iterations, call costs. */
  readonly maxSteps: number
  /** Size of one configuration file (`.tf`, `.tf.json`), in bytes. */
  readonly maxFileBytes: number
  /** Size of all the template version's files together, in bytes. */
  readonly maxTotalFileBytes: number
  /** Size of all variable files (`*.tfvars`, `*.tfvars.json`) together, in bytes. */
  readonly maxTfvarsBytes: number
  /** Nesting of expressions, JSON documents and HCL sources. */
  readonly maxNestingDepth: number
}

/**
 * The default budgets: 10 000 instances, 1 000 000 elements, 16 MiB strings, 10 million steps,
 * 4 MiB per file and 16 MiB per version, 4 MiB of variable files, 1 000 levels of nesting.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults: Budgets = {
  maxInstances: 10_000,
  maxCollectionElements: 1_000_000,
  maxStringBytes: 16 * 1024 * 1024,
  maxSteps: 10_000_000,
  maxFileBytes: 4 * 1024 * 1024,
  maxTotalFileBytes: 16 * 1024 * 1024,
  maxTfvarsBytes: 4 * 1024 * 1024,
  maxNestingDepth: 1_000
}

/**
 * The name of one budget.
 *
 * @since 0.1.0
 * @category models
 */
export type Limit = keyof Budgets

const descriptions: Record<Limit, string> = {
  maxInstances: "instances from one count or for_each",
  maxCollectionElements: "elements in one collection",
  maxStringBytes: "characters in one string",
  maxSteps: "evaluation steps",
  maxFileBytes: "bytes in one template file",
  maxTotalFileBytes: "bytes in the template version's files",
  maxTfvarsBytes: "bytes in variable files",
  maxNestingDepth: "levels of nesting"
}

/**
 * The diagnostic code of every budget excess.
 *
 * @since 0.1.0
 * @category constants
 */
export const code = "resource_limit"

/**
 * The error diagnostic for an excess: the summary names the limit and its value, the detail
 * says where (`file:line,column`) and what was asked for.
 *
 * @since 0.1.0
 * @category constructors
 */
export const diagnostic = (
  limit: Limit,
  budgets: Budgets,
  detail: string,
  range?: Diagnostic.Range | undefined
): Diagnostic.Diagnostic =>
  Diagnostic.error(
    `Resource limit exceeded: more than ${budgets[limit]} ${descriptions[limit]} (${limit})`,
    range === undefined ? detail : `${Diagnostic.formatRange(range)}: ${detail}`,
    { code, range }
  )

/**
 * Budgets with some values replaced; non-positive or non-finite values are ignored.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (overrides: Partial<Budgets>, base: Budgets = defaults): Budgets => {
  const out: Record<string, number> = { ...base }
  for (const [key, value] of Object.entries(overrides)) {
    if (key in base && typeof value === "number" && Number.isFinite(value) && value > 0) out[key] = Math.floor(value)
  }
  return out as unknown as Budgets
}

/** `maxInstances` → `MAX_INSTANCES`. */
const configKey = (limit: Limit): string => limit.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()

/**
 * The names of the budgets, as `make` and `config` know them.
 *
 * @since 0.1.0
 * @category constants
 */
export const limits: ReadonlyArray<Limit> = Object.keys(defaults) as Array<Limit>

/**
 * The budgets from configuration: `<prefix>_MAX_INSTANCES`, `<prefix>_MAX_COLLECTION_ELEMENTS`,
 * `<prefix>_MAX_STRING_BYTES`, `<prefix>_MAX_STEPS`, `<prefix>_MAX_FILE_BYTES`,
 * `<prefix>_MAX_TOTAL_FILE_BYTES`, `<prefix>_MAX_TFVARS_BYTES`, `<prefix>_MAX_NESTING_DEPTH`
 * (positive integers; default prefix `WARMPOOL_BUDGET`), each defaulting to `defaults`.
 *
 * @since 0.1.0
 * @category config
 */
export const config = (prefix = "WARMPOOL_BUDGET"): Config.Config<Budgets> =>
  Config.all(
    Object.fromEntries(
      limits.map((limit) => [
        limit,
        Config.withDefault(
          Config.integer(`${prefix}_${configKey(limit)}`).pipe(
            Config.validate({ message: "Expected a positive integer", validation: (n) => n > 0 })
          ),
          defaults[limit]
        )
      ])
    ) as { readonly [K in Limit]: Config.Config<number> }
  )

/**
 * The budgets in effect for templates compiled in this context (default: `defaults`).
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentBudgets extends Context.Reference<CurrentBudgets>()("@warmpool/terraform/Budgets", {
  defaultValue: (): Budgets => defaults
}) {}

/**
 * The signal thrown through a synchronous evaluation when a budget is exceeded. It is not a
 * failure of the program: the evaluator and the renderer catch it and report `diagnostic()`.
 * `range` is filled in by the first catcher that knows where the evaluation was.
 *
 * @since 0.1.0
 * @category models
 */
export class BudgetExceeded {
  readonly _tag = "BudgetExceeded"
  constructor(
    readonly limit: Limit,
    readonly budgets: Budgets,
    readonly detail: string,
    public range: Diagnostic.Range | undefined
  ) {}
  /** Records `range` unless one is known already. */
  at(range: Diagnostic.Range | undefined): this {
    if (this.range === undefined) this.range = range
    return this
  }
  get diagnostic(): Diagnostic.Diagnostic {
    return diagnostic(this.limit, this.budgets, this.detail, this.range)
  }
}

/**
 * @since 0.1.0
 * @category guards
 */
export const isBudgetExceeded = (u: unknown): u is BudgetExceeded => u instanceof BudgetExceeded

/**
 * The meter of one render (or one policy evaluation). Charges are cheap (a comparison); an excess throws `BudgetExceeded`,
 * and so does every charge after it.
 *
 * @since 0.1.0
 * @category models
 */
export class Meter {
  /** Steps charged so far. */
  steps = 0
  /** The largest collection checked so far (for measurements). */
  peakElements = 0
  /** The first excess, once tripped. */
  exceeded: BudgetExceeded | undefined = undefined
  private stepLimit: number
  /**
   * @param subject What one metered run is, as the step excess names it: "render" by default, "policy"
   * for a demand policy.
   */
  constructor(readonly budgets: Budgets = defaults, readonly subject: string = "render") {
    this.stepLimit = budgets.maxSteps
  }

  /** Trips the meter (the first excess wins) and throws. */
  trip(limit: Limit, detail: string, range?: Diagnostic.Range | undefined): never {
    if (this.exceeded === undefined) {
      this.exceeded = new BudgetExceeded(limit, this.budgets, detail, range)
      this.stepLimit = -1
    }
    throw this.exceeded
  }

  /** Charges `n` evaluation steps. */
  step(n: number, range?: Diagnostic.Range | undefined): void {
    if ((this.steps += n) > this.stepLimit) {
      if (this.exceeded !== undefined) throw this.exceeded
      this.trip("maxSteps", `This ${this.subject} needs more than ${this.budgets.maxSteps} evaluation steps.`, range)
    }
  }

  /** Checks the size of a collection about to be built (or just built). */
  elements(n: number, range?: Diagnostic.Range | undefined): void {
    if (n > this.peakElements) {
      this.peakElements = n
      if (n > this.budgets.maxCollectionElements) {
        this.trip("maxCollectionElements", `This collection would have ${n} elements.`, range)
      }
    }
    if (this.exceeded !== undefined) throw this.exceeded
  }

  /** Checks the length of a string about to be built (or just built). */
  string(length: number, range?: Diagnostic.Range | undefined): void {
    if (length > this.budgets.maxStringBytes) {
      this.trip("maxStringBytes", `This string would be ${length} characters long.`, range)
    }
    if (this.exceeded !== undefined) throw this.exceeded
  }

  /** Checks the number of instances of a `count` / `for_each`. */
  instances(n: number, range?: Diagnostic.Range | undefined): void {
    if (n > this.budgets.maxInstances) {
      this.trip("maxInstances", `This count or for_each asks for ${n} instances.`, range)
    }
    if (this.exceeded !== undefined) throw this.exceeded
  }
}

/**
 * A meter for work outside any render (constant folding, one-off evaluations): the default
 * budgets, fresh each time.
 *
 * @since 0.1.0
 * @category constructors
 */
export const freshMeter = (budgets: Budgets = defaults): Meter => new Meter(budgets)
