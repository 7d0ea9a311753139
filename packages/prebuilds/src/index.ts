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
export * as Schedule from "./Schedule.js"

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
