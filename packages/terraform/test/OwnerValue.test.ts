/**
 * `Owner.toValue`: the owner as a Terraform object, converted once for a run of renders for one
 * owner, and again for any other owner or one changed in place.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Owner from "../src/Owner.js"
import * as Value from "../src/Value.js"

const json = (owner: Owner.WorkspaceOwner) => Value.toDebugJson(Owner.toValue(owner))

describe("Owner.toValue", () => {
  it("is the owner's fields as an object; the same owner gives the same value", () => {
    const owner: Owner.WorkspaceOwner = {
      ...Owner.empty,
      id: "1",
      name: "ann",
      groups: ["dev"],
      rbac_roles: [{ name: "member", org_id: "o1" }]
    }
    expect(json(owner)).toEqual({
      id: "1",
      name: "ann",
      full_name: "",
      email: "",
      ssh_public_key: "",
      groups: ["dev"],
      login_type: "",
      rbac_roles: [{ name: "member", org_id: "o1" }]
    })
    expect(Owner.toValue({ ...owner, groups: ["dev"] })).toBe(Owner.toValue(owner))
  })

  it("converts again for another owner, and for an owner changed in place", () => {
    const owner = {
      ...Owner.empty,
      name: "ann",
      groups: ["dev"],
      rbac_roles: [{ name: "member", org_id: "o1" }]
    }
    const first = Owner.toValue(owner)
    owner.groups.push("ops")
    expect(json(owner)).toMatchObject({ groups: ["dev", "ops"] })
    owner.rbac_roles[0] = { name: "admin", org_id: "o1" }
    expect(json(owner)).toMatchObject({ rbac_roles: [{ name: "admin", org_id: "o1" }] })
    ;(owner.rbac_roles[0] as { org_id: string }).org_id = "o2"
    expect(json(owner)).toMatchObject({ rbac_roles: [{ name: "admin", org_id: "o2" }] })
    for (const field of ["id", "name", "full_name", "email", "ssh_public_key", "login_type"] as const) {
      expect(json({ ...owner, [field]: "changed" })).toMatchObject({ [field]: "changed" })
    }
    expect(json({ ...owner, name: "ann" })).toMatchObject({ name: "ann" })
    expect(Owner.toValue(owner)).not.toBe(first)
  })
})
