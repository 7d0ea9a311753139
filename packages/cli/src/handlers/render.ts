/**
 * `warmpool render`: render a template directory's dynamic parameters.
 */
import * as FileSystem from "@effect/platform/FileSystem"
import { ParameterValue, Renderer, RenderOutput, SecretRequirements } from "@warmpool/render"
import * as ServerConfig from "@warmpool/server/ServerConfig"
import * as Setting from "@warmpool/server/Setting"
import { Budgets, CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { renderSettings } from "../commands/renderCommand.js"
import { exitCode } from "../internal/keyValue.js"
import { renderTable } from "./renderTable.js"

export interface RenderArgs {
  readonly dir: string
  readonly params: ReadonlyArray<readonly [string, string]>
  readonly previous: ReadonlyArray<readonly [string, string]>
  readonly ownerFile: string | undefined
  readonly planFile: string | undefined
  readonly tfvars: ReadonlyArray<readonly [string, string]>
  /** The budget flags given, keyed by setting name (`budget-max-steps`). */
  readonly budgets?: Readonly<Record<string, Setting.Raw | undefined>> | undefined
  readonly validatePresets: boolean
  readonly fullEvaluation: boolean
  readonly json: boolean
  /** Exit 1 on any error diagnostic (parameters, presets and variables included). */
  readonly strict: boolean
}

/** Problems with the command line's inputs (exit status 2). */
class UsageProblem {
  constructor(readonly message: string) {}
}

/** The owner JSON's `secrets` (names only); absent means "not known" (no `satisfied` reported). */
const OwnerSecretsField = Schema.Struct({ secrets: Schema.optional(SecretRequirements.OwnerSecrets) })

const readOwner = (file: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const text = yield* Effect.mapError(fs.readFileString(file), (e) => new UsageProblem(`--owner: ${e.message}`))
    const json = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) => new UsageProblem(`--owner: ${file} is not JSON: ${e instanceof Error ? e.message : String(e)}`)
    })
    const owner = yield* Schema.decodeUnknown(Owner.WorkspaceOwner)(json).pipe(
      Effect.mapError((e) => new UsageProblem(`--owner: ${e.message}`))
    )
    const secrets = yield* Schema.decodeUnknown(OwnerSecretsField)(json).pipe(
      Effect.mapError((e) => new UsageProblem(`--owner: ${e.message}`))
    )
    return { owner, secrets: secrets.secrets }
  })

const parseTfvars = (pairs: ReadonlyArray<readonly [string, string]>) =>
  Effect.forEach(pairs, ([name, text]) =>
    Effect.try({
      try: () => [name, JSON.parse(text) as unknown] as const,
      catch: (e) => new UsageProblem(`--tfvar ${name}: not JSON: ${e instanceof Error ? e.message : String(e)}`)
    })).pipe(Effect.map((entries) => Object.fromEntries(entries)))

const diagnostic = (
  severity: "error" | "warning",
  summary: string,
  detail: string,
  code: string
): RenderOutput.Diagnostic => ({ severity, summary, detail, extra: { code } })

/**
 * Diagnostics about the `--param` values themselves: a name the template does not define (a
 * warning), a value that is not of the parameter's type (an error, whatever the parameter's own
 * validation says about it).
 */
export const paramDiagnostics = (
  output: RenderOutput.RenderOutput,
  params: ReadonlyArray<readonly [string, string]>
): Array<RenderOutput.Diagnostic> => {
  if (RenderOutput.hasErrors(output)) return []
  const byName = new Map(output.parameters.map((p) => [p.name, p]))
  const known = output.parameters.map((p) => p.name).join(", ") || "none"
  const out: Array<RenderOutput.Diagnostic> = []
  for (const [name, value] of params) {
    const parameter = byName.get(name)
    if (parameter === undefined) {
      out.push(
        diagnostic(
          "warning",
          "Unknown parameter",
          `--param ${name}: the template has no parameter named "${name}" (parameters: ${known}); the value is ignored.`,
          "unknown_parameter"
        )
      )
    } else if (!ParameterValue.isOfType(parameter.type, value)) {
      out.push(
        diagnostic(
          "error",
          `Parameter value is not of type "${parameter.type}"`,
          `--param ${name}=${value}: parameter "${name}" is of type ${parameter.type}; "${value}" is not a ${parameter.type}.`,
          "type_mismatch"
        )
      )
    }
  }
  return out
}

