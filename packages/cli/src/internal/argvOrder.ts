/**
 * `eval` takes one positional expression, and an expression may start with `-` (`-5 / 2`).
 * `@effect/cli` reads options only before the positional arguments, so `eval '-5 / 2' --json`
 * would read `--json` as a second argument. This module moves `eval`'s own options in front
 * of the expression and marks the expression with `--`, so options may come before or after it.
 *
 * @since 0.1.0
 *
 * @internal
 */

/** `eval`'s options that take a value (`--var NAME=JSON`), and those that take none. */
const withValue = new Set(["--var"])
const flags = new Set(["--json", "--help", "-h", "--wizard", "--version"])

/**
 * Reorder the arguments after `eval` as `options… -- expression`. Anything after a literal
 * `--` is positional. Other commands' arguments are returned unchanged.
 *
 * @since 0.1.0
 * @category parsing
 */
export const normalizeArgv = (argv: ReadonlyArray<string>): Array<string> => {
  const at = argv.indexOf("eval", 2)
  // only when `eval` is the sub-command itself (the first argument after the program)
  if (at !== 2) return [...argv]
  const options: Array<string> = []
  const positional: Array<string> = []
  const rest = argv.slice(at + 1)
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (arg === "--") {
      positional.push(...rest.slice(i + 1))
      break
    }
    if (withValue.has(arg) && i + 1 < rest.length) {
      options.push(arg, rest[i + 1]!)
      i++
    } else if (flags.has(arg) || [...withValue].some((name) => arg.startsWith(`${name}=`))) {
      options.push(arg)
    } else {
      positional.push(arg)
    }
  }
  return [...argv.slice(0, at + 1), ...options, ...(positional.length > 0 ? ["--", ...positional] : [])]
}
