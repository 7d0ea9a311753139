/**
 * `TemplateImport` (docs/prebuilds.md §6.3) and `StoreTemplateSource`: preset extraction with prebuild
 * settings, per-preset validation stored as `validation_failed`, strict mode, reuse by digest,
 * directory import, and template files served from the store.
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { CacheSettings, RenderCache, Renderer, TemplateCache, TemplateSource } from "@warmpool/render"
import { HclParser } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as path from "node:path"
import type { TemplateVersionId } from "../src/Domain.js"
import * as Store from "../src/Store.js"
import * as StoreTemplateSource from "../src/StoreTemplateSource.js"
import * as TemplateImport from "../src/TemplateImport.js"

const template = `
data "coder_parameter" "region" {
  name    = "region"
  type    = "string"
  default = "eu"
  option {
    name  = "EU"
    value = "eu"
  }
  option {
    name  = "US"
    value = "us"
  }
}

data "coder_parameter" "project" {
  name = "project"
  type = "string"
}

data "coder_workspace_preset" "good" {
  name       = "good"
  default    = true
  parameters = { region = "us", project = "p1" }
  prebuilds {
    instances = 2
    expiration_policy {
      ttl = 3600
    }
    scheduling {
      timezone = "UTC"
      schedule {
        cron      = "* 9-17 * * 1-5"
        instances = 4
      }
    }
  }
}

data "coder_workspace_preset" "missing" {
  name       = "missing-project"
  parameters = { region = "eu" }
  prebuilds {
    instances = 1
  }
}

data "coder_workspace_preset" "undefined" {
  name       = "undefined-parameter"
  parameters = { region = "eu", project = "p", nope = "1" }
  prebuilds {
    instances = 1
  }
}

data "coder_workspace_preset" "bad_schedule" {
  name       = "bad-schedule"
  parameters = { region = "eu", project = "p" }
  prebuilds {
    instances = 1
    scheduling {
      timezone = "Not/AZone"
      schedule {
        cron      = "* 9-17 * * *"
        instances = 2
      }
    }
  }
}

data "coder_workspace_preset" "plain" {
  name       = "no-prebuilds"
  parameters = { region = "eu" }
}
`

const valid = `
data "coder_parameter" "region" {
  name    = "region"
  type    = "string"
  default = "eu"
}
data "coder_workspace_preset" "p" {
  name       = "eu"
  parameters = { region = "eu" }
  prebuilds {
    instances = 1
  }
}
`

const TestLayer = TemplateImport.layer.pipe(
  Layer.provideMerge(Renderer.layer),
  Layer.provideMerge(TemplateCache.layer(CacheSettings.defaults(16))),
  Layer.provideMerge(RenderCache.layer(CacheSettings.defaults(64))),
  Layer.provideMerge(StoreTemplateSource.layer),
  Layer.provideMerge(Store.layerMemory()),
  Layer.provideMerge(HclParser.layer),
  Layer.provide(Metrics.layerNoop),
  Layer.provideMerge(Layer.merge(NodeFileSystem.layer, NodePath.layer))
)

const importTemplate = (request: Partial<TemplateImport.ImportRequest> & { readonly source?: string }) =>
  Effect.flatMap(TemplateImport.TemplateImport, (service) =>
    service.importVersion({
      templateName: request.templateName ?? "demo",
      files: request.files ?? { "main.tf": request.source ?? template },
      activate: request.activate ?? true,
      strict: request.strict
    }))

const errorsOf = (preset: TemplateImport.ImportedPreset) =>
  preset.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.summary} | ${d.detail}`)

describe("TemplateImport.importVersion", () => {
  it.effect("extracts presets with their prebuild settings and stores failures as validation_failed", () =>
    Effect.gen(function*() {
      const result = yield* importTemplate({})
      expect(result.reused).toBe(false)
      expect(result.active).toBe(true)
      const byName = Object.fromEntries(result.presets.map((p) => [p.name, p]))
      expect(Object.keys(byName).sort()).toEqual([
        "bad-schedule",
        "good",
        "missing-project",
        "no-prebuilds",
        "undefined-parameter"
      ])

      const good = byName["good"]!
      expect(good.status).toBe("healthy")
      expect(good.desiredInstances).toBe(2)
      expect(good.ttlSeconds).toBe(3600)
      expect(good.schedulingTimezone).toBe("UTC")
      expect(good.schedules).toEqual([{ cron: "* 9-17 * * 1-5", instances: 4 }])
      expect(errorsOf(good)).toEqual([])

      expect(byName["missing-project"]!.status).toBe("validation_failed")
      expect(errorsOf(byName["missing-project"]!)).toEqual([
        "Parameter project: Required parameter not provided | parameter value is null"
      ])
      expect(byName["undefined-parameter"]!.status).toBe("validation_failed")
      expect(errorsOf(byName["undefined-parameter"]!)).toEqual([
        "Undefined Parameter | Preset parameter \"nope\" is not defined by the template."
      ])
      expect(byName["bad-schedule"]!.status).toBe("validation_failed")
      expect(errorsOf(byName["bad-schedule"]!)[0]).toMatch(/^Invalid prebuild scheduling \| unknown timezone/)
      // Not a prebuild preset: never validated, never reconciled.
      expect(byName["no-prebuilds"]!.desiredInstances).toBeNull()
      expect(byName["no-prebuilds"]!.status).toBe("healthy")

      const store = yield* Store.Store
      const stored = yield* store.presetsOfVersion(result.templateVersionId)
      expect(stored.find((p) => p.name === "missing-project")!.prebuildStatus).toBe("validation_failed")
      const templateRow = yield* store.template(result.templateId)
      expect(Option.map(templateRow, (t) => t.activeVersionId)).toEqual(Option.some(result.templateVersionId))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the same files again return the existing version (reused) and activate it on request", () =>
    Effect.gen(function*() {
      const first = yield* importTemplate({ source: valid, activate: false })
      expect(first.active).toBe(false)
      const second = yield* importTemplate({ source: valid, activate: true })
      expect(second.reused).toBe(true)
      expect(second.templateVersionId).toBe(first.templateVersionId)
      expect(second.active).toBe(true)
      expect(second.presets.map((p) => p.name)).toEqual(["eu"])
      const service = yield* TemplateImport.TemplateImport
      expect(yield* service.compilations).toBe(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("strict mode rejects a version with failing presets and stores nothing", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(importTemplate({ strict: true }))
      expect(error._tag).toBe("ParameterValidationError")
      if (error._tag !== "ParameterValidationError") return
      expect(error.message).toBe("Unable to validate presets")
      expect(error.validations.map((v) => v.field)).toEqual([
        "bad-schedule",
        "missing-project",
        "undefined-parameter"
      ])
      const store = yield* Store.Store
      const templates = yield* store.listTemplates()
      expect(templates.flatMap((t) => t.versions)).toEqual([])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a template that does not render is rejected with its diagnostics", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        importTemplate({ source: `data "coder_parameter" "x" {\n  type = "string"\n}\n` })
      )
      expect(error._tag).toBe("TemplateImportError")
      if (error._tag !== "TemplateImportError") return
      expect(error.reason).toBe("RenderFailed")
      expect(error.diagnostics.some((d) => d.severity === "error")).toBe(true)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("invalid file paths are rejected", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(importTemplate({ files: { "../main.tf": valid } }))
      expect(error._tag).toBe("TemplateImportError")
      if (error._tag === "TemplateImportError") expect(error.reason).toBe("InvalidFiles")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("importDirectory imports each sub-directory as an active template", () =>
    Effect.gen(function*() {
      const service = yield* TemplateImport.TemplateImport
      const root = path.join(import.meta.dirname, "fixtures", "templates", "simulate")
      const results = yield* service.importDirectory(root)
      expect(results.map((r) => r.name)).toEqual(["broken-preset", "devbox"])
      const [broken, devbox] = results.map((r) => Either.getOrThrow(r.result))
      expect(devbox!.active).toBe(true)
      expect(devbox!.presets.map((p) => [p.name, p.status, p.desiredInstances])).toEqual([
        ["large-us", "healthy", 1],
        ["small-eu", "healthy", 2]
      ])
      expect(broken!.presets.map((p) => [p.name, p.status])).toEqual([
        ["missing-project", "validation_failed"],
        ["ok", "healthy"]
      ])
    }).pipe(Effect.provide(TestLayer)))
})

describe("StoreTemplateSource", () => {
  it.effect("serves a stored version's files to the template cache", () =>
    Effect.gen(function*() {
      const result = yield* importTemplate({ source: valid })
      const cache = yield* TemplateCache.TemplateCache
      const compiled = yield* cache.get(result.templateVersionId)
      expect(compiled.files.listFiles()).toEqual(["main.tf"])
      expect((yield* cache.stats).compilations).toBe(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an unknown version is TemplateNotFound", () =>
    Effect.gen(function*() {
      const source = yield* TemplateSource.TemplateSource
      const error = yield* Effect.flip(source.files("nope" as TemplateVersionId))
      expect(error._tag).toBe("TemplateNotFound")
      expect(error.message).toContain("not found")
    }).pipe(Effect.provide(TestLayer)))
})
