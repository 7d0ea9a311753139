/**
 * Serves the built web console (`dist/web`): `index.html` at `/` and the content-hashed assets
 * next to it, with a `Content-Type` per extension, `Cache-Control: no-cache` for the page and a
 * year-long immutable cache for hashed assets, ETag revalidation (304), and 404 for everything
 * else. Request paths are checked segment by segment and the resolved file must stay inside the
 * directory (symbolic links included), so no request can read outside it.
 *
 * @since 0.1.0
 */
import * as Etag from "@effect/platform/Etag"
import * as FileSystem from "@effect/platform/FileSystem"
import type * as HttpPlatform from "@effect/platform/HttpPlatform"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as NodePath from "node:path"

/**
 * What serving a file needs from the platform (all provided by `NodeHttpServer.layer`).
 *
 * @since 0.1.0
 * @category models
 */
export type Requirements = FileSystem.FileSystem | HttpPlatform.HttpPlatform | Etag.Generator

/**
 * `Cache-Control` of the page: always revalidated, so a new build is picked up at once.
 *
 * @since 0.1.0
 * @category constants
 */
export const pageCacheControl = "no-cache"

/**
 * `Cache-Control` of a content-hashed asset: its name changes whenever its content does.
 *
 * @since 0.1.0
 * @category constants
 */
export const assetCacheControl = "public, max-age=31536000, immutable"

/**
 * The file served for `/`.
 *
 * @since 0.1.0
 * @category constants
 */
export const indexFile = "index.html"

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2"
}

/**
 * The `Content-Type` of a file by its extension; `application/octet-stream` when unknown.
 *
 * @since 0.1.0
 * @category utils
 */
export const contentTypeOf = (fileName: string): string =>
  contentTypes[NodePath.posix.extname(fileName).toLowerCase()] ?? "application/octet-stream"

/**
 * Whether a file name carries a content hash as the web build writes it (`name-HASH.ext`, the
 * hash being 8 or more upper-case letters and digits).
 *
 * @since 0.1.0
 * @category guards
 */
export const isHashedAsset = (fileName: string): boolean => /-[A-Z0-9]{8,}\.[A-Za-z0-9]+$/.test(fileName)

/**
 * The `Cache-Control` of a served file.
 *
 * @since 0.1.0
 * @category utils
 */
export const cacheControlOf = (fileName: string): string =>
  fileName !== indexFile && isHashedAsset(NodePath.posix.basename(fileName)) ? assetCacheControl : pageCacheControl

/**
 * The path segments a request URL names, relative to the served directory, or `None` when the
 * URL cannot name a servable file: an undecodable escape, an empty, `.` or `..` segment, a
 * hidden (dot) file, a backslash or a NUL. The query and fragment are ignored; `/` names
 * `index.html`.
 *
 * @since 0.1.0
 * @category utils
 */
