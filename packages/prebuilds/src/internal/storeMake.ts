/**
 * Assembles the `Store` service on an `SqlClient`.
 *
 * @internal
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as Migrations from "../Migrations.js"
import type { SnapshotReads, StoreOptions, StoreShape } from "../Store.js"
import type { StoreContext } from "./storeContext.js"
import * as Demand from "./storeDemand.js"
import { dialectOf } from "./storeDialect.js"
import { fromSqlError, operation, type StoreError } from "./storeError.js"
import * as Jobs from "./storeJobs.js"
import * as Leases from "./storeLeases.js"
import * as Metrics from "./storeMetrics.js"
import { readSettings, readSnapshot } from "./storeSnapshot.js"
import * as TemplateImports from "./storeTemplateImports.js"
import * as Templates from "./storeTemplates.js"
import {
  lockIdFor,
  makeTransactions,
  type OnConnection,
  outsideTransactions,
  pgReconcileLock
} from "./storeTransaction.js"
import * as Visibility from "./storeVisibility.js"
import * as Workspaces from "./storeWorkspaces.js"
import { holdWriterLock } from "./storeWriterLock.js"

/**
 * A store method: its SQL failures become `StoreError`s named after it, and it never joins a
 * transaction of the caller's context.
 */
const op =
  (name: string) =>
  <A, E>(effect: Effect.Effect<A, E | SqlError>): Effect.Effect<A, Exclude<E, SqlError> | StoreError> =>
    operation(name)(outsideTransactions(effect))

const defaultLockId = (sql: SqlClient.SqlClient) =>
  Effect.map(
    sql<{ readonly schema: string | null }>`SELECT current_schema() AS schema`,
    (rows) => lockIdFor(`warmpool-reconcile:${rows[0]?.schema ?? ""}`)
  )

/**
 * @internal
 */
