/**
 * Templates that update themselves (issue 16): `serve --watch` watches the `--templates`
 * directory and, once a template's files have been quiet for the debounce interval (default 2 s,
 * on Effect's `Clock`), imports it again through `TemplateImport` (the start-up import path). A
 * change that renders without a top-level error becomes the new active version and the reconciler
 * replaces the outdated prebuilds on its next cycle; a broken change (e.g. an HCL syntax error)
 * is logged, recorded in the template's versions list and counted in
 * `warmpool_template_imports_total{outcome="failed"}`, and the previous version stays active.
 * Files that did not change are recognised by their digest and make no new version.
 *
 * The change events come from `node:fs` `watch` (recursive) wrapped in a `Stream`
 * ({@link directoryChanges}); the debounce ({@link debounceChanges}) takes any stream of changed
 * template names, so tests drive it with a queue and `TestClock`.
 *
 * - {@link layer}: the scoped watcher (its fibers end with the layer's scope);
 * - {@link layerNoop}: watches nothing.
 *
 * @since 0.1.0
 */
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import { TemplateImport } from "@warmpool/prebuilds"
import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as nodePath from "node:path"

/**
 * What one round of imports did, per template: a new version (`imported`), the same files as
 * an existing version (`unchanged`), or a failure (`failed`, with the message).
 *
 * @since 0.1.0
 */
export interface ImportRound {
  readonly names: ReadonlyArray<string>
  readonly outcomes: ReadonlyArray<{
    readonly name: string
    readonly outcome: "imported" | "unchanged" | "failed"
    readonly versionId: string | null
    readonly message: string
  }>
}

/**
 * @since 0.1.0
 */
export interface TemplateWatcherShape {
  /** The import rounds run so far, oldest first (the latest 50). */
  readonly rounds: Effect.Effect<ReadonlyArray<ImportRound>>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TemplateWatcher extends Context.Tag("@warmpool/server/TemplateWatcher")<
  TemplateWatcher,
  TemplateWatcherShape
>() {}

/**
 * @since 0.1.0
 */
export interface TemplateWatcherOptions {
  /** The `--templates` directory. */
  readonly root: string
  /** Quiet time before a changed template is imported (default 2 s). */
  readonly debounce?: Duration.DurationInput | undefined
  /** Runs after every round that imported something (e.g. a metrics refresh). */
  readonly afterImport?: Effect.Effect<void> | undefined
  /** The change source (default {@link directoryChanges} of `root`). */
  readonly changes?: Stream.Stream<string> | undefined
}

/**
 * The default debounce: 2 seconds of quiet.
 *
 * @since 0.1.0
 */
export const defaultDebounce: Duration.Duration = Duration.seconds(2)

/**
 * The template a changed path (relative to the templates directory) belongs to: its first
 * segment, unless it is hidden (`.git`, an editor's swap directory) or empty.
 *
 * @since 0.1.0
 */
export const templateOfPath = (relative: string): Option.Option<string> => {
  const first = relative.split(/[\\/]/).find((segment) => segment !== "" && segment !== ".")
  return first === undefined || first.startsWith(".") || first === ".." ? Option.none() : Option.some(first)
}

/**
 * The templates changed under `root`, one element per file event (`node:fs` `watch`,
 * recursive). A watcher error ends the stream with a defect-free failure that
 * {@link layer} logs before it watches again.
 *
 * @since 0.1.0
 */
export const directoryChanges = (root: string): Stream.Stream<string, Error> =>
  Stream.asyncScoped<string, Error>((emit) =>
    Effect.acquireRelease(
      Effect.try({
        try: () => {
          const watcher = fs.watch(root, { recursive: true }, (_event, filename) => {
            if (filename === null) return
            const name = templateOfPath(String(filename))
            if (Option.isSome(name)) void emit.single(name.value)
          })
          watcher.on("error", (error) => void emit.fail(error))
          return watcher
        },
        catch: (error) => error instanceof Error ? error : new Error(String(error))
      }),
      (watcher) => Effect.sync(() => watcher.close())
    )
  )

/**
 * Batches changed template names: the first change opens a batch, every further change within
 * `debounce` of the previous one joins it, and `debounce` of quiet (on `Clock`) hands the batch
 * (distinct names, sorted) to `onBatch`. Runs until the source ends (a last batch is flushed) or
 * the fiber is interrupted.
 *
 * @since 0.1.0
 */
export const debounceChanges = <E, R>(
  changes: Stream.Stream<string, E, R>,
  debounce: Duration.DurationInput,
  onBatch: (names: ReadonlyArray<string>) => Effect.Effect<void>
): Effect.Effect<void, E, R> =>
  Effect.scoped(Effect.gen(function*() {
    const queue = yield* Queue.unbounded<Option.Option<string>>()
    const pump = yield* changes.pipe(
      Stream.runForEach((name) => Queue.offer(queue, Option.some(name))),
      Effect.ensuring(Queue.offer(queue, Option.none())),
      Effect.forkScoped
    )
    let ended = false
    while (!ended) {
      const first = yield* Queue.take(queue)
      if (Option.isNone(first)) break
      const batch = new Set([first.value])
      while (true) {
        const next = yield* Queue.take(queue).pipe(Effect.timeout(debounce), Effect.option)
        if (Option.isNone(next)) break // quiet for `debounce`
        if (Option.isNone(next.value)) {
          ended = true
          break
        }
        batch.add(next.value.value)
      }
      yield* onBatch([...batch].sort())
    }
    // Propagate a failure of the source (after its last batch was imported).
    const exit = yield* pump.await
    if (exit._tag === "Failure" && !Cause.isInterruptedOnly(exit.cause)) yield* Effect.failCause(exit.cause)
  }))

/**
 * Imports the named templates of `root` again and logs what happened: a new version (now
 * active), unchanged files, or why a change was not imported (the active version stays).
 *
 * @since 0.1.0
 */
export const importChanged = (
  root: string,
  names: ReadonlyArray<string>
): Effect.Effect<ImportRound, never, TemplateImport.TemplateImport | FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const importer = yield* TemplateImport.TemplateImport
    const results = yield* importer.importDirectory(root, { only: names, source: "watch" }).pipe(
      Effect.catchAll((error) =>
        Effect.as(Effect.logWarning(`watch: cannot read ${root}: ${error.message}`), [] as const)
      )
    )
    const outcomes: Array<ImportRound["outcomes"][number]> = []
    for (const entry of results) {
      if (Either.isLeft(entry.result)) {
        const error = entry.result.left
        outcomes.push({ name: entry.name, outcome: "failed", versionId: null, message: error.message })
        yield* Effect.logWarning(
          `template ${entry.name}: the change was not imported; the active version stays: ${error.message}`
        ).pipe(Effect.annotateLogs({ template: entry.name, source: "watch" }))
        continue
      }
      const r = entry.result.right
      outcomes.push({
        name: entry.name,
        outcome: r.reused ? "unchanged" : "imported",
        versionId: r.templateVersionId,
        message: ""
      })
      const presets = r.presets.map((p) =>
        `${p.name} (${p.desiredInstances ?? 0}${p.status === "healthy" ? "" : `, ${p.status}`})`
      )
      yield* Effect.logInfo(
        `template ${r.templateName}: ${
          r.reused ? "unchanged files, version" : "imported new version"
        } ${r.templateVersionId}${r.active ? " (active)" : ""}; presets: ${presets.join(", ") || "none"}`
      ).pipe(Effect.annotateLogs({ template: r.templateName, source: "watch" }))
    }
    return { names, outcomes }
  })

