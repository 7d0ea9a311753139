/**
 * The HTTP API in process: the real application (`App.layer` on a SQLite file, echo
 * provisioner) served by `NodeHttpServer.layerTest`, called through the typed
 * `@warmpool/client` (`HttpApiClient` derived from the same `HttpApi`), so every answer is
 * decoded by the API's own schemas and every error arrives as its typed error. Raw requests
 * check what the typed client cannot send (no token, unknown routes, malformed bodies).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { describe, expect, it } from "@effect/vitest"
import { WarmpoolClient } from "@warmpool/client"
import { Reconciler } from "@warmpool/prebuilds"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Schedule from "effect/Schedule"
import * as Supervisor from "effect/Supervisor"
import * as ApiServer from "./utils/apiServer.js"

/** A template with one parameter and one prebuilt preset of `instances` instances. */
const template = (preset: string, instances: number, defaultSize = "small") => `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "${defaultSize}"
  option {
    name  = "Small"
    value = "small"
  }
  option {
    name  = "Large"
    value = "large"
  }
}

data "coder_parameter" "disk" {
  name    = "disk"
  type    = "number"
  default = data.coder_parameter.size.value == "large" ? 100 : 10
}

data "coder_workspace_preset" "${preset}" {
  name       = "${preset}"
  parameters = { size = "small" }
  prebuilds {
    instances = ${instances}
  }
}
`

/** The client of the server under test. */
const client = WarmpoolClient.WarmpoolClient

/** The failure of an effect that must fail, as a value. */
const failureOf = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.flip(effect)

/** A raw request to the server under test (its `HttpClient` is based at the server's address). */
const raw = (request: HttpClientRequest.HttpClientRequest) =>
  Effect.gen(function*() {
    const response = yield* (yield* HttpClient.HttpClient).execute(request)
    return { status: response.status, json: (yield* response.json) as Record<string, unknown> }
  })

/** Imports `name` with one prebuilt preset and returns the import's answer. */
const importTemplate = (name: string, preset = "warm", instances = 1) =>
  Effect.flatMap(client, (api) =>
    api.templates.importVersion({
      path: { name },
      payload: { files: { "main.tf": template(preset, instances) } }
    }))

