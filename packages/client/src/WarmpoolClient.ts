/**
 * The `WarmpoolClient`: warmpool's HTTP API as typed Effect functions, derived from the
 * `HttpApi` definition in {@link WarmpoolApi} with `@effect/platform`'s `HttpApiClient` (one
 * function per endpoint, grouped as the API groups them: `client.templates.list()`,
 * `client.prebuilds.presets()`, `client.reconciler.status()`, ...). Requests and responses are
 * encoded and decoded by the same `Schema`s the server uses, so a response the client accepts is
 * one the server is allowed to send, and errors arrive as the API's typed errors
 * (`Unauthorized`, `NotFound`, `BadRequest`, ...).
 *
 * It needs an `HttpClient`: `FetchHttpClient.layer` in a browser or Node, or
 * `NodeHttpServer.layerTest`'s client in a test of the server.
 *
 * @since 0.1.0
 */
import * as HttpApiClient from "@effect/platform/HttpApiClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import { WarmpoolApi } from "./Api.js"

/**
 * Where the API is and how to authorize.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The server's origin, e.g. `http://127.0.0.1:8080` (routes already start with `/api/v1`).
   * Omitted: the `HttpClient`'s own base (relative URLs in a browser, the test server's address
   * with `NodeHttpServer.layerTest`).
   */
  readonly baseUrl?: string | URL | undefined
  /**
   * The bearer token, sent on every request; a function is read at each request (a token the
   * user may change). Omitted: no `Authorization` header.
   */
  readonly token?: string | Redacted.Redacted<string> | (() => string | undefined) | undefined
}

const tokenOf = (token: Options["token"]): string | undefined =>
  token === undefined
    ? undefined
    : typeof token === "string"
    ? token
    : typeof token === "function"
    ? token()
    : Redacted.value(token)

type AnyEndpoint = (request?: { readonly path?: Readonly<Record<string, unknown>> }) => unknown

/**
 * The client with its path parameters percent-encoded (`HttpApiClient` puts them in the URL as
 * they are): a preset named `a/b` or `50% off` stays one path segment, as the server decodes it.
 */
const withEncodedPaths = <C extends object>(client: C): C =>
  Object.fromEntries(
    Object.entries(client).map(([group, endpoints]) => [
      group,
      Object.fromEntries(
        Object.entries(endpoints as Record<string, AnyEndpoint>).map(([name, endpoint]) => [
          name,
          (request?: Parameters<AnyEndpoint>[0]) =>
            endpoint(
              request?.path === undefined ? request : {
                ...request,
                path: Object.fromEntries(
                  Object.entries(request.path).map((
                    [key, value]
                  ) => [key, typeof value === "string" ? encodeURIComponent(value) : value])
                )
              }
            )
        ])
      )
    ])
  ) as C

const build = (options: Options) =>
  HttpApiClient.make(WarmpoolApi, {
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl }),
    transformClient: HttpClient.mapRequest((request) => {
      const token = tokenOf(options.token)
      return token === undefined ? request : HttpClientRequest.bearerToken(request, token)
    })
  }).pipe(Effect.map(withEncodedPaths))

/**
 * The client's shape: one function per endpoint, by group.
 *
 * @since 0.1.0
 * @category models
 */
export type WarmpoolClientShape = Effect.Effect.Success<ReturnType<typeof build>>

/**
 * The typed client as a service: one Effect function per endpoint, by group.
 *
 * @since 0.1.0
 * @category tags
 */
export class WarmpoolClient extends Context.Tag("@warmpool/client/WarmpoolClient")<
  WarmpoolClient,
  WarmpoolClientShape
>() {}

/**
 * A client over the `HttpClient` in context.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<WarmpoolClientShape, never, HttpClient.HttpClient> =>
  build(options)

/**
 * The client as a layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<WarmpoolClient, never, HttpClient.HttpClient> =>
  Layer.effect(WarmpoolClient, make(options))
