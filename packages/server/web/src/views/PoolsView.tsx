/**
 * The prebuild pool dashboard: every preset's pool (desired, running, eligible, status, demand
 * and its demand policy), the reconciler's state and last cycles, and the render cache's hit
 * rate. Refreshes every 2 s.
 *
 * @since 0.1.0
 */
import { useState } from "preact/hooks"
import type { ApiClient } from "../api/client.js"
import { describeFailure } from "../api/client.js"
import type { PresetPool, ReconcilerCycle, ReconcilerState } from "../api/types.js"
import { HitRateChart } from "../components/HitRateChart.js"
import { PolicyCell } from "../components/PolicyCell.js"
import { formatClock, formatDuration, formatPercent, formatUntil } from "../logic/format.js"
import { hitRates } from "../logic/hitRate.js"
import { canResume, fillOf, groupByTemplate, needsAttention, stateLabel, versionLabel } from "../logic/pools.js"
import { buildsHref } from "../logic/route.js"
import { usePolling } from "./usePolling.js"

/**
 * How often the dashboard refreshes.
 *
 * @since 0.1.0
 */
export const refreshIntervalMs = 2000

/**
 * How many of the reconciler's cycles the table lists (newest first).
 *
 * @since 0.1.0
 */
export const cyclesShown = 10

interface Snapshot {
  readonly pools: ReadonlyArray<PresetPool> | undefined
  readonly reconciler: ReconcilerState | undefined
  readonly updatedAt: number | undefined
  readonly problem: string | undefined
}

/**
 * @since 0.1.0
 */
export const PoolsView = ({ client }: { readonly client: ApiClient }) => {
  const [snapshot, setSnapshot] = useState<Snapshot>({
    pools: undefined,
    reconciler: undefined,
    updatedAt: undefined,
    problem: undefined
  })
  const [toggling, setToggling] = useState(false)
  const [announcement, setAnnouncement] = useState("")
  const [resuming, setResuming] = useState<string | undefined>(undefined)

  const refresh = async () => {
    const [pools, reconciler] = await Promise.all([client.presets(), client.reconciler()])
    setSnapshot((previous) => ({
      pools: pools.ok ? pools.value.presets : previous.pools,
      reconciler: reconciler.ok ? reconciler.value : previous.reconciler,
      updatedAt: pools.ok && reconciler.ok ? Date.now() : previous.updatedAt,
      problem: !pools.ok
        ? describeFailure(pools.failure)
        : !reconciler.ok
        ? describeFailure(reconciler.failure)
        : undefined
    }))
  }
  usePolling(refresh, refreshIntervalMs)

  const togglePaused = async (paused: boolean) => {
    setToggling(true)
    const result = await client.setPaused(paused)
    setToggling(false)
    if (result.ok) {
      setAnnouncement(result.value.paused ? "Reconciler paused." : "Reconciler resumed.")
      setSnapshot((s) => ({ ...s, reconciler: s.reconciler && { ...s.reconciler, paused: result.value.paused } }))
      await refresh()
    } else {
      setAnnouncement(`Could not ${paused ? "pause" : "resume"} the reconciler: ${describeFailure(result.failure)}`)
    }
  }

  const resume = async (pool: PresetPool) => {
    setResuming(pool.presetId)
    const result = await client.resumePreset(pool.template, pool.preset)
    setResuming(undefined)
    if (result.ok) {
      const cleared = result.value.clearedQuarantine === null ? "" : " Quarantine cleared."
      setAnnouncement(`Resumed ${pool.template}/${pool.preset}: it fills again.${cleared}`)
      await refresh()
    } else {
      setAnnouncement(`Could not resume ${pool.template}/${pool.preset}: ${describeFailure(result.failure)}`)
    }
  }

  const { pools, problem, reconciler, updatedAt } = snapshot
  const groups = pools === undefined ? [] : groupByTemplate(pools)
  const troubled = pools?.filter((p) => p.activeVersion && needsAttention(p.state)).length ?? 0
  const now = Date.now()

  return (
    <div class="page pools-page">
      <header class="page-head page-head-row">
        <div>
          <h1>Prebuild pools</h1>
          <p class="lede">
            Warm workspaces per template preset. Refreshes every {refreshIntervalMs / 1000} s
            {updatedAt !== undefined && <>; updated {formatClock(new Date(updatedAt).toISOString())}</>}.
          </p>
        </div>
        {reconciler !== undefined && (
          <ReconcilerControl
            reconciler={reconciler}
            busy={toggling}
            onToggle={(p) => void togglePaused(p)}
          />
        )}
      </header>
      <p class={announcement === "" ? "visually-hidden" : "announcement"} role="status" aria-live="polite">
        {announcement}
      </p>
      {problem !== undefined && (
        <div class="banner banner-error" role="alert">
          <p>The dashboard could not be refreshed. {problem}</p>
        </div>
      )}
      {pools !== undefined && (
        <section class="stats" aria-label="Totals">
          <Stat label="Pools" value={pools.length} />
          <Stat label="Desired" value={sum(pools, (p) => p.desired)} />
          <Stat label="Running" value={sum(pools, (p) => p.running)} />
          <Stat label="Eligible" value={sum(pools, (p) => p.eligible)} />
          <Stat label="Need attention" value={troubled} tone={troubled > 0 ? "danger" : "ok"} />
        </section>
      )}
      {pools !== undefined && pools.length > 0 && (
        <p class="legend">
          <span class="swatch swatch-eligible" aria-hidden="true" />eligible: running, ready and claimable
          <span class="swatch swatch-running" aria-hidden="true" />running, not yet ready
        </p>
      )}
      {pools === undefined
        ? problem === undefined && <p class="empty">Loading…</p>
        : groups.length === 0
        ? <p class="card empty">No presets have prebuilds.</p>
        : groups.map((group) => (
          <section class="card pool-card" key={group.templateId} aria-labelledby={`pools-${group.templateId}`}>
            <h2 class="card-title" id={`pools-${group.templateId}`}>
              {group.template}
              <span class="card-title-note">
                {group.eligible} of {group.desired} ready
              </span>
            </h2>
            <PoolTable
              pools={group.pools}
              now={now}
              resuming={resuming}
              onResume={(pool) =>
                void resume(pool)}
              client={client}
              onPolicyChanged={(message) => {
                setAnnouncement(message)
                void refresh()
              }}
            />
          </section>
        ))}
      {reconciler !== undefined && (
        <section class="card" aria-labelledby="hit-rate-title">
          <h2 class="card-title" id="hit-rate-title">Render cache hit rate</h2>
          <div class="dashboard-grid">
            <HitRateChart cycles={reconciler.cycles} />
            <LatestCycle cycle={reconciler.cycles.at(-1)} intervalMs={reconciler.intervalMs} />
          </div>
        </section>
      )}
      {reconciler !== undefined && (
        <section class="card" aria-labelledby="cycles-title">
          <h2 class="card-title" id="cycles-title">
            Recent reconciliation cycles
            <span class="card-title-note">newest first</span>
          </h2>
          <CycleTable cycles={reconciler.cycles.slice(-cyclesShown).reverse()} />
        </section>
      )}
    </div>
  )
}

