/**
 * Secret requirements against an owner's secrets. A render reports what a template requires
 * (`secret_requirements`); whether a given owner satisfies each requirement is computed here,
 * after the render (and after the render cache), so that one owner's secret status can never be
 * served to another owner from a cached render.
 *
 * Owners' secrets are names only: an environment variable name or a file path, never a value.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type * as RenderOutput from "./RenderOutput.js"

/**
 * One secret the owner has, by name only: `env` (environment variable name) and/or `file`
 * (file path). Values never travel with a render or a claim.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OwnerSecret = Schema.Struct({
  env: Schema.optional(Schema.String),
  file: Schema.optional(Schema.String)
})

/**
 * The decoded type of the `OwnerSecret` schema.
 *
 * @since 0.1.0
 * @category models
 */
export type OwnerSecret = typeof OwnerSecret.Type

/**
 * The owner's secrets (`owner.secrets` in the CLI's `--owner` JSON and the API's `owner`).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OwnerSecrets = Schema.Array(OwnerSecret)

/**
 * Whether the owner has a secret that satisfies the requirement: one with the required `env`
 * name, or one with the required `file` path (exact, case-sensitive matches).
 *
 * @since 0.1.0
 * @category guards
 */
export const isSatisfied = (
  requirement: RenderOutput.SecretRequirement,
  secrets: ReadonlyArray<OwnerSecret>
): boolean =>
  requirement.env !== ""
    ? secrets.some((secret) => secret.env === requirement.env)
    : requirement.file !== ""
    ? secrets.some((secret) => secret.file === requirement.file)
    : false

/**
 * The output with `satisfied` reported on each requirement for this owner (a new object; the
 * given output, possibly frozen and shared through the render cache, is not touched).
 *
 * @since 0.1.0
 * @category utils
 */
export const withStatus = (
  output: RenderOutput.RenderOutput,
  secrets: ReadonlyArray<OwnerSecret>
): RenderOutput.RenderOutput => ({
  ...output,
  secret_requirements: output.secret_requirements.map((requirement) => ({
    env: requirement.env,
    file: requirement.file,
    help_message: requirement.help_message,
    satisfied: isSatisfied(requirement, secrets)
  }))
})

/**
 * The requirements the owner does not satisfy, in output order, without `satisfied`.
 *
 * @since 0.1.0
 * @category utils
 */
export const missing = (
  output: RenderOutput.RenderOutput,
  secrets: ReadonlyArray<OwnerSecret>
): ReadonlyArray<RenderOutput.SecretRequirement> =>
  output.secret_requirements
    .filter((requirement) => !isSatisfied(requirement, secrets))
    .map((requirement) => ({ env: requirement.env, file: requirement.file, help_message: requirement.help_message }))

/**
 * How a requirement reads in messages: `env GITHUB_TOKEN` or `file ~/.ssh/id_ed25519`.
 *
 * @since 0.1.0
 * @category utils
 */
export const describe = (requirement: RenderOutput.SecretRequirement): string =>
  requirement.env !== "" ? `env ${requirement.env}` : `file ${requirement.file}`
