/**
 * The render worker pool (docs/architecture.md decision 10): untrusted template work — parsing with
 * hcl2json, compiling, evaluating, rendering — runs in worker threads, not on the event loop that
 * serves requests.
 *
 * - One `@effect/platform` `SerializedWorker` per slot (`@effect/platform-node`'s `NodeWorker`
 *   starts `dist/internal/renderWorkerMain.js`); the requests are the `RenderWorker` schemas.
 * - A template version is routed to a stable slot (hash of its id modulo the pool size), so its
 *   `CompiledTemplate` is compiled once there. A worker that does not hold it answers
 *   `NeedFiles`; the pool then loads the files, sends `Compile` and asks again. Imports (files
 *   without a version) go round-robin. A worker keeps its compiled templates within
 *   `versionsPerWorker` and `templateBytesPerWorker` estimated bytes, least recently used out.
 * - Every request has a deadline. At the deadline the caller gets `RenderTimeout` and the
 *   worker thread is terminated at once and replaced; the requests that were queued on it (they
 *   did nothing wrong) are retried once on the replacement. The work runs in a fiber of the pool's
 *   scope, so a caller that stops waiting does not leave a worker computing past the deadline.
 * - Workers run with a heap limit (`resourceLimits.maxOldGenerationSizeMb`): an allocation bomb
 *   kills its worker, not the service. The requests in flight on it are retried once on the
 *   replacement; a second exhaustion answers `RenderResourceExhausted`.
 *
 * @since 0.1.0
 */
import * as NodeWorker from "@effect/platform-node/NodeWorker"
import * as Worker from "@effect/platform/Worker"
import type { Owner, TemplateFiles } from "@warmpool/terraform"
import { Budgets } from "@warmpool/terraform"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Hash from "effect/Hash"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Scope from "effect/Scope"
import * as os from "node:os"
import { Worker as Thread } from "node:worker_threads"
import { filePairs, type FilesRendered } from "./internal/filesRender.js"
import type { Rendered } from "./internal/render.js"
import { type RenderFailure, RenderResourceExhausted, RenderTimeout, RenderWorkerFailed } from "./RenderError.js"
import * as RenderWorker from "./RenderWorker.js"
import type { TemplateSourceError } from "./TemplateSource.js"

/**
 * The settings of the render worker pool: size, deadlines, heap limit and respawn behaviour.
 *
 * @since 0.1.0
 * @category models
 */
export interface RenderWorkerPoolSettings {
  /** Worker threads (default: available cores − 1, at least 1). */
  readonly size: number
  /** Deadline of a render (and of compiling a stored version for it). */
  readonly renderTimeout: Duration.Duration
  /** Deadline of an import (compile, render and preset validation of new files). */
  readonly importTimeout: Duration.Duration
  /** Heap limit of a worker (`resourceLimits.maxOldGenerationSizeMb`). */
  readonly maxHeapMb: number
  /** Compiled template versions a worker keeps (least recently used first out). */
  readonly versionsPerWorker: number
  /**
   * The estimated retained bytes (`CompiledTemplate.weight`) of the compiled templates a worker
   * keeps: the least recently used go until they fit, the one just compiled always stays
   * (default {@link defaultTemplateBytes}: a quarter of `maxHeapMb`).
   */
  readonly templateBytesPerWorker?: number | undefined
  /** How long a worker may take to start. */
  readonly spawnTimeout: Duration.Duration
  /** Keep one more worker started, so a replacement is ready at once (default `true`). */
  readonly spare: boolean
}

/**
 * The default pool size: available cores − 1, at least 1.
 *
 * @since 0.1.0
 * @category utils
 */
export const defaultSize = (): number => Math.max(1, os.availableParallelism() - 1)

/**
 * The default template budget of a worker with a heap limit of `maxHeapMb`: a quarter of it
 * (128 MiB of a 512 MiB heap). The estimate is 1.3 to 3.5 times the heap templates really keep,
 * so they fill at most about a tenth of the heap, and renders — which build their values on
 * the same heap, up to the evaluation budgets — keep the rest: templates are evicted long before
 * the heap limit ends the worker.
 *
 * @since 0.1.0
 * @category utils
 */
export const defaultTemplateBytes = (maxHeapMb: number): number => Math.floor(maxHeapMb * 1024 * 1024 / 4)

/**
 * The defaults: {@link defaultSize} workers and a warm spare, 10 s deadlines, 512 MiB heap, 64
 * versions per worker within a quarter of the heap ({@link defaultTemplateBytes}).
 *
 * @since 0.1.0
 * @category utils
 */
