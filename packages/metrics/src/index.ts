/**
 * @since 0.1.0
 */
export * as Exposition from "./Exposition.js"

/**
 * @since 0.1.0
 */
export * as Metrics from "./Metrics.js"

/**
 * @since 0.1.0
 */
export * as PrebuildState from "./PrebuildState.js"

/**
 * @since 0.1.0
 */
export * as Spans from "./Spans.js"
