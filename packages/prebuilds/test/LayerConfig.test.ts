/**
 * `layerConfig` of the services that have options, as `@effect/sql`'s clients take theirs: the
 * options (or one `Config` per option) are read from the `ConfigProvider`, and a missing or
 * invalid value fails the layer with a `ConfigError` naming the key. (`Claims.layerConfig` is
 * tested beside the claim timeout, in Claims.test.ts.)
 */
import { expect, it } from "@effect/vitest"
import { Metrics } from "@warmpool/metrics"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as fs from "node:fs"
import * as path from "node:path"
import * as JobReaper from "../src/JobReaper.js"
import * as Prebuilds from "../src/Prebuilds.js"
import * as Provisioner from "../src/Provisioner.js"
import * as Reconciler from "../src/Reconciler.js"
import * as Store from "../src/Store.js"
import { pgUrl, tempDirectory } from "./utils/storeBackends.js"

const provider = (entries: ReadonlyArray<readonly [string, string]>) =>
  ConfigProvider.fromMap(new Map(entries.map(([key, value]) => [key, value])))

it.scoped("Store.layerSqliteConfig opens the file named in the configuration", () =>
  Effect.gen(function*() {
    const directory = yield* tempDirectory
    const filename = path.join(directory, "configured.db")
    const layer = Store.layerSqliteConfig({ filename: Config.string("STORE_FILE") })
    const dialect = yield* Effect.map(Store.Store, (store) => store.dialect).pipe(
      Effect.provide(layer),
      Effect.withConfigProvider(provider([["STORE_FILE", filename]]))
    )
    expect(dialect).toBe("sqlite")
    expect(fs.existsSync(filename)).toBe(true)
    const failed = yield* Effect.flip(Effect.provide(Store.Store, layer).pipe(Effect.withConfigProvider(provider([]))))
    expect(String(failed)).toContain("STORE_FILE")
  }))

it.scoped.skipIf(pgUrl === undefined)(
  "Store.layerPgConfig connects to the URL in the configuration",
  () =>
    Effect.gen(function*() {
      const layer = Store.layerPgConfig({
        url: Config.redacted("STORE_PG_URL"),
        maxConnections: Config.integer("STORE_PG_CONNECTIONS"),
        // the test does not migrate the shared database's default schema
        migrate: Config.succeed(false)
      })
      const dialect = yield* Effect.map(Store.Store, (store) => store.dialect).pipe(
        Effect.provide(layer),
        Effect.withConfigProvider(provider([["STORE_PG_URL", pgUrl ?? ""], ["STORE_PG_CONNECTIONS", "2"]]))
      )
      expect(dialect).toBe("pg")
      const failed = yield* Effect.flip(
        Effect.provide(Store.Store, layer).pipe(
          Effect.withConfigProvider(provider([["STORE_PG_URL", pgUrl ?? ""], ["STORE_PG_CONNECTIONS", "some"]]))
        )
      )
      expect(String(failed)).toContain("STORE_PG_CONNECTIONS")
    })
)

const services = Prebuilds.layerCore().pipe(
  Layer.provideMerge(Store.layerMemory()),
  Layer.provideMerge(Metrics.layerNoop)
)

it.scoped("Reconciler.layerConfig keeps the history size read from the configuration", () =>
  Effect.gen(function*() {
    const layer = Reconciler.layerConfig({
      historySize: Config.integer("RECONCILER_HISTORY"),
      metricsRefresh: Config.succeed<false>(false)
    })
    const cycles = Effect.gen(function*() {
      const reconciler = yield* Reconciler.Reconciler
      for (let i = 0; i < 4; i++) yield* reconciler.reconcileOnce
      return yield* reconciler.recentCycles
    })
    const reports = yield* cycles.pipe(
      Effect.provide(layer),
      Effect.provide(services),
      Effect.withConfigProvider(provider([["RECONCILER_HISTORY", "2"]]))
    )
    // the default keeps 100
    expect(reports).toHaveLength(2)
    const failed = yield* Effect.flip(
      cycles.pipe(
        Effect.provide(layer),
        Effect.provide(services),
        Effect.withConfigProvider(provider([["RECONCILER_HISTORY", "many"]]))
      )
    )
    expect(String(failed)).toContain("RECONCILER_HISTORY")
  }))

it.scoped("Provisioner.layerEchoConfig starts the number of workers read from the configuration", () =>
  Effect.gen(function*() {
    const layer = Provisioner.layerEchoConfig({ workers: Config.integer("ECHO_WORKERS"), name: Config.succeed("cfg") })
    const workers = Effect.map(Provisioner.Provisioner, (p) => p.workerIds.length)
    const started = yield* workers.pipe(
      Effect.provide(layer),
      Effect.provide(services),
      Effect.withConfigProvider(provider([["ECHO_WORKERS", "3"]]))
    )
    // the default is 2
    expect(started).toBe(3)
    const failed = yield* Effect.flip(
      workers.pipe(
        Effect.provide(layer),
        Effect.provide(services),
        Effect.withConfigProvider(provider([["ECHO_WORKERS", "three"]]))
      )
    )
    expect(String(failed)).toContain("ECHO_WORKERS")
  }))

// Live clock: the command provisioner deals with real processes and real time.
it.live("Provisioner.layerCommandConfig reads the command; JobReaper.layerConfig its interval", () =>
  Effect.gen(function*() {
    const provisioner = Provisioner.layerCommandConfig({ command: Config.string("PROVISIONER_COMMAND") })
    const reaper = JobReaper.layerConfig({ interval: Config.duration("REAPER_INTERVAL") }).pipe(
      Layer.provideMerge(provisioner)
    )
    const kind = Effect.zipRight(JobReaper.JobReaper, Effect.map(Provisioner.Provisioner, (p) => p.kind))
    const configured = provider([["PROVISIONER_COMMAND", "true"], ["REAPER_INTERVAL", "2 seconds"]])
    expect(yield* kind.pipe(Effect.provide(reaper), Effect.provide(services), Effect.withConfigProvider(configured)))
      .toBe("command")
    const noCommand = yield* Effect.flip(
      kind.pipe(
        Effect.provide(reaper),
        Effect.provide(services),
        Effect.withConfigProvider(provider([["REAPER_INTERVAL", "2 seconds"]]))
      )
    )
    expect(String(noCommand)).toContain("PROVISIONER_COMMAND")
    const badInterval = yield* Effect.flip(
      kind.pipe(
        Effect.provide(reaper),
        Effect.provide(services),
        Effect.withConfigProvider(provider([["PROVISIONER_COMMAND", "true"], ["REAPER_INTERVAL", "often"]]))
      )
    )
    expect(String(badInterval)).toContain("REAPER_INTERVAL")
  }))
