/**
 * One operator setting, defined once. A `Setting` carries its name (kebab case, the flag and the
 * config-file key), its type, its default and one sentence of documentation; the environment
 * variable (`WARMPOOL_` + the name in constant case), the `--flag`, the config-file key, `--help`
 * and `--print-config` are all derived from it, so they cannot drift apart.
 *
 * Values arrive as text (or JSON scalars from the config file) and are parsed by the setting's
 * `Config`, whatever their source; the precedence is flag > environment > file > default.
 * Durations have one syntax, Go's (`15s`, `2m`, `1h30m`).
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

// ---------------------------------------------------------------------------
// Durations (Go syntax)
// ---------------------------------------------------------------------------

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
 * Parses a Go duration (`1m`, `90s`, `1h30m`, `-5m`, `250ms`) into signed milliseconds (fractions
 * kept). `"0"` alone needs no unit; surrounding whitespace is ignored.
 *
 * @since 0.1.0
 * @category durations
 */
export const parseDurationMillis = (input: string): Either.Either<number, string> => {
  const text = input.trim()
  let rest = text
  let sign = 1
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1
    rest = rest.slice(1)
  }
  if (rest === "0") return Either.right(0)
  const invalid = Either.left(`expected a duration such as 15s, 2m or 1h30m, got "${input}"`)
  if (rest === "" || rest.length > 256) return invalid
  let nanos = 0
  while (rest !== "") {
    const match = goComponent.exec(rest)
    if (match === null) return invalid
    nanos += Number(match[1]) * nanosPerUnit[match[2]!]!
    rest = rest.slice(match[0].length)
  }
  const millis = sign * nanos / 1e6
  return Number.isFinite(millis) ? Either.right(millis) : Either.left(`duration out of range: "${input}"`)
}

/**
 * Formats a duration the way it is written (`1h30m`, `15s`, `250ms`, `0s`).
 *
 * @since 0.1.0
 * @category durations
 */
export const formatDuration = (duration: Duration.Duration): string => {
  if (!Duration.isFinite(duration)) return "infinity"
  let millis = Math.round(Duration.toMillis(duration))
  if (millis === 0) return "0s"
  const units: ReadonlyArray<readonly [string, number]> = [["h", 3_600_000], ["m", 60_000], ["s", 1000], ["ms", 1]]
  let out = ""
  for (const [unit, size] of units) {
    const n = Math.floor(millis / size)
    if (n > 0) out += `${n}${unit}`
    millis -= n * size
  }
  return out
}

// ---------------------------------------------------------------------------
// Types of settings
// ---------------------------------------------------------------------------

/**
 * How a setting's value is read from one text and shown again.
 *
 * @since 0.1.0
 * @category models
 */
export interface Type<A> {
  /** The type's name in `--help` (`duration`, `integer`, `path`, `url`, `echo|command`). */
  readonly name: string
  /** The reader of the value under a key. */
  readonly read: (key: string) => Config.Config<A>
  /** The value as an operator writes it (secrets are never shown). */
  readonly show: (value: A) => string
  /** Whether the value is a secret (redacted everywhere it is shown). */
  readonly secret?: boolean
  /** Whether the flag may be repeated (a list). */
  readonly repeated?: boolean
  /** Whether the flag is a switch that takes no value (`--watch`); `true` / `false` elsewhere. */
  readonly switch?: boolean
}

const invalidData = (message: string) => Either.left(ConfigError.InvalidData([], message))

const durationType = (name: string, accept: (millis: number) => string | undefined): Type<Duration.Duration> => ({
  name,
  read: (key) =>
    Config.string(key).pipe(
      Config.mapOrFail((text) =>
        Either.match(parseDurationMillis(text), {
          onLeft: invalidData,
          onRight: (millis) => {
            const problem = accept(millis)
            return problem === undefined ? Either.right(Duration.millis(millis)) : invalidData(problem)
          }
        })
      )
    ),
  show: formatDuration
})

