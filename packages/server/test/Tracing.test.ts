/**
 * Spans on the service methods, exported over OTLP/HTTP when an endpoint is configured: a render
 * through the services produces `Renderer.renderCached`, `TemplateCache.get`, `RenderCache.get`
 * and `Store.versionFiles` spans, and `Tracing.layer` posts them to a collector (a small HTTP
 * server standing in for one). Without an endpoint the layer installs nothing.
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics, Spans } from "@warmpool/metrics"
import { JobReaper, Prebuilds, Provisioner, Store, TemplateImport, WorkspaceBuilder } from "@warmpool/prebuilds"
import { Renderer } from "@warmpool/render"
import * as Effect from "effect/Effect"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import * as Tracing from "../src/Tracing.js"

const main = `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}
`

const services = Prebuilds.layerCore().pipe(
  Layer.provideMerge(Store.layerMemory()),
  Layer.provideMerge(Metrics.layerNoop)
)

const renderOnce = Effect.gen(function*() {
  const importer = yield* TemplateImport.TemplateImport
  const imported = yield* importer.importVersion({ templateName: "t", files: { "main.tf": main }, activate: true })
  const renderer = yield* Renderer.Renderer
  yield* renderer.renderCached({
    templateVersionId: imported.templateVersionId,
    owner: WorkspaceBuilder.systemOwner,
    values: {}
  })
})

/** A collector: the bodies POSTed to it. */
const collector = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly bodies: Array<string>; readonly server: http.Server }>((resume) => {
    const bodies: Array<string> = []
    const server = http.createServer((request, response) => {
      let body = ""
      request.on("data", (chunk) => (body += chunk))
      request.on("end", () => {
        bodies.push(body)
        response.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
    })
    server.listen(0, "127.0.0.1", () =>
      resume(Effect.succeed({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`,
        bodies,
        server
      })))
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.close(() => resume(Effect.void))
    })
)

describe("service spans", () => {
  it.live("a render through the services opens spans named after the services' methods", () =>
    Effect.gen(function*() {
      const names: Array<string> = []
      const base = yield* Effect.tracer
      const recording = Tracer.make({
        span: (name, parent, context, links, startTime, kind, options) => {
          names.push(name)
          return base.span(name, parent, context, links, startTime, kind, options)
        },
        context: (f) => f()
      })
      // Off by default: no span at all.
      yield* renderOnce.pipe(Effect.provide(services), Effect.withTracer(recording))
      expect(names.filter((name) => name.startsWith("Renderer."))).toEqual([])
      yield* renderOnce.pipe(
        Effect.provide(services),
        Effect.withTracer(recording),
        Effect.locally(Spans.currentEnabled, true)
      )
      expect(names).toEqual(expect.arrayContaining([
        "TemplateImport.importVersion",
        "Renderer.renderCached",
        "TemplateCache.get",
        "RenderCache.get",
        "Store.versionFiles"
      ]))
    }))

  it.live("the provisioner's and the job reaper's members open spans when spans are on", () =>
    Effect.gen(function*() {
      const names: Array<string> = []
      const base = yield* Effect.tracer
      const recording = Tracer.make({
        span: (name, parent, context, links, startTime, kind, options) => {
          names.push(name)
          return base.span(name, parent, context, links, startTime, kind, options)
        },
        context: (f) => f()
      })
      const use = Effect.gen(function*() {
        const provisioner = yield* Provisioner.Provisioner
        const reaper = yield* JobReaper.JobReaper
        yield* provisioner.stats
        yield* provisioner.inFlight
        yield* reaper.reapOnce
        return [provisioner.kind, provisioner.workerIds.length] as const
      })
      const layer = (provisioner: Prebuilds.ProvisionerOptions) =>
        Prebuilds.layer({ provisioner }).pipe(
          Layer.provideMerge(Store.layerMemory()),
          Layer.provideMerge(Metrics.layerNoop)
        )
      const spanned = (name: string) => name.startsWith("Provisioner.") || name.startsWith("JobReaper.")
      // Off by default: no span at all.
      yield* Effect.scoped(use.pipe(Effect.provide(layer({ _tag: "echo", workers: 1 })), Effect.withTracer(recording)))
      expect(names.filter(spanned)).toEqual([])
      const provisioners = [
        { _tag: "echo", workers: 1 },
        { _tag: "command", command: "true", workers: 1 }
      ] as const
      for (const provisioner of provisioners) {
        names.length = 0
        const [kind, workers] = yield* Effect.scoped(
          use.pipe(
            Effect.provide(layer(provisioner)),
            Effect.withTracer(recording),
            Effect.locally(Spans.currentEnabled, true)
          )
        )
        // non-effect members are kept as they are
        expect([kind, workers]).toEqual([provisioner._tag, 1])
        expect(names.filter(spanned)).toEqual(["Provisioner.stats", "Provisioner.inFlight", "JobReaper.reapOnce"])
      }
    }))

  it.live("Tracing.layer exports the spans to the collector when an endpoint is set", () =>
    Effect.gen(function*() {
      const { bodies, url } = yield* collector
      yield* Effect.scoped(
        renderOnce.pipe(
          Effect.provide(services),
          Effect.provide(Tracing.layer({ endpoint: Option.some(url), exportInterval: "50 millis" }))
        )
      )
      // The exporter flushes when its scope closes.
      const exported = bodies.join("\n")
      expect(exported).toContain("Renderer.renderCached")
      expect(exported).toContain("\"warmpool\"")
    }).pipe(Effect.scoped))

  it.effect("without an endpoint no tracer is installed and spans stay off", () =>
    Effect.gen(function*() {
      const before = yield* Effect.tracer
      const during = yield* Effect.all([Effect.tracer, FiberRef.get(Spans.currentEnabled)]).pipe(
        Effect.provide(Tracing.layer({ endpoint: Option.none() }))
      )
      expect(during).toEqual([before, false])
    }))
})
