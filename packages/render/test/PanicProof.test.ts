/**
 * RENDER.md §6 failure containment: a render never throws. Internal failures become the
 * top-level error `Internal error while rendering template` with an empty output; a failure in
 * one preset or variable only marks that item; random templates never reach either.
 */
import { describe, expect, it } from "@effect/vitest"
import { Renderer, RenderOutput } from "@warmpool/render"
import type { CompiledTemplate, ExpressionEvaluator } from "@warmpool/terraform"
import { Value } from "@warmpool/terraform"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as fc from "fast-check"
import { renderTemplate, validatePresets } from "../src/internal/render.js"
import { compile, inputsOf, lines, main, preset, render } from "./utils/render.js"

const stoppedWith = (output: RenderOutput.RenderOutput) => {
  expect({ ...output, diagnostics: [] }).toEqual(RenderOutput.failed([]))
  expect(output.diagnostics.map((d) => [d.severity, d.summary])).toEqual([
    ["error", "Internal error while rendering template"]
  ])
  return output.diagnostics[0]!.detail
}

/** A copy of a compiled template with one attribute of one root block replaced. */
const replaceAttribute = (
  template: CompiledTemplate.CompiledTemplate,
  address: string,
  attribute: string,
  replace: (original: CompiledTemplate.Expression) => CompiledTemplate.Expression
): CompiledTemplate.CompiledTemplate => {
  const blocks = template.root.blocks.map((block) => {
    if (block.address !== address) return block
    const original = block.body.attributes.get(attribute)!
    const attributes = new Map(block.body.attributes)
    attributes.set(attribute, replace(original))
    return { ...block, body: { ...block.body, attributes } }
  })
  const blocksByAddress = new Map<string, Array<CompiledTemplate.Block>>()
  for (const block of blocks) blocksByAddress.set(block.address, [...(blocksByAddress.get(block.address) ?? []), block])
  return { ...template, root: { ...template.root, blocks, blocksByAddress } }
}

const throwing = (defect: unknown) => (original: CompiledTemplate.Expression): CompiledTemplate.Expression => ({
  ...original,
  constant: undefined,
  evaluate: () => {
    throw defect
  }
})

const template = main(`
  variable "v" {
    default = 1
  }
  data "coder_parameter" "mode" {
    name    = "mode"
    default = "fine"
  }
  data "coder_workspace_preset" "p" {
    name       = "p"
    parameters = { mode = "boom" }
    prebuilds {
      instances = 1
    }
  }
  data "coder_workspace_preset" "q" {
    name = "q"
  }
`)

