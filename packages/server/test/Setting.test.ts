/**
 * The configuration model: Go durations, the precedence flag > environment > file > default,
 * typed errors naming the setting and its source, the `WARMPOOL_` prefix, and every server
 * setting reaching the configuration the services are built from.
 */
import { describe, expect, it } from "@effect/vitest"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as fc from "fast-check"
import * as fs from "node:fs"
import * as path from "node:path"
import * as ServerConfig from "../src/ServerConfig.js"
import * as Setting from "../src/Setting.js"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)), { pathDelim: "_" }))

const load = (inputs: Setting.Inputs, env: Record<string, string> = {}) => ServerConfig.load(inputs).pipe(withEnv(env))

describe("Go durations", () => {
  const table: ReadonlyArray<readonly [string, number]> = [
    ["0", 0],
    ["1m", 60_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["500ms", 500],
    ["250us", 0.25],
    ["2\u00b5s", 0.002],
    ["100ns", 0.0001],
    ["+3s", 3000],
    ["-2m", -120_000],
    [".5s", 500],
    [" 2m ", 120_000]
  ]
  for (const [text, millis] of table) {
    it(`parses ${JSON.stringify(text)}`, () => {
      const parsed = Setting.parseDurationMillis(text)
      expect(Either.isRight(parsed)).toBe(true)
      expect(Either.getOrThrow(parsed)).toBeCloseTo(millis, 9)
    })
  }

  for (const text of ["", "-", "1", "m", "1d", "1m x", "1..5s", "1 m", "5 minutes", "1".repeat(300) + "s"]) {
    it(`rejects ${JSON.stringify(text.slice(0, 20))}`, () =>
      expect(Either.isLeft(Setting.parseDurationMillis(text))).toBe(true))
  }

  const formats: ReadonlyArray<readonly [Duration.Duration, string]> = [
    [Duration.zero, "0s"],
    [Duration.millis(250), "250ms"],
    [Duration.seconds(90), "1m30s"],
    [Duration.hours(24), "24h"],
    [Duration.millis(5_400_500), "1h30m500ms"]
  ]
  for (const [duration, text] of formats) {
    it(`formats ${text}`, () => expect(Setting.formatDuration(duration)).toBe(text))
  }

  it("formatting round-trips through parsing", () => {
    fc.assert(fc.property(fc.nat(10 ** 10), (millis) => {
      const text = Setting.formatDuration(Duration.millis(millis))
      expect(Setting.parseDurationMillis(text)).toEqual(Either.right(millis))
    }))
  })

  it("never throws on arbitrary text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => {
      const parsed = Setting.parseDurationMillis(text)
      expect(Either.isLeft(parsed) || Number.isFinite(Either.getOrThrow(parsed))).toBe(true)
    }))
  })
})

