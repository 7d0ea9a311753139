/**
 * Reading a server's database from the test process through the project's own `Store` (SQLite
 * file or PostgreSQL schema), opened for one read and closed again.
 */
import { Store } from "@warmpool/prebuilds"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"

/** Where a server keeps its state. */
export type Database =
  | { readonly _tag: "sqlite"; readonly filename: string }
  | { readonly _tag: "pg"; readonly url: string; readonly schema: string }

const layerOf = (database: Database): Layer.Layer<Store.Store, Store.StoreError> =>
  database._tag === "sqlite"
    ? Store.layerSqlite({ filename: database.filename, migrate: false })
    : Store.layerPg({ url: database.url, schema: database.schema, migrate: false, maxConnections: 2 })

/** Opens the store (without migrating), runs `read`, and closes the store. */
export const withStore = <A, E>(
  database: Database,
  read: (store: Store.StoreShape) => Effect.Effect<A, E>
): Promise<A> =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(Store.Store, read).pipe(Effect.provide(layerOf(database)))))

/** A workspace with the status of its latest build's job. */
export interface WorkspaceJob {
  readonly workspaceId: string
  readonly ownerId: string
  readonly templateId: string
  readonly deleted: boolean
  readonly buildNumber: number | undefined
  readonly transition: string | undefined
  readonly jobStatus: string | undefined
}

/** Every workspace (deleted ones included) with its latest build's job status. */
export const workspaceJobs = (database: Database): Promise<ReadonlyArray<WorkspaceJob>> =>
  withStore(
    database,
    (store) =>
      Effect.flatMap(store.workspaces({ includeDeleted: true }), (workspaces) =>
        Effect.forEach(workspaces, (w) =>
          Effect.map(store.latestBuild(w.id), (latest) => ({
            workspaceId: w.id,
            ownerId: w.ownerId,
            templateId: w.templateId,
            deleted: w.deleted,
            buildNumber: latest._tag === "Some" ? latest.value.build.buildNumber : undefined,
            transition: latest._tag === "Some" ? latest.value.build.transition : undefined,
            jobStatus: latest._tag === "Some" ? latest.value.job.status : undefined
          }))))
  )
