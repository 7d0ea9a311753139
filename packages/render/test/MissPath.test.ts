/**
 * The render-cache miss path (issue 14 item 1): validation regexes compiled once per compiled
 * template, renders frozen deeply and weighed in one walk, the render-duration metric still
 * recorded per miss, and the render of an in-process job run inline (no fiber forked).
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { type CacheSettings, RenderCache, Renderer, RenderKey } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Metric from "effect/Metric"
import * as Supervisor from "effect/Supervisor"
import { RE2JS } from "re2js"
import { afterEach, vi } from "vitest"
import * as RegexMemo from "../src/internal/regexMemo.js"

const source = `
data "coder_parameter" "name" {
  name    = "name"
  type    = "string"
  default = "abc-1"
  validation {
    regex = "^[a-z]+-[0-9]+$"
    error = "word, dash, number"
  }
}
data "coder_parameter" "zone" {
  name    = "zone"
  type    = "string"
  default = "eu"
  validation {
    regex = "^(eu|us)$"
    error = "eu or us"
  }
  option {
    name  = "Europe"
    value = "eu"
  }
  option {
    name  = "America"
    value = "us"
  }
}
data "coder_workspace_preset" "p" {
  name       = "europe"
  parameters = { zone = "eu" }
  prebuilds {
    instances = 1
  }
}
`

const compile = () =>
  Effect.runPromise(
    CompiledTemplate.compile(Either.getOrThrow(TemplateFiles.fromRecord({ "main.tf": source }))).pipe(
      Effect.provide(HclParser.layer)
    )
  )

const template = await compile()

const render = (t: CompiledTemplate.CompiledTemplate, values: Record<string, string>) =>
  Renderer.renderTemplate(t, { owner: Owner.empty, values })

const diagnosticsOf = (values: Record<string, string>, t = template) =>
  render(t, values).output.parameters.map((p) => p.diagnostics.map((d) => d.detail))

afterEach(() => {
  vi.restoreAllMocks()
})

describe("validation regexes", () => {
  it("are compiled once per compiled template, not once per render", async () => {
    const fresh = await compile()
    const compiles = vi.spyOn(RE2JS, "compile")
    render(fresh, {})
    expect(compiles).toHaveBeenCalledTimes(2)
    render(fresh, { name: "xyz-2" })
    render(fresh, { name: "bad", zone: "us" })
    expect(compiles).toHaveBeenCalledTimes(2)
    // another compiled template has its own memo
    render(await compile(), {})
    expect(compiles).toHaveBeenCalledTimes(4)
  })

  it("still match and fail per value", () => {
    expect(diagnosticsOf({ name: "abc-7" })).toEqual([[], []])
    expect(diagnosticsOf({ name: "ABC" })[0]).toEqual([
      "word, dash, number (value \"ABC\" does not match \"^[a-z]+-[0-9]+$\")"
    ])
  })

  it("a pattern that does not compile keeps its message, from the memo too", () => {
    const memo = RegexMemo.make()
    const first = memo.compile("(")
    expect(first._tag).toBe("Invalid")
    expect(memo.compile("(")).toBe(first)
    expect(RegexMemo.uncached.compile("(")).toEqual(first)
  })

  it("the memo keeps at most `limit` patterns; later ones compile on every use", () => {
    const compiles = vi.spyOn(RE2JS, "compile")
    const memo = RegexMemo.make(1)
    memo.compile("a")
    memo.compile("a")
    memo.compile("b")
    memo.compile("b")
    expect(compiles.mock.calls.map((call) => call[0])).toEqual(["a", "b", "b"])
  })
})

const settings: CacheSettings.CacheSettings = {
  ttl: Duration.hours(1),
  maxAge: Duration.hours(24),
  sweepInterval: Duration.minutes(15),
  capacity: 2
}

const keyOf = (values: Record<string, string>) =>
  RenderKey.make("v", template, Owner.empty, values, { template, inputs: { owner: Owner.empty, values } })

/** A supervisor that counts the fibers started under it (finished or not). */
class Starts extends Supervisor.AbstractSupervisor<number> {
  count = 0
  get value() {
    return Effect.sync(() => this.count)
  }
  override onStart(): void {
    this.count++
  }
}

