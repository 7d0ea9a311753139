/**
 * The `Provisioner` service (`docs/prebuilds.md` §1, §2, §3.8, §10 R5): the workers that take pending
 * provisioner jobs from the `Store`, run them, and store how they ended (status, error, agents).
 * The reconciler never waits for them: it enqueues a job, offers its id to `JobNotifications`
 * and moves on.
 *
 * Three layers, each a scoped set of worker fibers started when the layer is built:
 *
 * - {@link layerEcho}, the embedded default: no infrastructure; a job completes after a virtual
 *   delay on Effect's `Clock`, fails with a configurable probability (Effect's `Random`), and a
 *   started workspace gets one agent, `main`, ready at once or after a delay;
 * - {@link layerCommand}: runs an executable per job with the job as JSON on stdin
 *   ({@link CommandJobInput}); its exit status decides the outcome;
 * - {@link layerNoop}: never picks a job up (jobs stay pending; orphan deletes are completed by
 *   the store itself).
 *
 * **Workers.** `workers` fibers (default 2, ids `<name>-<index>@<host>:<pid>`, unique per
 * process; the name defaults to the kind). A worker acquires a pending job (`Store.acquireJob`:
 * claim builds first, then prebuild deletes, then presets in turn, at most `perPresetLimit` jobs of one
 * preset at once)
 * under a lease, renews the lease every `heartbeat` while it runs the job (a lost lease or a
 * cancel request stops the job), completes it (`Store.completeJob`, retried with backoff on
 * transient store errors until stored or until the lease has expired, when the reaper decides)
 * and acquires again; when no job is pending it waits for a notification or `pollInterval`
 * (default 1 s), whichever comes first. Each job is logged at debug level with its id,
 * transition and outcome.
 *
 * **Stopping.** Closing the layer's scope interrupts the workers, all at once. A job in flight is completed as
 * `canceled` (error "the provisioner stopped before the job ended") before its worker ends, and
 * a command's process group is killed first: a stopped provisioner leaves no job `running`, and
 * no fiber or process behind. Cancelling was chosen over putting the job back to `pending`
 * because the store has no such transition (a started build may have half-applied), and a
 * canceled prebuild build is simply replaced by the reconciler (§3.12 keeps it for operators).
 *
 * @since 0.1.0
 */
import { Spans } from "@warmpool/metrics"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import type * as Scope from "effect/Scope"
import type { ProvisionerWorkerId } from "./Domain.js"
import { commandRunner } from "./internal/provisionerCommand.js"
import * as internalConfig from "./internal/provisionerConfig.js"
import { echoAgentName as internalEchoAgentName, echoRunner } from "./internal/provisionerEcho.js"
import * as jobInput from "./internal/provisionerJobInput.js"
import { startWorkers, type WorkerStats } from "./internal/provisionerWorkers.js"
import { JobNotifications } from "./JobNotifications.js"
import { Store } from "./Store.js"

// ---------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------

/**
 * Counts of a provisioner's jobs since it started: `acquired`, and of those stored as
 * `succeeded`, `failed` or `canceled`; `unrecorded` counts completions the store did not take
 * (it refused them, e.g. a job already ended elsewhere, or kept failing).
 *
 * @since 0.1.0
 * @category models
 */
export type ProvisionerStats = WorkerStats

/**
 * The operations of the `Provisioner` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface ProvisionerShape {
  readonly kind: "echo" | "command" | "noop"
  /** The ids its workers acquire jobs under (none for the no-op provisioner). */
  readonly workerIds: ReadonlyArray<ProvisionerWorkerId>
  /** Jobs being run right now. */
  readonly inFlight: Effect.Effect<number>
  readonly stats: Effect.Effect<ProvisionerStats>
}

/**
 * The `Provisioner` service tag; its operations are {@link ProvisionerShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class Provisioner extends Context.Tag("@warmpool/prebuilds/Provisioner")<Provisioner, ProvisionerShape>() {}

// ---------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------

/**
 * Options every provisioner has.
 *
 * @since 0.1.0
 * @category models
 */
