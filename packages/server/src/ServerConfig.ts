/**
 * The server's configuration: every setting `warmpool serve` knows, each defined once in
 * {@link settings} (name, type, default, one sentence). The CLI derives its flags from the same
 * record, the environment variables are `WARMPOOL_` + the name in constant case, and a config
 * file (`--config warmpool.json`) uses the names as keys. Precedence: flag > environment > file >
 * default. To add a setting: add one entry to {@link settings} and use its value in
 * {@link fromValues}; flag, variable, file key, `--help` and `--print-config` follow.
 *
 * @since 0.1.0
 */
import * as JobLeases from "@warmpool/prebuilds/JobLeases"
import * as PrebuildSettings from "@warmpool/prebuilds/Settings"
// Deep imports: the CLI's command line reads these settings, and must not load the renderer.
import * as CacheSettings from "@warmpool/render/CacheSettings"
import * as Budgets from "@warmpool/terraform/Budgets"
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
import { availableParallelism } from "node:os"
import * as Setting from "./Setting.js"

/**
 * `RenderWorkerPool.defaultSize()` (a test checks they agree), without loading the worker pool.
 */
const defaultRenderWorkers = (): number => Math.max(1, availableParallelism() - 1)

/**
 * The prefix of every environment variable (`WARMPOOL_PORT`), applied once, here.
 *
 * @since 0.1.0
 * @category constants
 */
export const envPrefix = "WARMPOOL"

/**
 * Every setting of `warmpool serve`, in the order `--help` and `--print-config` show them.
 *
 * @since 0.1.0
 * @category settings
 */
