/**
 * The JSON shapes of the `/api/v1` routes the console calls. Render outputs are the renderer's
 * own wire types (RENDER.md §3.1); the rest is the server's contract for the console.
 *
 * @since 0.1.0
 */
import type { RenderOutput } from "@warmpool/render"

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
export interface OwnerSecret {
  readonly env?: string
  readonly file?: string
}

/**
 * @since 0.1.0
 */
export interface TemplateVersionSummary {
  readonly id: string
  readonly name: string
  readonly createdAt: string
  readonly active: boolean
}

/**
 * @since 0.1.0
 */
export interface TemplateSummary {
  readonly id: string
  readonly name: string
  /** `null` while the template has no active version. */
  readonly activeVersionId: string | null
  readonly deleted: boolean
  readonly deprecationMessage: string
  readonly versions: ReadonlyArray<TemplateVersionSummary>
}

/**
 * `GET /api/v1/templates`.
 *
 * @since 0.1.0
 */
export interface TemplatesResponse {
  readonly templates: ReadonlyArray<TemplateSummary>
}

/**
 * The owner a render sees as `data.coder_workspace_owner.me`.
 *
 * @since 0.1.0
 */
export interface WorkspaceOwner {
  readonly id: string
  readonly name: string
  readonly full_name: string
  readonly email: string
  readonly ssh_public_key: string
  readonly groups: ReadonlyArray<string>
  readonly login_type: string
  readonly rbac_roles: ReadonlyArray<{ readonly name: string; readonly org_id: string }>
  /** Names only; the server then reports `satisfied` on each secret requirement. */
  readonly secrets?: ReadonlyArray<OwnerSecret>
}

/**
 * `POST /api/v1/templateversions/{id}/render`.
 *
 * @since 0.1.0
 */
export interface RenderRequestBody {
  readonly owner: WorkspaceOwner
  readonly values: Readonly<Record<string, string>>
}

/**
 * @since 0.1.0
 */
export type PoolStatus = "healthy" | "hard_limited" | "validation_failed"

/**
 * The derived state of a pool (`GET /api/v1/presets` `state`): what the dashboard shows.
 *
 * @since 0.1.0
 */
export type PoolState =
  | "filling"
  | "ready"
  | "backing_off"
  | "hard_limited"
  | "validation_failed"
  | "quarantined"
  | "paused"
  | "template_deleted"
  | "draining"

/**
 * One prebuild pool: a preset of a template version.
 *
 * @since 0.1.0
 */
export interface PresetPool {
  readonly template: string
  readonly templateId: string
  readonly templateVersionId: string
  readonly presetId: string
  readonly preset: string
  readonly desired: number
  readonly running: number
  readonly eligible: number
  readonly status: PoolStatus
  readonly statusReason: string | null
  readonly backoffUntil: string | null
  readonly activeVersion: boolean
  readonly state: PoolState
  readonly quarantineReason: string | null
  /** The newest failed build's error, while backing off or hard-limited. */
  readonly lastError: string | null
  /** Claims (hits and misses) over the last 5 min, 15 min, hour and day (issue 16). */
  readonly claims?: DemandCounts | undefined
  /** Claims that found no ready prebuild. */
  readonly misses?: DemandCounts | undefined
  /** The preset's demand policy and what it decides now; `null` without one. */
  readonly policy?: PresetPolicyState | null | undefined
}

/**
 * Counts over the last 5 minutes, 15 minutes, hour and day.
 *
 * @since 0.1.0
 */
export interface DemandCounts {
  readonly last5m: number
  readonly last15m: number
  readonly last1h: number
  readonly last24h: number
}

/**
 * A demand policy with its decision: `desired` (what the pool works towards), `baseline`
 * (`instances` after schedules), `value` before rounding up and clamping, and `error` when the
 * policy failed and the baseline is used instead.
 *
 * @since 0.1.0
 */
export interface PresetPolicyState {
  readonly expression: string
  readonly min: number
  readonly max: number
  readonly baseline: number
  readonly value: number | null
  readonly desired: number
  readonly fallback: boolean
  readonly error: string | null
}

/**
 * The body of `PUT /api/v1/presets/{template}/{preset}/policy`.
 *
 * @since 0.1.0
 */
export interface PolicyBody {
  readonly expression: string
  readonly min?: number | undefined
  readonly max?: number | undefined
}

/**
 * A stored policy (the `PUT` response).
 *
 * @since 0.1.0
 */
export interface PolicyInfo {
  readonly template: string
  readonly preset: string
  readonly expression: string
  readonly min: number
  readonly max: number
  readonly updatedAt: string
}

/**
 * The `DELETE` response.
 *
 * @since 0.1.0
 */
export interface PolicyRemoved {
  readonly template: string
  readonly preset: string
  readonly removed: boolean
}

/**
 * A build (`GET /api/v1/builds`).
 *
 * @since 0.1.0
 */
export interface BuildInfo {
  readonly id: string
  readonly workspaceId: string
  readonly workspaceName: string
  readonly template: string
  readonly templateVersion: string
  readonly preset: string | null
  readonly buildNumber: number
  readonly transition: "start" | "stop" | "delete"
  readonly status: string
  readonly createdAt: string
  readonly completedAt: string | null
  readonly error: string | null
  readonly hasLogs: boolean
}

/**
 * @since 0.1.0
 */
export interface BuildsResponse {
  readonly builds: ReadonlyArray<BuildInfo>
  readonly nextOffset: number | null
}

/**
 * A build's provisioner output (`GET /api/v1/builds/{id}/logs`).
 *
 * @since 0.1.0
 */
export interface BuildLogs {
  readonly buildId: string
  readonly stdout: string
  readonly stderr: string
  readonly truncated: boolean
  readonly stored: boolean
}

/**
 * `POST /api/v1/presets/{template}/{preset}/resume`.
 *
 * @since 0.1.0
 */
export interface ResumeResponse {
  readonly template: string
  readonly preset: string
  readonly previousStatus: PoolStatus
  readonly status: PoolStatus
  readonly clearedQuarantine: string | null
}

/**
 * `GET /api/v1/presets`.
 *
 * @since 0.1.0
 */
export interface PresetsResponse {
  readonly presets: ReadonlyArray<PresetPool>
}

/**
 * One reconciliation cycle as the reconciler reports it.
 *
 * @since 0.1.0
 */
export interface ReconcilerCycle {
  readonly cycle: number
  readonly startedAt: string
  readonly durationMs: number
  readonly lockAcquired: boolean
  readonly paused: boolean
  readonly presetsTotal: number
  readonly presetsReconciled: number
  readonly creates: number
  readonly deletes: number
  readonly cancels: number
  readonly renders: number
  readonly parses: number
  readonly cacheHits: number
  readonly cacheMisses: number
  readonly errors: number
}

/**
 * `GET /api/v1/reconciler`; cycles are oldest first.
 *
 * @since 0.1.0
 */
export interface ReconcilerState {
  readonly paused: boolean
  readonly intervalMs: number
  readonly cycles: ReadonlyArray<ReconcilerCycle>
}

/**
 * `POST /api/v1/reconciler/pause` and `/resume`.
 *
 * @since 0.1.0
 */
export interface PausedResponse {
  readonly paused: boolean
}
