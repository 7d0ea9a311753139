/**
 * Bundles the `warmpool` program (issue 14: start-up) from the modules `tsc` emitted into
 * `packages/cli/dist/bundle`: `main.js` (the command line; each command's handler stays a
 * dynamic import, so it becomes its own chunk, loaded only when that command runs), the render
 * worker's entry `internal/renderWorkerMain.js`, and shared chunks. `dist/bin.js` runs it when it
 * is newer than the TypeScript builds.
 *
 * - the workspace's modules are marked free of import-time side effects, so a command line that
 *   uses one module of a package does not load the package's other modules;
 * - fast-check (pulled in by `effect/Schema` through `effect/Arbitrary` and `effect/FastCheck`,
 *   used only to generate test data) is replaced by an empty module;
 * - `@cdktf/hcl2json` (reads its WASM next to itself) and `better-sqlite3` (a native addon) stay
 *   outside, imported by a path relative to the bundle, resolved at build time (also where a
 *   module names one in a string literal for a computed `import()`);
 * - `new URL("…", import.meta.url)` in the bundled modules is rewritten to point from the bundle
 *   to the same file (the web console's directory, the binary), except the render worker's entry,
 *   which is bundled at the same relative place.
 *
 * Usage: `node packages/cli/bundle.mjs` (after `tsc -b tsconfig.build.json`);
 * `WARMPOOL_BUNDLE_META=FILE` also writes esbuild's metafile (what each chunk holds) there.
 */
import * as esbuild from "esbuild"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const cliDir = path.dirname(fileURLToPath(import.meta.url))
const dist = path.join(cliDir, "dist")
const outdir = path.join(dist, "bundle")
const renderDist = path.resolve(cliDir, "..", "render", "dist")
const workerEntry = path.join(renderDist, "internal", "renderWorkerMain.js")

/** Packages loaded from where they are installed rather than bundled. */
const installed = ["@cdktf/hcl2json", "better-sqlite3"]
/** Optional modules some dependencies try to load; absent, never bundled. */
const optional = ["pg-native", "bufferutil", "utf-8-validate"]

const toPosix = (p) => p.split(path.sep).join("/")
const relativeSpecifier = (from, to) => {
  const relative = toPosix(path.relative(from, to))
  return relative.startsWith(".") ? relative : `./${relative}`
}

/** Modules whose relative paths were rewritten for the bundle's top directory. */
const rewritten = new Set()

/** @type {esbuild.Plugin} */
const layout = {
  name: "warmpool-layout",
  setup(build) {
    build.onResolve({ filter: /^fast-check$/ }, () => ({ path: "fast-check", namespace: "stub" }))
    build.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "export {}", loader: "js" }))
    build.onResolve({ filter: /^(pg-native|bufferutil|utf-8-validate)$/ }, (args) => ({
      path: args.path,
      external: true
    }))
    const installedPattern = new RegExp(`^(${installed.map((n) => n.replace("/", "\\/")).join("|")})$`)
    build.onResolve({ filter: installedPattern }, async (args) => {
      if (args.pluginData === "installed") return undefined
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: "installed"
      })
      if (resolved.errors.length > 0) return { errors: resolved.errors }
      return { path: relativeSpecifier(outdir, resolved.path), external: true }
    })
    // The workspace's modules have no import-time side effects: what a command line does not use
    // is left out of the chunks it loads (`index.js` re-exports everything).
    build.onResolve({ filter: /^(@warmpool\/|\.\.?\/)/ }, async (args) => {
      if (args.pluginData === "workspace" || !/[\\/]packages[\\/]/.test(args.resolveDir)) return undefined
      if (args.resolveDir.includes("node_modules")) return undefined
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: "workspace"
      })
      if (resolved.errors.length > 0 || resolved.external) {
        return resolved.errors.length > 0
          ? { errors: resolved.errors }
          : undefined
      }
      return { path: resolved.path, sideEffects: false }
    })
    // `new URL("<relative>", import.meta.url)`: the same file, seen from the bundle; a package
    // loaded from where it is installed through a computed `import(specifier)`: its path.
    build.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]dist[\\/].*\.js$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, "utf8")
      let contents = source.replace(
        /new URL\((["'])([^"']+)\1, import\.meta\.url\)/g,
        (_whole, _quote, relative) => {
          const target = path.resolve(path.dirname(args.path), relative)
          const seen = target === workerEntry
            ? path.join(outdir, "internal", "renderWorkerMain.js")
            : target
          return `new URL(${JSON.stringify(relativeSpecifier(outdir, seen))}, import.meta.url)`
        }
      )
      for (const name of installed) {
        const literal = JSON.stringify(name)
        if (!contents.includes(literal)) continue
        const resolved = await build.resolve(name, {
          kind: "dynamic-import",
          resolveDir: path.dirname(args.path),
          pluginData: "installed"
        })
        if (resolved.errors.length > 0) return { errors: resolved.errors }
        contents = contents.split(literal).join(JSON.stringify(relativeSpecifier(outdir, resolved.path)))
      }
      if (contents === source) return undefined
      rewritten.add(toPosix(path.relative(process.cwd(), args.path)))
      return { contents, loader: "js" }
    })
  }
}

fs.rmSync(outdir, { recursive: true, force: true })
const result = await esbuild.build({
  entryPoints: [
    { in: path.join(dist, "main.js"), out: "main" },
    { in: workerEntry, out: "internal/renderWorkerMain" }
  ],
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "[name]-[hash]",
  // CommonJS dependencies call `require` for Node's modules.
  banner: {
    js:
      "import { createRequire as __warmpoolRequire } from \"node:module\"; const require = __warmpoolRequire(import.meta.url);"
  },
  plugins: [layout],
  external: optional,
  metafile: true,
  logLevel: "warning",
  legalComments: "none",
  // Smaller files parse faster; identifiers keep their names (stack traces stay readable).
  minifyWhitespace: true,
  minifySyntax: true
})
if (process.env.WARMPOOL_BUNDLE_META) {
  fs.writeFileSync(process.env.WARMPOOL_BUNDLE_META, JSON.stringify(result.metafile))
}
const outputs = Object.entries(result.metafile.outputs)
// Rewritten paths are relative to the bundle's top directory: such a module must not end up in a
// file of a sub-directory (the worker's entry).
for (const [output, { inputs }] of outputs) {
  if (path.dirname(path.resolve(output)) === outdir) continue
  const misplaced = Object.keys(inputs).filter((input) => rewritten.has(input))
  if (misplaced.length > 0) {
    throw new Error(`${output} contains ${misplaced.join(", ")}, whose paths are relative to ${outdir}`)
  }
}
const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0)
console.log(
  `warmpool CLI bundled into ${toPosix(path.relative(process.cwd(), outdir))}: ${outputs.length} files, ${bytes} B`
)