export const makeStore = (
  options: StoreOptions
): Effect.Effect<StoreShape, StoreError, SqlClient.SqlClient | Scope.Scope> =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const dialect = dialectOf(sql)
    const ctx: StoreContext = { sql, dialect, tx: makeTransactions(sql, dialect) }

    if (dialect.name === "sqlite") {
      yield* op("open")(Effect.zipRight(
        sql.unsafe("PRAGMA foreign_keys = ON").raw,
        sql.unsafe("PRAGMA busy_timeout = 5000").raw
      ))
    }
    if (options.migrate !== false) yield* Migrations.migrate
    if (dialect.name === "sqlite" && options.writerLock !== undefined) {
      yield* holdWriterLock(sql, ctx.tx, options.writerLock)
    }

    const logLimits: Visibility.BuildLogLimits = {
      maxBytes: options.buildLogs?.maxBytes ?? Visibility.defaultBuildLogLimits.maxBytes,
      retain: options.buildLogs?.retain ?? Visibility.defaultBuildLogLimits.retain
    }

    const maxConnections = dialect.name === "pg"
      ? Option.match(yield* Effect.serviceOption(PgClient.PgClient), {
        onNone: () => 10,
        onSome: (client) => client.config.maxConnections ?? 10
      })
      : 1

    const withReconcileLock: StoreShape["withReconcileLock"] = yield* (dialect.name === "pg"
      ? Effect.map(
        options.reconcileLockId === undefined
          ? op("open")(defaultLockId(sql))
          : Effect.succeed(options.reconcileLockId),
        (lockId): StoreShape["withReconcileLock"] => {
          const lock = pgReconcileLock(sql, lockId, (error) => fromSqlError("withReconcileLock", error))
          const readsOn = (onLockConnection: OnConnection): SnapshotReads => ({
            snapshot: (now, settings) => op("snapshot")(onLockConnection(readSnapshot(sql, now, settings))),
            settings: () => op("settings")(onLockConnection(readSettings(sql)))
          })
          return (body) => lock((onLockConnection) => body(readsOn(onLockConnection)))
        }
      )
      : Effect.map(Effect.makeSemaphore(1), (mutex): StoreShape["withReconcileLock"] => {
        // One process owns the file: a local try-lock; each read is its own read transaction.
        const reads: SnapshotReads = {
          snapshot: (now, settings) => op("snapshot")(ctx.tx.read(readSnapshot(sql, now, settings))),
          settings: () => op("settings")(readSettings(sql))
        }
        return (body) => mutex.withPermitsIfAvailable(1)(body(reads))
      }))

    const store: StoreShape = {
      dialect: dialect.name,
      maxConnections,
      ping: op("ping")(Effect.asVoid(sql`SELECT 1`)),
      migrationsApplied: Effect.provideService(Migrations.applied, SqlClient.SqlClient, sql).pipe(outsideTransactions),
      ensureOrganization: (name) => op("ensureOrganization")(Templates.ensureOrganization(ctx, name)),
      createTemplate: (input) => op("createTemplate")(Templates.createTemplate(ctx, input)),
      ensureTemplate: (name, organizationId) =>
        op("ensureTemplate")(Templates.ensureTemplate(ctx, name, organizationId ?? null)),
      template: (id) => op("template")(Templates.template(ctx, id)),
      listTemplates: (listOptions) =>
        op("listTemplates")(Templates.listTemplates(ctx, listOptions?.includeDeleted === true)),
      deleteTemplate: (id) => op("deleteTemplate")(Templates.deleteTemplate(ctx, id)),
      deprecateTemplate: (id, message) => op("deprecateTemplate")(Templates.deprecateTemplate(ctx, id, message)),
      importVersion: (input) => op("importVersion")(Templates.importVersion(ctx, input)),
      activateVersion: (templateId, versionId) =>
        op("activateVersion")(Templates.activateVersion(ctx, templateId, versionId)),
      templateVersion: (id) => op("templateVersion")(Templates.templateVersion(ctx, id)),
      versionFiles: (id) => op("versionFiles")(Templates.versionFiles(ctx, id)),
      findVersionByDigest: (templateId, digest) =>
        op("findVersionByDigest")(Templates.findVersionByDigest(ctx, templateId, digest)),
      recordTemplateImport: (record) => op("recordTemplateImport")(TemplateImports.recordTemplateImport(ctx, record)),
      templateImports: (templateId, limit) =>
        op("templateImports")(TemplateImports.templateImports(ctx, templateId, limit ?? 100)),
      pendingPrebuildJobs: () => op("pendingPrebuildJobs")(TemplateImports.pendingPrebuildJobs(ctx)),
      presetsOfVersion: (versionId) => op("presetsOfVersion")(Templates.presetsOfVersion(ctx, versionId)),
      presetById: (id) => op("presetById")(Templates.presetById(ctx, id)),
      setPresetStatus: (id, status, diagnostics) =>
        op("setPresetStatus")(Templates.setPresetStatus(ctx, id, status, diagnostics)),
      invalidatePreset: (id, now) => op("invalidatePreset")(Templates.invalidatePreset(ctx, id, now)),
      settings: () => op("settings")(readSettings(sql)),
      setPaused: (paused) => op("setPaused")(Templates.setPaused(ctx, paused)),
      withReconcileLock,
      createPrebuild: (input) => op("createPrebuild")(Workspaces.createPrebuild(ctx, input)),
      deletePrebuild: (workspaceId, now) => op("deletePrebuild")(Workspaces.deletePrebuild(ctx, workspaceId, now)),
      cancelPending: (presetId, now) => op("cancelPending")(Workspaces.cancelPending(ctx, presetId, now)),
      claim: (input) => op("claim")(Workspaces.claim(ctx, input)),
      acquireJob: (workerId, now, acquireOptions) =>
        op("acquireJob")(Leases.acquireJob(ctx, workerId, now, acquireOptions ?? {})),
      renewJobLease: (jobId, workerId, now, leaseUntil) =>
        op("renewJobLease")(Leases.renewJobLease(ctx, jobId, workerId, now, leaseUntil)),
      reapJobs: (reapOptions) => op("reapJobs")(Leases.reapJobs(ctx, reapOptions)),
      cancelBuild: (buildId, now) => op("cancelBuild")(Leases.cancelBuild(ctx, buildId, now)),
      completeJob: (jobId, completion) => op("completeJob")(Jobs.completeJob(ctx, jobId, completion, logLimits)),
      setAgentReady: (workspaceId, ready, agentName) =>
        op("setAgentReady")(Jobs.setAgentReady(ctx, workspaceId, ready, agentName)),
      agents: (workspaceId) => op("agents")(Jobs.agents(ctx, workspaceId)),
      pendingJobs: () => op("pendingJobs")(Jobs.pendingJobs(ctx)),
      buildParameters: (buildId) => op("buildParameters")(Jobs.buildParameters(ctx, buildId)),
      latestBuild: (workspaceId) => op("latestBuild")(Jobs.latestBuild(ctx, workspaceId)),
      workspace: (id) => op("workspace")(Jobs.workspace(ctx, id)),
      workspaces: (filter) => op("workspaces")(Jobs.workspaces(ctx, filter ?? {})),
      listBuilds: (filter) => op("listBuilds")(Visibility.listBuilds(ctx, filter ?? {})),
      build: (id) => op("build")(Visibility.build(ctx, id)),
      buildLogs: (id) => op("buildLogs")(Visibility.buildLogs(ctx, id)),
      listWorkspaces: (filter) => op("listWorkspaces")(Visibility.listWorkspaces(ctx, filter ?? {})),
      resumePreset: (id, now) => op("resumePreset")(Visibility.resumePreset(ctx, id, now)),
      recordRenderOverrun: (versionId, reason, threshold, now) =>
        op("recordRenderOverrun")(Visibility.recordRenderOverrun(ctx, versionId, reason, threshold, now)),
      quarantineOf: (versionId) => op("quarantineOf")(Visibility.quarantineOf(ctx, versionId)),
      prebuildCounts: () => op("prebuildCounts")(Metrics.prebuildCounts(ctx)),
      recordClaim: (record) => op("recordClaim")(Demand.recordClaim(ctx, record)),
      listClaims: (filter) => op("listClaims")(Demand.listClaims(ctx, filter ?? {})),
      claimCounts: (now) => op("claimCounts")(Demand.readClaimCounts(sql, now)),
      policies: () => op("policies")(Demand.readPolicies(sql)),
      setPolicy: (templateName, presetName, policy, now) =>
        op("setPolicy")(Demand.setPolicy(ctx, templateName, presetName, policy, now)),
      deletePolicy: (templateName, presetName) => op("deletePolicy")(Demand.deletePolicy(ctx, templateName, presetName))
    }
    return store
  })
