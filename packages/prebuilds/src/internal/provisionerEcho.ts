/**
 * The echo provisioner's job runner: no infrastructure, only virtual time.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Random from "effect/Random"
import type { StoreShape } from "../Store.js"
import type { JobRunner } from "./provisionerWorkers.js"

/**
 * The name of the one agent the echo provisioner reports per started workspace.
 *
 * @internal
 */
export const echoAgentName = "main"

/**
 * @internal
 */
export interface EchoRunnerOptions {
  readonly delay: Duration.Duration
  readonly failureRate: number
  readonly agentReadyDelay: Duration.Duration
}

/**
 * A runner that sleeps `delay` on the `Clock`, then:
 *
 * - `delete` builds succeed (failures are never simulated for them);
 * - `start` and `stop` builds fail with probability `failureRate`: one draw per such job from a
 *   `Random` seeded by the job itself (`salt`, the workspace's name, the build number and the
 *   transition), so which job fails does not depend on which worker happens to take it first (a
 *   seeded simulation is reproducible however its workers interleave);
 * - a succeeded `start` reports the agent `main`, ready at once when `agentReadyDelay` is zero,
 *   else `starting` and made ready `agentReadyDelay` after the completion (a fiber of the
 *   provisioner's scope);
 * - a succeeded `stop` reports no agents (its resources, agents included, are gone).
 *
 * @internal
 */
export const echoRunner = (store: StoreShape, salt: number, options: EchoRunnerOptions): JobRunner => {
  const readyAtOnce = Duration.isZero(options.agentReadyDelay)
  const simulatesFailures = options.failureRate > 0
  // A zero-length sleep is still a timer turn (about 1 ms on the live clock): skip it.
  const instant = Duration.isZero(options.delay)
  return (job) =>
    Effect.gen(function*() {
      const transition = job.build.transition
      const fails = transition !== "delete" && simulatesFailures &&
        (yield* Random.make(`${salt}:${job.workspace.name}:${job.build.buildNumber}:${transition}`).next) <
          options.failureRate
      if (!instant) yield* Effect.sleep(options.delay)
      if (fails) {
        const error = `echo provisioner: simulated ${transition} failure (failure rate ${options.failureRate})`
        // Only failures keep output: a successful echo job has nothing worth storing.
        return { status: "failed", error, logs: { stdout: "", stderr: error } } as const
      }
      if (transition === "delete") return { status: "succeeded" } as const
      if (transition === "stop") return { status: "succeeded", agents: [] } as const
      const workspaceId = job.workspace.id
      return {
        status: "succeeded",
        agents: [{ name: echoAgentName, ready: readyAtOnce }],
        afterCompletion: readyAtOnce ? undefined : Effect.sleep(options.agentReadyDelay).pipe(
          Effect.zipRight(store.setAgentReady(workspaceId, true, echoAgentName)),
          Effect.catchAll((error) =>
            Effect.logWarning("echo provisioner: could not mark the agent ready").pipe(
              Effect.annotateLogs({ workspaceId, error: error.message })
            )
          )
        )
      } as const
    })
}
