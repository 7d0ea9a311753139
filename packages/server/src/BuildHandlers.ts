/**
 * Workspaces and builds as operators inspect them (issue 12): why a prebuild failed (the job's
 * error, a failed command's stderr tail) and what the provisioner printed (the stored output).
 *
 * @since 0.1.0
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import { NotFound, WarmpoolApi } from "@warmpool/client/Api"
import { Domain, Store } from "@warmpool/prebuilds"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { storeFailure } from "./internal/errors.js"

const iso = (instant: DateTime.Utc | null): string | null => instant === null ? null : DateTime.formatIso(instant)

const buildInfo = (build: Store.BuildSummary) => ({
  id: build.id,
  workspaceId: build.workspaceId,
  workspaceName: build.workspaceName,
  ownerId: build.ownerId,
  templateId: build.templateId,
  template: build.templateName,
  templateVersionId: build.templateVersionId,
  templateVersion: build.templateVersionName,
  presetId: build.presetId,
  preset: build.presetName,
  buildNumber: build.buildNumber,
  transition: build.transition,
  initiatorId: build.initiatorId,
  status: build.status,
  createdAt: DateTime.formatIso(build.createdAt),
  startedAt: iso(build.startedAt),
  completedAt: iso(build.completedAt),
  error: build.error,
  hasLogs: build.hasLogs
})

const defaultPageSize = 50

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = HttpApiBuilder.group(WarmpoolApi, "builds", (handlers) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const missing = (id: string) => new NotFound({ message: `No build ${id}.` })
    return handlers
      .handle("workspaces", ({ urlParams }) =>
        store.listWorkspaces({
          templateName: urlParams.template,
          presetName: urlParams.preset,
          state: urlParams.state,
          includeDeleted: urlParams.state === "deleted"
        }).pipe(
          Effect.map((workspaces) => ({
            workspaces: workspaces.map((w) => ({
              id: w.id,
              name: w.name,
              ownerId: w.ownerId,
              prebuild: w.prebuild,
              templateId: w.templateId,
              template: w.templateName,
              templateVersionId: w.templateVersionId,
              presetId: w.presetId,
              preset: w.presetName,
              createdAt: DateTime.formatIso(w.createdAt),
              state: w.state,
              ready: w.ready,
              latestBuildId: w.latestBuildId,
              latestBuildNumber: w.latestBuildNumber,
              error: w.error
            }))
          })),
          Effect.catchTag("StoreError", storeFailure)
        ))
      .handle("list", ({ urlParams }) =>
        Effect.gen(function*() {
          const limit = urlParams.limit ?? defaultPageSize
          const offset = urlParams.offset ?? 0
          // One more than the page tells whether a next page exists.
          const builds = yield* store.listBuilds({
            status: urlParams.status,
            templateName: urlParams.template,
            presetName: urlParams.preset,
            workspaceId: urlParams.workspace === undefined ? undefined : Domain.WorkspaceId.make(urlParams.workspace),
            limit: limit + 1,
            offset
          })
          return {
            builds: builds.slice(0, limit).map(buildInfo),
            nextOffset: builds.length > limit ? offset + limit : null
          }
        }).pipe(Effect.catchTag("StoreError", storeFailure)))
      .handle("get", ({ path }) =>
        store.build(Domain.WorkspaceBuildId.make(path.id)).pipe(
          Effect.catchTag("StoreError", storeFailure),
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(missing(path.id)),
            onSome: (build) => Effect.succeed(buildInfo(build))
          }))
        ))
      .handle("logs", ({ path }) =>
        store.buildLogs(Domain.WorkspaceBuildId.make(path.id)).pipe(
          Effect.catchTag("StoreError", storeFailure),
          Effect.flatMap(Option.match({
            onNone: () => Effect.fail(missing(path.id)),
            onSome: (logs) =>
              Effect.succeed({
                buildId: logs.buildId,
                stdout: logs.stdout,
                stderr: logs.stderr,
                truncated: logs.truncated,
                stored: logs.stored
              })
          }))
        ))
  }))
