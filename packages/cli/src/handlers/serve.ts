/**
 * `warmpool serve`: the service, until SIGINT / SIGTERM. Reads the configuration (flags >
 * `WARMPOOL_*` > `--config` file > defaults), prints it with `--print-config`, checks what an
 * operator gets wrong most (a missing templates directory, a busy port) with one-line messages,
 * and prints a banner with the real bind address and a login link.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as FileSystem from "@effect/platform/FileSystem"
import * as HttpServer from "@effect/platform/HttpServer"
import { Metrics } from "@warmpool/metrics"
import { type DemandPolicy, Reconciler, ReconcilerMetrics, Store, TemplateImport } from "@warmpool/prebuilds"
import {
  App,
  HttpServer as WarmpoolHttpServer,
  Readiness,
  ServerConfig,
  Setting,
  TemplateWatcher,
  Tracing
} from "@warmpool/server"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { exitCode } from "../internal/keyValue.js"
import * as DemandFiles from "./demandFiles.js"
import { layerLogger } from "./logFormat.js"

export interface ServeArgs {
  readonly configFile: string | undefined
  readonly printConfig: boolean
  readonly flags: Readonly<Record<string, Setting.Raw | undefined>>
}

/** A problem the operator can fix; `code` is the exit status (2: invalid settings, 1: cannot start). */
class ServeProblem extends Data.TaggedError("ServeProblem")<{ readonly message: string; readonly code: number }> {}

const importTemplates = (root: string) =>
  Effect.gen(function*() {
    const importer = yield* TemplateImport.TemplateImport
    const results = yield* importer.importDirectory(root)
    for (const entry of results) {
      if (Either.isLeft(entry.result)) {
        yield* Effect.logWarning(`template ${entry.name}: not imported: ${entry.result.left.message}`)
        continue
      }
      const r = entry.result.right
      const presets = r.presets.map((p) =>
        `${p.name} (${p.desiredInstances ?? 0} prebuild${p.desiredInstances === 1 ? "" : "s"}${
          p.status === "healthy" ? "" : `, ${p.status}`
        })`
      )
      yield* Effect.logInfo(
        `template ${r.templateName}: ${r.reused ? "unchanged" : "imported"} version ${r.templateVersionId}${
          r.active ? " (active)" : ""
        }; presets: ${presets.join(", ") || "none"}`
      )
      for (const p of r.presets) {
        for (const d of p.diagnostics.filter((d) => d.severity === "error")) {
          yield* Effect.logWarning(`  preset ${p.name}: ${d.summary}: ${d.detail}`)
        }
      }
    }
    return results.length
  })

const everyInterface = (host: string) => host === "0.0.0.0" || host === "::" || host === ""

/** A supplied token shown with all but its first two characters masked. */
export const maskToken = (token: string): string =>
  token.length <= 4 ? "*".repeat(token.length) : `${token.slice(0, 2)}${"*".repeat(Math.min(token.length - 2, 10))}`

/** What the banner tells, also logged as one JSON entry with `--log-format json`. */
export interface BannerFacts {
  readonly bind: string
  readonly url: string
  readonly login: string
  readonly token: string
  readonly database: string
  readonly templates: string | undefined
  readonly reconciler: string
  readonly workers: string
}

export const bannerFacts = (
  config: ServerConfig.ServerConfigShape,
  host: string,
  port: number,
  imported: number | undefined
): BannerFacts => {
  const bind = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`
  const url = everyInterface(host) ? `http://127.0.0.1:${port}` : `http://${bind}`
  const token = Redacted.value(config.token)
  const provisioner = config.provisioner._tag === "echo"
    ? `echo (${Setting.formatDuration(config.provisioner.delay)} per build${
      config.provisioner.failureRate > 0 ? `, ${config.provisioner.failureRate * 100}% failing` : ""
    })`
    : `command ${config.provisioner.command}`
  return {
    bind,
    url,
    login: config.tokenGenerated ? `${url}/#token=${encodeURIComponent(token)}` : `${url}/`,
    token: config.tokenGenerated
      ? "generated for this run (in the login link); pass --token or WARMPOOL_TOKEN to fix it"
      : `${maskToken(token)} (supplied)`,
    database: `${Setting.pathOrUrl.show(config.db)} (${ServerConfig.isPostgres(config.db) ? "PostgreSQL" : "SQLite"})`,
    templates: Option.isSome(config.templates)
      ? `${config.templates.value} (${imported ?? 0} imported)`
      : undefined,
    reconciler: `every ${Setting.formatDuration(config.interval)}, provisioner ${provisioner}`,
    workers: `${config.provisionerWorkers}, job lease ${Setting.formatDuration(config.leases.lease)} (heartbeat ${
      Setting.formatDuration(config.leases.heartbeat)
    })`
  }
}

