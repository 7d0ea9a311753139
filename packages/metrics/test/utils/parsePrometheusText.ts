/**
 * A strict parser for the Prometheus text exposition format 0.0.4, used to check warmpool's
 * output. It rejects what Prometheus' own parser rejects (bad names, bad escapes, TYPE after a
 * sample, duplicate series, malformed histograms) and returns the parsed families.
 */

export interface Sample {
  readonly name: string
  readonly labels: Record<string, string>
  readonly value: number
}

export interface Family {
  readonly name: string
  help?: string
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped"
  readonly samples: Array<Sample>
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const types = new Set(["counter", "gauge", "histogram", "summary", "untyped"])

const parseValue = (text: string, line: number): number => {
  if (text === "+Inf") return Infinity
  if (text === "-Inf") return -Infinity
  if (text === "NaN") return NaN
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw new Error(`line ${line}: invalid sample value ${JSON.stringify(text)}`)
  }
  return Number(text)
}

const unescapeHelp = (text: string, line: number): string =>
  text.replace(/\\(.?)/g, (_, c: string) => {
    if (c === "\\") return "\\"
    if (c === "n") return "\n"
    throw new Error(`line ${line}: invalid escape \\${c} in HELP`)
  })

/** Parse `{a="x",b="y"}` starting at `text[0] === "{"`; returns the labels and the rest. */
const parseLabels = (text: string, line: number): [Record<string, string>, string] => {
  const labels: Record<string, string> = {}
  let i = 1
  while (true) {
    if (text[i] === "}") return [labels, text.slice(i + 1)]
    const eq = text.indexOf("=", i)
    if (eq < 0) throw new Error(`line ${line}: unterminated label set`)
    const name = text.slice(i, eq)
    if (!labelName.test(name)) throw new Error(`line ${line}: invalid label name ${JSON.stringify(name)}`)
    if (name in labels) throw new Error(`line ${line}: duplicate label ${name}`)
    if (text[eq + 1] !== "\"") throw new Error(`line ${line}: label value must be quoted`)
    let value = ""
    let j = eq + 2
    for (;; j++) {
      const c = text[j]
      if (c === undefined) throw new Error(`line ${line}: unterminated label value`)
      if (c === "\"") break
      if (c === "\n") throw new Error(`line ${line}: raw newline in label value`)
      if (c === "\\") {
        const next = text[++j]
        if (next === "\\") value += "\\"
        else if (next === "\"") value += "\""
        else if (next === "n") value += "\n"
        else throw new Error(`line ${line}: invalid escape \\${next} in label value`)
      } else {
        value += c
      }
    }
    labels[name] = value
    i = j + 1
    if (text[i] === ",") i++
    else if (text[i] !== "}") throw new Error(`line ${line}: expected , or } after label value`)
  }
}

const familyOf = (families: Map<string, Family>, sampleName: string): Family | undefined => {
  const direct = families.get(sampleName)
  if (direct) return direct
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (sampleName.endsWith(suffix)) {
      const family = families.get(sampleName.slice(0, -suffix.length))
      if (family && (family.type === "histogram" || family.type === "summary")) return family
    }
  }
  return undefined
}

