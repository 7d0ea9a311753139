/**
 * Parameters in output order (`order`, then name bytes; ties keep extraction order), with the
 * permutation of a template's last render remembered. Renders of one template nearly always
 * extract the same parameters in the same order, so checking the remembered permutation costs
 * `n - 1` comparisons where a sort costs about `n log n`, and the sort was the one part of a warm
 * render that grew faster than the template (a 1000-parameter render spent 7% of its time there).
 *
 * The check accepts a permutation only if it is exactly what a stable sort gives: every
 * neighbour pair is in order, and equal neighbours keep their extraction order. So a stale
 * permutation is never used, only re-sorted.
 *
 * @internal
 */
import type * as RenderOutput from "../RenderOutput.js"
import { compareBytes } from "./text.js"

const compareParameters = (a: RenderOutput.Parameter, b: RenderOutput.Parameter): number =>
  a.order !== b.order ? a.order - b.order : compareBytes(a.name, b.name)

const lastOrder = new WeakMap<object, ReadonlyArray<number>>()

const fits = (
  parameters: ReadonlyArray<RenderOutput.Parameter>,
  permutation: ReadonlyArray<number>
): boolean => {
  if (permutation.length !== parameters.length) return false
  for (let i = 1; i < permutation.length; i++) {
    const before = permutation[i - 1]!
    const after = permutation[i]!
    const order = compareParameters(parameters[before]!, parameters[after]!)
    if (order > 0 || (order === 0 && before > after)) return false
  }
  return true
}

/** `parameters` in output order; `template` keys the remembered permutation (held weakly). */
export const sortParameters = (
  template: object,
  parameters: ReadonlyArray<RenderOutput.Parameter>
): Array<RenderOutput.Parameter> => {
  let permutation = lastOrder.get(template)
  if (permutation === undefined || !fits(parameters, permutation)) {
    permutation = parameters.map((_, i) => i).sort((a, b) => compareParameters(parameters[a]!, parameters[b]!) || a - b)
    lastOrder.set(template, permutation)
  }
  const sorted: Array<RenderOutput.Parameter> = []
  for (let i = 0; i < permutation.length; i++) sorted.push(parameters[permutation[i]!]!)
  return sorted
}
