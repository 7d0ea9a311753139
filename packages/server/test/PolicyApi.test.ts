/**
 * The demand API (issue 16) in process, through the real handlers and the application's
 * services on an in-memory store: `PUT` / `DELETE /api/v1/presets/{template}/{preset}/policy`
 * (validated: a parse error is a 400 with its position, nothing stored), `GET /api/v1/policies`,
 * `GET /api/v1/presets` with claims, misses and the policy's decision (and its fallback), claims
 * recorded as hits and misses with `warmpool_prebuild_claims_total`, and the bearer token.
 */
import * as HttpApiBuilder from "@effect/platform/HttpApiBuilder"
import * as HttpServer from "@effect/platform/HttpServer"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import { Store } from "@warmpool/prebuilds"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as App from "../src/App.js"
import { apiLayer } from "../src/HttpServer.js"
import * as ServerConfig from "../src/ServerConfig.js"

const token = "demand-test-token"

const template = `
data "coder_parameter" "size" {
  name    = "size"
  type    = "string"
  default = "small"
}

data "coder_workspace_preset" "small" {
  name       = "small"
  parameters = { size = "small" }
  prebuilds {
    instances = 1
  }
}
`

interface Reply {
  readonly status: number
  readonly body: any
}

let handler: (request: Request) => Promise<Response>
let dispose: (() => Promise<void>) | undefined

