import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import * as HttpServer from "@effect/platform/HttpServer"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as fc from "fast-check"
import * as fs from "node:fs"
import * as http from "node:http"
import * as os from "node:os"
import * as path from "node:path"
import * as StaticFiles from "../src/StaticFiles.js"

describe("requestSegments", () => {
  const table: ReadonlyArray<readonly [string, ReadonlyArray<string> | undefined]> = [
    ["/", ["index.html"]],
    ["/?token=x", ["index.html"]],
    ["/#/pools", ["index.html"]],
    ["/index.html", ["index.html"]],
    ["/assets/app-ABCDEFGH.js?v=1", ["assets", "app-ABCDEFGH.js"]],
    ["/assets/a%20b.css", ["assets", "a b.css"]],
    ["", undefined],
    ["assets/app.js", undefined],
    ["/assets/", undefined],
    ["//etc/passwd", undefined],
    ["/../secret", undefined],
    ["/assets/../../secret", undefined],
    ["/%2e%2e/secret", undefined],
    ["/assets/..%2f..%2fsecret", undefined],
    ["/a%5c..%5csecret", undefined],
    ["/a%00b", undefined],
    ["/./index.html", undefined],
    ["/.env", undefined],
    ["/%E0%A4%A", undefined]
  ]
  for (const [url, expected] of table) {
    it(`${JSON.stringify(url)} → ${expected === undefined ? "none" : expected.join("/")}`, () => {
      expect(Option.getOrUndefined(StaticFiles.requestSegments(url))).toEqual(expected)
    })
  }

  it("no URL yields a segment that could leave the directory", () => {
    const root = path.resolve("/srv/web")
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webPath(),
          fc.array(fc.constantFrom("..", ".", "%2e", "%2f", "%5c", "a", "/", "\\", "%00")).map((parts) =>
            "/" + parts.join("")
          )
        ),
        (url) => {
          const segments = StaticFiles.requestSegments(url)
          if (Option.isNone(segments)) return
          for (const segment of segments.value) {
            expect(segment).not.toBe("")
            expect(segment.startsWith(".")).toBe(false)
            expect(/[/\\\0]/.test(segment)).toBe(false)
          }
          expect(path.join(root, ...segments.value).startsWith(root + path.sep)).toBe(true)
        }
      )
    )
  })
})

describe("headers by file name", () => {
  it("Content-Type per extension", () => {
    const table: ReadonlyArray<readonly [string, string]> = [
      ["index.html", "text/html; charset=utf-8"],
      ["assets/app-ABCDEFGH.js", "text/javascript; charset=utf-8"],
      ["assets/styles-ABCDEFGH.css", "text/css; charset=utf-8"],
      ["x.svg", "image/svg+xml"],
      ["x.PNG", "image/png"],
      ["x.woff2", "font/woff2"],
      ["x.map", "application/json; charset=utf-8"],
      ["LICENSE", "application/octet-stream"],
      ["x.exe", "application/octet-stream"]
    ]
    for (const [name, type] of table) expect(StaticFiles.contentTypeOf(name), name).toBe(type)
  })

  it("Cache-Control: the page is revalidated, hashed assets are immutable", () => {
    expect(StaticFiles.cacheControlOf("index.html")).toBe("no-cache")
    expect(StaticFiles.cacheControlOf("assets/app-A777JI7Q.js")).toBe("public, max-age=31536000, immutable")
    expect(StaticFiles.cacheControlOf("assets/styles-2RNRWAHS.css")).toBe("public, max-age=31536000, immutable")
    expect(StaticFiles.cacheControlOf("assets/app.js")).toBe("no-cache")
    expect(StaticFiles.cacheControlOf("assets/app-abc.js")).toBe("no-cache")
    expect(StaticFiles.isHashedAsset("chunk-ABCDEFGH.js")).toBe(true)
    expect(StaticFiles.isHashedAsset("chunk-abcdefgh.js")).toBe(false)
  })
})