describe("§6 internal failures", () => {
  it.effect("a template whose evaluation throws: one top-level error, empty output", () =>
    Effect.gen(function*() {
      const compiled = yield* compile(template)
      const broken: CompiledTemplate.CompiledTemplate = {
        ...compiled,
        get root(): CompiledTemplate.Module {
          throw new Error("the root module is gone")
        }
      }
      for (const full of [false, true]) {
        const detail = stoppedWith(renderTemplate(broken, inputsOf(), { full }).output)
        expect(detail).toContain("the root module is gone")
      }
    }))

  it.effect("an expression that throws while a parameter is extracted", () =>
    Effect.gen(function*() {
      const compiled = replaceAttribute(
        yield* compile(template),
        "data.coder_parameter.mode",
        "default",
        throwing(new TypeError("bad default"))
      )
      expect(stoppedWith(renderTemplate(compiled, inputsOf()).output)).toContain("bad default")
    }))

  it.effect("a thrown non-Error value", () =>
    Effect.gen(function*() {
      const compiled = replaceAttribute(
        yield* compile(template),
        "data.coder_parameter.mode",
        "name",
        throwing("plain")
      )
      expect(stoppedWith(renderTemplate(compiled, inputsOf()).output)).toContain("plain")
    }))

  it.effect("through the Renderer service: the effect succeeds with the error output", () =>
    Effect.gen(function*() {
      const compiled = replaceAttribute(
        yield* compile(template),
        "data.coder_parameter.mode",
        "default",
        throwing(new RangeError("deep"))
      )
      const renderer = yield* Renderer.Renderer
      const output = yield* renderer.render({ template: compiled })
      expect(stoppedWith(output)).toContain("deep")
      const detailed = yield* renderer.renderDetailed({ template: compiled })
      expect(detailed.output).toEqual(output)
    }).pipe(Effect.provide(Renderer.layerStandalone)))

  it.effect("validatePresets: a re-render that fails internally puts its error on the preset", () =>
    Effect.gen(function*() {
      // The default throws only when the preset's value reaches it.
      const compiled = replaceAttribute(
        yield* compile(template),
        "data.coder_parameter.mode",
        "display_name",
        (original) => ({
          ...original,
          constant: undefined,
          evaluate: (scope: ExpressionEvaluator.Scope) => {
            const mode = scope.resolve(["data", "coder_parameter", "mode", "value"], {
              file: "main.tf",
              start: { line: 1, column: 1, offset: 0 },
              end: { line: 1, column: 1, offset: 0 }
            })
            if (mode !== undefined && "value" in mode && Value.rawEquals(mode.value, Value.string("boom"))) {
              throw new Error("boom in the re-render")
            }
            return { value: Value.string("Mode"), errors: [], impure: false }
          }
        })
      )
      const output = renderTemplate(compiled, inputsOf()).output
      expect(output.diagnostics).toEqual([])
      const validated = validatePresets(compiled, inputsOf(), output)
      const p = preset(validated, "p")
      expect(p.diagnostics.map((d) => [d.severity, d.summary])).toEqual([
        ["error", "Internal error while rendering template"]
      ])
      expect(p.diagnostics[0]!.detail).toContain("boom in the re-render")
      expect(preset(validated, "q").diagnostics).toEqual([])
    }))

  it.effect("a failure while extracting one preset only marks that preset", () =>
    Effect.gen(function*() {
      const compiled = replaceAttribute(
        yield* compile(template),
        "data.coder_workspace_preset.p",
        "name",
        throwing(new Error("preset defect"))
      )
      const output = renderTemplate(compiled, inputsOf()).output
      expect(output.diagnostics).toEqual([])
      expect(output.parameters.map((p) => p.name)).toEqual(["mode"])
      expect(output.presets.map((p) => p.name)).toEqual(["", "q"])
      const [broken, fine] = output.presets
      expect(broken!.diagnostics.length).toBe(1)
      expect(broken!.diagnostics[0]!.severity).toBe("error")
      expect(broken!.diagnostics[0]!.detail).toContain("preset defect")
      expect(fine!.diagnostics).toEqual([])
    }))

  it.effect("a failure while extracting one variable only marks that variable", () =>
    Effect.gen(function*() {
      const compiled = yield* compile(main(`
        variable "a" {
          default = 1
        }
        variable "b" {
          default = 2
        }
      `))
      const variables = new Map(compiled.root.variables)
      const a = variables.get("a")!
      variables.set("a", { ...a, default: throwing(new Error("variable defect"))(a.default!) })
      const broken = { ...compiled, root: { ...compiled.root, variables } }
      const output = renderTemplate(broken, inputsOf()).output
      expect(output.diagnostics).toEqual([])
      expect(output.variables.map((v) => [v.name, v.default])).toEqual([["a", null], ["b", 2]])
      expect(output.variables[0]!.diagnostics.length).toBe(1)
      expect(output.variables[0]!.diagnostics[0]!.detail).toContain("variable defect")
    }))

  it.effect("a file function whose file access throws is an expression error, not a crash", () =>
    Effect.gen(function*() {
      const compiled = yield* compile(main(`
        data "coder_parameter" "p" {
          name    = "p"
          default = try(file("x.txt"), "fallback")
        }
      `))
      const files = new Proxy(compiled.files, {
        get(target, key, receiver) {
          const member = Reflect.get(target, key, receiver)
          if (typeof member !== "function") return member
          return () => {
            throw new Error("disk on fire")
          }
        }
      })
      const output = renderTemplate({ ...compiled, files }, inputsOf()).output
      expect(output.diagnostics).toEqual([])
      expect(output.parameters[0]!.value).toEqual({ value: "fallback", valid: true })
    }))
})

