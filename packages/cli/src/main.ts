/**
 * The `warmpool` program, run by the binary's entry point (`bin.ts`), bundled or not. Usage errors
 * exit with status 2; help and usage errors are plain text unless stdout is a terminal and
 * `NO_COLOR` is unset.
 *
 * @since 0.1.0
 */
import * as ValidationError from "@effect/cli/ValidationError"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Effect from "effect/Effect"
import { run } from "./Cli.js"
import { withHelpConsole } from "./internal/helpConsole.js"

run(process.argv).pipe(
  Effect.catchIf(ValidationError.isValidationError, () =>
    Effect.sync(() => {
      process.exitCode = 2
    })),
  withHelpConsole(process.argv.slice(2)),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain({ disableErrorReporting: false, disablePrettyLogger: true })
)
