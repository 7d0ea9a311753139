/**
 * One readable line per log entry: `HH:MM:SS LEVEL message key=value…`.
 */
import * as Cause from "effect/Cause"
import * as HashMap from "effect/HashMap"
import * as Logger from "effect/Logger"

const two = (n: number) => String(n).padStart(2, "0")

export const compactLogger = Logger.make(({ annotations, cause, date, logLevel, message }) => {
  const text = (Array.isArray(message) ? message : [message]).map((
    m
  ) => (typeof m === "string" ? m : JSON.stringify(m)))
    .join(" ")
  const extra = [...HashMap.toEntries(annotations)].map(([k, v]) =>
    `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
  )
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  const failure = Cause.isEmpty(cause) ? "" : `\n${Cause.pretty(cause)}`
  const line = `${time} ${logLevel.label.padEnd(5)} ${text}${extra.length ? ` ${extra.join(" ")}` : ""}${failure}`
  if (logLevel._tag === "Error" || logLevel._tag === "Fatal" || logLevel._tag === "Warning") console.error(line)
  else console.log(line)
})
