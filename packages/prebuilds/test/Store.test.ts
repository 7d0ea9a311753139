// Section numbers (§) in this file refer to docs/prebuilds.md.
import * as SqlClient from "@effect/sql/SqlClient"
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as path from "node:path"
import type { PrebuildStatus, TemplateId, TemplateVersionId } from "../src/Domain.js"
import * as Migrations from "../src/Migrations.js"
import * as Store from "../src/Store.js"
import { describeEachBackend, onFresh, tempDirectory, TestDatabase } from "./utils/storeBackends.js"
import { at, count, importTemplate, importVersion, presetImport, T0 } from "./utils/storeFixtures.js"

const reasonOf = <A, R>(effect: Effect.Effect<A, Store.StoreError, R>) =>
  Effect.map(Effect.either(effect), (result) => result._tag === "Left" ? result.left.reason : "succeeded")

const decoder = new TextDecoder()

describeEachBackend("Store: readiness and migrations", (backend) => {
  const fresh = onFresh(backend)

  it.effect("a fresh store answers and has every migration", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.ping
      expect(yield* store.migrationsApplied).toBe(true)
      expect(store.dialect).toBe(backend.name === "pg" ? "pg" : "sqlite")
      expect(store.maxConnections).toBe(backend.name === "pg" ? 10 : 1)
    })))

  it.effect("migrating again applies nothing and keeps the data", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      yield* store.createTemplate({ name: "kept" })
      expect(yield* Migrations.migrate).toEqual([])
      expect(yield* Migrations.migrate).toEqual([])
      expect((yield* store.listTemplates()).map((t) => t.name)).toEqual(["kept"])
      expect(yield* Migrations.appliedId).toEqual(Option.some(Migrations.latestId))
    })))

  it.effect("a store without migrations reports them missing until migrated", () =>
    Effect.gen(function*() {
      const store = yield* Store.Store
      expect(yield* store.migrationsApplied).toBe(false)
      const applied = yield* Migrations.migrate
      expect(applied.map(([id]) => id)).toEqual(
        Object.keys(Migrations.migrations).map((key) => Number.parseInt(key, 10))
      )
      expect(yield* store.migrationsApplied).toBe(true)
    }).pipe(onFresh(backend, { migrate: false })))

  if (backend.name !== "sqlite-memory") {
    it.scoped("a second store on the same database migrates idempotently and sees the data", () =>
      fresh(Effect.gen(function*() {
        const store = yield* Store.Store
        yield* store.createTemplate({ name: "shared" })
        const database = yield* TestDatabase
        const another = yield* database.openAnother()
        expect(yield* another.migrationsApplied).toBe(true)
        expect((yield* another.listTemplates()).map((t) => t.name)).toEqual(["shared"])
      })))
  }
})

describe("Store: SQLite file reopened", () => {
  it.scoped("keeps its state across opens", () =>
    Effect.gen(function*() {
      const directory = yield* tempDirectory
      const filename = path.join(directory, "reopen.db")
      const first = Effect.gen(function*() {
        const fixture = yield* importTemplate("persisted", { presets: [presetImport("p", { desiredInstances: 2 })] })
        const store = yield* Store.Store
        yield* store.setPaused(true)
        return fixture
      }).pipe(Effect.provide(Store.layerSqlite({ filename })))
      const fixture = yield* first
      const second = Effect.gen(function*() {
        const store = yield* Store.Store
        const templates = yield* store.listTemplates()
        expect(templates.map((t) => [t.name, t.activeVersionId])).toEqual([["persisted", fixture.versionId]])
        expect((yield* store.settings()).reconciliationPaused).toBe(true)
        const presets = yield* store.presetsOfVersion(fixture.versionId)
        expect(presets.map((p) => [p.name, p.desiredInstances])).toEqual([["p", 2]])
      }).pipe(Effect.provide(Store.layerSqlite({ filename })))
      yield* second
    }))
})

