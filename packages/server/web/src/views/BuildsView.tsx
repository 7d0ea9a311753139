/**
 * The builds of a preset (or of everything), newest first, with each build's error and, for the
 * one selected, the provisioner's output: where an operator sees why a pool does not fill.
 * Refreshes every 2 s; the pools dashboard links here per preset.
 *
 * @since 0.1.0
 */
import { useEffect, useState } from "preact/hooks"
import type { ApiClient } from "../api/client.js"
import { describeFailure } from "../api/client.js"
import type { BuildInfo, BuildLogs } from "../api/types.js"
import { formatClock } from "../logic/format.js"
import { type BuildsFilter, buildsHref, hrefOf } from "../logic/route.js"
import { usePolling } from "./usePolling.js"

/**
 * How many builds the view lists.
 *
 * @since 0.1.0
 */
export const buildsShown = 50

const statuses = ["", "failed", "succeeded", "running", "pending", "canceled"] as const

/**
 * @since 0.1.0
 */
export const BuildsView = ({ client, filter }: { readonly client: ApiClient; readonly filter: BuildsFilter }) => {
  const [builds, setBuilds] = useState<ReadonlyArray<BuildInfo> | undefined>(undefined)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const [selected, setSelected] = useState<string | undefined>(undefined)
  const [logs, setLogs] = useState<BuildLogs | undefined>(undefined)
  const [logsProblem, setLogsProblem] = useState<string | undefined>(undefined)

  const refresh = async () => {
    const result = await client.builds({ ...filter, limit: buildsShown })
    if (result.ok) {
      setBuilds(result.value.builds)
      setProblem(undefined)
    } else {
      setProblem(describeFailure(result.failure))
    }
  }
  // The console remounts this view when the filter changes (its `key`), so polling starts afresh.
  usePolling(refresh, 2000)

  useEffect(() => {
    setLogs(undefined)
    setLogsProblem(undefined)
    if (selected === undefined) return
    let current = true
    void client.buildLogs(selected).then((result) => {
      if (!current) return
      if (result.ok) setLogs(result.value)
      else setLogsProblem(describeFailure(result.failure))
    })
    return () => {
      current = false
    }
  }, [selected])

  const scope = filter.template === undefined
    ? "every template"
    : filter.preset === undefined
    ? filter.template
    : `${filter.template}/${filter.preset}`
  const selectedBuild = builds?.find((b) => b.id === selected)

  return (
    <div class="page builds-page">
      <header class="page-head">
        <p class="breadcrumb">
          <a href={hrefOf("pools")}>Pools</a> / builds
        </p>
        <h1>Builds of {scope}</h1>
        <p class="lede">Newest first; a failed build carries the provisioner's error. Refreshes every 2 s.</p>
      </header>
      <nav class="filters" aria-label="Build status">
        {statuses.map((status) => {
          const active = (filter.status ?? "") === status
          return (
            <a
              key={status}
              class="nav-link"
              aria-current={active ? "page" : undefined}
              href={buildsHref({ ...filter, status: status === "" ? undefined : status })}
            >
              {status === "" ? "all" : status}
            </a>
          )
        })}
      </nav>
      {problem !== undefined && (
        <div class="banner banner-error" role="alert">
          <p>The builds could not be loaded. {problem}</p>
        </div>
      )}
      {builds === undefined
        ? problem === undefined && <p class="empty">Loading…</p>
        : builds.length === 0
        ? <p class="card empty">No builds yet.</p>
        : (
          <section class="card" aria-label="Builds">
            <ul class="build-list">
              {builds.map((build) => (
                <li
                  key={build.id}
                  class={`build build-${build.status}`}
                  data-build={build.id}
                  data-status={build.status}
                >
                  <button
                    type="button"
                    class="build-select"
                    aria-expanded={selected === build.id}
                    onClick={() => setSelected(selected === build.id ? undefined : build.id)}
                  >
                    <span class={`badge build-status-${build.status}`}>{build.status}</span>
                    <span class="build-title">
                      {build.preset ?? "no preset"} · {build.transition} #{build.buildNumber} · {build.workspaceName}
                    </span>
                    <time class="muted" dateTime={build.createdAt}>{formatClock(build.createdAt)}</time>
                  </button>
                  {build.error !== null && <p class="build-error">{build.error}</p>}
                </li>
              ))}
            </ul>
          </section>
        )}
      {selected !== undefined && (
        <section class="card build-log" aria-labelledby="build-log-title">
          <h2 class="card-title" id="build-log-title">
            Output of{" "}
            {selectedBuild === undefined ? "the build" : `${selectedBuild.transition} #${selectedBuild.buildNumber}`}
            {logs?.truncated === true && <span class="card-title-note">tail only (earlier output was cut)</span>}
          </h2>
          {logsProblem !== undefined
            ? <p class="text-danger" role="alert">{logsProblem}</p>
            : logs === undefined
            ? <p class="empty">Loading…</p>
            : !logs.stored
            ? <p class="empty">No output was kept for this build.</p>
            : (
              <>
                <h3 class="log-stream">stderr</h3>
                <pre class="log" data-stream="stderr">{logs.stderr === "" ? "(empty)" : logs.stderr}</pre>
                <h3 class="log-stream">stdout</h3>
                <pre class="log" data-stream="stdout">{logs.stdout === "" ? "(empty)" : logs.stdout}</pre>
              </>
            )}
        </section>
      )}
    </div>
  )
}
