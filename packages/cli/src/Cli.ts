/**
 * The `warmpool` command: parses arguments, provides layers, prints. Sub-commands live in one
 * module each and are added here.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"

/**
 * warmpool's version, printed by `warmpool --version`.
 *
 * @since 0.1.0
 */
export const version = "0.1.0"

/**
 * The root command.
 *
 * @since 0.1.0
 */
export const root = Command.make("warmpool").pipe(
  Command.withDescription(
    "Keep pools of prebuilt workspaces warm for Coder-style Terraform templates, and render their dynamic parameters."
  )
)

/**
 * Run the CLI on the given `process.argv`.
 *
 * @since 0.1.0
 */
export const run = Command.run(root, { name: "warmpool", version })