describeEachBackend("Store: templates and versions", (backend) => {
  const fresh = onFresh(backend)

  it.effect("template names are unique among live templates of an organization", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const first = yield* store.createTemplate({ name: "docker" })
      expect(first).toMatchObject({ name: "docker", activeVersionId: null, deleted: false, organizationId: null })
      expect(yield* reasonOf(store.createTemplate({ name: "docker" }))).toBe("Conflict")
      expect((yield* store.ensureTemplate("docker")).id).toBe(first.id)
      const org = yield* store.ensureOrganization("acme")
      expect(yield* store.ensureOrganization("acme")).toBe(org)
      const inOrg = yield* store.createTemplate({ name: "docker", organizationId: org })
      expect(inOrg.id).not.toBe(first.id)
      expect((yield* store.ensureTemplate("docker", org)).id).toBe(inOrg.id)
      yield* store.deleteTemplate(first.id)
      const again = yield* store.ensureTemplate("docker")
      expect(again.id).not.toBe(first.id)
      expect(Option.getOrThrow(yield* store.template(first.id)).deleted).toBe(true)
    })))

  it.effect("unknown ids are NotFound", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const missing = "00000000-0000-0000-0000-000000000000"
      expect(yield* reasonOf(store.createTemplate({ name: "x", organizationId: missing as never }))).toBe("NotFound")
      expect(yield* reasonOf(store.deleteTemplate(missing as TemplateId))).toBe("NotFound")
      expect(yield* reasonOf(store.deprecateTemplate(missing as TemplateId, "old"))).toBe("NotFound")
      expect(yield* reasonOf(store.versionFiles(missing as TemplateVersionId))).toBe("NotFound")
      expect(yield* store.template(missing as TemplateId)).toEqual(Option.none())
      expect(yield* store.templateVersion(missing as TemplateVersionId)).toEqual(Option.none())
      expect(yield* store.presetById(missing as never)).toEqual(Option.none())
      expect(yield* reasonOf(store.invalidatePreset(missing as never, T0))).toBe("NotFound")
      expect(yield* reasonOf(store.setPresetStatus(missing as never, "hard_limited"))).toBe("NotFound")
    })))

  it.effect("a version's files come back byte for byte; its digest finds it", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const template = yield* store.createTemplate({ name: "files" })
      const binary = new Uint8Array([0, 1, 2, 255, 254, 0])
      const files = { "main.tf": "resource \"x\" \"y\" {}\n", "modules/a/b.tf": "# é ✓\n", "bin/blob": binary }
      const versionId = yield* store.importVersion({
        templateId: template.id,
        name: "v1",
        files,
        presets: [],
        activate: false,
        now: at(5)
      })
      const stored = yield* store.versionFiles(versionId)
      expect(Object.keys(stored).sort()).toEqual(["bin/blob", "main.tf", "modules/a/b.tf"])
      expect(decoder.decode(stored["main.tf"])).toBe(files["main.tf"])
      expect(decoder.decode(stored["modules/a/b.tf"])).toBe(files["modules/a/b.tf"])
      expect(Array.from(stored["bin/blob"]!)).toEqual(Array.from(binary))
      const version = Option.getOrThrow(yield* store.templateVersion(versionId))
      expect(version).toMatchObject({
        id: versionId,
        templateId: template.id,
        name: "v1",
        digest: Store.filesDigest(files)
      })
      expect(version.createdAt).toEqual(at(5))
      expect(yield* store.findVersionByDigest(template.id, Store.filesDigest(files))).toEqual(Option.some(versionId))
      expect(yield* store.findVersionByDigest(template.id, Store.filesDigest({ "main.tf": "" }))).toEqual(Option.none())
      // Not activated.
      expect(Option.getOrThrow(yield* store.template(template.id)).activeVersionId).toBe(null)
    })))

  it.effect("file contents are stored once (content-addressed)", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const template = yield* store.createTemplate({ name: "dedup" })
      const shared = "variable \"shared\" {}\n"
      const v1 = yield* store.importVersion({
        templateId: template.id,
        name: "v1",
        files: { "main.tf": "one", "shared.tf": shared },
        presets: [],
        activate: true,
        now: T0
      })
      const v2 = yield* store.importVersion({
        templateId: template.id,
        name: "v2",
        files: { "main.tf": "two", "shared.tf": shared, "copy.tf": shared },
        presets: [],
        activate: true,
        now: at(1)
      })
      expect(yield* count("SELECT COUNT(*) AS n FROM file_blobs")).toBe(3)
      expect(yield* count("SELECT COUNT(*) AS n FROM template_version_files")).toBe(5)
      expect(decoder.decode((yield* store.versionFiles(v1))["shared.tf"])).toBe(shared)
      expect(decoder.decode((yield* store.versionFiles(v2))["copy.tf"])).toBe(shared)
    })))

  it("the files digest is injective over paths and contents", () => {
    expect(Store.filesDigest({ "a": "bc" })).not.toBe(Store.filesDigest({ "ab": "c" }))
    expect(Store.filesDigest({ "a": "1", "b": "2" })).not.toBe(Store.filesDigest({ "a": "2", "b": "1" }))
    expect(Store.filesDigest({ "a": "x" })).toBe(Store.filesDigest({ "a": new TextEncoder().encode("x") }))
    expect(Store.filesDigest({ "b": "2", "a": "1" })).toBe(Store.filesDigest({ "a": "1", "b": "2" }))
  })

  it.effect("activation, listing, deprecation and deletion", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const a = yield* importTemplate("alpha", { now: T0 })
      const a2 = yield* importVersion(a.templateId, { activate: false, now: at(10), name: "second" })
      const b = yield* importTemplate("beta")
      expect(yield* reasonOf(store.activateVersion(a.templateId, b.versionId))).toBe("Conflict")
      let listing = yield* store.listTemplates()
      expect(listing.map((t) => t.name)).toEqual(["alpha", "beta"])
      expect(listing[0]!.activeVersionId).toBe(a.versionId)
      expect(listing[0]!.versions.map((v) => [v.id, v.active])).toEqual([[a.versionId, true], [a2.versionId, false]])
      expect(listing[0]!.organizationName).toBe("")
      yield* store.activateVersion(a.templateId, a2.versionId)
      yield* store.deprecateTemplate(b.templateId, "use alpha")
      listing = yield* store.listTemplates()
      expect(listing[0]!.versions.map((v) => v.active)).toEqual([false, true])
      expect(listing[1]!.deprecationMessage).toBe("use alpha")
      yield* store.deleteTemplate(b.templateId)
      expect((yield* store.listTemplates()).map((t) => t.name)).toEqual(["alpha"])
      expect((yield* store.listTemplates({ includeDeleted: true })).map((t) => [t.name, t.deleted])).toEqual([
        ["alpha", false],
        ["beta", true]
      ])
      expect(yield* reasonOf(importVersion(b.templateId))).toBe("Conflict")
    })))

  it.effect("organizations name their templates in the listing", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const org = yield* store.ensureOrganization("acme")
      yield* store.createTemplate({ name: "t", organizationId: org })
      expect((yield* store.listTemplates()).map((t) => [t.organizationId, t.organizationName])).toEqual([[
        org,
        "acme"
      ]])
    })))
})

