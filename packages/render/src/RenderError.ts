/**
 * The typed failures of template work that runs in the render worker pool (ARCHITECTURE.md
 * decision 10): a deadline passed (`RenderTimeout`), a worker ran out of heap
 * (`RenderResourceExhausted`), or a worker could not be started or died for another reason
 * (`RenderWorkerFailed`). Each one is answered by the caller's side of the pool; the worker that
 * was running the work is terminated and replaced, so nothing keeps computing after the answer.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"

/**
 * The render or import did not finish within its deadline; the worker running it was terminated.
 *
 * @since 0.1.0
 * @category errors
 */
export class RenderTimeout extends Data.TaggedError("RenderTimeout")<{
  /** The template version (empty for an import, whose version does not exist yet). */
  readonly templateVersionId: string
  /** `render` (a stored version) or `import` (files being imported). */
  readonly operation: "render" | "import"
  readonly timeoutMillis: number
  readonly message: string
}> {}

/**
 * A worker exhausted its heap limit (`resourceLimits`) while running the work (twice: work that
 * was only a bystander of another request's exhaustion is retried once on the replacement).
 *
 * @since 0.1.0
 * @category errors
 */
export class RenderResourceExhausted extends Data.TaggedError("RenderResourceExhausted")<{
  readonly templateVersionId: string
  readonly operation: "render" | "import"
  /** The limit that was hit, e.g. `heap 512 MiB`. */
  readonly limit: string
  readonly message: string
}> {}

/**
 * A render worker could not be started, or died for a reason other than a deadline or its heap
 * limit.
 *
 * @since 0.1.0
 * @category errors
 */
export class RenderWorkerFailed extends Data.TaggedError("RenderWorkerFailed")<{
  readonly templateVersionId: string
  readonly message: string
}> {}

/**
 * Every failure of work sent to the render worker pool.
 *
 * @since 0.1.0
 * @category models
 */
export type RenderFailure = RenderTimeout | RenderResourceExhausted | RenderWorkerFailed
