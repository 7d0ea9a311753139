/**
 * The preview owner: the few fields the form asks for, as the full owner object a render takes.
 *
 * @since 0.1.0
 */
import type { WorkspaceOwner } from "../api/types.js"
import { parseSecrets } from "./secrets.js"

/**
 * What the form edits.
 *
 * @since 0.1.0
 */
export interface OwnerDraft {
  readonly name: string
  /** Group names separated by commas, as typed. */
  readonly groups: string
  /** Secret names separated by commas, as typed (see `parseSecrets`); absent means none. */
  readonly secrets?: string
}

/**
 * Group names from comma- or newline-separated text: trimmed, empty ones dropped, first
 * occurrence kept.
 *
 * @since 0.1.0
 */
export const parseGroups = (text: string): ReadonlyArray<string> => {
  const seen = new Set<string>()
  for (const part of text.split(/[,\n]/)) {
    const group = part.trim()
    if (group !== "") seen.add(group)
  }
  return [...seen]
}

/**
 * The owner sent with a render; fields the form does not ask for are empty. Secrets are always
 * sent (possibly none), so every requirement comes back with `satisfied`.
 *
 * @since 0.1.0
 */
export const ownerOf = (draft: OwnerDraft): WorkspaceOwner => ({
  id: "",
  name: draft.name.trim(),
  full_name: "",
  email: "",
  ssh_public_key: "",
  groups: parseGroups(draft.groups),
  login_type: "",
  rbac_roles: [],
  secrets: parseSecrets(draft.secrets ?? "")
})
