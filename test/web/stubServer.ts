/**
 * A stand-in for `warmpool serve` while the real server is being written: the console's
 * `/api/v1` contract with canned templates, pools and reconciler cycles, real renders of the
 * example templates (through `@warmpool/render`), and the built console served by
 * `StaticFiles`. Tests steer it through `controls` (slow renders, token rotation, request log).
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { Renderer, RenderOutput, SecretRequirements } from "@warmpool/render"
import type { CompiledTemplate } from "@warmpool/terraform"
import { CompiledTemplate as Compiler, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import { createServer } from "node:http"
import * as path from "node:path"
import * as StaticFiles from "../../packages/server/src/StaticFiles.js"

/** The project's example templates, and this suite's own fixture with one parameter per control. */
const examplesDir = path.join(import.meta.dirname, "..", "..", "examples", "templates")
const example = (name: string) => path.join(examplesDir, name)
const fixture = (name: string) => path.join(import.meta.dirname, "fixtures", name)

const day = 86_400_000
const epoch = Date.UTC(2026, 0, 15, 9, 0, 0)
const iso = (ms: number) => new Date(ms).toISOString()

interface StubVersion {
  readonly id: string
  readonly name: string
  readonly createdAt: string
  readonly dir: string
}

interface StubTemplate {
  readonly id: string
  readonly name: string
  readonly activeVersionId: string | null
  readonly deleted: boolean
  readonly deprecationMessage: string
  readonly versions: ReadonlyArray<StubVersion>
}

const templates: ReadonlyArray<StubTemplate> = [
  {
    id: "tpl-docker-dev",
    name: "docker-dev",
    activeVersionId: "ver-docker-dev-2",
    deleted: false,
    deprecationMessage: "",
    versions: [
      { id: "ver-docker-dev-1", name: "v1", createdAt: iso(epoch - 3 * day), dir: example("docker-dev") },
      { id: "ver-docker-dev-2", name: "v2", createdAt: iso(epoch - day), dir: example("docker-dev") }
    ]
  },
  {
    id: "tpl-k8s-team",
    name: "k8s-team",
    activeVersionId: "ver-k8s-team-1",
    deleted: false,
    deprecationMessage: "",
    versions: [{ id: "ver-k8s-team-1", name: "v1", createdAt: iso(epoch - 2 * day), dir: example("k8s-team") }]
  },
  {
    id: "tpl-gpu-lab",
    name: "gpu-lab",
    activeVersionId: "ver-gpu-lab-1",
    deleted: false,
    deprecationMessage: "",
    versions: [{ id: "ver-gpu-lab-1", name: "v1", createdAt: iso(epoch - 2 * day), dir: example("gpu-lab") }]
  },
  {
    id: "tpl-form-controls",
    name: "form-controls",
    activeVersionId: "ver-form-controls-1",
    deleted: false,
    deprecationMessage: "",
    versions: [{ id: "ver-form-controls-1", name: "v1", createdAt: iso(epoch), dir: fixture("form-controls") }]
  },
  {
    id: "tpl-retired",
    name: "retired",
    activeVersionId: null,
    deleted: true,
    deprecationMessage: "",
    versions: []
  }
]

type PoolStatus = "healthy" | "hard_limited" | "validation_failed"

interface StubPool {
  readonly template: string
  readonly templateId: string
  readonly templateVersionId: string
  readonly presetId: string
  readonly preset: string
  readonly desired: number
  /** Running prebuilds at tick 0; healthy pools gain one per tick up to `desired`. */
  readonly startRunning: number
  readonly status: PoolStatus
  readonly statusReason: string | null
  readonly backoffMs: number | null
  readonly activeVersion: boolean
}

