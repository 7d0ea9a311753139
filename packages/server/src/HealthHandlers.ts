/**
 * `/healthz`, `/readyz`, `/metrics`. `/readyz` answers 503 while the store is unreachable or not
 * migrated, and until the start-up work has run (`Readiness`).
 *
 * @since 0.1.0
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import { ServiceUnavailable, WarmpoolApi } from "@warmpool/client/Api"
import { Metrics } from "@warmpool/metrics"
import { Store } from "@warmpool/prebuilds"
import * as Effect from "effect/Effect"
import { Readiness } from "./Readiness.js"

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = HttpApiBuilder.group(WarmpoolApi, "health", (handlers) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const metrics = yield* Metrics.Metrics
    const readiness = yield* Readiness
    return handlers
      .handle("healthz", () => Effect.succeed({ status: "ok" as const }))
      .handle("readyz", () =>
        Effect.gen(function*() {
          yield* store.ping
          const migrations = yield* store.migrationsApplied
          if (!migrations) return yield* new ServiceUnavailable({ message: "Migrations are not applied." })
          const starting = yield* readiness.notReadyReason
          if (starting !== undefined) return yield* new ServiceUnavailable({ message: starting })
          return { status: "ready" as const, store: store.dialect === "pg" ? "postgresql" : "sqlite", migrations }
        }).pipe(
          Effect.catchTag(
            "StoreError",
            (e) => Effect.fail(new ServiceUnavailable({ message: `The store is not reachable (${e.operation}).` }))
          )
        ))
      .handle("metrics", () => metrics.prometheusText)
  }))