export const settings = {
  db: Setting.make("db", Setting.pathOrUrl, {
    default: "./.warmpool/warmpool.db",
    doc: "The store: a SQLite database file (embedded, one process) or a postgres:// URL (several replicas)."
  }),
  templates: Setting.optional("templates", Setting.path, {
    doc: "A directory whose sub-directories are imported as templates at start (changed files make a new version)."
  }),
  watch: Setting.make("watch", Setting.boolean, {
    default: false,
    doc:
      "Watch --templates: a changed template is imported as a new version once its files are quiet for --watch-debounce; a broken change keeps the active version."
  }),
  watchDebounce: Setting.make("watch-debounce", Setting.positiveDuration, {
    default: Duration.seconds(2),
    doc: "How long a watched template's files must be quiet before it is imported (with --watch)."
  }),
  host: Setting.make("host", Setting.host, {
    default: "127.0.0.1",
    doc: "The address to listen on; 0.0.0.0 exposes the service on every interface."
  }),
  port: Setting.make("port", Setting.integer({ min: 0, max: 65535 }), {
    default: 8080,
    doc: "The TCP port to listen on; 0 picks a free one."
  }),
  token: Setting.optional("token", Setting.secret, {
    doc: "The API bearer token; when absent one is generated for this run and shown in the login link."
  }),
  logFormat: Setting.make("log-format", Setting.choice("text", "json"), {
    default: "text" as "text" | "json",
    doc: "How logs are written: readable text, or one JSON object per line (level, message, fields, timestamp)."
  }),
  interval: Setting.make("interval", Setting.duration, {
    default: PrebuildSettings.defaults.reconciliationInterval,
    doc: "Time between reconciliation cycles (0 means the 5m fallback)."
  }),
  backoffInterval: Setting.make("backoff-interval", Setting.duration, {
    default: PrebuildSettings.defaults.backoffInterval,
    doc: "Added to a preset's backoff for every failed build in the lookback period."
  }),
  backoffLookback: Setting.make("backoff-lookback", Setting.duration, {
    default: PrebuildSettings.defaults.backoffLookback,
    doc: "How far back failed builds count towards the backoff."
  }),
  hardLimit: Setting.make("hard-limit", Setting.integer({ min: 0 }), {
    default: PrebuildSettings.defaults.failureHardLimit,
    doc: "Consecutive failed builds that stop a preset until a new template version; 0 disables the limit."
  }),
  quarantineThreshold: Setting.make("quarantine-threshold", Setting.integer({ min: 1 }), {
    default: 3,
    doc: "Renders of one template version that may exceed a budget or deadline before the version is quarantined."
  }),
  policies: Setting.optional("policies", Setting.path, {
    doc:
      "A JSON file of demand policies set at start: {\"template/preset\": {\"expression\": \"...\", \"min\": 0, \"max\": 20}}."
  }),
  provisioner: Setting.make("provisioner", Setting.choice("echo", "command"), {
    default: "echo" as "echo" | "command",
    doc: "Which provisioner runs the builds: echo (simulated) or command (runs --provisioner-command per job)."
  }),
  provisionerCommand: Setting.optional("provisioner-command", Setting.path, {
    doc: "The executable the command provisioner runs, with each job as JSON on its stdin."
  }),
  provisionerArgs: Setting.make("provisioner-args", Setting.list, {
    default: [] as ReadonlyArray<string>,
    doc: "Arguments of the provisioner command (repeat the flag; comma-separated in the environment)."
  }),
  provisionerTimeout: Setting.make("provisioner-timeout", Setting.positiveDuration, {
    default: Duration.minutes(10),
    doc: "How long one command-provisioner job may run before it is stopped and failed."
  }),
  provisionerKillGracePeriod: Setting.make("provisioner-kill-grace-period", Setting.duration, {
    default: Duration.seconds(5),
    doc: "Time between SIGTERM and SIGKILL when a provisioner command is stopped."
  }),
  provisionerMaxOutputBytes: Setting.make("provisioner-max-output-bytes", Setting.integer({ min: 1 }), {
    default: 16 * 1024,
    doc: "Bytes of a provisioner command's stdout and stderr kept per build."
  }),
  provisionerWorkers: Setting.make("provisioner-workers", Setting.integer({ min: 1 }), {
    default: 2,
    doc: "Jobs this process runs at once; one preset takes at most all but one of them."
  }),
  maxPendingJobs: Setting.optional("max-pending-jobs", Setting.integer({ min: 1 }), {
    doc:
      "The most prebuild jobs waiting for a provisioner; the reconciler creates no more beyond it (default: 2 x --provisioner-workers); claims are never capped."
  }),
  jobLease: Setting.make("job-lease", Setting.positiveDuration, {
    default: JobLeases.defaults.lease,
    doc: "How long a job (and a SQLite file's writer lock) stays held without a heartbeat."
  }),
  jobHeartbeat: Setting.make("job-heartbeat", Setting.positiveDuration, {
    default: JobLeases.defaults.heartbeat,
    doc: "How often leases are renewed and expired jobs reaped; shorter than --job-lease."
  }),
  maxJsonDepth: Setting.make("max-json-depth", Setting.integer({ min: 1 }), {
    default: 64,
    doc:
      "JSON bodies and uploaded .json files nesting arrays and objects deeper than this get 400, before they are parsed."
  }),
  maxJsonItems: Setting.make("max-json-items", Setting.integer({ min: 1 }), {
    default: 10_000,
    doc:
      "JSON bodies with an object of more keys, or an array of more elements, than this get 400, before they are parsed."
  }),
  uploadMaxFiles: Setting.make("upload-max-files", Setting.integer({ min: 1 }), {
    default: 10_000,
    doc: "The most files an uploaded template version may hold."
  }),
  uploadMaxFileBytes: Setting.make("upload-max-file-bytes", Setting.integer({ min: 1 }), {
    default: 4 * 1024 * 1024,
    doc: "The largest file an uploaded template version may hold, in bytes."
  }),
  uploadMaxTotalBytes: Setting.make("upload-max-total-bytes", Setting.integer({ min: 1 }), {
    default: 16 * 1024 * 1024,
    doc: "The most bytes an uploaded template version may hold in all its files."
  }),
  echoDelay: Setting.make("echo-delay", Setting.duration, {
    default: Duration.seconds(5),
    doc: "How long a build of the echo provisioner takes."
  }),
  echoFailureRate: Setting.make("echo-failure-rate", Setting.number({ min: 0, max: 1 }), {
    default: 0,
    doc: "The fraction of echo builds that fail, 0 to 1."
  }),
  maxBodyBytes: Setting.make("max-body-bytes", Setting.integer({ min: 1 }), {
    default: 16 * 1024 * 1024,
    doc: "The largest request body the API accepts; larger ones get 413."
  }),
  renderTimeout: Setting.make("render-timeout", Setting.positiveDuration, {
    default: Duration.seconds(10),
    doc: "The deadline of one API render, template loading included; later ones get 504."
  }),
  renderCacheTtl: Setting.make("render-cache-ttl", Setting.duration, {
    default: Duration.hours(1),
    doc: "How long a render stays cached without being used (every hit refreshes it)."
  }),
  renderCacheMaxAge: Setting.make("render-cache-max-age", Setting.duration, {
    default: Duration.hours(24),
    doc: "The oldest a cached render may get, however often it is used."
  }),
  renderCacheSweepInterval: Setting.make("render-cache-sweep-interval", Setting.positiveDuration, {
    default: Duration.minutes(15),
    doc: "How often idle and over-age renders are removed from the cache."
  }),
  renderCacheCapacity: Setting.make("render-cache-capacity", Setting.integer({ min: 1 }), {
    default: 10_000,
    doc: "The most renders the cache keeps; the least recently used go first."
  }),
  templateCacheTtl: Setting.make("template-cache-ttl", Setting.duration, {
    default: Duration.hours(1),
    doc: "How long a compiled template version stays cached without being used."
  }),
  templateCacheMaxAge: Setting.make("template-cache-max-age", Setting.duration, {
    default: Duration.hours(24),
    doc: "The oldest a compiled template version may get in the cache."
  }),
  importTimeout: Setting.optional("import-timeout", Setting.positiveDuration, {
    doc: "The deadline of a template import's compile, render and preset validation (default: --render-timeout)."
  }),
  renderWorkers: Setting.make("render-workers", Setting.integer({ min: 0 }), {
    default: defaultRenderWorkers(),
    doc: "Render worker threads (default: available cores - 1, at least 1); 0 renders on the serving thread."
  }),
  renderWorkerHeapMb: Setting.make("render-worker-heap-mb", Setting.integer({ min: 16 }), {
    default: 512,
    doc: "The heap limit of one render worker, in MiB; a render that needs more fails, the server lives on."
  }),
  renderCacheMaxBytes: Setting.make("render-cache-max-bytes", Setting.integer({ min: 1 }), {
    default: CacheSettings.defaultMaxBytes,
    doc: "The render cache's budget in bytes of serialised renders; least recently used renders go first."
  }),
  templateCacheSweepInterval: Setting.make("template-cache-sweep-interval", Setting.positiveDuration, {
    default: Duration.minutes(15),
    doc: "How often idle and over-age template versions are removed from the cache."
  }),
  templateCacheCapacity: Setting.make("template-cache-capacity", Setting.integer({ min: 1 }), {
    default: 256,
    doc: "The most compiled template versions the cache keeps."
  }),
  templateCacheMaxBytes: Setting.make("template-cache-max-bytes", Setting.integer({ min: 1 }), {
    default: CacheSettings.defaultTemplateMaxBytes,
    doc:
      "The template cache's budget in estimated bytes of compiled templates; least recently used go first. Each render worker keeps at most this and a quarter of its heap."
  }),
  budgetMaxInstances: Setting.make("budget-max-instances", Setting.integer({ min: 1 }), {
    default: Budgets.defaults.maxInstances,
    doc: "The most instances one count or for_each may expand to (blocks, modules, dynamic blocks)."
  }),
  budgetMaxCollectionElements: Setting.make("budget-max-collection-elements", Setting.integer({ min: 1 }), {
    default: Budgets.defaults.maxCollectionElements,
    doc: "The most elements one collection value may have during a render."
  }),
  budgetMaxStringBytes: Setting.make("budget-max-string-bytes", Setting.integer({ min: 1 }), {
    default: Budgets.defaults.maxStringBytes,
    doc: "The longest string a render may build, in UTF-16 code units."
  }),
  budgetMaxSteps: Setting.make("budget-max-steps", Setting.integer({ min: 1 }), {
    default: Budgets.defaults.maxSteps,
    doc: "The most evaluation steps (expression nodes, iterations, call costs) one render may take."
  }),
  budgetMaxFileBytes: Setting.make("budget-max-file-bytes", Setting.integer({ min: 1 }), {
    default: Budgets.defaults.maxFileBytes,
    doc: "The largest configuration file (.tf, .tf.json) a template may have, in bytes."
  }),
  budgetMaxTotalFileBytes: Setting.make("budget-max-total-file-bytes", Setting.integer({ min: 1 }), {
    default: Budgets.defaults.maxTotalFileBytes,
    doc: "The most bytes all files of a template version may have together."
  }),
  budgetMaxTfvarsBytes: Setting.make("budget-max-tfvars-bytes", Setting.integer({ min: 1 }), {
    default: Budgets.defaults.maxTfvarsBytes,
    doc: "The most bytes a template's variable files (*.tfvars, *.tfvars.json) may have together."
  }),
  budgetMaxNestingDepth: Setting.make("budget-max-nesting-depth", Setting.integer({ min: 1 }), {
    default: Budgets.defaults.maxNestingDepth,
    doc: "The deepest nesting of expressions and JSON documents in a template or its inputs."
  }),
  otlpEndpoint: Setting.optional("otlp-endpoint", Setting.string, {
    doc:
      "An OpenTelemetry collector's OTLP/HTTP traces URL (e.g. http://127.0.0.1:4318/v1/traces); unset, no spans are exported."
  })
}

