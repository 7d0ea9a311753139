/**
 * `warmpool serve [--db …] [--templates DIR] [--port P] [--token T] [--interval D]
 * [--provisioner echo|command] …`
 *
 * Flags override the `WARMPOOL_*` environment variables they name.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

const text = (name: string, env: string, description: string) =>
  Options.text(name).pipe(Options.withDescription(`${description} (env ${env})`), Options.optional)

/**
 * The flags, each mapped to its environment variable.
 *
 * @since 0.1.0
 */
export const serveFlags = {
  db: text("db", "WARMPOOL_DB", "A SQLite database file (default ./.warmpool/warmpool.db) or a postgres:// URL"),
  templates: text(
    "templates",
    "WARMPOOL_TEMPLATES",
    "Import every sub-directory as a template at start (new versions are activated when files changed)"
  ),
  host: text("host", "WARMPOOL_HOST", "The address to listen on (default 0.0.0.0)"),
  port: text("port", "WARMPOOL_PORT", "The port to listen on (default 8080; 0 picks a free one)"),
  token: text("token", "WARMPOOL_TOKEN", "The API bearer token (generated and printed once when absent)"),
  interval: text("interval", "WARMPOOL_INTERVAL", "Time between reconciliation cycles, e.g. 1m, 15s (default 1m)"),
  backoffInterval: text(
    "backoff-interval",
    "PREBUILDS_RECONCILIATION_BACKOFF_INTERVAL",
    "Added to a preset's backoff per failed build (default 1m)"
  ),
  hardLimit: text(
    "hard-limit",
    "PREBUILDS_FAILURE_HARD_LIMIT",
    "Consecutive failed builds that stop a preset until a new version; 0 disables (default 3)"
  ),
  provisioner: text("provisioner", "WARMPOOL_PROVISIONER", "echo (default: simulated builds) or command"),
  provisionerCommand: text(
    "provisioner-command",
    "WARMPOOL_PROVISIONER_COMMAND",
    "The executable the command provisioner runs with each job as JSON on stdin"
  ),
  provisionerTimeout: text(
    "provisioner-timeout",
    "WARMPOOL_PROVISIONER_TIMEOUT",
    "The command provisioner's timeout per job (default 10m)"
  ),
  provisionerWorkers: text(
    "provisioner-workers",
    "WARMPOOL_PROVISIONER_WORKERS",
    "Jobs this process runs at once; one preset takes at most all but one of them (default 2)"
  ),
  jobLease: text(
    "job-lease",
    "WARMPOOL_JOB_LEASE",
    "How long a job (and a SQLite file's writer lock) stays held without a heartbeat (default 30s)"
  ),
  jobHeartbeat: text(
    "job-heartbeat",
    "WARMPOOL_JOB_HEARTBEAT",
    "How often leases are renewed and expired jobs reaped; shorter than the lease (default 5s)"
  ),
  echoDelay: text("echo-delay", "WARMPOOL_ECHO_DELAY", "How long an echo build takes (default 5s)"),
  failRate: text("fail-rate", "WARMPOOL_ECHO_FAILURE_RATE", "Fraction of echo builds that fail, 0..1 (default 0)"),
  renderCacheTtl: text("render-cache-ttl", "WARMPOOL_RENDER_CACHE_TTL", "Render-cache idle TTL (default 1h)"),
  renderCacheCapacity: text(
    "render-cache-capacity",
    "WARMPOOL_RENDER_CACHE_CAPACITY",
    "Render-cache entries (default 10000)"
  ),
  templateCacheCapacity: text(
    "template-cache-capacity",
    "WARMPOOL_TEMPLATE_CACHE_CAPACITY",
    "Compiled template versions kept (default 256)"
  ),
  maxBodyBytes: text("max-body-bytes", "WARMPOOL_MAX_BODY_BYTES", "Largest accepted request body (default 16 MiB)"),
  renderTimeout: text("render-timeout", "WARMPOOL_RENDER_TIMEOUT", "Deadline of an API render (default 10s)")
}

const envNames: Record<keyof typeof serveFlags, string> = {
  db: "WARMPOOL_DB",
  templates: "WARMPOOL_TEMPLATES",
  host: "WARMPOOL_HOST",
  port: "WARMPOOL_PORT",
  token: "WARMPOOL_TOKEN",
  interval: "WARMPOOL_INTERVAL",
  backoffInterval: "PREBUILDS_RECONCILIATION_BACKOFF_INTERVAL",
  hardLimit: "PREBUILDS_FAILURE_HARD_LIMIT",
  provisioner: "WARMPOOL_PROVISIONER",
  provisionerCommand: "WARMPOOL_PROVISIONER_COMMAND",
  provisionerTimeout: "WARMPOOL_PROVISIONER_TIMEOUT",
  provisionerWorkers: "WARMPOOL_PROVISIONER_WORKERS",
  jobLease: "WARMPOOL_JOB_LEASE",
  jobHeartbeat: "WARMPOOL_JOB_HEARTBEAT",
  echoDelay: "WARMPOOL_ECHO_DELAY",
  failRate: "WARMPOOL_ECHO_FAILURE_RATE",
  renderCacheTtl: "WARMPOOL_RENDER_CACHE_TTL",
  renderCacheCapacity: "WARMPOOL_RENDER_CACHE_CAPACITY",
  templateCacheCapacity: "WARMPOOL_TEMPLATE_CACHE_CAPACITY",
  maxBodyBytes: "WARMPOOL_MAX_BODY_BYTES",
  renderTimeout: "WARMPOOL_RENDER_TIMEOUT"
}

/**
 * @since 0.1.0
 */
export const serveCommand = Command.make(
  "serve",
  serveFlags,
  (flags) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/serve.js")), (handler) => {
      const overrides = new Map<string, string>()
      for (const [key, env] of Object.entries(envNames)) {
        const value = flags[key as keyof typeof serveFlags]
        if (Option.isSome(value)) overrides.set(env, value.value)
      }
      return handler.run(overrides)
    })
).pipe(
  Command.withDescription(
    "Run the service: the HTTP API and web console, the reconciler and the provisioner, on the embedded SQLite store or PostgreSQL."
  )
)
