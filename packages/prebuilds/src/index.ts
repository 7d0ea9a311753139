/**
 * @since 0.1.0
 */
export * as Domain from "./Domain.js"

/**
 * @since 0.1.0
 */
export * as PresetActions from "./PresetActions.js"

/**
 * @since 0.1.0
 */
export * as PresetState from "./PresetState.js"

/**
 * @since 0.1.0
 */
export * as PresetSchedule from "./PresetSchedule.js"

/**
 * @since 0.1.0
 */
export * as Settings from "./Settings.js"

/**
 * @since 0.1.0
 */
export * as Snapshot from "./Snapshot.js"

/**
 * @since 0.1.0
 */
export * as Migrations from "./Migrations.js"

/**
 * @since 0.1.0
 */
export * as Store from "./Store.js"

/**
 * @since 0.1.0
 */
export * as JobNotifications from "./JobNotifications.js"

/**
 * @since 0.1.0
 */
export * as Provisioner from "./Provisioner.js"

/**
 * @since 0.1.0
 */
export * as ParameterValidationError from "./ParameterValidationError.js"

/**
 * @since 0.1.0
 */
export * as WorkspaceBuilder from "./WorkspaceBuilder.js"

/**
 * @since 0.1.0
 */
export * as StoreTemplateSource from "./StoreTemplateSource.js"

/**
 * @since 0.1.0
 */
export * as TemplateImport from "./TemplateImport.js"

/**
 * @since 0.1.0
 */
export * as TemplateVersions from "./TemplateVersions.js"

/**
 * @since 0.1.0
 */
export * as QueueBudget from "./QueueBudget.js"

/**
 * @since 0.1.0
 */
export * as Reconciler from "./Reconciler.js"

/**
 * @since 0.1.0
 */
export * as ReconcilerMetrics from "./ReconcilerMetrics.js"

/**
 * @since 0.1.0
 */
export * as Claims from "./Claims.js"

/**
 * @since 0.1.0
 */
export * as Simulation from "./Simulation.js"

/**
 * @since 0.1.0
 */
export * as JobLeases from "./JobLeases.js"

/**
 * @since 0.1.0
 */
export * as JobReaper from "./JobReaper.js"

/**
 * The truthful state of a preset's pool (issue 12).
 *
 * @since 0.1.0
 */
export * as PoolState from "./PoolState.js"

/**
 * Quarantine of template versions whose renders keep exceeding a budget or deadline.
 *
 * @since 0.1.0
 */
export * as Quarantine from "./Quarantine.js"

/**
 * @since 0.1.0
 */
export * as Prebuilds from "./Prebuilds.js"

/**
 * The claim log: claims and misses per preset (issue 16).
 *
 * @since 0.1.0
 */
export * as ClaimLog from "./ClaimLog.js"

/**
 * Demand policies: a preset's pool size as an HCL expression over its demand (issue 16).
 *
 * @since 0.1.0
 */
export * as DemandPolicy from "./DemandPolicy.js"

/**
 * Claim workloads of `simulate`: traces and seeded Poisson arrivals (issue 16).
 *
 * @since 0.1.0
 */
export * as ClaimWorkload from "./ClaimWorkload.js"
