/**
 * The store's schema as versioned migrations, one list for SQLite and PostgreSQL (the few
 * dialect differences are spliced in from `internal/storeDialect.ts`), run through
 * `@effect/sql`'s `Migrator` with `fromRecord`. The store layers run them at start unless told
 * not to; `warmpool migrate` runs {@link migrate} on its own.
 *
 * Instants are integer epoch milliseconds (`BIGINT`), booleans are `BOOLEAN` (0/1 on SQLite),
 * ids are UUID text.
 *
 * @since 0.1.0
 */
import * as Migrator from "@effect/sql/Migrator"
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { type Dialect, dialectOf, readNullableNumber } from "./internal/storeDialect.js"
import { operation, StoreError } from "./internal/storeError.js"
import { lockIdFor, transaction } from "./internal/storeTransaction.js"

/**
 * The table recording applied migrations.
 *
 * @since 0.1.0
 * @category constants
 */
export const table = "warmpool_migrations"

const jobStatuses = "'pending', 'running', 'succeeded', 'failed', 'canceled', 'canceling'"
const lifecycleStates = "'created', 'starting', 'start_timeout', 'start_error', 'ready', 'shutting_down', " +
  "'shutdown_timeout', 'shutdown_error', 'off'"

const initialSchema = (dialect: Dialect): ReadonlyArray<string> => [
  `CREATE TABLE organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  )`,
  `CREATE TABLE templates (
    id TEXT PRIMARY KEY,
    organization_id TEXT REFERENCES organizations (id),
    name TEXT NOT NULL,
    active_version_id TEXT,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    deprecation_message TEXT NOT NULL DEFAULT ''
  )`,
  // One live template per (organization, name); deleted ones keep their names.
  `CREATE UNIQUE INDEX templates_live_name ON templates (COALESCE(organization_id, ''), name) WHERE deleted = FALSE`,
  `CREATE TABLE template_versions (
    id TEXT PRIMARY KEY,
    template_id TEXT NOT NULL REFERENCES templates (id),
    name TEXT NOT NULL,
    files_digest TEXT NOT NULL,
    created_at BIGINT NOT NULL
  )`,
  // One version per (template, files): replicas importing the same files at once share it.
  `CREATE UNIQUE INDEX template_versions_digest ON template_versions (template_id, files_digest)`,
  `CREATE TABLE file_blobs (
    sha256 TEXT PRIMARY KEY,
    size BIGINT NOT NULL,
    content ${dialect.blobType} NOT NULL
  )`,
  `CREATE TABLE template_version_files (
    template_version_id TEXT NOT NULL REFERENCES template_versions (id),
    path TEXT NOT NULL,
    blob_sha256 TEXT NOT NULL REFERENCES file_blobs (sha256),
    PRIMARY KEY (template_version_id, path)
  )`,
  `CREATE INDEX template_version_files_blob ON template_version_files (blob_sha256)`,
  `CREATE TABLE presets (
    id TEXT PRIMARY KEY,
    template_version_id TEXT NOT NULL REFERENCES template_versions (id),
    name TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    desired_instances INTEGER CHECK (desired_instances IS NULL OR desired_instances >= 0),
    ttl_seconds BIGINT CHECK (ttl_seconds IS NULL OR ttl_seconds >= 0),
    last_invalidated_at BIGINT,
    scheduling_timezone TEXT NOT NULL DEFAULT '',
    prebuild_status TEXT NOT NULL DEFAULT 'healthy'
      CHECK (prebuild_status IN ('healthy', 'hard_limited', 'validation_failed')),
    validation_diagnostics TEXT NOT NULL DEFAULT '[]',
    UNIQUE (template_version_id, name)
  )`,
  `CREATE TABLE preset_parameters (
    preset_id TEXT NOT NULL REFERENCES presets (id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (preset_id, name)
  )`,
  `CREATE TABLE preset_schedules (
    preset_id TEXT NOT NULL REFERENCES presets (id),
    ordinal INTEGER NOT NULL,
    cron TEXT NOT NULL,
    instances INTEGER NOT NULL CHECK (instances >= 0),
    PRIMARY KEY (preset_id, ordinal)
  )`,
  `CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    template_id TEXT NOT NULL REFERENCES templates (id),
    organization_id TEXT REFERENCES organizations (id),
    owner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    -- Set when a delete build is enqueued: the row changes, so a concurrent claim that already
    -- read the workspace as claimable re-checks it on PostgreSQL and passes it over.
    deleting_at BIGINT,
    deleted BOOLEAN NOT NULL DEFAULT FALSE
  )`,
  // Names are unique per owner among live workspaces; the index also serves the
  // "live workspaces of the system user" scans of the snapshot.
  `CREATE UNIQUE INDEX workspaces_live_owner_name ON workspaces (owner_id, name) WHERE deleted = FALSE`,
  `CREATE INDEX workspaces_template ON workspaces (template_id, created_at)`,
  `CREATE TABLE provisioner_jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN (${jobStatuses})),
    worker_id TEXT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    canceled_at BIGINT,
    completed_at BIGINT,
    error TEXT
  )`,
  `CREATE INDEX provisioner_jobs_pending ON provisioner_jobs (created_at, id) WHERE status = 'pending'`,
  `CREATE TABLE workspace_builds (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    template_version_id TEXT NOT NULL REFERENCES template_versions (id),
    build_number INTEGER NOT NULL CHECK (build_number >= 1),
    transition TEXT NOT NULL CHECK (transition IN ('start', 'stop', 'delete')),
    preset_id TEXT REFERENCES presets (id),
    initiator_id TEXT NOT NULL,
    job_id TEXT NOT NULL UNIQUE REFERENCES provisioner_jobs (id),
    orphan BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    UNIQUE (workspace_id, build_number)
  )`,
  `CREATE INDEX workspace_builds_preset ON workspace_builds (preset_id, build_number)`,
  `CREATE TABLE build_parameters (
    build_id TEXT NOT NULL REFERENCES workspace_builds (id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (build_id, name)
  )`,
  `CREATE TABLE workspace_agents (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id),
    parent_id TEXT REFERENCES workspace_agents (id),
    name TEXT NOT NULL,
    lifecycle_state TEXT NOT NULL CHECK (lifecycle_state IN (${lifecycleStates})),
    deleted BOOLEAN NOT NULL DEFAULT FALSE
  )`,
  `CREATE INDEX workspace_agents_workspace ON workspace_agents (workspace_id)`,
  `CREATE TABLE prebuild_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    reconciliation_paused BOOLEAN NOT NULL DEFAULT FALSE
  )`,
  `INSERT INTO prebuild_settings (id, reconciliation_paused) VALUES (1, FALSE)`
]

