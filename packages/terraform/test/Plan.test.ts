import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as Plan from "../src/Plan.js"
import * as TemplateFiles from "../src/TemplateFiles.js"

const plan = (rootModule: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    format_version: "1.2",
    prior_state: { format_version: "1.0", values: { root_module: rootModule } },
    ...extra
  })

const data = (address: string, type: string, name: string, values: unknown, index?: number | string) => ({
  address,
  mode: "data",
  type,
  name,
  ...(index === undefined ? {} : { index }),
  values
})

const summary = (result: Either.Either<Plan.PlanData, unknown>) =>
  Object.fromEntries(
    [...Either.getOrThrow(result).modules].map(([address, resources]) => [
      address,
      resources.map((r) => [r.type, r.name, r.index, r.values])
    ])
  )

describe("Plan.parsePlan", () => {
  for (const text of ["", "  \n", "{}", "{ }\n"]) {
    it(`${JSON.stringify(text)} means no plan`, () => {
      const result = Plan.parsePlan(text)
      expect(Either.isRight(result) && Plan.isEmpty(result.right)).toBe(true)
    })
  }

  it("collects non-coder data sources per module instance address, with instance keys", () => {
    const text = plan({
      resources: [
        data("data.docker_registry_image.ubuntu", "docker_registry_image", "ubuntu", { sha256_digest: "abc" }),
        data("data.coder_parameter.p", "coder_parameter", "p", { value: "x" }),
        { address: "docker_image.main", mode: "managed", type: "docker_image", name: "main", values: {} },
        data("data.http.x[0]", "http", "x", { body: "0" }, 0),
        data("data.http.x[1]", "http", "x", { body: "1" }, 1)
      ],
      child_modules: [
        {
          address: "module.a[0]",
          resources: [data("module.a[0].data.external.e", "external", "e", { result: { k: "v" } })],
          child_modules: [{
            address: "module.a[0].module.b[\"k\"]",
            resources: [data("module.a[0].module.b[\"k\"].data.http.h[\"z\"]", "http", "h", { n: 1 }, "z")]
          }]
        },
        { address: "module.c", resources: [data("module.c.data.coder_workspace.me", "coder_workspace", "me", {})] }
      ]
    })
    expect(summary(Plan.parsePlan(text))).toEqual({
      "": [
        ["docker_registry_image", "ubuntu", undefined, { sha256_digest: "abc" }],
        ["http", "x", 0, { body: "0" }],
        ["http", "x", 1, { body: "1" }]
      ],
      "module.a[0]": [["external", "e", undefined, { result: { k: "v" } }]],
      "module.a[0].module.b[\"k\"]": [["http", "h", "z", { n: 1 }]]
    })
    const parsed = Either.getOrThrow(Plan.parsePlan(text))
    expect(Plan.resourcesOf(parsed, "module.c")).toEqual([])
    expect(Plan.resourcesOf(parsed, "module.a[0]").length).toBe(1)
  })

  it("reads only prior_state (not planned_values); a plan without prior_state has no data", () => {
    const onlyPlanned = JSON.stringify({
      format_version: "1.2",
      planned_values: { root_module: { resources: [data("data.http.x", "http", "x", {})] } }
    })
    expect(Plan.isEmpty(Either.getOrThrow(Plan.parsePlan(onlyPlanned)))).toBe(true)
    expect(Plan.isEmpty(Either.getOrThrow(Plan.parsePlan(JSON.stringify({ format_version: "1.0" }))))).toBe(true)
  })

  const failures: ReadonlyArray<[string, string, RegExp]> = [
    ["not JSON", "{not json", /^unable to parse plan JSON: .+/],
    ["an array", "[]", /^unable to parse plan JSON: the plan is not a JSON object$/],
    [
      "no format version",
      `{"prior_state": {}}`,
      /^unable to parse plan JSON: unexpected plan input, format version is missing$/
    ],
    [
      "an unsupported format version",
      `{"format_version": "2.0"}`,
      /^unable to parse plan JSON: unsupported plan format version: "2.0" does not satisfy ">= 0.1, < 2.0"$/
    ]
  ]
  for (const [name, text, detail] of failures) {
    it(`fails on ${name}`, () => {
      const result = Plan.parsePlan(text)
      expect(Either.isLeft(result)).toBe(true)
      if (Either.isLeft(result)) {
        expect(result.left.severity).toBe("error")
        expect(result.left.summary).toBe("Parsing plan JSON")
        expect(result.left.detail).toMatch(detail)
      }
    })
  }

  it("tolerates odd shapes inside a valid plan", () => {
    const text = plan({
      resources: [null, 1, { mode: "data" }, data("data.x.y", "x", "y", undefined), {
        ...data("data.x.z", "x", "z", {}),
        index: true
      }],
      child_modules: [null, { resources: [] }, { address: "", resources: [data("d", "x", "w", {})] }]
    })
    expect(summary(Plan.parsePlan(text))).toEqual({ "": [["x", "y", undefined, null], ["x", "z", undefined, {}]] })
  })

  it("handles deeply nested child modules without recursion", () => {
    const depth = 5000
    const leaf = JSON.stringify({ address: "leaf", resources: [data("d", "http", "deep", {})] })
    let module = leaf
    for (let i = 0; i < depth; i++) module = `{"address":"m${i}","child_modules":[` + module + "]}"
    const text = `{"format_version":"1.2","prior_state":{"values":{"root_module":{"child_modules":[${module}]}}}}`
    const result = Plan.parsePlan(text)
    expect(Plan.resourcesOf(Either.getOrThrow(result), "leaf").length).toBe(1)
    // Nesting beyond what JSON.parse accepts is a parse error, not a crash.
    const tooDeep = "[".repeat(1_000_000) + "]".repeat(1_000_000)
    expect(() => Plan.parsePlan(tooDeep)).not.toThrow()
  })
})

