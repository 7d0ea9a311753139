/**
 * @since 0.1.0
 */
export * as Api from "./Api.js"

/**
 * @since 0.1.0
 */
export * as WarmpoolClient from "./WarmpoolClient.js"
