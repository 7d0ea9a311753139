/**
 * Defaults and validation of the provisioners' options.
 *
 * @internal
 */
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Either from "effect/Either"
import * as os from "node:os"
import type { ProvisionerWorkerId } from "../Domain.js"
import * as JobLeases from "../JobLeases.js"
import type { CommandOptions, EchoOptions, WorkerOptions } from "../Provisioner.js"
import type { CommandRunnerOptions } from "./provisionerCommand.js"
import type { EchoRunnerOptions } from "./provisionerEcho.js"

/**
 * @internal
 */
export const defaults = {
  workers: 2,
  pollInterval: Duration.seconds(1),
  delay: Duration.seconds(5),
  failureRate: 0,
  agentReadyDelay: Duration.zero,
  timeout: Duration.minutes(10),
  killGracePeriod: Duration.seconds(5),
  maxOutputBytes: 16 * 1024
} as const

/**
 * @internal
 */
export interface ResolvedWorkers {
  readonly workerIds: ReadonlyArray<ProvisionerWorkerId>
  readonly pollInterval: Duration.Duration
  readonly leases: JobLeases.LeaseSettings
  readonly perPresetLimit: number
}

type Resolved<A> = Either.Either<A, ConfigError.ConfigError>

const invalid = (path: string, message: string) => Either.left(ConfigError.InvalidData([path], message))

const duration = (
  path: string,
  input: Duration.DurationInput | undefined,
  fallback: Duration.Duration,
  positive: boolean
): Resolved<Duration.Duration> => {
  if (input === undefined) return Either.right(fallback)
  // Effect turns negative and NaN millisecond counts into zero: refuse them instead.
  if (typeof input === "number" && !(input >= 0)) return invalid(path, `${path} must not be negative`)
  const decoded = Duration.decodeUnknown(input)
  if (decoded._tag === "None") return invalid(path, `${path} is not a duration`)
  const value = decoded.value
  if (positive ? !Duration.greaterThan(value, Duration.zero) : Duration.lessThan(value, Duration.zero)) {
    return invalid(path, `${path} must be ${positive ? "positive" : "zero or more"}`)
  }
  return Either.right(value)
}

const workers = (kind: string, options: WorkerOptions): Resolved<ResolvedWorkers> =>
  Either.gen(function*() {
    const count = options.workers ?? defaults.workers
    if (!Number.isInteger(count) || count < 1) yield* invalid("workers", "workers must be an integer >= 1")
    const pollInterval = yield* duration("pollInterval", options.pollInterval, defaults.pollInterval, true)
    const name = options.name ?? kind
    const host = options.host ?? os.hostname()
    const pid = options.pid ?? process.pid
    const workerIds = Array.from({ length: count }, (_, i) => JobLeases.workerId(name, i + 1, host, pid))
    const lease = yield* duration("lease", options.lease, JobLeases.defaults.lease, true)
    const heartbeat = yield* duration("heartbeat", options.heartbeat, JobLeases.defaults.heartbeat, true)
    if (!Duration.lessThan(heartbeat, lease)) yield* invalid("heartbeat", "heartbeat must be shorter than lease")
    const perPresetLimit = options.perPresetLimit ?? Math.max(1, count - 1)
    if (!Number.isInteger(perPresetLimit) || perPresetLimit < 1) {
      yield* invalid("perPresetLimit", "perPresetLimit must be an integer >= 1")
    }
    return { workerIds, pollInterval, leases: { lease, heartbeat }, perPresetLimit }
  })

/**
 * The echo options with their defaults, or the first invalid one.
 *
 * @internal
 */
export const resolveEcho = (options: EchoOptions): Resolved<ResolvedWorkers & EchoRunnerOptions> =>
  Either.gen(function*() {
    const pool = yield* workers("echo", options)
    const failureRate = options.failureRate ?? defaults.failureRate
    if (!(failureRate >= 0 && failureRate <= 1)) {
      yield* invalid("failureRate", "failureRate must be between 0 and 1")
    }
    return {
      ...pool,
      delay: yield* duration("delay", options.delay, defaults.delay, false),
      failureRate,
      agentReadyDelay: yield* duration("agentReadyDelay", options.agentReadyDelay, defaults.agentReadyDelay, false)
    }
  })

/**
 * The command options with their defaults, or the first invalid one.
 *
 * @internal
 */
export const resolveCommand = (options: CommandOptions): Resolved<ResolvedWorkers & CommandRunnerOptions> =>
  Either.gen(function*() {
    const pool = yield* workers("command", options)
    if (options.command === "") yield* invalid("command", "command must not be empty")
    const maxOutputBytes = options.maxOutputBytes ?? defaults.maxOutputBytes
    if (!Number.isInteger(maxOutputBytes) || maxOutputBytes < 1) {
      yield* invalid("maxOutputBytes", "maxOutputBytes must be an integer >= 1")
    }
    return {
      ...pool,
      command: options.command,
      args: options.args ?? [],
      cwd: options.cwd,
      env: options.env,
      timeout: yield* duration("timeout", options.timeout, defaults.timeout, true),
      killGracePeriod: yield* duration("killGracePeriod", options.killGracePeriod, defaults.killGracePeriod, false),
      maxOutputBytes
    }
  })
