/**
 * Settings take effect in the services `warmpool serve` runs: each test reads a configuration
 * from flags (`ServerConfig.load`), builds `App.services` on an in-memory store with the
 * `TestClock`, and observes the behaviour the setting controls, against the defaults.
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { Provisioner, Reconciler, Store, TemplateImport } from "@warmpool/prebuilds"
import { RenderCache, Renderer, TemplateCache } from "@warmpool/render"
import { Owner } from "@warmpool/terraform"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Supervisor from "effect/Supervisor"
import * as TestClock from "effect/TestClock"
import * as App from "../src/App.js"
import * as ServerConfig from "../src/ServerConfig.js"

/** A template with one preset, prebuilt (one instance) or not (then the reconciler never renders it). */
const template = (name: string, prebuilt: boolean) => `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}

data "coder_workspace_preset" "${name}" {
  name       = "${name}"
  parameters = { size = "small" }
  ${prebuilt ? "prebuilds {\n    instances = 1\n  }" : ""}
}
`

/** Runs `body` with the services of the configuration the flags give (in-memory store). */
const withServices = <A, E>(
  flags: Record<string, string>,
  body: Effect.Effect<A, E, App.Services | Store.Store | Metrics.Metrics>
) =>
  Effect.gen(function*() {
    // Renders in process (no worker threads), so that the in-process caches are the ones used.
    const { config } = yield* ServerConfig.load({ flags: { "render-workers": "0", ...flags } })
    const layer = App.services(config).pipe(
      Layer.provideMerge(Store.layerMemory()),
      Layer.provideMerge(Metrics.layer)
    )
    return yield* Effect.scoped(Effect.provide(body, layer))
  })

const importTemplate = (name: string, prebuilt = false) =>
  Effect.flatMap(
    TemplateImport.TemplateImport,
    (importer) =>
      importer.importVersion({ templateName: name, files: { "main.tf": template(name, prebuilt) }, activate: true })
  )

const renderSizes = (templateVersionId: string, sizes: ReadonlyArray<string>) =>
  Effect.flatMap(
    Renderer.Renderer,
    (renderer) =>
      Effect.forEach(
        sizes,
        (size) => renderer.renderCached({ templateVersionId, owner: Owner.empty, values: { size } })
      )
  )

const renderEntries = Effect.flatMap(RenderCache.RenderCache, (cache) => Effect.map(cache.stats, (s) => s.entries))

/** Lets the provisioner's and reconciler's fibers run at the current virtual instant. */
const settle = Effect.zipRight(TestClock.adjust(Duration.millis(1)), Effect.yieldNow())

