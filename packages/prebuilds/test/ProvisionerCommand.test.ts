import * as SqlClient from "@effect/sql/SqlClient"
import { afterAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Supervisor from "effect/Supervisor"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { SystemUserId } from "../src/Domain.js"
import * as Provisioner from "../src/Provisioner.js"
import * as Store from "../src/Store.js"
import {
  createJobs,
  latest,
  notify,
  startProvisioner,
  storeAndQueue,
  waitUntil
} from "./fixtures/provisioner/harness.js"

const fixtures = path.join(import.meta.dirname, "fixtures", "provisioner")
const script = (name: string) => path.join(fixtures, name)

const tempDirs: Array<string> = []
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-provisioner-"))
  tempDirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true })
})

/** A process exists and is not a zombie (killed children of a non-reaping init linger as zombies). */
const alive = (pid: number): boolean => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8")
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z"
  } catch {
    try {
      process.kill(pid, 0)
      return !fs.existsSync("/proc")
    } catch {
      return false
    }
  }
}

const readPids = (file: string): ReadonlyArray<number> => fs.readFileSync(file, "utf8").trim().split(/\s+/).map(Number)

const ended = (job: Store.CreatedPrebuild) =>
  Effect.map(latest(job.workspaceId), ({ job }) => job.status !== "pending" && job.status !== "running")

/** Runs one job of a fresh template through a command provisioner and returns its final job row. */
const runOne = (options: Provisioner.CommandOptions, parameters?: Record<string, string>) =>
  Effect.gen(function*() {
    const { provisioner, stop } = yield* startProvisioner(Provisioner.layerCommand({ workers: 1, ...options }))
    const [job] = yield* createJobs(1, parameters)
    yield* notify([job!])
    yield* waitUntil(ended(job!), "the job ends", { maxMillis: 20_000 })
    const stats = yield* provisioner.stats
    yield* stop
    return { job: job!, result: yield* latest(job!.workspaceId), stats }
  })

const agentStates = (job: Store.CreatedPrebuild) =>
  Effect.flatMap(
    Store.Store,
    (store) => Effect.map(store.agents(job.workspaceId), (agents) => agents.map((agent) => agent.lifecycleState))
  )

/** The error column of a job (not part of the domain's `ProvisionerJob`). */
const errorOf = (job: Store.CreatedPrebuild) =>
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const rows = yield* sql<
      { readonly error: string | null }
    >`SELECT error FROM provisioner_jobs WHERE id = ${job.jobId}`
    return rows[0]?.error ?? null
  })

