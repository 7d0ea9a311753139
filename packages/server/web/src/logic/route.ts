/**
 * The console's views, addressed by the URL hash: the form, the pools dashboard, and the builds
 * of a preset (`#/builds?template=t&preset=p`).
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export type Route = "form" | "pools" | "builds"

/**
 * `#/pools` is the dashboard, `#/builds` the builds view; anything else is the form.
 *
 * @since 0.1.0
 */
export const parseRoute = (hash: string): Route => {
  const path = hash.replace(/^#\/?/, "").split(/[?/]/)[0]
  return path === "pools" ? "pools" : path === "builds" ? "builds" : "form"
}

/**
 * @since 0.1.0
 */
export const hrefOf = (route: Route): string => `#/${route}`

/**
 * The filters of the builds view in the hash (`template`, `preset`, `status`).
 *
 * @since 0.1.0
 */
export interface BuildsFilter {
  readonly template?: string | undefined
  readonly preset?: string | undefined
  readonly status?: string | undefined
}

/**
 * Reads the builds view's filters from a hash such as `#/builds?template=a&preset=b`.
 *
 * @since 0.1.0
 */
export const parseBuildsFilter = (hash: string): BuildsFilter => {
  const query = hash.indexOf("?")
  if (query < 0) return {}
  const params = new URLSearchParams(hash.slice(query + 1))
  const read = (key: string) => {
    const value = params.get(key)
    return value === null || value === "" ? undefined : value
  }
  return { template: read("template"), preset: read("preset"), status: read("status") }
}

/**
 * The hash of the builds view with these filters.
 *
 * @since 0.1.0
 */
export const buildsHref = (filter: BuildsFilter): string => {
  const params = new URLSearchParams()
  if (filter.template !== undefined) params.set("template", filter.template)
  if (filter.preset !== undefined) params.set("preset", filter.preset)
  if (filter.status !== undefined) params.set("status", filter.status)
  const text = params.toString()
  return text === "" ? "#/builds" : `#/builds?${text}`
}
