/**
 * The options of the prebuild graph (`Prebuilds.layer`) a server configuration gives: the one
 * place where the settings of `warmpool serve` (`ServerConfig`, read once with the `WARMPOOL`
 * prefix) become the services' options.
 *
 * @since 0.1.0
 */
import type { Prebuilds } from "@warmpool/prebuilds"
import { Settings } from "@warmpool/prebuilds"
import { RenderWorkerPool } from "@warmpool/render"
import type { ServerConfigShape } from "./ServerConfig.js"

/**
 * The prebuild options of a configuration. Template work runs in the render worker pool
 * (`docs/architecture.md`, render isolation) unless `renderWorkers` is 0.
 *
 * @since 0.1.0
 * @category models
 */
export const prebuildsOptions = (config: ServerConfigShape): Prebuilds.Options => {
  const workerOptions = {
    workers: config.provisionerWorkers,
    lease: config.leases.lease,
    heartbeat: config.leases.heartbeat
  }
  return {
    templateCache: config.templateCache,
    renderCache: config.renderCache,
    renderWorkers: config.renderWorkers === 0 ? undefined : {
      ...RenderWorkerPool.defaults(),
      size: config.renderWorkers,
      maxHeapMb: config.renderWorkerHeapMb,
      // the worker's template budget: a quarter of its heap, and no more than the template cache's
      templateBytesPerWorker: Math.min(
        RenderWorkerPool.defaultTemplateBytes(config.renderWorkerHeapMb),
        config.templateCache.maxBytes ?? Number.POSITIVE_INFINITY
      ),
      renderTimeout: config.renderTimeout,
      importTimeout: config.importTimeout
    },
    budgets: config.budgets,
    reconciler: { settings: Settings.make(config.prebuilds), maxPendingJobs: config.maxPendingJobs },
    reaper: { interval: config.leases.heartbeat },
    provisioner: config.provisioner._tag === "echo"
      ? {
        _tag: "echo",
        ...workerOptions,
        delay: config.provisioner.delay,
        failureRate: config.provisioner.failureRate
      }
      : {
        _tag: "command",
        ...workerOptions,
        command: config.provisioner.command,
        args: config.provisioner.args,
        timeout: config.provisioner.timeout,
        killGracePeriod: config.provisioner.killGracePeriod,
        maxOutputBytes: config.provisioner.maxOutputBytes
      }
  }
}
