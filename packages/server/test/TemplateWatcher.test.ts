/**
 * `TemplateWatcher` (issue 16): the debounce on `TestClock` (a batch is imported only after the
 * quiet interval, changes within it join the batch), the mapping of changed paths to templates,
 * the scoped layer importing through `TemplateImport` (a stub here; the real import and the
 * binary are covered by test/e2e/watch.test.ts) and leaving no fiber behind.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { describe, expect, it } from "@effect/vitest"
import { TemplateImport } from "@warmpool/prebuilds"
import type { TemplateId, TemplateVersionId } from "@warmpool/prebuilds/Domain"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import * as Ref from "effect/Ref"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as Supervisor from "effect/Supervisor"
import * as TestClock from "effect/TestClock"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as TemplateWatcher from "../src/TemplateWatcher.js"

/** Lets forked fibers run up to their next wait. */
const settle = Effect.repeatN(Effect.yieldNow(), 50)

describe("templateOfPath", () => {
  const cases: ReadonlyArray<readonly [string, Option.Option<string>]> = [
    ["pool/main.tf", Option.some("pool")],
    ["pool", Option.some("pool")],
    ["pool/modules/x/main.tf", Option.some("pool")],
    ["./pool/main.tf", Option.some("pool")],
    [".git/index", Option.none()],
    [".pool.swp", Option.none()],
    ["", Option.none()],
    ["pool\\main.tf", Option.some("pool")]
  ]
  for (const [relative, expected] of cases) {
    it(`${JSON.stringify(relative)} → ${Option.getOrElse(expected, () => "none")}`, () => {
      expect(TemplateWatcher.templateOfPath(relative)).toEqual(expected)
    })
  }
})

describe("directoryChanges", () => {
  it.live("emits the template of a file written under the directory (node:fs watch)", () =>
    Effect.gen(function*() {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-watcher-"))
      fs.mkdirSync(path.join(root, "pool"))
      fs.mkdirSync(path.join(root, ".hidden"))
      const first = yield* TemplateWatcher.directoryChanges(root).pipe(
        Stream.take(1),
        Stream.runCollect,
        Effect.fork
      )
      yield* Effect.sleep(Duration.millis(100))
      fs.writeFileSync(path.join(root, ".hidden", "x"), "ignored")
      fs.writeFileSync(path.join(root, "pool", "main.tf"), "# changed")
      const names = yield* Fiber.join(first).pipe(Effect.timeout(Duration.seconds(5)))
      expect([...names]).toEqual(["pool"])
      fs.rmSync(root, { recursive: true, force: true })
    }))
})

describe("debounceChanges", () => {
  it.effect("imports a batch only after 2s of quiet; changes within the interval join it", () =>
    Effect.gen(function*() {
      const changes = yield* Queue.unbounded<string>()
      const batches = yield* Ref.make<ReadonlyArray<ReadonlyArray<string>>>([])
      const fiber = yield* Effect.fork(
        TemplateWatcher.debounceChanges(
          Stream.fromQueue(changes),
          Duration.seconds(2),
          (names) => Ref.update(batches, (all) => [...all, names])
        )
      )
      yield* settle
      yield* Queue.offer(changes, "b")
      yield* settle
      yield* TestClock.adjust(Duration.millis(1500))
      yield* Queue.offer(changes, "a")
      yield* settle
      yield* TestClock.adjust(Duration.millis(1500))
      yield* Queue.offer(changes, "b")
      yield* settle
      // 3 s since the first change, but never 2 s of quiet: nothing imported yet.
      yield* TestClock.adjust(Duration.millis(1999))
      yield* settle
      expect(yield* Ref.get(batches)).toEqual([])
      yield* TestClock.adjust(Duration.millis(1))
      yield* settle
      expect(yield* Ref.get(batches)).toEqual([["a", "b"]])
      // A later change is a batch of its own.
      yield* Queue.offer(changes, "c")
      yield* settle
      yield* TestClock.adjust(Duration.seconds(2))
      yield* settle
      expect(yield* Ref.get(batches)).toEqual([["a", "b"], ["c"]])
      yield* Fiber.interrupt(fiber)
    }))

  it.effect("flushes the last batch when the source ends, then propagates its failure", () =>
    Effect.gen(function*() {
      const batches = yield* Ref.make<ReadonlyArray<ReadonlyArray<string>>>([])
      const exit = yield* Effect.exit(
        TemplateWatcher.debounceChanges(
          Stream.concat(Stream.make("x", "y"), Stream.fail("watch broke")),
          Duration.seconds(2),
          (names) => Ref.update(batches, (all) => [...all, names])
        )
      )
      expect(yield* Ref.get(batches)).toEqual([["x", "y"]])
      expect(exit).toEqual(Exit.fail("watch broke"))
    }))
})