export const defaults = (): RenderWorkerPoolSettings => ({
  size: defaultSize(),
  renderTimeout: Duration.seconds(10),
  importTimeout: Duration.seconds(10),
  maxHeapMb: 512,
  versionsPerWorker: 64,
  spawnTimeout: Duration.seconds(30),
  spare: true
})

/**
 * Counters of the render worker pool: workers, requests, restarts.
 *
 * @since 0.1.0
 * @category models
 */
export interface RenderWorkerPoolStats {
  readonly size: number
  /** Workers started since the pool started (the first ones included). */
  readonly spawned: number
  /** Requests answered `RenderTimeout`. */
  readonly timeouts: number
  /** Workers that exhausted their heap. */
  readonly exhausted: number
  /** Requests retried on a replacement worker. */
  readonly retries: number
  /** `Compile` requests sent (each one compiles a version in a worker). */
  readonly compilations: number
}

/**
 * A render of a stored version.
 *
 * @since 0.1.0
 * @category models
 */
export interface VersionRender {
  readonly templateVersionId: string
  readonly owner: Owner.WorkspaceOwner
  readonly values: Readonly<Record<string, string>>
  /** Evaluate every block, not only what the output needs (the output is the same). */
  readonly fullEvaluation?: boolean | undefined
}

/**
 * The operations of the `RenderWorkerPool` service.
 *
 * @since 0.1.0
 * @category models
 */
export interface RenderWorkerPoolShape {
  readonly size: number
  /** The slot a version is routed to (stable for the pool's size). */
  readonly slotOf: (templateVersionId: string) => number
  /** Compile a version in its worker; what the caller's side needs to know about it. */
  readonly compile: (
    templateVersionId: string,
    files: TemplateFiles.TemplateFiles
  ) => Effect.Effect<RenderWorker.VersionSummary, RenderFailure>
  /** Render a version in its worker; `files` is run when the worker does not hold the version. */
  readonly renderVersion: (
    request: VersionRender,
    files: Effect.Effect<TemplateFiles.TemplateFiles, TemplateSourceError>
  ) => Effect.Effect<Rendered, RenderFailure | TemplateSourceError>
  /** Compile, render and validate the presets of new files (an import), under the import deadline. */
  readonly renderFiles: (
    files: TemplateFiles.TemplateFiles,
    owner: Owner.WorkspaceOwner,
    values: Readonly<Record<string, string>>
  ) => Effect.Effect<FilesRendered, RenderFailure>
  readonly stats: Effect.Effect<RenderWorkerPoolStats>
}

/**
 * The `RenderWorkerPool` service tag; its operations are {@link RenderWorkerPoolShape}.
 *
 * @since 0.1.0
 * @category tags
 */
export class RenderWorkerPool
  extends Context.Tag("@warmpool/render/RenderWorkerPool")<RenderWorkerPool, RenderWorkerPoolShape>()
{}

/**
 * The worker entry: next to this module in `dist/`; from the sources (tests), the built one.
 */
const entry = (): URL =>
  import.meta.url.endsWith(".ts")
    ? new URL("../dist/internal/renderWorkerMain.js", import.meta.url)
    : new URL("./internal/renderWorkerMain.js", import.meta.url)

type Death = "deadline" | "heap" | "crashed"

interface Live {
  readonly worker: Worker.SerializedWorker<RenderWorker.Request>
  readonly thread: Thread
  readonly scope: Scope.CloseableScope
  readonly death: { value: Death | undefined }
}

interface Slot {
  readonly index: number
  state: Deferred.Deferred<Live, RenderWorkerFailed>
  live: Live | undefined
}

interface Handle {
  thread: Thread | undefined
  readonly scope: Scope.CloseableScope
}

class Deadline extends Data.TaggedError("Deadline") {}

const heapMessage = (limit: string) => `the render worker exhausted its heap limit (${limit})`

