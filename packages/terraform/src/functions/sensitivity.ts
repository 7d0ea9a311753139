/**
 * `sensitive`, `nonsensitive`, `issensitive`. warmpool does not model sensitivity marks (RENDER.md
 * §2.14): `sensitive(x)` and `nonsensitive(x)` return `x`, and `issensitive(x)` is false.
 *
 * @since 0.1.0
 */
import type { FunctionDefinition, Parameter } from "../Function.js"
import * as T from "../Type.js"
import * as V from "../Value.js"

const value: Parameter = {
  name: "value",
  type: T.dynamic,
  allowNull: true,
  allowUnknown: true,
  allowDynamicType: true
}

const identity = (name: string): FunctionDefinition => ({
  name,
  parameters: [value],
  returnType: (args) => V.typeOf(args[0]!),
  impl: ([v]) => v!
})

/**
 * @since 0.1.0
 */
export const sensitivityFunctions: ReadonlyArray<FunctionDefinition> = [
  {
    name: "issensitive",
    parameters: [value],
    returnType: T.bool,
    impl: () => V.False
  },
  identity("nonsensitive"),
  identity("sensitive")
]