/**
 * The watcher as an effect: debounced imports of changed templates, forever. A failing watch
 * (e.g. the directory was removed) is logged and started again after the debounce interval.
 *
 * @since 0.1.0
 */
export const run = (
  options: TemplateWatcherOptions,
  onRound: (round: ImportRound) => Effect.Effect<void> = () => Effect.void
): Effect.Effect<never, never, TemplateImport.TemplateImport | FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const debounce = options.debounce ?? defaultDebounce
    const context = yield* Effect.context<TemplateImport.TemplateImport | FileSystem.FileSystem | Path.Path>()
    const onBatch = (names: ReadonlyArray<string>) =>
      importChanged(options.root, names).pipe(
        Effect.tap(onRound),
        Effect.tap((round) =>
          round.outcomes.some((o) => o.outcome === "imported") && options.afterImport !== undefined
            ? options.afterImport
            : Effect.void
        ),
        Effect.catchAllCause((cause) =>
          Cause.isInterruptedOnly(cause)
            ? Effect.failCause(cause)
            : Effect.logError("watch: importing changed templates failed").pipe(
              Effect.annotateLogs({ cause: Cause.pretty(cause) })
            )
        ),
        Effect.provide(context)
      )
    const source = options.changes ?? directoryChanges(nodePath.resolve(options.root))
    yield* Effect.logInfo(`watching ${options.root} for template changes (${Duration.format(debounce)} of quiet)`)
    while (true) {
      const exit = yield* Effect.exit(debounceChanges(source, debounce, onBatch))
      if (exit._tag === "Failure") {
        if (Cause.isInterruptedOnly(exit.cause)) return yield* Effect.interrupt
        yield* Effect.logWarning(`watch: watching ${options.root} failed; trying again`).pipe(
          Effect.annotateLogs({ cause: Cause.pretty(exit.cause) })
        )
      }
      yield* Effect.sleep(debounce)
    }
  })

/**
 * The scoped watcher: one fiber in the layer's scope (closing the scope stops the watch and
 * closes the `node:fs` watcher).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (
  options: TemplateWatcherOptions
): Layer.Layer<TemplateWatcher, never, TemplateImport.TemplateImport | FileSystem.FileSystem | Path.Path> =>
  Layer.scoped(
    TemplateWatcher,
    Effect.gen(function*() {
      const rounds = yield* Ref.make(Chunk.empty<ImportRound>())
      yield* Effect.forkScoped(
        run(options, (round) => Ref.update(rounds, (all) => Chunk.takeRight(Chunk.append(all, round), 50)))
      )
      return { rounds: Effect.map(Ref.get(rounds), Chunk.toReadonlyArray) }
    })
  )

/**
 * A watcher that watches nothing.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerNoop: Layer.Layer<TemplateWatcher> = Layer.succeed(TemplateWatcher, {
  rounds: Effect.succeed([])
})