export const banner = (facts: BannerFacts, host: string): string =>
  [
    "",
    `  warmpool 0.1.0 is serving on http://${facts.bind}${
      everyInterface(host) ? "   (every interface: reachable from other machines)" : ""
    }`,
    "",
    `  log in        ${facts.login}`,
    `  API           ${facts.url}/api/v1   (OpenAPI: ${facts.url}/openapi.json)`,
    `  metrics       ${facts.url}/metrics`,
    `  API token     ${facts.token}`,
    `  database      ${facts.database}`,
    ...(facts.templates === undefined ? [] : [`  templates     ${facts.templates}`]),
    `  reconciler    ${facts.reconciler}`,
    `  workers       ${facts.workers}`,
    "",
    "  Ctrl-C stops it gracefully.",
    ""
  ].join("\n")

const readConfigFile = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* Effect.mapError(
      fs.readFileString(file),
      () => new ServeProblem({ message: `--config: cannot read ${file}`, code: 2 })
    )
    return yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) =>
        new ServeProblem({
          message: `--config: ${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`,
          code: 2
        })
    })
  })

/** Sets the `--policies` in the store (they replace the presets' stored policies). */
const setPolicies = (policies: ReadonlyArray<DemandPolicy.PolicyEntry>) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const now = yield* DateTime.now
    for (const entry of policies) {
      yield* store.setPolicy(entry.templateName, entry.presetName, entry.policy, now)
      yield* Effect.logInfo(
        `demand policy of ${entry.templateName}/${entry.presetName}: ${entry.policy.expression} in [${entry.policy.min}, ${entry.policy.max}]`
      )
    }
  })

const checkTemplatesDirectory = (dir: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const info = yield* Effect.either(fs.stat(dir))
    if (Either.isLeft(info)) {
      return yield* new ServeProblem({ message: `--templates: the directory ${dir} does not exist`, code: 1 })
    }
    if (info.right.type !== "Directory") {
      return yield* new ServeProblem({ message: `--templates: ${dir} is not a directory`, code: 1 })
    }
  })

const errorCode = (error: unknown): string | undefined => {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === "object" && depth < 5; depth++) {
    if ("code" in e && typeof e.code === "string") return e.code
    e = (e as { cause?: unknown }).cause
  }
  return undefined
}

/** The start-up failure as one line an operator can act on. */
const startFailure = (config: ServerConfig.ServerConfigShape) => (error: { readonly message: string }) => {
  const address = `${config.host}:${config.port}`
  switch (errorCode(error)) {
    case "EADDRINUSE":
      return new ServeProblem({
        message:
          `cannot listen on ${address}: the port is already in use (another warmpool?); choose another with --port`,
        code: 1
      })
    case "EACCES":
      return new ServeProblem({
        message:
          `cannot listen on ${address}: permission denied (ports below 1024 need privileges); choose another with --port`,
        code: 1
      })
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
      return new ServeProblem({
        message: `cannot listen on ${address}: no such address on this machine; check --host`,
        code: 1
      })
    default:
      return new ServeProblem({ message: error.message === "" ? String(error) : error.message, code: 1 })
  }
}

