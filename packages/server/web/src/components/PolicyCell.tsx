/**
 * A preset's demand (issue 16) in the pools table: its claims and misses over the last hour
 * (5 min and 24 h in the tooltip), its demand policy with what it decides now (or why it fell
 * back to the baseline), and an editor to set, change or remove the policy.
 *
 * @since 0.1.0
 */
import { useState } from "preact/hooks"
import type { ApiClient } from "../api/client.js"
import { describeFailure } from "../api/client.js"
import type { PresetPool } from "../api/types.js"

/**
 * @since 0.1.0
 */
export interface PolicyCellProps {
  readonly pool: PresetPool
  readonly client: ApiClient
  /** After a policy was set or removed (the table refreshes). */
  readonly onChanged: (message: string) => void
}

const countsTitle = (pool: PresetPool): string => {
  const c = pool.claims
  const m = pool.misses
  if (c === undefined || m === undefined) return ""
  return `claims / misses: 5 min ${c.last5m}/${m.last5m}, 15 min ${c.last15m}/${m.last15m}, 1 h ${c.last1h}/${m.last1h}, 24 h ${c.last24h}/${m.last24h}`
}

const parseBound = (text: string): number | undefined | "invalid" => {
  if (text.trim() === "") return undefined
  const n = Number(text)
  return Number.isInteger(n) && n >= 0 ? n : "invalid"
}

/**
 * @since 0.1.0
 */
export const PolicyCell = ({ client, onChanged, pool }: PolicyCellProps) => {
  const policy = pool.policy ?? null
  const [editing, setEditing] = useState(false)
  const [expression, setExpression] = useState(policy?.expression ?? "max(baseline, ceil(claims_1h / 4))")
  const [min, setMin] = useState(policy === null ? "" : String(policy.min))
  const [max, setMax] = useState(policy === null ? "" : String(policy.max))
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const label = `${pool.template}/${pool.preset}`

  const open = () => {
    setExpression(policy?.expression ?? "max(baseline, ceil(claims_1h / 4))")
    setMin(policy === null ? "" : String(policy.min))
    setMax(policy === null ? "" : String(policy.max))
    setProblem(undefined)
    setEditing(true)
  }

  const save = async () => {
    const lo = parseBound(min)
    const hi = parseBound(max)
    if (lo === "invalid" || hi === "invalid") {
      setProblem("min and max must be whole numbers from 0.")
      return
    }
    setBusy(true)
    const result = await client.setPolicy(pool.template, pool.preset, { expression, min: lo, max: hi })
    setBusy(false)
    if (result.ok) {
      setEditing(false)
      onChanged(
        `Demand policy of ${label} set: ${result.value.expression} in [${result.value.min}, ${result.value.max}].`
      )
    } else {
      setProblem(describeFailure(result.failure))
    }
  }

  const remove = async () => {
    setBusy(true)
    const result = await client.removePolicy(pool.template, pool.preset)
    setBusy(false)
    if (result.ok) {
      setEditing(false)
      onChanged(`Demand policy of ${label} removed: the pool follows its instances again.`)
    } else {
      setProblem(describeFailure(result.failure))
    }
  }

  return (
    <div class="demand" data-field="demand">
      {pool.claims !== undefined && pool.misses !== undefined && (
        <span class="demand-counts" title={countsTitle(pool)} data-field="claims-1h">
          {pool.claims.last1h} claims, {pool.misses.last1h} missed <span class="muted">(1 h)</span>
        </span>
      )}
      {policy !== null && !editing && (
        <span class={`demand-policy${policy.fallback ? " demand-policy-fallback" : ""}`} data-field="policy">
          <code>{policy.expression}</code> <span class="muted">[{policy.min}, {policy.max}]</span>
          {policy.fallback
            ? (
              <span class="status-reason text-danger" data-field="policy-error">
                Policy failed, using the baseline of {policy.baseline}: {policy.error}
              </span>
            )
            : (
              <span class="muted" data-field="policy-desired">
                {" "}→ {policy.desired}
                {policy.value !== null && policy.value !== policy.desired && ` (from ${policy.value})`}
              </span>
            )}
        </span>
      )}
      {pool.activeVersion && !editing && (
        <button type="button" class="button button-quiet" onClick={open}>
          {policy === null ? "Set policy" : "Edit policy"}
          <span class="visually-hidden">of {label}</span>
        </button>
      )}
      {editing && (
        <form
          class="policy-form"
          aria-label={`Demand policy of ${label}`}
          onSubmit={(event) => {
            event.preventDefault()
            void save()
          }}
        >
          <label>
            Expression
            <input
              name="expression"
              class="input"
              value={expression}
              spellcheck={false}
              onInput={(event) => setExpression((event.target as HTMLInputElement).value)}
            />
          </label>
          <span class="policy-help muted">
            Inputs: baseline, claims_5m/15m/1h/24h, misses_5m/15m/1h/24h, hour, weekday. Rounded up.
          </span>
          <label>
            Min
            <input
              name="min"
              class="input input-small"
              inputMode="numeric"
              placeholder="0"
              value={min}
              onInput={(event) => setMin((event.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            Max
            <input
              name="max"
              class="input input-small"
              inputMode="numeric"
              placeholder="100"
              value={max}
              onInput={(event) => setMax((event.target as HTMLInputElement).value)}
            />
          </label>
          {problem !== undefined && <p class="text-danger" role="alert">{problem}</p>}
          <div class="pool-actions">
            <button type="submit" class="button" disabled={busy}>Save policy</button>
            {policy !== null && (
              <button
                type="button"
                class="button button-quiet"
                disabled={busy}
                onClick={() => void remove()}
              >
                Remove policy
              </button>
            )}
            <button type="button" class="button button-quiet" disabled={busy} onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </div>
  )
}
