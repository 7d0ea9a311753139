/**
 * Demand policies (issue 16): a preset's pool size as an HCL expression over its recent demand,
 * evaluated with warmpool's own expression engine (`@warmpool/terraform`, the engine of
 * `warmpool eval`), e.g. `max(baseline, ceil(claims_1h * 1.5) + misses_15m)`.
 *
 * The inputs ({@link inputNames}) are numbers: `baseline` (the preset's `instances` after its
 * schedules), `claims_5m` / `claims_15m` / `claims_1h` / `claims_24h` (claims, hits and misses,
 * over that window), `misses_*` (misses only), `hour` (0–23) and `weekday` (0 = Sunday) at the
 * instant, in the preset's scheduling time zone (UTC when it has none or an unknown one).
 *
 * The result is rounded **up** to a whole prebuild (a policy asking for 2.2 prebuilds gets 3: a
 * fraction of demand still needs a workspace) and clamped to `[min, max]` (default 0 and 100).
 * A policy that fails to evaluate, or gives something other than a known finite number, falls
 * back to `baseline` (unclamped) and says why: {@link Decision.error}. Reconciliation never
 * stops on a policy.
 *
 * Everything here is pure: desired = f(policy, inputs); the instant comes in as a value read
 * from Effect's `Clock` by the caller. Compiled expressions are memoised by source text.
 *
 * A policy is evaluated on the reconciler's own thread at every cycle, so it runs on
 * {@link budgets} far smaller than a render's: a policy that needs more falls back like any other.
 *
 * @since 0.1.0
 */
import {
  Budgets,
  Diagnostic,
  ExpressionEvaluator as Evaluator,
  ExpressionParser as Parser,
  FunctionDefinition as TfFunction,
  FunctionTable,
  TemplateEvaluation as Evaluation,
  TfNumber,
  Value
} from "@warmpool/terraform"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import type { ClaimCounts } from "./ClaimLog.js"
import { Count, Instant } from "./Domain.js"

/**
 * The names a policy expression can read.
 *
 * @since 0.1.0
 * @category constants
 */
export const inputNames = [
  "baseline",
  "claims_5m",
  "claims_15m",
  "claims_1h",
  "claims_24h",
  "misses_5m",
  "misses_15m",
  "misses_1h",
  "misses_24h",
  "hour",
  "weekday"
] as const

/**
 * The name of one input.
 *
 * @since 0.1.0
 * @category models
 */
export type InputName = typeof inputNames[number]

/**
 * The values of the inputs at one instant.
 *
 * @since 0.1.0
 * @category models
 */
export type Inputs = { readonly [K in InputName]: number }

/**
 * Default bounds of a policy's result.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMin = 0

/**
 * Default upper bound of a policy's result.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultMax = 100

/**
 * The largest `max` a policy may set (a guard against typos such as `max: 1e9`).
 *
 * @since 0.1.0
 * @category constants
 */
export const maxBound = 10_000

/**
 * The longest expression accepted, in characters.
 *
 * @since 0.1.0
 * @category constants
 */
export const maxExpressionLength = 4_096

/**
 * A validated policy: its expression and bounds.
 *
 * @since 0.1.0
 * @category models
 */
export const Policy = Schema.Struct({
  expression: Schema.String,
  min: Count,
  max: Count
})
/**
 * The type of {@link Policy}.
 *
 * @since 0.1.0
 * @category models
 */
export type Policy = typeof Policy.Type

/**
 * A policy as stored, with the preset it belongs to (by template and preset name) and when it
 * was last set.
 *
 * @since 0.1.0
 * @category models
 */
export const PresetPolicy = Schema.Struct({
  templateName: Schema.String,
  presetName: Schema.String,
  expression: Schema.String,
  min: Count,
  max: Count,
  updatedAt: Instant
})
/**
 * The type of {@link PresetPolicy}.
 *
 * @since 0.1.0
 * @category models
 */
export type PresetPolicy = typeof PresetPolicy.Type

/**
 * A policy as given (API body, `--policies` file entry): bounds optional.
 *
 * @since 0.1.0
 * @category models
 */
export interface PolicyInput {
  readonly expression: string
  readonly min?: number | undefined
  readonly max?: number | undefined
}

/**
 * A problem of a policy's source, with its position when it has one.
 *
 * @since 0.1.0
 * @category models
 */