interface Reply {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

describe("serving a directory", () => {
  let base: string
  let root: string
  let port = 0
  const scope = Effect.runSync(Scope.make())

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), "warmpool-static-"))
    root = path.join(base, "web")
    fs.mkdirSync(path.join(root, "assets"), { recursive: true })
    fs.writeFileSync(path.join(root, "index.html"), "<!doctype html><title>t</title>")
    fs.writeFileSync(path.join(root, "assets", "app-ABCDEFGH.js"), "console.log(1)")
    fs.writeFileSync(path.join(root, "assets", "styles-2RNRWAHS.css"), "body{}")
    fs.writeFileSync(path.join(base, "secret.txt"), "do not serve")
    fs.symlinkSync(path.join(base, "secret.txt"), path.join(root, "link.txt"))
    fs.symlinkSync(path.join(root, "index.html"), path.join(root, "alias.html"))
    const address = await Effect.runPromise(
      Effect.gen(function*() {
        const context = yield* Layer.buildWithScope(NodeHttpServer.layer(() => http.createServer(), { port: 0 }), scope)
        yield* HttpServer.serveEffect()(StaticFiles.router(root)).pipe(Effect.provide(context), Scope.extend(scope))
        return (yield* Effect.provide(HttpServer.HttpServer, context)).address
      })
    )
    if (address._tag !== "TcpAddress") throw new Error("no TCP address")
    port = address.port
  })

  afterAll(async () => {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    fs.rmSync(base, { recursive: true, force: true })
  })

  /** A request with the path sent exactly as given (no client-side normalisation). */
  const request = (rawPath: string, options: { method?: string; headers?: http.OutgoingHttpHeaders } = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, path: rawPath, method: options.method ?? "GET", headers: options.headers ?? {} },
        (res) => {
          let body = ""
          res.setEncoding("utf8")
          res.on("data", (chunk) => (body += chunk))
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
        }
      )
      req.on("error", reject)
      req.end()
    })

  it("serves index.html at / and by name, revalidated", async () => {
    for (const url of ["/", "/index.html", "/?x=1"]) {
      const reply = await request(url)
      expect(reply.status, url).toBe(200)
      expect(reply.headers["content-type"]).toBe("text/html; charset=utf-8")
      expect(reply.headers["cache-control"]).toBe("no-cache")
      expect(reply.headers["x-content-type-options"]).toBe("nosniff")
      expect(reply.headers.etag).toBeDefined()
      expect(reply.body).toBe("<!doctype html><title>t</title>")
    }
  })

  it("serves hashed assets as immutable with their types", async () => {
    const js = await request("/assets/app-ABCDEFGH.js")
    expect(js.status).toBe(200)
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8")
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable")
    expect(js.body).toBe("console.log(1)")
    const css = await request("/assets/styles-2RNRWAHS.css")
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8")
    expect(css.headers["cache-control"]).toBe("public, max-age=31536000, immutable")
  })

  it("answers 304 when the ETag matches", async () => {
    const first = await request("/")
    const etag = first.headers.etag as string
    const again = await request("/", { headers: { "if-none-match": etag } })
    expect(again.status).toBe(304)
    expect(again.body).toBe("")
    expect(again.headers["cache-control"]).toBe("no-cache")
    expect((await request("/", { headers: { "if-none-match": "\"other\"" } })).status).toBe(200)
  })

  it("HEAD has the headers and no body", async () => {
    const reply = await request("/assets/app-ABCDEFGH.js", { method: "HEAD" })
    expect(reply.status).toBe(200)
    expect(reply.headers["content-type"]).toBe("text/javascript; charset=utf-8")
    expect(reply.body).toBe("")
  })

  it("404 for missing files, directories and other methods", async () => {
    for (const url of ["/missing.js", "/assets", "/assets/", "/assets/nope-ABCDEFGH.js"]) {
      const reply = await request(url)
      expect(reply.status, url).toBe(404)
      expect(JSON.parse(reply.body)).toEqual({ _tag: "NotFound", message: "No such file" })
    }
    expect((await request("/", { method: "POST" })).status).toBe(404)
  })

  it("/icon/*.svg: a shipped icon as it is, any other the fallback glyph; nothing else falls back", async () => {
    fs.mkdirSync(path.join(root, "icon"), { recursive: true })
    fs.writeFileSync(path.join(root, "icon", "own.svg"), "<svg id=\"own\"/>")
    const own = await request("/icon/own.svg")
    expect(own.status).toBe(200)
    expect(own.body).toBe("<svg id=\"own\"/>")
    for (const url of ["/icon/go.svg", "/icon/docker.svg?v=1", "/icon/%E2%9C%93.svg"]) {
      const reply = await request(url)
      expect(reply.status, url).toBe(200)
      expect(reply.headers["content-type"]).toBe("image/svg+xml")
      expect(reply.body).toBe(StaticFiles.fallbackIcon)
    }
    for (const url of ["/icon/go.png", "/icon/a/b.svg", "/icon/../secret.svg", "/icons/go.svg", "/icon/.svg"]) {
      expect((await request(url)).status, url).toBe(404)
    }
  })

  it("never serves a file outside the directory", async () => {
    for (
      const url of [
        "/../secret.txt",
        "/assets/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt",
        "/assets/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/link.txt",
        `/${encodeURIComponent(path.join(base, "secret.txt"))}`
      ]
    ) {
      const reply = await request(url)
      expect(reply.status, url).toBe(404)
      expect(reply.body).not.toContain("do not serve")
    }
  })

  it("follows a symbolic link that stays inside the directory", async () => {
    const reply = await request("/alias.html")
    expect(reply.status).toBe(200)
    expect(reply.body).toBe("<!doctype html><title>t</title>")
  })
})