export interface WorkerOptions {
  /** Worker fibers, i.e. jobs run at once (default 2). */
  readonly workers?: number | undefined
  /** How often an idle worker looks for a job without being notified (default 1 s). */
  readonly pollInterval?: Duration.DurationInput | undefined
  /** The prefix of the worker ids (default: the kind, `echo` or `command`). */
  readonly name?: string | undefined
  /** The host named in worker ids (default: the machine's host name). */
  readonly host?: string | undefined
  /** The process id named in worker ids (default: this process's). */
  readonly pid?: number | undefined
  /** How long a job stays a worker's without a heartbeat (default 30 s). */
  readonly lease?: Duration.DurationInput | undefined
  /** How often a worker renews the lease of the job it runs (default 5 s; shorter than `lease`). */
  readonly heartbeat?: Duration.DurationInput | undefined
  /**
   * Prebuild jobs of one preset this provisioner runs at once at most, so that a slow or hanging
   * preset cannot hold every worker (default: one less than the workers, at least 1). Claim builds are
   * never capped and are taken first.
   */
  readonly perPresetLimit?: number | undefined
}

/**
 * Options of {@link layerEcho}.
 *
 * @since 0.1.0
 * @category models
 */
export interface EchoOptions extends WorkerOptions {
  /** Virtual time a job takes (default 5 s). */
  readonly delay?: Duration.DurationInput | undefined
  /**
   * Probability (0..1, default 0) that a `start` or `stop` job fails; `delete` jobs always
   * succeed. Each job's draw is its own (seeded by the job), salted once from Effect's `Random` of
   * the context the layer is built in (seed it with `Effect.withRandom(Random.make(seed))` or
   * `Layer.setRandom`), so a seeded run fails the same jobs whatever order workers take them in.
   */
  readonly failureRate?: number | undefined
  /**
   * Time from a `start` job's completion until its agent `main` is ready (default 0: ready at
   * completion). Until then the workspace is running but not ready, so not eligible.
   */
  readonly agentReadyDelay?: Duration.DurationInput | undefined
}

/**
 * Options of {@link layerCommand}.
 *
 * @since 0.1.0
 * @category models
 */
export interface CommandOptions extends WorkerOptions {
  /** The executable (a path, or a name looked up on `PATH`). */
  readonly command: string
  readonly args?: ReadonlyArray<string> | undefined
  readonly cwd?: string | undefined
  /** Variables added to the provisioner's own environment. */
  readonly env?: Readonly<Record<string, string>> | undefined
  /** A job running longer fails and its process group is killed (default 10 min). */
  readonly timeout?: Duration.DurationInput | undefined
  /** Time between SIGTERM and SIGKILL when the process group is ended (default 5 s). */
  readonly killGracePeriod?: Duration.DurationInput | undefined
  /**
   * The stderr tail kept as a failed job's error, and the longest stdout line read as an agents
   * line (default 16 KiB). Output beyond it is read and discarded.
   */
  readonly maxOutputBytes?: number | undefined
}

/**
 * The name of the agent the echo provisioner reports for each started workspace.
 *
 * @since 0.1.0
 * @category constants
 */
export const echoAgentName: string = internalEchoAgentName

/**
 * The defaults: 2 workers, poll every 1 s; echo: delay 5 s, failure rate 0, agents ready at
 * completion; command: timeout 10 min, kill grace period 5 s, 16 KiB of output kept.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults = internalConfig.defaults

// ---------------------------------------------------------------------------
// The command's input
// ---------------------------------------------------------------------------

/**
 * The document a command provisioner writes to the command's stdin: one JSON object followed by
 * a newline, then end of input.
 *
 * ```json
 * {"version":1,"jobId":"…","buildId":"…","buildNumber":1,"transition":"start",
 *  "workspaceId":"…","workspaceName":"…","ownerId":"…","prebuild":true,"initiatorId":"…",
 *  "templateId":"…","templateName":"docker","templateVersionId":"…","organizationId":null,
 *  "presetId":"…","parameters":{"region":"eu"}}
 * ```
 *
 * `transition` is `start`, `stop` or `delete`; `prebuild` tells whether the owner is the
 * prebuilds system user; `organizationId` and `presetId` may be `null`; `parameters` maps each
 * parameter name to its value (name order).
 *
 * The command answers with its exit status: 0 → the job succeeded, anything else (or death by a
 * signal) → failed, with the tail of stderr as the job's error. On success, a stdout line that is
 * a JSON object `{"agents":[{"name":"main","ready":true}]}` sets the workspace's agents (the last
 * such line wins; other lines are ignored; no such line leaves the agents as they are).
 *
 * @since 0.1.0
 * @category constants
 */
