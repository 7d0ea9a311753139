/**
 * Rendering with a workspace's previous parameter values (Coder #26861). A previous value is
 * reused unless the caller gives a value for that parameter explicitly; but when a template
 * version changed a parameter's options, the previous value may no longer be one of them. Such a
 * stale value is dropped for a **mutable** parameter: the parameter falls back to its default, and
 * a `stale_option` warning on it names the old value.
 *
 * The rules, following how Coder resolves a build's values:
 * - explicit values always win over previous ones, and are never dropped (an explicit value that
 *   is not an option gets the ordinary "must be a valid option" error);
 * - an **immutable** parameter keeps its previous value even when it is no longer an option
 *   (changing it silently would change an immutable parameter; the option error shows instead);
 * - an **ephemeral** parameter never takes its previous value (it must be given on every build);
 * - a parameter whose options cannot be resolved (an unknown or invalid option) keeps its value:
 *   staleness cannot be decided;
 * - a `multi-select` value is stale when any of its items is no longer an option.
 *
 * Dropping one value can change another parameter's options (options may depend on values), so
 * the render is repeated until nothing more is dropped. Every stale value found in a round is
 * dropped at once, so the rounds follow the depth of option dependencies, not the number of
 * values; they are capped at `maxRounds` re-renders (as Go's fixpoint caps its rounds), after
 * which any value still stale stays and gets the ordinary option error.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Rendered } from "./internal/render.js"
import * as RenderOutput from "./RenderOutput.js"

/**
 * The diagnostic code of a dropped stale previous value.
 *
 * @since 0.1.0
 * @category constants
 */
export const code = "stale_option"

/**
 * The most re-renders one resolution makes (besides the first render).
 *
 * @since 0.1.0
 * @category constants
 */
export const maxRounds = 32

/**
 * A previous value that was dropped.
 *
 * @since 0.1.0
 * @category models
 */
export interface Dropped {
  readonly name: string
  readonly previous: string
  readonly reason: "stale_option" | "ephemeral"
}

/**
 * The result of a render with previous values: the final render, the values it used, and what
 * was dropped.
 *
 * @since 0.1.0
 * @category models
 */
export interface Resolution {
  readonly rendered: Rendered
  readonly values: Readonly<Record<string, string>>
  readonly dropped: ReadonlyArray<Dropped>
}

const optionTexts = (parameter: RenderOutput.Parameter): ReadonlySet<string> | undefined =>
  parameter.options.every((o) => o.value.valid) ? new Set(parameter.options.map((o) => o.value.value)) : undefined

/**
 * Whether `value` is one of the parameter's options; `undefined` when that cannot be decided
 * (no options, or options that did not resolve).
 *
 * @since 0.1.0
 * @category guards
 */
export const isOption = (parameter: RenderOutput.Parameter, value: string): boolean | undefined => {
  if (parameter.options.length === 0) return undefined
  const texts = optionTexts(parameter)
  if (texts === undefined) return undefined
  if (parameter.form_type === "multi-select") {
    let items: unknown
    try {
      items = JSON.parse(value)
    } catch {
      return false
    }
    return Array.isArray(items) && items.every((item) => typeof item === "string" && texts.has(item))
  }
  return texts.has(value)
}

const staleDiagnostic = (parameter: RenderOutput.Parameter | undefined, dropped: Dropped): RenderOutput.Diagnostic => {
  const fallback = parameter === undefined
    ? ""
    : parameter.default_value.valid
    ? ` Its default "${parameter.default_value.value}" is used instead.`
    : " It has no default, so it needs a new value."
  return {
    severity: "warning",
    summary: `Previous value "${dropped.previous}" is no longer a valid option`,
    detail:
      `The previous value "${dropped.previous}" of parameter "${dropped.name}" is not one of its options any more and was dropped.${fallback}`,
    extra: { code }
  }
}

/**
 * Attach a `stale_option` warning to each parameter whose previous value was dropped as stale
 * (a top-level warning when the parameter is no longer rendered). A new output; the given one
 * (possibly frozen, from the render cache) is not touched.
 *
 * @since 0.1.0
 * @category utils
 */
export const annotate = (
  output: RenderOutput.RenderOutput,
  dropped: ReadonlyArray<Dropped>
): RenderOutput.RenderOutput => {
  const stale = dropped.filter((d) => d.reason === "stale_option")
  if (stale.length === 0) return output
  const byName = new Map(stale.map((d) => [d.name, d]))
  const rendered = new Set(output.parameters.map((p) => p.name))
  return {
    ...output,
    parameters: output.parameters.map((parameter) => {
      const d = byName.get(parameter.name)
      return d === undefined
        ? parameter
        : { ...parameter, diagnostics: [...parameter.diagnostics, staleDiagnostic(parameter, d)] }
    }),
    diagnostics: [
      ...output.diagnostics,
      ...stale.filter((d) => !rendered.has(d.name)).map((d) => staleDiagnostic(undefined, d))
    ]
  }
}

/**
 * Render with explicit and previous values, dropping previous values that are stale (see the
 * module comment), then annotate the final output. `render` is the caller's render (direct,
 * or through the render cache).
 *
 * @since 0.1.0
 * @category utils
 */
export const resolve = <E, R>(
  explicit: Readonly<Record<string, string>>,
  previous: Readonly<Record<string, string>>,
  render: (values: Readonly<Record<string, string>>) => Effect.Effect<Rendered, E, R>
): Effect.Effect<Resolution, E, R> =>
  Effect.gen(function*() {
    const values: Record<string, string> = { ...previous, ...explicit }
    const fromPrevious = new Set(Object.keys(previous).filter((name) => !Object.hasOwn(explicit, name)))
    const dropped: Array<Dropped> = []
    let rendered = yield* render(values)
    // Each round drops at least one previous value: at most min(|previous|, maxRounds) re-renders.
    for (let round = 0; round < Math.min(fromPrevious.size, maxRounds); round++) {
      if (RenderOutput.hasErrors(rendered.output)) break
      const now: Array<Dropped> = []
      for (const parameter of rendered.output.parameters) {
        if (!fromPrevious.has(parameter.name) || !Object.hasOwn(values, parameter.name)) continue
        const value = values[parameter.name]!
        if (parameter.ephemeral) {
          now.push({ name: parameter.name, previous: value, reason: "ephemeral" })
        } else if (parameter.mutable && isOption(parameter, value) === false) {
          now.push({ name: parameter.name, previous: value, reason: "stale_option" })
        }
      }
      if (now.length === 0) break
      for (const d of now) delete values[d.name]
      dropped.push(...now)
      rendered = yield* render(values)
    }
    return { rendered: { ...rendered, output: annotate(rendered.output, dropped) }, values, dropped }
  })