/**
 * A pool whose workers live in the current scope (terminated when it closes).
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  settings: RenderWorkerPoolSettings
): Effect.Effect<RenderWorkerPoolShape, never, Scope.Scope | Worker.WorkerManager> =>
  Effect.gen(function*() {
    const poolScope = yield* Effect.scope
    const manager = yield* Worker.WorkerManager
    // the evaluation budgets of the pool's context go to every worker, which compiles with them
    const budgets = yield* Budgets.CurrentBudgets
    const size = Math.max(1, Math.trunc(settings.size))
    const heapLimit = `heap ${settings.maxHeapMb} MiB`
    const templateBytes = settings.templateBytesPerWorker ?? defaultTemplateBytes(settings.maxHeapMb)
    const counters = { spawned: 0, timeouts: 0, exhausted: 0, retries: 0, compilations: 0 }
    let closed = false

    /** Threads and scopes not closed yet (the pool's finalizer ends them). */
    const open = new Set<Handle>()

    /** Start a worker and wait until it answered its warm-up. */
    const spawn: Effect.Effect<Live, RenderWorkerFailed> = Effect.gen(function*() {
      const scope = yield* Scope.make()
      const handle: Handle = { thread: undefined, scope }
      open.add(handle)
      const death: { value: Death | undefined } = { value: undefined }
      const spawner: Worker.SpawnerFn = () => {
        const thread = new Thread(entry(), {
          workerData: { versions: settings.versionsPerWorker, templateBytes, budgets },
          resourceLimits: { maxOldGenerationSizeMb: settings.maxHeapMb },
          stdout: false,
          stderr: false
        })
        // Registered before the platform's listeners: the cause of death is known when the
        // pending requests fail.
        thread.on("error", (error: unknown) => {
          const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined
          death.value ??= code === "ERR_WORKER_OUT_OF_MEMORY" ? "heap" : "crashed"
        })
        thread.on("exit", () => {
          death.value ??= "crashed"
        })
        handle.thread = thread
        return thread
      }
      const started = yield* Worker.makeSerialized<RenderWorker.Request>({}).pipe(
        Effect.provideService(Worker.Spawner, spawner),
        Effect.provideService(Worker.WorkerManager, manager),
        Scope.extend(scope),
        // The platform logs a worker's death with its stack from the worker's own fibers; the
        // pool reports deaths itself, in one line (below).
        Logger.withMinimumLogLevel(LogLevel.Error),
        // Ready once the parser booted: deadlines never pay for a worker's start.
        Effect.tap((worker) => worker.executeEffect(new RenderWorker.Warmup())),
        Effect.timeoutFail({
          duration: settings.spawnTimeout,
          onTimeout: () => new Deadline()
        }),
        Effect.exit
      )
      if (Exit.isFailure(started) || handle.thread === undefined) {
        yield* release(handle)
        const reason = Exit.isFailure(started) ? Cause.pretty(started.cause) : "no thread"
        return yield* new RenderWorkerFailed({
          templateVersionId: "",
          message: `a render worker did not start: ${reason}`
        })
      }
      counters.spawned++
      return { worker: started.value, thread: handle.thread, scope, death }
    })

    /** Terminate a worker's thread now and close its scope (its finalizer then ends quickly). */
    const release = (handle: Handle) =>
      Effect.suspend(() => {
        open.delete(handle)
        const terminated = handle.thread === undefined
          ? Effect.void
          : Effect.promise(() => handle.thread!.terminate().catch(() => 0))
        return Effect.zipRight(terminated, Scope.close(handle.scope, Exit.void))
      })

    const closedError = () =>
      new RenderWorkerFailed({ templateVersionId: "", message: "the render worker pool is closed" })

    /** A worker started in the background. */
    const starting = Effect.gen(function*() {
      const deferred = yield* Deferred.make<Live, RenderWorkerFailed>()
      if (closed) yield* Deferred.fail(deferred, closedError())
      else yield* Effect.forkIn(Effect.flatMap(Effect.exit(spawn), (exit) => Deferred.done(deferred, exit)), poolScope)
      return deferred
    })

    /**
     * A warm spare worker: a replacement takes it, so requests after a deadline or a heap death
     * do not wait for a worker to start (seconds on a loaded machine) and miss their own deadline.
     */
    let spare: Deferred.Deferred<Live, RenderWorkerFailed> | undefined

    /** Give a slot a new worker: the spare when it is ready, a new one otherwise. */
    const restart = (slot: Slot) =>
      Effect.gen(function*() {
        const state = yield* Deferred.make<Live, RenderWorkerFailed>()
        slot.state = state
        slot.live = undefined
        if (closed) return yield* Deferred.fail(state, closedError())
        let source = spare
        const spareReady = source !== undefined && Option.isSome(yield* Deferred.poll(source))
        if (spareReady) spare = yield* starting
        else source = yield* starting
        const assign = Effect.flatMap(Effect.exit(Deferred.await(source!)), (exit) =>
          Effect.suspend(() => {
            if (Exit.isSuccess(exit) && slot.state === state) slot.live = exit.value
            return Deferred.done(state, exit)
          }))
        yield* Effect.forkIn(assign, poolScope)
      })

    /** Replace a slot's worker after its death (only once per worker). */
    const replace = (slot: Slot, live: Live, death: Death) =>
      Effect.suspend(() => {
        if (slot.live !== live) return Effect.void
        live.death.value ??= death
        const reason = live.death.value === "deadline"
          ? "a request ran past its deadline"
          : live.death.value === "heap"
          ? `it exhausted its ${heapLimit} limit`
          : "it exited"
        // Terminate first: the thread stops computing now, whatever its event loop is doing.
        void live.thread.terminate().catch(() => 0)
        const handle = [...open].find((h) => h.scope === live.scope)
        return Effect.zipRight(
          Effect.zipRight(
            Effect.logWarning(`render worker ${slot.index} terminated and replaced: ${reason}`),
            restart(slot)
          ),
          handle === undefined ? Effect.void : Effect.forkIn(release(handle), poolScope)
        )
      })

    yield* Scope.addFinalizer(
      poolScope,
      Effect.suspend(() => {
        closed = true
        return Effect.forEach([...open], release, { concurrency: "unbounded", discard: true })
      })
    )
    const slots: Array<Slot> = []
    for (let index = 0; index < size; index++) {
      const slot: Slot = { index, state: yield* Deferred.make<Live, RenderWorkerFailed>(), live: undefined }
      slots.push(slot)
      yield* restart(slot)
    }
    // The spare starts once the slots' workers are up: at start it would compete with them for
    // the CPU (and delay the first imports).
    if (settings.spare) {
      yield* Effect.forkIn(
        Effect.zipRight(
          Effect.forEach(slots, (slot) => Effect.exit(Deferred.await(slot.state)), { discard: true }),
          Effect.flatMap(starting, (started) => Effect.sync(() => (spare ??= started)))
        ),
        poolScope
      )
    }

    /** The live worker of a slot, starting a new one when the last start failed. */
    const acquire = (slot: Slot): Effect.Effect<Live, RenderWorkerFailed> =>
      Effect.flatMap(Deferred.poll(slot.state), (polled) =>
        Option.isSome(polled)
          ? Effect.flatMap(Effect.exit(polled.value), (exit) =>
            Exit.isSuccess(exit)
              ? Effect.succeed(exit.value)
              : Effect.zipRight(restart(slot), Deferred.await(slot.state)))
          : Deferred.await(slot.state))

    const execute = <A, E>(
      slot: Slot,
      operation: "render" | "import",
      templateVersionId: string,
      timeout: Duration.Duration,
      send: (worker: Worker.SerializedWorker<RenderWorker.Request>) => Effect.Effect<A, E | unknown>,
      isTyped: (error: unknown) => error is E
    ): Effect.Effect<A, E | RenderFailure> => {
      const attempt = (n: number): Effect.Effect<A, E | RenderFailure> =>
        Effect.gen(function*() {
          const live = yield* acquire(slot)
          const exit = yield* send(live.worker).pipe(
            Effect.timeoutFail({ duration: timeout, onTimeout: () => new Deadline() }),
            Effect.exit
          )
          if (Exit.isSuccess(exit)) return exit.value
          const failure = Cause.failureOption(exit.cause)
          if (Option.isSome(failure) && failure.value instanceof Deadline) {
            counters.timeouts++
            yield* replace(slot, live, "deadline")
            return yield* new RenderTimeout({
              templateVersionId,
              operation,
              timeoutMillis: Duration.toMillis(timeout),
              message: `the ${operation} did not finish within its deadline (${Duration.format(timeout)})`
            })
          }
          // A dead worker's `WorkerError` reaches here as a failure the request's schema cannot
          // decode (a `ParseError`): the death flags, set by the thread's own events, come first.
          const died = live.death.value !== undefined || Cause.isInterruptedOnly(exit.cause)
          if (!died && Option.isSome(failure) && isTyped(failure.value)) return yield* Effect.fail(failure.value)
          if (!died && Option.isSome(failure) && ParseResult.isParseError(failure.value)) {
            return yield* new RenderWorkerFailed({
              templateVersionId,
              message: `a render worker message could not be encoded or decoded: ${failure.value.message}`
            })
          }
          // The worker died (terminated for another request's deadline, out of heap, crashed).
          const death = live.death.value ?? "crashed"
          if (death === "heap" && slot.live === live) counters.exhausted++
          yield* replace(slot, live, death)
          if (n === 1) {
            counters.retries++
            return yield* attempt(2)
          }
          return yield* death === "heap"
            ? new RenderResourceExhausted({
              templateVersionId,
              operation,
              limit: heapLimit,
              message: heapMessage(heapLimit)
            })
            : death === "deadline"
            ? new RenderTimeout({
              templateVersionId,
              operation,
              timeoutMillis: Duration.toMillis(timeout),
              message: `the ${operation} was stopped with a worker that ran past a deadline`
            })
            : new RenderWorkerFailed({
              templateVersionId,
              message: `the render worker died: ${Cause.pretty(exit.cause)}`
            })
        })
      // In a fiber of the pool's scope: a caller that stops waiting leaves the deadline in force.
      return Effect.flatMap(Effect.forkIn(attempt(1), poolScope), Fiber.join)
    }

    const slotOf = (templateVersionId: string) => (Hash.string(templateVersionId) >>> 0) % size
    let nextImport = 0

    const never = (_: unknown): _ is never => false
    const isNeedFiles = (error: unknown): error is RenderWorker.NeedFiles => error instanceof RenderWorker.NeedFiles

    const compile: RenderWorkerPoolShape["compile"] = (templateVersionId, files) =>
      execute(
        slots[slotOf(templateVersionId)]!,
        "render",
        templateVersionId,
        settings.renderTimeout,
        (worker) => {
          counters.compilations++
          return worker.executeEffect(
            new RenderWorker.Compile({ versionId: templateVersionId, files: filePairs(files) })
          )
        },
        never
      )

    const isRenderTyped = (error: unknown): error is RenderWorker.NeedFiles | TemplateSourceError =>
      isNeedFiles(error) ||
      (typeof error === "object" && error !== null && ((error as { _tag?: unknown })._tag === "TemplateNotFound" ||
        (error as { _tag?: unknown })._tag === "TemplateSourceUnavailable"))

    /**
     * Render in the version's worker; when the worker does not hold the version (first request,
     * or a replacement), load the files, compile and ask again, all on that worker under one
     * deadline.
     */
    const renderVersion: RenderWorkerPoolShape["renderVersion"] = (request, files) =>
      execute(
        slots[slotOf(request.templateVersionId)]!,
        "render",
        request.templateVersionId,
        settings.renderTimeout,
        (worker) => {
          const ask = worker.executeEffect(
            new RenderWorker.RenderVersion({
              versionId: request.templateVersionId,
              owner: request.owner,
              values: request.values,
              ...(request.fullEvaluation === true ? { full: true } : {})
            })
          )
          return ask.pipe(
            Effect.catchIf(isNeedFiles, () =>
              files.pipe(
                Effect.flatMap((loaded) => {
                  counters.compilations++
                  return worker.executeEffect(
                    new RenderWorker.Compile({ versionId: request.templateVersionId, files: filePairs(loaded) })
                  )
                }),
                Effect.zipRight(ask)
              ))
          )
        },
        isRenderTyped
      ).pipe(
        Effect.catchIf(isNeedFiles, () =>
          Effect.fail(
            new RenderWorkerFailed({
              templateVersionId: request.templateVersionId,
              message: "the render worker lost the compiled template between two requests"
            })
          ))
      ) as Effect.Effect<Rendered, RenderFailure | TemplateSourceError>

    const renderFiles: RenderWorkerPoolShape["renderFiles"] = (files, owner, values) =>
      Effect.suspend(() => {
        const slot = slots[nextImport++ % size]!
        return execute(
          slot,
          "import",
          "",
          settings.importTimeout,
          (worker) => worker.executeEffect(new RenderWorker.RenderFiles({ files: filePairs(files), owner, values })),
          never
        ) as Effect.Effect<FilesRendered, RenderFailure>
      })

    return {
      size,
      slotOf,
      compile,
      renderVersion,
      renderFiles,
      stats: Effect.sync(() => ({ size, ...counters }))
    }
  })

/**
 * The pool on Node worker threads.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (settings: RenderWorkerPoolSettings): Layer.Layer<RenderWorkerPool> =>
  Layer.scoped(RenderWorkerPool, make(settings)).pipe(Layer.provide(NodeWorker.layerManager))

/**
 * The pool with settings read from configuration (a `Config` of the settings, or one `Config` per
 * setting, as `@effect/sql`'s clients take theirs); the application decides the names (the
 * server's are `WARMPOOL_RENDER_WORKERS`, `_RENDER_WORKER_HEAP_MB`, `_RENDER_TIMEOUT`, ...).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig = (
  config: Config.Config.Wrap<RenderWorkerPoolSettings>
): Layer.Layer<RenderWorkerPool, ConfigError.ConfigError> =>
  Layer.unwrapEffect(Effect.map(Config.unwrap(config), layer))
