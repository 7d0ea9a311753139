/**
 * `data "coder_secret"`: requirements (source order, count / for_each, modules), their errors
 * (exactly one of env/file, strings only, help_message required, duplicates only when every
 * block extracted cleanly), and the per-owner `satisfied` status computed after the render.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { renderTemplate } from "../src/internal/render.js"
import { deepFreeze } from "../src/internal/sharedParts.js"
import * as RenderOutput from "../src/RenderOutput.js"
import * as SecretRequirements from "../src/SecretRequirements.js"
import { compile, type Files, fixtureCases, fixtureFiles, inputsOf, main, render, summaries } from "./utils/render.js"

const secret = (label: string, body: string) => `data "coder_secret" "${label}" {\n${body}\n}\n`
const env = (name: string, help = `need ${name}`): RenderOutput.SecretRequirement => ({
  env: name,
  file: "",
  help_message: help
})
const file = (path: string, help = `need ${path}`): RenderOutput.SecretRequirement => ({
  env: "",
  file: path,
  help_message: help
})

describe("coder_secret requirements", () => {
  const table: ReadonlyArray<{
    readonly name: string
    readonly files: Files
    readonly values?: Record<string, string>
    readonly expected: ReadonlyArray<RenderOutput.SecretRequirement>
  }> = [
    { name: "no secrets", files: main(`locals {}`), expected: [] },
    {
      name: "env and file, in written order (not address order)",
      files: main(
        secret("zz", `env = "GITHUB_TOKEN"\nhelp_message = "need GITHUB_TOKEN"`) +
          secret("aa", `file = "~/.ssh/id_ed25519"\nhelp_message = "need ~/.ssh/id_ed25519"`)
      ),
      expected: [env("GITHUB_TOKEN"), file("~/.ssh/id_ed25519")]
    },
    {
      name: "files in lexical order, then position",
      files: {
        "b.tf": secret("first_in_b", `env = "B1"\nhelp_message = "need B1"`),
        "a.tf": secret("z", `env = "A1"\nhelp_message = "need A1"`) +
          secret("y", `env = "A2"\nhelp_message = "need A2"`)
      },
      expected: [env("A1"), env("A2"), env("B1")]
    },
    {
      name: "count = 0: not required",
      files: main(secret("off", `count = 0\nenv = "OFF"\nhelp_message = "x"`)),
      expected: []
    },
    {
      name: "count = 2: one requirement per instance",
      files: main(secret("n", `count = 2\nenv = "TOKEN_\${count.index}"\nhelp_message = "need TOKEN_\${count.index}"`)),
      expected: [env("TOKEN_0"), env("TOKEN_1")]
    },
    {
      name: "for_each: one per element, in key order; instances of one block are not duplicates",
      files: main(secret("each", `for_each = toset(["B", "A"])\nenv = each.key\nhelp_message = "need \${each.key}"`)),
      expected: [env("A"), env("B")]
    },
    {
      name: "for_each over an empty collection: not required",
      files: main(secret("each", `for_each = {}\nenv = each.key\nhelp_message = "x"`)),
      expected: []
    },
    ...[["true", [env("ADMIN")]], ["false", []]].map(([value, expected]) => ({
      name: `count from a parameter value (${value as string})`,
      files: main(
        `data "coder_parameter" "admin" {\n  name = "admin"\n  type = "bool"\n  default = false\n}\n` +
          secret(
            "admin",
            `count = data.coder_parameter.admin.value ? 1 : 0\nenv = "ADMIN"\nhelp_message = "need ADMIN"`
          )
      ),
      values: { admin: value as string },
      expected: expected as ReadonlyArray<RenderOutput.SecretRequirement>
    })),
    {
      name: "root module first, then modules; a module's secrets honour the module's count",
      files: {
        "main.tf": `module "m" {\n  source = "./m"\n}\nmodule "off" {\n  source = "./m"\n  count = 0\n}\n` +
          secret("root", `env = "ROOT"\nhelp_message = "need ROOT"`),
        "m/main.tf": secret("inner", `file = "/etc/inner"\nhelp_message = "need /etc/inner"`)
      },
      expected: [env("ROOT"), file("/etc/inner")]
    },
    {
      name: "an empty help_message is a string",
      files: main(secret("gh", `env = "GH"\nhelp_message = ""`)),
      expected: [env("GH", "")]
    },
    {
      name: "values from locals and variables with defaults",
      files: main(
        `variable "name" {\n  default = "FROM_VAR"\n}\nlocals {\n  help = "help \${var.name}"\n}\n` +
          secret("v", `env = var.name\nhelp_message = local.help`)
      ),
      expected: [env("FROM_VAR", "help FROM_VAR")]
    }
  ]
  for (const { expected, files, name, values } of table) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const output = yield* render(files, values === undefined ? {} : { values })
        expect(output.diagnostics).toEqual([])
        expect(output.secret_requirements).toEqual(expected)
      }))
  }
})

describe("coder_secret errors (top level)", () => {
  const exactlyOne = `Exactly one of "env" or "file" must be set`
  const table: ReadonlyArray<{
    readonly name: string
    readonly source: string
    /** Each expected error's summary contains the text, in order. */
    readonly errors: ReadonlyArray<string>
    readonly requirements?: ReadonlyArray<RenderOutput.SecretRequirement>
  }> = [
    { name: "neither env nor file", source: secret("s", `help_message = "h"`), errors: [exactlyOne] },
    {
      name: "both env and file",
      source: secret("s", `env = "E"\nfile = "F"\nhelp_message = "h"`),
      errors: [exactlyOne]
    },
    { name: "an empty env and no file", source: secret("s", `env = ""\nhelp_message = "h"`), errors: [exactlyOne] },
    { name: "env is a number", source: secret("s", `env = 5\nhelp_message = "h"`), errors: [`Expected a string`] },
    { name: "env is null", source: secret("s", `env = null\nhelp_message = "h"`), errors: [`Expected a string`] },
    { name: "file is a list", source: secret("s", `file = ["a"]\nhelp_message = "h"`), errors: [`Expected a string`] },
    { name: "file is a bool", source: secret("s", `file = true\nhelp_message = "h"`), errors: [`Expected a string`] },
    {
      name: "env is unknown",
      source: `variable "u" {}\n` + secret("s", `env = var.u\nhelp_message = "h"`),
      errors: [
        `Expected a string`
      ]
    },
    {
      name: "env fails to evaluate",
      source: secret("s", `env = local.missing\nhelp_message = "h"`),
      errors: [
        `Expected a string`
      ]
    },
    { name: "help_message missing", source: secret("s", `env = "E"`), errors: [`"help_message"`] },
    {
      name: "help_message null",
      source: secret("s", `env = "E"\nhelp_message = null`),
      errors: [
        `"help_message" attribute for block coder_secret.s: Expected a string, got "<nil>"`
      ]
    },
    {
      name: "help_message a number",
      source: secret("s", `env = "E"\nhelp_message = 3`),
      errors: [
        `Invalid "help_message" attribute`
      ]
    },
    {
      name: "every problem of one block",
      source: secret("s", `file = 1`),
      errors: [`Expected a string`, `"help_message"`]
    },
    {
      name: "two blocks with the same name",
      source: secret("gh", `env = "A"\nhelp_message = "h"`) + secret("gh", `env = "B"\nhelp_message = "h"`),
      errors: [`duplicate coder_secret blocks with name "gh"`],
      requirements: [env("A", "h"), env("B", "h")]
    },
    {
      name: "a duplicate with its own error reports that error, not the duplicate",
      source: secret("gh", `env = "A"\nhelp_message = "h"`) + secret("gh", `help_message = "h"`),
      errors: [exactlyOne],
      requirements: [env("A", "h")]
    },
    {
      name: "an error in another block suppresses the duplicate check",
      source: secret("gh", `env = "A"\nhelp_message = "h"`) + secret("gh", `env = "B"\nhelp_message = "h"`) +
        secret("other", `env = 1\nhelp_message = "h"`),
      errors: [`Expected a string`],
      requirements: [env("A", "h"), env("B", "h")]
    },
    {
      name: "a secret behind count = 0 is never checked",
      source: secret("off", `count = 0\nhelp_message = null`),
      errors: [],
      requirements: []
    }
  ]
  for (const { errors, name, requirements, source } of table) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const output = yield* render(main(source))
        const found = output.diagnostics.filter((d) => d.severity === "error")
        expect(summaries(found).length, summaries(found).join("\n")).toBe(errors.length)
        errors.forEach((text, i) => expect(found[i]!.summary).toContain(text))
        expect(RenderOutput.hasErrors(output)).toBe(errors.length > 0)
        if (requirements !== undefined) expect(output.secret_requirements).toEqual(requirements)
      }))
  }

  it.effect("secret errors do not hide parameters, and come after parameter and tag errors", () =>
    Effect.gen(function*() {
      const output = yield* render(
        main(
          secret("s", `help_message = "h"`) +
            `data "coder_parameter" "p" {\n  name = "p"\n  default = "x"\n}\n` +
            `data "coder_workspace_tags" "t" {\n  tags = 5\n}\n`
        )
      )
      expect(output.parameters.map((p) => p.name)).toEqual(["p"])
      expect(summaries(output.diagnostics)).toEqual([`Incorrect type for "tags" attribute`, exactlyOne])
    }))
})

