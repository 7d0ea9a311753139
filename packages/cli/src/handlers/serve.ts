/**
 * `warmpool serve`: the service, until SIGINT / SIGTERM.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as HttpServer from "@effect/platform/HttpServer"
import { Metrics } from "@warmpool/metrics"
import { Reconciler, ReconcilerMetrics, Store, TemplateImport } from "@warmpool/prebuilds"
import { App, HttpServer as WarmpoolHttpServer, Readiness, ServerConfig } from "@warmpool/server"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { exitCode } from "../internal/keyValue.js"
import { compactLogger } from "./compactLogger.js"

const redactUrl = (db: string) => db.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@")

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

const banner = (config: ServerConfig.ServerConfigShape, port: number, imported: number | undefined) => {
  const base = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${port}`
  const provisioner = config.provisioner._tag === "echo"
    ? `echo (${Duration.format(config.provisioner.delay)} per build${
      config.provisioner.failureRate > 0 ? `, ${config.provisioner.failureRate * 100}% failing` : ""
    })`
    : `command ${config.provisioner.command}`
  return [
    "",
    `  warmpool 0.1.0 is serving on ${base}`,
    "",
    `  web console   ${base}/`,
    `  API           ${base}/api/v1   (OpenAPI: ${base}/openapi.json)`,
    `  metrics       ${base}/metrics`,
    `  API token     ${Redacted.value(config.token)}${
      config.tokenGenerated ? "   (generated for this run: pass --token or WARMPOOL_TOKEN to fix it)" : ""
    }`,
    `  database      ${redactUrl(config.db)} (${ServerConfig.isPostgres(config.db) ? "PostgreSQL" : "SQLite"})`,
    ...(Option.isSome(config.templates)
      ? [`  templates     ${config.templates.value} (${imported ?? 0} imported)`]
      : []),
    `  reconciler    every ${Duration.format(config.interval)}, provisioner ${provisioner}`,
    `  workers       ${config.provisionerWorkers}, job lease ${Duration.format(config.leases.lease)} (heartbeat ${
      Duration.format(config.leases.heartbeat)
    })`,
    "",
    "  Ctrl-C stops it gracefully.",
    ""
  ].join("\n")
}

export const run = (overrides: ReadonlyMap<string, string>) =>
  Effect.gen(function*() {
    const provider = ConfigProvider.orElse(ConfigProvider.fromMap(new Map(overrides)), () => ConfigProvider.fromEnv())
    const config = yield* Effect.withConfigProvider(ServerConfig.config, provider)
    const program = Effect.gen(function*() {
      const imported = Option.isSome(config.templates) ? yield* importTemplates(config.templates.value) : undefined
      // The metrics refresh ran once when the reconciler started, before the import: publish the
      // imported presets now rather than after the first refresh interval (60 s).
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
      yield* (yield* Readiness.Readiness).markReady
      const server = yield* HttpServer.HttpServer
      const port = server.address._tag === "TcpAddress" ? server.address.port : config.port
      yield* Console.log(banner(config, port, imported))
      return yield* Effect.never
    }).pipe(
      Effect.onInterrupt(() => Effect.logInfo("stopping: finishing in-flight work, closing the store"))
    )
    const layers = WarmpoolHttpServer.layer.pipe(
      Layer.provideMerge(App.layer(config)),
      Layer.provideMerge(ServerConfig.layerWith(config)),
      Layer.provideMerge(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer))
    )
    // "stopped" is logged once every layer (provisioner, reconciler, store) has been closed.
    yield* Effect.scoped(Layer.build(layers).pipe(Effect.flatMap((context) => Effect.provide(program, context)))).pipe(
      Effect.onInterrupt(() => Effect.logInfo("stopped"))
    )
  }).pipe(
    Effect.provide(Logger.replace(Logger.defaultLogger, compactLogger)),
    Effect.catchAll((error) =>
      Effect.zipRight(
        Console.error(`warmpool serve: ${"message" in error ? error.message : String(error)}`),
        exitCode(1)
      )
    )
  )
