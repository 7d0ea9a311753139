/**
 * Civil time arithmetic (proleptic Gregorian, no time zone database: only fixed UTC offsets, as
 * RFC 3339 timestamps carry) and Terraform's `formatdate` specification language.
 *
 * @internal
 */
import { goQuote } from "../GoQuote.js"

/**
 * A moment as seen at a fixed UTC offset.
 */
export interface CivilTime {
  readonly year: number
  /** 1..12 */
  readonly month: number
  /** 1..31 */
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
  /** 0 = Sunday */
  readonly weekday: number
  readonly offsetSeconds: number
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b)

/**
 * Days since 1970-01-01 of a proleptic Gregorian date.
 */
export const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year
  const era = floorDiv(y, 400)
  const yoe = y - era * 400
  const doy = floorDiv(153 * (month > 2 ? month - 3 : month + 9) + 2, 5) + day - 1
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy
  return era * 146097 + doe - 719468
}

/**
 * The proleptic Gregorian date of a day number (days since 1970-01-01).
 */
export const civilFromDays = (
  days: number
): { readonly year: number; readonly month: number; readonly day: number } => {
  const z = days + 719468
  const era = floorDiv(z, 146097)
  const doe = z - era * 146097
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365)
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100))
  const mp = floorDiv(5 * doy + 2, 153)
  const day = doy - floorDiv(153 * mp + 2, 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/**
 * Days in a month of a proleptic Gregorian year.
 */
export const daysIn = (month: number, year: number): number => {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!
}

/**
 * The civil time of a Unix time in seconds at a fixed offset.
 */
export const civilFromUnix = (unixSeconds: number, offsetSeconds: number): CivilTime => {
  const local = unixSeconds + offsetSeconds
  const days = floorDiv(local, 86400)
  const secs = local - days * 86400
  const date = civilFromDays(days)
  return {
    ...date,
    hour: Math.floor(secs / 3600),
    minute: Math.floor((secs % 3600) / 60),
    second: secs % 60,
    weekday: ((days % 7) + 11) % 7,
    offsetSeconds
  }
}

/** Go's `fmt.Sprintf("%0<w>d", n)`: zero padding after the sign, the sign counting in the width. */
const pad = (n: number, width: number): string => {
  const digits = String(Math.abs(n))
  const sign = n < 0 ? "-" : ""
  return sign + digits.padStart(width - sign.length, "0")
}

/**
 * Go's time layouts for a fixed offset: `Z07:00` (`"Z"` for UTC), `-0700` and `-07:00`.
 */
export const formatOffset = (offsetSeconds: number, layout: "Z07:00" | "-0700" | "-07:00"): string => {
  if (layout === "Z07:00" && offsetSeconds === 0) return "Z"
  const sign = offsetSeconds < 0 ? "-" : "+"
  const minutes = Math.floor(Math.abs(offsetSeconds) / 60)
  const hh = pad(Math.floor(minutes / 60), 2)
  const mm = pad(minutes % 60, 2)
  return layout === "-0700" ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`
}

/**
 * Go's `Time.Format(time.RFC3339)`.
 */
export const formatRfc3339 = (t: CivilTime): string =>
  `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${
    formatOffset(t.offsetSeconds, "Z07:00")
  }`

const monthNames = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December"
]
const weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

const isVerbStart = (c: string): boolean => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z")

/** go-cty's `splitDateFormat` on the whole input: quoted literals, verb runs, other text. */
const tokens = (spec: string): Array<string> => {
  const out: Array<string> = []
  let i = 0
  while (i < spec.length) {
    const c = spec[i]!
    if (c === "'") {
      if (spec[i + 1] === "'") {
        out.push("''")
        i += 2
        continue
      }
      let end = spec.length
      for (let j = i + 1; j < spec.length; j++) {
        if (spec[j] === "'") {
          if (j + 1 === spec.length) break
          if (spec[j + 1] === "'") {
            j++
            continue
          }
          end = j + 1
          break
        }
      }
      out.push(spec.slice(i, end))
      i = end
    } else if (isVerbStart(c)) {
      let j = i + 1
      while (j < spec.length && spec[j] === c) j++
      out.push(spec.slice(i, j))
      i = j
    } else {
      let j = i + 1
      while (j < spec.length && spec[j] !== "'" && !isVerbStart(spec[j]!)) j++
      out.push(spec.slice(i, j))
      i = j
    }
  }
  return out
}

/**
 * A `formatdate` specification that Terraform rejects.
 */
export interface SpecError {
  readonly _tag: "SpecError"
  readonly message: string
}

const specError = (message: string): SpecError => ({ _tag: "SpecError", message })

const verbError = (tok: string, detail: string): SpecError =>
  specError(`invalid date format verb ${goQuote(tok)}: ${detail}`)

/**
 * Terraform's `formatdate`: `YYYY YY MMMM MMM MM M DD D EEEE EEE hh h HH H AA aa mm m ss s
 * ZZZZZ ZZZZ ZZZ Z`, `'...'` literals (`''` for a quote), any other non-letter text verbatim.
 */
export const formatDate = (spec: string, t: CivilTime): string | SpecError => {
  let out = ""
  for (const tok of tokens(spec)) {
    const c = tok[0]!
    if (c === "'") {
      if (tok[tok.length - 1] !== "'" || tok.length === 1) return specError("unterminated literal '")
      if (tok.length === 2) {
        out += "'"
      } else {
        const raw = tok.slice(1, -1)
        for (let i = 0; i < raw.length; i++) {
          out += raw[i]
          if (raw[i] === "'") i++
        }
      }
      continue
    }
    if (!isVerbStart(c)) {
      out += tok
      continue
    }
    const n = tok.length
    switch (c) {
      case "Y":
        if (n === 2) out += pad(t.year % 100, 2)
        else if (n === 4) out += pad(t.year, 4)
        else return verbError(tok, "year must either be \"YY\" or \"YYYY\"")
        break
      case "M":
        if (n === 1) out += String(t.month)
        else if (n === 2) out += pad(t.month, 2)
        else if (n === 3) out += monthNames[t.month - 1]!.slice(0, 3)
        else if (n === 4) out += monthNames[t.month - 1]!
        else return verbError(tok, "month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"")
        break
      case "D":
        if (n === 1) out += String(t.day)
        else if (n === 2) out += pad(t.day, 2)
        else return verbError(tok, "day of month must either be \"D\" or \"DD\"")
        break
      case "E":
        if (n === 3) out += weekdayNames[t.weekday]!.slice(0, 3)
        else if (n === 4) out += weekdayNames[t.weekday]!
        else return verbError(tok, "day of week must either be \"EEE\" or \"EEEE\"")
        break
      case "h":
        if (n === 1) out += String(t.hour)
        else if (n === 2) out += pad(t.hour, 2)
        else return verbError(tok, "24-hour must either be \"h\" or \"hh\"")
        break
      case "H": {
        const h = t.hour % 12 === 0 ? 12 : t.hour % 12
        if (n === 1) out += String(h)
        else if (n === 2) out += pad(h, 2)
        else return verbError(tok, "12-hour must either be \"H\" or \"HH\"")
        break
      }
      case "A":
      case "a": {
        if (n !== 2) return verbError(tok, `must be "${c}${c}"`)
        const pm = t.hour >= 12
        out += c === "A" ? (pm ? "PM" : "AM") : (pm ? "pm" : "am")
        break
      }
      case "m":
        if (n === 1) out += String(t.minute)
        else if (n === 2) out += pad(t.minute, 2)
        else return verbError(tok, "minute must either be \"m\" or \"mm\"")
        break
      case "s":
        if (n === 1) out += String(t.second)
        else if (n === 2) out += pad(t.second, 2)
        else return verbError(tok, "second must either be \"s\" or \"ss\"")
        break
      case "Z":
        if (n === 1) {
          out += formatOffset(t.offsetSeconds, "Z07:00")
        } else if (n === 3) {
          const offset = formatOffset(t.offsetSeconds, "-0700")
          out += offset === "+0000" ? "UTC" : offset
        } else if (n === 4) {
          out += formatOffset(t.offsetSeconds, "-0700")
        } else if (n === 5) {
          out += formatOffset(t.offsetSeconds, "-07:00")
        } else {
          return verbError(tok, "time zone must be Z, ZZZZ, or ZZZZZ")
        }
        break
      default:
        return specError(`invalid date format verb ${goQuote(tok)}`)
    }
  }
  return out
}
