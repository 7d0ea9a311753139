/**
 * The web console's pure logic: stale-response guard, debounce, form type → control, value
 * encoding, owner and template selection, pools, hit rate, routing, icons, token storage and the
 * API client's failure values.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { describeFailure, makeApiClient } from "../../packages/server/web/src/api/client.js"
import type {
  OwnerSecret,
  Parameter,
  PresetPool,
  RenderResult,
  SecretRequirement,
  TemplateSummary
} from "../../packages/server/web/src/api/types.js"
import {
  controlFor,
  defaultSliderRange,
  isGroup,
  validationHint
} from "../../packages/server/web/src/logic/controls.js"
import type { Timers } from "../../packages/server/web/src/logic/debounce.js"
import { debounce } from "../../packages/server/web/src/logic/debounce.js"
import { formatDuration, formatPercent, formatUntil } from "../../packages/server/web/src/logic/format.js"
import { resolveSelection, selectableTemplates } from "../../packages/server/web/src/logic/formDraft.js"
import { chartGeometry, hitRates, latestRate } from "../../packages/server/web/src/logic/hitRate.js"
import { iconSource } from "../../packages/server/web/src/logic/icon.js"
import { makeLatestGate } from "../../packages/server/web/src/logic/LatestGate.js"
import { ownerOf, parseGroups } from "../../packages/server/web/src/logic/owner.js"
import {
  canResume,
  fillOf,
  groupByTemplate,
  needsAttention,
  stateLabel
} from "../../packages/server/web/src/logic/pools.js"
import { buildsHref, parseBuildsFilter, parseRoute } from "../../packages/server/web/src/logic/route.js"
import { parseSecrets, secretRows, secretSummary } from "../../packages/server/web/src/logic/secrets.js"
import { makeTokenStore, tokenFromHash, tokenKey } from "../../packages/server/web/src/logic/token.js"
import { visibleDiagnostics } from "../../packages/server/web/src/logic/touched.js"
import {
  addTag,
  decodeBool,
  decodeList,
  displayValue,
  editsFromPreset,
  encodeBool,
  encodeList,
  setEdit,
  toggleItem
} from "../../packages/server/web/src/logic/values.js"

const valid = (value: string) => ({ value, valid: true })

const parameter = (overrides: Partial<Parameter> = {}): Parameter => ({
  name: "p",
  display_name: "",
  description: "",
  type: "string",
  form_type: "input",
  styling: {},
  mutable: true,
  default_value: valid(""),
  icon: "",
  options: [],
  validations: [],
  required: false,
  order: 0,
  ephemeral: false,
  value: valid(""),
  diagnostics: [],
  ...overrides
})

const option = (name: string, value: string, ok = true) => ({
  name,
  description: "",
  value: { value: ok ? value : "", valid: ok },
  icon: ""
})

/** A timer the test advances by hand. */
const manualTimers = () => {
  let now = 0
  let next = 1
  const pending = new Map<number, { at: number; run: () => void }>()
  const timers: Timers = {
    set: (run, ms) => {
      const id = next++
      pending.set(id, { at: now + ms, run })
      return id
    },
    clear: (handle) => {
      pending.delete(handle as number)
    }
  }
  const advance = (ms: number) => {
    now += ms
    for (const [id, timer] of [...pending.entries()].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at <= now) {
        pending.delete(id)
        timer.run()
      }
    }
  }
  return { timers, advance, pending: () => pending.size }
}

/** The origin the API client tests use (Node has no page origin to resolve `/api/v1` against). */
const baseUrl = "http://console.test"

/** A render output with nothing in it, as the server encodes one. */
const emptyOutput = {
  parameters: [],
  presets: [],
  tags: {},
  unusable_tags: [],
  variables: [],
  secret_requirements: [],
  diagnostics: []
}

/** A request body as text (the client sends JSON as bytes). */
const bodyText = (init: RequestInit | undefined): string =>
  typeof init?.body === "string" ? init.body : new TextDecoder().decode(init?.body as Uint8Array)

describe("LatestGate (stale responses)", () => {
  it("only the latest ticket applies", () => {
    const gate = makeLatestGate()
    const first = gate.issue()
    const second = gate.issue()
    expect(gate.isLatest(first)).toBe(false)
    expect(gate.isLatest(second)).toBe(true)
  })

  it("invalidate makes the outstanding ticket stale", () => {
    const gate = makeLatestGate()
    const ticket = gate.issue()
    gate.invalidate()
    expect(gate.isLatest(ticket)).toBe(false)
    expect(gate.isLatest(gate.issue())).toBe(true)
  })

  it("responses arriving in any order: exactly the newest request's response is applied", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }))
        ),
        ([n, arrival]) => {
          const gate = makeLatestGate()
          const tickets = Array.from({ length: n }, () => gate.issue())
          const applied = arrival.filter((i) => gate.isLatest(tickets[i]!))
          expect(applied).toEqual([n - 1])
        }
      )
    )
  })
})