describe("Setting.load precedence", () => {
  it.effect("flag > environment > file > default", () =>
    Effect.gen(function*() {
      const file = { port: 1001, interval: "30s", "hard-limit": 7 }
      const env = { WARMPOOL_PORT: "1002", WARMPOOL_INTERVAL: "20s" }
      const loaded = yield* load({ flags: { port: "1003" }, file, fileName: "w.json" }, env)
      expect(loaded.config.port).toBe(1003)
      expect(loaded.sources.port).toBe("flag")
      expect(Duration.toMillis(loaded.config.interval)).toBe(20_000)
      expect(loaded.sources.interval).toBe("env")
      expect(loaded.config.prebuilds.failureHardLimit).toBe(7)
      expect(loaded.sources.hardLimit).toBe("file")
      expect(loaded.config.host).toBe("127.0.0.1")
      expect(loaded.sources.host).toBe("default")
    }))

  it.effect("the WARMPOOL_ prefix is required (unprefixed variables are ignored)", () =>
    Effect.gen(function*() {
      const loaded = yield* load({ flags: {} }, { PORT: "1", RENDER_CACHE_CAPACITY: "2" })
      expect(loaded.config.port).toBe(8080)
      expect(loaded.config.renderCache.capacity).toBe(10_000)
    }))

  const invalid: ReadonlyArray<readonly [string, Setting.Inputs, Record<string, string>, string]> = [
    ["a flag", { flags: { port: "abc" } }, {}, "port (--port)"],
    ["a variable", { flags: {} }, { WARMPOOL_INTERVAL: "5 minutes" }, "interval (WARMPOOL_INTERVAL)"],
    [
      "a file value",
      { flags: {}, file: { "hard-limit": -1 }, fileName: "w.json" },
      {},
      "hard-limit (\"hard-limit\" in w.json)"
    ],
    [
      "an unknown file key",
      { flags: {}, file: { prot: 1 }, fileName: "w.json" },
      {},
      "w.json: unknown setting \"prot\""
    ],
    ["a file that is no object", { flags: {}, file: [1], fileName: "w.json" }, {}, "w.json: expected a JSON object"],
    [
      "a nested file value",
      { flags: {}, file: { port: { a: 1 } }, fileName: "w.json" },
      {},
      "port (\"port\" in w.json)"
    ],
    ["a port out of range", { flags: { port: "70000" } }, {}, "between 0 and 65535"],
    ["a failure rate above 1", { flags: { "echo-failure-rate": "2" } }, {}, "echo-failure-rate"],
    ["an unknown provisioner", { flags: { provisioner: "docker" } }, {}, "provisioner (--provisioner)"],
    ["a command provisioner without a command", { flags: { provisioner: "command" } }, {}, "provisioner-command"],
    ["a zero render timeout", { flags: { "render-timeout": "0s" } }, {}, "render-timeout"],
    ["a negative backoff", { flags: { "backoff-interval": "-1s" } }, {}, "must not be negative"],
    ["a zero capacity", { flags: { "render-cache-capacity": "0" } }, {}, "render-cache-capacity"],
    ["an empty token", { flags: {} }, { WARMPOOL_TOKEN: "" }, "token (WARMPOOL_TOKEN): expected a secret"],
    ["an empty path", { flags: { templates: "" } }, {}, "templates (--templates)"]
  ]
  for (const [what, inputs, env, expected] of invalid) {
    it.effect(`${what} is a SettingError naming it`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(load(inputs, env))
        expect(error._tag).toBe("SettingError")
        expect(error.message).toContain(expected)
      }))
  }

  it.effect("a setting's Config alone reads the environment under the prefix (ServerConfig.config)", () =>
    Effect.gen(function*() {
      const config = yield* ServerConfig.config.pipe(withEnv({ WARMPOOL_PORT: "9", WARMPOOL_TOKEN: "t" }))
      expect(config.port).toBe(9)
      expect(Redacted.value(config.token)).toBe("t")
      expect(config.tokenGenerated).toBe(false)
    }))
})

/**
 * Every server setting, a value other than its default, and where it must show in the
 * configuration the services are built from. Adding a setting without a row here fails the
 * completeness test below.
 */
const effects: ReadonlyArray<
  readonly [name: string, value: Setting.Raw, check: (c: ServerConfig.ServerConfigShape) => unknown, expected: unknown]
