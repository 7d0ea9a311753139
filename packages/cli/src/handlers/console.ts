/**
 * `warmpool console`: HCL expressions from standard input, evaluated one after another in one
 * process, as `terraform console` does. Text mode continues an expression while a bracket or
 * heredoc is open; `--json` mode reads one `{"expr", "vars"}` object per line and prints one
 * `eval --json` object per line, in order. A bad line gives a diagnostic, never a crash.
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import {
  CompiledTemplate,
  Diagnostic,
  type ExpressionEvaluator,
  HclParser,
  Json,
  Owner,
  TemplateEvaluation,
  TemplateFiles,
  TfNumber,
  Value
} from "@warmpool/terraform"
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import * as readline from "node:readline"
import { isComplete } from "../internal/continuation.js"
import { exitCode } from "../internal/keyValue.js"
import * as Expression from "./expression.js"

export interface ConsoleArgs {
  readonly vars: ReadonlyArray<readonly [string, string]>
  readonly template: string | undefined
  readonly params: ReadonlyArray<readonly [string, string]>
  readonly json: boolean
}

/** An expression continued over more lines than this is evaluated as it is (and fails). */
const maxContinuedBytes = 1 << 20

/** A variable value as a root variable input (integers as `bigint`, so they stay exact). */
const toInput = (v: Value.Value): unknown => {
  switch (v._tag) {
    case "Null":
    case "Unknown":
      return null
    case "String":
    case "Bool":
      return v.value
    case "Number":
      return TfNumber.isInteger(v.value)
        ? TfNumber.toBigInt(v.value) ?? TfNumber.toNumber(v.value)
        : TfNumber.toNumber(v.value)
    case "List":
    case "Set":
    case "Tuple":
      return v.elements.map(toInput)
    case "Map":
    case "Object":
      return Object.fromEntries([...(v._tag === "Map" ? v.entries : v.attributes)].map(([k, e]) => [k, toInput(e)]))
  }
}

/** What the scope of one line is made from. */
type ScopeFor = (variables: ReadonlyMap<string, Value.Value>) => ExpressionEvaluator.Scope

const templateScope = (
  template: CompiledTemplate.CompiledTemplate,
  params: ReadonlyArray<readonly [string, string]>,
  base: ReadonlyMap<string, Value.Value>,
  now: number
): ScopeFor => {
  const parameterValues = Object.fromEntries(params)
  const input = (variables: ReadonlyMap<string, Value.Value>) => ({
    owner: Owner.empty,
    parameterValues,
    tfvars: Object.fromEntries([...variables].map(([k, v]) => [k, toInput(v)])),
    now
  })
  // the evaluation is lazy and memoised: lines without their own variables share one
  const shared = TemplateEvaluation.evaluate(template, input(base)).rootScope()
  return (variables) =>
    variables === base ? shared : TemplateEvaluation.evaluate(template, input(variables)).rootScope()
}

const inputError = (detail: string): Expression.Outcome => ({
  value: Value.DynamicUnknown,
  diagnostics: [Diagnostic.error("Invalid console input line", detail)]
})

/** One `--json` line: `{"expr": "...", "vars": {...}}`, numbers decoded losslessly. */
const jsonLine = (line: string, base: ReadonlyMap<string, Value.Value>, scopeFor: ScopeFor): Expression.Outcome => {
  const decoded = Json.decode(line)
  if (Either.isLeft(decoded)) return inputError(`The line is not JSON: ${decoded.left}.`)
  const object = decoded.right
  if (object._tag !== "Object") return inputError(`Expected a JSON object {"expr": "...", "vars": {...}}.`)
  const expr = object.attributes.get("expr")
  if (expr === undefined || expr._tag !== "String") return inputError(`"expr" must be a string.`)
  const vars = object.attributes.get("vars")
  let variables = base
  if (vars !== undefined && vars._tag !== "Null") {
    if (vars._tag !== "Object") return inputError(`"vars" must be an object of variable values.`)
    if (vars.attributes.size > 0) variables = new Map([...base, ...vars.attributes])
  }
  return Expression.evaluate(expr.value, scopeFor(variables))
}

const lines = Stream.suspend(() =>
  Stream.fromAsyncIterable(
    readline.createInterface({ input: process.stdin, crlfDelay: Infinity }),
    (e) => new Error(`standard input: ${e instanceof Error ? e.message : String(e)}`)
  )
)

export const run = (args: ConsoleArgs): Effect.Effect<void, never, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const base = new Map<string, Value.Value>()
    for (const [name, text] of args.vars) {
      const decoded = Expression.decodeVar(name, text)
      if (Either.isLeft(decoded)) {
        yield* Console.error(Expression.diagnosticText(decoded.left))
        return yield* exitCode(2)
      }
      base.set(name, decoded.right)
    }
    // the session's instant for timestamp(), read once from the Clock
    const now = yield* Clock.currentTimeMillis
    let scopeFor: ScopeFor = (variables) => Expression.plainScope(variables, now)
    if (args.template !== undefined) {
      const files = yield* Effect.either(TemplateFiles.fromDirectory(args.template))
      if (Either.isLeft(files)) {
        yield* Console.error(Expression.diagnosticText(TemplateFiles.toDiagnostic(files.left)))
        return yield* exitCode(2)
      }
      const template = yield* CompiledTemplate.compile(files.right).pipe(Effect.provide(HclParser.layer))
      scopeFor = templateScope(template, args.params, base, now)
    }
    let anyFailed = false
    const show = (outcome: Expression.Outcome) =>
      Effect.suspend(() => {
        if (args.json) return Console.log(Expression.outcomeJson(outcome))
        if (Expression.failed(outcome)) {
          anyFailed = true
          return Console.error(outcome.diagnostics.map(Expression.diagnosticText).join("\n"))
        }
        return Console.log(Expression.outcomeText(outcome))
      })
    let pending: string | undefined
    const flush = Effect.suspend(() => {
      if (pending === undefined) return Effect.void
      const source = pending
      pending = undefined
      return source.trim() === "" ? Effect.void : show(Expression.evaluate(source, scopeFor(base)))
    })
    yield* lines.pipe(
      Stream.runForEach((line) => {
        if (args.json) return line.trim() === "" ? Effect.void : show(jsonLine(line, base, scopeFor))
        pending = pending === undefined ? line : `${pending}\n${line}`
        return isComplete(pending) || pending.length > maxContinuedBytes ? flush : Effect.void
      }),
      Effect.catchAll((e) =>
        Effect.zipRight(
          Console.error(`warmpool console: ${e.message}`),
          Effect.sync(() => {
            anyFailed = true
          })
        )
      )
    )
    yield* flush
    if (anyFailed) yield* exitCode(1)
  })