describe("debounce", () => {
  it("runs once with the last arguments after the wait", () => {
    const clock = manualTimers()
    const calls: Array<string> = []
    const run = debounce((v: string) => calls.push(v), 250, clock.timers)
    run("a")
    clock.advance(100)
    run("ab")
    clock.advance(100)
    run("abc")
    clock.advance(249)
    expect(calls).toEqual([])
    expect(run.pending()).toBe(true)
    clock.advance(1)
    expect(calls).toEqual(["abc"])
    expect(run.pending()).toBe(false)
  })

  it("separate bursts run separately", () => {
    const clock = manualTimers()
    const calls: Array<number> = []
    const run = debounce((v: number) => calls.push(v), 250, clock.timers)
    run(1)
    clock.advance(300)
    run(2)
    clock.advance(300)
    expect(calls).toEqual([1, 2])
  })

  it("cancel drops the call; flush runs it now", () => {
    const clock = manualTimers()
    const calls: Array<number> = []
    const run = debounce((v: number) => calls.push(v), 250, clock.timers)
    run(1)
    run.cancel()
    clock.advance(1000)
    expect(calls).toEqual([])
    expect(clock.pending()).toBe(0)
    run(2)
    run.flush()
    expect(calls).toEqual([2])
    clock.advance(1000)
    expect(calls).toEqual([2])
    run.flush()
    expect(calls).toEqual([2])
  })

  it("any sequence of calls closer than the wait gives one call", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 249 }), { minLength: 1, maxLength: 30 }), (gaps) => {
        const clock = manualTimers()
        const calls: Array<number> = []
        const run = debounce((v: number) => calls.push(v), 250, clock.timers)
        gaps.forEach((gap, i) => {
          run(i)
          clock.advance(gap)
        })
        clock.advance(250)
        expect(calls).toEqual([gaps.length - 1])
      })
    )
  })
})

describe("controlFor (form_type → control)", () => {
  const table: ReadonlyArray<readonly [string, Partial<Parameter>, string]> = [
    ["radio", { form_type: "radio", options: [option("A", "a")] }, "radio"],
    ["dropdown", { form_type: "dropdown", options: [option("A", "a")] }, "dropdown"],
    ["input string", { form_type: "input" }, "input"],
    ["textarea", { form_type: "textarea" }, "textarea"],
    ["slider", { form_type: "slider", type: "number" }, "slider"],
    ["checkbox", { form_type: "checkbox", type: "bool" }, "checkbox"],
    ["switch", { form_type: "switch", type: "bool" }, "switch"],
    ["multi-select", { form_type: "multi-select", type: "list(string)", options: [option("A", "a")] }, "multi-select"],
    ["tag-select", { form_type: "tag-select", type: "list(string)" }, "tag-select"],
    ["error", { form_type: "error" }, "error"]
  ]
  for (const [title, overrides, kind] of table) {
    it(`${title} → ${kind}`, () => {
      expect(controlFor(parameter(overrides)).kind).toBe(kind)
    })
  }

  it("input type follows the parameter type and mask_input", () => {
    expect(controlFor(parameter({ form_type: "input" }))).toMatchObject({ inputType: "text" })
    expect(controlFor(parameter({ form_type: "input", type: "number" }))).toMatchObject({ inputType: "number" })
    expect(controlFor(parameter({ form_type: "input", styling: { mask_input: true } }))).toMatchObject({
      inputType: "password"
    })
    expect(controlFor(parameter({ form_type: "textarea", styling: { mask_input: true } }))).toMatchObject({
      masked: true
    })
  })

  it("placeholder and label styling reach the control", () => {
    expect(controlFor(parameter({ form_type: "input", styling: { placeholder: "https://…" } }))).toMatchObject({
      placeholder: "https://…"
    })
    expect(controlFor(parameter({ form_type: "switch", type: "bool", styling: { label: "Enable" } }))).toMatchObject({
      inlineLabel: "Enable"
    })
  })

  it("slider bounds come from the validation block, with defaults for open bounds", () => {
    const bounded = parameter({
      form_type: "slider",
      type: "number",
      validations: [{
        validation_error: "",
        validation_regex: null,
        validation_min: 1,
        validation_max: 8,
        validation_monotonic: null
      }]
    })
    expect(controlFor(bounded)).toEqual({ kind: "slider", min: 1, max: 8, step: 1 })
    expect(controlFor(parameter({ form_type: "slider", type: "number" }))).toEqual({
      kind: "slider",
      ...defaultSliderRange,
      step: 1
    })
    const onlyMin = parameter({
      form_type: "slider",
      type: "number",
      validations: [{
        validation_error: "",
        validation_regex: null,
        validation_min: 150,
        validation_max: null,
        validation_monotonic: null
      }]
    })
    expect(controlFor(onlyMin)).toMatchObject({ min: 150, max: 150 })
  })

  it("choices use the option name as label and cannot pick unresolved values", () => {
    const control = controlFor(
      parameter({ form_type: "radio", options: [option("Go", "go"), option("?", "x", false)] })
    )
    expect(control).toEqual({
      kind: "radio",
      choices: [
        { label: "Go", value: "go", description: "", icon: "", selectable: true },
        { label: "?", value: "", description: "", icon: "", selectable: false }
      ]
    })
  })

  it("radio and multi-select are groups (fieldset + legend); the rest are single controls", () => {
    expect(isGroup(controlFor(parameter({ form_type: "radio" })))).toBe(true)
    expect(isGroup(controlFor(parameter({ form_type: "multi-select", type: "list(string)" })))).toBe(true)
    expect(isGroup(controlFor(parameter({ form_type: "dropdown" })))).toBe(false)
    expect(isGroup(controlFor(parameter({ form_type: "checkbox", type: "bool" })))).toBe(false)
  })
})