describe("random templates never fail internally", () => {
  const expressions = [
    `null`,
    `"text"`,
    `""`,
    `5`,
    `-1.5`,
    `true`,
    `["a", "b"]`,
    `{ a = 1 }`,
    `var.unset`,
    `var.typed`,
    `local.missing`,
    `local.loop`,
    `data.coder_parameter.a.value`,
    `data.coder_parameter.b.value`,
    `data.coder_parameter.a[0].value`,
    `data.coder_workspace_owner.me.name`,
    `data.coder_workspace_owner.me.groups`,
    `data.other.thing.id`,
    `data.other.thing.computed`,
    `module.m.out`,
    `jsondecode("{")`,
    `1 / 0`,
    `tolist(toset(["b", "a"]))`,
    `"\${var.unset}-x"`,
    `count.index`,
    `each.key`,
    `undefined_function()`,
    `try(local.missing, "f")`,
    `jsonencode({ placeholder = "x" })`,
    `"number"`,
    `"list(string)"`,
    `"multi-select"`,
    `"[\\"a\\"]"`
  ]
  const expression = fc.constantFrom(...expressions)
  const attribute = (name: string) => fc.option(expression.map((e) => `${name} = ${e}\n`), { nil: "", freq: 2 })
  const option = fc.tuple(attribute("name"), attribute("value")).map(([n, v]) => `option {\n${n}${v}}\n`)
  const validation = fc.tuple(
    attribute("min"),
    attribute("max"),
    attribute("regex"),
    attribute("error"),
    attribute("monotonic")
  )
    .map((parts) => `validation {\n${parts.join("")}}\n`)
  const parameterBlock = (label: string) =>
    fc.tuple(
      fc.option(fc.constantFrom("count = 2\n", "count = var.unset\n", `for_each = toset(["x"])\n`, "count = 0\n"), {
        nil: ""
      }),
      attribute("name"),
      attribute("type"),
      attribute("form_type"),
      attribute("default"),
      attribute("display_name"),
      attribute("order"),
      attribute("mutable"),
      attribute("styling"),
      fc.array(option, { maxLength: 3 }),
      fc.array(validation, { maxLength: 2 })
    ).map(([meta, ...rest]) => {
      const body = rest.map((r) => (Array.isArray(r) ? r.join("") : r)).join("")
      return `data "coder_parameter" "${label}" {\n${meta}${body}}\n`
    })
  const templateSource = fc.tuple(
    parameterBlock("a"),
    parameterBlock("b"),
    attribute("tags"),
    attribute("parameters"),
    attribute("default"),
    expression
  ).map(([a, b, tags, parameters, presetDefault, local]) =>
    [
      `variable "unset" {}\nvariable "typed" {\n  type = number\n  default = "7"\n}\n`,
      `locals {\n  loop = local.loop2\n  loop2 = local.loop\n  value = ${local}\n}\n`,
      `data "coder_workspace_owner" "me" {}\ndata "other" "thing" {\n  configured = local.value\n}\n`,
      `module "m" {\n  source = "./m"\n  input = local.value\n}\n`,
      a,
      b,
      `data "coder_workspace_tags" "t" {\n${tags}}\n`,
      `data "coder_workspace_preset" "p" {\nname = "p"\n${parameters}${presetDefault}prebuilds {\ninstances = 1\n}\n}\n`
    ].join("")
  )

  it.effect("no internal error, a wire-valid output, selective == full", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          templateSource,
          fc.dictionary(fc.constantFrom("a", "b", "number"), fc.string()),
          (source, values) =>
            Effect.runPromise(Effect.gen(function*() {
              const output = yield* render({
                "main.tf": source,
                "m/main.tf": `variable "input" {}\noutput "out" {\n  value = var.input\n}\n`
              }, { values })
              expect(lines(output.diagnostics).filter((l) => l.includes("Internal error"))).toEqual([])
              for (const p of output.parameters) {
                expect(lines(p.diagnostics).filter((l) => l.includes("Internal error"))).toEqual([])
              }
              expect(Schema.decodeUnknownSync(RenderOutput.RenderOutput)(RenderOutput.toJson(output))).toEqual(output)
            }))
        ),
        { numRuns: 150 }
      )
    ))
})