export interface PolicyDiagnostic {
  readonly summary: string
  readonly detail: string
  readonly line?: number | undefined
  readonly column?: number | undefined
}

/**
 * A policy that cannot be set: the expression does not parse, reads an unknown name, or the
 * bounds are invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidPolicy extends Data.TaggedError("InvalidPolicy")<{
  readonly message: string
  readonly diagnostics: ReadonlyArray<PolicyDiagnostic>
}> {}

const isInputName = (name: unknown): name is InputName =>
  typeof name === "string" && (inputNames as ReadonlyArray<string>).includes(name)

const unknownInput = (name: string, range: Diagnostic.Range): Diagnostic.Diagnostic =>
  Diagnostic.error(
    "Unknown policy input",
    `"${name}" is not an input of a demand policy; the inputs are ${inputNames.join(", ")}.`,
    { range, code: Evaluation.undeclaredReference }
  )

/**
 * The budgets of one policy evaluation: 100,000 steps, collections of 10,000 elements, strings of
 * 64 KiB. A policy is a formula over a dozen numbers; under a render's budgets (10 million steps)
 * a hostile one held the reconciler's thread for seconds at every cycle, and with these a
 * policy that exceeds them costs a few milliseconds.
 *
 * @since 0.1.0
 * @category constants
 */
export const budgets: Budgets.Budgets = Budgets.make({
  maxSteps: 100_000,
  maxCollectionElements: 10_000,
  maxStringBytes: 64 * 1024
})

const scopeOf = (inputs: Inputs): Evaluator.Scope => ({
  meter: new Budgets.Meter(budgets, "policy"),
  files: TfFunction.noFiles,
  resolve: (parts, range) => {
    const [root] = parts
    if (typeof root !== "string") return undefined
    if (isInputName(root)) return { value: Value.numberFromJs(inputs[root]), consumed: 1 }
    return { error: unknownInput(root, range) }
  }
})

interface CompiledPolicy {
  readonly parseErrors: ReadonlyArray<Diagnostic.Diagnostic>
  readonly expression: Evaluator.Compiled
}

// Compiled expressions by source text. Policies are few; the bound only guards memory.
const compiledCache = new Map<string, CompiledPolicy>()
const compiledCacheLimit = 512

const compiled = (expression: string): CompiledPolicy => {
  const hit = compiledCache.get(expression)
  if (hit !== undefined) return hit
  // a heredoc's closing marker ends its line: a multi-line source gets its final newline back
  const text = expression.includes("\n") && !expression.endsWith("\n") ? `${expression}\n` : expression
  const parsed = Parser.parseExpression(text, { file: "<policy>" })
  const result: CompiledPolicy = {
    parseErrors: parsed.diagnostics.filter(Diagnostic.isError),
    expression: Evaluator.compile(parsed.expression, FunctionTable.standard, parsed.diagnostics)
  }
  if (compiledCache.size >= compiledCacheLimit) compiledCache.clear()
  compiledCache.set(expression, result)
  return result
}

const toPolicyDiagnostic = (d: Diagnostic.Diagnostic): PolicyDiagnostic => ({
  summary: d.summary,
  detail: d.detail,
  ...(d.range === undefined ? {} : { line: d.range.start.line, column: d.range.start.column })
})

/**
 * Problems of an expression found without evaluating it: parse errors, and references to names
 * that are not inputs (which would fail every evaluation). Empty when it is fine.
 *
 * @since 0.1.0
 * @category utils
 */
export const check = (expression: string): ReadonlyArray<PolicyDiagnostic> => {
  if (expression.trim() === "") {
    return [{ summary: "Empty policy", detail: "A demand policy needs an expression, e.g. max(baseline, claims_1h)." }]
  }
  if (expression.length > maxExpressionLength) {
    return [{
      summary: "Policy too long",
      detail: `A demand policy's expression may have at most ${maxExpressionLength} characters.`
    }]
  }
  const c = compiled(expression)
  if (c.parseErrors.length > 0) return c.parseErrors.map(toPolicyDiagnostic)
  const unknown: Array<PolicyDiagnostic> = []
  for (const reference of c.expression.references) {
    const [root] = reference.parts
    if (typeof root === "string" && !isInputName(root)) {
      unknown.push(toPolicyDiagnostic(unknownInput(root, reference.range)))
    }
  }
  if (unknown.length > 0) return unknown
  return []
}

