/**
 * @since 0.1.0
 */
export * as Api from "@warmpool/client/Api"

/**
 * @since 0.1.0
 */
export * as App from "./App.js"

/**
 * @since 0.1.0
 */
export * as Authorization from "./Authorization.js"

/**
 * @since 0.1.0
 */
export * as HttpServer from "./HttpServer.js"

/**
 * @since 0.1.0
 */
export * as ServerConfig from "./ServerConfig.js"

/**
 * @since 0.1.0
 */
export * as Setting from "./Setting.js"

/**
 * @since 0.1.0
 */
export * as StaticFiles from "./StaticFiles.js"

/**
 * @since 0.1.0
 */
export * as Readiness from "./Readiness.js"

/**
 * @since 0.1.0
 */
export * as TemplateWatcher from "./TemplateWatcher.js"