describe("validationHint", () => {
  const bounds = (min: number | null, max: number | null, monotonic: string | null = null) => [{
    validation_error: "",
    validation_regex: null,
    validation_min: min,
    validation_max: max,
    validation_monotonic: monotonic
  }]
  const table: ReadonlyArray<readonly [string, Partial<Parameter>, string | undefined]> = [
    ["min and max", { type: "number", validations: bounds(1, 16) }, "From 1 to 16."],
    ["min only", { type: "number", validations: bounds(2, null) }, "At least 2."],
    ["max only", { type: "number", validations: bounds(null, 9) }, "At most 9."],
    [
      "monotonic",
      { type: "number", validations: bounds(1, 64, "increasing") },
      "From 1 to 64; can only increase when the workspace is updated."
    ],
    [
      "monotonic alone",
      { type: "number", validations: bounds(null, null, "decreasing") },
      "Can only decrease when the workspace is updated."
    ],
    ["slider shows its own bounds", { type: "number", form_type: "slider", validations: bounds(1, 8) }, undefined],
    ["no validation", { type: "number" }, undefined],
    ["not a number", { type: "string", validations: bounds(1, 2) }, undefined]
  ]
  for (const [title, overrides, expected] of table) {
    it(title, () => {
      expect(validationHint(parameter(overrides))).toBe(expected)
    })
  }
})

describe("value encoding", () => {
  it("bools are \"true\"/\"false\"; reading accepts Go ParseBool's true spellings", () => {
    expect(encodeBool(true)).toBe("true")
    expect(encodeBool(false)).toBe("false")
    for (const t of ["true", "1", "t", "T", "TRUE", "True"]) expect(decodeBool(t)).toBe(true)
    for (const f of ["false", "0", "", "yes", "data.coder_parameter.x.value"]) expect(decodeBool(f)).toBe(false)
  })

  it("lists are JSON array text and round-trip", () => {
    expect(encodeList(["code-server", "jupyter"])).toBe("[\"code-server\",\"jupyter\"]")
    expect(encodeList([])).toBe("[]")
    fc.assert(fc.property(fc.array(fc.string()), (items) => {
      expect(decodeList(encodeList(items))).toEqual(items)
    }))
  })

  it("decodeList rejects what is not a JSON array of strings", () => {
    for (const text of ["", "x", "{}", "[1]", "[\"a\",null]", "\"a\""]) expect(decodeList(text)).toBeUndefined()
  })

  it("toggleItem keeps option order and leaves foreign items after", () => {
    const order = ["a", "b", "c"]
    expect(toggleItem(["c"], "a", true, order)).toEqual(["a", "c"])
    expect(toggleItem(["a", "c"], "a", false, order)).toEqual(["c"])
    expect(toggleItem(["z", "b"], "a", true, order)).toEqual(["a", "b", "z"])
    expect(toggleItem(["a"], "a", true, order)).toEqual(["a"])
  })

  it("addTag trims and ignores empty or repeated tags", () => {
    expect(addTag(["a"], "  b ")).toEqual(["a", "b"])
    expect(addTag(["a"], "a")).toEqual(["a"])
    expect(addTag(["a"], "   ")).toEqual(["a"])
  })

  it("the control shows the user's edit, else the valid value, else nothing", () => {
    const p = parameter({ name: "cpus", value: valid("2") })
    expect(displayValue(p, {})).toBe("2")
    expect(displayValue(p, { cpus: "12" })).toBe("12")
    expect(displayValue(parameter({ value: { value: "data.coder_parameter.p.value", valid: false } }), {})).toBe("")
  })

  it("setEdit sets and clears without touching the input", () => {
    const edits = { a: "1" }
    expect(setEdit(edits, "b", "2")).toEqual({ a: "1", b: "2" })
    expect(setEdit(edits, "a", undefined)).toEqual({})
    expect(edits).toEqual({ a: "1" })
  })

  it("a preset replaces the edits with exactly its parameters", () => {
    expect(editsFromPreset({ parameters: { stack: "python", cpus: "4" } })).toEqual({ stack: "python", cpus: "4" })
  })
})