/**
 * The settings record's type.
 *
 * @since 0.1.0
 * @category settings
 */
export type Settings = typeof settings

/**
 * Every setting's value, as read.
 *
 * @since 0.1.0
 * @category settings
 */
export type Values = { readonly [K in keyof Settings]: Setting.Value<Settings[K]> }

/**
 * The names of the evaluation budget settings.
 *
 * @since 0.1.0
 * @category settings
 */
export type BudgetSetting =
  | "budgetMaxInstances"
  | "budgetMaxCollectionElements"
  | "budgetMaxStringBytes"
  | "budgetMaxSteps"
  | "budgetMaxFileBytes"
  | "budgetMaxTotalFileBytes"
  | "budgetMaxTfvarsBytes"
  | "budgetMaxNestingDepth"

/**
 * The evaluation budgets from the `budget-*` settings' values (`serve` and `render` share them).
 *
 * @since 0.1.0
 * @category settings
 */
export const budgetsOf = (v: Pick<Values, BudgetSetting>): Budgets.Budgets => ({
  maxInstances: v.budgetMaxInstances,
  maxCollectionElements: v.budgetMaxCollectionElements,
  maxStringBytes: v.budgetMaxStringBytes,
  maxSteps: v.budgetMaxSteps,
  maxFileBytes: v.budgetMaxFileBytes,
  maxTotalFileBytes: v.budgetMaxTotalFileBytes,
  maxTfvarsBytes: v.budgetMaxTfvarsBytes,
  maxNestingDepth: v.budgetMaxNestingDepth
})

