/**
 * The command provisioner's job runner: one process per job, in a process group of its own.
 *
 * Processes are spawned with `node:child_process` (`detached: true`, so the command leads a new
 * process group) rather than `@effect/platform`'s `CommandExecutor`: the platform executor sends
 * one SIGTERM to the group on release and then waits for the process without a deadline (a
 * command that ignores SIGTERM would hang the provisioner's shutdown), it never signals the
 * group when the command exits 0 with children left behind, and its Node implementation lives
 * in `@effect/platform-node`, which this package does not depend on. Here every end of a job
 * (exit, timeout, interruption) terminates the whole group: SIGTERM, then SIGKILL once the
 * leader has exited or the grace period has passed, whichever comes first.
 *
 * @internal
 */
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import { type ChildProcess, spawn } from "node:child_process"
import type { AcquiredJob } from "../Store.js"
import { commandJobText } from "./provisionerJobInput.js"
import { AgentsLineScanner, TailBuffer } from "./provisionerOutput.js"
import type { JobOutcome, JobRunner } from "./provisionerWorkers.js"

/**
 * @internal
 */
export interface CommandRunnerOptions {
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly cwd: string | undefined
  /** Added to the provisioner's own environment. */
  readonly env: Readonly<Record<string, string>> | undefined
  readonly timeout: Duration.Duration
  readonly killGracePeriod: Duration.Duration
  /** The stderr tail kept (the error of a failed job) and the longest stdout line parsed. */
  readonly maxOutputBytes: number
}

interface ExitInfo {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/**
 * A running command: its process, its exit and the bounded views of its output.
 *
 * @internal
 */
export interface ProcessHandle {
  readonly child: ChildProcess
  readonly pid: number
  readonly exited: Deferred.Deferred<ExitInfo>
  /** Done when the process has exited and its stdio streams have closed. */
  readonly closed: Deferred.Deferred<void>
  readonly stderr: TailBuffer
  readonly stdout: AgentsLineScanner
  /** The tail of stdout, kept for the build's stored output. */
  readonly stdoutTail: TailBuffer
  terminated: boolean
}

/**
 * Sends `signal` to every process of the group led by `pid`; `false` when the group is empty.
 *
 * @internal
 */
export const signalGroup = (pid: number, signal: NodeJS.Signals): boolean => {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false
  }
}

const errorMessage = (error: unknown): string => error instanceof Error ? error.message : String(error)

/**
 * Spawns the command as the leader of a new process group and writes `input` to its stdin.
 * Fails with a message when the command cannot be started (missing file, no permission).
 *
 * @internal
 */
export const spawnProcess = (
  options: CommandRunnerOptions,
  input: string
): Effect.Effect<ProcessHandle, string> =>
  Effect.async<ProcessHandle, string>((resume) => {
    let child: ChildProcess
    try {
      child = spawn(options.command, [...options.args], {
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
        ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
        env: options.env === undefined ? process.env : { ...process.env, ...options.env }
      })
    } catch (error) {
      resume(Effect.fail(errorMessage(error)))
      return
    }
    const exited = Deferred.unsafeMake<ExitInfo>(FiberId.none)
    const closed = Deferred.unsafeMake<void>(FiberId.none)
    const stderr = new TailBuffer(options.maxOutputBytes)
    const stdout = new AgentsLineScanner(options.maxOutputBytes)
    const stdoutTail = new TailBuffer(options.maxOutputBytes)
    let started = false
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout.push(chunk)
      stdoutTail.push(chunk)
    })
    child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk))
    // EPIPE when the command exits without reading its input: not an error of the job.
    child.stdin!.on("error", () => {})
    child.on("exit", (code, signal) => Deferred.unsafeDone(exited, Exit.succeed({ code, signal })))
    child.on("close", () => Deferred.unsafeDone(closed, Exit.void))
    child.on("error", (error) => {
      if (!started) resume(Effect.fail(errorMessage(error)))
    })
    child.once("spawn", () => {
      started = true
      child.stdin!.end(input)
      resume(Effect.succeed({ child, pid: child.pid!, exited, closed, stderr, stdout, stdoutTail, terminated: false }))
    })
    return Effect.sync(() => {
      // Interrupted while starting: the process must not outlive the job.
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL")
      else child.once("spawn", () => signalGroup(child.pid!, "SIGKILL"))
    })
  })

