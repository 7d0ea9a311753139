/**
 * Command-line flags derived from setting definitions (`@warmpool/server` `Setting`): one flag per
 * setting, typed by the setting's type name in `--help`, described by its one sentence, its
 * default and its environment variable. The flags yield raw text; the setting's own `Config`
 * parses it, exactly as it parses the environment and the config file.
 */
import * as Options from "@effect/cli/Options"
import type * as Setting from "@warmpool/server/Setting"
import * as Option from "effect/Option"
import * as Record from "effect/Record"

/** The flag of one setting: `Some(text)` (or several texts for a list) when given. */
export type Flag = Options.Options<Option.Option<string | ReadonlyArray<string>>>

/** The help sentence of a setting: documentation, default, environment variable. */
export const helpText = (setting: Setting.Any, prefix: string): string => {
  const fallback = setting.defaultText === undefined
    ? "Unset by default."
    : `Default: ${setting.defaultText === "" || setting.defaultText === "[]" ? "none" : setting.defaultText}.`
  return `${setting.doc} ${fallback} Env: ${prefix}_${setting.key}.`
}

/** The flag of a setting. */
export const flag = (setting: Setting.Any, prefix: string): Flag => {
  if (setting.type.switch === true) {
    return Options.boolean(setting.name).pipe(
      Options.withDescription(helpText(setting, prefix)),
      Options.map((on): Option.Option<string | ReadonlyArray<string>> => on ? Option.some("true") : Option.none())
    )
  }
  const text = Options.text(setting.name).pipe(
    Options.withPseudoName(setting.type.name),
    Options.withDescription(helpText(setting, prefix))
  )
  return setting.type.repeated === true
    ? text.pipe(
      Options.repeated,
      Options.map((values): Option.Option<string | ReadonlyArray<string>> =>
        values.length === 0 ? Option.none() : Option.some(values)
      )
    )
    : Options.optional(text)
}

/** One flag per setting, under the same field names. */
export const flags = <S extends Record<string, Setting.Any>>(
  settings: S,
  prefix: string
): { readonly [K in keyof S]: Flag } =>
  Record.map(settings, (s) => flag(s, prefix)) as { readonly [K in keyof S]: Flag }

/** The given flags keyed by setting name (the `Setting.load` input). */
export const given = <S extends Record<string, Setting.Any>>(
  settings: S,
  values: { readonly [K in keyof S]: Option.Option<string | ReadonlyArray<string>> }
): Record<string, Setting.Raw | undefined> => {
  const out: Record<string, Setting.Raw | undefined> = {}
  for (const [field, setting] of Object.entries(settings)) {
    out[setting.name] = Option.getOrUndefined(values[field as keyof S])
  }
  return out
}
