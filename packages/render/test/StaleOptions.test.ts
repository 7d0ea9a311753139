/**
 * Rendering with previous values (Coder #26861): a mutable parameter's previous value that is no
 * longer one of its options is dropped, the default applies, and a `stale_option` warning names
 * the old value. Explicit values, immutable parameters, option-less parameters and unresolvable
 * options keep their values; ephemeral parameters never take previous values.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Renderer from "../src/Renderer.js"
import type * as RenderOutput from "../src/RenderOutput.js"
import * as StaleOptions from "../src/StaleOptions.js"
import { compile, main, parameter } from "./utils/render.js"

const template = main(`
variable "unset" {}
data "coder_parameter" "region" {
  name    = "region"
  mutable = true
  default = "us"
  option {
    name  = "US"
    value = "us"
  }
  option {
    name  = "EU"
    value = "eu"
  }
}
data "coder_parameter" "zone" {
  name    = "zone"
  default = "a"
  option {
    name  = "A"
    value = "a"
  }
  option {
    name  = "B"
    value = "b"
  }
}
data "coder_parameter" "size" {
  name    = "size"
  mutable = true
  default = "s"
}
data "coder_parameter" "eph" {
  name      = "eph"
  mutable   = true
  ephemeral = true
  default   = "e"
  option {
    name  = "E"
    value = "e"
  }
  option {
    name  = "F"
    value = "f"
  }
}
data "coder_parameter" "multi" {
  name      = "multi"
  type      = "list(string)"
  form_type = "multi-select"
  mutable   = true
  default   = jsonencode(["x"])
  option {
    name  = "X"
    value = "x"
  }
  option {
    name  = "Y"
    value = "y"
  }
}
data "coder_parameter" "dep" {
  name    = "dep"
  mutable = true
  default = data.coder_parameter.region.value == "us" ? "u1" : "e1"
  dynamic "option" {
    for_each = data.coder_parameter.region.value == "us" ? ["u1", "u2"] : ["e1"]
    content {
      name  = option.value
      value = option.value
    }
  }
}
data "coder_parameter" "nodefault" {
  name    = "nodefault"
  mutable = true
  option {
    name  = "P"
    value = "p"
  }
}
data "coder_parameter" "unresolved" {
  name    = "unresolved"
  mutable = true
  default = "k"
  option {
    name  = "K"
    value = "k"
  }
  option {
    name  = "U"
    value = var.unset
  }
}
`)

const stale = (d: RenderOutput.Diagnostic) => d.extra.code === StaleOptions.code

interface Row {
  readonly name: string
  readonly values?: Record<string, string>
  readonly previous: Record<string, string>
  /** Expected value texts by parameter name. */
  readonly expect: Record<string, string>
  /** Parameters with a stale_option warning, and the old value its summary names. */
  readonly stale: Record<string, string>
  readonly dropped: ReadonlyArray<readonly [string, StaleOptions.Dropped["reason"]]>
}

