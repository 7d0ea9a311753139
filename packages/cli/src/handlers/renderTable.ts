/**
 * A render output as a readable report: parameters (value, options, diagnostics), presets, tags
 * and top-level diagnostics.
 */
import { RenderOutput } from "@warmpool/render"

const table = (rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ").trimEnd())
}

const shown = (
  h: RenderOutput.HclString
): string => (h.valid ? (h.value === "" ? "\"\"" : h.value) : `(${h.value ? "unknown" : "none"})`)

const diagnosticLine = (d: RenderOutput.Diagnostic): string =>
  `${d.severity === "error" ? "error" : "warning"}: ${
    RenderOutput.location(d) === undefined ? "" : `${RenderOutput.location(d)}: `
  }${d.summary}${d.detail ? ` — ${d.detail.replaceAll("\n", "; ")}` : ""}`

export const renderTable = (output: RenderOutput.RenderOutput): string => {
  const lines: Array<string> = []
  if (output.diagnostics.length > 0) {
    lines.push("Diagnostics")
    for (const d of output.diagnostics) lines.push(`  ${diagnosticLine(d)}`)
    lines.push("")
  }
  // A render that stopped early (no files, nothing parsed) has only its diagnostics to show.
  const empty = output.parameters.length === 0 && output.presets.length === 0 &&
    Object.keys(output.tags).length === 0 && output.variables.length === 0
  if (empty && RenderOutput.hasErrors(output)) return lines.join("\n").trimEnd()
  lines.push(`Parameters (${output.parameters.length})`)
  if (output.parameters.length > 0) {
    const rows: Array<Array<string>> = [["NAME", "TYPE", "FORM", "REQUIRED", "VALUE", "OPTIONS"]]
    for (const p of output.parameters) {
      rows.push([
        p.name,
        p.type,
        p.form_type,
        p.required ? "yes" : "",
        shown(p.value),
        p.options.map((o) => o.value.value).join(", ")
      ])
    }
    const rendered = table(rows)
    lines.push(`  ${rendered[0]}`)
    output.parameters.forEach((p, i) => {
      lines.push(`  ${rendered[i + 1]}`)
      for (const d of p.diagnostics) lines.push(`      ${diagnosticLine(d)}`)
    })
  }
  lines.push("", `Presets (${output.presets.length})`)
  for (const preset of output.presets) {
    const prebuilds = preset.prebuilds === null ? "no prebuilds" : `${preset.prebuilds.instances} prebuild(s)`
    const values = Object.entries(preset.parameters).map(([k, v]) => `${k}=${v}`).join(", ")
    lines.push(`  ${preset.name}${preset.default ? " (default)" : ""}: ${prebuilds}${values ? `; ${values}` : ""}`)
    for (const d of preset.diagnostics) lines.push(`      ${diagnosticLine(d)}`)
  }
  lines.push("", `Secret requirements (${output.secret_requirements.length})`)
  for (const r of output.secret_requirements) {
    const what = r.env !== "" ? `env ${r.env}` : `file ${r.file}`
    const status = r.satisfied === undefined ? "" : r.satisfied ? " [satisfied]" : " [missing]"
    lines.push(`  ${what}${status}${r.help_message === "" ? "" : ` — ${r.help_message}`}`)
  }
  lines.push("", "Tags")
  for (const [k, v] of Object.entries(output.tags)) lines.push(`  ${k} = ${v}`)
  if (output.unusable_tags.length > 0) lines.push(`  unusable: ${output.unusable_tags.join(", ")}`)
  return lines.join("\n")
}
