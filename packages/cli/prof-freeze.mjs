import { Renderer } from "@warmpool/render"
import { CompiledTemplate, HclParser, Owner, TemplateFiles } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as NodeContext from "@effect/platform-node/NodeContext"
const dir = process.argv[2]
const owner = { ...Owner.empty, id: "c42fdf75-3097-471c-8c33-fb52454d81c0", name: "prebuilds" }
const jsonSize = (value, freeze) => {
  switch (typeof value) {
    case "string": return value.length + 2
    case "number": return String(value).length
    case "boolean": return value ? 4 : 5
    case "object": {
      if (value === null) return 4
      if (freeze) Object.freeze(value)
      let size = 2
      if (Array.isArray(value)) { for (let i = 0; i < value.length; i++) size += jsonSize(value[i], freeze) + 1; return size }
      for (const key in value) if (Object.hasOwn(value, key)) size += key.length + 4 + jsonSize(value[key], freeze)
      return size
    }
    default: return 0
  }
}
const jsonSize2 = (value, freeze) => {
  if (typeof value === "string") return value.length + 2
  if (typeof value !== "object") return typeof value === "number" ? (Number.isInteger(value) && value >= 0 && value < 1e9 ? (value < 10 ? 1 : Math.floor(Math.log10(value)) + 1) : String(value).length) : typeof value === "boolean" ? (value ? 4 : 5) : 0
  if (value === null) return 4
  let size = 2
  if (Array.isArray(value)) { for (let i = 0; i < value.length; i++) size += jsonSize2(value[i], freeze) + 1 }
  else { const keys = Object.keys(value); for (let i = 0; i < keys.length; i++) { const k = keys[i]; size += k.length + 4 + jsonSize2(value[k], freeze) } }
  if (freeze) Object.freeze(value)
  return size
}
const jsonSize3 = (value, freeze) => {
  if (typeof value === "string") return value.length + 2
  if (typeof value === "object") {
    if (value === null) return 4
    let size = 2
    if (Array.isArray(value)) { for (let i = 0; i < value.length; i++) size += jsonSize3(value[i], freeze) + 1 }
    else for (const key in value) size += key.length + 4 + jsonSize3(value[key], freeze)
    if (freeze) Object.freeze(value)
    return size
  }
  if (typeof value === "number") return (value | 0) === value && value >= 0 ? (value < 10 ? 1 : value < 100 ? 2 : String(value).length) : String(value).length
  return typeof value === "boolean" ? (value ? 4 : 5) : 0
}
let objs = 0
const count = (v) => { if (typeof v === "object" && v !== null) { objs++; for (const k in v) count(v[k]) } }
await Effect.runPromise(Effect.gen(function*() {
  const files = yield* TemplateFiles.fromDirectory(dir)
  const t = yield* CompiledTemplate.compile(files)
  let r = Renderer.renderTemplate(t, { owner, values: {} })
  count(r.output); console.log("objects", objs, "json bytes", JSON.stringify(r.output).length)
  const N = 20000
  for (let round = 0; round < 3; round++) {
    const outs = []; for (let i = 0; i < N; i++) outs.push(Renderer.renderTemplate(t, { owner, values: { x: String(i) } }).output)
    for (const [name, f] of [["size", (o) => jsonSize(o, false)], ["size+freeze", (o) => jsonSize(o, true)], ["size3", (o) => jsonSize3(o, false)], ["size3+freeze", (o) => jsonSize3(o, true)], ["freezeonly", (o) => { const f = (v) => { if (typeof v === "object" && v !== null) { for (const k in v) f(v[k]); Object.freeze(v) } }; f(o); return 0 }]]) {
      const batch = name.includes("freeze") ? outs.map((o) => structuredClone(o)) : outs
      const c0 = process.cpuUsage(); let s = 0; for (const o of batch) s += f(o); const u = process.cpuUsage(c0)
      console.log(name.padEnd(14), ((u.user + u.system) / N).toFixed(2), "us", s / N)
    }
  }
}).pipe(Effect.provide(Layer.mergeAll(HclParser.layer, NodeContext.layer))))
