/**
 * A render actually performed, timed with `Clock` and recorded in
 * `warmpool_render_duration_seconds{cache, outcome}`. The render's `now` (what `timestamp()`
 * returns) is read from the same `Clock`, so renders are deterministic under `TestClock`.
 *
 * @internal
 */
import { Metrics } from "@warmpool/metrics"
import type { CompiledTemplate } from "@warmpool/terraform"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as RenderOutput from "../RenderOutput.js"
import { type Rendered, type RenderInputs, renderTemplate } from "./render.js"

export const timedRender = (
  metrics: Metrics.MetricsShape,
  path: Metrics.RenderPath,
  template: CompiledTemplate.CompiledTemplate,
  inputs: RenderInputs,
  options: { readonly full: boolean } = { full: false }
): Effect.Effect<Rendered> =>
  Effect.gen(function*() {
    const start = yield* Clock.currentTimeNanos
    const now = inputs.now ?? Number(start / 1_000_000n)
    const rendered = renderTemplate(template, { ...inputs, now }, options)
    const end = yield* Clock.currentTimeNanos
    yield* Metrics.rendered(
      metrics,
      path,
      RenderOutput.hasErrors(rendered.output) ? "failure" : "success",
      Number(end - start) / 1e9
    )
    return rendered
  })
