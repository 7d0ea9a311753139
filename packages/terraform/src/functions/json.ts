/**
 * `jsonencode` and `jsondecode`, with cty semantics (objects and tuples from decoding, exact
 * numbers).
 *
 * @since 0.1.0
 * @internal
 */
import * as Either from "effect/Either"
import { type FunctionDefinition, FunctionError, type Parameter } from "../FunctionDefinition.js"
import * as Json from "../Json.js"
import * as T from "../Type.js"
import * as V from "../Value.js"

const UnknownString = V.unknownOf(T.string)

const anyValue: Parameter = {
  name: "val",
  type: T.dynamic,
  allowNull: true,
  allowUnknown: true,
  allowDynamicType: true
}

const str: Parameter = { name: "str", type: T.string }

const jsonencode: FunctionDefinition = {
  name: "jsonencode",
  parameters: [anyValue],
  returnType: T.string,
  impl: ([v]) => {
    if (!V.isWhollyKnown(v!)) return UnknownString
    const encoded = Json.encode(v!)
    return Either.isRight(encoded) ? V.string(encoded.right) : new FunctionError(encoded.left)
  }
}

const jsondecode: FunctionDefinition = {
  name: "jsondecode",
  parameters: [str],
  returnType: T.dynamic,
  impl: ([s]) => {
    const decoded = Json.decode((s as V.StringValue).value)
    return Either.isRight(decoded) ? decoded.right : new FunctionError(decoded.left)
  }
}

/**
 * @since 0.1.0
 * @category functions
 */
export const jsonFunctions: ReadonlyArray<FunctionDefinition> = [jsondecode, jsonencode]
