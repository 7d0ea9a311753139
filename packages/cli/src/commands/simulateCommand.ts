/**
 * `warmpool simulate <templates-root> [--cycles N] [--interval D] [--echo-failure-rate X]
 * [--backoff-interval D] [--backoff-lookback D] [--hard-limit N] [--policies FILE]
 * [--max-pending-jobs N] [--claims FILE | --claim-rate template/preset=PER_HOUR ...] [--seed N] [--json]`
 *
 * The reconciler and echo settings are `serve`'s own (`ServerConfig.settings`): same flags, same
 * `WARMPOOL_*` variables, same defaults; `--max-pending-jobs` is `serve`'s setting too, without a
 * cap by default (the simulated provisioner is not `serve`'s).
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as ServerConfig from "@warmpool/server/ServerConfig"
import * as Setting from "@warmpool/server/Setting"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as SettingFlags from "../internal/settingFlags.js"

/**
 * The settings `simulate` shares with `serve`.
 *
 * @since 0.1.0
 */
export const simulateSettings: Pick<
  ServerConfig.Settings,
  "interval" | "backoffInterval" | "backoffLookback" | "hardLimit" | "echoFailureRate" | "policies" | "maxPendingJobs"
> = {
  interval: ServerConfig.settings.interval,
  backoffInterval: ServerConfig.settings.backoffInterval,
  backoffLookback: ServerConfig.settings.backoffLookback,
  hardLimit: ServerConfig.settings.hardLimit,
  echoFailureRate: ServerConfig.settings.echoFailureRate,
  policies: ServerConfig.settings.policies,
  maxPendingJobs: Setting.optional("max-pending-jobs", Setting.integer({ min: 1 }), {
    doc: "The most prebuild jobs waiting for the simulated provisioner; creates wait beyond it (default: no cap)."
  })
}

/**
 * @since 0.1.0
 */
export const simulateCommand = Command.make(
  "simulate",
  {
    root: Args.directory({ name: "templates-root", exists: "yes" }).pipe(
      Args.withDescription("A directory whose sub-directories are templates (each becomes one template).")
    ),
    cycles: Options.integer("cycles").pipe(
      Options.withDescription("Reconciliation cycles to run."),
      Options.withDefault(10)
    ),
    settings: SettingFlags.flags(simulateSettings, ServerConfig.envPrefix),
    claims: Options.file("claims", { exists: "yes" }).pipe(
      Options.withDescription(
        "A claim trace to replay: a JSON array [{\"at\": \"90m\", \"template\": \"...\", \"preset\": \"...\"}] (at: from the start)."
      ),
      Options.optional
    ),
    claimRates: Options.text("claim-rate").pipe(
      Options.withPseudoName("template/preset=PER_HOUR"),
      Options.withDescription(
        "Claims of a preset as Poisson arrivals at this rate per hour, drawn from --seed (repeat for several presets)."
      ),
      Options.repeated
    ),
    seed: Options.integer("seed").pipe(
      Options.withDescription("Seed of the run's randomness (names, failures, claim arrivals): a run is reproducible."),
      Options.withDefault(1)
    ),
    json: Options.boolean("json").pipe(
      Options.withDescription(
        "One JSON object per cycle and line: {\"cycle\", \"creates\", \"deletes\", \"renders\", \"parses\", \"cacheHits\", \"claims\", \"misses\", \"presets\": [{\"template\", \"preset\", \"desired\", \"running\", \"status\", \"claims\", \"misses\"}]}, then a {\"summary\": [...]} line (import notes go to stderr)."
      )
    )
  },
  (args) =>
    Effect.flatMap(Effect.promise(() => import("../handlers/simulate.js")), (handler) =>
      handler.run({
        root: args.root,
        cycles: args.cycles,
        json: args.json,
        claims: Option.getOrUndefined(args.claims),
        claimRates: args.claimRates,
        seed: args.seed,
        flags: SettingFlags.given(simulateSettings, args.settings)
      }))
).pipe(
  Command.withDescription(
    "Import every sub-directory as a template into an in-memory store and run the reconciler on virtual time with the echo provisioner, printing one line per cycle; with a claim workload (--claims or --claim-rate), claims and misses per cycle and a summary line (misses, miss rate, idle prebuild-hours per preset). Exit status 2 for usage errors."
  )
)
