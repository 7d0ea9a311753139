/**
 * The application layer: every service `warmpool serve` runs, composed from the configuration —
 * the store (SQLite or PostgreSQL), metrics, the template and render caches, the renderer, the
 * workspace builder, the provisioner, the reconciler (loop and metrics refresh), template import
 * and claims.
 *
 * @since 0.1.0
 */
import { Metrics } from "@warmpool/metrics"
import {
  Claims,
  JobNotifications,
  Provisioner,
  Reconciler,
  Settings,
  Store,
  StoreTemplateSource,
  TemplateImport,
  WorkspaceBuilder
} from "@warmpool/prebuilds"
import { RenderCache, Renderer, TemplateCache, type TemplateSource } from "@warmpool/render"
import { Budgets, HclParser } from "@warmpool/terraform"
import type * as ConfigError from "effect/ConfigError"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import * as path from "node:path"
import { isPostgres, type ServerConfigShape } from "./ServerConfig.js"

/**
 * The store layer of a `--db` value (a SQLite file's directory is created).
 *
 * @since 0.1.0
 * @category layers
 */
export const storeLayer = (db: string): Layer.Layer<Store.Store, Store.StoreError> => {
  if (isPostgres(db)) return Store.layerPg({ url: db })
  if (db !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(db)), { recursive: true })
  return Store.layerSqlite({ filename: db })
}

/**
 * The services the application provides on top of the store and metrics.
 *
 * @since 0.1.0
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

/**
 * Every service of the application, built on an existing store and metrics.
 *
 * @since 0.1.0
 * @category layers
 */
export const services = (
  config: ServerConfigShape
): Layer.Layer<Services, ConfigError.ConfigError, Store.Store | Metrics.Metrics> => {
  const settings = Settings.make(config.prebuilds)
  const rendering = Renderer.layer.pipe(
    Layer.provideMerge(
      Layer.mergeAll(TemplateCache.layerWith(config.templateCache), RenderCache.layerWith(config.renderCache))
    ),
    Layer.provideMerge(StoreTemplateSource.layer)
  )
  const provisioner = config.provisioner._tag === "echo"
    ? Provisioner.layerEcho({ delay: config.provisioner.delay, failureRate: config.provisioner.failureRate })
    : Provisioner.layerCommand({
      command: config.provisioner.command,
      args: config.provisioner.args,
      timeout: config.provisioner.timeout
    })
  return Layer.mergeAll(
    Reconciler.layer({ settings }),
    Claims.layer(),
    TemplateImport.layer,
    provisioner
  ).pipe(
    Layer.provideMerge(WorkspaceBuilder.layer),
    Layer.provideMerge(rendering),
    Layer.provideMerge(JobNotifications.layer),
    Layer.provideMerge(HclParser.layer),
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
  services(config).pipe(Layer.provideMerge(storeLayer(config.db)), Layer.provideMerge(Metrics.layer))