/**
 * Which provisioner runs the jobs.
 *
 * @since 0.1.0
 * @category models
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
    readonly killGracePeriod: Duration.Duration
    readonly maxOutputBytes: number
  }

/**
 * The operations of the `ServerConfig` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServerConfigShape {
  /** A SQLite file path (the embedded default) or a `postgres://` URL. */
  readonly db: string
  /** Import every sub-directory as a template at start. */
  readonly templates: Option.Option<string>
  /** Watch {@link templates} and import changed templates as new versions (issue 16). */
  readonly watch: boolean
  /** The quiet time after which a watched template's changes are imported (`WARMPOOL_WATCH_DEBOUNCE`). */
  readonly watchDebounce: Duration.Duration
  readonly host: string
  readonly port: number
  readonly token: Redacted.Redacted<string>
  /** Whether the token was generated (then it is printed once at start, in the login link). */
  readonly tokenGenerated: boolean
  readonly logFormat: "text" | "json"
  readonly interval: Duration.Duration
  /** Backoff, lookback and hard limit; `reconciliationInterval` equals {@link interval}. */
  readonly prebuilds: PrebuildSettings.Settings
  readonly provisioner: ProvisionerConfig
  /** Provisioner workers, i.e. jobs run at once by this process (`WARMPOOL_PROVISIONER_WORKERS`). */
  readonly provisionerWorkers: number
  /**
   * The most prebuild jobs waiting for a provisioner before the reconciler stops creating
   * (default 2 × {@link provisionerWorkers}; claims are never capped).
   */
  readonly maxPendingJobs: number
  /**
   * Job leases (`WARMPOOL_JOB_LEASE`, default 30s; `WARMPOOL_JOB_HEARTBEAT`, default 5s, shorter
   * than the lease). The same lease is the SQLite file's writer lock; the heartbeat is also the
   * reaper's interval.
   */
  readonly leases: JobLeases.LeaseSettings
  /** Request bodies larger than this get 413. */
  readonly maxBodyBytes: number
  /** JSON bodies nesting arrays and objects deeper than this get 400 (before they are parsed). */
  readonly maxJsonDepth: number
  /** JSON bodies with an object of more keys, or an array of more elements, than this get 400. */
  readonly maxJsonItems: number
  /** Bounds on an uploaded template version (file count, bytes per file, bytes in total). */
  readonly upload: {
    readonly maxFiles: number
    readonly maxFileBytes: number
    readonly maxTotalBytes: number
  }
  /**
   * Renders (including template loading) that take longer get 504; the render worker running one
   * is terminated and replaced.
   */
  readonly renderTimeout: Duration.Duration
  /** Deadline of a template import's compile, render and preset validation (default: `renderTimeout`). */
  readonly importTimeout: Duration.Duration
  /** Render worker threads (default: available cores − 1, at least 1); 0 renders in process. */
  readonly renderWorkers: number
  /** Heap limit of a render worker in MiB (default 512). */
  readonly renderWorkerHeapMb: number
  readonly renderCache: CacheSettings.CacheSettings
  readonly templateCache: CacheSettings.CacheSettings
  /** Evaluation budgets (`--budget-max-steps`, `WARMPOOL_BUDGET_MAX_STEPS`, ...). */
  readonly budgets: Budgets.Budgets
  /** Where the services' spans are exported (OTLP over HTTP); `None`: nowhere. */
  readonly otlpEndpoint: Option.Option<string>
  /** A JSON file of demand policies set in the store at start (issue 16). */
  readonly policies: Option.Option<string>
}