const pools: ReadonlyArray<StubPool> = [
  {
    template: "docker-dev",
    templateId: "tpl-docker-dev",
    templateVersionId: "ver-docker-dev-2",
    presetId: "pre-go-small",
    preset: "Go (2 cores)",
    desired: 2,
    startRunning: 0,
    status: "healthy",
    statusReason: null,
    backoffMs: null,
    activeVersion: true
  },
  {
    template: "docker-dev",
    templateId: "tpl-docker-dev",
    templateVersionId: "ver-docker-dev-2",
    presetId: "pre-python-large",
    preset: "Python (4 cores)",
    desired: 1,
    startRunning: 0,
    status: "healthy",
    statusReason: null,
    backoffMs: null,
    activeVersion: true
  },
  {
    template: "docker-dev",
    templateId: "tpl-docker-dev",
    templateVersionId: "ver-docker-dev-1",
    presetId: "pre-go-small-v1",
    preset: "Go (2 cores)",
    desired: 0,
    startRunning: 1,
    status: "healthy",
    statusReason: null,
    backoffMs: null,
    activeVersion: false
  },
  {
    template: "k8s-team",
    templateId: "tpl-k8s-team",
    templateVersionId: "ver-k8s-team-1",
    presetId: "pre-standard",
    preset: "Standard",
    desired: 5,
    startRunning: 1,
    status: "healthy",
    statusReason: null,
    backoffMs: null,
    activeVersion: true
  },
  {
    template: "k8s-team",
    templateId: "tpl-k8s-team",
    templateVersionId: "ver-k8s-team-1",
    presetId: "pre-highmem",
    preset: "High memory",
    desired: 1,
    startRunning: 0,
    status: "hard_limited",
    statusReason: "3 failed builds in the last hour reached the hard limit (3); no more builds until a new version",
    backoffMs: 90_000,
    activeVersion: true
  },
  {
    template: "gpu-lab",
    templateId: "tpl-gpu-lab",
    templateVersionId: "ver-gpu-lab-1",
    presetId: "pre-l4",
    preset: "L4 notebook",
    desired: 1,
    startRunning: 0,
    status: "healthy",
    statusReason: null,
    backoffMs: null,
    activeVersion: true
  },
  {
    template: "gpu-lab",
    templateId: "tpl-gpu-lab",
    templateVersionId: "ver-gpu-lab-1",
    presetId: "pre-legacy",
    preset: "Legacy V100",
    desired: 2,
    startRunning: 0,
    status: "validation_failed",
    statusReason:
      "Parameter gpu_model: Value must be a valid option; Preset parameter \"framework\" is not defined by the template.",
    backoffMs: null,
    activeVersion: true
  }
]

/** A render request as the stub received it. */
export interface RecordedRender {
  readonly versionId: string
  readonly values: Readonly<Record<string, string>>
  readonly groups: ReadonlyArray<string>
}

/** How tests steer the stub. */
export interface StubControls {
  /** Delays (ms) for the next render responses, in request order; later renders answer at once. */
  readonly delayRenders: (delays: ReadonlyArray<number>) => void
  /** Every render request so far, oldest first. */
  readonly renders: () => ReadonlyArray<RecordedRender>
  /** Replaces the accepted token (requests with the old one then get 401). */
  readonly setToken: (token: string) => void
  /** The number of `GET /presets` answered while not paused (pools fill one step per tick). */
  readonly ticks: () => number
}

export interface StubServer {
  readonly url: string
  readonly token: string
  readonly controls: StubControls
  readonly close: () => Promise<void>
}

export interface StubOptions {
  /** The built console (`dist/web`). */
  readonly webDir: string
  readonly token?: string
}

const RenderBody = Schema.Struct({
  owner: Schema.optional(Owner.WorkspaceOwner),
  /** The owner's `secrets` (names only), read beside the owner fields as the server does. */
  ownerSecrets: Schema.optional(Schema.Struct({ secrets: Schema.optional(SecretRequirements.OwnerSecrets) })),
  values: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
})

const problem = (status: number, tag: string, message: string) =>
  HttpServerResponse.unsafeJson({ _tag: tag, message }, { status })