describe("satisfied, per owner, after the render", () => {
  const requirements = [env("GH"), file("/k"), env("BOTH")]
  const output: RenderOutput.RenderOutput = deepFreeze({
    ...RenderOutput.failed([]),
    secret_requirements: requirements
  })
  const table: ReadonlyArray<{
    readonly name: string
    readonly secrets: ReadonlyArray<SecretRequirements.OwnerSecret>
    readonly satisfied: ReadonlyArray<boolean>
  }> = [
    { name: "no secrets", secrets: [], satisfied: [false, false, false] },
    { name: "an env name", secrets: [{ env: "GH" }], satisfied: [true, false, false] },
    { name: "a file path", secrets: [{ file: "/k" }], satisfied: [false, true, false] },
    { name: "names are exact (case)", secrets: [{ env: "gh" }, { file: "/K" }], satisfied: [false, false, false] },
    {
      name: "an env name does not satisfy a file",
      secrets: [{ env: "/k" }, { file: "GH" }],
      satisfied: [
        false,
        false,
        false
      ]
    },
    { name: "one secret with both names", secrets: [{ env: "BOTH", file: "/k" }], satisfied: [false, true, true] },
    { name: "all", secrets: [{ env: "GH" }, { file: "/k" }, { env: "BOTH" }], satisfied: [true, true, true] }
  ]
  for (const { name, satisfied, secrets } of table) {
    it(name, () => {
      const status = SecretRequirements.withStatus(output, secrets)
      expect(status.secret_requirements.map((r) => r.satisfied)).toEqual(satisfied)
      expect(SecretRequirements.missing(output, secrets)).toEqual(requirements.filter((_, i) => !satisfied[i]))
      // The shared (frozen) render is untouched: no owner's status leaks into it.
      expect(output.secret_requirements).toEqual(requirements)
      expect(output.secret_requirements.every((r: RenderOutput.SecretRequirement) => r.satisfied === undefined)).toBe(
        true
      )
    })
  }

  it("the wire JSON carries satisfied only when a status was computed", () => {
    expect(RenderOutput.toJson(output)).toMatchObject({ secret_requirements: requirements })
    expect(JSON.stringify(RenderOutput.toJson(output))).not.toContain("satisfied")
    const json = RenderOutput.toJson(SecretRequirements.withStatus(output, [{ env: "GH" }])) as {
      secret_requirements: ReadonlyArray<unknown>
    }
    expect(json.secret_requirements[0]).toEqual({ ...env("GH"), satisfied: true })
  })

  it("describes requirements for messages", () => {
    expect(requirements.map(SecretRequirements.describe)).toEqual(["env GH", "file /k", "env BOTH"])
  })
})

describe("the secrets fixture", () => {
  const expected: Record<string, ReadonlyArray<RenderOutput.SecretRequirement>> = {
    blank: [env("AWS_ACCESS_KEY_ID", "Credentials for aws")],
    "gcp with tools": [
      env("GOOGLE_APPLICATION_CREDENTIALS", "Credentials for gcp"),
      env("NPM_TOKEN", "An npm token for the tools")
    ],
    admin: [
      env("AWS_ACCESS_KEY_ID", "Credentials for aws"),
      file("/home/coder/.ssh/admin", "Admins need their SSH key"),
      env("NPM_TOKEN", "An npm token for the tools")
    ]
  }
  for (const [name, inputs] of Object.entries(fixtureCases("secrets"))) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const template = yield* compile(fixtureFiles("secrets"))
        for (const full of [false, true]) {
          const output = renderTemplate(template, inputsOf(inputs), { full }).output
          expect(output.diagnostics).toEqual([])
          expect(output.secret_requirements).toEqual(expected[name])
        }
      }))
  }
})
