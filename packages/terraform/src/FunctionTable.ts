/**
 * The registry of Terraform functions available to expressions: every function family merged
 * into one table. `try` and `can` are special forms handled by the evaluator (their arguments
 * are evaluated lazily) and are listed by `names` only.
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

let registry: ReadonlyMap<string, FunctionDefinition> | undefined
let sortedNames: ReadonlyArray<string> | undefined

const table = (): ReadonlyMap<string, FunctionDefinition> => {
  if (registry === undefined) {
    const all: ReadonlyArray<ReadonlyArray<FunctionDefinition>> = [
      collectionFunctions,
      conversionFunctions,
      jsonFunctions,
      yamlFunctions,
      csvFunctions,
      sensitivityFunctions,
      stringFunctions,
      mathFunctions,
      encodingFunctions,
      hashFunctions,
      filesystemFunctions,
      timeFunctions,
      networkFunctions,
      cryptoFunctions,
      [templatefileFunction, templatestringFunction]
    ]
    const map = new Map<string, FunctionDefinition>()
    for (const family of all) for (const definition of family) map.set(definition.name, definition)
    registry = map
  }
  return registry
}

/**
 * The definition of a function by name (`core::` prefix accepted), if it exists.
 *
 * @since 0.1.0
 */
export const lookup = (name: string): FunctionDefinition | undefined =>
  table().get(name.startsWith("core::") ? name.slice(6) : name)

/**
 * Every function name, sorted (including the special forms `can` and `try`).
 *
 * @since 0.1.0
 */
export const names = (): ReadonlyArray<string> => {
  if (sortedNames === undefined) sortedNames = [...table().keys(), "can", "try"].sort()
  return sortedNames
}
