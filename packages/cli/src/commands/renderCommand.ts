/**
 * `warmpool render <dir> [--param NAME=VALUE]... [--previous NAME=VALUE]... [--owner FILE.json]
 * [--plan FILE.json] [--tfvar NAME=JSON]... [--budget-max-steps N]... [--validate-presets]
 * [--full-evaluation] [--json] [--strict]`
 *
 * The evaluation budgets are `serve`'s settings (`--budget-max-steps`, `WARMPOOL_BUDGET_MAX_STEPS`, ...).
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as ServerConfig from "@warmpool/server/ServerConfig"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { pairs } from "../internal/keyValue.js"
import * as SettingFlags from "../internal/settingFlags.js"

/**
 * The settings `render` shares with `serve`: the evaluation budgets.
 *
 * @since 0.1.0
 */
export const renderSettings: Pick<ServerConfig.Settings, ServerConfig.BudgetSetting> = {
  budgetMaxInstances: ServerConfig.settings.budgetMaxInstances,
  budgetMaxCollectionElements: ServerConfig.settings.budgetMaxCollectionElements,
  budgetMaxStringBytes: ServerConfig.settings.budgetMaxStringBytes,
  budgetMaxSteps: ServerConfig.settings.budgetMaxSteps,
  budgetMaxFileBytes: ServerConfig.settings.budgetMaxFileBytes,
  budgetMaxTotalFileBytes: ServerConfig.settings.budgetMaxTotalFileBytes,
  budgetMaxTfvarsBytes: ServerConfig.settings.budgetMaxTfvarsBytes,
  budgetMaxNestingDepth: ServerConfig.settings.budgetMaxNestingDepth
}

/**
 * @since 0.1.0
 */
export const renderCommand = Command.make(
  "render",
  {
    dir: Args.directory({ name: "dir", exists: "either" }).pipe(Args.withDescription("The template directory.")),
    params: pairs("param", "A parameter value as NAME=VALUE (repeatable); NAME is the parameter's name."),
    previous: pairs(
      "previous",
      "A previous build's value as NAME=VALUE (repeatable): used unless --param sets NAME; a mutable parameter's previous value that is no longer an option is dropped (warning stale_option)."
    ),
    owner: Options.file("owner", { exists: "yes" }).pipe(
      Options.withDescription(
        "The workspace owner as JSON: id, name, full_name, email, ssh_public_key, groups, login_type, rbac_roles[{name, org_id}], and secrets[{env?, file?}] (names only, never values: each secret requirement then reports `satisfied`)."
      ),
      Options.optional
    ),
    plan: Options.file("plan", { exists: "yes" }).pipe(
      Options.withDescription("A plan JSON file (terraform show -json) whose prior state feeds data sources."),
      Options.optional
    ),
    tfvars: pairs("tfvar", "A root variable value as NAME=JSON (repeatable); overrides tfvars files.", "NAME=JSON"),
    budgets: SettingFlags.flags(renderSettings, ServerConfig.envPrefix),
    validatePresets: Options.boolean("validate-presets").pipe(
      Options.withDescription("Re-render presets that have prebuilds and attach their validation errors.")
    ),
    fullEvaluation: Options.boolean("full-evaluation").pipe(
      Options.withDescription(
        "Evaluate every block, local and output, not only what the output needs (the output is the same)."
      )
    ),
    json: Options.boolean("json").pipe(Options.withDescription("Print the render output's wire JSON.")),
    strict: Options.boolean("strict").pipe(
      Options.withDescription(
        "Exit with status 1 on any error diagnostic, including a parameter's, a preset's or a variable's."
      )
    )
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/render.js")), (handler) =>
      handler.run({
        dir: args.dir,
        params: args.params,
        previous: args.previous,
        ownerFile: Option.getOrUndefined(args.owner),
        planFile: Option.getOrUndefined(args.plan),
        tfvars: args.tfvars,
        budgets: SettingFlags.given(renderSettings, args.budgets),
        validatePresets: args.validatePresets,
        fullEvaluation: args.fullEvaluation,
        json: args.json,
        strict: args.strict
      }))
).pipe(
  Command.withDescription(
    "Render a template's dynamic parameters, presets and workspace tags. Warns about --param names the template does not define; a --param value of the wrong type is an error. Exit status 1 when the render has a top-level error (with --strict: any error), 2 for usage errors."
  )
)
