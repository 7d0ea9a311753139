/**
 * The matching preset of a claim without a named preset (`docs/prebuilds.md` §7.1).
 *
 * @internal
 */
import * as Option from "effect/Option"

const compareNames = (a: string, b: string): number => (a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b)))

/**
 * The preset with the most parameters, all of them present in `values` with identical values.
 * **warmpool:** ties go to the lowest name (byte-wise), and a preset without parameters matches
 * nothing.
 *
 * @internal
 */
export const matchingPreset = <
  P extends { readonly name: string; readonly parameters: Readonly<Record<string, string>> }
>(
  presets: ReadonlyArray<P>,
  values: Readonly<Record<string, string>>
): Option.Option<P> => {
  let best: P | undefined
  let bestCount = 0
  for (const preset of presets) {
    const names = Object.keys(preset.parameters)
    if (names.length === 0) continue
    if (!names.every((name) => Object.hasOwn(values, name) && values[name] === preset.parameters[name])) continue
    if (
      best === undefined || names.length > bestCount ||
      (names.length === bestCount && compareNames(preset.name, best.name) < 0)
    ) {
      best = preset
      bestCount = names.length
    }
  }
  return Option.fromNullable(best)
}
