/**
 * `WorkspaceBuilder.resolveParameters` (docs/prebuilds.md §6): precedence and sources, the
 * introspection render and ephemeral values, immutability, monotonicity, persisted defaults,
 * dropped values, tags, and the §6.1 error shape.
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { CacheSettings, RenderCache, Renderer, TemplateCache, TemplateSource } from "@warmpool/render"
import { HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as ParameterValidationError from "../src/ParameterValidationError.js"
import * as WorkspaceBuilder from "../src/WorkspaceBuilder.js"

const main = `
data "coder_workspace_owner" "me" {}

data "coder_parameter" "region" {
  name    = "region"
  type    = "string"
  default = "eu"
  mutable = false
  option {
    name  = "EU"
    value = "eu"
  }
  option {
    name  = "US"
    value = "us"
  }
}

data "coder_parameter" "cpus" {
  name    = "cpus"
  type    = "number"
  default = 2
  mutable = true
  validation {
    min       = 1
    max       = 16
    monotonic = "increasing"
  }
}

data "coder_parameter" "token" {
  name      = "token"
  type      = "string"
  default   = ""
  mutable   = true
  ephemeral = true
}

data "coder_parameter" "note" {
  name    = "note"
  type    = "string"
  default = "hello"
  mutable = true
}

data "coder_workspace_tags" "pool" {
  tags = {
    region = data.coder_parameter.region.value
  }
}
`

const withRequired = `
data "coder_parameter" "project" {
  name = "project"
  type = "string"
}
data "coder_parameter" "size" {
  name    = "size"
  type    = "number"
  default = 3
  validation {
    min = 1
    max = 5
  }
}
`

const withMissingModule = `
module "gone" {
  source = "./nowhere"
}
data "coder_parameter" "a" {
  name    = "a"
  type    = "string"
  default = "x"
}
`

const withUnusableTag = `
variable "pool" {
  type = string
}
data "coder_parameter" "a" {
  name    = "a"
  type    = "string"
  default = "x"
}
data "coder_workspace_tags" "t" {
  tags = {
    pool = var.pool
  }
}
`

const withTopLevelError = `
data "coder_parameter" "a" {
  name    = "a"
  type    = "string"
  default = "x"
}
data "coder_parameter" "b" {
  name    = "a"
  type    = "string"
  default = "y"
}
`

const versions = new Map<string, TemplateFiles.TemplateFiles>(
  Object.entries({
    main,
    required: withRequired,
    module: withMissingModule,
    tags: withUnusableTag,
    duplicate: withTopLevelError
  }).map(([id, source]) => [id, Either.getOrThrow(TemplateFiles.fromRecord({ "main.tf": source }))])
)

const TestLayer = WorkspaceBuilder.layer.pipe(
  Layer.provideMerge(Renderer.layer),
  Layer.provideMerge(TemplateCache.layer(CacheSettings.defaults(16))),
  Layer.provideMerge(RenderCache.layer(CacheSettings.defaults(64))),
  Layer.provide(TemplateSource.layerFromMap(versions)),
  Layer.provide(HclParser.layer),
  Layer.provide(Metrics.layerNoop)
)

const user: Owner.WorkspaceOwner = { ...Owner.empty, id: "user-1", name: "alice" }

const resolve = (request: Omit<WorkspaceBuilder.ResolveRequest, "owner"> & { owner?: Owner.WorkspaceOwner }) =>
  WorkspaceBuilder.resolveParameters({ owner: user, ...request })

const failure = (request: Omit<WorkspaceBuilder.ResolveRequest, "owner">) => Effect.flip(resolve(request))

describe("WorkspaceBuilder.resolveParameters", () => {
  it.effect("first build: preset > build > default, with sources; defaults are persisted", () =>
    Effect.gen(function*() {
      const resolved = yield* resolve({
        templateVersionId: "main",
        presetValues: { region: "us" },
        buildValues: { region: "eu", cpus: "4" }
      })
      expect(resolved.values).toEqual({ region: "us", cpus: "4", token: "", note: "hello" })
      expect(resolved.sources).toEqual({ region: "preset", cpus: "build", token: "default", note: "default" })
      expect(resolved.tags).toEqual({ region: "us" })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("previous values fill in below the build's; the previous ephemeral value is dropped", () =>
    Effect.gen(function*() {
      const resolved = yield* resolve({
        templateVersionId: "main",
        buildValues: { note: "changed" },
        previousValues: { region: "eu", cpus: "3", token: "secret", note: "old" }
      })
      expect(resolved.values).toEqual({ region: "eu", cpus: "3", token: "", note: "changed" })
      expect(resolved.sources).toEqual({ region: "previous", cpus: "previous", token: "default", note: "build" })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an ephemeral value supplied again by the build is kept", () =>
    Effect.gen(function*() {
      const resolved = yield* resolve({
        templateVersionId: "main",
        buildValues: { token: "fresh" },
        previousValues: { region: "eu", cpus: "2", token: "secret", note: "n" }
      })
      expect(resolved.values.token).toBe("fresh")
      expect(resolved.sources.token).toBe("build")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("render #1 runs only with previous values, render #2 always goes through the cache", () =>
    Effect.gen(function*() {
      const builder = yield* WorkspaceBuilder.WorkspaceBuilder
      const before = yield* builder.stats
      yield* resolve({ templateVersionId: "main", presetValues: { region: "eu" } })
      const afterFirst = yield* builder.stats
      expect(afterFirst.uncachedRenders - before.uncachedRenders).toBe(0)
      expect(afterFirst.cachedLookups - before.cachedLookups).toBe(1)
      yield* resolve({ templateVersionId: "main", previousValues: { region: "eu" } })
      const afterSecond = yield* builder.stats
      expect(afterSecond.uncachedRenders - afterFirst.uncachedRenders).toBe(1)
      expect(afterSecond.cachedLookups - afterFirst.cachedLookups).toBe(1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an immutable parameter cannot change after creation", () =>
    Effect.gen(function*() {
      const error = yield* failure({
        templateVersionId: "main",
        buildValues: { region: "us" },
        previousValues: { region: "eu", cpus: "2", note: "n" }
      })
      expect(error._tag).toBe("ParameterValidationError")
      if (error._tag !== "ParameterValidationError") return
      expect(error.message).toBe("Unable to validate parameters")
      expect(error.validations.map((v) => v.field)).toEqual(["region"])
      expect(error.validations[0]!.detail).toMatch(/^Immutable parameter changed; .*cannot change after creation/)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("the first build may set an immutable parameter freely", () =>
    Effect.gen(function*() {
      const resolved = yield* resolve({ templateVersionId: "main", buildValues: { region: "us" } })
      expect(resolved.values.region).toBe("us")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a mutable parameter may change", () =>
    Effect.gen(function*() {
      const resolved = yield* resolve({
        templateVersionId: "main",
        buildValues: { note: "new" },
        previousValues: { region: "eu", cpus: "2", note: "old" }
      })
      expect(resolved.values.note).toBe("new")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("monotonic increasing: a lower value fails, an equal or higher one passes", () =>
    Effect.gen(function*() {
      const previousValues = { region: "eu", cpus: "4", note: "n" }
      const lower = yield* failure({ templateVersionId: "main", buildValues: { cpus: "3" }, previousValues })
      expect(lower._tag).toBe("ParameterValidationError")
      if (lower._tag === "ParameterValidationError") {
        expect(lower.validations).toHaveLength(1)
        expect(lower.validations[0]!.field).toBe("cpus")
        expect(lower.validations[0]!.detail).toContain("may only increase")
      }
      const equal = yield* resolve({ templateVersionId: "main", buildValues: { cpus: "4" }, previousValues })
      expect(equal.values.cpus).toBe("4")
      const higher = yield* resolve({ templateVersionId: "main", buildValues: { cpus: "8" }, previousValues })
      expect(higher.values.cpus).toBe("8")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("monotonicity is not checked on the first build", () =>
    Effect.gen(function*() {
      const resolved = yield* resolve({ templateVersionId: "main", buildValues: { cpus: "1" } })
      expect(resolved.values.cpus).toBe("1")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("parameter errors are keyed by name, sorted, with 'and N other diagnostic(s)'", () =>
    Effect.gen(function*() {
      const error = yield* failure({ templateVersionId: "required", buildValues: { size: "9" } })
      expect(error._tag).toBe("ParameterValidationError")
      if (error._tag !== "ParameterValidationError") return
      expect(error.message).toBe("Unable to validate parameters")
      expect(error.detail).toBeUndefined()
      expect(error.validations.map((v) => v.field)).toEqual(["project", "size"])
      expect(error.validations[0]!.detail).toBe("Required parameter not provided; parameter value is null")
      expect(error.validations[1]!.detail).toMatch(/^Invalid parameter value according to 'validation' block; /)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("two errors on one field: the first error plus ', and 1 other diagnostic(s)'", () =>
    Effect.gen(function*() {
      const error = yield* failure({
        templateVersionId: "main",
        buildValues: { region: "us", cpus: "1" },
        previousValues: { region: "eu", cpus: "4" }
      })
      if (error._tag !== "ParameterValidationError") return expect.fail(error._tag)
      expect(error.validations.map((v) => v.field)).toEqual(["cpus", "region"])
      const described = ParameterValidationError.describe([
        { severity: "error", summary: "A", detail: "a" },
        { severity: "error", summary: "B", detail: "b" }
      ])
      expect(described).toBe("A; a, and 1 other diagnostic(s)")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("values matching no parameter are dropped on start builds only", () =>
    Effect.gen(function*() {
      const start = yield* resolve({ templateVersionId: "main", buildValues: { stray: "1" } })
      expect(start.values).not.toHaveProperty("stray")
      const stop = yield* resolve({
        templateVersionId: "main",
        transition: "stop",
        previousValues: { region: "eu", cpus: "2", note: "n", stray: "1" }
      })
      expect(stop.values.stray).toBe("1")
      expect(stop.sources.stray).toBe("previous")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("values are kept when a module failed to load (the render may be incomplete)", () =>
    Effect.gen(function*() {
      const resolved = yield* resolve({ templateVersionId: "module", buildValues: { from_module: "1" } })
      expect(resolved.values).toEqual({ a: "x", from_module: "1" })
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an unusable tag fails with 'Unable to parse workspace tags', keyed by the tag", () =>
    Effect.gen(function*() {
      const error = yield* failure({ templateVersionId: "tags" })
      if (error._tag !== "ParameterValidationError") return expect.fail(error._tag)
      expect(error.message).toBe("Unable to parse workspace tags")
      expect(error.validations.map((v) => v.field)).toEqual(["pool"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a top-level render error fails with the detail of the top-level diagnostics", () =>
    Effect.gen(function*() {
      const error = yield* failure({ templateVersionId: "duplicate" })
      if (error._tag !== "ParameterValidationError") return expect.fail(error._tag)
      expect(error.message).toBe("Unable to validate parameters")
      expect(error.validations).toEqual([])
      expect(error.detail).toMatch(/^Found 2 duplicate parameters with name "a", this is not allowed; /)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an unknown template version is TemplateNotFound, not a validation failure", () =>
    Effect.gen(function*() {
      const error = yield* failure({ templateVersionId: "missing" })
      expect(error._tag).toBe("TemplateNotFound")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("prebuild owner: the system user", () =>
    Effect.sync(() => {
      expect(WorkspaceBuilder.systemOwner.id).toBe("c42fdf75-3097-471c-8c33-fb52454d81c0")
      expect(WorkspaceBuilder.systemOwner.name).toBe("prebuilds")
    }))
})

describe("ParameterValidationError", () => {
  it("make sorts validations and sets detail only for top-level errors", () => {
    const error = ParameterValidationError.make(
      "Unable to validate presets",
      new Map([
        ["zeta", [{ severity: "error", summary: "Z", detail: "z" }]],
        ["alpha", [{ severity: "error", summary: "A", detail: "a" }]],
        ["empty", []]
      ]),
      [{ severity: "warning", summary: "W", detail: "w" }]
    )
    expect(error.validations).toEqual([{ field: "alpha", detail: "A; a" }, { field: "zeta", detail: "Z; z" }])
    expect(error.detail).toBeUndefined()
    const withTop = ParameterValidationError.make("m", new Map(), [
      { severity: "warning", summary: "W", detail: "w" },
      { severity: "error", summary: "E", detail: "e" }
    ])
    expect(withTop.detail).toBe("E; e, and 1 other diagnostic(s)")
    expect(ParameterValidationError.describe([])).toBe("no diagnostics")
  })

  it("toDiagnostics gives error diagnostics for storage", () => {
    const error = ParameterValidationError.make(
      "Unable to validate parameters",
      new Map([["p", [{ severity: "error", summary: "S", detail: "D" }]]])
    )
    expect(ParameterValidationError.toDiagnostics(error)).toEqual([
      { severity: "error", summary: "Unable to validate parameters: p", detail: "S; D", extra: { code: "" } }
    ])
    expect(ParameterValidationError.format(error)).toBe("Unable to validate parameters: p: S; D")
  })
})