/**
 * Validates a policy as given: the expression {@link check}s, and the bounds are integers with
 * `0 <= min <= max <= maxBound` (defaults {@link defaultMin} and {@link defaultMax}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (input: PolicyInput): Either.Either<Policy, InvalidPolicy> => {
  const min = input.min ?? defaultMin
  const max = input.max ?? defaultMax
  const bound = (name: string, value: number) =>
    Number.isInteger(value) && value >= 0 && value <= maxBound
      ? []
      : [{ summary: `Invalid ${name}`, detail: `${name} must be an integer from 0 to ${maxBound}, got ${value}.` }]
  const bounds = [...bound("min", min), ...bound("max", max)]
  if (bounds.length === 0 && min > max) {
    bounds.push({ summary: "Invalid bounds", detail: `min (${min}) is larger than max (${max}).` })
  }
  if (bounds.length > 0) {
    return Either.left(new InvalidPolicy({ message: bounds.map((b) => b.detail).join(" "), diagnostics: bounds }))
  }
  if (typeof input.expression !== "string") {
    const d = { summary: "Invalid expression", detail: "expression must be a string." }
    return Either.left(new InvalidPolicy({ message: d.detail, diagnostics: [d] }))
  }
  const problems = check(input.expression)
  if (problems.length > 0) {
    const first = problems[0]!
    const at = first.line === undefined ? "" : ` (line ${first.line}, column ${first.column})`
    return Either.left(
      new InvalidPolicy({
        message: `invalid policy expression: ${first.summary}: ${first.detail}${at}`,
        diagnostics: problems
      })
    )
  }
  return Either.right({ expression: input.expression, min, max })
}

/**
 * What a policy decided for one preset at one instant.
 *
 * - `desired`: the pool size the reconciler works towards;
 * - `baseline`: the preset's `instances` after schedules (what it would be without the policy);
 * - `value`: the policy's number before rounding and clamping (`null` on a fallback);
 * - `error`: why the policy fell back to `baseline`, else `null`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Decision {
  readonly desired: number
  readonly baseline: number
  readonly value: number | null
  readonly error: string | null
}

const fallback = (baseline: number, error: string): Decision => ({ desired: baseline, baseline, value: null, error })

/** A diagnostic as the one-line reason of a fallback. */
const reason = (d: Diagnostic.Diagnostic): string => `${d.summary}${d.detail === "" ? "" : `: ${d.detail}`}`

const describeType = (value: Value.Value): string =>
  value._tag === "Unknown" ? "an unknown value" : value._tag === "Null" ? "null" : `a ${value._tag.toLowerCase()}`

/**
 * The pure core: the desired pool size from a policy and its inputs (see the module's doc for
 * rounding, bounds and the fallback).
 *
 * @since 0.1.0
 * @category utils
 */
export const evaluate = (policy: Policy, inputs: Inputs): Decision => {
  const baseline = inputs.baseline
  const problems = check(policy.expression)
  if (problems.length > 0) return fallback(baseline, `${problems[0]!.summary}: ${problems[0]!.detail}`)
  let result: Evaluator.Result
  try {
    result = compiled(policy.expression).expression.evaluate(scopeOf(inputs))
  } catch (defect) {
    if (Budgets.isBudgetExceeded(defect)) return fallback(baseline, reason(defect.diagnostic))
    return fallback(baseline, `the policy failed to evaluate: ${String(defect)}`)
  }
  const error = result.errors.find(Diagnostic.isError)
  if (error !== undefined) {
    return fallback(baseline, reason(error))
  }
  const value = result.value
  if (value._tag !== "Number") return fallback(baseline, `the policy gave ${describeType(value)}, not a number`)
  const number = TfNumber.toNumber(value.value)
  if (!Number.isFinite(number)) return fallback(baseline, `the policy gave ${number}, not a finite number`)
  const desired = Math.min(Math.max(Math.ceil(number), policy.min), policy.max)
  return { desired: desired === 0 ? 0 : desired, baseline, value: number, error: null }
}

/**
 * The decision when a preset has no policy: its baseline.
 *
 * @since 0.1.0
 * @category constructors
 */