export const CommandJobInput = jobInput.CommandJobInput

/**
 * The JSON document the command provisioner writes to the command's stdin for a job.
 *
 * @since 0.1.0
 * @category models
 */
export type CommandJobInput = jobInput.CommandJobInput

/**
 * The stdin document of an acquired job.
 *
 * @since 0.1.0
 * @category constants
 */
export const commandJobInput = jobInput.commandJobInput

// ---------------------------------------------------------------------------
// Constructors and layers
// ---------------------------------------------------------------------------

/**
 * The echo provisioner, its workers running in the current scope. Fails with a `ConfigError`
 * for an invalid option.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeEcho = (
  options: EchoOptions = {}
): Effect.Effect<ProvisionerShape, ConfigError.ConfigError, Store | JobNotifications | Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = yield* internalConfig.resolveEcho(options)
    const store = yield* Store
    const notifications = yield* JobNotifications
    // drawn once: the seed every job's own failure draw is salted with
    const salt = yield* Random.next
    const pool = yield* startWorkers(store, notifications, {
      workerIds: resolved.workerIds,
      pollInterval: resolved.pollInterval,
      leases: resolved.leases,
      perPresetLimit: resolved.perPresetLimit,
      run: echoRunner(store, salt, resolved)
    })
    return { kind: "echo", workerIds: resolved.workerIds, ...pool }
  })

/**
 * The command provisioner, its workers running in the current scope. Fails with a
 * `ConfigError` for an invalid option.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeCommand = (
  options: CommandOptions
): Effect.Effect<ProvisionerShape, ConfigError.ConfigError, Store | JobNotifications | Scope.Scope> =>
  Effect.gen(function*() {
    const resolved = yield* internalConfig.resolveCommand(options)
    const store = yield* Store
    const notifications = yield* JobNotifications
    const pool = yield* startWorkers(store, notifications, {
      workerIds: resolved.workerIds,
      pollInterval: resolved.pollInterval,
      leases: resolved.leases,
      perPresetLimit: resolved.perPresetLimit,
      run: commandRunner(resolved)
    })
    return { kind: "command", workerIds: resolved.workerIds, ...pool }
  })

/**
 * The echo provisioner (the embedded default).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerEcho = (
  options: EchoOptions = {}
): Layer.Layer<Provisioner, ConfigError.ConfigError, Store | JobNotifications> =>
  Layer.scoped(
    Provisioner,
    Effect.flatMap(makeEcho(options), (provisioner) => Spans.traced("Provisioner", provisioner))
  )

/**
 * The command provisioner.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerCommand = (
  options: CommandOptions
): Layer.Layer<Provisioner, ConfigError.ConfigError, Store | JobNotifications> =>
  Layer.scoped(
    Provisioner,
    Effect.flatMap(makeCommand(options), (provisioner) => Spans.traced("Provisioner", provisioner))
  )

/**
 * The echo provisioner with its options read from configuration (a `Config` of the options, or
 * one `Config` per option, as `@effect/sql`'s clients take theirs); the application names the keys.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerEchoConfig = (
  config: Config.Config.Wrap<EchoOptions>
): Layer.Layer<Provisioner, ConfigError.ConfigError, Store | JobNotifications> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(config), layerEcho))

/**
 * The command provisioner with its options read from configuration (see {@link layerEchoConfig}).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerCommandConfig = (
  config: Config.Config.Wrap<CommandOptions>
): Layer.Layer<Provisioner, ConfigError.ConfigError, Store | JobNotifications> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(config), layerCommand))

/**
 * A provisioner that never picks a job up.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoop: Layer.Layer<Provisioner> = Layer.succeed(Provisioner, {
  kind: "noop",
  workerIds: [],
  inFlight: Effect.succeed(0),
  stats: Effect.succeed({ acquired: 0, succeeded: 0, failed: 0, canceled: 0, unrecorded: 0 })
})