describe("owner", () => {
  it("groups are split on commas and newlines, trimmed, deduplicated", () => {
    expect(parseGroups(" platform, data ,,platform\nops ")).toEqual(["platform", "data", "ops"])
    expect(parseGroups("")).toEqual([])
  })

  it("the owner object has every field", () => {
    expect(ownerOf({ name: " alice ", groups: "platform" })).toEqual({
      id: "",
      name: "alice",
      full_name: "",
      email: "",
      ssh_public_key: "",
      groups: ["platform"],
      login_type: "",
      rbac_roles: [],
      secrets: []
    })
    expect(ownerOf({ name: "a", groups: "", secrets: "GH_TOKEN, ~/.ssh/id" }).secrets).toEqual([
      { env: "GH_TOKEN" },
      { file: "~/.ssh/id" }
    ])
  })
})

describe("secret requirements on the form", () => {
  const parseTable: ReadonlyArray<readonly [string, ReadonlyArray<OwnerSecret>]> = [
    ["", []],
    [" , ,\n", []],
    ["GH_TOKEN", [{ env: "GH_TOKEN" }]],
    ["_x1", [{ env: "_x1" }]],
    ["~/.ssh/id_ed25519", [{ file: "~/.ssh/id_ed25519" }]],
    ["/etc/key, ./rel", [{ file: "/etc/key" }, { file: "./rel" }]],
    ["1TOKEN", [{ file: "1TOKEN" }]],
    ["env: A-B , file: TOKEN", [{ env: "A-B" }, { file: "TOKEN" }]],
    ["A, A, file:A, env:A", [{ env: "A" }, { file: "A" }]],
    ["env:, file:", []],
    ["A\nB", [{ env: "A" }, { env: "B" }]]
  ]
  for (const [text, expected] of parseTable) {
    it(`parseSecrets(${JSON.stringify(text)})`, () => expect(parseSecrets(text)).toEqual(expected))
  }

  it("parseSecrets: every secret has exactly one non-empty, trimmed name, each once", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const secrets = parseSecrets(text)
        const keys = secrets.map((s) => {
          const names = [s.env, s.file].filter((n) => n !== undefined)
          expect(names).toHaveLength(1)
          expect(names[0]).not.toBe("")
          expect(names[0]).toBe(names[0]!.trim())
          return `${s.env === undefined ? "file" : "env"}:${names[0]}`
        })
        expect(new Set(keys).size).toBe(keys.length)
      })
    )
  })

  const requirement = (env: string, file: string, satisfied?: boolean): SecretRequirement => ({
    env,
    file,
    help_message: `help ${env}${file}`,
    ...(satisfied === undefined ? {} : { satisfied })
  })
  const output = (requirements: ReadonlyArray<SecretRequirement>) =>
    ({ parameters: [], presets: [], diagnostics: [], secret_requirements: requirements }) as unknown as RenderResult

  const rowsTable: ReadonlyArray<{
    readonly name: string
    readonly requirements: ReadonlyArray<SecretRequirement>
    readonly statuses: ReadonlyArray<string>
    readonly summary: string
  }> = [
    { name: "none", requirements: [], statuses: [], summary: "" },
    {
      name: "one provided",
      requirements: [requirement("A", "", true)],
      statuses: ["satisfied"],
      summary: "The secret is provided"
    },
    {
      name: "all provided",
      requirements: [requirement("A", "", true), requirement("", "/f", true)],
      statuses: ["satisfied", "satisfied"],
      summary: "All 2 secrets provided"
    },
    {
      name: "some missing",
      requirements: [requirement("A", "", true), requirement("", "/f", false), requirement("B", "", false)],
      statuses: ["satisfied", "missing", "missing"],
      summary: "2 of 3 secrets missing"
    },
    {
      name: "no status from the server",
      requirements: [requirement("A", ""), requirement("", "/f")],
      statuses: ["unknown", "unknown"],
      summary: "2 secrets required"
    }
  ]
  for (const { name, requirements, statuses, summary } of rowsTable) {
    it(`rows and summary: ${name}`, () => {
      const rows = secretRows(output(requirements))
      expect(rows.map((r) => r.status)).toEqual(statuses)
      expect(rows.map((r) => [r.kind, r.name, r.help])).toEqual(
        requirements.map((r) => [r.env !== "" ? "env" : "file", r.env || r.file, r.help_message])
      )
      expect(secretSummary(rows)).toBe(summary)
    })
  }

  it("an output without secret_requirements (an older server) has no rows", () => {
    expect(secretRows({ parameters: [] } as unknown as RenderResult)).toEqual([])
  })

  it("the render request carries the owner's secret names", async () => {
    let body: unknown
    const client = makeApiClient({
      baseUrl,
      token: () => undefined,
      onUnauthorized: () => {},
      fetch: async (_input, init) => {
        body = JSON.parse(bodyText(init))
        return new Response(
          JSON.stringify({
            ...emptyOutput,
            secret_requirements: [requirement("GH_TOKEN", "", true)]
          }),
          { status: 200 }
        )
      }
    })
    const result = await client.render("v", {
      owner: ownerOf({ name: "a", groups: "", secrets: "GH_TOKEN" }),
      values: {}
    })
    expect((body as { owner: { secrets: unknown } }).owner.secrets).toEqual([{ env: "GH_TOKEN" }])
    expect(result.ok ? undefined : result.failure).toBeUndefined()
    expect(result.ok && secretRows(result.value).map((r) => r.status)).toEqual(["satisfied"])
  })
})

