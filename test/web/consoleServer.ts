/**
 * The one place the web console tests start a server. Today it is the stub; when `warmpool
 * serve` lands, point `startConsoleServer` at it (a one-line change) and keep the tests as they
 * are.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { startStubServer, type StubServer } from "./stubServer.js"

const buildScript = path.join(import.meta.dirname, "..", "..", "packages", "server", "web", "build.mjs")

/** Builds the console into a fresh temporary directory and returns it. */
export const buildConsole = (): string => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-web-"))
  const result = spawnSync(process.execPath, [buildScript, "--outdir", outdir], { encoding: "utf8" })
  if (result.status !== 0) throw new Error(`web build failed:\n${result.stdout}\n${result.stderr}`)
  return outdir
}

export type ConsoleServer = StubServer

/** Builds the console and serves it with the `/api/v1` contract. */
export const startConsoleServer = (): Promise<ConsoleServer> => startStubServer({ webDir: buildConsole() })