> = [
  ["db", "postgres://u:p@h/db", (c) => c.db, "postgres://u:p@h/db"],
  ["templates", "/srv/templates", (c) => Option.getOrNull(c.templates), "/srv/templates"],
  ["host", "0.0.0.0", (c) => c.host, "0.0.0.0"],
  ["port", "9191", (c) => c.port, 9191],
  ["token", "s3cret", (c) => [Redacted.value(c.token), c.tokenGenerated], ["s3cret", false]],
  ["log-format", "json", (c) => c.logFormat, "json"],
  ["interval", "15s", (c) => [Duration.toMillis(c.interval), Duration.toMillis(c.prebuilds.reconciliationInterval)], [
    15_000,
    15_000
  ]],
  ["backoff-interval", "5s", (c) => Duration.toMillis(c.prebuilds.backoffInterval), 5000],
  ["backoff-lookback", "2h", (c) => Duration.toMillis(c.prebuilds.backoffLookback), 7_200_000],
  ["hard-limit", "1", (c) => c.prebuilds.failureHardLimit, 1],
  ["provisioner", "command", (c) => c.provisioner._tag, "command"],
  ["provisioner-command", "/bin/false", (c) => c.provisioner._tag === "command" && c.provisioner.command, "/bin/false"],
  ["provisioner-args", ["-c", "exit 1"], (c) => c.provisioner._tag === "command" && c.provisioner.args, [
    "-c",
    "exit 1"
  ]],
  [
    "provisioner-timeout",
    "2m",
    (c) => c.provisioner._tag === "command" && Duration.toMillis(c.provisioner.timeout),
    120_000
  ],
  [
    "provisioner-kill-grace-period",
    "1s",
    (c) => c.provisioner._tag === "command" && Duration.toMillis(c.provisioner.killGracePeriod),
    1000
  ],
  [
    "provisioner-max-output-bytes",
    "4096",
    (c) => c.provisioner._tag === "command" && c.provisioner.maxOutputBytes,
    4096
  ],
  ["budget-max-instances", "7", (c) => c.budgets.maxInstances, 7],
  ["budget-max-collection-elements", "70", (c) => c.budgets.maxCollectionElements, 70],
  ["budget-max-string-bytes", "700", (c) => c.budgets.maxStringBytes, 700],
  ["budget-max-steps", "7000", (c) => c.budgets.maxSteps, 7000],
  ["budget-max-file-bytes", "7001", (c) => c.budgets.maxFileBytes, 7001],
  ["budget-max-total-file-bytes", "7002", (c) => c.budgets.maxTotalFileBytes, 7002],
  ["budget-max-tfvars-bytes", "7003", (c) => c.budgets.maxTfvarsBytes, 7003],
  ["budget-max-nesting-depth", "17", (c) => c.budgets.maxNestingDepth, 17],
  [
    "otlp-endpoint",
    "http://collector:4318/v1/traces",
    (c) => Option.getOrNull(c.otlpEndpoint),
    "http://collector:4318/v1/traces"
  ],
  ["echo-delay", "200ms", (c) => c.provisioner._tag === "echo" && Duration.toMillis(c.provisioner.delay), 200],
  ["echo-failure-rate", "0.5", (c) => c.provisioner._tag === "echo" && c.provisioner.failureRate, 0.5],
  ["max-body-bytes", "4096", (c) => c.maxBodyBytes, 4096],
  ["render-timeout", "250ms", (c) => Duration.toMillis(c.renderTimeout), 250],
  ["render-cache-ttl", "5m", (c) => Duration.toMillis(c.renderCache.ttl), 300_000],
  ["render-cache-max-age", "1h", (c) => Duration.toMillis(c.renderCache.maxAge), 3_600_000],
  ["render-cache-sweep-interval", "1m", (c) => Duration.toMillis(c.renderCache.sweepInterval), 60_000],
  ["render-cache-capacity", "1", (c) => c.renderCache.capacity, 1],
  ["template-cache-ttl", "10m", (c) => Duration.toMillis(c.templateCache.ttl), 600_000],
  ["template-cache-max-age", "2h", (c) => Duration.toMillis(c.templateCache.maxAge), 7_200_000],
  ["template-cache-sweep-interval", "30s", (c) => Duration.toMillis(c.templateCache.sweepInterval), 30_000],
  ["template-cache-capacity", "2", (c) => c.templateCache.capacity, 2],
  ["quarantine-threshold", "5", (c) => c.prebuilds.quarantineThreshold, 5],
  ["policies", "/srv/policies.json", (c) => Option.getOrNull(c.policies), "/srv/policies.json"],
  ["provisioner-workers", "4", (c) => c.provisionerWorkers, 4],
  ["max-pending-jobs", "7", (c) => c.maxPendingJobs, 7],
  ["watch", "true", (c) => c.watch, true],
  ["watch-debounce", "500ms", (c) => Duration.toMillis(c.watchDebounce), 500],
  ["job-lease", "1m", (c) => Duration.toMillis(c.leases.lease), 60_000],
  ["job-heartbeat", "2s", (c) => Duration.toMillis(c.leases.heartbeat), 2_000],
  ["max-json-depth", "16", (c) => c.maxJsonDepth, 16],
  ["max-json-items", "100", (c) => c.maxJsonItems, 100],
  ["upload-max-files", "7", (c) => c.upload.maxFiles, 7],
  ["upload-max-file-bytes", "1024", (c) => c.upload.maxFileBytes, 1024],
  ["upload-max-total-bytes", "4096", (c) => c.upload.maxTotalBytes, 4096],
  ["import-timeout", "3s", (c) => Duration.toMillis(c.importTimeout), 3_000],
  ["render-workers", "3", (c) => c.renderWorkers, 3],
  ["render-worker-heap-mb", "128", (c) => c.renderWorkerHeapMb, 128],
  ["render-cache-max-bytes", "65536", (c) => c.renderCache.maxBytes, 65536],
  ["template-cache-max-bytes", "1048576", (c) => c.templateCache.maxBytes, 1048576]
]

