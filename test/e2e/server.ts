/**
 * Starts the real `warmpool serve` as a child process for the end-to-end suites: a temporary
 * directory (SQLite file), `--port 0` (the port is read from the banner), `/healthz` polled until
 * it answers, and a stop by signal that reports how the process ended. Node's `fetch` is the
 * HTTP client: raw (`request`, for status codes, headers and malformed input) or through the
 * typed `@warmpool/client` (`api`, answers decoded by the API's own schemas).
 *
 * The server runs from the build output (`packages/cli/dist/bin.js`), which `pnpm install` /
 * `pnpm build` produce; the web console suite rebuilds `packages/server/dist/web` itself.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { WarmpoolClient } from "@warmpool/client"
import * as Effect from "effect/Effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"

/** The repository root. */
export const repoRoot: string = path.join(import.meta.dirname, "..", "..")

/** The `warmpool` binary the suites run. */
export const binPath: string = path.join(repoRoot, "packages", "cli", "dist", "bin.js")

/** The project's example templates (used as they are). */
export const examplesDir: string = path.join(repoRoot, "examples", "templates")

/** This suite's own template fixtures. */
export const fixturesDir: string = path.join(import.meta.dirname, "fixtures")

/** Why the server cannot start from this checkout, or `undefined` when it can. */
export const missingBuild = (): string | undefined => {
  if (!fs.existsSync(binPath)) {
    return `${binPath} is missing: build first (npx tsc -b packages/cli/tsconfig.src.json, or pnpm build)`
  }
  return undefined
}

/** How to start a server; everything has a test-friendly default. */
export interface ServerOptions {
  /** A directory whose sub-directories are imported as templates at start (`--templates`). */
  readonly templates?: string | undefined
  /** A SQLite file or a `postgres://` URL (default: `warmpool.db` in a fresh temporary directory). */
  readonly db?: string | undefined
  readonly token?: string | undefined
  /** `--interval` (default `1s`). */
  readonly interval?: string | undefined
  /** `--echo-delay` (default `200ms`). */
  readonly echoDelay?: string | undefined
  /** More flags. */
  readonly args?: ReadonlyArray<string> | undefined
  /** Environment variables (every inherited `WARMPOOL_*` variable is removed first). */
  readonly env?: Readonly<Record<string, string>> | undefined
  /** How long the banner and `/healthz` may take (default 90 s: the banner follows the start-up imports, slow on a loaded machine). */
  readonly startTimeoutMs?: number | undefined
}

/** How a stopped server ended. */
export interface Stopped {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  /** From sending the signal to the process's exit. */
  readonly elapsedMs: number
  /** Whether the process had to be killed (it did not stop within the time allowed). */
  readonly killed: boolean
  readonly output: string
}

/** An HTTP exchange, body read as text (and parsed when it is JSON). */
export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

/** What a request sends; `token: null` sends no `Authorization` header. */
export interface RequestOptions {
  readonly method?: string | undefined
  /** A value sent as JSON, or raw bytes / text sent as they are. */
  readonly json?: unknown
  readonly body?: Uint8Array | string | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly token?: string | null | undefined
}

/** A running `warmpool serve`. */
export interface RunningServer {
  readonly url: string
  readonly port: number
  readonly token: string
  /** The `--db` value. */
  readonly db: string
  /** The server's temporary directory (removed by {@link RunningServer.dispose}). */
  readonly directory: string
  readonly pid: number
  /** Everything the process printed so far (stdout and stderr, interleaved). */
  readonly output: () => string
  /** A request with the server's token (unless `token` says otherwise). */
  readonly request: (route: string, options?: RequestOptions) => Promise<Reply>
  /**
   * A call of the typed client with the server's token; a typed error (`NotFound`, ...) rejects
   * the promise with the error.
   */
  readonly api: <A, E>(call: (client: WarmpoolClient.WarmpoolClientShape) => Effect.Effect<A, E>) => Promise<A>
  /** Sends `signal` and waits up to `timeoutMs` (default 15 s) for the exit; kills it after that. */
  readonly stop: (signal?: NodeJS.Signals, timeoutMs?: number) => Promise<Stopped>
  /** Kills the process if it still runs and removes the temporary directory. */
  readonly dispose: () => Promise<void>
}

const live = new Set<ChildProcess>()
process.once("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

/** Lines of a JavaScript stack trace (`    at fn (file.js:1:2)`). */
export const stackTracePattern = /^\s*at\s.*(?:\(.*:\d+:\d+\)|:\d+:\d+)\s*$/m

/** Whether a text contains a stack trace. */
export const hasStackTrace = (text: string): boolean => stackTracePattern.test(text)

const withoutWarmpoolEnv = (extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("WARMPOOL_")) env[key] = value
  }
  return { ...env, NO_COLOR: "1", ...extra }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Sends one request and reads the whole reply. */