describe("settings take effect in App.services", () => {
  it.effect("render-cache-capacity bounds the cached renders", () =>
    Effect.gen(function*() {
      const entries = (flags: Record<string, string>) =>
        withServices(
          flags,
          Effect.gen(function*() {
            const imported = yield* importTemplate("t")
            yield* renderSizes(imported.templateVersionId, ["a", "b", "c"])
            return yield* renderEntries
          })
        )
      expect(yield* entries({ "render-cache-capacity": "1" })).toBeLessThanOrEqual(1)
      expect(yield* entries({})).toBe(3)
    }))

  it.effect("render-cache-ttl expires idle renders", () =>
    Effect.gen(function*() {
      /** Renders performed for the same values rendered twice, two idle minutes apart. */
      const rendersAcrossTwoMinutes = (flags: Record<string, string>) =>
        withServices(
          flags,
          Effect.gen(function*() {
            const imported = yield* importTemplate("t")
            const renders = Effect.flatMap(
              RenderCache.RenderCache,
              (cache) => Effect.map(cache.stats, (s) => s.renders)
            )
            yield* renderSizes(imported.templateVersionId, ["a"])
            const before = yield* renders
            yield* TestClock.adjust(Duration.minutes(2))
            yield* renderSizes(imported.templateVersionId, ["a"])
            return (yield* renders) - before
          })
        )
      expect(yield* rendersAcrossTwoMinutes({ "render-cache-ttl": "1m" })).toBe(1)
      expect(yield* rendersAcrossTwoMinutes({})).toBe(0)
    }))

  it.effect("template-cache-capacity bounds the compiled versions", () =>
    Effect.gen(function*() {
      const entries = (flags: Record<string, string>) =>
        withServices(
          flags,
          Effect.gen(function*() {
            for (const name of ["a", "b", "c"]) {
              const imported = yield* importTemplate(name)
              yield* renderSizes(imported.templateVersionId, ["x"])
            }
            return yield* Effect.flatMap(TemplateCache.TemplateCache, (cache) =>
              Effect.map(cache.stats, (s) => s.entries))
          })
        )
      expect(yield* entries({ "template-cache-capacity": "1" })).toBeLessThanOrEqual(1)
      expect(yield* entries({})).toBe(3)
    }))

  it.effect("hard-limit, backoff-interval, echo-failure-rate and echo-delay shape the pool", () =>
    Effect.gen(function*() {
      const afterOneFailure = (flags: Record<string, string>) =>
        withServices(
          { "echo-failure-rate": "1", "echo-delay": "0s", ...flags },
          Effect.gen(function*() {
            yield* importTemplate("t", true)
            const reconciler = yield* Reconciler.Reconciler
            yield* reconciler.reconcileOnce
            yield* settle
            yield* reconciler.reconcileOnce
            const pools = yield* reconciler.poolStatus
            return pools.find((p) => p.preset === "t" && p.activeVersion)!
          })
        )
      const limited = yield* afterOneFailure({ "hard-limit": "1" })
      expect(limited.status).toBe("hard_limited")
      const backingOff = yield* afterOneFailure({ "hard-limit": "0", "backoff-interval": "10m" })
      expect(backingOff.status).toBe("healthy")
      expect(backingOff.backoffUntil).not.toBeNull()
      const until = Date.parse(backingOff.backoffUntil!)
      const shortBackoff = yield* afterOneFailure({ "hard-limit": "0", "backoff-interval": "1s" })
      expect(until - Date.parse(shortBackoff.backoffUntil!)).toBeGreaterThanOrEqual(9 * 60_000)
    }))

  it.effect("interval sets the time between reconciliation cycles", () =>
    Effect.gen(function*() {
      const cyclesIn = (flags: Record<string, string>, elapsed: Duration.Duration) =>
        withServices(
          flags,
          Effect.gen(function*() {
            const reconciler = yield* Reconciler.Reconciler
            const before = (yield* reconciler.recentCycles).length
            yield* TestClock.adjust(elapsed)
            yield* Effect.yieldNow()
            return (yield* reconciler.recentCycles).length - before
          })
        )
      expect(yield* cyclesIn({ interval: "10s" }, Duration.seconds(35))).toBeGreaterThanOrEqual(3)
      expect(yield* cyclesIn({}, Duration.seconds(35))).toBeLessThanOrEqual(1)
    }))

  it.effect("provisioner and provisioner-command choose the command provisioner", () =>
    Effect.gen(function*() {
      const kindOf = (flags: Record<string, string>) =>
        withServices(flags, Effect.map(Provisioner.Provisioner, (p) => p.kind))
      expect(yield* kindOf({ provisioner: "command", "provisioner-command": "/bin/true" })).toBe("command")
      expect(yield* kindOf({})).toBe("echo")
    }))

  it.effect("no fiber outlives the services' scope (reconciler loop, provisioner workers, cache sweeps)", () =>
    Effect.gen(function*() {
      const supervisor = yield* Supervisor.track
      const running = yield* Effect.fork(
        withServices({ interval: "1s", "echo-delay": "0s" }, Effect.zipRight(importTemplate("t", true), Effect.never))
          .pipe(Effect.supervised(supervisor))
      )
      yield* TestClock.adjust(Duration.seconds(5))
      expect((yield* supervisor.value).length).toBeGreaterThan(2)
      yield* Fiber.interrupt(running)
      expect(yield* supervisor.value).toEqual([])
    }))
})
