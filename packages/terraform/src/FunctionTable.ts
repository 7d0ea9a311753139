/**
 * Tables of the Terraform functions available to expressions. `standard` merges every function
 * family; an expression is compiled against a table (`ExpressionEvaluator.compile`), so an
 * embedding application can compile with fewer or more functions. `try` and `can` are special
 * forms handled by the evaluator (their arguments are evaluated lazily) and are listed by
 * `names` only.
 *
 * The evaluator receives the table instead of importing it: `templatefile` compiles templates
 * with the table of the expression that calls it (`FunctionContext.functions`).
 *
 * @since 0.1.0
 */
import type { FunctionDefinition } from "./FunctionDefinition.js"
import { collectionFunctions } from "./functions/collection.js"
import { conversionFunctions } from "./functions/conversion.js"
import { cryptoFunctions } from "./functions/crypto.js"
import { csvFunctions } from "./functions/csv.js"
import { encodingFunctions } from "./functions/encoding.js"
import { filesystemFunctions } from "./functions/filesystem.js"
import { hashFunctions } from "./functions/hash.js"
import { jsonFunctions } from "./functions/json.js"
import { mathFunctions } from "./functions/math.js"
import { networkFunctions } from "./functions/network.js"
import { sensitivityFunctions } from "./functions/sensitivity.js"
import { stringFunctions } from "./functions/string.js"
import { timeFunctions } from "./functions/time.js"
import { yamlFunctions } from "./functions/yaml.js"
import { templatefileFunction, templatestringFunction } from "./internal/evalTemplatefile.js"

/**
 * A set of functions by name.
 *
 * @since 0.1.0
 * @category models
 */
export interface FunctionTable {
  /** The definition of a function by name (`core::` prefix accepted), if it exists. */
  readonly lookup: (name: string) => FunctionDefinition | undefined
  /** Every function name, sorted (including the special forms `can` and `try`). */
  readonly names: () => ReadonlyArray<string>
}

/**
 * A table of the given functions (a later definition of a name replaces an earlier one).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (definitions: Iterable<FunctionDefinition>): FunctionTable => {
  const map = new Map<string, FunctionDefinition>()
  for (const definition of definitions) map.set(definition.name, definition)
  let sortedNames: ReadonlyArray<string> | undefined
  return {
    lookup: (name) => map.get(name.startsWith("core::") ? name.slice(6) : name),
    names: () => {
      if (sortedNames === undefined) sortedNames = [...map.keys(), "can", "try"].sort()
      return sortedNames
    }
  }
}

/**
 * Every Terraform function warmpool implements.
 *
 * @since 0.1.0
 * @category tables
 */
export const standard: FunctionTable = make([
  ...collectionFunctions,
  ...conversionFunctions,
  ...jsonFunctions,
  ...yamlFunctions,
  ...csvFunctions,
  ...sensitivityFunctions,
  ...stringFunctions,
  ...mathFunctions,
  ...encodingFunctions,
  ...hashFunctions,
  ...filesystemFunctions,
  ...timeFunctions,
  ...networkFunctions,
  ...cryptoFunctions,
  templatefileFunction,
  templatestringFunction
])

/**
 * The definition of a standard function by name (`core::` prefix accepted), if it exists.
 *
 * @since 0.1.0
 * @category lookups
 */
export const lookup = (name: string): FunctionDefinition | undefined => standard.lookup(name)

/**
 * Every standard function name, sorted (including the special forms `can` and `try`).
 *
 * @since 0.1.0
 * @category lookups
 */
export const names = (): ReadonlyArray<string> => standard.names()
