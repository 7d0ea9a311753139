import type * as HttpClient from "@effect/platform/HttpClient";
import type * as HttpServer from "@effect/platform/HttpServer";
import { WarmpoolClient } from "@warmpool/client";
import type { Metrics } from "@warmpool/metrics";
import { type Store } from "@warmpool/prebuilds";
import * as Layer from "effect/Layer";
import * as App from "../../src/App.js";
import * as ServerConfig from "../../src/ServerConfig.js";
/**
 * @since 0.1.0
 */
export interface Options {
    /** `warmpool serve` flags (by setting name, e.g. `{ "hard-limit": "1" }`) over the test defaults. */
    readonly flags?: Readonly<Record<string, string>> | undefined;
    /** Sub-directories imported as templates before the start-up cycle (as `--templates` does). */
    readonly templates?: string | undefined;
    /** The built web console served at `/` (default: the server's `dist/web`). */
    readonly webDirectory?: string | undefined;
}
/** The token of {@link layer}'s server unless `flags.token` sets another. */
export declare const token = "test-token";
/**
 * What the tests get: the services, the configuration, the HTTP server and a client to it.
 */
export type Services = App.Services | Store.Store | Metrics.Metrics | ServerConfig.ServerConfig | HttpServer.HttpServer | HttpClient.HttpClient | WarmpoolClient.WarmpoolClient;
/**
 * The application served in process.
 *
 * @since 0.1.0
 */
export declare const layer: (options?: Options) => Layer.Layer<Services, unknown>;
//# sourceMappingURL=apiServer.d.ts.map