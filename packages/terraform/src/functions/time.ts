/**
 * Terraform's date and time functions: `timestamp` (impure: a render that calls it cannot be
 * cached), `timeadd`, `timecmp` and `formatdate`. `timestamp` reads no clock itself: it returns
 * the instant the caller read from Effect's `Clock` for the render (`FunctionContext.now`), so a
 * render stays a pure function of its inputs and tests control it with `TestClock`. Timestamps are RFC 3339
 * strings parsed as Go's `time.Parse(time.RFC3339, ...)` does, with Terraform's error texts;
 * durations use Go's `time.ParseDuration` syntax.
 *
 * @since 0.1.0
 * @internal
 */
import type { FunctionDefinition, Parameter } from "../FunctionDefinition.js"
import { FunctionError } from "../FunctionDefinition.js"
import { goQuote } from "../GoQuote.js"
import { stringOf, total } from "../internal/functionSupport.js"
import * as Civil from "../internal/strftime.js"
import * as N from "../Number.js"
import * as T from "../Type.js"
import type { Value } from "../Value.js"
import * as V from "../Value.js"

const str = (name: string): Parameter => ({ name, type: T.string })

/** `timestamp()` when the caller gave no instant: not known yet, as in Terraform's validation. */
const UnknownTimestamp = V.unknownOf(T.string)

/**
 * A parsed timestamp: the instant (Unix nanoseconds) and the UTC offset it was written with.
 *
 * @since 0.1.0
 */
export interface Timestamp {
  readonly unixNanos: bigint
  readonly offsetSeconds: number
}

interface ParseFailure {
  readonly layoutElem: string
  readonly valueElem: string
  readonly message: string
}

const isDigit = (s: string, i: number): boolean => i < s.length && s[i]! >= "0" && s[i]! <= "9"

const getnum = (s: string, fixed: boolean): { readonly n: number; readonly rest: string } | undefined => {
  if (!isDigit(s, 0)) return undefined
  if (!isDigit(s, 1)) return fixed ? undefined : { n: s.charCodeAt(0) - 48, rest: s.slice(1) }
  return { n: (s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), rest: s.slice(2) }
}

/** Go's `time.Parse(time.RFC3339, s)` (the general parser, which is what reports errors). */
const parseRfc3339 = (s: string): Timestamp | ParseFailure => {
  let value = s
  const fail = (layoutElem: string, valueElem: string, message = ""): ParseFailure => ({
    layoutElem,
    valueElem,
    message
  })
  const skip = (prefix: string): boolean => {
    if (value.length === 0 || value[0] !== prefix) return false
    value = value.slice(1)
    return true
  }
  // 2006
  let hold = value
  if (value.length < 4 || !isDigit(value, 0) || !/^[0-9]{4}$/.test(value.slice(0, 4))) return fail("2006", hold)
  const year = Number(value.slice(0, 4))
  value = value.slice(4)
  // -01
  if (!skip("-")) return fail("-", value)
  hold = value
  const month = getnum(value, true)
  if (month === undefined) return fail("01", hold)
  value = month.rest
  if (month.n <= 0 || month.n > 12) return fail("01", value, ": month out of range")
  // -02
  if (!skip("-")) return fail("-", value)
  hold = value
  const day = getnum(value, true)
  if (day === undefined) return fail("02", hold)
  value = day.rest
  // T15
  if (!skip("T")) return fail("T", value)
  hold = value
  const hour = getnum(value, false)
  if (hour === undefined) return fail("15", hold)
  value = hour.rest
  if (hour.n >= 24) return fail("15", value, ": hour out of range")
  // :04
  if (!skip(":")) return fail(":", value)
  hold = value
  const minute = getnum(value, true)
  if (minute === undefined) return fail("04", hold)
  value = minute.rest
  if (minute.n >= 60) return fail("04", value, ": minute out of range")
  // :05
  if (!skip(":")) return fail(":", value)
  hold = value
  const second = getnum(value, true)
  if (second === undefined) return fail("05", hold)
  value = second.rest
  if (second.n >= 60) return fail("05", value, ": second out of range")
  let nanos = 0
  if (value.length >= 2 && (value[0] === "." || value[0] === ",") && isDigit(value, 1)) {
    let n = 2
    while (n < value.length && isDigit(value, n)) n++
    const digits = value.slice(1, Math.min(n, 10))
    nanos = Number(digits.padEnd(9, "0"))
    value = value.slice(n)
  }
  // Z07:00
  hold = value
  let offsetSeconds = 0
  if (value.length >= 1 && value[0] === "Z") {
    value = value.slice(1)
  } else {
    if (value.length < 6 || value[3] !== ":") return fail("Z07:00", hold)
    const sign = value[0]
    const hh = getnum(value.slice(1, 3), true)
    const mm = hh === undefined ? undefined : getnum(value.slice(4, 6), true)
    const hours = hh?.n ?? 0
    const minutes = mm?.n ?? 0
    value = value.slice(6)
    // Go tests the ranges before the parse errors, and the minute test last.
    if (minutes > 60) return fail("Z07:00", value, ": time zone offset minute out of range")
    if (hours > 24) return fail("Z07:00", value, ": time zone offset hour out of range")
    if (hh === undefined || mm === undefined || (sign !== "+" && sign !== "-")) return fail("Z07:00", hold)
    offsetSeconds = (hours * 60 + minutes) * 60 * (sign === "-" ? -1 : 1)
  }
  if (value.length !== 0) return fail("", value, `: extra text: ${goQuote(value)}`)
  if (day.n < 1 || day.n > Civil.daysIn(month.n, year)) return fail("", "", ": day out of range")
  const days = Civil.daysFromCivil(year, month.n, day.n)
  const unixSeconds = days * 86400 + hour.n * 3600 + minute.n * 60 + second.n - offsetSeconds
  return { unixNanos: BigInt(unixSeconds) * 1_000_000_000n + BigInt(nanos), offsetSeconds }
}

