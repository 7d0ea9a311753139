/**
 * @since 0.1.0
 */
export * as Ast from "./Ast.js"

/**
 * @since 0.1.0
 */
export * as BlockOrder from "./BlockOrder.js"

/**
 * @since 0.1.0
 */
export * as Budgets from "./Budgets.js"

/**
 * @since 0.1.0
 */
export * as CompiledTemplate from "./CompiledTemplate.js"

/**
 * @since 0.1.0
 */
export * as Convert from "./Convert.js"

/**
 * @since 0.1.0
 */
export * as Diagnostic from "./Diagnostic.js"

/**
 * @since 0.1.0
 */
export * as ExpressionEvaluator from "./ExpressionEvaluator.js"

/**
 * @since 0.1.0
 */
export * as ExpressionParser from "./ExpressionParser.js"

/**
 * @since 0.1.0
 */
export * as FunctionDefinition from "./FunctionDefinition.js"

/**
 * @since 0.1.0
 */
export * as FunctionTable from "./FunctionTable.js"

/**
 * @since 0.1.0
 */
export * as GoQuote from "./GoQuote.js"

/**
 * @since 0.1.0
 */
export * as HclParser from "./HclParser.js"

/**
 * @since 0.1.0
 */
export * as Json from "./Json.js"

/**
 * @since 0.1.0
 */
export * as Loader from "./Loader.js"

/**
 * @since 0.1.0
 */
export * as Operations from "./Operations.js"

/**
 * @since 0.1.0
 */
export * as Overrides from "./Overrides.js"

/**
 * @since 0.1.0
 */
export * as Owner from "./Owner.js"

/**
 * @since 0.1.0
 */
export * as Plan from "./Plan.js"

/**
 * @since 0.1.0
 */
export * as References from "./References.js"

/**
 * @since 0.1.0
 */
export * as Sensitive from "./Sensitive.js"

/**
 * @since 0.1.0
 */
export * as TemplateEvaluation from "./TemplateEvaluation.js"

/**
 * @since 0.1.0
 */
export * as TemplateFiles from "./TemplateFiles.js"

/**
 * @since 0.1.0
 */
export * as TfNumber from "./Number.js"

/**
 * @since 0.1.0
 */
export * as Tfvars from "./Tfvars.js"

/**
 * @since 0.1.0
 */
export * as Type from "./Type.js"

/**
 * @since 0.1.0
 */
export * as TypeConstraint from "./TypeConstraint.js"

/**
 * @since 0.1.0
 */
export * as Value from "./Value.js"
