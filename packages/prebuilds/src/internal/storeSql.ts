/**
 * SQL fragments several store queries share (written once, valid on SQLite and PostgreSQL).
 * Aliases: `w` = workspaces, `b` = workspace_builds, `j` = provisioner_jobs.
 *
 * @internal
 */

/**
 * `b` is the latest build of `w` (the highest build number).
 *
 * @internal
 */
export const isLatestBuild =
  "b.build_number = (SELECT MAX(lb.build_number) FROM workspace_builds lb WHERE lb.workspace_id = w.id)"

/**
 * The preset of `w`'s newest `start` build that carried one (docs/prebuilds.md §1.3 "current preset").
 *
 * @internal
 */
export const currentPresetOf = "(SELECT sb.preset_id FROM workspace_builds sb WHERE sb.workspace_id = w.id " +
  "AND sb.transition = 'start' AND sb.preset_id IS NOT NULL ORDER BY sb.build_number DESC LIMIT 1)"

/**
 * `w` has a non-deleted top-level agent that is not `ready` (so `w` is not ready, docs/prebuilds.md §1.3).
 *
 * @internal
 */
export const hasUnreadyAgent = "EXISTS (SELECT 1 FROM workspace_agents a WHERE a.workspace_id = w.id " +
  "AND a.deleted = FALSE AND a.parent_id IS NULL AND a.lifecycle_state <> 'ready')"

/**
 * `j` is still waiting for a provisioner: pending, not picked up, neither cancelled nor
 * completed (docs/prebuilds.md §1.3).
 *
 * @internal
 */
export const isUnpickedJob =
  "j.status = 'pending' AND j.worker_id IS NULL AND j.canceled_at IS NULL AND j.completed_at IS NULL"