const table: ReadonlyArray<Row> = [
  {
    name: "a stale option of a mutable parameter falls back to the default",
    previous: { region: "ap" },
    expect: { region: "us" },
    stale: { region: "ap" },
    dropped: [["region", "stale_option"]]
  },
  {
    name: "a previous value that is still an option is used",
    previous: { region: "eu" },
    expect: { region: "eu", dep: "e1" },
    stale: {},
    dropped: []
  },
  {
    name: "an explicit value wins and is never dropped (the option error shows)",
    values: { region: "ap" },
    previous: { region: "eu" },
    expect: { region: "ap" },
    stale: {},
    dropped: []
  },
  {
    name: "an immutable parameter keeps its stale previous value",
    previous: { zone: "c" },
    expect: { zone: "c" },
    stale: {},
    dropped: []
  },
  {
    name: "a parameter without options keeps any previous value",
    previous: { size: "anything" },
    expect: { size: "anything" },
    stale: {},
    dropped: []
  },
  {
    name: "an ephemeral parameter never takes its previous value (no warning)",
    previous: { eph: "f" },
    expect: { eph: "e" },
    stale: {},
    dropped: [["eph", "ephemeral"]]
  },
  {
    name: "multi-select: stale when any item is no longer an option",
    previous: { multi: `["x","z"]` },
    expect: { multi: `["x"]` },
    stale: { multi: `["x","z"]` },
    dropped: [["multi", "stale_option"]]
  },
  {
    name: "multi-select: kept when every item is an option",
    previous: { multi: `["y","x"]` },
    expect: { multi: `["y","x"]` },
    stale: {},
    dropped: []
  },
  {
    name: "options that depend on another value: stale after the other value is used",
    previous: { region: "eu", dep: "u2" },
    expect: { region: "eu", dep: "e1" },
    stale: { dep: "u2" },
    dropped: [["dep", "stale_option"]]
  },
  {
    name: "a chain: dropping one value makes another stale in the next round",
    previous: { region: "ap", dep: "e1" },
    expect: { region: "us", dep: "u1" },
    stale: { region: "ap", dep: "e1" },
    dropped: [["region", "stale_option"], ["dep", "stale_option"]]
  },
  {
    name: "options that cannot be resolved: staleness is not decided",
    previous: { unresolved: "zzz" },
    expect: { unresolved: "zzz" },
    stale: {},
    dropped: []
  }
]