describe("template selection", () => {
  const template = (id: string, name: string, versions: Array<string>, active: string | null, deleted = false) => ({
    id,
    name,
    activeVersionId: active,
    deleted,
    deprecationMessage: "",
    versions: versions.map((v) => ({ id: v, name: v, createdAt: "", active: v === active }))
  } satisfies TemplateSummary)
  const templates = [
    template("t2", "zeta", ["z1"], "z1"),
    template("t1", "alpha", ["a1", "a2"], "a2"),
    template("t3", "gone", ["g1"], "g1", true)
  ]

  it("deleted templates are not offered; the rest are by name", () => {
    expect(selectableTemplates(templates).map((t) => t.name)).toEqual(["alpha", "zeta"])
  })

  it("defaults to the first template at its active version", () => {
    expect(resolveSelection(templates, { templateId: undefined, versionId: undefined })).toEqual({
      templateId: "t1",
      versionId: "a2"
    })
  })

  it("keeps a chosen template and version that still exist", () => {
    expect(resolveSelection(templates, { templateId: "t1", versionId: "a1" })).toEqual({
      templateId: "t1",
      versionId: "a1"
    })
    expect(resolveSelection(templates, { templateId: "t2", versionId: "a1" })).toEqual({
      templateId: "t2",
      versionId: "z1"
    })
    expect(resolveSelection(templates, { templateId: "t3", versionId: "g1" })).toEqual({
      templateId: "t1",
      versionId: "a2"
    })
  })

  it("without an active version the newest listed one is used; nothing to show gives undefined", () => {
    expect(resolveSelection([template("t", "t", ["v1", "v2"], null)], {
      templateId: undefined,
      versionId: undefined
    })).toEqual({ templateId: "t", versionId: "v2" })
    expect(resolveSelection([], { templateId: undefined, versionId: undefined })).toBeUndefined()
  })
})

