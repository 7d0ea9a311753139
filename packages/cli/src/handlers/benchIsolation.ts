/**
 * `warmpool bench isolation`: what running template work off the serving thread costs and buys
 * (issue 11).
 *
 * - `healthz`: a real `warmpool serve` (this build, a temporary SQLite file) imports a ~350 KiB
 *   template several times (a new version each time) while `/healthz` is probed back to back
 *   (10 ms apart); the probes' p50 / p99 / max latency, with the render worker pool and, for
 *   comparison, with `--render-workers 0` (everything on the serving thread).
 * - `overhead`: per template, the median time of a warm render (compiled template held, fresh
 *   values) in process and through the worker pool (the version compiled in its worker), and
 *   the difference per call (both paths warmed up first; one worker), and how long the serving
 *   thread itself was busy per worker render (its event-loop utilisation).
 */
import { Renderer, RenderWorkerPool } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Console from "effect/Console"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { type ChildProcess, spawn } from "node:child_process"
import * as nodeFs from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { exitCode } from "../internal/keyValue.js"
import { templateDirs } from "../internal/templateDirs.js"

export interface BenchIsolationArgs {
  readonly roots: ReadonlyArray<string>
  readonly json: boolean
  /** Time spent per overhead measurement, in milliseconds. */
  readonly budgetMs: number
  /** Imports per server. */
  readonly imports: number
}

export interface HealthzResult {
  readonly mode: "workers" | "in-process"
  readonly templateBytes: number
  readonly probes: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
  readonly importMs: ReadonlyArray<number>
  readonly importStatuses: ReadonlyArray<number>
}

export interface OverheadResult {
  readonly name: string
  readonly inProcessMs: number
  readonly workerMs: number
  readonly overheadMs: number
  /** Time the serving thread itself was busy per worker render (event-loop utilisation). */
  readonly workerServingThreadMs: number
}

const median = (samples: ReadonlyArray<number>): number => quantile(samples, 0.5)

const quantile = (samples: ReadonlyArray<number>, q: number): number => {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!
}

const owner: Owner.WorkspaceOwner = { ...Owner.empty, id: "c42fdf75-3097-471c-8c33-fb52454d81c0", name: "prebuilds" }

/** A template of about `bytes` bytes: parameters with options, validations and a preset. */
export const largeTemplate = (bytes: number, round: number): string => {
  const blocks: Array<string> = [`# bench round ${round}\n`]
  let size = blocks[0]!.length
  for (let i = 0; size < bytes; i++) {
    const block = `
data "coder_parameter" "p${i}" {
  name         = "p${i}"
  display_name = "Parameter ${i}"
  description  = "Generated parameter number ${i} for the isolation benchmark."
  type         = "string"
  default      = "\${upper("v${i}")}-\${join("-", [for x in range(4) : tostring(x * ${i})])}"
  mutable      = true
  option {
    name  = "First"
    value = "\${upper("v${i}")}-\${join("-", [for x in range(4) : tostring(x * ${i})])}"
  }
  option {
    name  = "Second"
    value = "second-${i}"
  }
  validation {
    regex = "^[A-Za-z0-9-]+$"
    error = "letters, digits and dashes"
  }
}
`
    blocks.push(block)
    size += block.length
  }
  blocks.push(`
data "coder_workspace_preset" "default" {
  name       = "default"
  parameters = { p0 = "second-0" }
  prebuilds {
    instances = 0
  }
}
`)
  return blocks.join("")
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const binPath = (): string => fileURLToPath(new URL("../bin.js", import.meta.url))

/** Start `warmpool serve` on a free port; resolves with its URL once `/healthz` answers. */
const startServer = async (extra: ReadonlyArray<string>) => {
  const directory = nodeFs.mkdtempSync(nodePath.join(os.tmpdir(), "warmpool-bench-"))
  const child: ChildProcess = spawn(process.execPath, [
    binPath(),
    "serve",
    "--db",
    nodePath.join(directory, "bench.db"),
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "--token",
    "bench",
    "--interval",
    "1m",
    ...extra
  ], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } })
  let output = ""
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve))
      child.kill("SIGTERM")
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000)
      await exited
      clearTimeout(timer)
    }
    nodeFs.rmSync(directory, { recursive: true, force: true })
  }
  const deadline = performance.now() + 60_000
  for (;;) {
    const match = /serving on http:\/\/[^:\s]+:(\d+)/.exec(output)
    if (match !== null) {
      const url = `http://127.0.0.1:${match[1]}`
      const healthy = await fetch(`${url}/healthz`).then((r) => r.ok, () => false)
      if (healthy) return { url, stop }
    }
    if (child.exitCode !== null || performance.now() > deadline) {
      await stop()
      throw new Error(`warmpool serve did not start:\n${output}`)
    }
    await sleep(25)
  }
}

