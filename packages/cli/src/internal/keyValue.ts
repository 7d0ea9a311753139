/**
 * `NAME=VALUE` command-line pairs.
 *
 * @internal
 */
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Effect from "effect/Effect"

/** Split `NAME=VALUE` at the first `=`; the name must not be empty. */
export const splitPair = (text: string): readonly [string, string] | undefined => {
  const at = text.indexOf("=")
  return at <= 0 ? undefined : [text.slice(0, at), text.slice(at + 1)]
}

/** A repeated `--<name> NAME=VALUE` option, as an ordered list of pairs (a usage error when malformed). */
export const pairs = (
  name: string,
  description: string,
  pseudoName = "NAME=VALUE"
): Options.Options<ReadonlyArray<readonly [string, string]>> =>
  Options.text(name).pipe(
    Options.withPseudoName(pseudoName),
    Options.withDescription(description),
    Options.repeated,
    Options.mapEffect((texts) =>
      Effect.forEach(texts, (text) => {
        const pair = splitPair(text)
        return pair === undefined
          ? Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name} expects NAME=VALUE, got "${text}"`)))
          : Effect.succeed(pair)
      })
    )
  )

/** Set the process exit status (the CLI's result codes: 1 for failed renders, 2 for usage errors). */
export const exitCode = (code: number): Effect.Effect<void> =>
  Effect.sync(() => {
    process.exitCode = code
  })