describe("HTTP API in process (typed client)", () => {
  // No queue cap (issue 16): the pools below fill in the cycles the tests run by hand (on the
  // TestClock, where a retry's sleep would never end).
  it.layer(ApiServer.layer({ flags: { "max-pending-jobs": "1000" } }), { timeout: 60_000 })((it) => {
    it.effect("health: liveness, readiness and the Prometheus text need no token", () =>
      Effect.gen(function*() {
        const anonymous = yield* WarmpoolClient.make()
        expect(yield* anonymous.health.healthz()).toEqual({ status: "ok" })
        expect(yield* anonymous.health.readyz()).toEqual({ status: "ready", store: "sqlite", migrations: true })
        const metrics = yield* anonymous.health.metrics()
        expect(metrics).toContain("# TYPE")
      }))

    it.effect("a request without the token, or with another, fails with the typed Unauthorized", () =>
      Effect.gen(function*() {
        for (const options of [{}, { token: "not-the-token" }]) {
          const other = yield* WarmpoolClient.make(options)
          const error = yield* failureOf(other.templates.list())
          expect(error._tag).toBe("Unauthorized")
          expect((error as { message?: string }).message).toMatch(/token/i)
        }
        const answer = yield* raw(HttpClientRequest.get("/api/v1/presets"))
        expect(answer.status).toBe(401)
        expect(answer.json._tag).toBe("Unauthorized")
      }))

    it.effect("templates: import (created, then reused), list, a second version, activate", () =>
      Effect.gen(function*() {
        const api = yield* client
        const first = yield* importTemplate("alpha")
        expect(first).toMatchObject({ created: true, active: true })
        expect(first.presets).toEqual([
          { name: "warm", status: "healthy", desiredInstances: 1, diagnostics: [] }
        ])
        const again = yield* importTemplate("alpha")
        expect(again).toMatchObject({ created: false, versionId: first.versionId, templateId: first.templateId })

        const second = yield* api.templates.importVersion({
          path: { name: "alpha" },
          payload: { files: { "main.tf": template("warm", 2) }, activate: false, name: "v2" }
        })
        expect(second).toMatchObject({ created: true, active: false })

        const listed = (yield* api.templates.list()).templates.find((t) => t.name === "alpha")!
        expect(listed.activeVersionId).toBe(first.versionId)
        expect(listed.deleted).toBe(false)
        expect(listed.versions.map((v) => [v.id, v.active])).toEqual(
          expect.arrayContaining([[first.versionId, true], [second.versionId, false]])
        )
        expect(listed.versions.find((v) => v.id === second.versionId)!.name).toBe("v2")

        const activated = yield* api.templates.activateVersion({ path: { name: "alpha", id: second.versionId } })
        expect(activated).toEqual({ templateId: first.templateId, activeVersionId: second.versionId })
        const after = (yield* api.templates.list()).templates.find((t) => t.name === "alpha")!
        expect(after.activeVersionId).toBe(second.versionId)
      }))

    it.effect("templates: typed 400 and 404 errors", () =>
      Effect.gen(function*() {
        const api = yield* client
        const empty = yield* failureOf(api.templates.importVersion({ path: { name: "empty" }, payload: { files: {} } }))
        expect(empty).toMatchObject({ _tag: "BadRequest", message: expect.stringContaining("at least one file") })

        const broken = yield* failureOf(
          api.templates.importVersion({
            path: { name: "broken" },
            payload: { files: { "main.tf": "data \"coder_parameter\" {" } }
          })
        )
        expect(["BadRequest", "ValidationFailed"]).toContain(broken._tag)

        const { versionId } = yield* importTemplate("beta")
        const noTemplate = yield* failureOf(api.templates.activateVersion({ path: { name: "nope", id: versionId } }))
        expect(noTemplate).toMatchObject({ _tag: "NotFound", message: "Template \"nope\" not found." })
        const noVersion = yield* failureOf(api.templates.activateVersion({ path: { name: "beta", id: "v-missing" } }))
        expect(noVersion).toMatchObject({ _tag: "NotFound" })
        const noRender = yield* failureOf(api.templates.render({ path: { id: "v-missing" }, payload: {} }))
        expect(noRender).toMatchObject({ _tag: "NotFound", message: "Template version \"v-missing\" not found." })
      }))

    it.effect("render: the parameters follow the values and the owner", () =>
      Effect.gen(function*() {
        const api = yield* client
        const { versionId } = yield* importTemplate("gamma")
        const defaults = yield* api.templates.render({ path: { id: versionId }, payload: {} })
        const valueOf = (output: typeof defaults, name: string) => output.parameters.find((p) => p.name === name)?.value
        expect(defaults.parameters.map((p) => p.name).sort()).toEqual(["disk", "size"])
        expect(valueOf(defaults, "size")).toMatchObject({ value: "small" })
        expect(valueOf(defaults, "disk")).toMatchObject({ value: "10" })
        expect(defaults.presets.map((p) => p.name)).toEqual(["warm"])

        const large = yield* api.templates.render({
          path: { id: versionId },
          payload: { values: { size: "large" }, owner: { name: "ada", groups: ["dev"] } }
        })
        expect(valueOf(large, "disk")).toMatchObject({ value: "100" })

        const invalid = yield* api.templates.render({ path: { id: versionId }, payload: { values: { size: "huge" } } })
        const size = invalid.parameters.find((p) => p.name === "size")!
        expect(size.diagnostics.some((d) => d.severity === "error")).toBe(true)
      }))

    it.effect("presets, cycles, builds, workspaces and claims after reconciliation", () =>
      Effect.gen(function*() {
        const api = yield* client
        yield* importTemplate("delta", "pool", 2)

        // Cycles run on the reconciler; the status shows them with the API's fields only.
        const status = yield* api.reconciler.status()
        expect(status.paused).toBe(false)
        expect(status.intervalMs).toBe(3_600_000)
        expect(status.cycles.length).toBeGreaterThanOrEqual(1)
        expect(Object.keys(status.cycles[0]!).sort()).toEqual([
          "cacheHits",
          "cacheMisses",
          "cancels",
          "creates",
          "cycle",
          "deferredCreates",
          "deletes",
          "durationMs",
          "errors",
          "lockAcquired",
          "parses",
          "paused",
          "presetsReconciled",
          "presetsTotal",
          "renders",
          "startedAt"
        ])

        // The pool fills (the echo provisioner answers at once) once cycles run.
        const runCycle = Effect.flatMap(
          Reconciler.Reconciler,
          (reconciler) => Effect.orDie(reconciler.reconcileOnce)
        )
        const pool = () => Effect.map(api.prebuilds.presets(), (r) => r.presets.find((p) => p.template === "delta"))
        yield* runCycle
        const filled = yield* pool().pipe(
          Effect.tap(() => runCycle),
          Effect.filterOrFail((p) => p !== undefined && p.eligible === 2, () => "not filled yet"),
          Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.compose(Schedule.recurs(200))))
        )
        expect(filled).toMatchObject({ preset: "pool", desired: 2, status: "healthy", state: "ready" })

        const cycles = (yield* api.reconciler.status()).cycles
        expect(cycles.some((c) => c.creates > 0)).toBe(true)

        const builds = yield* api.builds.list({ urlParams: { template: "delta" } })
        expect(builds.builds.length).toBe(2)
        expect(builds.nextOffset).toBeNull()
        expect(builds.builds.every((b) => b.status === "succeeded" && b.transition === "start")).toBe(true)
        const one = yield* api.builds.get({ path: { id: builds.builds[0]!.id } })
        expect(one).toEqual(builds.builds[0])
        const logs = yield* api.builds.logs({ path: { id: one.id } })
        expect(logs.buildId).toBe(one.id)
        const page = yield* api.builds.list({ urlParams: { template: "delta", limit: 1 } })
        expect(page.builds.length).toBe(1)
        expect(page.nextOffset).toBe(1)

        const workspaces = yield* api.builds.workspaces({ urlParams: { template: "delta" } })
        expect(workspaces.workspaces.length).toBe(2)
        expect(workspaces.workspaces.every((w) => w.prebuild && w.ready)).toBe(true)

        const claimed = yield* api.prebuilds.claim({
          payload: { template: "delta", preset: "pool", owner: { id: "user-1", name: "ada" } }
        })
        expect(claimed).toMatchObject({ template: "delta", preset: "pool", ownerId: "user-1" })
        expect(workspaces.workspaces.map((w) => w.id)).toContain(claimed.workspaceId)

        const unknownClaim = yield* failureOf(
          api.prebuilds.claim({ payload: { template: "nope", owner: { id: "user-2" } } })
        )
        expect(unknownClaim._tag).toBe("NotFound")
        const missingBuild = yield* failureOf(api.builds.get({ path: { id: "b-missing" } }))
        expect(missingBuild).toMatchObject({ _tag: "NotFound" })
        const missingCancel = yield* failureOf(api.buildControl.cancel({ path: { id: "b-missing" } }))
        expect(missingCancel).toMatchObject({ _tag: "NotFound" })
        const ended = yield* failureOf(api.buildControl.cancel({ path: { id: one.id } }))
        expect(ended).toMatchObject({ _tag: "Conflict" })
      }), 60_000)

    it.effect("reconciler: pause and resume; a paused cycle creates nothing", () =>
      Effect.gen(function*() {
        const api = yield* client
        expect(yield* api.reconciler.pause()).toEqual({ paused: true })
        expect((yield* api.reconciler.status()).paused).toBe(true)
        yield* Effect.orDie(Effect.flatMap(Reconciler.Reconciler, (r) => r.reconcileOnce))
        const last = (yield* api.reconciler.status()).cycles.at(-1)!
        expect(last).toMatchObject({ paused: true, creates: 0 })
        expect(yield* api.reconciler.resume()).toEqual({ paused: false })
        expect((yield* api.reconciler.status()).paused).toBe(false)
      }))

    it.effect("resume: a preset named with '/' and spaces is one path segment; an unknown one is a typed 404", () =>
      Effect.gen(function*() {
        const api = yield* client
        yield* importTemplate("epsilon", "gpu/large 2x", 0)
        const resumed = yield* api.prebuilds.resume({ path: { template: "epsilon", preset: "gpu/large 2x" } })
        expect(resumed).toMatchObject({ template: "epsilon", preset: "gpu/large 2x", status: "healthy" })
        const error = yield* failureOf(api.prebuilds.resume({ path: { template: "epsilon", preset: "gpu" } }))
        expect(error._tag).toBe("NotFound")
      }))

    it.effect("unknown routes and malformed bodies get typed JSON errors", () =>
      Effect.gen(function*() {
        const unknown = yield* raw(
          HttpClientRequest.get("/api/v1/nope").pipe(HttpClientRequest.bearerToken(ApiServer.token))
        )
        expect(unknown).toMatchObject({ status: 404, json: { _tag: "NotFound" } })
        const malformed = yield* raw(
          HttpClientRequest.post("/api/v1/templateversions/x/render").pipe(
            HttpClientRequest.bearerToken(ApiServer.token),
            HttpClientRequest.bodyText("{\"values\": ", "application/json")
          )
        )
        expect(malformed.status).toBe(400)
        expect(malformed.json._tag).toBe("BadRequest")
        const badName = yield* raw(
          HttpClientRequest.post("/api/v1/templates/bad%20name/versions").pipe(
            HttpClientRequest.bearerToken(ApiServer.token),
            HttpClientRequest.bodyUnsafeJson({ files: { "main.tf": "" } })
          )
        )
        expect(badName.status).toBe(400)
        const openapi = yield* raw(HttpClientRequest.get("/openapi.json"))
        expect(openapi.status).toBe(200)
        expect(Object.keys(openapi.json.paths as object)).toContain("/api/v1/templates")
      }))
  })
})

describe("HTTP API in process: scope", () => {
  it.live(
    "no fiber outlives the served application's scope (server, reconciler, workers)",
    () =>
      Effect.gen(function*() {
        const supervisor = yield* Supervisor.track
        const running = yield* Effect.fork(
          Effect.gen(function*() {
            const api = yield* client
            yield* importTemplate("leak")
            yield* api.prebuilds.presets()
            return yield* Effect.never
          }).pipe(Effect.provide(ApiServer.layer()), Effect.supervised(supervisor))
        )
        yield* supervisor.value.pipe(
          Effect.filterOrFail((fibers) => fibers.length > 2, () => "not started"),
          Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.compose(Schedule.recurs(400))))
        )
        yield* Fiber.interrupt(running)
        expect(yield* supervisor.value).toEqual([])
      }),
    60_000
  )
})