const healthzDuringImports = async (
  mode: HealthzResult["mode"],
  imports: number
): Promise<HealthzResult> => {
  // The import deadline is lifted: the import is measured to its end in both modes.
  const server = await startServer([
    "--import-timeout",
    "300s",
    ...(mode === "in-process" ? ["--render-workers", "0"] : [])
  ])
  try {
    // Let the workers start and boot their parser first (one small import).
    await fetch(`${server.url}/api/v1/templates/warmup/versions`, {
      method: "POST",
      headers: { authorization: "Bearer bench", "content-type": "application/json" },
      body: JSON.stringify({ files: { "main.tf": "locals {\n  a = 1\n}\n" } })
    })
    const latencies: Array<number> = []
    const importMs: Array<number> = []
    const importStatuses: Array<number> = []
    let templateBytes = 0
    for (let round = 0; round < imports; round++) {
      const source = largeTemplate(350 * 1024, round)
      templateBytes = source.length
      let done = false
      const prober = (async () => {
        const stopAt = performance.now() + 120_000
        while (!done && performance.now() < stopAt) {
          const sent = performance.now()
          await fetch(`${server.url}/healthz`).then((r) => r.arrayBuffer(), () => undefined)
          latencies.push(performance.now() - sent)
          await sleep(10)
        }
      })()
      const started = performance.now()
      const reply = await fetch(`${server.url}/api/v1/templates/large/versions`, {
        method: "POST",
        headers: { authorization: "Bearer bench", "content-type": "application/json" },
        body: JSON.stringify({ files: { "main.tf": source } })
      })
      await reply.arrayBuffer()
      importMs.push(performance.now() - started)
      importStatuses.push(reply.status)
      done = true
      await prober
    }
    return {
      mode,
      templateBytes,
      probes: latencies.length,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      maxMs: Math.max(...latencies),
      importMs,
      importStatuses
    }
  } finally {
    await server.stop()
  }
}

const benchOverhead = (name: string, dir: string, budgetMs: number) =>
  Effect.gen(function*() {
    const files = yield* TemplateFiles.fromDirectory(dir)
    const template = yield* CompiledTemplate.compile(files)
    const pool = yield* RenderWorkerPool.RenderWorkerPool
    const versionId = `bench-${name}`
    const values = (i: number) => ({ __bench_iteration: String(i) })
    const inWorker = (i: number) =>
      pool.renderVersion({ templateVersionId: versionId, owner, values: values(i) }, Effect.succeed(files))
    // Both paths warm up (JIT) for a while before anything is measured.
    const warmUntil = performance.now() + budgetMs / 2
    for (let i = 0; performance.now() < warmUntil; i++) {
      Renderer.renderTemplate(template, { owner, values: values(-1 - i) })
      yield* inWorker(-1 - i)
    }
    const inProcess: Array<number> = []
    const worker: Array<number> = []
    const busy: Array<number> = []
    const batch = 20
    const started = performance.now()
    for (let round = 0; inProcess.length < 10 || performance.now() - started < 2 * budgetMs; round++) {
      let t0 = performance.now()
      for (let j = 0; j < batch; j++) Renderer.renderTemplate(template, { owner, values: values(round * batch + j) })
      inProcess.push((performance.now() - t0) / batch)
      t0 = performance.now()
      const before = performance.eventLoopUtilization()
      for (let j = 0; j < batch; j++) yield* inWorker(round * batch + j)
      worker.push((performance.now() - t0) / batch)
      busy.push(performance.eventLoopUtilization(before).active / batch)
    }
    const result: OverheadResult = {
      name,
      inProcessMs: median(inProcess),
      workerMs: median(worker),
      overheadMs: median(worker) - median(inProcess),
      workerServingThreadMs: median(busy)
    }
    return result
  })

export const run = (args: BenchIsolationArgs) =>
  Effect.gen(function*() {
    const healthz: Array<HealthzResult> = []
    for (const mode of ["workers", "in-process"] as const) {
      healthz.push(yield* Effect.promise(() => healthzDuringImports(mode, args.imports)))
    }
    const overhead: Array<OverheadResult> = []
    yield* Effect.gen(function*() {
      for (const root of args.roots) {
        for (const [name, dir] of yield* templateDirs(root)) {
          overhead.push(yield* benchOverhead(name, dir, args.budgetMs))
        }
      }
    }).pipe(
      Effect.provide(Layer.merge(
        RenderWorkerPool.layer({ ...RenderWorkerPool.defaults(), size: 1, renderTimeout: Duration.seconds(60) }),
        HclParser.layer
      ))
    )
    if (args.json) {
      yield* Console.log(JSON.stringify({ healthz, overhead }, null, 2))
      return
    }
    const lines = [
      "/healthz while a ~350 KiB template is imported (goal: p99 < 50 ms with workers)",
      ...healthz.map((h) =>
        `  ${h.mode.padEnd(10)} probes ${String(h.probes).padStart(4)}  p50 ${h.p50Ms.toFixed(1)} ms  p99 ${
          h.p99Ms.toFixed(1)
        } ms  max ${h.maxMs.toFixed(1)} ms  imports ${h.importMs.map((ms) => ms.toFixed(0)).join(", ")} ms (${
          h.importStatuses.join(", ")
        })`
      ),
      "",
      "warm render through the worker pool vs in process (goal: overhead < 0.2 ms per call)",
      ...overhead.map((o) =>
        `  ${o.name.padEnd(16)} in-process ${o.inProcessMs.toFixed(3)} ms  worker ${
          o.workerMs.toFixed(3)
        } ms  overhead ${o.overheadMs.toFixed(3)} ms  (serving thread busy ${
          o.workerServingThreadMs.toFixed(3)
        } ms per call)`
      )
    ]
    yield* Console.log(lines.join("\n"))
  }).pipe(
    Effect.catchAll((error) =>
      Effect.zipRight(
        Console.error(`warmpool bench isolation: ${"message" in error ? error.message : String(error)}`),
        exitCode(1)
      )
    )
  )