/** Every diagnostic of an output: top level, parameters, presets, variables. */
const allDiagnostics = (output: RenderOutput.RenderOutput): ReadonlyArray<RenderOutput.Diagnostic> => [
  ...output.diagnostics,
  ...output.parameters.flatMap((p) => p.diagnostics),
  ...output.presets.flatMap((p) => p.diagnostics),
  ...output.variables.flatMap((v) => v.diagnostics)
]

/** The evaluation budgets: `--budget-*` flags over `WARMPOOL_BUDGET_*` variables over the defaults. */
const readBudgets = (flags: Readonly<Record<string, Setting.Raw | undefined>>) =>
  Setting.load(renderSettings, { flags }, ServerConfig.envPrefix).pipe(
    Effect.mapError((e) => new UsageProblem(e.message)),
    Effect.map(({ values }): Budgets.Budgets => ServerConfig.budgetsOf(values))
  )

const print = (output: RenderOutput.RenderOutput, json: boolean) =>
  json ? Console.log(JSON.stringify(RenderOutput.toJson(output), null, 2)) : Console.log(renderTable(output))

export const run = (args: RenderArgs): Effect.Effect<void, never, FileSystem.FileSystem> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const { owner, secrets } = args.ownerFile === undefined
      ? { owner: Owner.empty, secrets: undefined }
      : yield* readOwner(args.ownerFile)
    const plan = args.planFile === undefined
      ? undefined
      : yield* Effect.mapError(fs.readFileString(args.planFile), (e) => new UsageProblem(`--plan: ${e.message}`))
    const tfvars = args.tfvars.length === 0 ? undefined : yield* parseTfvars(args.tfvars)
    const files = yield* Effect.either(TemplateFiles.fromDirectory(args.dir))
    if (Either.isLeft(files)) {
      const d = TemplateFiles.toDiagnostic(files.left)
      yield* print(RenderOutput.failed([diagnostic("error", d.summary, d.detail, d.code)]), args.json)
      return yield* exitCode(1)
    }
    const budgets = yield* readBudgets(args.budgets ?? {})
    const template = yield* CompiledTemplate.compile(files.right).pipe(
      Effect.provideService(Budgets.CurrentBudgets, budgets)
    )
    const renderer = yield* Renderer.Renderer
    const request: Renderer.RenderRequest = {
      template,
      owner,
      values: Object.fromEntries(args.params),
      previousValues: args.previous.length === 0 ? undefined : Object.fromEntries(args.previous),
      tfvars,
      plan,
      fullEvaluation: args.fullEvaluation
    }
    let output = yield* renderer.render(request)
    if (args.validatePresets && !RenderOutput.hasErrors(output)) {
      output = yield* renderer.validatePresets(request, output)
    }
    if (secrets !== undefined) output = SecretRequirements.withStatus(output, secrets)
    const extra = paramDiagnostics(output, args.params)
    if (extra.length > 0) output = { ...output, diagnostics: [...output.diagnostics, ...extra] }
    yield* print(output, args.json)
    const failed = args.strict
      ? allDiagnostics(output).some((d) => d.severity === "error")
      : RenderOutput.hasErrors(output)
    if (failed) yield* exitCode(1)
  }).pipe(
    Effect.provide(Layer.merge(Renderer.layerStandalone, HclParser.layer)),
    Effect.catchAll((problem) => Effect.zipRight(Console.error(`warmpool render: ${problem.message}`), exitCode(2)))
  )