/** Every object and array reachable from a value, with the path to it. */
const objects = (value: unknown, path = "$"): Array<readonly [string, object]> => {
  if (typeof value !== "object" || value === null) return []
  return [
    [path, value],
    ...Object.entries(value).flatMap(([k, v]) => objects(v, `${path}.${k}`))
  ]
}

describe("RenderCache miss", () => {
  it.scoped("freezes everything reachable from the render, and its weight is that of the unfrozen render", () =>
    Effect.gen(function*() {
      const cache = yield* RenderCache.make(settings)
      const rendered = yield* cache.get(keyOf({ zone: "us" }))
      const all = objects(rendered)
      expect(all.length).toBeGreaterThan(20)
      expect(all.filter(([, o]) => !Object.isFrozen(o)).map(([path]) => path)).toEqual([])
      expect(rendered.presetSettings.length).toBe(1)
      const unfrozen = structuredClone({ ...rendered })
      expect(Object.isFrozen(unfrozen.output)).toBe(false)
      expect(RenderCache.weigh(rendered)).toBe(RenderCache.weigh(unfrozen))
      expect((yield* cache.stats).bytes).toBe(RenderCache.weigh(rendered))
      // a render made of the parts the first one left to share weighs what its unfrozen copy does
      const again = yield* cache.get(keyOf({ zone: "us", unused: "1" }))
      expect(again).not.toBe(rendered)
      expect(again.output.parameters).toEqual(rendered.output.parameters)
      expect(RenderCache.weigh(again)).toBe(RenderCache.weigh(structuredClone({ ...again })))
    }).pipe(Effect.provide(Metrics.layerNoop)))

  it.scoped("records the render duration with cache=miss once per miss, not on hits", () =>
    Effect.gen(function*() {
      const metrics = yield* Metrics.Metrics
      const histogram = metrics.renderDuration.pipe(Metric.tagged("cache", "miss"), Metric.tagged("outcome", "success"))
      const before = (yield* Metric.value(histogram)).count
      const cache = yield* RenderCache.make(settings)
      yield* cache.get(keyOf({ name: "a-1" }))
      yield* cache.get(keyOf({ name: "a-1" }))
      yield* cache.get(keyOf({ name: "b-2" }))
      expect((yield* Metric.value(histogram)).count - before).toBe(2)
      expect((yield* cache.stats).renders).toBe(2)
    }).pipe(Effect.provide(Metrics.layer)))

  it.scoped("renders an in-process job in the caller's fiber (no fiber forked per miss)", () =>
    Effect.gen(function*() {
      const cache = yield* RenderCache.make(settings)
      const supervisor = new Starts()
      yield* Effect.supervised(
        Effect.forEach([1, 2, 3, 4], (i) => cache.get(keyOf({ name: `k-${i}` }))),
        supervisor
      )
      expect(yield* supervisor.value).toBe(0)
      // evicted at capacity 2: the first keys render again
      yield* cache.get(keyOf({ name: "k-1" }))
      expect((yield* cache.stats).renders).toBe(5)
      expect((yield* cache.stats).entries).toBe(2)
    }).pipe(Effect.provide(Metrics.layerNoop)))

  it.scoped("a job run elsewhere still runs in a forked fiber", () =>
    Effect.gen(function*() {
      const cache = yield* RenderCache.make(settings)
      const supervisor = new Starts()
      const values = { name: "remote-1" }
      const rendered = yield* Effect.supervised(
        cache.get(
          RenderKey.make("v", template, Owner.empty, values, { run: Effect.sync(() => render(template, values)) })
        ),
        supervisor
      )
      expect(Object.isFrozen(rendered.output.parameters)).toBe(true)
      expect(yield* supervisor.value).toBe(1)
    }).pipe(Effect.provide(Metrics.layerNoop)))
})
