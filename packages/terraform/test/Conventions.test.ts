/**
 * The package's documentation conventions, checked on its sources:
 * - every internal module (`src/internal/`, `src/functions/`: not exported by `index.ts`) says
 *   so once, with `@internal` in its module comment, and not export by export;
 * - every exported member of a public module has a doc comment with `@since`, and `@category`
 *   unless it is marked `@internal`;
 * - service shapes are named `XShape` and layers `layer` / `layerX`.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"

const src = path.join(__dirname, "..", "src")
const read = (file: string) => fs.readFileSync(path.join(src, file), "utf8")
const list = (dir: string) =>
  fs.readdirSync(path.join(src, dir)).filter((f) => f.endsWith(".ts")).map((f) => dir === "" ? f : `${dir}/${f}`)

const internalModules = [...list("internal"), ...list("functions")]
const publicModules = list("").filter((f) => f !== "index.ts")
const exported = /^export (?:declare )?(?:const|function|class|interface|type|enum|abstract class) (\w+)/gm

/** The doc comment right before `index` in `source`, if any. */
const docBefore = (source: string, index: number): string | undefined =>
  /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*$/.exec(source.slice(0, index))?.[1]

describe("conventions of @warmpool/terraform", () => {
  it("index.ts exports exactly the public modules", () => {
    const index = read("index.ts")
    const targets = [...index.matchAll(/from "\.\/(\w+)\.js"/g)].map((m) => `${m[1]}.ts`).sort()
    expect(targets).toEqual([...publicModules].sort())
  })

  it.each(internalModules)("%s is @internal in its module comment only", (file) => {
    const source = read(file)
    const header = /^\/\*\*((?:(?!\*\/)[\s\S])*)\*\//.exec(source)
    expect(header?.[1]).toContain("@internal")
    expect(source.slice(header![0].length)).not.toContain("@internal")
  })

  it.each(publicModules)("%s documents every export with @since and @category", (file) => {
    const source = read(file)
    const missing: Array<string> = []
    for (const match of source.matchAll(exported)) {
      const doc = docBefore(source, match.index)
      if (doc === undefined || !doc.includes("@since") || !(doc.includes("@category") || doc.includes("@internal"))) {
        missing.push(match[1]!)
      }
    }
    expect(missing).toEqual([])
  })

  it.each(publicModules)("%s names service shapes XShape and layers layer / layerX", (file) => {
    const source = read(file)
    expect(source).not.toMatch(/^export interface \w+Service\b/m)
    expect(source).not.toMatch(/^export const \w+Layer\b/m)
  })
})
