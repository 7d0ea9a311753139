/**
 * Reading a request body from Node's `IncomingMessage` with a counting limit. The platform's own
 * reader destroys the socket when a streamed body crosses its limit (the client sees a connection
 * reset, never the 413); this one stops keeping bytes, lets the rest of the body drain to nowhere
 * so the answer can be delivered, and closes the connection if the client keeps sending.
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type { IncomingMessage } from "node:http"

/** The body is larger than the limit (declared or streamed). */
export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{ readonly limit: number }> {}

/** The body could not be read (the client went away, the stream failed). */
export class BodyUnreadable extends Data.TaggedError("BodyUnreadable")<{ readonly message: string }> {}

/**
 * How long a client that sent too much may keep sending (discarded) after the 413 before its
 * connection is closed.
 */
export const drainGrace: Duration.Duration = Duration.seconds(5)

/**
 * The whole body in a fresh buffer of exactly its length, or `BodyTooLarge` as soon as more than
 * `limit` bytes have arrived. After a refusal the remaining bytes are read and dropped (so the
 * client can finish sending and read the answer); a client still sending after
 * {@link drainGrace} has its connection closed.
 */
export const readBody = (
  source: IncomingMessage,
  limit: number
): Effect.Effect<Uint8Array, BodyTooLarge | BodyUnreadable> =>
  Effect.async<Uint8Array, BodyTooLarge | BodyUnreadable>((resume) => {
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
        // Keep reading, keep nothing: the answer goes out while the client finishes its upload.
        source.on("error", () => {})
        source.resume()
        resume(Effect.zipRight(closeIfStillSending(source), Effect.fail(new BodyTooLarge({ limit }))))
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

const closeIfStillSending = (source: IncomingMessage): Effect.Effect<void> =>
  Effect.forkDaemon(
    Effect.sleep(drainGrace).pipe(
      Effect.andThen(Effect.sync(() => {
        if (!source.complete) source.socket?.destroy()
      }))
    )
  ).pipe(Effect.asVoid)
