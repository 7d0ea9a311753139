/**
 * The parameters page: pick a template, version, owner and preset, and see the template's
 * dynamic parameters as a workspace creator would, re-rendered on every change.
 *
 * @since 0.1.0
 */
import { useEffect, useState } from "preact/hooks"
import type { ApiClient } from "../api/client.js"
import { describeFailure } from "../api/client.js"
import type { Preset, PresetPool, RenderResult, TemplateSummary } from "../api/types.js"
import { DiagnosticList } from "../components/DiagnosticList.js"
import { ParameterField } from "../components/ParameterField.js"
import type { FormDraft } from "../logic/formDraft.js"
import { defaultVersionOf, resolveSelection, selectableTemplates } from "../logic/formDraft.js"
import { ownerOf } from "../logic/owner.js"
import { stateLabel } from "../logic/pools.js"
import { secretRows, secretSummary } from "../logic/secrets.js"
import { editsFromPreset, setEdit } from "../logic/values.js"
import type { RenderStatus } from "./useRenderer.js"
import { useRenderer } from "./useRenderer.js"

/**
 * @since 0.1.0
 */
export interface FormViewProps {
  readonly client: ApiClient
  readonly draft: FormDraft
  readonly onDraft: (draft: FormDraft) => void
}

type Templates =
  | { readonly state: "loading" }
  | { readonly state: "failed"; readonly message: string }
  | { readonly state: "loaded"; readonly templates: ReadonlyArray<TemplateSummary> }

/**
 * @since 0.1.0
 */
