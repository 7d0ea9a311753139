import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServer from "@effect/platform/HttpServer"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import * as fc from "fast-check"
import * as http from "node:http"
import { createGuardedServer, requestGuards } from "../src/HttpServer.js"
import { depthScanner, exceedsDepth, shapeProblem } from "../src/internal/jsonShape.js"

describe("exceedsDepth", () => {
  const table: ReadonlyArray<readonly [string, string, number, number | undefined]> = [
    ["flat", "{\"a\": 1}", 1, undefined],
    ["exactly the limit", "[[[1]]]", 3, undefined],
    ["one over", "[[[[1]]]]", 3, 3],
    ["objects count", "{\"a\":{\"b\":{}}}", 2, 10],
    ["brackets inside strings do not count", "[\"[[[[{{{{\"]", 1, undefined],
    ["escaped quotes stay inside the string", "[\"\\\"[[[[\"]", 1, undefined],
    ["an escaped backslash ends before the quote", "[\"\\\\\", [[1]]]", 2, 8],
    ["siblings do not add up", "[[1],[2],[3],[4]]", 2, undefined],
    ["unbalanced closers do not go negative", "]]]][[", 1, 5],
    ["unterminated string", "[\"[[[[", 1, undefined],
    ["empty", "", 1, undefined]
  ]
  for (const [what, text, max, offset] of table) {
    it(what, () => {
      expect(exceedsDepth(text, max)?.offset).toBe(offset)
    })
  }

  it("a 16 MiB nested body is found in linear time without recursion", () => {
    const half = 8 * 1024 * 1024
    const text = "[".repeat(half) + "]".repeat(half)
    const started = performance.now()
    expect(exceedsDepth(text, 64)).toEqual({ maxDepth: 64, offset: 64 })
    const closers = "]".repeat(half) + "[".repeat(64)
    expect(exceedsDepth(closers, 64)).toBe(undefined)
    expect(performance.now() - started).toBeLessThan(2_000)
  })

  it("agrees with the depth of any JSON value", () => {
    const depthOf = (value: unknown): number =>
      typeof value === "object" && value !== null
        ? 1 + Math.max(0, ...Object.values(value).map(depthOf))
        : 0
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 9 }), (value, max) => {
        const text = JSON.stringify(value)
        expect(exceedsDepth(text, max) === undefined).toBe(depthOf(value) <= max)
      }),
      { numRuns: 500 }
    )
  })
})

