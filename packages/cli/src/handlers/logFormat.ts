/**
 * The two log formats of `--log-format`: `text`, one readable line per entry
 * (`HH:MM:SS LEVEL message key=value…`, warnings and errors on stderr), and `json`, one object per
 * line on stdout with `timestamp`, `level`, `message` and `fields` (the log annotations), built on
 * Effect's `structuredLogger`.
 */
import * as Cause from "effect/Cause"
import * as HashMap from "effect/HashMap"
import type * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"

const two = (n: number) => String(n).padStart(2, "0")

const messageText = (message: unknown): string =>
  (Array.isArray(message) ? message : [message]).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ")

const toStderr = (tag: string) => tag === "Error" || tag === "Fatal" || tag === "Warning"

/** One readable line per entry. */
export const textLogger = Logger.make(({ annotations, cause, date, logLevel, message }) => {
  const extra = [...HashMap.toEntries(annotations)].map(([k, v]) =>
    `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`
  )
  const time = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
  const failure = Cause.isEmpty(cause) ? "" : `\n${Cause.pretty(cause)}`
  const line = `${time} ${logLevel.label.padEnd(5)} ${messageText(message)}${
    extra.length ? ` ${extra.join(" ")}` : ""
  }${failure}`
  if (toStderr(logLevel._tag)) console.error(line)
  else console.log(line)
})

/** One JSON object per line: `{"timestamp", "level", "message", "fields"[, "cause"]}`. */
export const jsonLogger = Logger.map(Logger.structuredLogger, (entry) =>
  JSON.stringify({
    timestamp: entry.timestamp,
    level: entry.logLevel.toLowerCase(),
    message: messageText(entry.message),
    fields: entry.annotations,
    ...(entry.cause === undefined ? {} : { cause: entry.cause })
  })).pipe(Logger.withConsoleLog)

/** The logger of a format, replacing Effect's default one. */
export const layerLogger = (format: "text" | "json"): Layer.Layer<never> =>
  Logger.replace(Logger.defaultLogger, format === "json" ? jsonLogger : textLogger)