describeEachBackend("Store: presets and settings", (backend) => {
  const fresh = onFresh(backend)

  it.effect("presets keep every imported field; schedules keep their order", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const warning = { severity: "warning", summary: "just so you know" }
      const fixture = yield* importTemplate("presets", {
        presets: [
          presetImport("scheduled", {
            parameters: { cpu: "2", region: "us" },
            desiredInstances: 0,
            ttlSeconds: 3600,
            schedulingTimezone: "Europe/Paris",
            schedules: [{ cron: "* 9-18 * * 1-5", instances: 3 }, { cron: "* 8-14 * * 6", instances: 1 }],
            isDefault: true,
            validationDiagnostics: [warning]
          }),
          presetImport("plain", { parameters: {}, desiredInstances: null }),
          presetImport("broken", {
            validationDiagnostics: [warning, {
              severity: "error",
              summary: "Parameter x: Required parameter not provided"
            }]
          })
        ]
      })
      const presets = yield* store.presetsOfVersion(fixture.versionId)
      expect(presets.map((p) => p.name)).toEqual(["broken", "plain", "scheduled"])
      const [broken, plain, scheduled] = presets
      expect(scheduled).toEqual({
        id: fixture.presets.scheduled,
        templateVersionId: fixture.versionId,
        name: "scheduled",
        parameters: { cpu: "2", region: "us" },
        desiredInstances: 0,
        ttlSeconds: 3600,
        lastInvalidatedAt: null,
        schedulingTimezone: "Europe/Paris",
        schedules: [{ cron: "* 9-18 * * 1-5", instances: 3 }, { cron: "* 8-14 * * 6", instances: 1 }],
        prebuildStatus: "healthy",
        isDefault: true,
        validationDiagnostics: [warning]
      })
      expect(plain).toMatchObject({ parameters: {}, desiredInstances: null, schedules: [], prebuildStatus: "healthy" })
      expect(broken!.prebuildStatus).toBe("validation_failed")
      expect(broken!.validationDiagnostics).toHaveLength(2)
      expect(yield* store.presetById(fixture.presets.plain!)).toEqual(Option.some(plain))
    })))

  it.effect("preset status moves only forward (§3.11)", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const cases: ReadonlyArray<readonly [PrebuildStatus, PrebuildStatus, PrebuildStatus | "Conflict"]> = [
        ["healthy", "healthy", "healthy"],
        ["healthy", "hard_limited", "hard_limited"],
        ["healthy", "validation_failed", "validation_failed"],
        ["hard_limited", "hard_limited", "hard_limited"],
        ["hard_limited", "validation_failed", "validation_failed"],
        ["hard_limited", "healthy", "Conflict"],
        ["validation_failed", "validation_failed", "validation_failed"],
        ["validation_failed", "hard_limited", "validation_failed"],
        ["validation_failed", "healthy", "Conflict"]
      ]
      for (const [from, to, expected] of cases) {
        const fixture = yield* importTemplate(`status-${from}-${to}`)
        const id = fixture.presets.p!
        if (from !== "healthy") yield* store.setPresetStatus(id, from)
        const result = yield* Effect.either(store.setPresetStatus(id, to))
        if (expected === "Conflict") {
          expect(result._tag === "Left" && result.left.reason).toBe("Conflict")
          expect(Option.getOrThrow(yield* store.presetById(id)).prebuildStatus).toBe(from)
        } else {
          expect(result).toMatchObject({ _tag: "Right", right: expected })
          expect(Option.getOrThrow(yield* store.presetById(id)).prebuildStatus).toBe(expected)
        }
      }
    })))

  it.effect("validation failure stores its diagnostics; invalidation stores its instant", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      const fixture = yield* importTemplate("diag")
      const id = fixture.presets.p!
      const diagnostics = [{ severity: "error", summary: "Unable to validate parameters" }]
      expect(yield* store.setPresetStatus(id, "validation_failed", diagnostics)).toBe("validation_failed")
      yield* store.invalidatePreset(id, at(42))
      const preset = Option.getOrThrow(yield* store.presetById(id))
      expect(preset.validationDiagnostics).toEqual(diagnostics)
      expect(preset.lastInvalidatedAt).toEqual(at(42))
    })))

  it.effect("the pause flag is one global row", () =>
    fresh(Effect.gen(function*() {
      const store = yield* Store.Store
      expect((yield* store.settings()).reconciliationPaused).toBe(false)
      yield* store.setPaused(true)
      yield* store.setPaused(true)
      expect((yield* store.settings()).reconciliationPaused).toBe(true)
      yield* store.setPaused(false)
      expect((yield* store.settings()).reconciliationPaused).toBe(false)
      expect(yield* count("SELECT COUNT(*) AS n FROM prebuild_settings")).toBe(1)
    })))
})

describe("Store: layers", () => {
  it.effect("layerMemory gives each build a database of its own", () =>
    Effect.gen(function*() {
      const names = (layer: Layer.Layer<Store.Store, Store.StoreError>) =>
        Effect.provide(
          Effect.flatMap(
            Store.Store,
            (store) => Effect.zipRight(store.ensureTemplate("t"), Effect.map(store.listTemplates(), (l) => l.length))
          ),
          layer
        )
      expect(yield* names(Store.layerMemory())).toBe(1)
      expect(yield* names(Store.layerMemory())).toBe(1)
    }))

  it.effect("the store's SQL client is the one of the context", () =>
    Effect.gen(function*() {
      const sql = yield* SqlClient.SqlClient
      const store = yield* Store.make()
      yield* store.setPaused(true)
      const rows = yield* sql<{ readonly p: unknown }>`SELECT reconciliation_paused AS p FROM prebuild_settings`
      expect(Number(rows[0]!.p)).toBe(1)
    }).pipe(Effect.scoped, Effect.provide(Store.layerSqliteClient(":memory:"))))
})
