/**
 * `ServerConfig` computes its render-worker default itself (the CLI's command line reads the
 * settings and must not load the worker pool); it must agree with the pool's own default.
 */
import { describe, expect, it } from "@effect/vitest"
import { RenderWorkerPool } from "@warmpool/render"
import * as Effect from "effect/Effect"
import * as ServerConfig from "../src/ServerConfig.js"

describe("ServerConfig defaults", () => {
  it.effect("render-workers defaults to RenderWorkerPool.defaultSize()", () =>
    Effect.gen(function*() {
      const loaded = yield* ServerConfig.load({ flags: {} })
      expect(loaded.config.renderWorkers).toBe(RenderWorkerPool.defaultSize())
      expect(ServerConfig.settings.renderWorkers.defaultText).toBe(String(RenderWorkerPool.defaultSize()))
    }))
})