export const noPolicy = (baseline: number): Decision => ({ desired: baseline, baseline, value: null, error: null })

/**
 * The hour (0–23) and weekday (0 = Sunday) of `now` in `timezone` (an IANA name; UTC when empty
 * or unknown).
 *
 * @since 0.1.0
 * @category utils
 */
export const clockInputs = (
  now: DateTime.DateTime,
  timezone: string
): { readonly hour: number; readonly weekday: number } => {
  const zone = timezone === "" ? Option.none() : DateTime.zoneMakeNamed(timezone)
  const zoned = Option.match(zone, {
    onNone: () => DateTime.toUtc(now),
    onSome: (z) => DateTime.setZone(now, z)
  })
  return { hour: DateTime.getPart(zoned, "hours"), weekday: DateTime.getPart(zoned, "weekDay") }
}

/**
 * The inputs of a preset's policy at `now`: its baseline, its claim counts (none when `counts`
 * is absent) and the clock in its time zone.
 *
 * @since 0.1.0
 * @category utils
 */
export const inputsOf = (
  baseline: number,
  counts: ClaimCounts | null | undefined,
  now: DateTime.DateTime,
  timezone: string
): Inputs => {
  const clock = clockInputs(now, timezone)
  return {
    baseline,
    claims_5m: counts?.claims5m ?? 0,
    claims_15m: counts?.claims15m ?? 0,
    claims_1h: counts?.claims1h ?? 0,
    claims_24h: counts?.claims24h ?? 0,
    misses_5m: counts?.misses5m ?? 0,
    misses_15m: counts?.misses15m ?? 0,
    misses_1h: counts?.misses1h ?? 0,
    misses_24h: counts?.misses24h ?? 0,
    hour: clock.hour,
    weekday: clock.weekday
  }
}

/**
 * The decision for a preset at `now`: its policy evaluated on its inputs, or its baseline when it
 * has none.
 *
 * @since 0.1.0
 * @category utils
 */
export const decide = (
  preset: { readonly schedulingTimezone: string },
  policy: Policy | null | undefined,
  counts: ClaimCounts | null | undefined,
  baseline: number,
  now: DateTime.DateTime
): Decision =>
  policy === null || policy === undefined
    ? noPolicy(baseline)
    : evaluate(policy, inputsOf(baseline, counts, now, preset.schedulingTimezone))

/**
 * One entry of a policies file.
 *
 * @since 0.1.0
 * @category models
 */
export interface PolicyEntry {
  readonly templateName: string
  readonly presetName: string
  readonly policy: Policy
}

/**
 * Decodes a policies file (`--policies FILE.json` of `serve` and `simulate`):
 * `{"template/preset": {"expression": "...", "min": 0, "max": 20}}`, each key split at its first
 * `/`, each policy validated with {@link make}. The message names the offending key.
 *
 * @since 0.1.0
 * @category utils
 */
export const decodeFile = (json: unknown): Either.Either<ReadonlyArray<PolicyEntry>, string> => {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return Either.left(`expected an object {"template/preset": {"expression": "...", "min": 0, "max": 20}}`)
  }
  const entries: Array<PolicyEntry> = []
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const slash = key.indexOf("/")
    if (slash <= 0 || slash === key.length - 1) return Either.left(`"${key}": expected a "template/preset" key`)
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return Either.left(`"${key}": expected {"expression": "...", "min"?: N, "max"?: N}`)
    }
    const fields = value as Record<string, unknown>
    const unknownField = Object.keys(fields).find((field) => !["expression", "min", "max"].includes(field))
    if (unknownField !== undefined) return Either.left(`"${key}": unknown field "${unknownField}"`)
    if (typeof fields.expression !== "string") return Either.left(`"${key}": "expression" must be a string`)
    for (const bound of ["min", "max"] as const) {
      if (fields[bound] !== undefined && typeof fields[bound] !== "number") {
        return Either.left(`"${key}": "${bound}" must be a number`)
      }
    }
    const policy = make({
      expression: fields.expression,
      min: fields.min as number | undefined,
      max: fields.max as number | undefined
    })
    if (Either.isLeft(policy)) return Either.left(`"${key}": ${policy.left.message}`)
    entries.push({ templateName: key.slice(0, slash), presetName: key.slice(slash + 1), policy: policy.right })
  }
  return Either.right(entries)
}