const layoutNames: Record<string, string> = {
  "2006": "year",
  "01": "month",
  "02": "day of month",
  "15": "hour",
  "04": "minute",
  "05": "second",
  "Z07:00": "UTC offset"
}

/**
 * Parse an RFC 3339 timestamp as Terraform does; the error message uses Terraform's wording
 * (`not a valid RFC3339 timestamp: ...`).
 *
 * @since 0.1.0
 */
export const parseTimestamp = (s: string): Timestamp | string => {
  const r = parseRfc3339(s)
  if ("unixNanos" in r) return r
  if (r.layoutElem === "" && r.valueElem === "" && r.message !== "") return `not a valid RFC3339 timestamp${r.message}`
  if (r.layoutElem === "T") return "not a valid RFC3339 timestamp: missing required time introducer 'T'"
  if (r.layoutElem === ":" || r.layoutElem === "-") {
    return r.valueElem === "" ?
      `not a valid RFC3339 timestamp: end of string where ${goQuote(r.layoutElem)} is expected` :
      `not a valid RFC3339 timestamp: found ${goQuote(r.valueElem)} where ${goQuote(r.layoutElem)} is expected`
  }
  const what = layoutNames[r.layoutElem] ?? "timestamp segment"
  return r.valueElem === "" ?
    `not a valid RFC3339 timestamp: end of string before ${what}` :
    `not a valid RFC3339 timestamp: cannot use ${goQuote(r.valueElem)} as ${what}`
}

