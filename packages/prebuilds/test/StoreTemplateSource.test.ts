/**
 * `StoreTemplateSource` tells a missing version (`TemplateNotFound`) from a store that cannot
 * answer (`TemplateSourceUnavailable`), on every backend.
 */
import { expect, it } from "@effect/vitest"
import { TemplateSource } from "@warmpool/render"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Store from "../src/Store.js"
import * as StoreTemplateSource from "../src/StoreTemplateSource.js"
import { describeEachBackend, onFresh } from "./utils/storeBackends.js"
import { importTemplate } from "./utils/storeFixtures.js"

describeEachBackend("StoreTemplateSource errors", (backend) => {
  const fresh = onFresh(backend)

  it.effect("files of a stored version; TemplateNotFound for an unknown one; Unavailable on a store failure", () =>
    fresh(Effect.gen(function*() {
      const fixture = yield* importTemplate("source", { files: { "main.tf": "# stored\n" } })
      const faults = { on: false }
      const sourceLayer = StoreTemplateSource.layer.pipe(
        Layer.provide(Store.layerWithFaults({ rate: Effect.sync(() => (faults.on ? 1 : 0)) }))
      )
      yield* Effect.gen(function*() {
        const source = yield* TemplateSource.TemplateSource
        const files = yield* source.files(fixture.versionId)
        expect(files.readText("main.tf")).toBe("# stored\n")
        const missing = yield* Effect.flip(source.files("00000000-0000-0000-0000-000000000000"))
        expect(missing._tag).toBe("TemplateNotFound")
        faults.on = true
        const outage = yield* Effect.flip(source.files(fixture.versionId))
        expect(outage._tag).toBe("TemplateSourceUnavailable")
        expect(outage.templateVersionId).toBe(fixture.versionId)
        expect(outage.message).toContain("could not be read")
      }).pipe(Effect.provide(sourceLayer))
    })))
})
