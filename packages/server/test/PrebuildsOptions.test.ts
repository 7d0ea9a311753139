/**
 * The render workers' template budget the server derives (`prebuildsOptions`): a quarter of a
 * worker's heap (`--render-worker-heap-mb`), and never more than the template cache's budget
 * (`--template-cache-max-bytes`).
 */
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import { prebuildsOptions } from "../src/PrebuildsOptions.js"
import * as ServerConfig from "../src/ServerConfig.js"

const workerTemplateBytes = (flags: Record<string, string>) =>
  ServerConfig.load({ flags: { "render-workers": "1", ...flags } }).pipe(
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map())),
    Effect.map(({ config }) => prebuildsOptions(config).renderWorkers?.templateBytesPerWorker)
  )

describe("prebuildsOptions: the render workers' template budget", () => {
  const table: ReadonlyArray<readonly [Record<string, string>, number]> = [
    [{}, 128 * 1024 * 1024],
    [{ "render-worker-heap-mb": "64" }, 16 * 1024 * 1024],
    [{ "template-cache-max-bytes": "1048576" }, 1024 * 1024],
    [{ "render-worker-heap-mb": "64", "template-cache-max-bytes": "1073741824" }, 16 * 1024 * 1024]
  ]
  for (const [flags, expected] of table) {
    it.effect(`${JSON.stringify(flags)} → ${expected} bytes per worker`, () =>
      Effect.map(workerTemplateBytes(flags), (bytes) => expect(bytes).toBe(expected)))
  }
})