/**
 * The `ServerConfig` service tag; its operations are {@link ServerConfigShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class ServerConfig extends Context.Tag("@warmpool/server/ServerConfig")<ServerConfig, ServerConfigShape>() {}

/**
 * Whether a `--db` value names PostgreSQL.
 *
 * @since 0.1.0
 * @category guards
 */
export const isPostgres = (db: string): boolean => /^postgres(ql)?:\/\//.test(db)

/**
 * The configuration from the settings' values; fails when the command provisioner has no command.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromValues = (v: Values): Either.Either<ServerConfigShape, Setting.SettingError> => {
  let provisioner: ProvisionerConfig
  if (v.provisioner === "command") {
    if (Option.isNone(v.provisionerCommand)) {
      return Either.left(
        new Setting.SettingError({
          setting: "provisioner-command",
          origin: "",
          problem: "the command provisioner needs a command (--provisioner-command or WARMPOOL_PROVISIONER_COMMAND)"
        })
      )
    }
    provisioner = {
      _tag: "command",
      command: v.provisionerCommand.value,
      args: v.provisionerArgs,
      timeout: v.provisionerTimeout,
      killGracePeriod: v.provisionerKillGracePeriod,
      maxOutputBytes: v.provisionerMaxOutputBytes
    }
  } else {
    provisioner = { _tag: "echo", delay: v.echoDelay, failureRate: v.echoFailureRate }
  }
  if (!Duration.lessThan(v.jobHeartbeat, v.jobLease)) {
    return Either.left(
      new Setting.SettingError({
        setting: "job-heartbeat",
        origin: "",
        problem: "the job heartbeat must be shorter than the job lease (--job-lease)"
      })
    )
  }
  const prebuilds = PrebuildSettings.make({
    reconciliationInterval: v.interval,
    backoffInterval: v.backoffInterval,
    backoffLookback: v.backoffLookback,
    failureHardLimit: v.hardLimit,
    quarantineThreshold: v.quarantineThreshold
  })
  return Either.right({
    db: v.db,
    templates: v.templates,
    watch: v.watch,
    watchDebounce: v.watchDebounce,
    host: v.host,
    port: v.port,
    token: Option.getOrElse(v.token, () => Redacted.make(randomBytes(24).toString("base64url"))),
    tokenGenerated: Option.isNone(v.token),
    logFormat: v.logFormat,
    interval: prebuilds.reconciliationInterval,
    prebuilds,
    provisioner,
    provisionerWorkers: v.provisionerWorkers,
    maxPendingJobs: Option.getOrElse(v.maxPendingJobs, () => 2 * v.provisionerWorkers),
    leases: { lease: v.jobLease, heartbeat: v.jobHeartbeat },
    maxBodyBytes: v.maxBodyBytes,
    maxJsonDepth: v.maxJsonDepth,
    maxJsonItems: v.maxJsonItems,
    upload: { maxFiles: v.uploadMaxFiles, maxFileBytes: v.uploadMaxFileBytes, maxTotalBytes: v.uploadMaxTotalBytes },
    renderTimeout: v.renderTimeout,
    importTimeout: Option.getOrElse(v.importTimeout, () => v.renderTimeout),
    renderWorkers: v.renderWorkers,
    renderWorkerHeapMb: v.renderWorkerHeapMb,
    renderCache: {
      ttl: v.renderCacheTtl,
      maxAge: v.renderCacheMaxAge,
      sweepInterval: v.renderCacheSweepInterval,
      capacity: v.renderCacheCapacity,
      maxBytes: v.renderCacheMaxBytes
    },
    templateCache: {
      ttl: v.templateCacheTtl,
      maxAge: v.templateCacheMaxAge,
      sweepInterval: v.templateCacheSweepInterval,
      capacity: v.templateCacheCapacity,
      maxBytes: v.templateCacheMaxBytes
    },
    budgets: budgetsOf(v),
    otlpEndpoint: v.otlpEndpoint,
    policies: v.policies
  })
}

/**
 * The configuration from `WARMPOOL_*` variables only (through the current `ConfigProvider`).
 *
 * @since 0.1.0
 * @category constants
 */