export const parsePrometheusText = (text: string): Map<string, Family> => {
  if (text.length > 0 && !text.endsWith("\n")) throw new Error("exposition must end with a newline")
  const families = new Map<string, Family>()
  const seenSeries = new Set<string>()
  const lines = text.split("\n")
  lines.forEach((raw, index) => {
    const line = index + 1
    if (raw.trim() === "") return
    if (raw.startsWith("#")) {
      const match = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw)
      if (!match) return // a plain comment
      const [, keyword, name, rest = ""] = match
      if (!metricName.test(name!)) throw new Error(`line ${line}: invalid metric name ${JSON.stringify(name)}`)
      let family = families.get(name!)
      if (keyword === "TYPE") {
        if (!types.has(rest.trim())) throw new Error(`line ${line}: invalid type ${JSON.stringify(rest)}`)
        if (family?.samples.length) throw new Error(`line ${line}: TYPE for ${name} after its samples`)
        if (family && family.type !== "untyped") throw new Error(`line ${line}: second TYPE for ${name}`)
        if (!family) {
          family = { name: name!, type: "untyped", samples: [] }
          families.set(name!, family)
        }
        family.type = rest.trim() as Family["type"]
      } else {
        if (family?.help !== undefined) throw new Error(`line ${line}: second HELP for ${name}`)
        if (!family) {
          family = { name: name!, type: "untyped", samples: [] }
          families.set(name!, family)
        }
        family.help = unescapeHelp(rest, line)
      }
      return
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw)
    if (!nameMatch) throw new Error(`line ${line}: invalid sample ${JSON.stringify(raw)}`)
    const name = nameMatch[0]
    let rest = raw.slice(name.length)
    let labels: Record<string, string> = {}
    if (rest.startsWith("{")) [labels, rest] = parseLabels(rest, line)
    const parts = rest.trim().split(/\s+/)
    if (!rest.startsWith(" ") || parts.length < 1 || parts.length > 2) {
      throw new Error(`line ${line}: expected a value after the series`)
    }
    const value = parseValue(parts[0]!, line)
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`line ${line}: invalid timestamp`)
    const family = familyOf(families, name) ?? (() => {
      const f: Family = { name, type: "untyped", samples: [] }
      families.set(name, f)
      return f
    })()
    const key = `${name}{${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(",")}}`
    if (seenSeries.has(key)) throw new Error(`line ${line}: duplicate series ${key}`)
    seenSeries.add(key)
    family.samples.push({ name, labels, value })
  })
  for (const family of families.values()) checkFamily(family)
  return families
}

const checkFamily = (family: Family): void => {
  if (family.type === "counter") {
    for (const sample of family.samples) {
      if (sample.name !== family.name) throw new Error(`counter ${family.name} has sample ${sample.name}`)
      if (!(sample.value >= 0)) throw new Error(`counter ${family.name} is negative`)
    }
  }
  if (family.type === "histogram") {
    const series = new Map<string, { buckets: Array<[number, number]>; sum?: number; count?: number }>()
    for (const sample of family.samples) {
      const { le, ...others } = sample.labels
      const key = JSON.stringify(Object.keys(others).sort().map((k) => [k, others[k]]))
      const entry = series.get(key) ?? { buckets: [] }
      series.set(key, entry)
      if (sample.name === `${family.name}_bucket`) {
        if (le === undefined) throw new Error(`histogram ${family.name} bucket without le`)
        entry.buckets.push([parseValue(le, 0), sample.value])
      } else if (sample.name === `${family.name}_sum`) entry.sum = sample.value
      else if (sample.name === `${family.name}_count`) entry.count = sample.value
      else throw new Error(`histogram ${family.name} has sample ${sample.name}`)
    }
    for (const entry of series.values()) {
      const buckets = entry.buckets.sort((a, b) => a[0] - b[0])
      const inf = buckets[buckets.length - 1]
      if (!inf || inf[0] !== Infinity) throw new Error(`histogram ${family.name} lacks the +Inf bucket`)
      for (let i = 1; i < buckets.length; i++) {
        if (buckets[i]![1] < buckets[i - 1]![1]) throw new Error(`histogram ${family.name} buckets not cumulative`)
      }
      if (entry.count === undefined || entry.sum === undefined) {
        throw new Error(`histogram ${family.name} lacks _sum or _count`)
      }
      if (entry.count !== inf[1]) throw new Error(`histogram ${family.name}: _count differs from the +Inf bucket`)
    }
  }
}

/** The value of one series, or undefined. */
export const sampleValue = (
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string> = {}
): number | undefined => {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue
      const keys = Object.keys(labels)
      if (keys.every((k) => sample.labels[k] === labels[k]) && Object.keys(sample.labels).length === keys.length) {
        return sample.value
      }
    }
  }
  return undefined
}