/** A `TemplateImport` that records which templates it was asked to import. */
const stubImport = (calls: Ref.Ref<ReadonlyArray<ReadonlyArray<string>>>) =>
  Layer.succeed(TemplateImport.TemplateImport, {
    importVersion: () => Effect.dieMessage("not used"),
    compilations: Effect.succeed(0),
    importDirectory: (root, options) =>
      Effect.gen(function*() {
        const names = options?.only ?? []
        yield* Ref.update(calls, (all) => [...all, names])
        expect(options?.source).toBe("watch")
        return names.map((name): TemplateImport.DirectoryImport => ({
          name,
          directory: `${root}/${name}`,
          result: name === "broken"
            ? Either.left(
              new TemplateImport.TemplateImportError({
                reason: "RenderFailed",
                templateName: name,
                message: "syntax error",
                diagnostics: []
              })
            )
            : Either.right({
              templateId: "t" as TemplateId,
              templateName: name,
              templateVersionId: `v-${name}` as TemplateVersionId,
              reused: false,
              active: true,
              presets: [],
              diagnostics: [],
              skippedPresets: []
            })
        }))
      })
  })

describe("TemplateWatcher.layer", () => {
  it.effect("imports changed templates after the debounce, runs afterImport, and leaves no fiber behind", () =>
    Effect.gen(function*() {
      const calls = yield* Ref.make<ReadonlyArray<ReadonlyArray<string>>>([])
      const refreshed = yield* Ref.make(0)
      const changes = yield* Queue.unbounded<string>()
      const supervisor = yield* Supervisor.track
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        TemplateWatcher.layer({
          root: "/templates",
          changes: Stream.fromQueue(changes),
          afterImport: Ref.update(refreshed, (n) => n + 1)
        }).pipe(
          Layer.provide(Layer.mergeAll(stubImport(calls), NodeFileSystem.layer, NodePath.layer))
        ),
        scope
      ).pipe(Effect.supervised(supervisor))
      const watcher = Context.get(context, TemplateWatcher.TemplateWatcher)
      yield* settle
      yield* Queue.offerAll(changes, ["pool", "broken", "pool"])
      yield* settle
      yield* TestClock.adjust(Duration.millis(1999))
      yield* settle
      expect(yield* Ref.get(calls)).toEqual([])
      yield* TestClock.adjust(Duration.millis(1))
      yield* settle
      expect(yield* Ref.get(calls)).toEqual([["broken", "pool"]])
      expect(yield* Ref.get(refreshed)).toBe(1)
      const rounds = yield* watcher.rounds
      expect(rounds).toEqual([{
        names: ["broken", "pool"],
        outcomes: [
          { name: "broken", outcome: "failed", versionId: null, message: "syntax error" },
          { name: "pool", outcome: "imported", versionId: "v-pool", message: "" }
        ]
      }])
      // A round where every import failed does not refresh.
      yield* Queue.offer(changes, "broken")
      yield* settle
      yield* TestClock.adjust(Duration.seconds(2))
      yield* settle
      expect(yield* Ref.get(refreshed)).toBe(1)
      expect((yield* Ref.get(calls)).length).toBe(2)

      expect((yield* supervisor.value).filter((fiber) => fiber.unsafePoll() === null).length).toBeGreaterThan(0)
      yield* Scope.close(scope, Exit.void)
      yield* settle
      expect((yield* supervisor.value).filter((fiber) => fiber.unsafePoll() === null)).toEqual([])
    }))

  it.effect("the no-op layer watches nothing", () =>
    Effect.gen(function*() {
      const watcher = yield* TemplateWatcher.TemplateWatcher
      expect(yield* watcher.rounds).toEqual([])
    }).pipe(Effect.provide(TemplateWatcher.layerNoop)))
})
