/**
 * `warmpool eval`: evaluate one HCL expression with `var.*` values.
 */
import type { Diagnostic, Value } from "@warmpool/terraform"
import * as Clock from "effect/Clock"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import { exitCode } from "../internal/keyValue.js"
import * as Expression from "./expression.js"

export interface EvalArgs {
  readonly expression: string
  readonly vars: ReadonlyArray<readonly [string, string]>
  readonly json: boolean
}

export const run = (args: EvalArgs): Effect.Effect<void> =>
  Effect.gen(function*() {
    const variables = new Map<string, Value.Value>()
    const problems: Array<Diagnostic.Diagnostic> = []
    for (const [name, text] of args.vars) {
      const decoded = Expression.decodeVar(name, text)
      if (Either.isLeft(decoded)) problems.push(decoded.left)
      else variables.set(name, decoded.right)
    }
    const evaluated = Expression.evaluate(
      args.expression,
      Expression.plainScope(variables, yield* Clock.currentTimeMillis),
      "<eval>"
    )
    const outcome = { value: evaluated.value, diagnostics: [...problems, ...evaluated.diagnostics] }
    const failed = Expression.failed(outcome)
    if (args.json) {
      yield* Console.log(Expression.outcomeJson(outcome))
    } else {
      for (const d of outcome.diagnostics) yield* Console.error(Expression.diagnosticText(d))
      if (!failed) yield* Console.log(Expression.outcomeText(outcome))
    }
    if (failed) yield* exitCode(1)
  })
