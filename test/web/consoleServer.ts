/**
 * The one place the web console tests start a server: the real application in process
 * (`packages/server/test/utils/apiServer.ts`: every service `warmpool serve` runs, on a SQLite
 * file in a temporary directory, the echo or a command provisioner) serving a freshly built
 * console, on a free port of 127.0.0.1. The tests' own checks beside the browser go through the
 * typed `@warmpool/client`. What a test needs to steer is done with the real thing: slow render
 * answers and the request log in the browser (Playwright's routing and request events), a token
 * the server refuses by presenting another one, failing builds with a failing provisioner
 * command.
 */
import * as HttpServer from "@effect/platform/HttpServer"
import { WarmpoolClient } from "@warmpool/client"
import * as Effect from "effect/Effect"
import * as ManagedRuntime from "effect/ManagedRuntime"
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as ApiServer from "../../packages/server/test/utils/apiServer.js"

const buildScript = path.join(import.meta.dirname, "..", "..", "packages", "server", "web", "build.mjs")

/** The project's example templates (used as they are). */
export const examplesDir: string = path.join(import.meta.dirname, "..", "..", "examples", "templates")

/** Builds the console into `outdir` (default: a new temporary directory) and returns the directory. */
export const buildConsole = (outdir?: string): string => {
  const target = outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-web-"))
  const result = spawnSync(process.execPath, [buildScript, "--outdir", target], { encoding: "utf8" })
  if (result.status !== 0) throw new Error(`web build failed:\n${result.stdout}\n${result.stderr}`)
  return target
}

/** The real server in process, as the console tests see it. */
export interface ConsoleServer {
  readonly url: string
  readonly token: string
  /** A call of the typed API client (with the server's token): the tests' own checks beside the browser. */
  readonly api: <A, E>(call: (client: WarmpoolClient.WarmpoolClientShape) => Effect.Effect<A, E>) => Promise<A>
  /** Stops the server (its services, store and HTTP server) and removes its files. */
  readonly close: () => Promise<void>
}

/** How to start a console server. */
export interface ConsoleServerOptions {
  /** A directory whose sub-directories are imported as templates before the first cycle. */
  readonly templates: string
  /** `warmpool serve` flags over the defaults (`--interval 1s`, `--echo-delay 1s`). */
  readonly flags?: Readonly<Record<string, string>> | undefined
  /** The built console (default: built afresh into a temporary directory). */
  readonly webDirectory?: string | undefined
}

/** The console's token in every suite. */
export const consoleToken = "console-token"

/** Builds the console, starts the application in process and resolves once it serves. */
export const startConsoleServer = async (options: ConsoleServerOptions): Promise<ConsoleServer> => {
  const webDirectory = options.webDirectory ?? buildConsole()
  const runtime = ManagedRuntime.make(ApiServer.layer({
    templates: options.templates,
    webDirectory,
    flags: { token: consoleToken, interval: "1s", "echo-delay": "1s", ...options.flags }
  }))
  const address = await runtime.runPromise(Effect.map(HttpServer.HttpServer, (server) => server.address))
  if (address._tag !== "TcpAddress") throw new Error("the console server did not bind a TCP port")
  return {
    url: `http://127.0.0.1:${address.port}`,
    token: consoleToken,
    api: (call) => runtime.runPromise(Effect.flatMap(WarmpoolClient.WarmpoolClient, call)),
    close: async () => {
      await runtime.dispose()
      if (options.webDirectory === undefined) fs.rmSync(webDirectory, { recursive: true, force: true })
    }
  }
}

/**
 * The console templates: the examples as they are, the fixture with one control per form type,
 * and the fixture with secret requirements, copied into a temporary directory.
 */
export const consoleTemplates = (): string => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-console-templates-"))
  for (const name of fs.readdirSync(examplesDir)) {
    fs.cpSync(path.join(examplesDir, name), path.join(root, name), { recursive: true })
  }
  for (const fixture of ["form-controls", "secrets"]) {
    fs.cpSync(path.join(import.meta.dirname, "fixtures", fixture), path.join(root, fixture), { recursive: true })
  }
  return root
}
