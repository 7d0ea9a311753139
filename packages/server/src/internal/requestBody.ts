/**
 * Reading a request body from Node's `IncomingMessage` with a counting limit, and answering
 * before a body was read without resetting the connection. The platform's own reader destroys
 * the socket when a streamed body crosses its limit, and Node closes a `Connection: close`
 * socket as soon as the answer is written: either way the client, still sending, gets a reset
 * (EPIPE / ECONNRESET) instead of the 401 or 413. Here the rest of the body is drained to
 * nowhere while the answer goes out (a lingering close), and a client still sending after
 * {@link drainGrace} has its connection closed.
 *
 * @internal
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { IncomingMessage, ServerResponse } from "node:http"

/** The body is larger than the limit (declared or streamed). */
export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{ readonly limit: number }> {}

/** A check run on each chunk while the body arrives refused it (the message says why). */
export class BodyRejected extends Data.TaggedError("BodyRejected")<{ readonly message: string }> {}

/** The body could not be read (the client went away, the stream failed). */
export class BodyUnreadable extends Data.TaggedError("BodyUnreadable")<{ readonly message: string }> {}

/**
 * How long a client that sent too much may keep sending (discarded) after the 413 before its
 * connection is closed.
 */
export const drainGrace: Duration.Duration = Duration.seconds(5)

/**
 * The whole body in a fresh buffer of exactly its length, or `BodyTooLarge` as soon as more than
 * `limit` bytes have arrived, or `BodyRejected` as soon as `inspect` refuses a chunk (nothing
 * more is kept either way; see {@link lingerAfterEarlyAnswer}).
 */
export const readBody = (
  source: IncomingMessage,
  limit: number,
  inspect?: (chunk: Uint8Array) => string | undefined
): Effect.Effect<Uint8Array, BodyTooLarge | BodyRejected | BodyUnreadable> =>
  Effect.async<Uint8Array, BodyTooLarge | BodyRejected | BodyUnreadable>((resume) => {
    const chunks: Array<Buffer> = []
    let total = 0
    const detach = () => {
      source.off("data", onData)
      source.off("end", onEnd)
      source.off("error", onError)
      source.off("close", onClose)
    }
    function onData(chunk: Buffer) {
      total += chunk.length
      if (total > limit) {
        detach()
        chunks.length = 0
        resume(Effect.fail(new BodyTooLarge({ limit })))
        return
      }
      const rejected = inspect?.(chunk)
      if (rejected !== undefined) {
        detach()
        chunks.length = 0
        resume(Effect.fail(new BodyRejected({ message: rejected })))
        return
      }
      chunks.push(chunk)
    }
    function onEnd() {
      detach()
      const body = new Uint8Array(total)
      let offset = 0
      for (const chunk of chunks) {
        body.set(chunk, offset)
        offset += chunk.length
      }
      chunks.length = 0
      resume(Effect.succeed(body))
    }
    function onError(error: Error) {
      detach()
      chunks.length = 0
      resume(Effect.fail(new BodyUnreadable({ message: error.message })))
    }
    function onClose() {
      if (source.complete) return
      detach()
      chunks.length = 0
      resume(Effect.fail(new BodyUnreadable({ message: "the client closed the connection before the body ended" })))
    }
    source.on("data", onData)
    source.on("end", onEnd)
    source.on("error", onError)
    source.on("close", onClose)
    return Effect.sync(() => {
      detach()
      chunks.length = 0
      source.resume()
    })
  })

/**
 * Called when a request is answered before its body was read (401, 413): the rest of the body is
 * read and dropped, the connection is kept open until it ends so the client can read the answer
 * (even when it asked for `Connection: close`), and closed if the client is still sending after
 * {@link drainGrace}.
 */
export const lingerAfterEarlyAnswer = (source: IncomingMessage, response: ServerResponse): Effect.Effect<void> =>
  Effect.suspend(() => {
    if (source.complete) return Effect.void
    if (!response.headersSent) response.shouldKeepAlive = true
    source.on("error", () => {})
    source.resume()
    return Effect.forkDaemon(
      Effect.sleep(drainGrace).pipe(
        Effect.andThen(Effect.sync(() => {
          if (!source.complete) source.socket?.destroy()
        }))
      )
    ).pipe(Effect.asVoid)
  })