export const FormView = ({ client, draft, onDraft }: FormViewProps) => {
  const [templates, setTemplates] = useState<Templates>({ state: "loading" })
  /** Parameters the user has left (focus out): their "required" errors show from then on. */
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set())
  const [pool, setPool] = useState<PresetPool | undefined>(undefined)
  const renderer = useRenderer(client)

  const bodyOf = (d: FormDraft) => ({ owner: ownerOf(d.owner), values: d.edits })

  const loadTemplates = async () => {
    setTemplates({ state: "loading" })
    const result = await client.templates()
    if (!result.ok) {
      setTemplates({ state: "failed", message: describeFailure(result.failure) })
      return
    }
    setTemplates({ state: "loaded", templates: result.value.templates })
    const selection = resolveSelection(result.value.templates, draft)
    if (selection === undefined) return
    const kept = selection.templateId === draft.templateId && selection.versionId === draft.versionId
    const next = kept ? draft : { ...draft, ...selection, edits: {}, preset: undefined }
    if (!kept) onDraft(next)
    renderer.renderNow(selection.versionId, bodyOf(next))
  }

  useEffect(() => {
    void loadTemplates()
  }, [])

  const update = (next: FormDraft, when: "now" | "soon") => {
    onDraft(next)
    if (next.versionId === undefined) return
    if (when === "now") renderer.renderNow(next.versionId, bodyOf(next))
    else renderer.renderSoon(next.versionId, bodyOf(next))
  }

  const chooseVersion = (templateId: string, versionId: string | undefined) => {
    renderer.reset()
    setTouched(new Set())
    update({ ...draft, templateId, versionId, edits: {}, preset: undefined }, "now")
  }

  const list = templates.state === "loaded" ? selectableTemplates(templates.templates) : []
  const template = list.find((t) => t.id === draft.templateId)
  const output = renderer.output
  const presets = output?.presets ?? []
  const preset = presets.find((p) => p.name === draft.preset)

  // The chosen preset's pool as the server stores it: a preset that failed validation at import
  // says why here, even when this render (with other owner or values) shows no error.
  useEffect(() => {
    setPool(undefined)
    if (draft.versionId === undefined || draft.preset === undefined) return
    let current = true
    const [versionId, presetName] = [draft.versionId, draft.preset]
    void client.presets().then((result) => {
      if (!current || !result.ok) return
      setPool(result.value.presets.find((p) => p.templateVersionId === versionId && p.preset === presetName))
    })
    return () => {
      current = false
    }
  }, [draft.versionId, draft.preset])

  return (
    <div class="page form-page">
      <header class="page-head">
        <h1>Parameters</h1>
        <p class="lede">Preview a template's dynamic parameters the way a workspace creator sees them.</p>
      </header>
      {templates.state === "failed" && (
        <div class="banner banner-error" role="alert">
          <p>Templates could not be loaded. {templates.message}</p>
          <button type="button" class="button" onClick={() => void loadTemplates()}>Try again</button>
        </div>
      )}
      <div class="form-layout">
        <section class="card setup" aria-labelledby="setup-title">
          <h2 id="setup-title" class="card-title">Template version</h2>
          <div class="setup-grid">
            <div class="setting">
              <label for="template-select">Template</label>
              <select
                id="template-select"
                class="input select"
                value={draft.templateId ?? ""}
                disabled={list.length === 0}
                onChange={(e) => {
                  const next = list.find((t) => t.id === e.currentTarget.value)
                  if (next !== undefined) chooseVersion(next.id, defaultVersionOf(next))
                }}
              >
                {list.length === 0 && <option value="">{templates.state === "loading" ? "Loading…" : "None"}</option>}
                {list.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
              </select>
              {template !== undefined && template.deprecationMessage !== "" && (
                <p class="note note-warning">Deprecated: {template.deprecationMessage}</p>
              )}
            </div>
            <div class="setting">
              <label for="version-select">Version</label>
              <select
                id="version-select"
                class="input select"
                value={draft.versionId ?? ""}
                disabled={template === undefined}
                onChange={(e) => {
                  if (template !== undefined) chooseVersion(template.id, e.currentTarget.value)
                }}
              >
                {(template?.versions ?? []).map((v) => (
                  <option key={v.id} value={v.id}>{v.name}{v.active ? " (active)" : ""}</option>
                ))}
              </select>
            </div>
          </div>
          <h2 class="card-title card-title-spaced">Owner</h2>
          <div class="setup-grid">
            <div class="setting">
              <label for="owner-name">Name</label>
              <input
                id="owner-name"
                class="input"
                type="text"
                autocomplete="off"
                spellcheck={false}
                value={draft.owner.name}
                onInput={(e) => update({ ...draft, owner: { ...draft.owner, name: e.currentTarget.value } }, "soon")}
              />
            </div>
            <div class="setting">
              <label for="owner-groups">Groups</label>
              <input
                id="owner-groups"
                class="input"
                type="text"
                autocomplete="off"
                spellcheck={false}
                placeholder="e.g. platform, data"
                aria-describedby="owner-groups-hint"
                value={draft.owner.groups}
                onInput={(e) => update({ ...draft, owner: { ...draft.owner, groups: e.currentTarget.value } }, "soon")}
              />
              <p class="hint" id="owner-groups-hint">Separate groups with commas.</p>
            </div>
            <div class="setting">
              <label for="owner-secrets">Secrets the owner has</label>
              <input
                id="owner-secrets"
                class="input"
                type="text"
                autocomplete="off"
                spellcheck={false}
                placeholder="e.g. GH_TOKEN, ~/.ssh/id_ed25519"
                aria-describedby="owner-secrets-hint"
                value={draft.owner.secrets ?? ""}
                onInput={(e) => update({ ...draft, owner: { ...draft.owner, secrets: e.currentTarget.value } }, "soon")}
              />
              <p class="hint" id="owner-secrets-hint">
                Names only, never values: environment variables or file paths (env:NAME, file:PATH), separated by
                commas.
              </p>
            </div>
          </div>
          <h2 class="card-title card-title-spaced">Preset</h2>
          <div class="setting">
            <label for="preset-select">Fill the form from a preset</label>
            <select
              id="preset-select"
              class="input select"
              value={draft.preset ?? ""}
              disabled={presets.length === 0}
              aria-describedby={preset === undefined ? undefined : "preset-summary"}
              onChange={(e) => {
                const name = e.currentTarget.value
                const chosen = presets.find((p) => p.name === name)
                update(
                  chosen === undefined
                    ? { ...draft, edits: {}, preset: undefined }
                    : { ...draft, edits: editsFromPreset(chosen), preset: chosen.name },
                  "now"
                )
              }}
            >
              <option value="">{presets.length === 0 ? "No presets" : "None: template defaults"}</option>
              {presets.map((p, i) => <option key={i} value={p.name}>{p.name}{p.default ? " (default)" : ""}</option>)}
            </select>
            {preset !== undefined && <PresetSummary preset={preset} pool={pool} />}
          </div>
        </section>
        <section class="params-column" aria-labelledby="params-title">
          <div class="params-head">
            <h2 id="params-title" class="section-title">
              {template === undefined ? "Parameters" : `${template.name} parameters`}
            </h2>
            <StatusLine status={renderer.status} output={output} />
          </div>
          {output !== undefined && (
            <DiagnosticList diagnostics={output.diagnostics} class="top-diagnostics" id="template-diagnostics" />
          )}
          <form
            class="card params"
            aria-labelledby="params-title"
            aria-busy={renderer.status.state === "pending" ? "true" : "false"}
            onSubmit={(e) => e.preventDefault()}
          >
            {output === undefined
              ? <p class="empty">{templates.state === "loading" ? "Loading templates…" : "Rendering…"}</p>
              : output.parameters.length === 0
              ? <p class="empty">This template has no parameters.</p>
              : output.parameters.map((parameter, index) => (
                <ParameterField
                  key={`${index}:${parameter.name}`}
                  parameter={parameter}
                  index={index}
                  edits={draft.edits}
                  touched={touched.has(parameter.name) || parameter.name in draft.edits}
                  onTouch={(name) => setTouched((t) => t.has(name) ? t : new Set([...t, name]))}
                  onChange={(name, value) => update({ ...draft, edits: setEdit(draft.edits, name, value) }, "soon")}
                />
              ))}
          </form>
          {output !== undefined && <Secrets output={output} />}
          {output !== undefined && <Tags output={output} />}
        </section>
      </div>
    </div>
  )
}