/** Settings another row needs (a command provisioner's settings apply with `provisioner=command`). */
const context = (name: string): Record<string, Setting.Raw> => {
  if (!name.startsWith("provisioner")) return {}
  const needed: Record<string, Setting.Raw> = { provisioner: "command", "provisioner-command": "/bin/sh" }
  if (name === "provisioner") return { "provisioner-command": "/bin/sh" }
  delete needed[name]
  return needed
}

const envValue = (raw: Setting.Raw) => typeof raw === "string" ? raw : raw.join(",")

describe("every server setting reaches the configuration", () => {
  it("has one row per setting", () => {
    expect(effects.map(([name]) => name).sort()).toEqual(
      Object.values(ServerConfig.settings).map((s: Setting.Any) => s.name).sort()
    )
  })

  for (const [name, value, check, expected] of effects) {
    it.effect(`${name}: as a flag, a WARMPOOL_ variable and a config-file key`, () =>
      Effect.gen(function*() {
        const setting = Object.values(ServerConfig.settings).find((s: Setting.Any) => s.name === name)!
        const fromFlag = yield* load({ flags: { ...context(name), [name]: value } })
        expect(check(fromFlag.config)).toEqual(expected)
        const fromEnv = yield* load({ flags: context(name) }, { [`WARMPOOL_${setting.key}`]: envValue(value) })
        expect(check(fromEnv.config)).toEqual(expected)
        const fromFile = yield* load({ flags: context(name), file: { [name]: value } })
        expect(check(fromFile.config)).toEqual(expected)
        // Without it, the value is not there (or, for the command, the configuration is incomplete).
        const without = yield* Effect.either(load({ flags: context(name) }))
        if (Either.isRight(without)) expect(check(without.right.config)).not.toEqual(expected)
        else expect(without.left.setting).toBe(name)
      }))
  }
})

describe("--print-config", () => {
  it.effect("shows every setting with its source, secrets and database passwords redacted", () =>
    Effect.gen(function*() {
      const loaded = yield* load({ flags: { token: "hunter2hunter2", db: "postgres://warmpool:pw@db:5432/warmpool" } })
      const text = ServerConfig.describe(loaded)
      expect(text).not.toContain("hunter2")
      expect(text).not.toContain(":pw@")
      expect(text).toMatch(/^token\s+<redacted>\s+\(flag\)$/m)
      expect(text).toMatch(/^db\s+postgres:\/\/warmpool:\*\*\*@db:5432\/warmpool\s+\(flag\)$/m)
      expect(text).toMatch(/^render-cache-ttl\s+1h\s+\(default\)$/m)
      expect(text.split("\n")).toHaveLength(Object.keys(ServerConfig.settings).length)
    }))
})

describe("Setting.load on arbitrary input", () => {
  const names = (Object.values(ServerConfig.settings) as ReadonlyArray<Setting.Any>).map((s) => s.name)

  it("any config-file JSON gives a configuration or a SettingError, never a defect", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.dictionary(fc.constantFrom(...names), fc.jsonValue({ maxDepth: 2 }))
        ),
        async (file) => {
          const exit = await Effect.runPromiseExit(load({ flags: {}, file, fileName: "f.json" }))
          if (exit._tag === "Failure") {
            expect(exit.cause._tag).toBe("Fail")
          }
        }
      ),
      { numRuns: 200 }
    )
  })

  it("any flag text gives a configuration or a SettingError naming that flag", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.string({ maxLength: 300 }), async (name, text) => {
        const flags = name.startsWith("provisioner")
          ? { "provisioner-command": "/bin/true", [name]: text }
          : { [name]: text }
        const exit = await Effect.runPromiseExit(load({ flags }))
        if (exit._tag === "Failure") {
          expect(exit.cause._tag).toBe("Fail")
          if (exit.cause._tag === "Fail") {
            expect(exit.cause.error.setting).toMatch(new RegExp(`^(${name}|job-heartbeat|provisioner-command)$`))
          }
        }
      }),
      { numRuns: 300 }
    )
  })
})

describe("README", () => {
  it("documents every setting with its flag and variable", () => {
    const readme = fs.readFileSync(path.join(import.meta.dirname, "..", "..", "..", "README.md"), "utf8")
    for (const setting of Object.values(ServerConfig.settings) as ReadonlyArray<Setting.Any>) {
      expect(readme).toContain(`| \`--${setting.name}\` | \`WARMPOOL_${setting.key}\` |`)
    }
  })
})
