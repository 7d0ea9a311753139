/**
 * The outcome of deleting a prebuild (kept apart from `Store.ts` so that the queries can build it
 * without importing the service module).
 *
 * @internal
 */
import * as Data from "effect/Data"
import type { ProvisionerJobId, UserId, WorkspaceBuildId, WorkspaceId } from "../Domain.js"

/**
 * @internal
 */
export type DeleteResult = Data.TaggedEnum<{
  Enqueued: {
    readonly workspaceId: WorkspaceId
    readonly buildId: WorkspaceBuildId
    readonly jobId: ProvisionerJobId
  }
  NotOwned: { readonly workspaceId: WorkspaceId; readonly ownerId: UserId }
  AlreadyDeleted: { readonly workspaceId: WorkspaceId }
  BuildInProgress: { readonly workspaceId: WorkspaceId; readonly jobId: ProvisionerJobId }
}>

/**
 * @internal
 */
export const DeleteResult = Data.taggedEnum<DeleteResult>()
