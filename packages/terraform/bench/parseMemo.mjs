// Compile ("import") time of a template version with the parse memo (HclParser.layerMemoized)
// against a full parse, on a real template directory. Plain Node, no CLI:
//
//   npx tsc -b tsconfig.build.json
//   node packages/terraform/bench/parseMemo.mjs <template dir> [rounds]
//
// Scenarios, interleaved in rotating order in every round, each on a version no earlier round
// has seen (a comment with the round number makes the changed file new):
// - full:         a fresh memo: every file is parsed (what every import cost without the memo);
// - oneFile:      the memo holds the previous version; one file (the largest) changed;
// - split/full and split/oneFile: the same with the template's single-directory configuration
//                 split one top-level block per file (how a many-file template behaves);
// - unchanged:    the memo holds this exact version (a re-import, a restarted TemplateCache entry).
// Prints one JSON line: medians of CPU and wall milliseconds per scenario, and the ratios.
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as fs from "node:fs"
import * as path from "node:path"
import { CompiledTemplate, HclParser, TemplateFiles } from "../dist/index.js"

const dir = process.argv[2]
const rounds = Number(process.argv[3] ?? 15)
if (dir === undefined) {
  console.error("usage: node parseMemo.mjs <template dir> [rounds]")
  process.exit(2)
}

const readTree = (root) => {
  const out = {}
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile()) out[path.relative(root, full).split(path.sep).join("/")] = fs.readFileSync(full, "utf8")
    }
  }
  walk(root)
  return out
}

const original = readTree(dir)
const configFiles = Object.keys(original).filter((p) => p.endsWith(".tf") && !p.includes("/"))
const largest = configFiles.sort((a, b) => original[b].length - original[a].length)[0]

// one top-level block per file: a block starts at a line beginning with a block keyword
const splitBlocks = (record) => {
  const out = {}
  for (const [p, text] of Object.entries(record)) {
    if (!configFiles.includes(p)) {
      out[p] = text
      continue
    }
    const chunks = []
    let current = []
    for (const line of text.split("\n")) {
      if (/^(data|resource|module|locals|variable|output|provider|terraform|check|import|moved|removed)\b/.test(line)) {
        if (current.some((l) => l.trim() !== "")) chunks.push(current.join("\n"))
        current = []
      }
      current.push(line)
    }
    if (current.some((l) => l.trim() !== "")) chunks.push(current.join("\n"))
    chunks.forEach((chunk, i) => (out[`${p.replace(/\.tf$/, "")}_${String(i).padStart(3, "0")}.tf`] = chunk + "\n"))
  }
  return out
}
const split = splitBlocks(original)
const splitLargest =
  Object.keys(split).filter((p) => p.endsWith(".tf")).sort((a, b) => split[b].length - split[a].length)[0]

const edited = (record, file, round) => ({ ...record, [file]: `${record[file]}\n# edit ${round}\n` })
const snapshot = (record) => Either.getOrThrow(TemplateFiles.fromRecord(record))

const measure = async (effect) => {
  const cpu = process.cpuUsage()
  const t = performance.now()
  const template = await Effect.runPromise(effect)
  const wall = performance.now() - t
  const used = process.cpuUsage(cpu)
  if (template.diagnostics.some((d) => d.severity === "error")) throw new Error("the template does not compile cleanly")
  return { cpu: (used.user + used.system) / 1000, wall }
}

// a memo layer kept across the scenario's versions (one per scenario, as in the service)
const memoOf = (...warm) =>
  Effect.runPromise(Effect.gen(function*() {
    const memo = HclParser.memoize(HclParser.live)
    const layer = Effect.provideService(HclParser.HclParser, memo)
    for (const record of warm) yield* layer(CompiledTemplate.compile(snapshot(record)))
    return { memo, provide: layer }
  }))

const scenarios = {
  full: async (round) => {
    const { provide } = await memoOf()
    return measure(provide(CompiledTemplate.compile(snapshot(edited(original, largest, round)))))
  },
  oneFile: async (round) => {
    const { provide } = await memoOf(edited(original, largest, `${round}-previous`))
    return measure(provide(CompiledTemplate.compile(snapshot(edited(original, largest, round)))))
  },
  "split/full": async (round) => {
    const { provide } = await memoOf()
    return measure(provide(CompiledTemplate.compile(snapshot(edited(split, splitLargest, round)))))
  },
  "split/oneFile": async (round) => {
    const { memo, provide } = await memoOf(edited(split, splitLargest, `${round}-previous`))
    const before = await Effect.runPromise(memo.stats)
    const result = await measure(provide(CompiledTemplate.compile(snapshot(edited(split, splitLargest, round)))))
    const after = await Effect.runPromise(memo.stats)
    if (after.parses - before.parses !== 1) throw new Error(`parsed ${after.parses - before.parses} files, expected 1`)
    return result
  },
  unchanged: async (round) => {
    const version = edited(original, largest, round)
    const { provide } = await memoOf(version)
    return measure(provide(CompiledTemplate.compile(snapshot(version))))
  }
}

// boot the WASM parser and warm the JIT
for (const run of Object.values(scenarios)) await run("warm")

const names = Object.keys(scenarios)
const samples = Object.fromEntries(names.map((n) => [n, { cpu: [], wall: [] }]))
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < names.length; i++) {
    const name = names[(round + i) % names.length]
    const { cpu, wall } = await scenarios[name](round)
    samples[name].cpu.push(cpu)
    samples[name].wall.push(wall)
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
const round2 = (x) => Math.round(x * 100) / 100
const result = {
  template: path.basename(path.resolve(dir)),
  files: { original: configFiles.length, split: Object.keys(split).filter((p) => p.endsWith(".tf")).length },
  rounds,
  cpuMs: Object.fromEntries(names.map((n) => [n, round2(median(samples[n].cpu))])),
  wallMs: Object.fromEntries(names.map((n) => [n, round2(median(samples[n].wall))]))
}
const ratio = (unit, a, b) => round2(result[unit][a] / result[unit][b])
result.ratios = Object.fromEntries(
  ["cpuMs", "wallMs"].map((unit) => [unit, {
    oneFileOverFull: ratio(unit, "oneFile", "full"),
    splitOneFileOverSplitFull: ratio(unit, "split/oneFile", "split/full"),
    unchangedOverFull: ratio(unit, "unchanged", "full")
  }])
)
console.log(JSON.stringify(result))
