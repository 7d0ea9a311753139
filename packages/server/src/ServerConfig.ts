/**
 * The server's configuration, read through Effect `Config` (environment variables; the CLI maps
 * its flags onto the same keys).
 *
 * @since 0.1.0
 */
import { Settings } from "@warmpool/prebuilds"
import { CacheSettings } from "@warmpool/render"
import { Budgets } from "@warmpool/terraform"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { randomBytes } from "node:crypto"

/**
 * Which provisioner runs the jobs.
 *
 * @since 0.1.0
 */
export type ProvisionerConfig =
  | {
    readonly _tag: "echo"
    /** Virtual time a job takes. */
    readonly delay: Duration.Duration
    /** Fraction of jobs that fail (0..1). */
    readonly failureRate: number
  }
  | {
    readonly _tag: "command"
    readonly command: string
    readonly args: ReadonlyArray<string>
    readonly timeout: Duration.Duration
  }

/**
 * @since 0.1.0
 */
export interface ServerConfigShape {
  /** A SQLite file path (the embedded default) or a `postgres://` URL. */
  readonly db: string
  /** Import every sub-directory as a template at start. */
  readonly templates: Option.Option<string>
  readonly host: string
  readonly port: number
  readonly token: Redacted.Redacted<string>
  /** Whether the token was generated (then it is printed once at start). */
  readonly tokenGenerated: boolean
  readonly interval: Duration.Duration
  /** Backoff, lookback and hard limit (`PREBUILDS_*`); the interval above wins over theirs. */
  readonly prebuilds: Settings.Settings
  readonly provisioner: ProvisionerConfig
  /** Request bodies larger than this get 413. */
  readonly maxBodyBytes: number
  /** Renders (including template loading) that take longer get 504. */
  readonly renderTimeout: Duration.Duration
  readonly renderCache: CacheSettings.CacheSettings
  readonly templateCache: CacheSettings.CacheSettings
  /** Evaluation budgets (`WARMPOOL_BUDGET_MAX_STEPS`, ...; see `Budgets.config`). */
  readonly budgets: Budgets.Budgets
}

/**
 * @since 0.1.0
 * @category tags
 */
export class ServerConfig extends Context.Tag("@warmpool/server/ServerConfig")<ServerConfig, ServerConfigShape>() {}

/**
 * Whether a `--db` value names PostgreSQL.
 *
 * @since 0.1.0
 */
export const isPostgres = (db: string): boolean => /^postgres(ql)?:\/\//.test(db)

/** `Config.port` refuses 0, which asks the operating system for a free port. */
const isPort = (n: number): boolean => n >= 0 && n <= 65535

const provisioner: Config.Config<ProvisionerConfig> = Config.all({
  kind: Config.withDefault(Config.literal("echo", "command")("WARMPOOL_PROVISIONER"), "echo" as const),
  delay: Config.withDefault(Settings.durationConfig("WARMPOOL_ECHO_DELAY"), Duration.seconds(5)),
  failureRate: Config.withDefault(Config.number("WARMPOOL_ECHO_FAILURE_RATE"), 0),
  command: Config.option(Config.string("WARMPOOL_PROVISIONER_COMMAND")),
  args: Config.withDefault(Config.array(Config.string(), "WARMPOOL_PROVISIONER_ARGS"), []),
  timeout: Config.withDefault(Settings.durationConfig("WARMPOOL_PROVISIONER_TIMEOUT"), Duration.minutes(10))
}).pipe(
  Config.mapOrFail((c): Either.Either<ProvisionerConfig, ConfigError.ConfigError> => {
    if (c.kind === "echo") {
      return c.failureRate >= 0 && c.failureRate <= 1
        ? Either.right({ _tag: "echo", delay: c.delay, failureRate: c.failureRate })
        : Either.left(ConfigError.InvalidData(["WARMPOOL_ECHO_FAILURE_RATE"], "must be between 0 and 1"))
    }
    return Option.match(c.command, {
      onNone: () =>
        Either.left(
          ConfigError.MissingData(["WARMPOOL_PROVISIONER_COMMAND"], "the command provisioner needs a command")
        ),
      onSome: (command) => Either.right({ _tag: "command", command, args: c.args, timeout: c.timeout })
    })
  })
)

/**
 * The configuration from `WARMPOOL_*` variables, with the defaults of issue 7.
 *
 * @since 0.1.0
 */
export const config: Config.Config<ServerConfigShape> = Config.all({
  db: Config.withDefault(Config.string("WARMPOOL_DB"), "./.warmpool/warmpool.db"),
  templates: Config.option(Config.string("WARMPOOL_TEMPLATES")),
  host: Config.withDefault(Config.string("WARMPOOL_HOST"), "0.0.0.0"),
  port: Config.withDefault(
    Config.integer("WARMPOOL_PORT").pipe(
      Config.validate({ message: "Expected a port between 0 and 65535 (0 picks a free one)", validation: isPort })
    ),
    8080
  ),
  token: Config.option(Config.redacted("WARMPOOL_TOKEN")),
  interval: Config.option(Settings.durationConfig("WARMPOOL_INTERVAL")),
  prebuilds: Settings.config,
  provisioner,
  maxBodyBytes: Config.withDefault(Config.integer("WARMPOOL_MAX_BODY_BYTES"), 16 * 1024 * 1024),
  renderTimeout: Config.withDefault(Settings.durationConfig("WARMPOOL_RENDER_TIMEOUT"), Duration.seconds(10)),
  renderCache: CacheSettings.config("WARMPOOL_RENDER_CACHE", 10_000, Settings.durationConfig),
  templateCache: CacheSettings.config("WARMPOOL_TEMPLATE_CACHE", 256, Settings.durationConfig),
  budgets: Budgets.config("WARMPOOL_BUDGET")
}).pipe(
  Config.map((c) => {
    const generated = Option.isNone(c.token)
    const interval = Settings.make({
      reconciliationInterval: Option.getOrElse(c.interval, () => c.prebuilds.reconciliationInterval)
    }).reconciliationInterval
    return {
      ...c,
      interval,
      prebuilds: { ...c.prebuilds, reconciliationInterval: interval },
      token: Option.getOrElse(c.token, () => Redacted.make(randomBytes(24).toString("base64url"))),
      tokenGenerated: generated
    }
  })
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<ServerConfig, ConfigError.ConfigError> = Layer.effect(
  ServerConfig,
  Effect.map(config, (c) => ServerConfig.of(c))
)

/**
 * A layer with explicit settings (tests).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (c: ServerConfigShape): Layer.Layer<ServerConfig> => Layer.succeed(ServerConfig, c)