const serve = (config: ServerConfig.ServerConfigShape) =>
  Effect.gen(function*() {
    if (Option.isSome(config.templates)) yield* checkTemplatesDirectory(config.templates.value)
    if (config.watch && Option.isNone(config.templates)) {
      return yield* new ServeProblem({ message: "--watch needs --templates (the directory to watch)", code: 2 })
    }
    // Demand policies (issue 16) are validated before anything starts, and set after the import.
    const policies = Option.isSome(config.policies)
      ? yield* Effect.mapError(
        DemandFiles.readPolicies(config.policies.value),
        (message) => new ServeProblem({ message, code: 2 })
      )
      : []
    const program = Effect.gen(function*() {
      const imported = Option.isSome(config.templates) ? yield* importTemplates(config.templates.value) : undefined
      yield* setPolicies(policies)
      // The metrics refresh ran once when the reconciler started, before the import: publish the
      // imported presets now rather than after the first refresh interval.
      if (imported !== undefined && imported > 0) {
        yield* ReconcilerMetrics.refresh(yield* Reconciler.Reconciler, yield* Store.Store, yield* Metrics.Metrics)
      }
      // The start-up cycle (issue 17): after a restart the pools refill at once (jobs a crashed
      // process left were reaped when the provisioner started), and /readyz turns ready only
      // once the import and this cycle have run. Later cycles keep the interval's rhythm.
      yield* (yield* Reconciler.Reconciler).reconcileOnce.pipe(
        Effect.catchAllCause((cause) =>
          Effect.logWarning("the start-up reconciliation cycle failed").pipe(
            Effect.annotateLogs({ cause: Cause.pretty(cause) })
          )
        )
      )
      // `--watch` (issue 16): changed templates are imported as new versions from now on.
      if (config.watch && Option.isSome(config.templates)) {
        const reconciler = yield* Reconciler.Reconciler
        const store = yield* Store.Store
        const metrics = yield* Metrics.Metrics
        yield* Layer.build(TemplateWatcher.layer({
          root: config.templates.value,
          debounce: config.watchDebounce,
          afterImport: ReconcilerMetrics.refresh(reconciler, store, metrics)
        }))
      }
      yield* (yield* Readiness.Readiness).markReady
      const server = yield* HttpServer.HttpServer
      const address = server.address
      const host = address._tag === "TcpAddress" ? address.hostname : config.host
      const port = address._tag === "TcpAddress" ? address.port : config.port
      const facts = bannerFacts(config, host, port, imported)
      if (config.logFormat === "json") {
        yield* Effect.logInfo(`warmpool 0.1.0 is serving on http://${facts.bind}`).pipe(
          Effect.annotateLogs({ ...facts })
        )
      } else {
        yield* Console.log(banner(facts, host))
      }
      return yield* Effect.never
    }).pipe(
      Effect.onInterrupt(() => Effect.logInfo("stopping: finishing in-flight work, closing the store"))
    )
    const layers = WarmpoolHttpServer.layer.pipe(
      Layer.provideMerge(App.layer(config)),
      Layer.provideMerge(ServerConfig.layerWith(config)),
      Layer.provideMerge(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer)),
      // built first: the services and request fibers built after it export their spans
      Layer.provide(Tracing.layer({ endpoint: config.otlpEndpoint }))
    )
    const context = yield* Effect.mapError(Layer.build(layers), startFailure(config))
    return yield* Effect.provide(program, context)
    // "stopped" is logged once every layer (provisioner, reconciler, store) has been closed.
  }).pipe(
    Effect.scoped,
    Effect.onInterrupt(() => Effect.logInfo("stopped")),
    Effect.provide(layerLogger(config.logFormat))
  )

export const run = (args: ServeArgs) =>
  Effect.gen(function*() {
    const file = args.configFile === undefined ? undefined : yield* readConfigFile(args.configFile)
    const loaded = yield* ServerConfig.load({ flags: args.flags, file, fileName: args.configFile }).pipe(
      Effect.mapError((e) => new ServeProblem({ message: e.message, code: 2 }))
    )
    if (args.printConfig) return yield* Console.log(ServerConfig.describe(loaded))
    return yield* serve(loaded.config)
  }).pipe(
    Effect.catchTag("ServeProblem", (problem) =>
      Effect.zipRight(Console.error(`warmpool serve: ${problem.message}`), exitCode(problem.code))),
    Effect.catchAll((error) =>
      Effect.zipRight(
        Console.error(`warmpool serve: ${"message" in error && error.message !== "" ? error.message : String(error)}`),
        exitCode(1)
      )
    ),
    Effect.provide(NodeFileSystem.layer)
  )
