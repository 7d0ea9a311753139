/**
 * A request whose body the guards already read, handed to the API: the original request (URL,
 * method, headers, remote address, its Node objects) with body accessors that answer from the
 * bytes in memory. It replaces a web `Request` built around the bytes, which cost a stream, an
 * abort signal and promises on every request with a body (issue 14: a render cache hit is mostly
 * pipeline). Decoding failures are the same `RequestError`s the platform's requests give.
 */
import * as HttpServerError from "@effect/platform/HttpServerError"
import type * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Multipart from "@effect/platform/Multipart"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"

const utf8 = new TextDecoder()

/**
 * `request` with its body replaced by `body` (already read). Everything but the body accessors is
 * the original's.
 */
export const withReadBody = (
  request: HttpServerRequest.HttpServerRequest,
  body: Uint8Array
): HttpServerRequest.HttpServerRequest => {
  let text: string | undefined
  const textOf = () => (text ??= utf8.decode(body))
  const decodeError = (cause: unknown) =>
    new HttpServerError.RequestError({ request: view, reason: "Decode", cause })
  const stream = Stream.succeed(body)
  const multipartStream = () => Stream.pipeThroughChannel(stream, Multipart.makeChannel(request.headers))
  const view: HttpServerRequest.HttpServerRequest = Object.create(request, {
    text: { value: Effect.sync(textOf) },
    json: { value: Effect.try({ try: () => JSON.parse(textOf()) as unknown, catch: decodeError }) },
    urlParamsBody: {
      value: Effect.try({ try: () => UrlParams.fromInput(new URLSearchParams(textOf())), catch: decodeError })
    },
    arrayBuffer: { value: Effect.sync(() => body.slice().buffer) },
    stream: { value: stream },
    multipartStream: { get: multipartStream },
    multipart: { get: () => Multipart.toPersisted(multipartStream()) },
    unsafeText: { get: textOf },
    unsafeJson: { get: () => JSON.parse(textOf()) as unknown },
    // A request derived from this one (a router's prefix, say) keeps the body.
    modify: {
      value: (options: Parameters<HttpServerRequest.HttpServerRequest["modify"]>[0]) =>
        withReadBody(request.modify(options), body)
    }
  })
  return view
}