/**
 * Issue 17 (crash recovery): a lease on every running job, renewed by its worker; when the job
 * was reaped (its lease expired), so that the hard limit can tell a dead worker from a failing
 * template; and named store locks (the one-writer lock of a SQLite file).
 */
const jobLeases = (): ReadonlyArray<string> => [
  `ALTER TABLE provisioner_jobs ADD COLUMN lease_expires_at BIGINT`,
  `ALTER TABLE provisioner_jobs ADD COLUMN reaped_at BIGINT`,
  `CREATE INDEX provisioner_jobs_leases ON provisioner_jobs (lease_expires_at)
    WHERE status IN ('running', 'canceling')`,
  `CREATE TABLE store_locks (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
  )`
]

/**
 * Operator visibility (issue 12) and quarantine (issue 11): the provisioner output of each build
 * (capped and pruned by the store), the instant a preset was resumed (failures before it no
 * longer count towards the backoff or the hard limit), and a version's render overruns with its
 * quarantine.
 */
const buildLogsSchema = (): ReadonlyArray<string> => [
  `CREATE TABLE build_logs (
    build_id TEXT PRIMARY KEY REFERENCES workspace_builds (id),
    created_at BIGINT NOT NULL,
    stdout TEXT NOT NULL,
    stderr TEXT NOT NULL,
    truncated BOOLEAN NOT NULL DEFAULT FALSE
  )`,
  `CREATE INDEX build_logs_created ON build_logs (created_at, build_id)`,
  `CREATE INDEX workspace_builds_created ON workspace_builds (created_at, id)`,
  `ALTER TABLE presets ADD COLUMN resumed_at BIGINT`,
  `ALTER TABLE template_versions ADD COLUMN render_overruns INTEGER NOT NULL DEFAULT 0`,
  `ALTER TABLE template_versions ADD COLUMN quarantine_reason TEXT`,
  `ALTER TABLE template_versions ADD COLUMN quarantined_at BIGINT`
]

/**
 * Demand (issue 16): every claim of a prebuild preset with its outcome (`hit` or `miss`), and
 * the demand policies set per preset. Both are keyed by template and preset name (demand and
 * policies carry over to new template versions); claims keep their template and version ids.
 */
const claimsDemandSchema = (): ReadonlyArray<string> => [
  `CREATE TABLE prebuild_claims (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    template_id TEXT NOT NULL,
    template_name TEXT NOT NULL,
    preset_name TEXT NOT NULL,
    template_version_id TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('hit', 'miss'))
  )`,
  `CREATE INDEX prebuild_claims_at ON prebuild_claims (at)`,
  `CREATE INDEX prebuild_claims_preset ON prebuild_claims (template_name, preset_name, at)`,
  `CREATE TABLE preset_policies (
    template_name TEXT NOT NULL,
    preset_name TEXT NOT NULL,
    expression TEXT NOT NULL,
    min_instances INTEGER NOT NULL CHECK (min_instances >= 0),
    max_instances INTEGER NOT NULL CHECK (max_instances >= min_instances),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (template_name, preset_name)
  )`
]

