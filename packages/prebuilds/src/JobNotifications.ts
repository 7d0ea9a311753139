/**
 * The job notification queue (`PREBUILDS.md` §2): whoever enqueues a provisioner job (the
 * reconciler after a create commits, the claim flow) offers its id here, and idle provisioner
 * workers wake up on it instead of waiting for their next poll.
 *
 * The queue is bounded (10 by default) and **dropping**: an offer never blocks or fails; when the
 * queue is full the notification is discarded and counted. A dropped notification costs only
 * latency, because provisioners also poll the store every `pollInterval`. One notification wakes
 * at most one worker; a worker that wakes keeps acquiring jobs until none is pending, so a backlog
 * drains without one notification per job.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Queue from "effect/Queue"
import * as Ref from "effect/Ref"
import type { ProvisionerJobId } from "./Domain.js"

/**
 * The queue's capacity of §2.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultCapacity = 10

/**
 * The operations of the `JobNotifications` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface JobNotificationsShape {
  /** How many notifications the queue holds before it drops. */
  readonly capacity: number
  /**
   * Offers a job id without blocking: `true` when queued, `false` when the queue was full and
   * the notification was dropped.
   */
  readonly offer: (jobId: ProvisionerJobId) => Effect.Effect<boolean>
  /** Waits for the next notification (a provisioner worker's wake-up call). */
  readonly take: Effect.Effect<ProvisionerJobId>
  /** Notifications waiting to be taken. */
  readonly size: Effect.Effect<number>
  /** Notifications dropped because the queue was full, since the queue was made. */
  readonly dropped: Effect.Effect<number>
}

/**
 * The `JobNotifications` service tag; its operations are {@link JobNotificationsShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class JobNotifications extends Context.Tag("@warmpool/prebuilds/JobNotifications")<
  JobNotifications,
  JobNotificationsShape
>() {}

/**
 * A new dropping queue of `capacity` notifications (at least 1).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (capacity: number = defaultCapacity): Effect.Effect<JobNotificationsShape> =>
  Effect.gen(function*() {
    const size = Math.max(1, Math.floor(capacity))
    const queue = yield* Queue.dropping<ProvisionerJobId>(size)
    const dropped = yield* Ref.make(0)
    return {
      capacity: size,
      offer: (jobId) =>
        Effect.tap(Queue.offer(queue, jobId), (queued) => queued ? Effect.void : Ref.update(dropped, (n) => n + 1)),
      take: Queue.take(queue),
      size: Queue.size(queue),
      dropped: Ref.get(dropped)
    }
  })

/**
 * The queue with the default capacity (10).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<JobNotifications> = Layer.effect(JobNotifications, make())

/**
 * The queue with another capacity (tests).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWithCapacity = (capacity: number): Layer.Layer<JobNotifications> =>
  Layer.effect(JobNotifications, make(capacity))