/**
 * Waits for `deferred` for at most `limit`, also inside an uninterruptible region (a finalizer):
 * the timed wait runs in a child fiber of its own, which the timeout can interrupt.
 */
const awaitAtMost = <A>(deferred: Deferred.Deferred<A>, limit: Duration.Duration): Effect.Effect<void> =>
  Effect.flatMap(
    Effect.fork(Effect.interruptible(Effect.timeoutOption(Deferred.await(deferred), limit))),
    Fiber.join
  )

/**
 * Ends the process group (once): SIGTERM to the group; SIGKILL to the group when the leader has
 * exited or after the grace period; then waits (at most the grace period again) for the output
 * streams to close.
 *
 * @internal
 */
export const terminate = (handle: ProcessHandle, gracePeriod: Duration.Duration): Effect.Effect<void> =>
  Effect.suspend(() => {
    if (handle.terminated) return Effect.void
    handle.terminated = true
    return Effect.uninterruptible(Effect.gen(function*() {
      signalGroup(handle.pid, "SIGTERM")
      yield* awaitAtMost(handle.exited, gracePeriod)
      signalGroup(handle.pid, "SIGKILL")
      yield* awaitAtMost(handle.closed, gracePeriod)
      handle.child.stdout?.destroy()
      handle.child.stderr?.destroy()
      handle.child.stdin?.destroy()
    }))
  })

const withStderr = (reason: string, handle: ProcessHandle): string => {
  const tail = handle.stderr.text().trim()
  if (tail === "") return reason
  return `${reason}: ${handle.stderr.truncated ? "..." : ""}${tail}`
}

/** The output kept with the build (the tails of both streams). */
const logsOf = (handle: ProcessHandle): NonNullable<JobOutcome["logs"]> => ({
  stdout: handle.stdoutTail.text(),
  stderr: handle.stderr.text(),
  truncated: handle.stdoutTail.truncated || handle.stderr.truncated
})

const outcomeOf = (handle: ProcessHandle, exit: ExitInfo): JobOutcome => {
  if (exit.code === 0) return { status: "succeeded", agents: handle.stdout.agents(), logs: logsOf(handle) }
  const reason = exit.code !== null ? `exit status ${exit.code}` : `terminated by ${exit.signal ?? "a signal"}`
  return { status: "failed", error: withStderr(reason, handle), logs: logsOf(handle) }
}

/**
 * Runs a job's command to its end: exit status 0 → succeeded (with the agents of the last
 * agents line of stdout, if any), another status or a signal → failed with the stderr tail,
 * `timeout` → failed and the group terminated. Interruption terminates the group too.
 *
 * @internal
 */
export const runCommandJob = (options: CommandRunnerOptions, job: AcquiredJob): Effect.Effect<JobOutcome> =>
  Effect.scoped(Effect.gen(function*() {
    const started = yield* Effect.either(Effect.acquireRelease(
      spawnProcess(options, commandJobText(job)),
      (handle) => terminate(handle, options.killGracePeriod)
    ))
    if (started._tag === "Left") {
      const error = `cannot run ${options.command}: ${started.left}`
      return { status: "failed", error, logs: { stdout: "", stderr: error } } as const
    }
    const handle = started.right
    const exit = yield* Effect.timeoutOption(Deferred.await(handle.exited), options.timeout)
    yield* terminate(handle, options.killGracePeriod)
    if (exit._tag === "None") {
      return {
        status: "failed",
        error: withStderr(`timed out after ${Duration.format(options.timeout)}`, handle),
        logs: logsOf(handle)
      }
    }
    return outcomeOf(handle, exit.value)
  }))

/**
 * @internal
 */
export const commandRunner = (options: CommandRunnerOptions): JobRunner => (job) => runCommandJob(options, job)
