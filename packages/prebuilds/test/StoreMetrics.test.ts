// Section numbers (§) in this file refer to docs/prebuilds.md.
import * as SqlClient from "@effect/sql/SqlClient"
import { expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Store from "../src/Store.js"
import { describeEachBackend, onFresh } from "./utils/storeBackends.js"
import { at, importVersion, MINUTE, prebuild, presetImport, user } from "./utils/storeFixtures.js"

describeEachBackend("Store metrics counts (§8)", (backend) => {
  it.effect("created, failed and claimed per template, preset and organization name", () =>
    onFresh(backend)(Effect.gen(function*() {
      const store = yield* Store.Store
      const sql = yield* SqlClient.SqlClient
      const org = yield* store.ensureOrganization("acme")
      const template = yield* store.createTemplate({ name: "docker", organizationId: org })
      const v1 = yield* importVersion(template.id, {
        presets: [presetImport("small", { desiredInstances: 9 }), presetImport("big", { desiredInstances: 9 })]
      })
      const small = v1.presets.small!
      yield* prebuild(small, { status: "succeeded" })
      yield* prebuild(small, { status: "failed" })
      yield* prebuild(small, { status: "pending" })
      const claimed = yield* prebuild(small, { now: at(-1) })
      const handed = yield* store.claim({
        templateId: template.id,
        presetId: small,
        userId: user("rae"),
        name: "rae",
        now: at(MINUTE)
      })
      expect(Option.map(handed, (c) => c.workspace.id)).toEqual(Option.some(claimed.workspaceId))
      const removed = yield* prebuild(small, { status: "succeeded" })
      const deletion = yield* store.deletePrebuild(removed.workspaceId, at(MINUTE))
      if (deletion._tag === "Enqueued") {
        yield* store.completeJob(deletion.jobId, { status: "succeeded", now: at(MINUTE) })
      }
      // Another initiator's build 1 is not a prebuild.
      const users = yield* prebuild(v1.presets.big!, { status: "failed" })
      yield* sql`UPDATE workspace_builds SET initiator_id = ${user("sam")} WHERE workspace_id = ${users.workspaceId}`
      // The same preset name on a newer version counts in the same series.
      const v2 = yield* importVersion(template.id, { presets: [presetImport("small", { desiredInstances: 9 })] })
      yield* prebuild(v2.presets.small!, { status: "failed" })
      // Deleted templates are excluded; templates without organization get "".
      const loose = yield* store.createTemplate({ name: "loose" })
      const looseVersion = yield* importVersion(loose.id)
      yield* prebuild(looseVersion.presets.p!)
      const gone = yield* store.createTemplate({ name: "gone" })
      const goneVersion = yield* importVersion(gone.id)
      yield* prebuild(goneVersion.presets.p!)
      yield* store.deleteTemplate(gone.id)

      expect(yield* store.prebuildCounts()).toEqual([
        { templateName: "docker", presetName: "small", organizationName: "acme", created: 6, failed: 2, claimed: 1 },
        { templateName: "loose", presetName: "p", organizationName: "", created: 1, failed: 0, claimed: 0 }
      ])
    })))
})
