/**
 * The `warmpool` command: parses arguments, provides layers, prints. Each sub-command is one
 * module; its handler is imported only when it runs, so `--version` and `--help` stay fast.
 *
 * @since 0.1.0
 */
import * as Command from "@effect/cli/Command"
import { benchCommand } from "./commands/benchCommand.js"
import { consoleCommand } from "./commands/consoleCommand.js"
import { evalCommand } from "./commands/evalCommand.js"
import { migrateCommand } from "./commands/migrateCommand.js"
import { presetsCommand } from "./commands/presetsCommand.js"
import { renderCommand } from "./commands/renderCommand.js"
import { serveCommand } from "./commands/serveCommand.js"
import { simulateCommand } from "./commands/simulateCommand.js"
import { normalizeArgv } from "./internal/argvOrder.js"

/**
 * warmpool's version, printed by `warmpool --version`.
 *
 * @since 0.1.0
 * @category constants
 */
export const version = "0.1.0"

/**
 * The root command.
 *
 * @since 0.1.0
 * @category constants
 */
export const root = Command.make("warmpool").pipe(
  Command.withDescription(
    "Keep pools of prebuilt workspaces warm for Coder-style Terraform templates, and render their dynamic parameters."
  ),
  Command.withSubcommands([
    serveCommand,
    renderCommand,
    evalCommand,
    consoleCommand,
    presetsCommand,
    simulateCommand,
    migrateCommand,
    benchCommand
  ])
)

const runRoot = Command.run(root, { name: "warmpool", version })

/**
 * Run the CLI on the given `process.argv` (`eval`'s options may follow its expression).
 *
 * @since 0.1.0
 * @category utils
 */
export const run = (argv: ReadonlyArray<string>): ReturnType<typeof runRoot> => runRoot(normalizeArgv(argv))
