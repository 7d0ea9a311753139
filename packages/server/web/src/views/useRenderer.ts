/**
 * Drives renders for the form: debounced while the user types, immediate for a new template or
 * preset, and only the response to the latest request is applied.
 *
 * @since 0.1.0
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks"
import type { ApiClient } from "../api/client.js"
import { describeFailure } from "../api/client.js"
import type { RenderRequestBody, RenderResult } from "../api/types.js"
import { debounce } from "../logic/debounce.js"
import { makeLatestGate } from "../logic/LatestGate.js"

/**
 * How long typing must pause before a render is requested.
 *
 * @since 0.1.0
 */
export const renderDebounceMs = 250

/**
 * @since 0.1.0
 */
export type RenderStatus =
  | { readonly state: "idle" }
  | { readonly state: "pending" }
  | { readonly state: "done"; readonly ms: number }
  | { readonly state: "failed"; readonly message: string }

/**
 * @since 0.1.0
 */
export interface Renderer {
  /** The latest applied output (kept while a newer render is pending). */
  readonly output: RenderResult | undefined
  readonly status: RenderStatus
  /** Renders now, dropping any scheduled render. */
  readonly renderNow: (versionId: string, body: RenderRequestBody) => void
  /** Renders once input has been quiet for {@link renderDebounceMs}. */
  readonly renderSoon: (versionId: string, body: RenderRequestBody) => void
  /** Forgets the output and makes every outstanding response stale. */
  readonly reset: () => void
}

/**
 * @since 0.1.0
 */
export const useRenderer = (client: ApiClient): Renderer => {
  const gate = useRef(makeLatestGate()).current
  const [output, setOutput] = useState<RenderResult | undefined>(undefined)
  const [status, setStatus] = useState<RenderStatus>({ state: "idle" })

  const actions = useMemo(() => {
    const run = async (versionId: string, body: RenderRequestBody) => {
      const ticket = gate.issue()
      setStatus({ state: "pending" })
      const started = performance.now()
      const result = await client.render(versionId, body)
      if (!gate.isLatest(ticket)) return
      if (result.ok) {
        setOutput(result.value)
        setStatus({ state: "done", ms: performance.now() - started })
      } else {
        setStatus({ state: "failed", message: describeFailure(result.failure) })
      }
    }
    const debounced = debounce(
      (versionId: string, body: RenderRequestBody) => void run(versionId, body),
      renderDebounceMs
    )
    return {
      debounced,
      renderNow: (versionId: string, body: RenderRequestBody) => {
        debounced.cancel()
        void run(versionId, body)
      },
      renderSoon: (versionId: string, body: RenderRequestBody) => {
        setStatus({ state: "pending" })
        debounced(versionId, body)
      },
      reset: () => {
        debounced.cancel()
        gate.invalidate()
        setOutput(undefined)
        setStatus({ state: "idle" })
      }
    }
  }, [client, gate])

  useEffect(() => () => actions.debounced.cancel(), [actions])

  return { output, status, renderNow: actions.renderNow, renderSoon: actions.renderSoon, reset: actions.reset }
}
