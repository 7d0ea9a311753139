/**
 * @since 0.1.0
 */
export * as CacheSettings from "./CacheSettings.js"

/**
 * @since 0.1.0
 */
export * as RenderCache from "./RenderCache.js"

/**
 * @since 0.1.0
 */
export * as Renderer from "./Renderer.js"

/**
 * @since 0.1.0
 */
export * as RenderKey from "./RenderKey.js"

/**
 * @since 0.1.0
 */
export * as RenderOutput from "./RenderOutput.js"

/**
 * @since 0.1.0
 */
export * as ParameterValue from "./ParameterValue.js"

/**
 * @since 0.1.0
 */
export * as TemplateCache from "./TemplateCache.js"

/**
 * @since 0.1.0
 */
export * as TemplateSource from "./TemplateSource.js"

/**
 * @since 0.1.0
 */
export * as RenderError from "./RenderError.js"

/**
 * @since 0.1.0
 */
export * as SecretRequirements from "./SecretRequirements.js"

/**
 * @since 0.1.0
 */
export * as StaleOptions from "./StaleOptions.js"

/**
 * @since 0.1.0
 */
export * as RenderWorker from "./RenderWorker.js"

/**
 * @since 0.1.0
 */
export * as RenderWorkerPool from "./RenderWorkerPool.js"
