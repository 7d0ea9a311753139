/**
 * Parsing of duration settings. Operators write Go-style durations (`1m`, `90s`, `1h30m`,
 * `-5m`), as in Coder's flags; Effect's own spelling (`5 minutes`) is accepted too.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as Option from "effect/Option"

const nanosPerUnit: Record<string, number> = {
  ns: 1,
  us: 1e3,
  "\u00b5s": 1e3,
  "\u03bcs": 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9
}

const goComponent = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/

/**
 * Parses a Go duration into signed milliseconds (fractions kept). `"0"` alone needs no unit.
 *
 * @internal
 */
export const parseGoDurationMillis = (text: string): Either.Either<number, string> => {
  let rest = text
  let sign = 1
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1
    rest = rest.slice(1)
  }
  if (rest === "0") return Either.right(0)
  if (rest === "") return Either.left(`invalid duration "${text}"`)
  let nanos = 0
  while (rest !== "") {
    const match = goComponent.exec(rest)
    if (match === null) return Either.left(`invalid duration "${text}"`)
    nanos += Number(match[1]) * nanosPerUnit[match[2]!]!
    rest = rest.slice(match[0].length)
  }
  const millis = sign * nanos / 1e6
  return Number.isFinite(millis) ? Either.right(millis) : Either.left(`duration out of range "${text}"`)
}

/**
 * Parses a Go duration or an Effect duration string (`"5 minutes"`) into signed milliseconds.
 *
 * @internal
 */
export const parseDurationMillis = (text: string): Either.Either<number, string> => {
  const trimmed = text.trim()
  const go = parseGoDurationMillis(trimmed)
  if (Either.isRight(go)) return go
  return Option.match(Duration.decodeUnknown(trimmed), {
    onNone: () => go,
    onSome: (duration) => Either.right(Duration.toMillis(duration))
  })
}
