/**
 * Terraform's explicit type conversion functions: `tostring`, `tonumber`, `tobool`, `tolist`,
 * `toset`, `tomap` (Terraform's `MakeToFunc`, with its error messages).
 *
 * @since 0.1.0
 * @internal
 */
import { conversionExists, ConversionFailure, convertValue, mismatchMessage } from "../Convert.js"
import { type FunctionDefinition, FunctionError } from "../FunctionDefinition.js"
import * as T from "../Type.js"
import * as V from "../Value.js"

const conversionFunction = (name: string, want: T.Type): FunctionDefinition => {
  const typeError = (got: T.Type): FunctionError | undefined => {
    if (T.equals(got, want) || conversionExists(got, want)) return undefined
    if (got._tag === "Tuple" && want._tag === "Tuple") {
      return new FunctionError(`incompatible tuple type for conversion: ${mismatchMessage(got, want)}`, 0)
    }
    if (got._tag === "Object" && want._tag === "Object") {
      return new FunctionError(`incompatible object type for conversion: ${mismatchMessage(got, want)}`, 0)
    }
    return new FunctionError(`cannot convert ${T.friendlyName(got)} to ${T.friendlyNameForConstraint(want)}`, 0)
  }
  return {
    name,
    parameters: [{ name: "v", type: T.dynamic, allowNull: true, allowUnknown: true, allowDynamicType: true }],
    returnType: (args) => typeError(V.typeOf(args[0]!)) ?? want,
    impl: ([v]) => {
      const value = v!
      const got = V.typeOf(value)
      const problem = typeError(got)
      if (problem !== undefined) return problem
      const converted = convertValue(value, want)
      if (!(converted instanceof ConversionFailure)) return converted
      const what = value._tag === "String" ? JSON.stringify(value.value) : "string"
      if (got._tag === "String" && want._tag === "Bool") {
        return new FunctionError(`cannot convert ${what} to bool; only the strings "true" or "false" are allowed`, 0)
      }
      if (got._tag === "String" && want._tag === "Number") {
        return new FunctionError(
          `cannot convert ${what} to number; given string must be a decimal representation of a number`,
          0
        )
      }
      return new FunctionError(`cannot convert ${T.friendlyName(got)} to ${T.friendlyNameForConstraint(want)}`, 0)
    }
  }
}

/**
 * @since 0.1.0
 */
export const conversionFunctions: ReadonlyArray<FunctionDefinition> = [
  conversionFunction("tobool", T.bool),
  conversionFunction("tolist", T.list(T.dynamic)),
  conversionFunction("tomap", T.map(T.dynamic)),
  conversionFunction("tonumber", T.number),
  conversionFunction("toset", T.set(T.dynamic)),
  conversionFunction("tostring", T.string)
]
