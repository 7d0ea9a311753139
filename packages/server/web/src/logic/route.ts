/**
 * The console's two views, addressed by the URL hash.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export type Route = "form" | "pools"

/**
 * `#/pools` is the dashboard; anything else is the form.
 *
 * @since 0.1.0
 */
export const parseRoute = (hash: string): Route => {
  const path = hash.replace(/^#\/?/, "").split(/[?/]/)[0]
  return path === "pools" ? "pools" : "form"
}

/**
 * @since 0.1.0
 */
export const hrefOf = (route: Route): string => `#/${route}`
