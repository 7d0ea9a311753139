/**
 * RenderCache, TemplateCache and `Renderer.renderCached`: keys, separation, frozen outputs,
 * never-cached failures, metrics, no-op layers and the prebuild scenario of docs/prebuilds.md §6.2.
 */
import { describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import type { CacheSettings } from "@warmpool/render"
import { RenderCache, Renderer, RenderKey, RenderOutput, TemplateCache, TemplateSource } from "@warmpool/render"
import type { CompiledTemplate } from "@warmpool/terraform"
import { HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Metric from "effect/Metric"
import * as TestClock from "effect/TestClock"
import { createHash } from "node:crypto"

const files = (source: string) => Either.getOrThrow(TemplateFiles.fromRecord({ "main.tf": source }))

const withOwner = files(`
data "coder_workspace_owner" "me" {}
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
  option {
    name  = "Small"
    value = "small"
  }
  option {
    name  = "Large"
    value = "large"
  }
}
data "coder_workspace_tags" "t" {
  tags = { team = contains(data.coder_workspace_owner.me.groups, "admins") ? "admins" : "users" }
}
data "coder_workspace_preset" "p" {
  name       = "small"
  parameters = { size = "small" }
  prebuilds {
    instances = 3
  }
}
`)

const withoutOwner = files(`
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}
`)

const broken = files(`
data "coder_parameter" "nameless" {
  type = "string"
}
`)

const impure = files(`
data "coder_parameter" "stamp" {
  name    = "stamp"
  type    = "string"
  default = timestamp()
}
`)

const versions = new Map([["v-owner", withOwner], ["v-plain", withoutOwner], ["v-broken", broken], [
  "v-impure",
  impure
]])

const settings: CacheSettings.CacheSettings = {
  ttl: Duration.hours(1),
  maxAge: Duration.hours(24),
  sweepInterval: Duration.minutes(15),
  capacity: 100
}

const base = Layer.mergeAll(TemplateSource.layerFromMap(versions), HclParser.layer, Metrics.layer)
const caches = Layer.mergeAll(TemplateCache.layerWith(settings), RenderCache.layerWith(settings)).pipe(
  Layer.provideMerge(base)
)
const live = Renderer.layer.pipe(Layer.provideMerge(caches))
const noop = Renderer.layer.pipe(
  Layer.provideMerge(Layer.mergeAll(TemplateCache.layerNoop, RenderCache.layerNoop)),
  Layer.provideMerge(base)
)

const alice: Owner.WorkspaceOwner = { ...Owner.empty, id: "alice", name: "alice", groups: ["users"] }
const bob: Owner.WorkspaceOwner = { ...Owner.empty, id: "bob", name: "bob", groups: ["users"] }

const counter = (metric: Metric.Metric.Counter<number>) => Effect.map(Metric.value(metric), (s) => s.count)

describe("RenderKey", () => {
  it("values digest is independent of key order", () => {
    expect(RenderKey.valuesDigest({ a: "1", b: "2" })).toBe(RenderKey.valuesDigest({ b: "2", a: "1" }))
  })
  it("values digest is injective: {a: '1,b:2'} differs from {a: '1', b: '2'}", () => {
    expect(RenderKey.valuesDigest({ a: "1,b:2" })).not.toBe(RenderKey.valuesDigest({ a: "1", b: "2" }))
    expect(RenderKey.valuesDigest({ "a\"": "b" })).not.toBe(RenderKey.valuesDigest({ a: "\"b" }))
    expect(RenderKey.valuesDigest({})).not.toBe(RenderKey.valuesDigest({ "": "" }))
  })
  it("values digest: small values hashed in one call and large ones streamed give the same digest scheme", () => {
    const encode = (values: Record<string, string>) => {
      const names = Object.keys(values).sort()
      return `${names.length};` +
        names.map((n) => `${Buffer.byteLength(n)}:${n}${Buffer.byteLength(values[n]!)}:${values[n]}`).join("")
    }
    const sha = (text: string) => createHash("sha256").update(text).digest("hex")
    const small = { zone: "eu", "név": "é" }
    const large = { zone: "eu", blob: "x".repeat(10_000) + "é" }
    expect(RenderKey.valuesDigest(small)).toBe(sha(encode(small)))
    expect(RenderKey.valuesDigest(large)).toBe(sha(encode(large)))
  })
  it("owner digest is constant when the template never reads the owner", () => {
    expect(RenderKey.ownerDigest({ _tag: "None" }, alice)).toBe(RenderKey.ownerDigest({ _tag: "None" }, bob))
  })
  it("owner digest covers exactly the fields the template reads", () => {
    const groups: CompiledTemplate.OwnerReads = { _tag: "Fields", fields: new Set(["groups"]) }
    expect(RenderKey.ownerDigest(groups, alice)).toBe(RenderKey.ownerDigest(groups, bob))
    expect(RenderKey.ownerDigest(groups, alice)).not.toBe(
      RenderKey.ownerDigest(groups, { ...alice, groups: ["users", "admins"] })
    )
    expect(RenderKey.ownerDigest({ _tag: "All" }, alice)).not.toBe(RenderKey.ownerDigest({ _tag: "All" }, bob))
  })
  it("owner digest is SHA-256 of the JSON pairs of the fields read, also when owners alternate or change in place", () => {
    const sha = (text: string) => createHash("sha256").update(text).digest("hex")
    const expected = (fields: ReadonlyArray<keyof Owner.WorkspaceOwner>, owner: Owner.WorkspaceOwner) =>
      sha(JSON.stringify(fields.map((field) => [field, owner[field]])))
    const reads: CompiledTemplate.OwnerReads = { _tag: "Fields", fields: new Set(["name", "groups", "email"]) }
    const read = Owner.fields.filter((field) => reads.fields.has(field))
    const changing = { ...alice, groups: ["a"] }
    for (const owner of [alice, bob, alice, alice, bob, changing]) {
      expect(RenderKey.ownerDigest(reads, owner)).toBe(expected(read, owner))
      expect(RenderKey.ownerDigest({ _tag: "All" }, owner)).toBe(expected(Owner.fields, owner))
    }
    changing.groups = ["a", "b"]
    expect(RenderKey.ownerDigest(reads, changing)).toBe(expected(read, changing))
  })
  it("owner digest: an owner whose lists change in place, and templates that read other fields in turn", () => {
    const sha = (text: string) => createHash("sha256").update(text).digest("hex")
    const expected = (fields: ReadonlyArray<keyof Owner.WorkspaceOwner>, owner: Owner.WorkspaceOwner) =>
      sha(JSON.stringify(fields.map((field) => [field, owner[field]])))
    const owner = {
      ...alice,
      groups: ["users"],
      rbac_roles: [{ name: "member", org_id: "o1" }]
    }
    const lists: CompiledTemplate.OwnerReads = { _tag: "Fields", fields: new Set(["groups", "rbac_roles"]) }
    const sameLists: CompiledTemplate.OwnerReads = { _tag: "Fields", fields: new Set(["rbac_roles", "groups"]) }
    const name: CompiledTemplate.OwnerReads = { _tag: "Fields", fields: new Set(["name"]) }
    const check = () => {
      expect(RenderKey.ownerDigest(lists, owner)).toBe(expected(["groups", "rbac_roles"], owner))
      expect(RenderKey.ownerDigest(name, owner)).toBe(expected(["name"], owner))
      expect(RenderKey.ownerDigest(sameLists, owner)).toBe(expected(["groups", "rbac_roles"], owner))
    }
    check()
    owner.groups.push("admins")
    check()
    owner.rbac_roles[0] = { name: "owner", org_id: "o1" }
    check()
    ;(owner.rbac_roles[0] as { org_id: string }).org_id = "o2"
    check()
    owner.name = "renamed"
    check()
    expect(RenderKey.ownerDigest(lists, { ...owner, groups: ["users", "admins"] })).toBe(
      RenderKey.ownerDigest(lists, owner)
    )
  })
})

describe("Renderer.renderCached (live caches)", () => {
  it.scoped("separates by version, owner data and values; shares across owners when the owner is not read", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const cache = yield* RenderCache.RenderCache
      const render = (templateVersionId: string, owner: Owner.WorkspaceOwner, values: Record<string, string>) =>
        renderer.renderCached({ templateVersionId, owner, values })
      yield* render("v-owner", alice, {})
      yield* render("v-owner", alice, {})
      expect((yield* cache.stats).renders).toBe(1)
      yield* render("v-owner", alice, { size: "large" })
      expect((yield* cache.stats).renders).toBe(2)
      // Same owner data the template reads (groups): shared between alice and bob.
      yield* render("v-owner", bob, {})
      expect((yield* cache.stats).renders).toBe(2)
      const admin = yield* render("v-owner", { ...alice, groups: ["admins"] }, {})
      expect((yield* cache.stats).renders).toBe(3)
      expect(admin.output.tags["team"]).toBe("admins")
      yield* render("v-plain", alice, {})
      yield* render("v-plain", bob, {})
      expect((yield* cache.stats).renders).toBe(4)
      yield* render("v-plain", alice, { size: "x", other: "y" })
      yield* render("v-plain", alice, { other: "y", size: "x" })
      expect((yield* cache.stats).renders).toBe(5)
    }).pipe(Effect.provide(live)))

  it.scoped("cached outputs are deeply frozen", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const rendered = yield* renderer.renderCached({ templateVersionId: "v-owner", owner: alice, values: {} })
      expect(Object.isFrozen(rendered.output)).toBe(true)
      expect(Object.isFrozen(rendered.output.parameters[0]!.options[0]!.value)).toBe(true)
      expect(() => {
        ;(rendered.output.parameters as Array<unknown>).push(1)
      }).toThrow()
    }).pipe(Effect.provide(live)))

  it.scoped("outputs with top-level errors and impure renders are never cached", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const cache = yield* RenderCache.RenderCache
      const first = yield* renderer.renderCached({ templateVersionId: "v-broken", owner: alice, values: {} })
      expect(RenderOutput.hasErrors(first.output)).toBe(true)
      yield* renderer.renderCached({ templateVersionId: "v-broken", owner: alice, values: {} })
      yield* renderer.renderCached({ templateVersionId: "v-impure", owner: alice, values: {} })
      yield* renderer.renderCached({ templateVersionId: "v-impure", owner: alice, values: {} })
      const stats = yield* cache.stats
      expect(stats.renders).toBe(4)
      expect(stats.entries).toBe(0)
    }).pipe(Effect.provide(live)))

  it.scoped("an unknown version fails with TemplateNotFound", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const result = yield* Effect.either(
        renderer.renderCached({ templateVersionId: "nope", owner: alice, values: {} })
      )
      expect(Either.isLeft(result) && result.left._tag).toBe("TemplateNotFound")
    }).pipe(Effect.provide(live)))

  it.scoped("the prebuild scenario: three creates of one preset parse once, then 1 miss, 2 hits, 1 entry", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const metrics = yield* Metrics.Metrics
      const templates = yield* TemplateCache.TemplateCache
      const cache = yield* RenderCache.RenderCache
      const hits0 = yield* counter(metrics.renderCacheHits)
      const misses0 = yield* counter(metrics.renderCacheMisses)
      const prebuilds: Owner.WorkspaceOwner = {
        ...Owner.empty,
        id: "c42fdf75-3097-471c-8c33-fb52454d81c0",
        name: "prebuilds"
      }
      const expected = [[0, 1, 1], [1, 1, 1], [2, 1, 1]]
      for (const [hits, misses, entries] of expected) {
        yield* renderer.renderCached({ templateVersionId: "v-owner", owner: prebuilds, values: { size: "small" } })
        expect((yield* counter(metrics.renderCacheHits)) - hits0).toBe(hits)
        expect((yield* counter(metrics.renderCacheMisses)) - misses0).toBe(misses)
        expect((yield* cache.stats).entries).toBe(entries)
        expect((yield* Metric.value(metrics.renderCacheSize)).value).toBe(entries)
        const { bytes } = yield* cache.stats
        expect(bytes).toBeGreaterThan(100)
        expect((yield* Metric.value(metrics.renderCacheBytes)).value).toBe(bytes)
      }
      expect((yield* templates.stats).compilations).toBe(1)
    }).pipe(Effect.provide(live)))

  it.scoped("renderUncached goes through the template cache only", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const cache = yield* RenderCache.RenderCache
      const templates = yield* TemplateCache.TemplateCache
      yield* renderer.renderUncached({ templateVersionId: "v-plain", owner: alice, values: {} })
      yield* renderer.renderUncached({ templateVersionId: "v-plain", owner: alice, values: {} })
      expect((yield* cache.stats).renders).toBe(0)
      expect((yield* templates.stats).compilations).toBe(1)
    }).pipe(Effect.provide(live)))

  it.scoped("entries expire after the idle TTL and the sweep updates the size gauges", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const metrics = yield* Metrics.Metrics
      const cache = yield* RenderCache.RenderCache
      yield* renderer.renderCached({ templateVersionId: "v-plain", owner: alice, values: {} })
      expect((yield* Metric.value(metrics.renderCacheSize)).value).toBe(1)
      yield* TestClock.adjust(Duration.minutes(75))
      expect((yield* cache.stats).entries).toBe(0)
      expect((yield* Metric.value(metrics.renderCacheSize)).value).toBe(0)
      expect((yield* Metric.value(metrics.renderCacheBytes)).value).toBe(0)
    }).pipe(Effect.provide(live)))
})

describe("no-op layers", () => {
  it.scoped("always load and render", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const cache = yield* RenderCache.RenderCache
      const templates = yield* TemplateCache.TemplateCache
      const metrics = yield* Metrics.Metrics
      const misses = yield* counter(metrics.renderCacheMisses)
      const hits = yield* counter(metrics.renderCacheHits)
      for (let i = 0; i < 3; i++) {
        yield* renderer.renderCached({ templateVersionId: "v-plain", owner: alice, values: {} })
      }
      expect((yield* cache.stats).renders).toBe(3)
      // every get of the no-op cache is a miss, counted as the live cache counts its misses
      expect((yield* counter(metrics.renderCacheMisses)) - misses).toBe(3)
      expect((yield* counter(metrics.renderCacheHits)) - hits).toBe(0)
      expect((yield* templates.stats).compilations).toBe(3)
    }).pipe(Effect.provide(noop)))
})
