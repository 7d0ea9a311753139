/**
 * `warmpool bench http`: server CPU per request of a real server on loopback (issue 14).
 *
 * The server is this build's service (the same layers `warmpool serve` composes: a temporary
 * SQLite file, the render worker pool unless `--render-workers 0`) listening on 127.0.0.1 in this
 * process; the requests come from a child process, so this process's CPU time
 * (`process.cpuUsage`, every thread: the serving thread and the render workers) is the server's
 * alone. One template is imported, then per round and in a rotating order, a batch of each kind
 * is sent one request at a time over one keep-alive connection:
 *
 * - `healthz`: `GET /healthz`;
 * - `renderHit`: the same render request every time (a render cache hit, full body, no
 *   `If-None-Match`);
 * - `renderMiss`: a render request with a value never sent before (a render cache miss: the key,
 *   the render in a worker, the cache insert, the encoding).
 *
 * Each figure is the median over the rounds of the batch's CPU time divided by its size, in µs.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as HttpServer from "@effect/platform/HttpServer"
import { App, HttpServer as WarmpoolHttpServer, ServerConfig } from "@warmpool/server"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { type ChildProcess, spawn } from "node:child_process"
import * as nodeFs from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import { exitCode } from "../internal/keyValue.js"

export interface BenchHttpArgs {
  readonly json: boolean
  /** Requests of each kind per round. */
  readonly batch: number
  readonly rounds: number
  /** `--render-workers` of the server (default: the server's default). */
  readonly renderWorkers: number | undefined
  /** Only these kinds (profiling one path); default all. */
  readonly only?: ReadonlyArray<Kind> | undefined
}

/** What `bench http --json` prints: server CPU per request, in microseconds. */
export interface BenchHttpResult {
  readonly healthzCpuUs: number
  readonly renderHitCpuUs: number
  readonly renderMissCpuUs: number
  /** Measured requests of each kind (rounds × batch; warm-up requests not counted). */
  readonly requests: number
}

/** The kinds of request measured, in the order of the first round. */
export const kinds = ["healthz", "renderHit", "renderMiss"] as const

/** @internal */
export type Kind = (typeof kinds)[number]

const token = "bench"

/** A small template: a few parameters with options and a validation, and a preset. */
export const benchTemplate = `terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

data "coder_workspace_owner" "me" {}

data "coder_parameter" "region" {
  name         = "region"
  display_name = "Region"
  type         = "string"
  default      = "eu"
  mutable      = true
  option {
    name  = "Europe"
    value = "eu"
  }
  option {
    name  = "United States"
    value = "us"
  }
}

data "coder_parameter" "cpu" {
  name    = "cpu"
  type    = "number"
  default = 2
  validation {
    min = 1
    max = 16
  }
}

data "coder_parameter" "image" {
  name    = "image"
  type    = "string"
  default = "ubuntu-\${data.coder_parameter.region.value}"
  validation {
    regex = "^[a-z0-9-]+$"
    error = "lower-case letters, digits and dashes"
  }
}

data "coder_workspace_preset" "small" {
  name       = "small"
  parameters = { region = "eu", cpu = "2" }
}
`

/**
 * The load generator, run by a child `node`: on each message `{ kind, count, from }` it sends
 * `count` requests of that kind one after the other and answers `{ failures }` (non-2xx answers).
 */
const clientScript = `
const http = require("node:http")
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
let setup
const send = (method, path, body) => new Promise((resolve) => {
  const headers = { authorization: "Bearer " + setup.token }
  if (body !== undefined) {
    headers["content-type"] = "application/json"
    headers["content-length"] = Buffer.byteLength(body)
  }
  const request = http.request({ host: "127.0.0.1", port: setup.port, method, path, agent, headers }, (response) => {
    response.on("data", () => {})
    response.on("end", () => resolve(response.statusCode))
  })
  request.on("error", () => resolve(0))
  request.end(body)
})
const renderPath = () => "/api/v1/templateversions/" + setup.versionId + "/render"
const one = (kind, i) =>
  kind === "healthz"
    ? send("GET", "/healthz")
    : kind === "renderHit"
    ? send("POST", renderPath(), setup.hitBody)
    : send("POST", renderPath(), JSON.stringify({ values: { __bench_iteration: String(i) } }))
process.on("message", async (message) => {
  if (message.setup !== undefined) {
    setup = message.setup
    process.send({ ready: true })
    return
  }
  let failures = 0
  for (let i = 0; i < message.count; i++) {
    const status = await one(message.kind, message.from + i)
    if (status < 200 || status >= 300) failures++
  }
  process.send({ failures })
})
process.on("disconnect", () => process.exit(0))
`

interface Client {
  readonly run: (kind: Kind, count: number, from: number) => Promise<number>
  readonly stop: () => void
}