const StatusLine = (
  { output, status }: { readonly status: RenderStatus; readonly output: RenderResult | undefined }
) => {
  const errors = output?.diagnostics.filter((d) => d.severity === "error").length ?? 0
  const text = status.state === "pending"
    ? "Rendering…"
    : status.state === "failed"
    ? `Render failed: ${status.message}`
    : status.state === "done"
    ? errors > 0
      ? `Rendered with ${errors} template error${errors === 1 ? "" : "s"}`
      : `Rendered in ${Math.max(1, Math.round(status.ms))} ms`
    : ""
  return (
    <p class={`render-status render-status-${status.state}`} role="status" aria-live="polite" data-state={status.state}>
      {text}
    </p>
  )
}

const PresetSummary = (
  { pool, preset }: { readonly preset: Preset; readonly pool: PresetPool | undefined }
) => {
  const names = Object.keys(preset.parameters)
  return (
    <div class="preset-summary" id="preset-summary">
      {pool !== undefined && (
        <p class="preset-pool" data-state={pool.state}>
          Prebuilds: <span class={`badge state-${pool.state}`}>{stateLabel(pool.state)}</span> {pool.eligible} of{" "}
          {pool.desired} ready
        </p>
      )}
      {pool !== undefined && pool.state === "validation_failed" && (
        <p class="preset-invalid" role="alert">
          This preset fails validation and is never prebuilt: {pool.statusReason ?? "see its diagnostics"}
        </p>
      )}
      <p>
        {names.length === 0 ? "Sets no parameters" : `Sets ${names.join(", ")}`}
        {preset.prebuilds !== null && preset.prebuilds.instances > 0 && (
          <>
            {" · "}
            {preset.prebuilds.instances} prebuilt
          </>
        )}
      </p>
      <DiagnosticList diagnostics={preset.diagnostics} />
    </div>
  )
}

const statusText = { satisfied: "provided", missing: "missing", unknown: "required" } as const
const statusClass = { satisfied: "badge-ok", missing: "badge-warning", unknown: "badge-muted" } as const

const Secrets = ({ output }: { readonly output: RenderResult }) => {
  const rows = secretRows(output)
  if (rows.length === 0) return null
  return (
    <section class="card secrets-card" aria-labelledby="secrets-title" aria-describedby="secrets-summary">
      <h2 id="secrets-title" class="card-title">Required secrets</h2>
      <p id="secrets-summary" class="hint">{secretSummary(rows)}</p>
      <ul class="secret-list">
        {rows.map((row, i) => (
          <li key={i} class="secret-row" data-status={row.status}>
            <span class="secret-kind">{row.kind === "env" ? "Environment variable" : "File"}</span>{" "}
            <code>{row.name}</code> <span class={`badge ${statusClass[row.status]}`}>{statusText[row.status]}</span>
            {row.help !== "" && <p class="secret-help">{row.help}</p>}
          </li>
        ))}
      </ul>
    </section>
  )
}

const Tags = ({ output }: { readonly output: RenderResult }) => {
  const entries = Object.entries(output.tags)
  if (entries.length === 0 && output.unusable_tags.length === 0) return null
  return (
    <section class="card tags-card" aria-labelledby="tags-title">
      <h2 id="tags-title" class="card-title">Workspace tags</h2>
      <ul class="tag-list">
        {entries.map(([key, value]) => (
          <li key={key} class="tag-pair">
            <code>{key}</code> = <code>{value}</code>
          </li>
        ))}
        {output.unusable_tags.map((key) => (
          <li key={`unusable:${key}`} class="tag-pair tag-unusable">
            <code>{key}</code> <span class="badge badge-warning">unknown value</span>
          </li>
        ))}
      </ul>
    </section>
  )
}