const compileExamples = Effect.forEach(
  [...new Set(templates.flatMap((t) => t.versions.map((v) => v.dir)))],
  (dir) =>
    TemplateFiles.fromDirectory(dir).pipe(
      Effect.flatMap(Compiler.compile),
      Effect.map((compiled) => [dir, compiled] as const)
    )
).pipe(
  Effect.map((entries) => new Map<string, CompiledTemplate.CompiledTemplate>(entries)),
  Effect.provide(Layer.merge(HclParser.layer, NodeFileSystem.layer))
)

/** Starts the stub on a free local port. */
export const startStubServer = async (options: StubOptions): Promise<StubServer> => {
  const compiled = await Effect.runPromise(compileExamples)
  let token = options.token ?? "stub-token"
  let paused = false
  let ticks = 0
  let delays: Array<number> = []
  const renders: Array<RecordedRender> = []
  const intervalMs = 10_000
  const cycles: Array<Record<string, unknown>> = []

  /** Appends a cycle started at `at` (ms); every `GET /reconciler` runs one. */
  const addCycle = (at: number) => {
    const n = cycles.length + 1
    const warm = Math.min(n, 8)
    const misses = paused ? 0 : Math.max(0, 7 - warm)
    const hits = paused ? 0 : 2 + warm * 2
    cycles.push({
      cycle: n,
      startedAt: iso(at),
      durationMs: paused ? 2 : 18 + ((n * 7) % 11),
      lockAcquired: true,
      paused,
      presetsTotal: pools.length,
      presetsReconciled: paused ? 0 : pools.length - 1,
      creates: paused ? 0 : Math.max(0, 3 - Math.floor(n / 3)),
      deletes: !paused && n % 4 === 0 ? 1 : 0,
      cancels: 0,
      renders: misses,
      parses: n === 1 ? 3 : 0,
      cacheHits: hits,
      cacheMisses: misses,
      errors: !paused && n === 3 ? 1 : 0
    })
  }
  // A history of six cycles, one per interval, ending now.
  for (let i = 5; i >= 0; i--) addCycle(Date.now() - i * intervalMs)

  const poolJson = (pool: StubPool) => {
    const grown = pool.status === "healthy" ? Math.min(pool.desired, pool.startRunning + ticks) : 0
    const running = Math.max(pool.startRunning, grown)
    // Prebuilds of a version that is no longer active are drained, never claimed.
    const eligible = pool.status === "healthy" && pool.activeVersion
      ? Math.max(0, Math.min(running, pool.startRunning + ticks - 1))
      : 0
    return {
      template: pool.template,
      templateId: pool.templateId,
      templateVersionId: pool.templateVersionId,
      presetId: pool.presetId,
      preset: pool.preset,
      desired: pool.desired,
      running,
      eligible,
      status: pool.status,
      statusReason: pool.statusReason,
      // As the real server: a backoff end only while backing off, never on a hard-limited pool.
      backoffUntil: pool.backoffMs === null || pool.status !== "healthy" ? null : iso(Date.now() + pool.backoffMs),
      activeVersion: pool.activeVersion,
      state: !pool.activeVersion
        ? "draining"
        : pool.status !== "healthy"
        ? pool.status
        : pool.backoffMs !== null
        ? "backing_off"
        : eligible >= pool.desired
        ? "ready"
        : "filling",
      quarantineReason: null,
      lastError: pool.status === "hard_limited" ? "exit status 1: terraform apply failed" : null
    }
  }

  const authorized = <E, R>(
    handler: Effect.Effect<HttpServerResponse.HttpServerResponse, E, R>
  ) =>
    Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
      request.headers.authorization === `Bearer ${token}`
        ? handler
        : Effect.succeed(problem(401, "Unauthorized", "A valid bearer token is required")))

  const render = Effect.gen(function*() {
    const { id } = yield* HttpRouter.params
    const version = templates.flatMap((t) => t.versions).find((v) => v.id === id)
    const template = version === undefined ? undefined : compiled.get(version.dir)
    if (version === undefined || template === undefined) {
      return problem(404, "NotFound", `No template version ${id}`)
    }
    const json = yield* HttpServerRequest.HttpServerRequest.pipe(Effect.flatMap((r) => r.json), Effect.either)
    if (json._tag === "Left") return problem(400, "BadRequest", "The body is not a render request")
    const raw = typeof json.right === "object" && json.right !== null ? json.right as Record<string, unknown> : {}
    const body = yield* Schema.decodeUnknown(RenderBody)({ ...raw, ownerSecrets: raw["owner"] }).pipe(Effect.either)
    if (body._tag === "Left") return problem(400, "BadRequest", "The body is not a render request")
    const owner = body.right.owner ?? Owner.empty
    const values = body.right.values ?? {}
    renders.push({ versionId: version.id, values, groups: owner.groups })
    const delay = delays.shift() ?? 0
    if (delay > 0) yield* Effect.sleep(delay)
    const rendered = Renderer.renderTemplate(template, { owner, values })
    const secrets = body.right.ownerSecrets?.secrets
    const output = secrets === undefined ? rendered.output : SecretRequirements.withStatus(rendered.output, secrets)
    return HttpServerResponse.unsafeJson(RenderOutput.toJson(output))
  })

  const api = HttpRouter.empty.pipe(
    HttpRouter.get(
      "/api/v1/templates",
      authorized(Effect.succeed(HttpServerResponse.unsafeJson({
        templates: templates.map((t) => ({
          id: t.id,
          name: t.name,
          activeVersionId: t.activeVersionId,
          deleted: t.deleted,
          deprecationMessage: t.deprecationMessage,
          versions: t.versions.map((v) => ({
            id: v.id,
            name: v.name,
            createdAt: v.createdAt,
            active: v.id === t.activeVersionId
          }))
        }))
      })))
    ),
    HttpRouter.post("/api/v1/templateversions/:id/render", authorized(render)),
    HttpRouter.get(
      "/api/v1/presets",
      authorized(Effect.sync(() => {
        if (!paused) ticks++
        return HttpServerResponse.unsafeJson({ presets: pools.map(poolJson) })
      }))
    ),
    HttpRouter.get(
      "/api/v1/reconciler",
      authorized(Effect.sync(() => {
        addCycle(Date.now())
        return HttpServerResponse.unsafeJson({ paused, intervalMs, cycles: cycles.slice(-30) })
      }))
    ),
    HttpRouter.post(
      "/api/v1/reconciler/pause",
      authorized(Effect.sync(() => {
        paused = true
        return HttpServerResponse.unsafeJson({ paused })
      }))
    ),
    HttpRouter.post(
      "/api/v1/reconciler/resume",
      authorized(Effect.sync(() => {
        paused = false
        return HttpServerResponse.unsafeJson({ paused })
      }))
    )
  )
  const app = HttpRouter.concat(api, StaticFiles.router(options.webDir)).pipe(
    HttpRouter.catchAll(() => Effect.succeed(problem(500, "InternalError", "The stub failed")))
  )

  const scope = Effect.runSync(Scope.make())
  const address = await Effect.runPromise(
    Effect.gen(function*() {
      const context = yield* Layer.buildWithScope(NodeHttpServer.layer(() => createServer(), { port: 0 }), scope)
      const server = yield* Effect.provide(HttpServer.HttpServer, context)
      yield* HttpServer.serveEffect()(app).pipe(Effect.provide(context), Scope.extend(scope))
      return server.address
    })
  )
  if (address._tag !== "TcpAddress") throw new Error("the stub server did not bind a TCP port")

  return {
    url: `http://127.0.0.1:${address.port}`,
    get token() {
      return token
    },
    controls: {
      delayRenders: (next) => {
        delays = [...next]
      },
      renders: () => [...renders],
      setToken: (next) => {
        token = next
      },
      ticks: () => ticks
    },
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
