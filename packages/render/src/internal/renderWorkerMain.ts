/**
 * The entry of a render worker thread (compiled to `dist/internal/renderWorkerMain.js`, started
 * by the `RenderWorkerPool` through `NodeWorker`). It answers the `RenderWorker` requests with
 * `WorkerRunner.layerSerialized`: parsing (hcl2json), compiling, evaluating and rendering happen
 * here, off the service's event loop. The compiled templates of the versions routed to this
 * worker are kept, least recently used first out, up to `workerData.versions` of them and
 * `workerData.templateBytes` of their estimated retained bytes (`CompiledTemplate.weight`,
 * `weightedLru.ts`): templates are evicted well before they could fill the heap, whose limit
 * ends the worker instead of evicting anything.
 *
 * @internal
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeWorkerRunner from "@effect/platform-node/NodeWorkerRunner"
import * as WorkerRunner from "@effect/platform/WorkerRunner"
import { Budgets, CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import { workerData } from "node:worker_threads"
import * as RenderOutput from "../RenderOutput.js"
import * as RenderWorker from "../RenderWorker.js"
import { pairsRecord, renderFiles } from "./filesRender.js"
import { renderTemplate } from "./render.js"
import { diagnostic, wire } from "./text.js"
import * as WeightedLru from "./weightedLru.js"

const positive = (value: unknown, fallback: number): number => typeof value === "number" && value > 0 ? value : fallback
/** The bounds of the compiled templates kept (the pool's `versionsPerWorker`, `templateBytesPerWorker`). */
const capacity = positive(workerData?.versions, 64)
const templateBytes = positive(workerData?.templateBytes, 128 * 1024 * 1024)
/** The service's evaluation budgets, given by the pool. */
const budgets = Budgets.make(
  typeof workerData?.budgets === "object" && workerData.budgets !== null ? workerData.budgets : {}
)
const compiled = WeightedLru.make<string, CompiledTemplate.CompiledTemplate>({
  maxEntries: capacity,
  maxWeight: templateBytes,
  weigh: (template) => template.weight
})

/** Files that fail the snapshot checks compile to a template whose every render reports why. */
const filesOf = (pairs: ReadonlyArray<readonly [string, Uint8Array]>) =>
  Either.match(TemplateFiles.fromRecord(pairsRecord(pairs)), {
    onLeft: (error) => ({ files: TemplateFiles.empty, error: TemplateFiles.toDiagnostic(error) }),
    onRight: (files) => ({ files, error: undefined })
  })

const compile = (pairs: ReadonlyArray<readonly [string, Uint8Array]>) => {
  const { error, files } = filesOf(pairs)
  return Effect.map(
    CompiledTemplate.compile(files).pipe(Effect.provideService(Budgets.CurrentBudgets, budgets)),
    (template): CompiledTemplate.CompiledTemplate => error === undefined ? template : { ...template, fatal: error }
  )
}

const internalError = (defect: unknown): RenderOutput.RenderOutput =>
  RenderOutput.failed([
    diagnostic("error", "Internal error while rendering template", String(defect))
  ])

/**
 * A small template compiled and rendered a few times while the worker starts (outside any
 * deadline): the parser is booted and the compile and render paths are warm (JIT) before the
 * first real request, which then runs as fast as on a worker that has served for a while.
 */
const warmupSource = `
variable "region" {
  type    = string
  default = "eu"
}
locals {
  sizes = { for i, name in ["small", "medium", "large"] : name => i + 1 }
}
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
  dynamic "option" {
    for_each = local.sizes
    content {
      name  = upper(option.key)
      value = option.key
    }
  }
  validation {
    regex = "^[a-z]+$"
    error = "lower-case letters"
  }
}
data "coder_workspace_preset" "default" {
  name       = "default"
  parameters = { size = "medium" }
  prebuilds {
    instances = 1
  }
}
`

const warmup = Effect.gen(function*() {
  yield* Effect.ignore(HclParser.warmup)
  const { files } = filesOf([["main.tf", new TextEncoder().encode(warmupSource)]])
  for (let i = 0; i < 5; i++) {
    const template = yield* CompiledTemplate.compile(files)
    for (let j = 0; j < 20; j++) {
      renderTemplate(template, { owner: Owner.empty, values: { size: j % 2 ? "large" : "x" } })
    }
  }
}).pipe(Effect.catchAllDefect(() => Effect.void))

const handlers = {
  Warmup: () => warmup,
  Compile: ({ files, versionId }: RenderWorker.Compile) =>
    Effect.map(compile(files), (template) => {
      compiled.set(versionId, template)
      return { ownerReads: template.ownerReads, weight: template.weight }
    }),
  RenderVersion: ({ full, owner, values, versionId }: RenderWorker.RenderVersion) =>
    Effect.suspend(() => {
      const template = compiled.get(versionId)
      if (template === undefined) return Effect.fail(new RenderWorker.NeedFiles({ versionId }))
      return Effect.map(
        Clock.currentTimeMillis,
        (now) => renderTemplate(template, { owner, values, now }, { full: full === true })
      )
    }),
  RenderFiles: ({ files, owner, values }: RenderWorker.RenderFiles) =>
    Effect.flatMap(Effect.sync(() => filesOf(files)), ({ error, files }) =>
      error === undefined
        ? renderFiles(files, owner, values).pipe(Effect.provideService(Budgets.CurrentBudgets, budgets))
        : Effect.succeed({
          rendered: { output: RenderOutput.failed([wire(error)]), presetSettings: [], impure: false },
          validated: RenderOutput.failed([wire(error)])
        })).pipe(
        Effect.catchAllDefect((defect) =>
          Effect.succeed({
            rendered: { output: internalError(defect), presetSettings: [], impure: false },
            validated: internalError(defect)
          })
        )
      )
}

WorkerRunner.layerSerialized(RenderWorker.Request, handlers).pipe(
  Layer.provide(NodeWorkerRunner.layer),
  Layer.provide(HclParser.layerMemoized()),
  WorkerRunner.launch,
  NodeRuntime.runMain
)