describe("pools", () => {
  const pool = (overrides: Partial<PresetPool>): PresetPool => ({
    template: "t",
    templateId: "t",
    templateVersionId: "v",
    presetId: "p",
    preset: "p",
    desired: 2,
    running: 1,
    eligible: 1,
    status: "healthy",
    statusReason: null,
    backoffUntil: null,
    activeVersion: true,
    state: "filling",
    quarantineReason: null,
    lastError: null,
    claims: { last5m: 0, last15m: 0, last1h: 0, last24h: 0 },
    misses: { last5m: 0, last15m: 0, last1h: 0, last24h: 0 },
    policy: null,
    ...overrides
  })

  it.each(
    [
      ["filling", "Filling", false, false],
      ["ready", "Ready", false, false],
      ["backing_off", "Backing off", true, true],
      ["hard_limited", "Hard limited", true, true],
      ["validation_failed", "Validation failed", true, false],
      ["quarantined", "Quarantined", true, true],
      ["paused", "Paused", false, false],
      ["template_deleted", "Template deleted", false, false],
      ["draining", "Draining", false, false]
    ] as const
  )("state %s: label %s, attention %s, resumable %s", (state, label, attention, resumable) => {
    expect(stateLabel(state)).toBe(label)
    expect(needsAttention(state)).toBe(attention)
    expect(canResume({ state, activeVersion: true })).toBe(resumable)
    expect(canResume({ state, activeVersion: false })).toBe(false)
  })

  it("groups by template, active version first, then by preset name; totals count the active version", () => {
    const groups = groupByTemplate([
      pool({ template: "web", templateId: "w", presetId: "1", preset: "b" }),
      pool({
        template: "api",
        templateId: "a",
        presetId: "2",
        preset: "x",
        status: "validation_failed",
        state: "validation_failed"
      }),
      pool({ template: "web", templateId: "w", presetId: "3", preset: "a", activeVersion: false, eligible: 5 }),
      pool({ template: "web", templateId: "w", presetId: "4", preset: "c" })
    ])
    expect(groups.map((g) => g.template)).toEqual(["api", "web"])
    expect(groups[1]!.pools.map((p) => p.presetId)).toEqual(["1", "4", "3"])
    expect(groups[1]).toMatchObject({ desired: 4, eligible: 2, troubled: 0 })
    expect(groups[0]).toMatchObject({ troubled: 1 })
  })

  it("fill is a fraction of desired, clamped", () => {
    expect(fillOf({ desired: 4, running: 3, eligible: 1 })).toEqual({ running: 0.75, eligible: 0.25 })
    expect(fillOf({ desired: 2, running: 5, eligible: 3 })).toEqual({ running: 1, eligible: 1 })
    expect(fillOf({ desired: 0, running: 1, eligible: 0 })).toEqual({ running: 1, eligible: 0 })
  })
})

describe("hit rate", () => {
  const cycle = (n: number, hits: number, misses: number) => ({ cycle: n, cacheHits: hits, cacheMisses: misses })

  it("is hits / (hits + misses) per cycle, null without lookups", () => {
    expect(hitRates([cycle(1, 3, 1), cycle(2, 0, 0), cycle(3, 0, 4)])).toEqual([
      { cycle: 1, rate: 0.75 },
      { cycle: 2, rate: null },
      { cycle: 3, rate: 0 }
    ])
    expect(latestRate(hitRates([cycle(1, 1, 1), cycle(2, 0, 0)]))).toEqual({ cycle: 1, rate: 0.5 })
    expect(latestRate([])).toBeUndefined()
  })

  it("the chart spans the box, 100% at the top, and breaks the line at cycles without lookups", () => {
    const box = { width: 100, height: 60, left: 10, right: 10, top: 5, bottom: 5 }
    const geometry = chartGeometry(hitRates([cycle(1, 0, 1), cycle(2, 1, 0), cycle(3, 0, 0), cycle(4, 1, 1)]), box)
    expect(geometry.dots.map((d) => [d.x, d.y])).toEqual([[10, 55], [36.7, 5], [90, 30]])
    expect(geometry.path).toBe("M10 55 L36.7 5 M90 30")
    // Every cycle is plotted: the one without lookups on the baseline.
    expect(geometry.idle).toEqual([{ x: 63.3, y: 55, cycle: 3 }])
    expect(geometry.dots.length + geometry.idle.length).toBe(4)
    expect(geometry.yOf(1)).toBe(5)
    expect(geometry.yOf(0)).toBe(55)
  })

  it("every dot lies inside the box", () => {
    const box = { width: 560, height: 170, left: 44, right: 16, top: 14, bottom: 28 }
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(100), fc.nat(100)), { maxLength: 40 }), (counts) => {
      const g = chartGeometry(hitRates(counts.map(([h, m], i) => cycle(i, h, m))), box)
      for (const dot of g.dots) {
        expect(dot.x).toBeGreaterThanOrEqual(box.left)
        expect(dot.x).toBeLessThanOrEqual(box.width - box.right)
        expect(dot.y).toBeGreaterThanOrEqual(box.top)
        expect(dot.y).toBeLessThanOrEqual(box.height - box.bottom)
      }
    }))
  })
})

