/**
 * `sensitive`, `nonsensitive`, `issensitive` over the marks of `Sensitive` (RENDER.md §2.14:
 * marks never change a rendered value; they only answer `issensitive` and how `console` prints).
 * `nonsensitive` of an unmarked value is allowed, as in Terraform 1.11. `ephemeralasnull` turns
 * ephemeral values into null; no value is ephemeral in a template render, so it returns its
 * argument (with its marks).
 *
 * @since 0.1.0
 * @internal
 */
import type { FunctionDefinition, Parameter } from "../FunctionDefinition.js"
import * as Sensitive from "../Sensitive.js"
import * as T from "../Type.js"
import * as V from "../Value.js"

const value: Parameter = {
  name: "value",
  type: T.dynamic,
  allowNull: true,
  allowUnknown: true,
  allowDynamicType: true
}

/**
 * The names of the functions that read marks themselves (their results are not marked for them).
 *
 * @since 0.1.0
 */
export const markAware: ReadonlySet<string> = new Set(["issensitive", "nonsensitive", "sensitive"])

/**
 * @since 0.1.0
 */
export const sensitivityFunctions: ReadonlyArray<FunctionDefinition> = [
  {
    name: "ephemeralasnull",
    parameters: [value],
    returnType: (args) => V.typeOf(args[0]!),
    impl: ([v]) => v!
  },
  {
    name: "issensitive",
    parameters: [value],
    returnType: T.bool,
    impl: ([v]) => V.bool(Sensitive.isSensitive(v!))
  },
  {
    name: "nonsensitive",
    parameters: [value],
    returnType: (args) => V.typeOf(args[0]!),
    impl: ([v]) => Sensitive.nonsensitive(v!)
  },
  {
    name: "sensitive",
    parameters: [value],
    returnType: (args) => V.typeOf(args[0]!),
    impl: ([v]) => Sensitive.sensitive(v!)
  }
]
