/**
 * Exporting the services' spans (`Spans.traced`: `Renderer.renderCached`, `Store.snapshot`,
 * `Reconciler.reconcileOnce`, ...) to an OpenTelemetry collector over OTLP/HTTP (JSON), with
 * `@effect/opentelemetry`'s OTLP tracer: no OpenTelemetry SDK is loaded. Without an endpoint no
 * tracer is installed and nothing leaves the process.
 *
 * @since 0.1.0
 */
import * as OtlpSerialization from "@effect/opentelemetry/OtlpSerialization"
import * as OtlpTracer from "@effect/opentelemetry/OtlpTracer"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Spans } from "@warmpool/metrics"
import * as Duration from "effect/Duration"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"

/**
 * Options of {@link layer}.
 *
 * @since 0.1.0
 * @category models
 */
export interface TracingOptions {
  /** The collector's traces URL (`http://host:4318/v1/traces`); `None`: no exporter. */
  readonly endpoint: Option.Option<string>
  /** The `service.name` of the spans (default `warmpool`). */
  readonly serviceName?: string | undefined
  /** How often batches are sent (default 5 s). */
  readonly exportInterval?: Duration.DurationInput | undefined
}

/**
 * The OTLP tracer, with the services' spans turned on (`Spans.layerEnabled`), when an endpoint is
 * given; else nothing. Provide it below the layers whose spans it should export (it sets the
 * tracer of the fibers built after it).
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: TracingOptions): Layer.Layer<never> =>
  Option.match(options.endpoint, {
    onNone: () => Layer.empty,
    onSome: (url) =>
      OtlpTracer.layer({
        url,
        resource: { serviceName: options.serviceName ?? "warmpool" },
        exportInterval: options.exportInterval ?? Duration.seconds(5)
      }).pipe(
        Layer.provide(OtlpSerialization.layerJson),
        Layer.provide(FetchHttpClient.layer),
        Layer.merge(Spans.layerEnabled)
      )
  })
