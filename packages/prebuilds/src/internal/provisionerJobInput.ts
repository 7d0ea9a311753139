/**
 * The JSON document a command provisioner receives on stdin.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import {
  OrganizationId,
  PresetId,
  ProvisionerJobId,
  SystemUserId,
  TemplateId,
  TemplateVersionId,
  UserId,
  WorkspaceBuildId,
  WorkspaceId,
  WorkspaceTransition
} from "../Domain.js"
import type { AcquiredJob } from "../Store.js"

/**
 * The job as the command sees it (one JSON object, then a newline, then end of input).
 *
 * @internal
 */
export const CommandJobInput = Schema.Struct({
  /** Always 1 for this shape. */
  version: Schema.Literal(1),
  jobId: ProvisionerJobId,
  buildId: WorkspaceBuildId,
  /** 1 for the build that creates the workspace. */
  buildNumber: Schema.Int,
  transition: WorkspaceTransition,
  workspaceId: WorkspaceId,
  workspaceName: Schema.String,
  ownerId: UserId,
  /** The owner is the prebuilds system user (the workspace is a prebuild). */
  prebuild: Schema.Boolean,
  initiatorId: UserId,
  templateId: TemplateId,
  templateName: Schema.String,
  templateVersionId: TemplateVersionId,
  organizationId: Schema.NullOr(OrganizationId),
  presetId: Schema.NullOr(PresetId),
  /** The build's parameter values by name. */
  parameters: Schema.Record({ key: Schema.String, value: Schema.String })
})

/**
 * @internal
 */
export type CommandJobInput = typeof CommandJobInput.Type

/**
 * The stdin document of an acquired job.
 *
 * @internal
 */
export const commandJobInput = (job: AcquiredJob): CommandJobInput => ({
  version: 1,
  jobId: job.job.id,
  buildId: job.build.id,
  buildNumber: job.build.buildNumber,
  transition: job.build.transition,
  workspaceId: job.workspace.id,
  workspaceName: job.workspace.name,
  ownerId: job.workspace.ownerId,
  prebuild: job.workspace.ownerId === SystemUserId,
  initiatorId: job.build.initiatorId,
  templateId: job.workspace.templateId,
  templateName: job.templateName,
  templateVersionId: job.build.templateVersionId,
  organizationId: job.organizationId,
  presetId: job.build.presetId,
  parameters: { ...job.parameters }
})

/**
 * The stdin text of an acquired job: its document as one JSON line.
 *
 * @internal
 */
export const commandJobText = (job: AcquiredJob): string => `${JSON.stringify(commandJobInput(job))}\n`