const rfc3339Shape = /^\d{4}-\d{2}-\d{2}T(\d{2}):(\d{2}):\d{2}(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/

/**
 * Terraform's `parseStrictRFC3339` (used by `timeadd` and `formatdate`, not by `timecmp`): Go's
 * RFC 3339 fast path, which needs two-digit hours, a `.` before fractions and an offset
 * within `±23:59`; where only the general parser accepts the text, the reason it gives.
 *
 * @since 0.1.0
 */
export const parseStrictTimestamp = (s: string): Timestamp | string => {
  const parsed = parseTimestamp(s)
  if (typeof parsed === "string") return parsed
  const shape = rfc3339Shape.exec(s)
  if (shape !== null && (shape[3] === undefined || (Number(shape[3]) <= 23 && Number(shape[4]) <= 59))) {
    return parsed
  }
  const two = (t: string) => (t.charCodeAt(0) - 48) * 10 + (t.charCodeAt(1) - 48)
  if (s[12] === ":") return "not a valid RFC3339 timestamp: hour must have exactly two digits"
  if (s[19] === ",") return `not a valid RFC3339 timestamp: cannot use "," as timestamp segment`
  if (s[s.length - 1] !== "Z" && (two(s.slice(-5)) >= 24 || two(s.slice(-2)) >= 60)) {
    return `not a valid RFC3339 timestamp: cannot use ${goQuote(s.slice(-6))} as UTC offset`
  }
  return `not a valid RFC3339 timestamp: cannot use ${goQuote(s)} as timestamp segment`
}

/** The `quote` of Go's time package: non-ASCII and control bytes as `\x..`. */
const timeQuote = (s: string): string => {
  let out = "\""
  for (const b of new TextEncoder().encode(s)) {
    if (b >= 0x80 || b < 0x20) out += "\\x" + b.toString(16).padStart(2, "0")
    else if (b === 0x22 || b === 0x5c) out += "\\" + String.fromCharCode(b)
    else out += String.fromCharCode(b)
  }
  return out + "\""
}

const units: Record<string, bigint> = {
  "ns": 1n,
  "us": 1_000n,
  "µs": 1_000n,
  "μs": 1_000n,
  "ms": 1_000_000n,
  "s": 1_000_000_000n,
  "m": 60_000_000_000n,
  "h": 3_600_000_000_000n
}

const twoTo63 = 1n << 63n

/**
 * Go's `time.ParseDuration`: nanoseconds, or Go's error message.
 *
 * @since 0.1.0
 */
export const parseDuration = (orig: string): bigint | string => {
  const invalid = `time: invalid duration ${timeQuote(orig)}`
  let s = orig
  let negative = false
  if (s !== "" && (s[0] === "-" || s[0] === "+")) {
    negative = s[0] === "-"
    s = s.slice(1)
  }
  if (s === "0") return 0n
  if (s === "") return invalid
  let d = 0n
  while (s !== "") {
    if (!(s[0] === "." || isDigit(s, 0))) return invalid
    let i = 0
    let v = 0n
    while (isDigit(s, i)) {
      if (v > twoTo63 / 10n) return invalid
      v = v * 10n + BigInt(s.charCodeAt(i) - 48)
      if (v > twoTo63) return invalid
      i++
    }
    const pre = i > 0
    s = s.slice(i)
    let post = false
    let f = 0n
    let scale = 1
    if (s !== "" && s[0] === ".") {
      s = s.slice(1)
      let j = 0
      let overflow = false
      while (isDigit(s, j)) {
        if (!overflow) {
          if (f > (twoTo63 - 1n) / 10n) {
            overflow = true
          } else {
            const y = f * 10n + BigInt(s.charCodeAt(j) - 48)
            if (y > twoTo63) overflow = true
            else {
              f = y
              scale *= 10
            }
          }
        }
        j++
      }
      post = j > 0
      s = s.slice(j)
    }
    if (!pre && !post) return invalid
    let u = 0
    while (u < s.length && !(s[u] === "." || isDigit(s, u))) u++
    if (u === 0) return `time: missing unit in duration ${timeQuote(orig)}`
    const unitText = s.slice(0, u)
    s = s.slice(u)
    const unit = units[unitText]
    if (unit === undefined) return `time: unknown unit ${timeQuote(unitText)} in duration ${timeQuote(orig)}`
    if (v > twoTo63 / unit) return invalid
    v *= unit
    if (f > 0n) {
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)))
      if (v > twoTo63) return invalid
    }
    d += v
    if (d > twoTo63) return invalid
  }
  if (negative) return -d
  if (d > twoTo63 - 1n) return invalid
  return d
}

const civilOf = (t: Timestamp): Civil.CivilTime => {
  const seconds = t.unixNanos >= 0n ? t.unixNanos / 1_000_000_000n : -((-t.unixNanos + 999_999_999n) / 1_000_000_000n)
  return Civil.civilFromUnix(Number(seconds), t.offsetSeconds)
}

const timeaddImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const ts = parseStrictTimestamp(stringOf(args[0]))
  if (typeof ts === "string") return new FunctionError(ts)
  const duration = parseDuration(stringOf(args[1]))
  if (typeof duration === "string") return new FunctionError(duration) // Terraform: "Error in function call"
  return V.string(Civil.formatRfc3339(civilOf({ ...ts, unixNanos: ts.unixNanos + duration })))
}

const timecmpImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const a = parseTimestamp(stringOf(args[0]))
  if (typeof a === "string") return new FunctionError(a, 0)
  const b = parseTimestamp(stringOf(args[1]))
  if (typeof b === "string") return new FunctionError(b, 1)
  const c = a.unixNanos === b.unixNanos ? 0 : a.unixNanos < b.unixNanos ? -1 : 1
  return V.number(N.fromInteger(c))
}

const formatdateImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const ts = parseStrictTimestamp(stringOf(args[1]))
  if (typeof ts === "string") return new FunctionError(ts, 1)
  const out = Civil.formatDate(stringOf(args[0]), civilOf(ts))
  return typeof out === "string" ? V.string(out) : new FunctionError(out.message, 0)
}

/**
 * The date and time functions.
 *
 * @since 0.1.0
 */
export const timeFunctions: ReadonlyArray<FunctionDefinition> = [
  total({
    name: "formatdate",
    parameters: [str("format"), str("time")],
    returnType: T.string,
    impl: formatdateImpl
  }),
  total({
    name: "timeadd",
    parameters: [str("timestamp"), str("duration")],
    returnType: T.string,
    impl: timeaddImpl
  }),
  total({
    name: "timecmp",
    parameters: [str("timestamp_a"), str("timestamp_b")],
    returnType: T.number,
    impl: timecmpImpl
  }),
  total({
    name: "timestamp",
    parameters: [],
    returnType: T.string,
    // Go's time.Now().UTC().Format(time.RFC3339) of the caller's instant: whole seconds, "Z".
    impl: (_, context) =>
      context.now === undefined
        ? UnknownTimestamp
        : V.string(new Date(Math.floor(context.now / 1000) * 1000).toISOString().replace(".000Z", "Z")),
    impure: true
  })
]
