/**
 * The console the CLI runs with. `@effect/cli` prints its help and usage errors through
 * `Console` with ANSI styles, generic type sentences ("A user-defined piece of text.") and usage
 * lines naming only the sub-command (`$ render`). This console removes the styles unless stdout
 * is a terminal and `NO_COLOR` is unset, drops the generic sentences (the flag's placeholder
 * already names its type: `duration`, `integer`, `path`), and writes usage lines as
 * `$ warmpool <command>`.
 *
 * @internal
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { stripVTControlCharacters } from "node:util"

/** The type sentences `@effect/cli` adds to every flag of a primitive type. */
const genericSentences = [
  "A user-defined piece of text.",
  "A user-defined piece of text that is confidential.",
  "An integer.",
  "A floating point number.",
  "A true or false value."
]

/** Whether output may carry ANSI styles: stdout is a terminal and `NO_COLOR` is unset or empty. */
export const colorAllowed = (isTTY: boolean | undefined, env: NodeJS.ProcessEnv): boolean =>
  isTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "")

/** The command words of an argument list (`["bench", "reconcile"]` for `bench reconcile --help`). */
export const commandPath = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const words: Array<string> = []
  for (const arg of args) {
    if (arg.startsWith("-")) break
    words.push(arg)
  }
  return words
}

/** Rewrites one printed text of the CLI (help, usage errors). */
export const rewrite = (text: string, options: { readonly color: boolean; readonly path: ReadonlyArray<string> }) => {
  let out = options.color ? text : stripVTControlCharacters(text)
  const plain = stripVTControlCharacters(out)
  if (!genericSentences.some((s) => plain.includes(s)) && !/^\$ /m.test(plain)) return out
  const lines = out.split("\n")
  const kept: Array<string> = []
  for (let i = 0; i < lines.length; i++) {
    const bare = stripVTControlCharacters(lines[i]!).trim()
    if (genericSentences.includes(bare)) {
      // Drop the sentence and the blank line after it.
      if (lines[i + 1] !== undefined && stripVTControlCharacters(lines[i + 1]!).trim() === "") i++
      continue
    }
    kept.push(lines[i]!)
  }
  out = kept.join("\n")
  const last = options.path[options.path.length - 1]
  const full = ["warmpool", ...options.path].join(" ")
  return out.replace(/^\$ (\S+)/gm, (line, name: string) => {
    if (name === "warmpool") return line
    return name === last ? `$ ${full}` : `$ warmpool ${name}`
  })
}

/** Runs `effect` with the rewriting console (the process's own console underneath). */
export const withHelpConsole = (args: ReadonlyArray<string>) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Console.consoleWith(Effect.succeed), (underlying) => {
    const options = { color: colorAllowed(process.stdout.isTTY, process.env), path: commandPath(args) }
    const map = (values: ReadonlyArray<unknown>) => values.map((v) => typeof v === "string" ? rewrite(v, options) : v)
    const console: Console.Console = {
      ...underlying,
      log: (...values) => underlying.log(...map(values)),
      error: (...values) => underlying.error(...map(values))
    }
    return Effect.withConsole(effect, console)
  })
