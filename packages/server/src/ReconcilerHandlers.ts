/**
 * The reconciler: recent cycles, pause, resume.
 *
 * @since 0.1.0
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import { WarmpoolApi } from "@warmpool/client/Api"
import { Reconciler } from "@warmpool/prebuilds"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { storeFailure } from "./internal/errors.js"

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = HttpApiBuilder.group(WarmpoolApi, "reconciler", (handlers) =>
  Effect.gen(function*() {
    const reconciler = yield* Reconciler.Reconciler
    return handlers
      .handle("status", () =>
        Effect.gen(function*() {
          const paused = yield* reconciler.paused
          const cycles = yield* reconciler.recentCycles
          return {
            paused,
            intervalMs: Duration.toMillis(reconciler.settings.reconciliationInterval),
            cycles: cycles.map(({ poolsFilled: _f, poolsTotal: _t, ...cycle }) => cycle)
          }
        }).pipe(Effect.catchTag("StoreError", storeFailure)))
      .handle("pause", () =>
        reconciler.pause.pipe(Effect.as({ paused: true }), Effect.catchTag("StoreError", storeFailure)))
      .handle("resume", () =>
        reconciler.resume.pipe(Effect.as({ paused: false }), Effect.catchTag("StoreError", storeFailure)))
  }))
