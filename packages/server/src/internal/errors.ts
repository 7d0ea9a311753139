/**
 * Mapping service failures to the API's typed errors (never a stack trace in a response).
 */
import { InternalError, RenderTimeout, ServiceUnavailable, ValidationFailed } from "@warmpool/client/Api"
import type { ParameterValidationError, Store } from "@warmpool/prebuilds"
import type { RenderError } from "@warmpool/render"
import * as Effect from "effect/Effect"

/** A store failure: 503 when the database is unreachable, 500 otherwise (details logged). */
export const storeFailure = (error: Store.StoreError) =>
  Effect.zipRight(
    Effect.logError("store failure", error.operation, error.message),
    Effect.fail(
      error.reason === "Database"
        ? new ServiceUnavailable({ message: `The store is unavailable (${error.operation}).` })
        : new InternalError({ message: `The store failed (${error.operation}).` })
    )
  )

export const validationFailed = (error: ParameterValidationError.ParameterValidationError) =>
  new ValidationFailed({
    message: error.message,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    validations: error.validations
  })

/** A render in the worker pool failed (deadline, heap limit, worker failure): 504 / 503. */
export const renderFailure = (error: RenderError.RenderFailure) =>
  Effect.fail(
    error._tag === "RenderTimeout"
      ? new RenderTimeout({ message: `${error.message}.` })
      : new ServiceUnavailable({
        message: error._tag === "RenderResourceExhausted"
          ? `The render was stopped: ${error.message}.`
          : `The render failed: ${error.message}.`
      })
  )

/**
 * An import's render in the worker pool failed: the template's own deadline or heap limit is a
 * 400 naming the limit (the template cannot be imported as it is); a worker failure is a 503.
 */
export const importFailure = (error: RenderError.RenderFailure) =>
  Effect.fail(
    error._tag === "RenderWorkerFailed"
      ? new ServiceUnavailable({ message: `The import failed: ${error.message}.` })
      : new ValidationFailed({
        message: error._tag === "RenderTimeout"
          ? `The template was not imported: compiling and rendering it did not finish within ${error.timeoutMillis} ms.`
          : `The template was not imported: ${error.message}.`,
        validations: [{
          field: "template",
          detail: error._tag === "RenderTimeout" ? `deadline ${error.timeoutMillis} ms` : error.limit
        }]
      })
  )