/**
 * Templates that update themselves (issue 16): every import attempt of a template, successful
 * (a new version) or not (a broken change, which leaves the active version alone), with its
 * diagnostics, for the versions list.
 */
const templateVersionsSchema = (): ReadonlyArray<string> => [
  `CREATE TABLE template_imports (
    id TEXT PRIMARY KEY,
    template_id TEXT NOT NULL REFERENCES templates (id),
    template_version_id TEXT REFERENCES template_versions (id),
    created_at BIGINT NOT NULL,
    ok BOOLEAN NOT NULL,
    source TEXT NOT NULL,
    message TEXT NOT NULL,
    diagnostics TEXT NOT NULL
  )`,
  `CREATE INDEX template_imports_template ON template_imports (template_id, created_at)`
]

const runStatements = (statements: (dialect: Dialect) => ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    for (const statement of statements(dialectOf(sql))) {
      yield* sql.unsafe(statement).raw
    }
  })

/**
 * The migrations, keyed `<id>_<name>` as `Migrator.fromRecord` expects. Append only: an applied
 * migration never changes.
 *
 * @since 0.1.0
 * @category constants
 */
export const migrations: Record<string, Effect.Effect<void, SqlError, SqlClient.SqlClient>> = {
  "0001_initial_schema": runStatements(initialSchema),
  "0002_job_leases": runStatements(jobLeases),
  "0003_build_logs": runStatements(buildLogsSchema),
  "0004_claims_demand": runStatements(claimsDemandSchema),
  "0005_template_versions": runStatements(templateVersionsSchema)
}

/**
 * The id of the newest migration.
 *
 * @since 0.1.0
 * @category constants
 */
export const latestId: number = Math.max(...Object.keys(migrations).map((key) => Number.parseInt(key, 10)))

const migrationsTableDdl = `CREATE TABLE IF NOT EXISTS ${table} (
  migration_id INTEGER PRIMARY KEY NOT NULL,
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  name TEXT NOT NULL
)`

const runMigrator = Migrator.make({})({ loader: Migrator.fromRecord(migrations), table })

const migrationFailure = (cause: unknown): StoreError =>
  new StoreError({
    operation: "migrate",
    reason: "Migration",
    message: typeof cause === "object" && cause !== null && "message" in cause
      ? String((cause as { readonly message: unknown }).message)
      : "migration failed",
    cause
  })

/**
 * Applies the migrations not applied yet and returns them as `[id, name]` pairs. Idempotent.
 * Everything runs in one write transaction; on PostgreSQL an advisory lock taken first
 * serialises replicas that migrate at the same time.
 *
 * @since 0.1.0
 * @category constants
 */
export const migrate: Effect.Effect<
  ReadonlyArray<readonly [id: number, name: string]>,
  StoreError,
  SqlClient.SqlClient
> = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const dialect = dialectOf(sql)
  return yield* transaction(sql, dialect.beginWrite)(Effect.gen(function*() {
    if (dialect.name === "pg") {
      yield* sql.unsafe(`SELECT pg_advisory_xact_lock(${lockIdFor("warmpool-migrations").toString()})`).raw
    }
    yield* sql.unsafe(migrationsTableDdl).raw
    return yield* runMigrator
  }))
}).pipe(
  Effect.catchTag("MigrationError", (error) => Effect.fail(migrationFailure(error))),
  operation("migrate"),
  Effect.catchAllDefect((defect) => Effect.fail(migrationFailure(defect)))
)

/**
 * The newest applied migration id, if any (none when the schema was never migrated).
 *
 * @since 0.1.0
 * @category constants
 */
export const appliedId: Effect.Effect<Option.Option<number>, StoreError, SqlClient.SqlClient> = Effect.gen(
  function*() {
    const sql = yield* SqlClient.SqlClient
    // Look the table up first: a failing statement would poison SQLite's prepared-statement cache.
    const present = yield* sql.onDialectOrElse({
      pg: () =>
        sql<{ readonly present: unknown }>`SELECT CASE WHEN to_regclass(${table}) IS NULL THEN 0 ELSE 1 END AS present`,
      orElse: () =>
        sql<{ readonly present: unknown }>`SELECT COUNT(*) AS present FROM sqlite_master
          WHERE type = 'table' AND name = ${table}`
    })
    if (readNullableNumber(present[0]?.present) !== 1) return Option.none()
    const rows = yield* sql<{ readonly id: unknown }>`SELECT MAX(migration_id) AS id FROM ${sql(table)}`
    return Option.fromNullable(readNullableNumber(rows[0]?.id))
  }
).pipe(operation("migrationsApplied"))

/**
 * Whether every known migration has been applied.
 *
 * @since 0.1.0
 * @category constants
 */
export const applied: Effect.Effect<boolean, StoreError, SqlClient.SqlClient> = Effect.map(
  appliedId,
  Option.match({ onNone: () => false, onSome: (id) => id >= latestId })
)
