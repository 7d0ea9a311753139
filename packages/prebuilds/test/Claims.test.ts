/**
 * Claims (docs/prebuilds.md §7): matching-preset selection, the atomic claim with its build and
 * parameters, immutability against the prebuild's persisted values, readiness, replacement after
 * the next cycle, resource-replacement detection and its counter, the timeout, and claim races.
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as TestClock from "effect/TestClock"
import * as Claims from "../src/Claims.js"
import type { ProvisionerWorkerId, UserId } from "../src/Domain.js"
import { SystemUserId } from "../src/Domain.js"
import { matchingPreset } from "../src/internal/claimPreset.js"
import { claimReplacements } from "../src/internal/claimReplacements.js"
import * as JobNotifications from "../src/JobNotifications.js"
import * as Prebuilds from "../src/Prebuilds.js"
import * as Reconciler from "../src/Reconciler.js"
import * as Settings from "../src/Settings.js"
import * as Store from "../src/Store.js"
import * as TemplateImport from "../src/TemplateImport.js"
import { type Backend, describeEachBackend } from "./utils/storeBackends.js"
import { addBuild } from "./utils/storeFixtures.js"

const T0 = DateTime.unsafeMake("2024-01-01T00:00:00Z")

const harness = (backend: Backend, wrap: (store: Store.StoreShape) => Store.StoreShape = (s) => s) =>
  Reconciler.layerManual({ settings: Settings.make({ backoffInterval: Duration.seconds(5) }) }).pipe(
    Layer.provideMerge(Prebuilds.layerCore()),
    Layer.provideMerge(
      Layer.effect(Store.Store, Effect.map(Store.Store, wrap)).pipe(Layer.provideMerge(backend.layer()))
    ),
    Layer.provideMerge(Metrics.layer)
  )

type Services = Layer.Layer.Success<ReturnType<typeof harness>>

const scenario = <A, E>(
  backend: Backend,
  body: Effect.Effect<A, E, Services>,
  wrap?: (store: Store.StoreShape) => Store.StoreShape
) =>
  TestClock.setTime(DateTime.toEpochMillis(T0)).pipe(
    Effect.zipRight(Effect.provide(body, harness(backend, wrap))),
    Effect.withRandom(Random.make("claims-tests"))
  )

const finishJobs = (ready = true) =>
  Effect.gen(function*() {
    const store = yield* Store.Store
    const now = yield* DateTime.now
    while (true) {
      const job = yield* store.acquireJob("claims-worker" as ProvisionerWorkerId, now)
      if (Option.isNone(job)) return
      yield* store.completeJob(job.value.job.id, {
        status: "succeeded",
        now,
        agents: job.value.build.transition === "start" ? [{ name: "main", ready }] : undefined
      })
    }
  })

const cycle = Effect.flatMap(Reconciler.Reconciler, (r) => r.reconcileOnce)

const alice: Owner.WorkspaceOwner = { ...Owner.empty, id: "user-alice", name: "alice", email: "alice@example.com" }

const template = `
data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "region" {
  name    = "region"
  type    = "string"
  default = "eu"
  mutable = false
}

data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
  mutable = true
}

data "coder_parameter" "dotfiles" {
  name    = "dotfiles"
  type    = "string"
  default = ""
  mutable = true
}

resource "docker_volume" "home" {
  name = "home-\${data.coder_workspace_owner.me.name}"
}

resource "docker_container" "box" {
  name  = "box-\${data.coder_workspace.me.id}"
  image = "ubuntu"
  lifecycle {
    ignore_changes = all
  }
}

data "coder_workspace_preset" "small" {
  name       = "small"
  parameters = { size = "small" }
  prebuilds {
    instances = 2
  }
}

data "coder_workspace_preset" "large" {
  name       = "large"
  parameters = { size = "large" }
  prebuilds {
    instances = 1
  }
}
`

const setUp = (source = template, templateName = "dev") =>
  Effect.gen(function*() {
    const imported = yield* Effect.flatMap(TemplateImport.TemplateImport, (service) =>
      service.importVersion({ templateName, files: { "main.tf": source }, activate: true }))
    yield* cycle
    yield* finishJobs()
    return imported
  })

const claim = (request: Omit<Claims.ClaimRequest, "owner"> & { readonly owner?: Owner.WorkspaceOwner }) =>
  Effect.flatMap(Claims.Claims, (claims) => claims.claim({ owner: alice, ...request }))

describeEachBackend("Claims.claim", (backend) => {
  it.effect("claims a ready prebuild: owner and name change, a claim build with the claim parameters", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        yield* setUp()
        const notifications = yield* JobNotifications.JobNotifications
        const queuedBefore = yield* notifications.size
        const claimed = Option.getOrThrow(
          yield* claim({ template: "dev", preset: "small", values: { size: "large", dotfiles: "https://x" } })
        )
        expect(claimed.workspace.ownerId).toBe("user-alice")
        expect(claimed.presetName).toBe("small")
        expect(claimed.buildNumber).toBe(2)
        // The preset's values win for the parameters it defines; the user's for the rest.
        expect(claimed.parameters).toEqual({ region: "eu", size: "small", dotfiles: "https://x" })
        expect(yield* notifications.size).toBe(queuedBefore + 1)
        const store = yield* Store.Store
        const latest = Option.getOrThrow(yield* store.latestBuild(claimed.workspace.id))
        expect(latest.build).toMatchObject({
          transition: "start",
          initiatorId: "user-alice",
          presetId: claimed.presetId
        })
        expect(yield* store.buildParameters(latest.build.id)).toEqual(claimed.parameters)
        // The next cycle replaces it.
        const next = yield* cycle
        expect(next.report.creates).toBe(1)
      })
    ))

  it.effect("a stop and start of a claimed workspace never claims again", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        yield* setUp()
        const store = yield* Store.Store
        const first = Option.getOrThrow(yield* claim({ template: "dev", preset: "large" }))
        yield* finishJobs()
        // The user stops and starts the workspace: ordinary builds of the user's workspace.
        yield* addBuild(first.workspace.id, {
          transition: "stop",
          status: "succeeded",
          initiatorId: first.workspace.ownerId
        })
        yield* addBuild(first.workspace.id, {
          transition: "start",
          status: "succeeded",
          initiatorId: first.workspace.ownerId
        })
        // The pool had one large prebuild: it is gone, and the restarted workspace is not a candidate.
        expect(yield* claim({ template: "dev", preset: "large", owner: { ...alice, id: "user-bob" } })).toEqual(
          Option.none()
        )
        expect(Option.map(yield* store.workspace(first.workspace.id), (w) => w.ownerId)).toEqual(
          Option.some("user-alice")
        )
      })
    ))

  it.effect("without a named preset: the matching preset (most parameters, identical values)", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        yield* setUp()
        const large = yield* claim({ template: "dev", values: { size: "large" } })
        expect(Option.map(large, (c) => c.presetName)).toEqual(Option.some("large"))
        // No preset matches: none (the caller creates an ordinary workspace).
        expect(yield* claim({ template: "dev", values: { size: "medium" } })).toEqual(Option.none())
        // The only large prebuild is gone: none.
        expect(yield* claim({ template: "dev", values: { size: "large" } })).toEqual(Option.none())
      })
    ))

  it.effect("agents not ready: nothing to claim; ready: claimed", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        yield* Effect.flatMap(TemplateImport.TemplateImport, (service) =>
          service.importVersion({ templateName: "dev", files: { "main.tf": template }, activate: true }))
        yield* cycle
        yield* finishJobs(false)
        expect(yield* claim({ template: "dev", preset: "large" })).toEqual(Option.none())
        const store = yield* Store.Store
        for (const w of yield* store.workspaces({ ownerId: SystemUserId })) {
          yield* store.setAgentReady(w.id, true)
        }
        expect(Option.isSome(yield* claim({ template: "dev", preset: "large" }))).toBe(true)
      })
    ))

  it.effect("an immutable parameter cannot differ from the prebuild's persisted value", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        yield* setUp()
        const error = yield* Effect.flip(claim({ template: "dev", preset: "small", values: { region: "us" } }))
        expect(error._tag).toBe("ParameterValidationError")
        if (error._tag === "ParameterValidationError") {
          expect(error.validations.map((v) => v.field)).toEqual(["region"])
        }
        // Nothing was claimed.
        const store = yield* Store.Store
        expect(yield* store.workspaces({ ownerId: "user-alice" as UserId })).toEqual([])
      })
    ))

  const secretTemplate = `
data "coder_workspace_owner" "me" {}

data "coder_secret" "gh" {
  env          = "GH_TOKEN"
  help_message = "A GitHub token"
}

data "coder_secret" "ops_key" {
  count        = contains(data.coder_workspace_owner.me.groups, "ops") ? 1 : 0
  file         = "/home/coder/.ssh/ops"
  help_message = "The ops SSH key"
}

data "coder_workspace_preset" "one" {
  name = "one"
  prebuilds {
    instances = 1
  }
}
`
  const gh = { env: "GH_TOKEN", file: "", help_message: "A GitHub token" }
  const opsKey = { env: "", file: "/home/coder/.ssh/ops", help_message: "The ops SSH key" }
  const secretCases: ReadonlyArray<{
    readonly name: string
    readonly groups: ReadonlyArray<string>
    readonly secrets: ReadonlyArray<{ readonly env?: string; readonly file?: string }> | undefined
    readonly missing: ReadonlyArray<typeof gh>
  }> = [
    { name: "no secrets given", groups: [], secrets: undefined, missing: [gh] },
    { name: "the wrong secrets", groups: [], secrets: [{ env: "GL_TOKEN" }, { file: "GH_TOKEN" }], missing: [gh] },
    { name: "an ops owner needs the file too", groups: ["ops"], secrets: [{ env: "GH_TOKEN" }], missing: [opsKey] },
    { name: "an ops owner with nothing", groups: ["ops"], secrets: [], missing: [gh, opsKey] },
    { name: "the env secret", groups: [], secrets: [{ env: "GH_TOKEN" }], missing: [] },
    {
      name: "an ops owner with both",
      groups: ["ops"],
      secrets: [{ env: "GH_TOKEN" }, { file: "/home/coder/.ssh/ops" }],
      missing: []
    }
  ]
  for (const { groups, missing, name, secrets } of secretCases) {
    it.effect(`secrets: ${name} → ${missing.length === 0 ? "claimed" : "refused, the prebuild stays in the pool"}`, () =>
      scenario(
        backend,
        Effect.gen(function*() {
          yield* setUp(secretTemplate, "secret")
          const store = yield* Store.Store
          const pool = () => store.workspaces({ ownerId: SystemUserId })
          const before = yield* pool()
          expect(before).toHaveLength(1)
          const owner = { ...alice, groups }
          const result = yield* Effect.either(claim({ template: "secret", preset: "one", owner, secrets }))
          if (missing.length === 0) {
            expect(Either.isRight(result) && Option.isSome(result.right)).toBe(true)
            expect(yield* pool()).toEqual([])
            return
          }
          expect(Either.isLeft(result)).toBe(true)
          if (Either.isRight(result)) return
          const error = result.left
          expect(error._tag).toBe("MissingSecrets")
          if (error._tag !== "MissingSecrets") return
          expect(error.missing).toEqual(missing)
          for (const r of missing) expect(error.message).toContain(r.env === "" ? `file ${r.file}` : `env ${r.env}`)
          // Nothing was claimed: the same prebuild is still in the pool, and the user has nothing.
          expect((yield* pool()).map((w) => w.id)).toEqual(before.map((w) => w.id))
          expect(yield* store.workspaces({ ownerId: "user-alice" as UserId })).toEqual([])
          // With the secrets, the same prebuild is claimed.
          const satisfied = [
            ...(secrets ?? []),
            ...missing.map((r) => (r.env === "" ? { file: r.file } : { env: r.env }))
          ]
          const claimed = yield* claim({ template: "secret", preset: "one", owner, secrets: satisfied })
          expect(Option.getOrThrow(claimed).workspace.id).toBe(before[0]!.id)
        })
      ))
  }

  it.effect("unknown templates and presets are errors; a preset without prebuilds is none", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        yield* setUp()
        const noTemplate = yield* Effect.flip(claim({ template: "nope" }))
        expect(noTemplate).toMatchObject({ _tag: "ClaimError", reason: "TemplateNotFound" })
        const noPreset = yield* Effect.flip(claim({ template: "dev", preset: "nope" }))
        expect(noPreset).toMatchObject({ _tag: "ClaimError", reason: "PresetNotFound" })
        const noOwner = yield* Effect.flip(claim({ template: "dev", owner: Owner.empty }))
        expect(noOwner).toMatchObject({ _tag: "ClaimError", reason: "InvalidOwner" })
      })
    ))

  it.effect("resource replacements: +1 per claim (not per resource), with the list", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        yield* setUp(template, "replacing")
        const metrics = yield* Metrics.Metrics
        const counter = Metrics.presetLabels(metrics.resourceReplacements, {
          templateName: "replacing",
          presetName: "small"
        })
        const before = (yield* Metric.value(counter)).count
        const claimed = Option.getOrThrow(yield* claim({ template: "replacing", preset: "small" }))
        expect(claimed.replacedResources).toEqual(["docker_volume.home"])
        expect((yield* Metric.value(counter)).count - before).toBe(1)
      })
    ))

  it.effect("no replacement detected: the counter does not move", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        const quiet = template.replace("home-${data.coder_workspace_owner.me.name}", "home-static")
        yield* setUp(quiet, "quiet")
        const metrics = yield* Metrics.Metrics
        const counter = Metrics.presetLabels(metrics.resourceReplacements, {
          templateName: "quiet",
          presetName: "small"
        })
        const claimed = Option.getOrThrow(yield* claim({ template: "quiet", preset: "small" }))
        expect(claimed.replacedResources).toEqual([])
        expect((yield* Metric.value(counter)).count).toBe(0)
      })
    ))

  it.effect("claim race: 20 concurrent claims for 5 prebuilds → exactly 5, none twice", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        const five = template.replace("instances = 2", "instances = 5")
        yield* setUp(five)
        const results = yield* Effect.all(
          Array.from({ length: 20 }, (_, i) =>
            claim({
              template: "dev",
              preset: "small",
              owner: { ...alice, id: `user-${i}`, name: `user${i}` },
              workspaceName: `ws-${i}`
            })),
          { concurrency: "unbounded" }
        )
        const claimed = results.filter(Option.isSome).map((o) => o.value.workspace.id)
        expect(claimed).toHaveLength(5)
        expect(new Set(claimed).size).toBe(5)
      })
    ))

  it.effect("Claims.layerConfig: the claim timeout is read from the configuration", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        yield* setUp()
        const configured = Claims.layerConfig({ timeout: Config.duration("CLAIM_TIMEOUT") })
        const fiber = yield* Effect.fork(
          Effect.flip(claim({ template: "dev", preset: "small" })).pipe(
            Effect.provide(configured),
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["CLAIM_TIMEOUT", "2 seconds"]])))
          )
        )
        // the default (10 s) would not have ended it yet
        yield* TestClock.adjust(Duration.seconds(3))
        expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: "ClaimError", reason: "Timeout" })
        const failed = yield* Effect.flip(
          claim({ template: "dev", preset: "small" }).pipe(
            Effect.provide(configured),
            Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["CLAIM_TIMEOUT", "soon"]])))
          )
        )
        expect(String(failed)).toContain("CLAIM_TIMEOUT")
      }),
      (store) => ({
        ...store,
        claim: (input) => Effect.zipRight(Effect.sleep(Duration.seconds(30)), store.claim(input))
      })
    ))

  it.effect("the claim times out after 10 s", () =>
    scenario(
      backend,
      Effect.gen(function*() {
        yield* setUp()
        const fiber = yield* Effect.fork(Effect.flip(claim({ template: "dev", preset: "small" })))
        yield* TestClock.adjust(Duration.seconds(11))
        expect(yield* Fiber.join(fiber)).toMatchObject({ _tag: "ClaimError", reason: "Timeout" })
      }),
      (store) => ({
        ...store,
        claim: (input) => Effect.zipRight(Effect.sleep(Duration.seconds(30)), store.claim(input))
      })
    ))
}, { sqlite: ["sqlite-memory"] })

describe("matchingPreset", () => {
  const presets = [
    { name: "b", parameters: { size: "large" } },
    { name: "a", parameters: { size: "large" } },
    { name: "full", parameters: { size: "large", region: "eu" } },
    { name: "empty", parameters: {} }
  ]
  it("most parameters wins; ties go to the lowest name; a preset without parameters matches nothing", () => {
    expect(matchingPreset(presets, { size: "large", region: "eu" }).pipe(Option.map((p) => p.name))).toEqual(
      Option.some("full")
    )
    expect(matchingPreset(presets, { size: "large", region: "us" }).pipe(Option.map((p) => p.name))).toEqual(
      Option.some("a")
    )
    expect(matchingPreset(presets, {})).toEqual(Option.none())
    expect(matchingPreset(presets, { size: "small" })).toEqual(Option.none())
  })
})

describe("claimReplacements", () => {
  const compile = (files: Record<string, string>) =>
    CompiledTemplate.compile(Either.getOrThrow(TemplateFiles.fromRecord(files))).pipe(Effect.provide(HclParser.layer))

  it.effect("follows locals, data sources, other resources and module inputs and outputs", () =>
    Effect.gen(function*() {
      const compiled = yield* compile({
        "main.tf": `
data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}
locals {
  prefix = "ws-\${data.coder_workspace.me.name}"
  label  = upper(local.prefix)
  stable = data.coder_workspace.me.id
}
resource "docker_network" "by_local" {
  name = local.label
}
resource "docker_network" "stable" {
  name = local.stable
}
resource "docker_container" "depends" {
  network = docker_network.by_local.id
}
resource "docker_image" "ignored" {
  name = local.prefix
  lifecycle {
    ignore_changes = [name]
  }
}
resource "coder_agent" "main" {
  env = { OWNER = data.coder_workspace_owner.me.email }
}
module "box" {
  source = "./box"
  owner  = data.coder_workspace_owner.me.name
}
resource "docker_volume" "from_module" {
  name = module.box.tag
}
`,
        "box/main.tf": `
variable "owner" {
  type = string
}
output "tag" {
  value = "box-\${var.owner}"
}
resource "docker_container" "inner" {
  hostname = var.owner
}
resource "docker_volume" "untouched" {
  name = "fixed"
}
`
      })
      expect(claimReplacements(compiled)).toEqual([
        "docker_container.depends",
        "docker_network.by_local",
        "docker_volume.from_module",
        "module.box.docker_container.inner"
      ])
    }))

  it.effect("a template that never reads the owner or the name replaces nothing", () =>
    Effect.gen(function*() {
      const compiled = yield* compile({
        "main.tf": `
data "coder_workspace" "me" {}
resource "docker_container" "c" {
  count = data.coder_workspace.me.start_count
  name  = "x-\${data.coder_workspace.me.id}"
}
`
      })
      expect(claimReplacements(compiled)).toEqual([])
    }))
})
