/**
 * Secret requirements on the form: the owner's secret names as typed (never values), and each
 * requirement of the render with whether the preview owner satisfies it. The server computes
 * `satisfied` per request, after its render cache; this module only reads it and falls back to
 * "unknown" when a response carries none.
 *
 * @since 0.1.0
 */
import type { OwnerSecret, RenderResult, SecretRequirement } from "../api/types.js"

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * Secret names from comma- or newline-separated text. `env:NAME` and `file:PATH` say which kind
 * a name is; a bare entry is an environment variable when it looks like one (`GH_TOKEN`), a file
 * path otherwise (`~/.ssh/id_ed25519`). Entries are trimmed, empty ones dropped, duplicates kept
 * once.
 *
 * @since 0.1.0
 */
export const parseSecrets = (text: string): ReadonlyArray<OwnerSecret> => {
  const seen = new Set<string>()
  const out: Array<OwnerSecret> = []
  for (const part of text.split(/[,\n]/)) {
    const entry = part.trim()
    if (entry === "") continue
    const secret: OwnerSecret = entry.startsWith("env:")
      ? { env: entry.slice(4).trim() }
      : entry.startsWith("file:")
      ? { file: entry.slice(5).trim() }
      : envName.test(entry)
      ? { env: entry }
      : { file: entry }
    const name = secret.env ?? secret.file ?? ""
    const key = `${secret.env === undefined ? "file" : "env"}:${name}`
    if (name === "" || seen.has(key)) continue
    seen.add(key)
    out.push(secret)
  }
  return out
}

/**
 * @since 0.1.0
 */
export type SecretStatus = "satisfied" | "missing" | "unknown"

/**
 * One requirement as the form lists it.
 *
 * @since 0.1.0
 */
export interface SecretRow {
  /** `GH_TOKEN` or `~/.ssh/id_ed25519`. */
  readonly name: string
  readonly kind: "env" | "file"
  readonly help: string
  readonly status: SecretStatus
}

/**
 * @since 0.1.0
 */
export const secretRow = (requirement: SecretRequirement): SecretRow => ({
  name: requirement.env !== "" ? requirement.env : requirement.file,
  kind: requirement.env !== "" ? "env" : "file",
  help: requirement.help_message,
  status: requirement.satisfied === undefined ? "unknown" : requirement.satisfied ? "satisfied" : "missing"
})

/**
 * The requirements of a render, in its order (an older server's output has none).
 *
 * @since 0.1.0
 */
export const secretRows = (output: RenderResult): ReadonlyArray<SecretRow> =>
  (output.secret_requirements ?? []).map(secretRow)

/**
 * A one-line summary: `All 2 secrets provided`, `1 of 3 secrets missing`, or `` for none.
 *
 * @since 0.1.0
 */
export const secretSummary = (rows: ReadonlyArray<SecretRow>): string => {
  if (rows.length === 0) return ""
  const missing = rows.filter((r) => r.status === "missing").length
  const unknown = rows.filter((r) => r.status === "unknown").length
  const noun = rows.length === 1 ? "secret" : "secrets"
  if (missing > 0) return `${missing} of ${rows.length} ${noun} missing`
  if (unknown > 0) return `${rows.length} ${noun} required`
  return rows.length === 1 ? "The secret is provided" : `All ${rows.length} secrets provided`
}