describe("previous values and stale options", () => {
  for (const row of table) {
    it.effect(row.name, () =>
      Effect.gen(function*() {
        const renderer = yield* Renderer.Renderer
        const compiled = yield* compile(template)
        const output = yield* renderer.render({ template: compiled, values: row.values, previousValues: row.previous })
        for (const [name, value] of Object.entries(row.expect)) {
          expect(parameter(output, name).value, name).toEqual({ value, valid: true })
        }
        const warned = output.parameters.flatMap((p) => p.diagnostics.filter(stale).map((d) => [p.name, d] as const))
        expect(warned.map(([name]) => name).sort()).toEqual(Object.keys(row.stale).sort())
        for (const [name, d] of warned) {
          expect(d.severity).toBe("warning")
          expect(d.summary).toContain(`"${row.stale[name]}"`)
          expect(d.detail).toContain(`"${row.stale[name]}"`)
        }
        expect(output.diagnostics.filter(stale)).toEqual([])

        const resolved = yield* StaleOptions.resolve(
          row.values ?? {},
          row.previous,
          (values) => renderer.renderDetailed({ template: compiled, values })
        )
        expect(resolved.dropped.map((d) => [d.name, d.reason])).toEqual(row.dropped)
        expect(resolved.rendered.output).toEqual(output)
        // A full evaluation resolves the same way.
        const full = yield* renderer.render({
          template: compiled,
          values: row.values,
          previousValues: row.previous,
          fullEvaluation: true
        })
        expect(full).toEqual(output)
      }).pipe(Effect.provide(Renderer.layerStandalone)))
  }

  it.effect("the warning names the old value and the default (or that there is none)", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const compiled = yield* compile(template)
      const output = yield* renderer.render({ template: compiled, previousValues: { region: "ap", nodefault: "z" } })
      expect(parameter(output, "region").diagnostics).toEqual([{
        severity: "warning",
        summary: `Previous value "ap" is no longer a valid option`,
        detail: `The previous value "ap" of parameter "region" is not one of its options any more and was dropped.` +
          ` Its default "us" is used instead.`,
        extra: { code: "stale_option" }
      }])
      const nodefault = parameter(output, "nodefault")
      expect(nodefault.value.valid).toBe(false)
      expect(nodefault.diagnostics.map((d) => d.extra.code)).toEqual(["required", "stale_option"])
      expect(nodefault.diagnostics[1]!.detail).toContain("It has no default, so it needs a new value.")
    }).pipe(Effect.provide(Renderer.layerStandalone)))

  it.effect("a previous value for a parameter that is gone is ignored; no previous values: a plain render", () =>
    Effect.gen(function*() {
      const renderer = yield* Renderer.Renderer
      const compiled = yield* compile(template)
      const plain = yield* renderer.render({ template: compiled })
      expect(yield* renderer.render({ template: compiled, previousValues: {} })).toEqual(plain)
      expect(yield* renderer.render({ template: compiled, previousValues: { gone: "x" } })).toEqual(plain)
    }).pipe(Effect.provide(Renderer.layerStandalone)))

  it.effect("a dependency chain longer than maxRounds: bounded re-renders; what is left keeps its option error", () =>
    Effect.gen(function*() {
      const length = StaleOptions.maxRounds + 8
      const chain = [
        `data "coder_parameter" "p0" {\n  name = "p0"\n  mutable = true\n  default = "x"\n` +
        `  option {\n    name = "x"\n    value = "x"\n  }\n  option {\n    name = "y"\n    value = "y"\n  }\n}\n`,
        ...Array.from(
          { length: length - 1 },
          (_, i) =>
            `data "coder_parameter" "p${i + 1}" {\n  name = "p${i + 1}"\n  mutable = true\n` +
            `  default = data.coder_parameter.p${i}.value\n` +
            `  option {\n    name = "o"\n    value = data.coder_parameter.p${i}.value\n  }\n}\n`
        )
      ].join("")
      const compiled = yield* compile(main(chain))
      const renderer = yield* Renderer.Renderer
      const previous = Object.fromEntries(Array.from({ length }, (_, i) => [`p${i}`, "z"]))
      let renders = 0
      const resolved = yield* StaleOptions.resolve({}, previous, (values) => {
        renders++
        return renderer.renderDetailed({ template: compiled, values })
      })
      expect(renders).toBe(StaleOptions.maxRounds + 1)
      expect(resolved.dropped.map((d) => d.name)).toEqual(
        Array.from({ length: StaleOptions.maxRounds }, (_, i) => `p${i}`)
      )
      const output = resolved.rendered.output
      expect(parameter(output, `p${StaleOptions.maxRounds - 1}`).value.value).toBe("x")
      const left = parameter(output, `p${StaleOptions.maxRounds}`)
      expect(left.value.value).toBe("z")
      expect(left.diagnostics.some((d) => d.severity === "error" && d.detail.includes(`"z"`))).toBe(true)
    }).pipe(Effect.provide(Renderer.layerStandalone)))

  it("annotate: a stale value of a parameter no longer rendered is a top-level warning", () => {
    const output = StaleOptions.annotate(
      {
        parameters: [],
        presets: [],
        tags: {},
        unusable_tags: [],
        variables: [],
        secret_requirements: [],
        diagnostics: []
      },
      [{ name: "gone", previous: "v", reason: "stale_option" }, { name: "e", previous: "w", reason: "ephemeral" }]
    )
    expect(output.diagnostics.map((d) => [d.severity, d.extra.code, d.summary])).toEqual([
      ["warning", "stale_option", `Previous value "v" is no longer a valid option`]
    ])
  })

  it("isOption", () => {
    const p = (options: ReadonlyArray<RenderOutput.HclString>, form_type: RenderOutput.FormType = "radio") =>
      ({
        form_type,
        options: options.map((value) => ({ name: "", description: "", icon: "", value }))
      }) as unknown as RenderOutput.Parameter
    const ok = (value: string) => ({ value, valid: true })
    const cases: ReadonlyArray<readonly [RenderOutput.Parameter, string, boolean | undefined]> = [
      [p([]), "x", undefined],
      [p([ok("a"), ok("b")]), "a", true],
      [p([ok("a"), ok("b")]), "c", false],
      [p([ok("a"), { value: "", valid: false }]), "c", undefined],
      [p([ok("a"), ok("b")], "multi-select"), `["a","b"]`, true],
      [p([ok("a"), ok("b")], "multi-select"), `[]`, true],
      [p([ok("a"), ok("b")], "multi-select"), `["a","c"]`, false],
      [p([ok("a"), ok("b")], "multi-select"), `not json`, false],
      [p([ok("a"), ok("b")], "multi-select"), `[1]`, false]
    ]
    for (const [parameter, value, expected] of cases) expect(StaleOptions.isOption(parameter, value)).toBe(expected)
  })
})