export const config: Config.Config<ServerConfigShape> = Setting.config(settings, envPrefix).pipe(
  Config.mapOrFail((values) =>
    Either.mapLeft(fromValues(values), (e) => ConfigError.InvalidData([envPrefix, Setting.keyOf(e.setting)], e.problem))
  )
)

/**
 * A loaded configuration with where each value came from (for `--print-config`).
 *
 * @since 0.1.0
 * @category models
 */
export interface Loaded {
  readonly config: ServerConfigShape
  readonly values: Values
  readonly sources: { readonly [K in keyof Settings]: Setting.Source }
}

/**
 * Reads the configuration from flags, `WARMPOOL_*` variables and a config file's JSON, in that
 * order of precedence.
 *
 * @since 0.1.0
 * @category utils
 */
export const load = (inputs: Setting.Inputs): Effect.Effect<Loaded, Setting.SettingError> =>
  Effect.flatMap(Setting.load(settings, inputs, envPrefix), (loaded) =>
    Either.match(fromValues(loaded.values), {
      onLeft: Effect.fail,
      onRight: (config) => Effect.succeed({ config, values: loaded.values, sources: loaded.sources })
    }))

/**
 * The effective configuration as text, one setting a line (`name  value  (source)`), secrets and
 * database passwords redacted.
 *
 * @since 0.1.0
 * @category utils
 */
export const describe = (loaded: Loaded): string => {
  const entries = (Object.keys(settings) as Array<keyof Settings>).map((field) => {
    const setting: Setting.Any = settings[field]
    return [setting.name, setting.show(loaded.values[field]), loaded.sources[field]] as const
  })
  const nameWidth = Math.max(...entries.map(([name]) => name.length))
  const valueWidth = Math.max(...entries.map(([, value]) => value.length))
  return entries
    .map(([name, value, source]) => `${name.padEnd(nameWidth)}  ${value.padEnd(valueWidth)}  (${source})`)
    .join("\n")
}

/**
 * The configuration from `WARMPOOL_*` variables.
 *
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