const call = async (method: string, route: string, body?: unknown, auth = true): Promise<Reply> => {
  const response = await handler(
    new Request(`http://localhost${route}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { "content-type": "application/json" })
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
  )
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = text === "" ? undefined : JSON.parse(text)
  } catch {
    // the metrics exposition is text
  }
  return { status: response.status, body: parsed }
}

const presetRow = async () => {
  const reply = await call("GET", "/api/v1/presets")
  expect(reply.status).toBe(200)
  return (reply.body.presets as ReadonlyArray<any>).find((p) =>
    p.template === "pool" && p.preset === "small" && p.activeVersion
  )
}

const eventually = async (check: () => Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error("timed out")
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const claim = (user: string) =>
  call("POST", "/api/v1/prebuilds/claim", { template: "pool", preset: "small", owner: { id: user, name: user } })

beforeAll(async () => {
  const { config } = await Effect.runPromise(
    ServerConfig.load({ flags: { "render-workers": "0", "echo-delay": "20ms", interval: "300ms", token } })
  )
  const services = App.services(config).pipe(
    Layer.provideMerge(Store.layerMemory()),
    Layer.provideMerge(Metrics.layer),
    Layer.provideMerge(ServerConfig.layerWith(config)),
    Layer.orDie
  )
  const web = HttpApiBuilder.toWebHandler(
    Layer.mergeAll(apiLayer, HttpServer.layerContext).pipe(Layer.provideMerge(services))
  )
  handler = (request) => web.handler(request)
  dispose = web.dispose
  const imported = await call("POST", "/api/v1/templates/pool/versions", { files: { "main.tf": template } })
  expect(imported.status).toBe(201)
}, 60_000)

afterAll(async () => {
  await dispose?.()
})

describe("demand policies and claims over the API (issue 16)", () => {
  it("needs the bearer token", async () => {
    expect((await call("PUT", "/api/v1/presets/pool/small/policy", { expression: "baseline" }, false)).status).toBe(401)
    expect((await call("DELETE", "/api/v1/presets/pool/small/policy", undefined, false)).status).toBe(401)
    expect((await call("GET", "/api/v1/policies", undefined, false)).status).toBe(401)
  })

  it("claims are recorded as a hit, then a miss, and shown per window with their metric", async () => {
    // One ready prebuild: the first claim takes it, the second finds none.
    await eventually(async () => (await presetRow())?.eligible === 1)
    const hit = await claim("ann")
    expect(hit.status).toBe(200)
    const miss = await claim("bob")
    expect(miss.status).toBe(404)
    const row = await presetRow()
    expect(row.claims).toEqual({ last5m: 2, last15m: 2, last1h: 2, last24h: 2 })
    expect(row.misses).toEqual({ last5m: 1, last15m: 1, last1h: 1, last24h: 1 })
    expect(row.policy).toBeNull()
    const metrics = await call("GET", "/metrics")
    expect(metrics.body).toContain(
      "warmpool_prebuild_claims_total{template=\"pool\",preset=\"small\",outcome=\"hit\"} 1"
    )
    expect(metrics.body).toContain(
      "warmpool_prebuild_claims_total{template=\"pool\",preset=\"small\",outcome=\"miss\"} 1"
    )
  })

  it("a policy with a parse error is a 400 with its position, and nothing is stored", async () => {
    const reply = await call("PUT", "/api/v1/presets/pool/small/policy", { expression: "max(baseline,\n  ]" })
    expect(reply.status).toBe(400)
    expect(reply.body._tag).toBe("InvalidPolicy")
    expect(reply.body.message).toContain("invalid policy expression")
    expect(reply.body.diagnostics[0]).toMatchObject({ line: 2 })
    expect((await call("GET", "/api/v1/policies")).body).toEqual({ policies: [] })
  })

  it("unknown inputs, bad bounds and unknown presets are refused", async () => {
    const unknown = await call("PUT", "/api/v1/presets/pool/small/policy", { expression: "claims_2h" })
    expect(unknown.status).toBe(400)
    expect(unknown.body.diagnostics[0].detail).toContain("claims_2h")
    const bounds = await call("PUT", "/api/v1/presets/pool/small/policy", { expression: "baseline", min: 5, max: 2 })
    expect(bounds.status).toBe(400)
    const missing = await call("PUT", "/api/v1/presets/pool/large/policy", { expression: "baseline" })
    expect(missing.status).toBe(404)
    const noBody = await call("PUT", "/api/v1/presets/pool/small/policy", { min: 1 })
    expect(noBody.status).toBe(400)
  })

  it("a policy is set, listed, drives desired, falls back when it fails, and is removed", async () => {
    const set = await call("PUT", "/api/v1/presets/pool/small/policy", {
      expression: "max(baseline, claims_1h * 2)",
      max: 3
    })
    expect(set.status).toBe(200)
    expect(set.body).toMatchObject({
      template: "pool",
      preset: "small",
      expression: "max(baseline, claims_1h * 2)",
      min: 0,
      max: 3
    })
    expect((await call("GET", "/api/v1/policies")).body.policies).toHaveLength(1)
    // 2 claims in the last hour → 4, clamped to 3.
    await eventually(async () => (await presetRow()).desired === 3)
    expect((await presetRow()).policy).toEqual({
      expression: "max(baseline, claims_1h * 2)",
      min: 0,
      max: 3,
      baseline: 1,
      value: 4,
      desired: 3,
      fallback: false,
      error: null
    })
    await eventually(async () => (await presetRow()).running === 3)

    const failing = await call("PUT", "/api/v1/presets/pool/small/policy", { expression: "tonumber(\"many\")" })
    expect(failing.status).toBe(200)
    const row = await presetRow()
    expect(row.desired).toBe(1)
    expect(row.policy).toMatchObject({ fallback: true, desired: 1, baseline: 1 })
    expect(row.policy.error).toContain("many")
    expect(row.statusReason).toContain("demand policy failed")
    // The reconciler goes on (on the baseline) and counts the fallbacks.
    await eventually(async () => (await presetRow()).running === 1)
    const metrics = await call("GET", "/metrics")
    expect(metrics.body).toMatch(/warmpool_prebuild_policy_fallbacks_total\{template="pool",preset="small"\} [1-9]/)

    const removed = await call("DELETE", "/api/v1/presets/pool/small/policy")
    expect(removed).toEqual({ status: 200, body: { template: "pool", preset: "small", removed: true } })
    expect((await presetRow()).policy).toBeNull()
    expect((await call("DELETE", "/api/v1/presets/pool/small/policy")).status).toBe(404)
    expect((await call("GET", "/api/v1/policies")).body).toEqual({ policies: [] })
  })
})
