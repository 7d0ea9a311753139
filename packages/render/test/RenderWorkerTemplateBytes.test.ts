/**
 * A render worker keeps its compiled templates within `templateBytesPerWorker` estimated bytes
 * (`internal/weightedLru.ts`), on real worker threads (the built `dist/internal/renderWorkerMain.js`):
 * over the budget the least recently used version is dropped and compiled again when next asked
 * for; the version just compiled always stays for its renders.
 */
import { describe, expect, it } from "@effect/vitest"
import { RenderWorkerPool } from "@warmpool/render"
import { Owner, TemplateFiles } from "@warmpool/terraform"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"

const files = (name: string) =>
  Either.getOrThrow(TemplateFiles.fromRecord({
    "main.tf": `
data "coder_parameter" "${name}" {
  name    = "${name}"
  type    = "string"
  default = "x"
}
`
  }))

const templates = { v1: files("one"), v2: files("two") }

const poolWith = (templateBytesPerWorker: number | undefined) =>
  RenderWorkerPool.layer({
    ...RenderWorkerPool.defaults(),
    size: 1,
    spare: false,
    renderTimeout: Duration.seconds(20),
    importTimeout: Duration.seconds(20),
    maxHeapMb: 128,
    templateBytesPerWorker
  })

/** Render the versions in this order; the compilations the worker performed. */
const compilationsFor = (order: ReadonlyArray<keyof typeof templates>) =>
  Effect.gen(function*() {
    const pool = yield* RenderWorkerPool.RenderWorkerPool
    for (const id of order) {
      const rendered = yield* pool.renderVersion(
        { templateVersionId: id, owner: Owner.empty, values: {} },
        Effect.succeed(templates[id])
      )
      expect(rendered.output.parameters.map((p) => p.name)).toEqual([id === "v1" ? "one" : "two"])
    }
    return (yield* pool.stats).compilations
  })

describe("RenderWorkerPool: compiled templates bounded in bytes", () => {
  it("the default budget is a quarter of the heap", () => {
    expect(RenderWorkerPool.defaultTemplateBytes(512)).toBe(128 * 1024 * 1024)
  })

  it.live("within the budget, each version is compiled once", () =>
    compilationsFor(["v1", "v2", "v1", "v2"]).pipe(
      Effect.map((compilations) => expect(compilations).toBe(2)),
      Effect.provide(poolWith(undefined))
    ), { timeout: 60_000 })

  it.live(
    "over the budget, the least recently used version goes; the one just compiled stays",
    () =>
      compilationsFor(["v1", "v1", "v2", "v2", "v1"]).pipe(
        // a budget of one byte holds one version: v1 once, v2 once (v1 out), v1 again
        Effect.map((compilations) => expect(compilations).toBe(3)),
        Effect.provide(poolWith(1))
      ),
    { timeout: 60_000 }
  )
})