describe("Plan files and inputs", () => {
  const files = Either.getOrThrow(TemplateFiles.fromRecord({
    "plan.json": plan({ resources: [data("data.http.x", "http", "x", { body: "file" })] }),
    "broken.json": "{"
  }))

  it("reads planJsonPath from the snapshot", () => {
    expect(summary(Plan.readPlanFile(files, "plan.json"))).toEqual({ "": [["http", "x", undefined, { body: "file" }]] })
    expect(summary(Plan.readPlanFile(files, "./plan.json"))).toEqual({
      "": [["http", "x", undefined, { body: "file" }]]
    })
    const missing = Plan.readPlanFile(files, "nope.json")
    expect(Either.isLeft(missing) && missing.left.detail).toBe(
      "unable to open plan JSON file: open nope.json: file does not exist"
    )
    const broken = Plan.readPlanFile(files, "broken.json")
    expect(Either.isLeft(broken) && broken.left.detail).toMatch(/^unable to parse plan JSON: /)
  })

  it("prefers planJson unless it means no plan", () => {
    const inline = plan({ resources: [data("data.http.x", "http", "x", { body: "inline" })] })
    expect(summary(Plan.fromInput(files, { planJson: inline, planJsonPath: "plan.json" }))).toEqual({
      "": [["http", "x", undefined, { body: "inline" }]]
    })
    expect(summary(Plan.fromInput(files, { planJson: "{}", planJsonPath: "plan.json" }))).toEqual({
      "": [["http", "x", undefined, { body: "file" }]]
    })
    expect(Plan.isEmpty(Either.getOrThrow(Plan.fromInput(files, { planJson: "{}" })))).toBe(true)
    expect(Plan.isEmpty(Either.getOrThrow(Plan.fromInput(files, {})))).toBe(true)
  })

  it("formats module instance addresses as plan JSON does", () => {
    expect(Plan.moduleInstanceAddress([])).toBe("")
    expect(Plan.moduleInstanceAddress([{ name: "a" }])).toBe("module.a")
    expect(Plan.moduleInstanceAddress([{ name: "a", key: 0 }, { name: "b", key: "k" }])).toBe(
      "module.a[0].module.b[\"k\"]"
    )
    expect(Plan.moduleInstanceAddress([{ name: "a", key: "q\"\\\n" }])).toBe("module.a[\"q\\\"\\\\\\n\"]")
  })
})
