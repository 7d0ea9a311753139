/**
 * The contract of Terraform functions: each function is a `FunctionDefinition`; the evaluator
 * converts arguments to the parameter types, handles null and unknown arguments per the
 * parameter flags, calls `impl`, and turns a `FunctionError` into a diagnostic.
 *
 * @since 0.1.0
 */
import type { Meter } from "./Budgets.js"
import type { FunctionTable } from "./FunctionTable.js"
import type * as T from "./Type.js"
import type { Value } from "./Value.js"

/**
 * Read-only access to the files of the template version being evaluated. Paths are relative to
 * the template root, `/`-separated and normalised (no `.` or `..` segments, no leading `/`).
 * File functions validate and normalise user paths (rejecting absolute paths, `~` and escapes
 * from the root) before asking.
 *
 * @since 0.1.0
 * @category models
 */
export interface FileAccess {
  /** The bytes of a regular file, or `undefined` when there is no such file. */
  readonly readFile: (path: string) => Uint8Array | undefined
  /** Every regular file path in the template version, sorted. */
  readonly listFiles: () => ReadonlyArray<string>
}

/**
 * File access for evaluations that have no template (e.g. `warmpool eval`): no files.
 *
 * @since 0.1.0
 * @category constants
 */
export const noFiles: FileAccess = { readFile: () => undefined, listFiles: () => [] }

/**
 * @since 0.1.0
 * @category models
 */
export interface Parameter {
  readonly name: string
  /** Arguments are converted to this type before the call (`Type.dynamic`: no conversion). */
  readonly type: T.Type
  /** Accept a null argument (otherwise: "argument must not be null"). */
  readonly allowNull?: boolean
  /**
   * Call `impl` even when the argument is not wholly known (otherwise the result is an unknown
   * of the return type without calling `impl`).
   */
  readonly allowUnknown?: boolean
  /**
   * Call `impl` (or `returnType`) even when the argument's type is not known yet (an unknown or
   * null of type `any`); otherwise such a call returns the dynamic unknown.
   */
  readonly allowDynamicType?: boolean
}

/**
 * What a function sees when it is called.
 *
 * @since 0.1.0
 * @category models
 */
export interface FunctionContext {
  readonly files: FileAccess
  /**
   * The render's budget meter: functions that build large values check their size with it
   * before allocating (absent when an implementation is called directly).
   */
  readonly meter?: Meter | undefined
  /**
   * The functions the calling expression was compiled with (`templatefile` compiles templates
   * against them; absent when an implementation is called directly).
   */
  readonly functions?: FunctionTable | undefined
  /**
   * The instant `timestamp()` returns, in Unix milliseconds: read from Effect's `Clock` by the
   * caller once per render, so that a render is a pure function of its inputs. Absent,
   * `timestamp()` is an unknown string (as in Terraform's validation, where impure functions are
   * not called).
   */
  readonly now?: number | undefined
}

/**
 * A failed call: `message` becomes `Call to function "<name>" failed: <message>.`, or, with
 * `argument` (0-based), `Invalid value for "<param>" parameter: <message>.`
 *
 * @since 0.1.0
 * @category errors
 */
export class FunctionError {
  readonly _tag = "FunctionError"
  constructor(readonly message: string, readonly argument?: number) {}
}

/**
 * @since 0.1.0
 * @category models
 */
export interface FunctionDefinition {
  readonly name: string
  readonly parameters: ReadonlyArray<Parameter>
  /** Extra arguments after `parameters`, all of this kind. */
  readonly variadic?: Parameter | undefined
  /**
   * The result type: fixed, or computed from the (converted) arguments — used for the typed
   * unknown returned when an argument is unknown.
   */
  readonly returnType: T.Type | ((args: ReadonlyArray<Value>) => T.Type | FunctionError)
  readonly impl: (args: ReadonlyArray<Value>, context: FunctionContext) => Value | FunctionError
  /** `timestamp`, `uuid`, `bcrypt`: a render that calls it must not be cached. */
  readonly impure?: boolean
}