/**
 * A duration of zero or more, in Go syntax.
 *
 * @since 0.1.0
 * @category types
 */
export const duration: Type<Duration.Duration> = durationType(
  "duration",
  (millis) => millis >= 0 ? undefined : "must not be negative"
)

/**
 * A duration greater than zero, in Go syntax.
 *
 * @since 0.1.0
 * @category types
 */
export const positiveDuration: Type<Duration.Duration> = durationType(
  "duration",
  (millis) => millis > 0 ? undefined : "must be greater than zero"
)

const bounded = (kind: string, min: number | undefined, max: number | undefined) => (n: number) =>
  (min === undefined || n >= min) && (max === undefined || n <= max)
    ? Either.right(n)
    : invalidData(
      max === undefined
        ? `expected ${kind} of at least ${min}, got ${n}`
        : min === undefined
        ? `expected ${kind} of at most ${max}, got ${n}`
        : `expected ${kind} between ${min} and ${max}, got ${n}`
    )

/**
 * A whole number, optionally bounded.
 *
 * @since 0.1.0
 * @category types
 */
export const integer = (bounds: { readonly min?: number; readonly max?: number } = {}): Type<number> => ({
  name: "integer",
  read: (key) => Config.integer(key).pipe(Config.mapOrFail(bounded("an integer", bounds.min, bounds.max))),
  show: String
})

/**
 * A number (fractions allowed), optionally bounded.
 *
 * @since 0.1.0
 * @category types
 */
export const number = (bounds: { readonly min?: number; readonly max?: number } = {}): Type<number> => ({
  name: "number",
  read: (key) => Config.number(key).pipe(Config.mapOrFail(bounded("a number", bounds.min, bounds.max))),
  show: String
})

const textType = (name: string): Type<string> => ({
  name,
  read: (key) =>
    Config.string(key).pipe(
      Config.mapOrFail((text) =>
        text === "" ? invalidData(`expected a ${name}, got an empty text`) : Either.right(text)
      )
    ),
  show: (text) => text
})

/**
 * A piece of text.
 *
 * @since 0.1.0
 * @category types
 */
export const string: Type<string> = textType("string")

/**
 * A switch: a flag without a value, `true` or `false` in the environment and the config file.
 *
 * @since 0.1.0
 * @category types
 */
export const boolean: Type<boolean> = {
  name: "boolean",
  read: (key) => Config.boolean(key),
  show: String,
  switch: true
}

/**
 * A file or directory path.
 *
 * @since 0.1.0
 * @category types
 */
export const path: Type<string> = textType("path")

/**
 * A network address (host name or IP address).
 *
 * @since 0.1.0
 * @category types
 */
export const host: Type<string> = textType("host")

/**
 * A database: a SQLite file path or a `postgres://` URL (a URL's password is never shown).
 *
 * @since 0.1.0
 * @category types
 */
export const pathOrUrl: Type<string> = {
  ...textType("path|url"),
  show: (text) => text.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@")
}

/**
 * One of a fixed set of words.
 *
 * @since 0.1.0
 * @category types
 */
export const choice = <const L extends ReadonlyArray<string>>(...values: L): Type<L[number]> => ({
  name: values.join("|"),
  read: (key) => Config.literal(...values)(key) as Config.Config<L[number]>,
  show: (value) => value
})

/**
 * A secret (redacted in `--print-config`, logs and the banner).
 *
 * @since 0.1.0
 * @category types
 */
export const secret: Type<Redacted.Redacted<string>> = {
  name: "secret",
  read: (key) =>
    Config.string(key).pipe(
      Config.mapOrFail((text) =>
        text === "" ? invalidData("expected a secret, got an empty text") : Either.right(Redacted.make(text))
      )
    ),
  show: () => "<redacted>",
  secret: true
}

/**
 * A list of texts: a repeated flag, a JSON array in the config file, or comma-separated in the
 * environment.
 *
 * @since 0.1.0
 * @category types
 */
