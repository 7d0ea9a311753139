/**
 * The shapes the console reads and sends, as the `Schema`s of the API define them
 * (`@warmpool/client/Api`; render outputs are the renderer's own wire types, docs/render.md §3.1):
 * nothing here is written by hand, so a field the server changes is a type error here.
 *
 * @since 0.1.0
 */
import type * as Api from "@warmpool/client/Api"
import type { RenderOutput, SecretRequirements } from "@warmpool/render"

/**
 * @since 0.1.0
 */
export type RenderResult = RenderOutput.RenderOutput

/**
 * @since 0.1.0
 */
export type Parameter = RenderOutput.Parameter

/**
 * @since 0.1.0
 */
export type ParameterOption = RenderOutput.ParameterOption

/**
 * @since 0.1.0
 */
export type Preset = RenderOutput.Preset

/**
 * @since 0.1.0
 */
export type Diagnostic = RenderOutput.Diagnostic

/**
 * @since 0.1.0
 */
export type FormType = RenderOutput.FormType

/**
 * A secret the template requires; `satisfied` is present when the request's owner listed
 * secrets.
 *
 * @since 0.1.0
 */
export type SecretRequirement = RenderOutput.SecretRequirement

/**
 * A secret the owner has, by name only (never a value).
 *
 * @since 0.1.0
 */
export type OwnerSecret = SecretRequirements.OwnerSecret

/**
 * @since 0.1.0
 */
export type TemplateVersionSummary = typeof Api.TemplateVersionInfo.Type

/**
 * @since 0.1.0
 */
export type TemplateSummary = typeof Api.TemplateInfo.Type

/**
 * `GET /api/v1/templates`.
 *
 * @since 0.1.0
 */
export type TemplatesResponse = typeof Api.TemplatesResponse.Type

type OwnerInput = typeof Api.OwnerInput.Type

/**
 * The owner a render sees as `data.coder_workspace_owner.me`: the API's owner with every field
 * the console always fills.
 *
 * @since 0.1.0
 */
export type WorkspaceOwner =
  & { readonly [K in Exclude<keyof OwnerInput, "secrets">]-?: Exclude<OwnerInput[K], undefined> }
  & Pick<OwnerInput, "secrets">

/**
 * `POST /api/v1/templateversions/{id}/render`, as the console sends it.
 *
 * @since 0.1.0
 */
export interface RenderRequestBody {
  readonly owner: WorkspaceOwner
  readonly values: Readonly<Record<string, string>>
}

/**
 * One prebuild pool: a preset of a template version (`GET /api/v1/presets`).
 *
 * @since 0.1.0
 */
export type PresetPool = typeof Api.PresetStatus.Type

/**
 * @since 0.1.0
 */
export type PoolStatus = PresetPool["status"]

/**
 * The derived state of a pool (`GET /api/v1/presets` `state`): what the dashboard shows.
 *
 * @since 0.1.0
 */
export type PoolState = typeof Api.PoolStateName.Type

/**
 * A build (`GET /api/v1/builds`).
 *
 * @since 0.1.0
 */
export type BuildInfo = typeof Api.BuildInfo.Type

/**
 * @since 0.1.0
 */
export type BuildsResponse = typeof Api.BuildsResponse.Type

/**
 * A build's provisioner output (`GET /api/v1/builds/{id}/logs`).
 *
 * @since 0.1.0
 */
export type BuildLogs = typeof Api.BuildLogsResponse.Type

/**
 * `POST /api/v1/presets/{template}/{preset}/resume`.
 *
 * @since 0.1.0
 */
export type ResumeResponse = typeof Api.ResumePresetResponse.Type

/**
 * `GET /api/v1/presets`.
 *
 * @since 0.1.0
 */
export type PresetsResponse = typeof Api.PresetsResponse.Type

/**
 * One reconciliation cycle as the reconciler reports it.
 *
 * @since 0.1.0
 */
export type ReconcilerCycle = typeof Api.CycleReport.Type

/**
 * `GET /api/v1/reconciler`; cycles are oldest first.
 *
 * @since 0.1.0
 */
export type ReconcilerState = typeof Api.ReconcilerResponse.Type

/**
 * `POST /api/v1/reconciler/pause` and `/resume`.
 *
 * @since 0.1.0
 */
export type PausedResponse = typeof Api.PausedResponse.Type

/**
 * Claims (or misses) of a preset over the last 5 minutes, 15 minutes, hour and day (issue 16).
 *
 * @since 0.1.0
 */
export type DemandCounts = typeof Api.DemandCounts.Type

/**
 * A preset's demand policy with what it decides now (`GET /api/v1/presets` `policy`).
 *
 * @since 0.1.0
 */
export type PresetPolicyState = typeof Api.PresetPolicyState.Type

/**
 * The body of `PUT /api/v1/presets/{template}/{preset}/policy`.
 *
 * @since 0.1.0
 */
export type PolicyBody = typeof Api.PolicyBody.Type

/**
 * A stored policy (the `PUT` response).
 *
 * @since 0.1.0
 */
export type PolicyInfo = typeof Api.PolicyInfo.Type

/**
 * The `DELETE` response.
 *
 * @since 0.1.0
 */
export type PolicyRemoved = typeof Api.PolicyRemoved.Type