describe("shapeProblem", () => {
  const table: ReadonlyArray<readonly [string, string, string | undefined]> = [
    ["distinct keys", "{\"a\": 1, \"b\": {\"a\": 2}}", undefined],
    ["a repeated key", "{\"a\": 1, \"a\": 2}", "DuplicateKey:a:9"],
    ["escapes compare decoded", "{\"a\": 1, \"\\u0061\": 2}", "DuplicateKey:a:9"],
    ["__proto__ twice", "{\"files\": {\"__proto__\": \"1\", \"__proto__\" : \"2\"}}", "DuplicateKey:__proto__:29"],
    ["values equal to keys are not keys", "{\"a\": \"a\", \"b\": [\"a\", \"a\"]}", undefined],
    ["same key in sibling objects", "[{\"a\": 1}, {\"a\": 2}]", undefined],
    ["too deep", "[[[[]]]]", "TooDeep:3:3"],
    ["multi-byte keys, offsets in bytes", "{\"é\": 1, \"\\u00e9\": 2}", "DuplicateKey:é:10"],
    ["brackets after multi-byte text", "[\"ééé\", [[[]]]]", "TooDeep:3:13"],
    ["unterminated", "{\"a\": 1, \"a", undefined],
    ["a malformed escape is left to the parser", "{\"\\x\": 1, \"\\x\": 2}", undefined],
    [
      "an escape after many plain strings",
      "{\"a\": \"x\", \"b\": \"y\", \"c\": 1, \"\\u0061\": 2}",
      "DuplicateKey:a:29"
    ],
    ["escaped quotes inside keys", "{\"a\\\"b\": 1, \"a\\\"b\": 2}", "DuplicateKey:a\"b:12"],
    ["escapes in values only", "{\"v\": \"\\\\ \\\"\", \"k\": 1, \"k\": 2}", "DuplicateKey:k:23"],
    ["four keys are allowed", "{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": {\"a\": 1}}", undefined],
    ["a fifth key is not", "{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5}", "TooManyItems:object:4:33"],
    ["four elements are allowed", "[1, [2, 3, 4, 5], \"6,7,8,9\", {\"a\": [1, 2]}]", undefined],
    ["a fifth element is not", "{\"groups\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}", "TooManyItems:array:4:30"],
    ["keys count per object", "[{\"a\": 1, \"b\": 2, \"c\": 3}, {\"a\": 1, \"b\": 2, \"c\": 3}]", undefined],
    [
      "a repeated key is named before the count",
      "{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"a\": 5}",
      "DuplicateKey:a:33"
    ],
    ["many escapes before the closing quote", `{"k": "${"\\n".repeat(50)}", "k": 2}`, "DuplicateKey:k:110"]
  ]
  for (const [what, text, expected] of table) {
    it(what, () => {
      const problem = shapeProblem(new TextEncoder().encode(text), { maxDepth: 3, maxItems: 4 })
      const got = problem === undefined
        ? undefined
        : problem._tag === "TooDeep"
        ? `TooDeep:${problem.maxDepth}:${problem.offset}`
        : problem._tag === "TooManyItems"
        ? `TooManyItems:${problem.container}:${problem.maxItems}:${problem.offset}`
        : `DuplicateKey:${problem.key}:${problem.offset}`
      expect(got).toBe(expected)
    })
  }

  it("never finds a problem in JSON.stringify output within the depth", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        expect(shapeProblem(new TextEncoder().encode(JSON.stringify(value)), { maxDepth: 7, maxItems: 1_000 })).toBe(
          undefined
        )
      }),
      { numRuns: 500 }
    )
  })
})

describe("shapeProblem on large bodies", () => {
  /** A body whose `indexOf` counts the bytes it reads (from the start position to the match). */
  const counted = (text: string) => {
    const bytes = Buffer.from(text)
    const search = bytes.indexOf.bind(bytes)
    let read = 0
    bytes.indexOf = ((value: number, from: number) => {
      const found = search(value, from)
      read += (found < 0 ? bytes.length : found + 1) - from
      return found
    }) as typeof bytes.indexOf
    return { bytes, read: () => read }
  }

  it("reads a body of many short strings a bounded number of times (not once per string)", () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `"k${i}": "x"`).join(", ")
    const body = counted(`{"values": {${keys}}}`)
    expect(shapeProblem(body.bytes, { maxDepth: 64, maxItems: 100_000 })).toBe(undefined)
    expect(body.read()).toBeLessThanOrEqual(3 * body.bytes.length)
  })

  it("stays linear with many escapes before a string's closing quote", () => {
    const body = counted(`{"k": "${"\\n".repeat(20_000)}", "k": 2}`)
    expect(shapeProblem(body.bytes, { maxDepth: 64, maxItems: 100_000 })).toEqual({
      _tag: "DuplicateKey",
      key: "k",
      offset: 40_010
    })
    expect(body.read()).toBeLessThanOrEqual(3 * body.bytes.length)
  })

  it("finds a repeated key wherever it is, whatever the keys contain", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        (keys, from, to) => {
          const repeated = keys[from % keys.length]!
          const entries = keys.map((k) => `${JSON.stringify(k)}: ${JSON.stringify(k)}`)
          entries.splice((to % keys.length) + 1, 0, `${JSON.stringify(repeated)}: 0`)
          const problem = shapeProblem(new TextEncoder().encode(`{${entries.join(", ")}}`), {
            maxDepth: 8,
            maxItems: 100
          })
          expect(problem?._tag === "DuplicateKey" ? problem.key : undefined).toBe(repeated)
        }
      ),
      { numRuns: 500 }
    )
  })
})

