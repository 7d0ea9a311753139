/**
 * A request whose body the guards already read, handed to the API: the original request (URL,
 * method, headers, remote address, its Node objects) with body accessors that answer from the
 * bytes in memory. It replaces a web `Request` built around the bytes, which cost a stream, an
 * abort signal and promises on every request with a body (issue 14: a render cache hit was
 * mostly pipeline). Decoding failures are the same `RequestError`s the platform's requests give.
 * A JSON body the guards already decoded and parsed (to check it) is handed over as text and
 * value, so a 6 MiB body is decoded and parsed once, not twice.
 *
 * @internal
 */
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as HttpServerError from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as Multipart from "@effect/platform/Multipart"
import * as UrlParams from "@effect/platform/UrlParams"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Stream from "effect/Stream"

const utf8 = new TextDecoder()

class ReadRequest extends Inspectable.Class implements HttpServerRequest.HttpServerRequest {
  readonly [HttpServerRequest.TypeId]: HttpServerRequest.TypeId = HttpServerRequest.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  private decoded: string | undefined

  constructor(
    readonly original: HttpServerRequest.HttpServerRequest,
    readonly body: Uint8Array,
    readonly parsed?: ParsedBody | undefined
  ) {
    super()
    this.decoded = parsed?.text
  }

  get source() {
    return this.original.source
  }
  /** Where `NodeHttpServerRequest.toServerResponse` finds the Node response. */
  get resolvedResponse(): unknown {
    return (this.original as unknown as { readonly resolvedResponse: unknown }).resolvedResponse
  }
  get url() {
    return this.original.url
  }
  get originalUrl() {
    return this.original.originalUrl
  }
  get method() {
    return this.original.method
  }
  get cookies() {
    return this.original.cookies
  }
  get headers() {
    return this.original.headers
  }
  get remoteAddress() {
    return this.original.remoteAddress
  }
  get upgrade() {
    return this.original.upgrade
  }
  modify(options: Parameters<HttpServerRequest.HttpServerRequest["modify"]>[0]): HttpServerRequest.HttpServerRequest {
    return new ReadRequest(this.original.modify(options), this.body, this.parsed)
  }

  private decodeText(): string {
    return (this.decoded ??= utf8.decode(this.body))
  }
  private decodeError(cause: unknown): HttpServerError.RequestError {
    return new HttpServerError.RequestError({ request: this, reason: "Decode", cause })
  }
  get text(): Effect.Effect<string> {
    return Effect.sync(() => this.decodeText())
  }
  get json(): Effect.Effect<unknown, HttpServerError.RequestError> {
    if (this.parsed !== undefined) return Effect.succeed(this.parsed.value)
    return Effect.try({ try: () => JSON.parse(this.decodeText()) as unknown, catch: (e) => this.decodeError(e) })
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpServerError.RequestError> {
    return Effect.try({
      try: () => UrlParams.fromInput(new URLSearchParams(this.decodeText())),
      catch: (e) => this.decodeError(e)
    })
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer> {
    return Effect.sync(() => this.body.slice().buffer)
  }
  get stream(): Stream.Stream<Uint8Array> {
    return Stream.succeed(this.body)
  }
  get multipartStream() {
    return Stream.pipeThroughChannel(this.stream, Multipart.makeChannel(this.headers))
  }
  get multipart() {
    return Multipart.toPersisted(this.multipartStream)
  }

  toJSON(): unknown {
    return this.original.toJSON()
  }
}

/** A JSON body already decoded and parsed: its text and its value. */
export interface ParsedBody {
  readonly text: string
  readonly value: unknown
}

/**
 * `request` with its body replaced by `body` (already read, and with `parsed`, already decoded
 * and parsed). Everything but the body accessors is the original's; a request derived from it
 * (`modify`) keeps the body.
 */
export const withReadBody = (
  request: HttpServerRequest.HttpServerRequest,
  body: Uint8Array,
  parsed?: ParsedBody | undefined
): HttpServerRequest.HttpServerRequest => new ReadRequest(request, body, parsed)
