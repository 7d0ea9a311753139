/**
 * The workspace owner, as `data "coder_workspace_owner" "me"` exposes it (docs/render.md §1.1, §2.8).
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import * as T from "./Type.js"
import * as V from "./Value.js"

/**
 * @since 0.1.0
 * @category constants
 */
export const RbacRole = Schema.Struct({
  name: Schema.optionalWith(Schema.String, { default: () => "" }),
  org_id: Schema.optionalWith(Schema.String, { default: () => "" })
})

/**
 * The owner input. Missing fields become `""` or `[]`. There are no token or private-key fields:
 * reading one from a template is an error.
 *
 * @since 0.1.0
 * @category constants
 */
export const WorkspaceOwner = Schema.Struct({
  id: Schema.optionalWith(Schema.String, { default: () => "" }),
  name: Schema.optionalWith(Schema.String, { default: () => "" }),
  full_name: Schema.optionalWith(Schema.String, { default: () => "" }),
  email: Schema.optionalWith(Schema.String, { default: () => "" }),
  ssh_public_key: Schema.optionalWith(Schema.String, { default: () => "" }),
  groups: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  login_type: Schema.optionalWith(Schema.String, { default: () => "" }),
  rbac_roles: Schema.optionalWith(Schema.Array(RbacRole), { default: () => [] })
})

/**
 * @since 0.1.0
 * @category models
 */
export type WorkspaceOwner = typeof WorkspaceOwner.Type

/**
 * The owner whose fields are all empty (a `null` owner in the conformance cases).
 *
 * @since 0.1.0
 * @category constructors
 */
export const empty: WorkspaceOwner = {
  id: "",
  name: "",
  full_name: "",
  email: "",
  ssh_public_key: "",
  groups: [],
  login_type: "",
  rbac_roles: []
}

/**
 * The attribute names a template can read.
 *
 * @since 0.1.0
 * @category utils
 */
export const fields: ReadonlyArray<keyof WorkspaceOwner> = [
  "email",
  "full_name",
  "groups",
  "id",
  "login_type",
  "name",
  "rbac_roles",
  "ssh_public_key"
]

const roleType = T.object([["name", T.string], ["org_id", T.string]])

const sameStrings = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean =>
  a.length === b.length && a.every((item, i) => item === b[i])

const sameRoles = (a: ReadonlyArray<typeof RbacRole.Type>, b: ReadonlyArray<typeof RbacRole.Type>): boolean =>
  a.length === b.length && a.every((role, i) => role.name === b[i]!.name && role.org_id === b[i]!.org_id)

/**
 * Whether two owners have the same fields (lists compared by content): what memos of an owner
 * (its Terraform value, a render key's owner digest) compare the next owner with.
 *
 * @since 0.1.0
 * @category utils
 */
export const same = (a: WorkspaceOwner, b: WorkspaceOwner): boolean =>
  a.id === b.id && a.name === b.name && a.full_name === b.full_name && a.email === b.email &&
  a.ssh_public_key === b.ssh_public_key && a.login_type === b.login_type && sameStrings(a.groups, b.groups) &&
  sameRoles(a.rbac_roles, b.rbac_roles)

/**
 * A copy of an owner that shares nothing mutable with it: what a memo keeps, so an owner changed
 * in place afterwards no longer compares {@link same}.
 *
 * @since 0.1.0
 * @category utils
 */
export const snapshot = (owner: WorkspaceOwner): WorkspaceOwner => ({
  ...owner,
  groups: [...owner.groups],
  rbac_roles: owner.rbac_roles.map((role) => ({ name: role.name, org_id: role.org_id }))
})

/**
 * The last owner converted (a copy, so an owner changed in place converts again) and its value:
 * the renders of a reconcile cycle are for one owner, and values are immutable.
 */
let lastOwner: WorkspaceOwner | undefined
let lastValue: V.Value | undefined

const convert = (owner: WorkspaceOwner): V.Value =>
  V.object([
    ["id", V.string(owner.id)],
    ["name", V.string(owner.name)],
    ["full_name", V.string(owner.full_name)],
    ["email", V.string(owner.email)],
    ["ssh_public_key", V.string(owner.ssh_public_key)],
    ["groups", V.list(T.string, owner.groups.map(V.string))],
    ["login_type", V.string(owner.login_type)],
    [
      "rbac_roles",
      V.list(
        roleType,
        owner.rbac_roles.map((role) => V.object([["name", V.string(role.name)], ["org_id", V.string(role.org_id)]]))
      )
    ]
  ])

/**
 * The owner as a Terraform object value.
 *
 * @since 0.1.0
 * @category utils
 */
export const toValue = (owner: WorkspaceOwner): V.Value => {
  if (lastValue !== undefined && lastOwner !== undefined && same(owner, lastOwner)) return lastValue
  lastValue = convert(owner)
  lastOwner = snapshot(owner)
  return lastValue
}