describe("required-field errors", () => {
  const required = {
    severity: "error",
    summary: "Required parameter not provided",
    detail: "",
    extra: { code: "required" }
  } as const
  const other = { severity: "error", summary: "Out of range", detail: "", extra: { code: "" } } as const
  it("hide the required error until the field is touched; other diagnostics always show", () => {
    expect(visibleDiagnostics([required, other], false)).toEqual([other])
    expect(visibleDiagnostics([required, other], true)).toEqual([required, other])
    expect(visibleDiagnostics([], false)).toEqual([])
  })
})

describe("formatting, routes, icons", () => {
  it("formats percentages and durations", () => {
    expect(formatPercent(0.934)).toBe("93%")
    expect(formatPercent(null)).toBe("–")
    expect(formatDuration(850)).toBe("850 ms")
    expect(formatDuration(1250)).toBe("1.3 s")
    expect(formatDuration(60_000)).toBe("1 min")
    expect(formatDuration(5_400_000)).toBe("1.5 h")
    expect(formatUntil("2026-01-01T00:01:30Z", Date.parse("2026-01-01T00:00:00Z"))).toBe("in 1.5 min")
    expect(formatUntil("2026-01-01T00:00:00Z", Date.parse("2026-01-01T00:00:01Z"))).toBe("passed")
  })

  it("routes by hash: #/pools is the dashboard, anything else the form", () => {
    expect(parseRoute("#/pools")).toBe("pools")
    expect(parseRoute("#pools")).toBe("pools")
    expect(parseRoute("#/pools?x=1")).toBe("pools")
    expect(parseRoute("#/form")).toBe("form")
    expect(parseRoute("")).toBe("form")
    expect(parseRoute("#/poolsx")).toBe("form")
    expect(parseRoute("#/builds?template=t&preset=p")).toBe("builds")
  })

  it("the builds view's filters round-trip through the hash, names with any characters included", () => {
    fc.assert(fc.property(
      fc.record({
        template: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        preset: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
        status: fc.option(fc.constantFrom("failed", "succeeded"), { nil: undefined })
      }),
      (filter) => {
        const href = buildsHref(filter)
        expect(parseRoute(href)).toBe("builds")
        expect(parseBuildsFilter(href)).toEqual(filter)
      }
    ))
    expect(parseBuildsFilter("#/builds")).toEqual({})
    expect(buildsHref({ template: "a b", preset: "x/y" })).toBe("#/builds?template=a+b&preset=x%2Fy")
  })

  it("icons are local paths or inline images, never remote", () => {
    expect(iconSource("/icon/go.svg")).toBe("/icon/go.svg")
    expect(iconSource("icons/x.png")).toBe("icons/x.png")
    expect(iconSource("data:image/png;base64,AAAA")).toBe("data:image/png;base64,AAAA")
    for (const remote of ["https://x.io/a.svg", "http://x/a.png", "//cdn.x/a.svg", "javascript:alert(1)", "", " "]) {
      expect(iconSource(remote)).toBeUndefined()
    }
  })
})

describe("token from the login link", () => {
  const table: ReadonlyArray<readonly [string, string | undefined, string]> = [
    ["#token=abc", "abc", ""],
    ["#token=a%2Bb%3D", "a+b=", ""],
    ["#token=abc&/pools", "abc", "#/pools"],
    ["#token=", undefined, ""],
    ["#token=%E0%A4%A", undefined, ""],
    ["#/pools", undefined, "#/pools"],
    ["", undefined, ""],
    ["#/form?token=abc", undefined, "#/form?token=abc"]
  ]
  for (const [hash, token, rest] of table) {
    it(`${JSON.stringify(hash)} → ${JSON.stringify(token)}, hash ${JSON.stringify(rest)}`, () => {
      expect(tokenFromHash(hash)).toEqual({ token, hash: rest })
    })
  }
})

describe("token store", () => {
  const memory = () => {
    const map = new Map<string, string>()
    return {
      map,
      storage: {
        getItem: (k: string) => map.get(k) ?? null,
        setItem: (k: string, v: string) => void map.set(k, v),
        removeItem: (k: string) => void map.delete(k)
      }
    }
  }

  it("writes, reads and clears under its key", () => {
    const { map, storage } = memory()
    const store = makeTokenStore(storage)
    expect(store.read()).toBeUndefined()
    expect(store.write("s3cret")).toBe(true)
    expect(map.get(tokenKey)).toBe("s3cret")
    expect(store.read()).toBe("s3cret")
    store.clear()
    expect(store.read()).toBeUndefined()
  })

  it("a storage that throws (or none) is answered, not thrown", () => {
    const broken = {
      getItem: () => {
        throw new Error("denied")
      },
      setItem: () => {
        throw new Error("quota")
      },
      removeItem: () => {
        throw new Error("denied")
      }
    }
    const store = makeTokenStore(broken)
    expect(store.read()).toBeUndefined()
    expect(store.write("x")).toBe(false)
    expect(() => store.clear()).not.toThrow()
    expect(makeTokenStore(undefined).write("x")).toBe(false)
  })
})

