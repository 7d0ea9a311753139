/**
 * Leases on provisioner jobs (issue 17, crash recovery): the pure rules, kept apart from the
 * store and the workers so that they can be table-tested without either.
 *
 * A worker that takes a job holds a lease on it until `leaseExpiresAt` and renews it every
 * heartbeat. A job whose lease expired belongs to a worker that stopped (its process crashed, was
 * killed, or lost the database): the reaper decides what becomes of it with {@link reapDecision},
 * and whether the workspace needs a follow-up `delete` build with {@link needsFollowUpDelete}, so
 * that infrastructure a crashed worker may have made is removed by the provisioner itself.
 *
 * Worker ids are unique per process ({@link workerId}: kind, index, host and pid), so a job
 * stuck on a replica can be traced to it.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import type { ProvisionerWorkerId, UserId, WorkspaceTransition } from "./Domain.js"
import { SystemUserId } from "./Domain.js"

/**
 * How long a lease lasts and how often a worker renews it.
 *
 * @since 0.1.0
 * @category models
 */
export interface LeaseSettings {
  /** How long a job stays a worker's after its last heartbeat (default 30 s). */
  readonly lease: Duration.Duration
  /** How often a running job's worker renews its lease (default 5 s). */
  readonly heartbeat: Duration.Duration
}

/**
 * Lease 30 s, heartbeat 5 s.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaults: LeaseSettings = { lease: Duration.seconds(30), heartbeat: Duration.seconds(5) }

/**
 * Settings with overrides; a heartbeat not shorter than the lease is refused by the caller's
 * configuration, here it is clamped to a third of the lease.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (overrides: Partial<LeaseSettings> = {}): LeaseSettings => {
  const lease = overrides.lease ?? defaults.lease
  const heartbeat = overrides.heartbeat ?? defaults.heartbeat
  return Duration.lessThan(heartbeat, lease)
    ? { lease, heartbeat }
    : { lease, heartbeat: Duration.millis(Math.max(1, Math.floor(Duration.toMillis(lease) / 3))) }
}

/**
 * The id of a provisioner worker: `<name>-<index>@<host>:<pid>`, unique per process.
 *
 * @since 0.1.0
 * @category utils
 */
export const workerId = (name: string, index: number, host: string, pid: number): ProvisionerWorkerId =>
  `${name}-${index}@${host}:${pid}` as ProvisionerWorkerId

/**
 * A job holding (or having held) a lease, as the reaper reads it. Instants are epoch ms.
 *
 * @since 0.1.0
 * @category models
 */
export interface LeasedJob {
  readonly status: "running" | "canceling"
  readonly workerId: ProvisionerWorkerId | null
  /** When the worker started running it (`null`: taken, but never started). */
  readonly startedAt: number | null
  /** `null`: taken before leases existed (treated as expired). */
  readonly leaseExpiresAt: number | null
}

/**
 * What the reaper does with a job:
 *
 * - `keep`: its lease holds;
 * - `requeue`: taken but never started: back to `pending` for any worker;
 * - `fail`: started, then its worker stopped: failed (`lease expired: worker <id> stopped
 *   heartbeating`), so the reconciler treats it as a failed build;
 * - `cancel`: a cancel was requested and its worker stopped: canceled.
 *
 * @since 0.1.0
 * @category models
 */
export type ReapDecision = "keep" | "requeue" | "fail" | "cancel"

/**
 * The reaper's rule. A lease is valid up to and including `leaseExpiresAt`. `liveWorkers`, when
 * given, names every worker that can still be running a job (a SQLite file has one writer, so
 * at start-up any other worker is known dead): jobs of other workers are reaped whatever their
 * lease says.
 *
 * @since 0.1.0
 * @category utils
 */
export const reapDecision = (
  job: LeasedJob,
  now: number,
  liveWorkers?: ReadonlySet<string> | undefined
): ReapDecision => {
  const deadWorker = liveWorkers !== undefined && (job.workerId === null || !liveWorkers.has(job.workerId))
  const expired = job.leaseExpiresAt === null || now > job.leaseExpiresAt
  if (!deadWorker && !expired) return "keep"
  if (job.status === "canceling") return "cancel"
  return job.startedAt === null ? "requeue" : "fail"
}

/**
 * The error stored on a job failed by the reaper.
 *
 * @since 0.1.0
 * @category utils
 */
export const leaseExpiredError = (worker: ProvisionerWorkerId | null): string =>
  `lease expired: worker ${worker ?? "(none)"} stopped heartbeating`

/**
 * Whether a reaped (failed or canceled) job's workspace gets a `delete` build, so that whatever
 * the provisioner may have made is removed by the provisioner: a prebuild's creating build
 * (build 1 `start` by the system user) or a prebuild's `delete`, while the system user still
 * owns the live workspace. A user's workspace (e.g. a claim build) is left as it is.
 *
 * @since 0.1.0
 * @category utils
 */
export const needsFollowUpDelete = (build: {
  readonly transition: WorkspaceTransition
  readonly buildNumber: number
  readonly initiatorId: UserId
  readonly ownerId: UserId
  readonly workspaceDeleted: boolean
}): boolean => {
  if (build.workspaceDeleted || build.ownerId !== SystemUserId) return false
  if (build.transition === "delete") return true
  return build.transition === "start" && build.buildNumber === 1 && build.initiatorId === SystemUserId
}

/**
 * Counts of one reaping pass.
 *
 * @since 0.1.0
 * @category models
 */
export interface ReapResult {
  /** Jobs put back to `pending`. */
  readonly requeued: number
  /** Started jobs failed. */
  readonly failed: number
  /** Canceling jobs canceled. */
  readonly canceled: number
  /** `delete` builds enqueued for reaped prebuilds. */
  readonly deletes: number
}

/**
 * Nothing reaped.
 *
 * @since 0.1.0
 * @category constants
 */
export const emptyReapResult: ReapResult = { requeued: 0, failed: 0, canceled: 0, deletes: 0 }

/**
 * Whether a pass reaped anything.
 *
 * @since 0.1.0
 * @category utils
 */
export const reapedAny = (result: ReapResult): boolean =>
  result.requeued + result.failed + result.canceled + result.deletes > 0
