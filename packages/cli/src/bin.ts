#!/usr/bin/env node
/**
 * Entry point of the `warmpool` binary. It runs the bundled program (`dist/bundle/main.js`, built
 * by `pnpm build`: one file with the command line, each command's work in its own chunk, loaded
 * when it runs, fast-check left out) when the bundle is newer than every package's last
 * TypeScript build, and otherwise the modules `tsc` emitted (`dist/main.js`): a build with `tsc`
 * alone never runs a stale bundle.
 *
 * @since 0.1.0
 */
import { statSync } from "node:fs"

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
