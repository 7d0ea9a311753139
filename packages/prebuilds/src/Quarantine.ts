/**
 * Quarantine of template versions whose renders keep exceeding a budget or a deadline (issue 11
 * item 4, ARCHITECTURE.md decision 10): the same principle as `validation_failed` — never retry
 * what cannot succeed. A render that ends in one of these counts as an **overrun**:
 *
 * - a `RenderTimeout` (the render outlived its deadline; the worker running it was replaced);
 * - a `RenderResourceExhausted` (the worker ran out of heap);
 * - a `RenderLimitExceeded` from the workspace builder (a top-level error diagnostic with code
 *   `resource_limit`: an evaluation budget such as instances, collection size or steps).
 *
 * The errors are matched by their `_tag` strings, so this module does not depend on where the
 * renderer defines them. After `threshold` overruns (default 3) the store marks the version
 * quarantined with the reason of the overrun that tipped it; its presets create nothing (zero
 * renders per cycle) until an operator resumes one of them or a new version is imported.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import type { Settings } from "./Settings.js"

/**
 * The `_tag`s of render failures that count as overruns.
 *
 * @since 0.1.0
 * @category constants
 */
export const overrunTags: ReadonlySet<string> = new Set([
  "RenderTimeout",
  "RenderResourceExhausted",
  "RenderLimitExceeded"
])

/**
 * The default number of overruns that quarantine a version.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultThreshold = 3

/**
 * The threshold in force for the settings.
 *
 * @since 0.1.0
 * @category utils
 */
export const thresholdOf = (settings: Settings): number => Math.max(settings.quarantineThreshold ?? defaultThreshold, 1)

const describeTag = (tag: string): string => {
  switch (tag) {
    case "RenderTimeout":
      return "render deadline exceeded"
    case "RenderResourceExhausted":
      return "render memory limit exceeded"
    default:
      return "evaluation budget exceeded"
  }
}

/**
 * The reason an error counts as an overrun (`render deadline exceeded: …`), or `None` when the
 * error is not one.
 *
 * @since 0.1.0
 * @category utils
 */
export const overrunReason = (error: { readonly _tag: string }): Option.Option<string> => {
  if (!overrunTags.has(error._tag)) return Option.none()
  const message = "message" in error && typeof error.message === "string" ? error.message.trim() : ""
  const kind = describeTag(error._tag)
  // Keep the reason short: it is stored with the version and shown in every status read.
  const detail = message.length > 300 ? `${message.slice(0, 300)}…` : message
  return Option.some(detail === "" ? kind : `${kind}: ${detail}`)
}