export const list: Type<ReadonlyArray<string>> = {
  name: "string",
  read: (key) => Config.array(Config.string(), key),
  show: (values) => JSON.stringify(values),
  repeated: true
}

// ---------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------

/**
 * A setting: its name, type, default and documentation, and the `Config` that reads it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Setting<A> {
  /** Kebab case: the flag (`--render-cache-ttl`) and the config-file key. */
  readonly name: string
  /** Constant case, without the application's prefix: `RENDER_CACHE_TTL`. */
  readonly key: string
  readonly type: Type<any>
  /** One sentence for `--help`. */
  readonly doc: string
  /** The default as written, or `undefined` when the setting is optional (unset by default). */
  readonly defaultText: string | undefined
  /** Reads the value under {@link key}, the default applied. */
  readonly config: Config.Config<A>
  /** The value as shown by `--print-config`. */
  readonly show: (value: A) => string
}

/**
 * Any setting (for records of settings).
 *
 * @since 0.1.0
 * @category models
 */
export type Any = Setting<any>

/**
 * The value type of a setting.
 *
 * @since 0.1.0
 * @category models
 */
export type Value<S> = S extends Setting<infer A> ? A : never

/**
 * The environment-variable part of a setting's name: `render-cache-ttl` → `RENDER_CACHE_TTL`.
 *
 * @since 0.1.0
 * @category utils
 */
export const keyOf = (name: string): string => name.toUpperCase().replace(/-/g, "_")

/**
 * A setting with a default.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = <A>(
  name: string,
  type: Type<A>,
  options: { readonly default: A; readonly doc: string }
): Setting<A> => {
  const key = keyOf(name)
  return {
    name,
    key,
    type,
    doc: options.doc,
    defaultText: type.show(options.default),
    config: Config.withDefault(type.read(key), options.default),
    show: type.show
  }
}

/**
 * A setting that is unset unless given.
 *
 * @since 0.1.0
 * @category constructors
 */
export const optional = <A>(
  name: string,
  type: Type<A>,
  options: { readonly doc: string }
): Setting<Option.Option<A>> => {
  const key = keyOf(name)
  return {
    name,
    key,
    type,
    doc: options.doc,
    defaultText: undefined,
    config: Config.option(type.read(key)),
    show: Option.match({ onNone: () => "(unset)", onSome: type.show })
  }
}

/**
 * Where a setting's value came from.
 *
 * @since 0.1.0
 * @category models
 */
export type Source = "flag" | "env" | "file" | "default"

/**
 * A value given for a setting: a text, or several for a list.
 *
 * @since 0.1.0
 * @category models
 */
export type Raw = string | ReadonlyArray<string>

/**
 * The inputs besides the environment: flags given on the command line and a config file's JSON,
 * both keyed by setting name.
 *
 * @since 0.1.0
 * @category models
 */
export interface Inputs {
  readonly flags: Readonly<Record<string, Raw | undefined>>
  /** The config file's parsed JSON (an object keyed by setting name), if any. */
  readonly file?: unknown
  /** The config file's path, for messages. */
  readonly fileName?: string | undefined
}

/**
 * A setting that could not be read, naming the setting and where the bad value came from.
 *
 * @since 0.1.0
 * @category errors
 */
export class SettingError extends Data.TaggedError("SettingError")<{
  readonly setting: string
  readonly origin: string
  readonly problem: string
}> {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `${this.setting}${this.origin === "" ? "" : ` (${this.origin})`}: ${this.problem}`
  }
}

const problems = (error: ConfigError.ConfigError): Array<string> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...problems(error.left), ...problems(error.right)]
    case "InvalidData":
    case "MissingData":
    case "SourceUnavailable":
    case "Unsupported":
      return [error.message]
  }
}

const fileValue = (value: unknown): Raw | undefined => {
  if (typeof value === "string") return value
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  if (Array.isArray(value) && value.every((v) => typeof v === "string" || typeof v === "number")) {
    return value.map(String)
  }
  return undefined
}