export const request = async (url: string, options: RequestOptions): Promise<Reply> => {
  const headers: Record<string, string> = { ...options.headers }
  if (options.token !== undefined && options.token !== null) headers.authorization = `Bearer ${options.token}`
  let body: Uint8Array | string | undefined = options.body
  if (options.json !== undefined) {
    body = JSON.stringify(options.json)
    headers["content-type"] ??= "application/json"
  }
  const response = await fetch(url, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    ...(body === undefined ? {} : { body })
  })
  const text = await response.text()
  let json: unknown = undefined
  if ((response.headers.get("content-type") ?? "").includes("json")) {
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
  }
  return { status: response.status, headers: response.headers, text, json } satisfies Reply
}

/** A call of the typed client of the server at `url`. */
export const callApi = <A, E>(
  url: string,
  token: string,
  call: (client: WarmpoolClient.WarmpoolClientShape) => Effect.Effect<A, E>
): Promise<A> =>
  Effect.runPromise(
    WarmpoolClient.make({ baseUrl: url, token }).pipe(Effect.flatMap(call), Effect.provide(FetchHttpClient.layer))
  )

/** Starts `warmpool serve` and resolves once its banner is printed and `/healthz` answers. */
export const startServer = async (options: ServerOptions = {}): Promise<RunningServer> => {
  const missing = missingBuild()
  if (missing !== undefined) throw new Error(missing)
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-e2e-"))
  const db = options.db ?? path.join(directory, "warmpool.db")
  const token = options.token ?? "e2e-token"
  const args = [
    binPath,
    "serve",
    "--db",
    db,
    "--port",
    "0",
    "--token",
    token,
    "--interval",
    options.interval ?? "1s",
    "--echo-delay",
    options.echoDelay ?? "200ms",
    ...(options.templates === undefined ? [] : ["--templates", options.templates]),
    ...(options.args ?? [])
  ]
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: withoutWarmpoolEnv(options.env ?? {}),
    stdio: ["ignore", "pipe", "pipe"]
  })
  live.add(child)
  let output = ""
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      live.delete(child)
      resolve({ code, signal })
    })
  )
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
  void exited.then((e) => (exit = e))

  const fail = async (why: string): Promise<never> => {
    child.kill("SIGKILL")
    await exited
    fs.rmSync(directory, { recursive: true, force: true })
    throw new Error(`warmpool serve ${why}\n--- output ---\n${output}`)
  }

  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000)
  let port: number | undefined
  while (port === undefined) {
    const match = /serving on http:\/\/[^:\s]+:(\d+)/.exec(output)
    if (match !== null) port = Number(match[1])
    else if (exit !== undefined) return fail(`exited (${exit.code ?? exit.signal}) before its banner`)
    else if (Date.now() > deadline) return fail("printed no banner in time")
    else await sleep(25)
  }
  const url = `http://127.0.0.1:${port}`
  for (;;) {
    const healthy = await request(`${url}/healthz`, {}).then((r) => r.status === 200, () => false)
    if (healthy) break
    if (exit !== undefined) return fail(`exited (${exit.code ?? exit.signal}) before /healthz answered`)
    if (Date.now() > deadline) return fail("did not answer /healthz in time")
    await sleep(50)
  }

  const stop = async (signal: NodeJS.Signals = "SIGTERM", timeoutMs = 15_000): Promise<Stopped> => {
    const started = Date.now()
    if (exit === undefined) child.kill(signal)
    let killed = false
    const timer = setTimeout(() => {
      killed = true
      child.kill("SIGKILL")
    }, timeoutMs)
    const ended = await exited
    clearTimeout(timer)
    return { ...ended, elapsedMs: Date.now() - started, killed, output }
  }

  return {
    url,
    port,
    token,
    db,
    directory,
    pid: child.pid!,
    output: () => output,
    request: (route, requestOptions = {}) =>
      request(`${url}${route}`, {
        ...requestOptions,
        token: requestOptions.token === undefined ? token : requestOptions.token
      }),
    api: (call) => callApi(url, token, call),
    stop,
    dispose: async () => {
      if (exit === undefined) {
        child.kill("SIGKILL")
        await exited
      }
      fs.rmSync(directory, { recursive: true, force: true })
    }
  }
}

/** Polls `probe` until it returns a value other than `undefined` (or throws after `timeoutMs`). */
export const eventually = async <A>(
  what: string,
  probe: () => Promise<A | undefined> | A | undefined,
  timeoutMs = 15_000,
  intervalMs = 100
): Promise<A> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(intervalMs)
  }
}

export { sleep }
