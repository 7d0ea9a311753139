/**
 * What the user has chosen on the form page, kept by the app so that it survives the page being
 * rebuilt (for example after the API token is asked for again).
 *
 * @since 0.1.0
 */
import type { TemplateSummary } from "../api/types.js"
import type { OwnerDraft } from "./owner.js"
import type { Edits } from "./values.js"

/**
 * @since 0.1.0
 */
export interface FormDraft {
  readonly templateId: string | undefined
  readonly versionId: string | undefined
  readonly owner: OwnerDraft
  readonly edits: Edits
  /** The name of the preset last applied, if any. */
  readonly preset: string | undefined
}

/**
 * @since 0.1.0
 */
export const initialDraft: FormDraft = {
  templateId: undefined,
  versionId: undefined,
  owner: { name: "preview", groups: "", secrets: "" },
  edits: {},
  preset: undefined
}

/**
 * Templates a workspace can be created from (deleted ones are left out), by name.
 *
 * @since 0.1.0
 */
export const selectableTemplates = (templates: ReadonlyArray<TemplateSummary>): ReadonlyArray<TemplateSummary> =>
  templates.filter((t) => !t.deleted).sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0)

/**
 * The version a template opens at: its active version, else its newest listed one.
 *
 * @since 0.1.0
 */
export const defaultVersionOf = (template: TemplateSummary): string | undefined =>
  template.versions.find((v) => v.id === template.activeVersionId)?.id ??
    template.versions.find((v) => v.active)?.id ?? template.versions.at(-1)?.id

/**
 * The template and version to show: the draft's when they still exist, else the first
 * selectable template at its default version. `undefined` when there is nothing to show.
 *
 * @since 0.1.0
 */
export const resolveSelection = (
  templates: ReadonlyArray<TemplateSummary>,
  draft: Pick<FormDraft, "templateId" | "versionId">
): { readonly templateId: string; readonly versionId: string } | undefined => {
  const choices = selectableTemplates(templates)
  const template = choices.find((t) => t.id === draft.templateId) ?? choices.find((t) => t.versions.length > 0)
  if (template === undefined) return undefined
  const versionId = template.versions.some((v) => v.id === draft.versionId)
    ? draft.versionId
    : defaultVersionOf(template)
  return versionId === undefined ? undefined : { templateId: template.id, versionId }
}
