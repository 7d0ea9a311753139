/**
 * The one place the web console tests start a server.
 *
 * - {@link startConsoleServer}: the real `warmpool serve` (the built CLI, a fresh SQLite file,
 *   a 1 s reconciler with 1 s echo builds) on the example templates plus this suite's
 *   `form-controls` fixture. Everything the console does runs against it.
 * - {@link startStubConsoleServer}: the stand-in of `stubServer.ts`, kept only for a pool state
 *   the real server cannot reach deterministically within a test: a preset that has hit the
 *   failure hard limit with a backoff in force (three failed builds a backoff interval apart
 *   take minutes with `serve`'s fixed 1 min backoff interval).
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { examplesDir, type Reply, type RequestOptions, startServer } from "../e2e/server.js"
import { startStubServer, type StubServer } from "./stubServer.js"

const buildScript = path.join(import.meta.dirname, "..", "..", "packages", "server", "web", "build.mjs")

/**
 * Builds the console (into `outdir`, or into `packages/server/dist/web`, where `warmpool serve`
 * serves it from) and returns the directory.
 */
export const buildConsole = (outdir?: string): string => {
  const target = outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-web-"))
  const result = spawnSync(process.execPath, [buildScript, "--outdir", target], { encoding: "utf8" })
  if (result.status !== 0) throw new Error(`web build failed:\n${result.stdout}\n${result.stderr}`)
  return target
}

/** The real server, as the console tests see it. */
export interface ConsoleServer {
  readonly url: string
  readonly token: string
  /** A request to the API with the server's token (the tests' own checks, beside the browser). */
  readonly api: (route: string, options?: RequestOptions) => Promise<Reply>
  /** Stops the server (SIGTERM; it must exit with status 0) and removes its files. */
  readonly close: () => Promise<void>
}

/**
 * The console templates: the examples as they are, the fixture with one control per form type,
 * and the fixture with secret requirements.
 */
const templatesRoot = (): string => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-console-templates-"))
  for (const name of fs.readdirSync(examplesDir)) {
    fs.cpSync(path.join(examplesDir, name), path.join(root, name), { recursive: true })
  }
  for (const fixture of ["form-controls", "secrets"]) {
    fs.cpSync(path.join(import.meta.dirname, "fixtures", fixture), path.join(root, fixture), { recursive: true })
  }
  return root
}

/** Builds the console where the server serves it and starts `warmpool serve` with the templates. */
export const startConsoleServer = async (): Promise<ConsoleServer> => {
  buildConsole(path.join(import.meta.dirname, "..", "..", "packages", "server", "dist", "web"))
  const templates = templatesRoot()
  const server = await startServer({ templates, token: "console-token", interval: "1s", echoDelay: "1s" })
  return {
    url: server.url,
    token: server.token,
    api: (route, options) => server.request(route, options),
    close: async () => {
      const stopped = await server.stop("SIGTERM")
      await server.dispose()
      fs.rmSync(templates, { recursive: true, force: true })
      if (stopped.code !== 0) throw new Error(`warmpool serve exited with ${stopped.code}:\n${stopped.output}`)
    }
  }
}

/** The stub (see the module comment for the one thing it is still used for). */
export const startStubConsoleServer = (): Promise<StubServer> => startStubServer({ webDir: buildConsole() })