export const requestSegments = (url: string): Option.Option<ReadonlyArray<string>> => {
  const end = url.search(/[?#]/)
  const pathname = end === -1 ? url : url.slice(0, end)
  if (!pathname.startsWith("/")) return Option.none()
  if (pathname === "/") return Option.some([indexFile])
  const segments: Array<string> = []
  for (const raw of pathname.slice(1).split("/")) {
    let segment: string
    try {
      segment = decodeURIComponent(raw)
    } catch {
      return Option.none()
    }
    if (segment === "" || segment.startsWith(".") || /[/\\\0]/.test(segment)) return Option.none()
    segments.push(segment)
  }
  return Option.some(segments)
}

const errorBody = (status: number, tag: string, message: string) =>
  HttpServerResponse.unsafeJson({ _tag: tag, message }, { status })

const notFound = errorBody(404, "NotFound", "No such file")

const inside = (root: string, file: string): boolean =>
  file.startsWith(root.endsWith(NodePath.sep) ? root : root + NodePath.sep)

const matchesEtag = (ifNoneMatch: string | undefined, etag: string): boolean => {
  if (ifNoneMatch === undefined) return false
  const weak = (tag: string) => tag.trim().replace(/^W\//, "")
  return ifNoneMatch.split(",").some((candidate) => candidate.trim() === "*" || weak(candidate) === weak(etag))
}

/**
 * The response for a request URL: the file with its headers, a 304 when `ifNoneMatch` matches
 * the file's ETag, or a 404 (JSON `{"_tag":"NotFound","message"}`) when the URL names no file
 * inside `directory`. Never fails.
 *
 * @since 0.1.0
 * @category utils
 */
export const respond = (
  directory: string,
  url: string,
  ifNoneMatch?: string
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, Requirements> =>
  Effect.gen(function*() {
    const segments = requestSegments(url)
    if (Option.isNone(segments)) return notFound
    const fs = yield* FileSystem.FileSystem
    const root = yield* fs.realPath(NodePath.resolve(directory))
    const file = yield* fs.realPath(NodePath.join(root, ...segments.value))
    if (!inside(root, file)) return notFound
    const info = yield* fs.stat(file)
    if (info.type !== "File") return notFound
    const relative = segments.value.join("/")
    const etag = Etag.toString(yield* (yield* Etag.Generator).fromFileInfo(info))
    const headers = {
      "cache-control": cacheControlOf(relative),
      "x-content-type-options": "nosniff"
    }
    if (matchesEtag(ifNoneMatch, etag)) {
      return HttpServerResponse.empty({ status: 304, headers: { ...headers, etag } })
    }
    return yield* HttpServerResponse.file(file, {
      headers: { ...headers, "content-type": contentTypeOf(relative) }
    })
  }).pipe(
    Effect.catchAll((error) =>
      error._tag === "SystemError" && (error.reason === "NotFound" || error.reason === "BadResource")
        ? Effect.succeed(notFound)
        : Effect.succeed(errorBody(500, "InternalServerError", "The file could not be read"))
    )
  )

/**
 * The icon served for `/icon/<name>.svg` when the console has no such file: templates name
 * Coder's icon set (`/icon/go.svg`, `/icon/docker.svg`, ...), which warmpool does not ship, so
 * every such icon gets this neutral glyph instead of a 404 (and a broken image).
 *
 * @since 0.1.0
 * @category constants
 */
export const fallbackIcon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24">` +
  `<rect x="3" y="3" width="18" height="18" rx="4" fill="#e6e9ed" stroke="#8b95a1" stroke-width="1.5"/>` +
  `<path d="M8 15.5l2.6-3.2 2 2.3 1.6-1.9L17 15.5z" fill="#8b95a1"/><circle cx="9.2" cy="9" r="1.4" fill="#8b95a1"/>` +
  `</svg>`

const iconPath = /^\/icon\/[^/?#]+\.svg(?:[?#].*)?$/

/**
 * Whether a request URL names an icon of the `/icon/*.svg` set.
 *
 * @since 0.1.0
 * @category guards
 */
export const isIconRequest = (url: string): boolean => iconPath.test(url)

const fallbackIconResponse = HttpServerResponse.text(fallbackIcon, {
  contentType: "image/svg+xml",
  headers: { "cache-control": "public, max-age=3600", "x-content-type-options": "nosniff" }
})

/**
 * A handler answering the current request from `directory`; a missing `/icon/*.svg` gets
 * {@link fallbackIcon}.
 *
 * @since 0.1.0
 * @category utils
 */
export const handler = (
  directory: string
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest | Requirements> =>
  Effect.flatMap(
    HttpServerRequest.HttpServerRequest,
    (request) =>
      Effect.map(
        respond(directory, request.url, request.headers["if-none-match"]),
        (response) => response.status === 404 && isIconRequest(request.url) ? fallbackIconResponse : response
      )
  )

/**
 * A router serving `directory` for `GET` and `HEAD` on every path; combine it after the API
 * routes (e.g. `HttpRouter.concat(api, StaticFiles.router(dir))`).
 *
 * @since 0.1.0
 * @category utils
 */
export const router = (directory: string): HttpRouter.HttpRouter<never, Requirements> =>
  HttpRouter.empty.pipe(
    HttpRouter.get("/*", handler(directory)),
    HttpRouter.head("/*", handler(directory))
  )
