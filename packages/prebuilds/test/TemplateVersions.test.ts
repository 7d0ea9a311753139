/**
 * Versions with their import results (issue 16), on every store backend: a new version and a
 * broken change are recorded with their diagnostics, the broken change leaves the active version
 * alone, re-importing unchanged files records nothing, and the list is newest first. The pure
 * `merge` is table-tested without a store. (The store suite runs on the live clock: the
 * renderer's import path waits on it.)
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { CacheSettings, RenderCache, Renderer, TemplateCache } from "@warmpool/render"
import { HclParser } from "@warmpool/terraform"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type { TemplateId, TemplateVersionId } from "../src/Domain.js"
import * as Store from "../src/Store.js"
import * as StoreTemplateSource from "../src/StoreTemplateSource.js"
import * as TemplateImport from "../src/TemplateImport.js"
import * as TemplateVersions from "../src/TemplateVersions.js"
import { type Backend, describeEachBackend } from "./utils/storeBackends.js"

const template = (instances: number) => `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}

data "coder_workspace_preset" "one" {
  name       = "one"
  parameters = { size = "small" }
  prebuilds {
    instances = ${instances}
  }
}
`

const importerOn = (backend: Backend) =>
  TemplateImport.layer.pipe(
    Layer.provideMerge(Renderer.layer),
    Layer.provideMerge(TemplateCache.layerWith(CacheSettings.defaults(16))),
    Layer.provideMerge(RenderCache.layerWith(CacheSettings.defaults(64))),
    Layer.provideMerge(StoreTemplateSource.layer),
    Layer.provideMerge(backend.layer()),
    Layer.provideMerge(HclParser.layer),
    Layer.provide(Metrics.layerNoop)
  )

const listOf = (name: string) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const found = (yield* store.listTemplates()).find((t) => t.name === name)!
    return yield* TemplateVersions.list(store, found.id, found.versions)
  })

describeEachBackend("TemplateVersions: import results per version", (backend) => {
  const run = <A, E>(body: Effect.Effect<A, E, TemplateImport.TemplateImport | Store.Store>) =>
    Effect.provide(body, importerOn(backend))

  it.live("a broken change is recorded and leaves the active version; a good one activates", () =>
    run(Effect.gen(function*() {
      const importer = yield* TemplateImport.TemplateImport
      const store = yield* Store.Store
      const v1 = yield* importer.importVersion({
        templateName: "pool",
        files: { "main.tf": template(1) },
        activate: true,
        source: "directory"
      })
      yield* Effect.sleep(Duration.millis(5))
      const broken = yield* Effect.either(importer.importVersion({
        templateName: "pool",
        files: { "main.tf": template(3).replace("prebuilds {", "prebuilds {{ = ]") },
        activate: true,
        source: "watch"
      }))
      expect(Either.isLeft(broken)).toBe(true)
      const afterBroken = yield* store.template(v1.templateId)
      expect(Option.map(afterBroken, (t) => t.activeVersionId)).toEqual(Option.some(v1.templateVersionId))

      yield* Effect.sleep(Duration.millis(5))
      const v2 = yield* importer.importVersion({
        templateName: "pool",
        files: { "main.tf": template(3) },
        activate: true,
        source: "watch"
      })
      // The same files again: reused, nothing recorded.
      yield* Effect.sleep(Duration.millis(5))
      const again = yield* importer.importVersion({
        templateName: "pool",
        files: { "main.tf": template(3) },
        activate: true,
        source: "watch"
      })
      expect(again.reused).toBe(true)

      const list = yield* listOf("pool")
      expect(list.map((v) => [v.id, v.active, v.ok, v.source])).toEqual([
        [v2.templateVersionId, true, true, "watch"],
        [null, false, false, "watch"],
        [v1.templateVersionId, false, true, "directory"]
      ])
      expect(list[0]!.presets).toEqual([{ name: "one", status: "healthy", desiredInstances: 3 }])
      expect(list[1]!.message).toMatch(/does not render/)
      expect(list[1]!.diagnostics.length).toBeGreaterThan(0)
      expect(list[1]!.diagnostics.every((d) => (d as { severity: string }).severity === "error")).toBe(true)
      expect(DateTime.lessThan(list[2]!.createdAt, list[1]!.createdAt)).toBe(true)
      expect((yield* store.templateImports(v1.templateId)).length).toBe(3)
      expect((yield* store.templateImports(v1.templateId, 1)).map((r) => r.templateVersionId)).toEqual([
        v2.templateVersionId
      ])
    })))
})

describe("TemplateVersions.merge", () => {
  const t = (seconds: number) => DateTime.unsafeMake(seconds * 1000)
  const v = (id: string, seconds: number, active = false): TemplateVersions.VersionRow => ({
    id: id as TemplateVersionId,
    name: id,
    createdAt: t(seconds),
    active
  })
  const record = (
    id: string,
    version: string | null,
    seconds: number,
    ok: boolean,
    message = ""
  ): Store.StoredTemplateImport => ({
    id,
    templateId: "t" as TemplateId,
    templateVersionId: version as TemplateVersionId | null,
    createdAt: t(seconds),
    ok,
    source: "watch",
    message,
    diagnostics: ok ? [] : [{ severity: "error", summary: message }]
  })
  const cases: ReadonlyArray<{
    readonly name: string
    readonly versions: ReadonlyArray<TemplateVersions.VersionRow>
    readonly imports: ReadonlyArray<Store.StoredTemplateImport>
    readonly expected: ReadonlyArray<readonly [string | null, boolean, string | null]>
  }> = [
    { name: "nothing", versions: [], imports: [], expected: [] },
    {
      name: "a version imported before records were kept is ok, source unknown",
      versions: [v("a", 1, true)],
      imports: [],
      expected: [["a", true, null]]
    },
    {
      name: "failures are entries of their own, newest first",
      versions: [v("a", 1), v("b", 5, true)],
      imports: [record("r1", "a", 1, true), record("r2", null, 3, false, "bad"), record("r3", "b", 5, true)],
      expected: [["b", true, "watch"], [null, false, "watch"], ["a", true, "watch"]]
    },
    {
      name: "same instant: ties by id, descending",
      versions: [v("a", 1), v("b", 1)],
      imports: [],
      expected: [["b", true, null], ["a", true, null]]
    }
  ]
  for (const c of cases) {
    it(c.name, () => {
      const merged = TemplateVersions.merge(c.versions, c.imports, new Map())
      expect(merged.map((e) => [e.id, e.ok, e.source])).toEqual(c.expected)
    })
  }
})