const sum = (pools: ReadonlyArray<PresetPool>, f: (pool: PresetPool) => number) =>
  pools.reduce((total, pool) => total + f(pool), 0)

const Stat = (
  { label, tone, value }: { readonly label: string; readonly value: number; readonly tone?: "ok" | "danger" }
) => (
  <div class={`stat${tone === undefined ? "" : ` stat-${tone}`}`}>
    <span class="stat-value">{value}</span>
    <span class="stat-label">{label}</span>
  </div>
)

const ReconcilerControl = (
  { busy, onToggle, reconciler }: {
    readonly reconciler: ReconcilerState
    readonly busy: boolean
    readonly onToggle: (paused: boolean) => void
  }
) => (
  <div class="reconciler-control">
    <span
      class={`badge badge-large ${reconciler.paused ? "badge-warning" : "badge-ok"}`}
      data-paused={reconciler.paused}
    >
      Reconciler {reconciler.paused ? "paused" : "running"}
    </span>
    <button type="button" class="button" disabled={busy} onClick={() => onToggle(!reconciler.paused)}>
      {reconciler.paused ? "Resume reconciler" : "Pause reconciler"}
    </button>
  </div>
)

const PoolTable = (
  { client, now, onPolicyChanged, onResume, pools, resuming }: {
    readonly pools: ReadonlyArray<PresetPool>
    readonly now: number
    readonly resuming: string | undefined
    readonly onResume: (pool: PresetPool) => void
    readonly client: ApiClient
    readonly onPolicyChanged: (message: string) => void
  }
) => (
  <div class="table-wrap">
    <table class="table pool-table">
      <colgroup>
        <col class="col-preset" />
        <col class="col-count" />
        <col class="col-count" />
        <col class="col-count" />
        <col class="col-fill" />
        <col class="col-status" />
        <col class="col-backoff" />
        <col class="col-demand" />
        <col class="col-actions" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Preset</th>
          <th scope="col" class="num">Desired</th>
          <th scope="col" class="num">Running</th>
          <th scope="col" class="num">Eligible</th>
          <th scope="col">Fill</th>
          <th scope="col">State</th>
          <th scope="col">Backoff until</th>
          <th scope="col">Demand</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {pools.map((pool) => {
          const fill = fillOf(pool)
          return (
            <tr
              key={pool.presetId}
              class={needsAttention(pool.state) ? "row-trouble" : undefined}
              data-preset={pool.preset}
              data-status={pool.status}
              data-state={pool.state}
            >
              <th scope="row">
                <span class="preset-name">{pool.preset}</span>
                {!pool.activeVersion && <span class="badge badge-muted">old version</span>}
                <span class="pool-version muted" data-field="version" title={`version ${pool.templateVersionId}`}>
                  {versionLabel(pool)}
                </span>
              </th>
              <td class="num" data-field="desired" data-label="Desired">{pool.desired}</td>
              <td class="num" data-field="running" data-label="Running">{pool.running}</td>
              <td class="num" data-field="eligible" data-label="Eligible">{pool.eligible}</td>
              <td data-label="Fill">
                <span
                  class="fill"
                  role="img"
                  aria-label={`${pool.eligible} of ${pool.desired} eligible, ${pool.running} running`}
                >
                  <span class="fill-running" style={{ width: `${fill.running * 100}%` }} />
                  <span class="fill-eligible" style={{ width: `${fill.eligible * 100}%` }} />
                </span>
              </td>
              <td data-label="State">
                <span class={`badge state-${pool.state}`} title={`Coder status: ${pool.status}`}>
                  {stateLabel(pool.state)}
                </span>
                {pool.statusReason !== null && pool.statusReason !== "" && (
                  <span class="status-reason">{pool.statusReason}</span>
                )}
                {pool.lastError !== null && (
                  <span class="status-reason last-error" title={pool.lastError}>
                    Last error: {pool.lastError.length > 160 ? `${pool.lastError.slice(0, 160)}…` : pool.lastError}
                  </span>
                )}
              </td>
              <td data-label="Backoff until">
                {pool.backoffUntil === null
                  ? <span class="muted">–</span>
                  : (
                    <time dateTime={pool.backoffUntil} title={pool.backoffUntil}>
                      {formatClock(pool.backoffUntil)}{" "}
                      <span class="muted">({formatUntil(pool.backoffUntil, now)})</span>
                    </time>
                  )}
              </td>
              <td data-label="Demand">
                <PolicyCell pool={pool} client={client} onChanged={onPolicyChanged} />
              </td>
              <td>
                <div class="pool-actions">
                  <a class="button button-quiet" href={buildsHref({ template: pool.template, preset: pool.preset })}>
                    Builds<span class="visually-hidden">of {pool.template}/{pool.preset}</span>
                  </a>
                  {canResume(pool) && (
                    <button
                      type="button"
                      class="button"
                      disabled={resuming === pool.presetId}
                      onClick={() => onResume(pool)}
                    >
                      Resume<span class="visually-hidden">{pool.template}/{pool.preset}</span>
                    </button>
                  )}
                </div>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  </div>
)

const LatestCycle = (
  { cycle, intervalMs }: { readonly cycle: ReconcilerCycle | undefined; readonly intervalMs: number }
) => {
  if (cycle === undefined) return <p class="empty">The reconciler has not run yet.</p>
  const rate = hitRates([cycle])[0]!.rate
  const rows: ReadonlyArray<readonly [string, string]> = [
    ["Interval", formatDuration(intervalMs)],
    ["Last cycle", `#${cycle.cycle} at ${formatClock(cycle.startedAt)}`],
    ["Took", formatDuration(cycle.durationMs)],
    ["Presets reconciled", `${cycle.presetsReconciled} of ${cycle.presetsTotal}`],
    ["Renders / parses", `${cycle.renders} / ${cycle.parses}`],
    ["Cache hits", `${cycle.cacheHits} of ${cycle.cacheHits + cycle.cacheMisses} (${formatPercent(rate)})`],
    ["Errors", `${cycle.errors}`]
  ]
  return (
    <dl class="facts">
      {rows.map(([term, value]) => (
        <div key={term} class="fact">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  )
}

const CycleTable = ({ cycles }: { readonly cycles: ReadonlyArray<ReconcilerCycle> }) => {
  if (cycles.length === 0) return <p class="empty">No cycles yet.</p>
  const rates = new Map(hitRates(cycles).map((p) => [p.cycle, p.rate]))
  return (
    <div class="table-wrap">
      <table class="table cycle-table">
        <thead>
          <tr>
            <th scope="col" class="num">Cycle</th>
            <th scope="col">Started</th>
            <th scope="col" class="num">Took</th>
            <th scope="col">Outcome</th>
            <th scope="col" class="num">Presets</th>
            <th scope="col" class="num" title="creates / deletes / cancels">Actions</th>
            <th scope="col" class="num">Renders</th>
            <th scope="col" class="num">Parses</th>
            <th scope="col" class="num">Cache hits</th>
            <th scope="col" class="num">Errors</th>
          </tr>
        </thead>
        <tbody>
          {cycles.map((c) => (
            <tr key={c.cycle} class={c.errors > 0 ? "row-trouble" : undefined}>
              <td class="num">{c.cycle}</td>
              <td>
                <time dateTime={c.startedAt}>{formatClock(c.startedAt)}</time>
              </td>
              <td class="num">{formatDuration(c.durationMs)}</td>
              <td>{!c.lockAcquired ? "Skipped (lock held)" : c.paused ? "Paused" : "Reconciled"}</td>
              <td class="num">{c.presetsReconciled}/{c.presetsTotal}</td>
              <td class="num">
                <span title="creates">+{c.creates}</span> <span title="deletes">−{c.deletes}</span>{" "}
                <span title="cancels">×{c.cancels}</span>
              </td>
              <td class="num">{c.renders}</td>
              <td class="num">{c.parses}</td>
              <td class="num">{formatPercent(rates.get(c.cycle) ?? null)}</td>
              <td class={`num${c.errors > 0 ? " text-danger" : ""}`}>{c.errors}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
