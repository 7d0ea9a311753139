/**
 * The application layer: every service `warmpool serve` runs, composed from the configuration —
 * the store (SQLite or PostgreSQL), metrics, the template and render caches, the renderer, the
 * workspace builder, the provisioner and its job reaper, the reconciler (loop and metrics
 * refresh), template import, claims and readiness. On a SQLite file the store holds the file's
 * writer lock (one `serve` per file).
 *
 * @since 0.1.0
 */
import { Metrics } from "@warmpool/metrics"
import {
  Claims,
  JobNotifications,
  JobReaper,
  Provisioner,
  Reconciler,
  Settings,
  Store,
  StoreTemplateSource,
  TemplateImport,
  WorkspaceBuilder
} from "@warmpool/prebuilds"
import { RenderCache, Renderer, RenderWorkerPool, TemplateCache, type TemplateSource } from "@warmpool/render"
import { Budgets, HclParser } from "@warmpool/terraform"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Readiness from "./Readiness.js"
import { isPostgres, type ServerConfigShape } from "./ServerConfig.js"

/**
 * The store layer of a `--db` value (a SQLite file's directory is created).
 *
 * @since 0.1.0
 * @category layers
 */
export const storeLayer = (
  db: string,
  options: { readonly writerLock?: Store.WriterLockOptions | undefined } = {}
): Layer.Layer<Store.Store, Store.StoreError> => {
  if (isPostgres(db)) return Store.layerPg({ url: db })
  if (db !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(db)), { recursive: true })
  return Store.layerSqlite({ filename: db, writerLock: db === ":memory:" ? undefined : options.writerLock })
}

const pidNamespace = (): string => {
  try {
    return fs.readlinkSync("/proc/self/ns/pid")
  } catch {
    return "unknown"
  }
}

/**
 * The holder of a SQLite file's writer lock as this process records it:
 * `<host>:<pid> (pid namespace <ns>)`. The namespace tells apart processes of containers that
 * share a host name (and so pid numbers).
 *
 * @since 0.1.0
 * @category utils
 */
export const lockHolder = (): string => `${os.hostname()}:${process.pid} (pid namespace ${pidNamespace()})`

/**
 * Whether a recorded holder is a process of this host and pid namespace that no longer exists
 * (its lock can then be taken over at once instead of after its lease). Anything else — another
 * host, another namespace, an unknown format, a live or unreadable process — is not known gone.
 *
 * @since 0.1.0
 * @category utils
 */
export const holderGone = (holder: string): boolean => {
  const match = /^(.*):(\d+) \(pid namespace (.*)\)$/.exec(holder)
  if (match === null || match[1] !== os.hostname() || match[3] === "unknown" || match[3] !== pidNamespace()) {
    return false
  }
  const pid = Number(match[2])
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return false
  } catch (error) {
    return (error as { readonly code?: unknown }).code === "ESRCH"
  }
}

/**
 * The writer lock `warmpool serve` holds on a SQLite file: renewed every heartbeat, held for a
 * job lease.
 *
 * @since 0.1.0
 * @category utils
 */
export const writerLockOf = (config: ServerConfigShape): Store.WriterLockOptions => ({
  holder: lockHolder(),
  lease: config.leases.lease,
  renewEvery: config.leases.heartbeat,
  holderGone
})

/**
 * The services the application provides on top of the store and metrics.
 *
 * @since 0.1.0
 * @category models
 */
export type Services =
  | Reconciler.Reconciler
  | Claims.Claims
  | TemplateImport.TemplateImport
  | Provisioner.Provisioner
  | WorkspaceBuilder.WorkspaceBuilder
  | Renderer.Renderer
  | TemplateCache.TemplateCache
  | RenderCache.RenderCache
  | TemplateSource.TemplateSource
  | JobNotifications.JobNotifications
  | HclParser.HclParser
  | JobReaper.JobReaper
  | Readiness.Readiness

/**
 * Every service of the application, built on an existing store and metrics.
 *
 * @since 0.1.0
 * @category layers
 */
export const services = (
  config: ServerConfigShape
): Layer.Layer<Services, ConfigError.ConfigError | Store.StoreError, Store.Store | Metrics.Metrics> => {
  const settings = Settings.make(config.prebuilds)
  // Template work runs in the render worker pool (ARCHITECTURE.md decision 10) unless
  // `renderWorkers` is 0. The in-process template cache stays for the claims' static analysis.
  const renderer: Layer.Layer<
    Renderer.Renderer,
    never,
    | TemplateCache.TemplateCache
    | RenderCache.RenderCache
    | TemplateSource.TemplateSource
    | Metrics.Metrics
    | HclParser.HclParser
  > = config.renderWorkers === 0
    ? Renderer.layer
    : Renderer.layerWorker(config.templateCache).pipe(
      Layer.provide(RenderWorkerPool.layer({
        ...RenderWorkerPool.defaults(),
        size: config.renderWorkers,
        maxHeapMb: config.renderWorkerHeapMb,
        renderTimeout: config.renderTimeout,
        importTimeout: config.importTimeout
      }))
    )
  const rendering = renderer.pipe(
    Layer.provideMerge(
      Layer.mergeAll(TemplateCache.layerWith(config.templateCache), RenderCache.layerWith(config.renderCache))
    ),
    Layer.provideMerge(StoreTemplateSource.layer)
  )
  const workerOptions = {
    workers: config.provisionerWorkers,
    lease: config.leases.lease,
    heartbeat: config.leases.heartbeat
  }
  const provisioner = config.provisioner._tag === "echo"
    ? Provisioner.layerEcho({
      ...workerOptions,
      delay: config.provisioner.delay,
      failureRate: config.provisioner.failureRate
    })
    : Provisioner.layerCommand({
      ...workerOptions,
      command: config.provisioner.command,
      args: config.provisioner.args,
      timeout: config.provisioner.timeout,
      killGracePeriod: config.provisioner.killGracePeriod,
      maxOutputBytes: config.provisioner.maxOutputBytes
    })
  return Layer.mergeAll(
    Reconciler.layer({ settings, maxPendingJobs: config.maxPendingJobs }),
    Claims.layer(),
    TemplateImport.layer,
    JobReaper.layer({ interval: config.leases.heartbeat }).pipe(Layer.provideMerge(provisioner)),
    Readiness.layer
  ).pipe(
    Layer.provideMerge(WorkspaceBuilder.layer),
    Layer.provideMerge(rendering),
    Layer.provideMerge(JobNotifications.layer),
    // parsed files remembered by content: a new version parses only the files that changed
    Layer.provideMerge(HclParser.layerMemoized()),
    // the evaluation budgets every template compiled by the service is given
    Layer.provide(Layer.succeed(Budgets.CurrentBudgets, config.budgets))
  )
}

/**
 * The whole application for a configuration.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  config: ServerConfigShape
): Layer.Layer<Services | Store.Store | Metrics.Metrics, ConfigError.ConfigError | Store.StoreError> =>
  services(config).pipe(
    Layer.provideMerge(storeLayer(config.db, { writerLock: writerLockOf(config) })),
    Layer.provideMerge(Metrics.layer)
  )