const startClient = (setup: {
  readonly port: number
  readonly token: string
  readonly versionId: string
  readonly hitBody: string
}): Promise<Client> =>
  new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, ["-e", clientScript], {
      stdio: ["ignore", "inherit", "inherit", "ipc"]
    })
    let pending: ((failures: number) => void) | undefined
    child.on("message", (message: { readonly ready?: boolean; readonly failures?: number }) => {
      if (message.ready === true) {
        resolve({
          run: (kind, count, from) =>
            new Promise((done) => {
              pending = done
              child.send({ kind, count, from })
            }),
          stop: () => {
            if (child.connected) child.disconnect()
          }
        })
        return
      }
      const waiting = pending
      pending = undefined
      waiting?.(message.failures ?? 0)
    })
    child.on("error", reject)
    child.on("exit", (code) => reject(new Error(`the load generator exited (${code})`)))
    child.send({ setup })
  })

const median = (samples: ReadonlyArray<number>): number => {
  const sorted = [...samples].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** CPU time of this process (every thread) in microseconds. */
const cpuNow = (): number => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

const importTemplate = async (url: string): Promise<string> => {
  const reply = await fetch(`${url}/api/v1/templates/bench/versions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ files: { "main.tf": benchTemplate } })
  })
  const body = await reply.json() as { readonly versionId?: string }
  if (!reply.ok || typeof body.versionId !== "string") {
    throw new Error(`the template import answered ${reply.status}: ${JSON.stringify(body)}`)
  }
  return body.versionId
}

/** Measure against a server listening on `port` in this process. */
const measure = async (port: number, args: BenchHttpArgs): Promise<BenchHttpResult> => {
  const url = `http://127.0.0.1:${port}`
  const versionId = await importTemplate(url)
  const hitBody = JSON.stringify({ values: { region: "us", cpu: "4" } })
  const client = await startClient({ port, token, versionId, hitBody })
  try {
    let next = 0
    const batch = async (kind: Kind, count: number) => {
      const from = next
      next += count
      const before = cpuNow()
      const failures = await client.run(kind, count, from)
      const used = cpuNow() - before
      if (failures > 0) throw new Error(`${failures} of ${count} ${kind} requests failed`)
      return used / count
    }
    // Warm-up (JIT, the worker's compiled template, the hit's cache entry), not measured.
    const measured = kinds.filter((kind) => args.only === undefined || args.only.includes(kind))
    for (const kind of measured) await batch(kind, args.batch)
    const samples: Record<Kind, Array<number>> = { healthz: [], renderHit: [], renderMiss: [] }
    for (let round = 0; round < args.rounds; round++) {
      for (let k = 0; k < measured.length; k++) {
        const kind = measured[(round + k) % measured.length]!
        samples[kind].push(await batch(kind, args.batch))
      }
    }
    return {
      healthzCpuUs: Math.round(median(samples.healthz)),
      renderHitCpuUs: Math.round(median(samples.renderHit)),
      renderMissCpuUs: Math.round(median(samples.renderMiss)),
      requests: args.rounds * args.batch
    }
  } finally {
    client.stop()
  }
}

const serverLayers = (directory: string, args: BenchHttpArgs) =>
  Effect.gen(function*() {
    const loaded = yield* ServerConfig.load({
      flags: {
        db: nodePath.join(directory, "bench.db"),
        host: "127.0.0.1",
        port: "0",
        token,
        interval: "1h",
        ...(args.renderWorkers === undefined ? {} : { "render-workers": String(args.renderWorkers) })
      }
    })
    return WarmpoolHttpServer.layer.pipe(
      Layer.provideMerge(App.layer(loaded.config)),
      Layer.provideMerge(ServerConfig.layerWith(loaded.config)),
      Layer.provideMerge(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer))
    )
  })

/** Run the measurement and return its figures (the command prints them). */
export const bench = (args: BenchHttpArgs) =>
  Effect.acquireUseRelease(
    Effect.sync(() => nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), "warmpool-bench-http-"))),
    (directory) =>
      Effect.gen(function*() {
        const layers = yield* serverLayers(directory, args)
        return yield* Effect.gen(function*() {
          const server = yield* HttpServer.HttpServer
          const address = server.address
          if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("the server has no TCP address")
          return yield* Effect.promise(() => measure(address.port, args))
        }).pipe(Effect.provide(layers))
      }),
    (directory) => Effect.sync(() => nodeFs.rmSync(directory, { recursive: true, force: true }))
  ).pipe(Logger.withMinimumLogLevel(LogLevel.Warning))

export const run = (args: BenchHttpArgs) =>
  Effect.gen(function*() {
    const result = yield* bench(args)
    if (args.json) return yield* Console.log(JSON.stringify(result))
    yield* Console.log(
      [
        `server CPU per request (medians of ${args.rounds} rounds of ${args.batch}; goal: hit ≤ 2× healthz)`,
        `  healthz      ${String(result.healthzCpuUs).padStart(6)} µs`,
        `  render hit   ${String(result.renderHitCpuUs).padStart(6)} µs  (${
          (result.renderHitCpuUs / result.healthzCpuUs).toFixed(2)
        }× healthz)`,
        `  render miss  ${String(result.renderMissCpuUs).padStart(6)} µs  (${
          (result.renderMissCpuUs / result.healthzCpuUs).toFixed(2)
        }× healthz)`
      ].join("\n")
    )
  }).pipe(
    Effect.catchAll((error) =>
      Effect.zipRight(
        Console.error(`warmpool bench http: ${"message" in error ? error.message : String(error)}`),
        exitCode(1)
      )
    )
  )
