/**
 * The dashboard shows which version each pool runs (issue 16): the version's name, or a short
 * id when an older server does not send it.
 */
import { describe, expect, it } from "@effect/vitest"
import { versionLabel } from "../../packages/server/web/src/logic/pools.js"

describe("versionLabel", () => {
  const id = "0f3c2a91-7d44-4c1e-9a57-3b2f6d8e1c00"
  it.each([
    [{ templateVersionId: id, templateVersionName: "v-4be1c0d2a9f3" }, "v-4be1c0d2a9f3"],
    [{ templateVersionId: id, templateVersionName: "" }, "0f3c2a91"],
    [{ templateVersionId: id }, "0f3c2a91"]
  ])("%j → %s", (pool, expected) => {
    expect(versionLabel(pool)).toBe(expected)
  })
})
