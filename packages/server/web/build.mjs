/**
 * Builds the web console: bundles and minifies `src/main.tsx` and `src/styles.css` with esbuild
 * into content-hashed files under `assets/`, and writes `index.html` referencing them.
 *
 * Usage: node packages/server/web/build.mjs [--outdir DIR]   (default: packages/server/dist/web)
 */
import * as esbuild from "esbuild"
import { mkdir, readFile, rm, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const webDir = path.dirname(fileURLToPath(import.meta.url))

const argValue = (name) => {
  const i = process.argv.indexOf(name)
  return i === -1 ? undefined : process.argv[i + 1]
}

const outdir = path.resolve(argValue("--outdir") ?? path.join(webDir, "..", "dist", "web"))

const escapeAttribute = (text) => text.replace(/&/g, "&amp;").replace(/"/g, "&quot;")

const main = async () => {
  await rm(outdir, { recursive: true, force: true })
  await mkdir(outdir, { recursive: true })
  const result = await esbuild.build({
    entryPoints: { app: path.join(webDir, "src", "main.tsx"), styles: path.join(webDir, "src", "styles.css") },
    outdir,
    bundle: true,
    minify: true,
    format: "esm",
    target: ["es2022", "chrome110", "firefox115", "safari16"],
    platform: "browser",
    jsx: "automatic",
    jsxImportSource: "preact",
    entryNames: "assets/[name]-[hash]",
    chunkNames: "assets/[name]-[hash]",
    assetNames: "assets/[name]-[hash]",
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    define: { "process.env.NODE_ENV": "\"production\"" }
  })
  const outputs = Object.entries(result.metafile.outputs)
  const entryOutput = (entry) => {
    const found = outputs.find(([, meta]) => meta.entryPoint !== undefined && path.resolve(meta.entryPoint) === entry)
    if (found === undefined) throw new Error(`no output for ${entry}`)
    return "/" + path.relative(outdir, path.resolve(found[0])).split(path.sep).join("/")
  }
  const script = entryOutput(path.join(webDir, "src", "main.tsx"))
  const styles = entryOutput(path.join(webDir, "src", "styles.css"))
  const template = await readFile(path.join(webDir, "index.html"), "utf8")
  const html = template
    .replace("<!-- warmpool:styles -->", `<link rel="stylesheet" href="${escapeAttribute(styles)}" />`)
    .replace("<!-- warmpool:scripts -->", `<script type="module" src="${escapeAttribute(script)}"></script>`)
  await writeFile(path.join(outdir, "index.html"), html)
  const sizes = outputs.map(([file, meta]) => `${path.relative(outdir, path.resolve(file))} ${meta.bytes} B`)
  console.log(`web console built into ${path.relative(process.cwd(), outdir) || "."}: ${sizes.join(", ")}`)
}

main().catch((error) => {
  console.error(`web build failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
