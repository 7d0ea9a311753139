/**
 * `POST /api/v1/builds/{id}/cancel` (issue 17): cancels a build's provisioner job through the
 * store. A pending job ends `canceled` at once; a running one turns `canceling` and its worker
 * stops it at its next heartbeat (the reaper ends it if that worker is gone).
 *
 * @since 0.1.0
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import { Conflict, NotFound, WarmpoolApi } from "@warmpool/client/Api"
import { Store } from "@warmpool/prebuilds"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import { storeFailure } from "./internal/errors.js"

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = HttpApiBuilder.group(WarmpoolApi, "buildControl", (handlers) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    return handlers.handle("cancel", ({ path }) =>
      Effect.flatMap(DateTime.now, (now) =>
        store.cancelBuild(path.id as Store.CanceledBuild["buildId"], now)).pipe(
          Effect.map((canceled) => ({ buildId: canceled.buildId, jobId: canceled.jobId, status: canceled.status })),
          Effect.tap((canceled) => Effect.logInfo("build cancel requested").pipe(Effect.annotateLogs({ ...canceled }))),
          Effect.catchTag(
            "StoreError",
            (error): Effect.Effect<never, NotFound | Conflict | Effect.Effect.Error<ReturnType<typeof storeFailure>>> =>
              error.reason === "NotFound"
                ? Effect.fail(new NotFound({ message: `No build ${path.id}.` }))
                : error.reason === "Conflict"
                ? Effect.fail(new Conflict({ message: error.message }))
                : storeFailure(error)
          )
        ))
  }))
