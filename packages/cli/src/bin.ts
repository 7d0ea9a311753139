#!/usr/bin/env node
/**
 * Entry point of the `warmpool` binary. It runs the bundled program (`dist/bundle/main.js`, built
 * by `pnpm build`: one file with the command line, each command's work in its own chunk, loaded
 * when it runs, fast-check left out) when the bundle is newer than every package's last
 * TypeScript build, and otherwise the modules `tsc` emitted (`dist/main.js`): a build with `tsc`
 * alone never runs a stale bundle.
 *
 * A command that parses templates once and exits (`render`, `simulate`) compiles the block
 * parser's WebAssembly with V8's baseline compiler only: optimising all of it in the background
 * (the default) is work such a short run never gets back, and it took more CPU than the rest of
 * `render` (a one-parameter template: about 1.1 s of CPU with it, 0.6 s without). `serve` keeps
 * the default, which pays off over a long run, and so does `bench`, which measures what `serve`
 * runs.
 *
 * Every other command turns off V8's allocation-site pretenuring (which sends the objects of an
 * allocation site it judges long-lived straight to the old generation). A process rendering a
 * large template otherwise sometimes fell, for good, into renders three times slower with most of
 * their time in the collector (a 1000-parameter warm render: 2.4–2.8 ms instead of 0.8 ms, 0.4–0.5
 * ms of it collecting, in 5 of 12 runs; in none of 12 with pretenuring off). What a server keeps
 * (compiled templates, cached renders) is then promoted by the young collector instead; the bench
 * shows no change in parse or compile times.
 *
 * @since 0.1.0
 */
import { statSync } from "node:fs"
import { setFlagsFromString } from "node:v8"

const shortRuns = new Set(["render", "simulate"])
const command = process.argv.slice(2).find((arg) => !arg.startsWith("-"))
setFlagsFromString(
  command !== undefined && shortRuns.has(command) ? "--liftoff-only" : "--no-allocation-site-pretenuring"
)

const modifiedAt = (url: URL): number => statSync(url, { throwIfNoEntry: false })?.mtimeMs ?? Number.NaN

/** The TypeScript build records of the packages the bundle is made of. */
const packages = ["terraform", "metrics", "render", "client", "prebuilds", "server", "cli"]

const bundle = new URL("./bundle/main.js", import.meta.url)
const bundledAt = modifiedAt(bundle)
// A package without a build record (an installed copy, say) never runs the bundle: its paths to
// the packages it loads from where they are installed hold in this repository only.
const fresh = packages.every((name) =>
  modifiedAt(new URL(`../../${name}/.tsbuildinfo/src.tsbuildinfo`, import.meta.url)) <= bundledAt
)

await import(fresh ? bundle.href : "./main.js")
