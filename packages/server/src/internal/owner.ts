/**
 * The owner of an API request, with missing fields empty.
 */
import type { OwnerInput } from "@warmpool/client/Api"
import type { Owner } from "@warmpool/terraform"

export const ownerOf = (input: typeof OwnerInput.Type | undefined): Owner.WorkspaceOwner => ({
  id: input?.id ?? "",
  name: input?.name ?? "",
  full_name: input?.full_name ?? "",
  email: input?.email ?? "",
  ssh_public_key: input?.ssh_public_key ?? "",
  groups: input?.groups ?? [],
  login_type: input?.login_type ?? "",
  rbac_roles: (input?.rbac_roles ?? []).map((r) => ({ name: r.name ?? "", org_id: r.org_id ?? "" }))
})