describe("API client", () => {
  const respond = (status: number, body: unknown): typeof fetch => async () =>
    new Response(typeof body === "string" ? body : JSON.stringify(body), { status })

  it("sends the bearer token and decodes a good response", async () => {
    let seen: Headers | undefined
    const client = makeApiClient({
      baseUrl,
      token: () => "t0k",
      onUnauthorized: () => {},
      fetch: async (_input, init) => {
        seen = new Headers(init?.headers)
        return new Response(JSON.stringify({ paused: true }), { status: 200 })
      }
    })
    expect(await client.setPaused(true)).toEqual({ ok: true, value: { paused: true } })
    expect(seen?.get("authorization")).toBe("Bearer t0k")
  })

  it("401 calls onUnauthorized and is a value", async () => {
    let calls = 0
    const client = makeApiClient({
      baseUrl,
      token: () => "bad",
      onUnauthorized: () => calls++,
      fetch: respond(401, { _tag: "Unauthorized", message: "no" })
    })
    const result = await client.templates()
    expect(result).toEqual({ ok: false, failure: { _tag: "Unauthorized", message: "no" } })
    expect(calls).toBe(1)
  })

  it("HTTP errors, network errors and malformed bodies are values with readable messages", async () => {
    const base = { baseUrl, token: () => undefined, onUnauthorized: () => {} }
    const notFound = await makeApiClient({ ...base, fetch: respond(404, { _tag: "NotFound", message: "No v" }) })
      .render("v", { owner: ownerOf({ name: "", groups: "" }), values: {} })
    expect(notFound).toEqual({
      ok: false,
      failure: { _tag: "HttpFailure", status: 404, code: "NotFound", message: "No v" }
    })
    const offline = await makeApiClient({
      ...base,
      fetch: async () => {
        throw new TypeError("Failed to fetch")
      }
    }).presets()
    expect(offline.ok ? undefined : describeFailure(offline.failure)).toBe(
      "The server could not be reached: Failed to fetch"
    )
    const garbled = await makeApiClient({ ...base, fetch: respond(200, "<html>") }).reconciler()
    expect(garbled.ok ? undefined : garbled.failure._tag).toBe("DecodeFailure")
    const wrongShape = await makeApiClient({ ...base, fetch: respond(200, { presets: [{ preset: 1 }] }) }).presets()
    // The API's own schema decodes the answer: the first problem, with where it is.
    expect(wrongShape.ok ? undefined : wrongShape.failure).toMatchObject({
      _tag: "DecodeFailure",
      message: expect.stringMatching(/^presets\.0\.(template|preset): /)
    })
    // An answer the API does not declare keeps its status and the body's tag and message.
    const tooLarge = await makeApiClient({
      ...base,
      fetch: respond(413, { _tag: "PayloadTooLarge", message: "The request body exceeds the limit of 10 bytes." })
    }).templates()
    expect(tooLarge).toEqual({
      ok: false,
      failure: {
        _tag: "HttpFailure",
        status: 413,
        code: "PayloadTooLarge",
        message: "The request body exceeds the limit of 10 bytes."
      }
    })
    // A build status the API does not know is refused before any request.
    const unknownStatus = await makeApiClient({ ...base, fetch: respond(200, {}) }).builds({ status: "exploded" })
    expect(unknownStatus.ok ? undefined : unknownStatus.failure).toMatchObject({ _tag: "HttpFailure", status: 400 })
  })

  it("render posts to the version's encoded path", async () => {
    let url = ""
    const client = makeApiClient({
      baseUrl,
      token: () => undefined,
      onUnauthorized: () => {},
      fetch: async (input) => {
        url = String(input)
        return new Response(JSON.stringify(emptyOutput), { status: 200 })
      }
    })
    const result = await client.render("a/b c", { owner: ownerOf({ name: "", groups: "" }), values: {} })
    expect(result.ok).toBe(true)
    expect(url).toBe(`${baseUrl}/api/v1/templateversions/a%2Fb%20c/render`)
  })
})