describe("depthScanner", () => {
  it("chunk by chunk, finds what one scan of the whole text finds (any split, offsets from the start)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 8 }).map((v) => JSON.stringify(v)),
          fc.string({ unit: fc.constantFrom("[", "]", "{", "}", "\"", "\\", "a", ",") })
        ),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 0, max: 6 }),
        (text, cuts, max) => {
          const bytes = new TextEncoder().encode(text)
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
          const feed = depthScanner(max)
          let found: number | undefined = undefined
          let from = 0
          for (const to of [...points, bytes.length]) {
            const problem = feed(bytes.subarray(from, to))
            from = to
            if (problem !== undefined) {
              found = problem.offset
              break
            }
          }
          // One character per byte, so both offsets count bytes.
          expect(found).toBe(exceedsDepth(Buffer.from(bytes).toString("latin1"), max)?.offset)
        }
      ),
      { numRuns: 500 }
    )
  })
})

interface Reply {
  readonly status: number | "reset"
  readonly body: string
  readonly json: any
  readonly ms: number
}

describe("requestGuards on a Node server", () => {
  const token = "s3cret-token"
  const limit = 64 * 1024
  let port = 0
  let appCalls = 0
  const scope = Effect.runSync(Scope.make())

  const app = HttpRouter.empty.pipe(
    HttpRouter.post(
      "/api/echo",
      Effect.gen(function*() {
        appCalls++
        const request = yield* HttpServerRequest.HttpServerRequest
        const body = (request.headers["content-type"] ?? "").includes("json")
          ? yield* request.json
          : { bytes: (yield* request.arrayBuffer).byteLength }
        return yield* HttpServerResponse.json({ body, url: request.url })
      })
    ),
    HttpRouter.post("/api/die", Effect.sync(() => appCalls++).pipe(Effect.zipRight(Effect.die(new Error("boom"))))),
    HttpRouter.get("/api/empty-500", Effect.succeed(HttpServerResponse.empty({ status: 500 }))),
    HttpRouter.get("/open", Effect.succeed(HttpServerResponse.text("open")))
  )

  beforeAll(async () => {
    const address = await Effect.runPromise(
      Effect.gen(function*() {
        const options = { maxBodyBytes: limit, maxJsonDepth: 64, maxJsonItems: 100, token: Redacted.make(token) }
        const context = yield* Layer.buildWithScope(
          NodeHttpServer.layer(() => createGuardedServer(options), { port: 0 }),
          scope
        )
        yield* HttpServer.serveEffect()(requestGuards(options)(app)).pipe(
          Effect.provide(context),
          Effect.provide(Logger.remove(Logger.defaultLogger)),
          Scope.extend(scope)
        )
        return (yield* Effect.provide(HttpServer.HttpServer, context)).address
      })
    )
    if (address._tag !== "TcpAddress") throw new Error("no TCP address")
    port = address.port
  })

  afterAll(async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
  })

  /** Sends a request with `node:http`; `chunks` are written one by one (chunked, no Content-Length). */
  const send = (
    path: string,
    options: {
      method?: string
      headers?: http.OutgoingHttpHeaders
      body?: string | Uint8Array
      chunks?: ReadonlyArray<Uint8Array>
      auth?: boolean
    } = {}
  ) =>
    new Promise<Reply>((resolve) => {
      const started = performance.now()
      const headers: http.OutgoingHttpHeaders = { ...options.headers }
      if (options.auth !== false) headers.authorization = `Bearer ${token}`
      const req = http.request({ host: "127.0.0.1", port, path, method: options.method ?? "POST", headers }, (res) => {
        let body = ""
        res.setEncoding("utf8")
        res.on("data", (chunk) => (body += chunk))
        res.on("end", () => {
          let json: unknown = undefined
          try {
            json = JSON.parse(body)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode ?? 0, body, json, ms: performance.now() - started })
        })
      })
      req.on("error", () => resolve({ status: "reset", body: "", json: undefined, ms: performance.now() - started }))
      if (options.chunks !== undefined) {
        for (const chunk of options.chunks) req.write(chunk)
        req.end()
      } else req.end(options.body)
    })

  const json = { "content-type": "application/json" }

  it("hands the API the body it read (JSON and bytes), with the original path", async () => {
    const reply = await send("/api/echo?x=1", { body: JSON.stringify({ a: [1, { b: "c" }] }), headers: json })
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({ body: { a: [1, { b: "c" }] }, url: "/api/echo?x=1" })
    const bytes = await send("/api/echo", {
      chunks: [new Uint8Array(1000), new Uint8Array(2000)],
      headers: { "content-type": "application/x-tar" }
    })
    expect(bytes.json).toEqual({ body: { bytes: 3000 }, url: "/api/echo" })
  })

  it("401 before reading: no token, a wrong token, a body on any route", async () => {
    const before = appCalls
    const big = "[".repeat(limit - 10)
    const cases: ReadonlyArray<readonly [string, Parameters<typeof send>[1]]> = [
      ["/api/echo", { auth: false, body: big, headers: json }],
      ["/api/echo", { auth: false, headers: { ...json, authorization: `Bearer ${token}x` }, body: "{}" }],
      ["/api/echo", { auth: false, headers: { ...json, authorization: token }, body: "{}" }],
      ["/api/echo", { auth: false, chunks: [new Uint8Array(limit * 4)], headers: json }],
      ["/open", { auth: false, body: "x" }],
      ["/api/empty-500", { auth: false, method: "GET" }]
    ]
    for (const [path, options] of cases) {
      const reply = await send(path, options)
      expect([path, reply.status]).toEqual([path, 401])
      expect(reply.json).toMatchObject({ _tag: "Unauthorized" })
      expect(reply.json.message).toContain("Bearer")
    }
    expect(appCalls).toBe(before)
    expect((await send("/open", { auth: false, method: "GET" })).body).toBe("open")
  })

  it("Expect: 100-continue: the go-ahead only with the token and a length within the limit", async () => {
    const expecting = (headers: http.OutgoingHttpHeaders, body: Uint8Array) =>
      new Promise<{ status: number; continued: boolean; body: string }>((resolve, reject) => {
        let continued = false
        const req = http.request({
          host: "127.0.0.1",
          port,
          path: "/api/echo",
          method: "POST",
          headers: { ...headers, expect: "100-continue", "content-length": body.length }
        }, (res) => {
          let text = ""
          res.setEncoding("utf8")
          res.on("data", (chunk) => (text += chunk))
          res.on("end", () => resolve({ status: res.statusCode ?? 0, continued, body: text }))
        })
        req.on("continue", () => {
          continued = true
          req.end(body)
        })
        req.on("error", reject)
        req.flushHeaders()
      })
    const body = new TextEncoder().encode("{\"a\": 1}")
    const refused = await expecting({ "content-type": "application/json" }, body)
    expect(refused).toMatchObject({ status: 401, continued: false })
    expect(JSON.parse(refused.body)._tag).toBe("Unauthorized")
    const tooBig = await expecting({ authorization: `Bearer ${token}` }, new Uint8Array(limit + 1))
    expect(tooBig).toMatchObject({ status: 413, continued: false })
    const accepted = await expecting({ authorization: `Bearer ${token}`, "content-type": "application/json" }, body)
    expect(accepted).toMatchObject({ status: 200, continued: true })
    expect(JSON.parse(accepted.body).body).toEqual({ a: 1 })
  })

  it("413 for a declared or a streamed body over the limit, and the connection is not reset", async () => {
    const declared = await send("/api/echo", { body: new Uint8Array(limit + 1), headers: json })
    expect(declared.status).toBe(413)
    expect(declared.json).toMatchObject({ _tag: "PayloadTooLarge" })
    const streamed = await send("/api/echo", {
      chunks: Array.from({ length: 8 }, () => new Uint8Array(limit / 2).fill(0x61)),
      headers: json
    })
    expect(streamed.status).toBe(413)
    expect(streamed.json.message).toContain(String(limit))
    // Exactly the limit is read as usual.
    const exact = await send("/api/echo", {
      chunks: [new Uint8Array(limit)],
      headers: { "content-type": "application/x-tar" }
    })
    expect(exact.json).toEqual({ body: { bytes: limit }, url: "/api/echo" })
  })

  it("a deep JSON body is refused while it streams in: 400 before the client has sent it all", async () => {
    const before = appCalls
    const reply = await send("/api/echo", {
      chunks: [
        new TextEncoder().encode("{\"values\": " + "[".repeat(100)),
        ...Array.from({ length: 3 }, () => new Uint8Array(limit / 4).fill(0x20))
      ],
      headers: json
    })
    expect(reply.status).toBe(400)
    expect(reply.json.message).toMatch(/deeper than 64 levels \(at byte 74\)/)
    expect(appCalls).toBe(before)
  })

  it("400 with a message for deep, non-UTF-8 and malformed JSON; the API never sees them", async () => {
    const before = appCalls
    const cases: ReadonlyArray<readonly [string | Uint8Array, RegExp]> = [
      ["[".repeat(5_000) + "]".repeat(5_000), /deeper than 64 levels/],
      [`{"values": {"a": ${"[".repeat(65)}${"]".repeat(65)}}}`, /deeper than 64 levels/],
      [`{"owner": {"groups": ${"[".repeat(20_000)}`, /deeper than 64 levels/],
      [new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]), /not valid UTF-8/],
      ["{\"a\": ", /JSON/],
      ["{\"files\": {\"main.tf\": \"\", \"main.tf\": \"x\"}}", /"main\.tf" appears twice/],
      [
        JSON.stringify({ values: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`p${i}`, "x"])) }),
        /more than 100 keys/
      ],
      [JSON.stringify({ owner: { groups: Array.from({ length: 101 }, (_, i) => `g${i}`) } }), /more than 100 elements/]
    ]
    for (const [body, message] of cases) {
      const reply = await send("/api/echo", { body, headers: json })
      expect(reply.status).toBe(400)
      expect(reply.json._tag).toBe("BadRequest")
      expect(reply.json.message).toMatch(message)
    }
    expect(appCalls).toBe(before)
    // 64 levels, 100 keys and 100 elements are fine.
    const ok = await send("/api/echo", { body: "[".repeat(64) + "]".repeat(64), headers: json })
    expect(ok.status).toBe(200)
    const values = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i}`, "x"]))
    const keys = await send("/api/echo", { body: JSON.stringify({ values }), headers: json })
    expect(keys.json).toEqual({ body: { values }, url: "/api/echo" })
    const groups = Array.from({ length: 100 }, (_, i) => `g${i}`)
    const elements = await send("/api/echo", { body: JSON.stringify({ groups }), headers: json })
    expect(elements.json).toEqual({ body: { groups }, url: "/api/echo" })
  })

  it("a defect and an empty failure are answered with typed JSON, never an empty 500", async () => {
    const died = await send("/api/die", { body: "{}", headers: json })
    expect(died.status).toBe(500)
    expect(died.json).toMatchObject({ _tag: "InternalError" })
    const empty = await send("/api/empty-500", { method: "GET" })
    expect(empty.status).toBe(500)
    expect(empty.json).toMatchObject({ _tag: "InternalError" })
    const missing = await send("/api/nothing-here", { method: "GET" })
    expect(missing.status).toBe(404)
    expect(missing.json).toMatchObject({ _tag: "NotFound" })
  })

  it("random bodies and headers: always a status with a JSON or text body, never a reset or an empty 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
          fc.integer({ min: 60, max: 3000 }).map((n) => "{\"a\":" + "[".repeat(n)),
          fc.uint8Array({ maxLength: 300 })
        ),
        fc.constantFrom("application/json", "application/x-tar", "text/plain", "application/json; charset=utf-8"),
        fc.boolean(),
        async (body, contentType, auth) => {
          const reply = await send("/api/echo", { body, headers: { "content-type": contentType }, auth })
          expect(reply.status).not.toBe("reset")
          expect(reply.body.length).toBeGreaterThan(0)
          expect(reply.status as number).toBeLessThan(500)
        }
      ),
      { numRuns: 150 }
    )
  })
})