/**
 * A loaded configuration: every setting's value and where it came from.
 *
 * @since 0.1.0
 * @category models
 */
export interface Loaded<S extends Record<string, Any>> {
  readonly values: { readonly [K in keyof S]: Value<S[K]> }
  readonly sources: { readonly [K in keyof S]: Source }
}

/**
 * Reads every setting: a flag wins over the environment variable (`<prefix>_<KEY>`, read through
 * the current `ConfigProvider`, the prefix applied here and only here), which wins over the config
 * file, which wins over the default. Unknown config-file keys are errors.
 *
 * @since 0.1.0
 * @category utils
 */
export const load = <S extends Record<string, Any>>(
  settings: S,
  inputs: Inputs,
  prefix: string
): Effect.Effect<Loaded<S>, SettingError> =>
  Effect.gen(function*() {
    const fileLabel = inputs.fileName ?? "config file"
    const file: Record<string, unknown> = {}
    if (inputs.file !== undefined) {
      if (typeof inputs.file !== "object" || inputs.file === null || Array.isArray(inputs.file)) {
        return yield* new SettingError({
          setting: fileLabel,
          origin: "",
          problem: "expected a JSON object keyed by setting name"
        })
      }
      const known = new Set(Object.values(settings).map((s) => s.name))
      for (const [name, value] of Object.entries(inputs.file)) {
        if (!known.has(name)) {
          return yield* new SettingError({ setting: fileLabel, origin: "", problem: `unknown setting "${name}"` })
        }
        file[name] = value
      }
    }
    const values: Record<string, unknown> = {}
    const sources: Record<string, Source> = {}
    for (const [field, setting] of Object.entries(settings)) {
      const envName = `${prefix}_${setting.key}`
      const fromEnv = yield* Config.option(Config.string(setting.key)).pipe(
        Config.nested(prefix),
        Effect.orElseSucceed(() => Option.none<string>())
      )
      const flag = inputs.flags[setting.name]
      let raw: Raw | undefined
      let source: Source = "default"
      let origin = ""
      if (flag !== undefined && !(Array.isArray(flag) && flag.length === 0)) {
        raw = flag
        source = "flag"
        origin = `--${setting.name}`
      } else if (Option.isSome(fromEnv)) {
        raw = fromEnv.value
        source = "env"
        origin = envName
      } else if (Object.hasOwn(file, setting.name)) {
        raw = fileValue(file[setting.name])
        source = "file"
        origin = `"${setting.name}" in ${fileLabel}`
        if (raw === undefined) {
          return yield* new SettingError({
            setting: setting.name,
            origin,
            problem: "expected a string, a number or a list of strings"
          })
        }
      }
      // A list from the environment is comma-separated, as with Effect's environment provider.
      if (setting.type.repeated === true && typeof raw === "string") raw = raw.split(",")
      const provider = ConfigProvider.fromJson(raw === undefined ? {} : { [setting.key]: raw })
      values[field] = yield* Effect.withConfigProvider(setting.config, provider).pipe(
        Effect.mapError((error) =>
          new SettingError({ setting: setting.name, origin, problem: problems(error).join("; ") })
        )
      )
      sources[field] = source
    }
    return { values, sources } as unknown as Loaded<S>
  })

/**
 * The `Config` of every setting under the prefix, for applications that read the environment
 * only (no flags, no file): `Config.nested(prefix)` applied once over all of them.
 *
 * @since 0.1.0
 * @category utils
 */
export const config = <S extends Record<string, Any>>(
  settings: S,
  prefix: string
): Config.Config<{ readonly [K in keyof S]: Value<S[K]> }> =>
  Config.nested(
    Config.all(
      Object.fromEntries(Object.entries(settings).map(([field, s]) => [field, s.config]))
    ) as unknown as Config.Config<{ readonly [K in keyof S]: Value<S[K]> }>,
    prefix
  )
