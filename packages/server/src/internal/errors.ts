/**
 * Mapping service failures to the API's typed errors (never a stack trace in a response).
 */
import type { ParameterValidationError, Store } from "@warmpool/prebuilds"
import * as Effect from "effect/Effect"
import { InternalError, ServiceUnavailable, ValidationFailed } from "../Api.js"

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
