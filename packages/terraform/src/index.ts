/**
 * @since 0.1.0
 */
export * as Ast from "./Ast.js"

/**
 * @since 0.1.0
 */
export * as Diagnostic from "./Diagnostic.js"

/**
 * @since 0.1.0
 */
export * as TfNumber from "./Number.js"

/**
 * @since 0.1.0
 */
export * as Type from "./Type.js"

/**
 * @since 0.1.0
 */
export * as Value from "./Value.js"