describe("Provisioner: command", () => {
  it.live("exit status 0 succeeds; the job arrives as JSON on stdin; the agents line sets the agents", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const input = path.join(dir, "job.json")
      const { job, result, stats } = yield* runOne(
        { command: "/bin/sh", args: [script("succeed.sh"), input] },
        { region: "eu", size: "large" }
      )
      expect(result.job.status).toBe("succeeded")
      expect(stats).toMatchObject({ acquired: 1, succeeded: 1 })
      expect(yield* agentStates(job)).toEqual(["starting", "ready"]) // db (not ready), main (ready): by name
      const text = fs.readFileSync(input, "utf8")
      expect(text.endsWith("}\n")).toBe(true)
      const document = Schema.decodeUnknownSync(Provisioner.CommandJobInput)(JSON.parse(text))
      expect(document).toEqual({
        version: 1,
        jobId: job.jobId,
        buildId: job.buildId,
        buildNumber: 1,
        transition: "start",
        workspaceId: job.workspaceId,
        workspaceName: document.workspaceName,
        ownerId: SystemUserId,
        prebuild: true,
        initiatorId: SystemUserId,
        templateId: document.templateId,
        templateName: document.templateName,
        templateVersionId: job.templateVersionId,
        organizationId: null,
        presetId: result.build.presetId,
        parameters: { region: "eu", size: "large" }
      })
      expect(document.workspaceName).toMatch(/^pb-1-/)
      expect(document.templateName).toMatch(/^t-/)
    }).pipe(Effect.provide(storeAndQueue())))

  it.live("a non-zero exit status fails the job with the stderr tail as its error", () =>
    Effect.gen(function*() {
      const { job, result, stats } = yield* runOne({ command: "/bin/sh", args: [script("fail.sh"), "3"] })
      expect(result.job.status).toBe("failed")
      expect(stats).toMatchObject({ acquired: 1, failed: 1 })
      expect(yield* errorOf(job)).toBe(
        "exit status 3: warning: first line\nerror: the plan could not be applied"
      )
      expect(yield* agentStates(job)).toEqual([])
    }).pipe(Effect.provide(storeAndQueue())))

  it.live("a command that cannot be started fails the job", () =>
    Effect.gen(function*() {
      const missing = path.join(fixtures, "no-such-command")
      const { job, result } = yield* runOne({ command: missing })
      expect(result.job.status).toBe("failed")
      expect(yield* errorOf(job)).toMatch(/^cannot run .*no-such-command: .*ENOENT/)
    }).pipe(Effect.provide(storeAndQueue())))

  it.live("the timeout fails the job and kills the whole process group", () =>
    Effect.gen(function*() {
      const pidFile = path.join(tempDir(), "pids")
      const started = performance.now()
      const { job, result } = yield* runOne({
        command: "/bin/sh",
        args: [script("sleeper.sh"), pidFile],
        timeout: "400 millis",
        killGracePeriod: "2 seconds"
      })
      expect(result.job.status).toBe("failed")
      expect(yield* errorOf(job)).toMatch(/^timed out after 400ms/)
      const pids = readPids(pidFile)
      expect(pids).toHaveLength(2)
      expect(pids.map(alive)).toEqual([false, false])
      expect(performance.now() - started).toBeLessThan(1900) // SIGTERM sufficed: no wait for the grace period
    }).pipe(Effect.provide(storeAndQueue())))

  it.live("processes that ignore SIGTERM get SIGKILL after the grace period", () =>
    Effect.gen(function*() {
      const pidFile = path.join(tempDir(), "pids")
      const started = performance.now()
      const { job, result } = yield* runOne({
        command: "/bin/sh",
        args: [script("sleeper.sh"), pidFile, "ignore-term"],
        timeout: "300 millis",
        killGracePeriod: "500 millis"
      })
      expect(result.job.status).toBe("failed")
      expect(yield* errorOf(job)).toMatch(/^timed out after 300ms/)
      expect(readPids(pidFile).map(alive)).toEqual([false, false])
      expect(performance.now() - started).toBeGreaterThanOrEqual(800)
    }).pipe(Effect.provide(storeAndQueue())))

  it.live("closing the provisioner's scope kills the process group and cancels the job", () =>
    Effect.gen(function*() {
      const pidFile = path.join(tempDir(), "pids")
      const supervisor = yield* Supervisor.track
      const { provisioner, stop } = yield* startProvisioner(
        Provisioner.layerCommand({
          command: "/bin/sh",
          args: [script("sleeper.sh"), pidFile],
          killGracePeriod: "2 seconds"
        })
      ).pipe(Effect.supervised(supervisor))
      const [job] = yield* createJobs(1)
      yield* notify([job!])
      yield* waitUntil(Effect.sync(() => fs.existsSync(pidFile)), "the command started its child")
      const pids = readPids(pidFile)
      expect(pids.map(alive)).toEqual([true, true])
      expect(yield* provisioner.inFlight).toBe(1)
      expect((yield* supervisor.value).length).toBeGreaterThanOrEqual(2)
      yield* stop
      expect(yield* supervisor.value).toEqual([])
      expect(pids.map(alive)).toEqual([false, false])
      const { job: row } = yield* latest(job!.workspaceId)
      expect(row.status).toBe("canceled")
      expect(yield* errorOf(job!)).toBe("the provisioner stopped before the job ended")
      expect(yield* provisioner.stats).toMatchObject({ acquired: 1, canceled: 1 })
    }).pipe(Effect.provide(storeAndQueue())))

  it.live("closing the scope stops every worker at once: grace periods overlap instead of adding up", () =>
    Effect.gen(function*() {
      const dir = tempDir()
      const { provisioner, stop } = yield* startProvisioner(
        Provisioner.layerCommand({
          command: "/bin/sh",
          args: ["-c", `exec /bin/sh "$0" "$(mktemp -p ${dir})" ignore-term`, script("sleeper.sh")],
          workers: 3,
          perPresetLimit: 3,
          killGracePeriod: "1 second"
        })
      )
      const jobs = yield* createJobs(3)
      yield* notify(jobs)
      yield* waitUntil(
        Effect.sync(() => fs.readdirSync(dir).filter((name) => !name.endsWith(".tmp")).length >= 3),
        "three commands started"
      )
      expect(yield* provisioner.inFlight).toBe(3)
      const started = performance.now()
      yield* stop
      const elapsed = performance.now() - started
      // Each job needs the whole 1 s grace period (SIGTERM is ignored); one after another would be >= 3 s.
      expect(elapsed).toBeGreaterThanOrEqual(900)
      expect(elapsed).toBeLessThan(2500)
      expect(yield* provisioner.stats).toMatchObject({ acquired: 3, canceled: 3 })
    }).pipe(Effect.provide(storeAndQueue())))

  it.live("children left behind by a command that exited are killed, without delaying the job", () =>
    Effect.gen(function*() {
      const pidFile = path.join(tempDir(), "pid")
      const started = performance.now()
      const { result } = yield* runOne({
        command: "/bin/sh",
        args: [script("leave-child.sh"), pidFile],
        killGracePeriod: "5 seconds"
      })
      expect(result.job.status).toBe("succeeded")
      expect(readPids(pidFile).map(alive)).toEqual([false])
      expect(performance.now() - started).toBeLessThan(4000)
    }).pipe(Effect.provide(storeAndQueue())))

  it.live("huge output is read to the end but only a capped tail is kept", () =>
    Effect.gen(function*() {
      const size = String(8 * 1024 * 1024)
      const failing = yield* runOne({
        command: "/bin/sh",
        args: [script("huge-output.sh"), "1", size],
        maxOutputBytes: 1024
      })
      expect(failing.result.job.status).toBe("failed")
      const error = (yield* errorOf(failing.job))!
      expect(error.startsWith("exit status 1: ...")).toBe(true)
      expect(error.endsWith("\nthe last stderr line")).toBe(true)
      expect(error.length).toBeLessThanOrEqual("exit status 1: ...".length + 1024)
      expect(error).toMatch(/: \.\.\.e+\nthe last stderr line$/)

      const succeeding = yield* runOne({
        command: "/bin/sh",
        args: [script("huge-output.sh"), "0", size],
        maxOutputBytes: 1024
      })
      expect(succeeding.result.job.status).toBe("succeeded")
      expect(yield* agentStates(succeeding.job)).toEqual(["ready"])
    }).pipe(Effect.provide(storeAndQueue())))
})
