/**
 * A list of render diagnostics (errors and warnings), each with its summary and detail.
 *
 * @since 0.1.0
 */
import type { Diagnostic } from "../api/types.js"

/**
 * @since 0.1.0
 */
export interface DiagnosticListProps {
  readonly id?: string
  readonly diagnostics: ReadonlyArray<Diagnostic>
  readonly class?: string
}

/**
 * Renders nothing when there are no diagnostics. Severity is spelled out, not only coloured.
 *
 * @since 0.1.0
 */
export const DiagnosticList = ({ class: className, diagnostics, id }: DiagnosticListProps) =>
  diagnostics.length === 0 ? null : (
    <ul id={id} class={`diagnostics ${className ?? ""}`}>
      {diagnostics.map((d, i) => (
        <li key={i} class={`diagnostic diagnostic-${d.severity}`} data-code={d.extra.code || undefined}>
          <span class="diagnostic-severity">{d.severity === "error" ? "Error" : "Warning"}</span>
          <span class="diagnostic-text">
            <strong class="diagnostic-summary">{d.summary}</strong>
            {d.detail !== "" && <span class="diagnostic-detail">{d.detail}</span>}
          </span>
        </li>
      ))}
    </ul>
  )

/**
 * Whether any diagnostic is an error.
 *
 * @since 0.1.0
 */
export const hasError = (diagnostics: ReadonlyArray<Diagnostic>): boolean =>
  diagnostics.some((d) => d.severity === "error")
