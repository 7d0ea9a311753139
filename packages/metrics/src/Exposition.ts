/**
 * Facts about the Prometheus text exposition that code outside the server needs too, in a module
 * without imports: the HTTP API's client (bundled into the web console) describes `/metrics`
 * with {@link contentType} and must not pull in the node-only exporter `Metrics` renders with.
 *
 * @since 0.1.0
 */

/**
 * Content type of the Prometheus text exposition, for the `/metrics` response.
 *
 * @since 0.1.0
 * @category constants
 */
export const contentType = "text/plain; version=0.0.4; charset=utf-8"
