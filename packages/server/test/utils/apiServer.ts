/**
 * The real application in process, for tests of the HTTP API and of the web console: every
 * service `warmpool serve` runs (`App.layer`) on a SQLite file in a fresh temporary directory,
 * served by `HttpServer.layerServe` (guards, API, `/openapi.json`, console files) on
 * `NodeHttpServer.layerTest` (a free port of 127.0.0.1, and an `HttpClient` pointed at it), with
 * a `WarmpoolClient` carrying the token. Renders run in process (`--render-workers 0`: the
 * worker pool loads the built worker script, which the sources under test are not).
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpServer from "@effect/platform/HttpServer"
import { WarmpoolClient } from "@warmpool/client"
import type { Metrics } from "@warmpool/metrics"
import { Reconciler, type Store, TemplateImport } from "@warmpool/prebuilds"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as App from "../../src/App.js"
import * as WarmpoolHttpServer from "../../src/HttpServer.js"
import * as Readiness from "../../src/Readiness.js"
import * as ServerConfig from "../../src/ServerConfig.js"

/**
 * @since 0.1.0
 */
export interface Options {
  /** `warmpool serve` flags (by setting name, e.g. `{ "hard-limit": "1" }`) over the test defaults. */
  readonly flags?: Readonly<Record<string, string>> | undefined
  /** Sub-directories imported as templates before the start-up cycle (as `--templates` does). */
  readonly templates?: string | undefined
  /** The built web console served at `/` (default: the server's `dist/web`). */
  readonly webDirectory?: string | undefined
  /** The least severe log level written (default: errors only). */
  readonly logLevel?: LogLevel.LogLevel | undefined
}

/** The token of {@link layer}'s server unless `flags.token` sets another. */
export const token = "test-token"

/**
 * What the tests get: the services, the configuration, the HTTP server and a client to it.
 */
export type Services =
  | App.Services
  | Store.Store
  | Metrics.Metrics
  | ServerConfig.ServerConfig
  | HttpServer.HttpServer
  | HttpClient.HttpClient
  | WarmpoolClient.WarmpoolClient

/** The directory of the SQLite file, removed when the layer's scope closes. */
const tempDirectory = Effect.acquireRelease(
  Effect.sync(() => fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-api-"))),
  (dir) => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true }))
)

/** Imports the templates, runs the start-up cycle and marks the server ready, as `serve` does. */
const startUp = (templates: string | undefined) =>
  Effect.gen(function*() {
    if (templates !== undefined) {
      const results = yield* (yield* TemplateImport.TemplateImport).importDirectory(templates)
      for (const entry of results) {
        if (Either.isLeft(entry.result)) {
          return yield* Effect.dieMessage(`template ${entry.name}: ${entry.result.left.message}`)
        }
      }
    }
    yield* Effect.orDie((yield* Reconciler.Reconciler).reconcileOnce)
    yield* (yield* Readiness.Readiness).markReady
  })

/**
 * The application served in process.
 *
 * @since 0.1.0
 */
export const layer = (options: Options = {}): Layer.Layer<Services, unknown> =>
  Layer.unwrapScoped(Effect.gen(function*() {
    const dir = yield* tempDirectory
    const { config } = yield* ServerConfig.load({
      flags: {
        db: path.join(dir, "warmpool.db"),
        token,
        interval: "1h",
        "echo-delay": "0s",
        "render-workers": "0",
        ...options.flags
      }
    })
    const app = WarmpoolHttpServer.layerServe({
      ...WarmpoolHttpServer.guardOptions(config),
      webDirectory: options.webDirectory
    }).pipe(
      Layer.provideMerge(Layer.effectDiscard(startUp(options.templates))),
      Layer.provideMerge(App.layer(config)),
      Layer.provideMerge(ServerConfig.layerWith(config)),
      Layer.provideMerge(NodeHttpServer.layerTest)
    )
    return WarmpoolClient.layer({ token: config.token }).pipe(
      Layer.provideMerge(app),
      // Only errors reach the test output (cycle lines and warnings are the tests' own subject).
      Layer.provide(Logger.minimumLogLevel(options.logLevel ?? LogLevel.Error))
    )
  }))
