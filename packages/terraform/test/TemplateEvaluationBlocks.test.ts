/**
 * Blocks as references see them (RENDER.md §2.8, §2.10, §1.6): the owner, other data sources
 * (configured attributes, unknown id, errors for the rest, plan data merged per module and
 * instance), resources (unknown computed attributes), and dynamic blocks.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { evaluate, known, main, probe } from "./fixtures/evaluation/harness.js"

const unknownString = { value: "(unknown)", type: "string", whollyKnown: false, errors: [] }

describe("§2.8 data.coder_workspace_owner.me", () => {
  const owner = {
    id: "u-1",
    name: "ann",
    full_name: "Ann Example",
    email: "ann@example.com",
    ssh_public_key: "ssh-ed25519 AAAA",
    groups: ["dev", "admin"],
    login_type: "oidc",
    rbac_roles: [{ name: "member", org_id: "o-1" }]
  }

  it.effect("every field, in the root and in every module that declares it", () =>
    Effect.gen(function*() {
      const fields = `data.coder_workspace_owner.me`
      const e = yield* evaluate({
        "main.tf": `data "coder_workspace_owner" "me" {}\nmodule "child" {\n  source = "./child"\n}\n${
          probe("all", fields)
        }`,
        "child/main.tf": `data "coder_workspace_owner" "me" {}\n${probe("name", `${fields}.name`)}${
          probe("role", `${fields}.rbac_roles[0].org_id`)
        }`
      }, { owner })
      expect(e.probe("all")).toEqual(known(owner))
      expect(e.probe("name", { module: "module.child" })).toEqual(known("ann"))
      expect(e.probe("role", { module: "module.child" })).toEqual(known("o-1"))
    }))

  it.effect("an empty owner: empty strings and lists", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(
        main(`data "coder_workspace_owner" "me" {}\n${probe("all", "data.coder_workspace_owner.me")}`)
      )
      expect(e.probe("all").value).toEqual({
        id: "",
        name: "",
        full_name: "",
        email: "",
        ssh_public_key: "",
        groups: [],
        login_type: "",
        rbac_roles: []
      })
    }))

  it.effect("private fields do not exist; a module without the block cannot see the owner", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `data "coder_workspace_owner" "me" {}\nmodule "child" {\n  source = "./child"\n}\n${
          probe("token", "data.coder_workspace_owner.me.session_token")
        }${probe("key", "data.coder_workspace_owner.me.ssh_private_key")}`,
        "child/main.tf": probe("name", "data.coder_workspace_owner.me.name")
      }, { owner })
      expect(e.probe("token").errors).toEqual(["Unsupported attribute"])
      expect(e.probe("key").errors).toEqual(["Unsupported attribute"])
      expect(e.probe("name", { module: "module.child" }).errors).toEqual(["Reference to undeclared resource"])
    }))

  it.effect("only the name `me` is special", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(
        main(`
        data "coder_workspace_owner" "other" {}
        ${probe("name", "try(data.coder_workspace_owner.other.name, \"not the owner\")")}
        ${probe("id", "data.coder_workspace_owner.other.id")}
      `),
        { owner }
      )
      expect(e.probe("name")).toEqual(known("not the owner"))
      expect(e.probe("id")).toEqual(unknownString)
    }))
})

describe("§2.8 other data sources", () => {
  it.effect("configured attributes, an unknown id, errors for anything else", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        data "coder_workspace" "w" {}
        data "docker_image" "img" {
          name = "ubuntu"
          tags = ["a", "b"]
          nested {
            depth = 1
          }
        }
        ${probe("name", "data.docker_image.img.name")}
        ${probe("nested", "data.docker_image.img.nested[0].depth")}
        ${probe("id", "data.docker_image.img.id")}
        ${probe("digest", "data.docker_image.img.sha256_digest")}
        ${probe("tried", `try(data.docker_image.img.sha256_digest, "fallback")`)}
        ${probe("can", "can(data.docker_image.img.sha256_digest)")}
        ${probe("coder", "data.coder_workspace.w.start_count")}
        ${probe("whole", "keys(data.docker_image.img)")}
      `))
      expect(e.probe("name")).toEqual(known("ubuntu"))
      expect(e.probe("nested")).toEqual(known(1))
      expect(e.probe("id")).toEqual(unknownString)
      expect(e.probe("digest").errors).toEqual(["Unsupported attribute"])
      expect(e.probe("tried")).toEqual(known("fallback"))
      expect(e.probe("can")).toEqual(known(false))
      expect(e.probe("coder").errors).toEqual(["Unsupported attribute"])
      expect(e.probe("whole")).toEqual(known(["id", "name", "nested", "tags"]))
    }))

  it.effect("a configured attribute that fails is stored as unknown (§2.2), not an error", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        data "thing" "t" {
          broken = local.nope
          fine   = "yes"
        }
        ${probe("broken", "data.thing.t.broken")}
        ${probe("fine", "data.thing.t.fine")}
      `))
      expect(e.probe("broken")).toEqual({ value: "(unknown)", type: "any", whollyKnown: false, errors: [] })
      expect(e.probe("fine")).toEqual(known("yes"))
    }))
})

describe("§1.6 plan data", () => {
  const plan = JSON.stringify({
    format_version: "1.2",
    prior_state: {
      values: {
        root_module: {
          resources: [
            { mode: "data", type: "docker_image", name: "img", values: { sha256_digest: "abc", name: "plan name" } },
            { mode: "data", type: "docker_image", name: "counted", index: 1, values: { digest: "one" } },
            { mode: "data", type: "docker_image", name: "keyed", index: "k", values: { digest: "kay" } },
            {
              mode: "data",
              type: "deep",
              name: "d",
              values: { config: { a: 1, list: [1, "x"], inner: { keep: "plan" } }, empty: [] }
            },
            { mode: "data", type: "coder_parameter", name: "p", values: { value: "from plan" } },
            { mode: "managed", type: "docker_image", name: "img", values: { sha256_digest: "managed" } },
            { mode: "data", type: "orphan", name: "o", values: { x: 1 } }
          ],
          child_modules: [
            {
              address: "module.m[0]",
              resources: [{ mode: "data", type: "http", name: "h", values: { body: "first" } }]
            },
            {
              address: "module.m[1]",
              resources: [{ mode: "data", type: "http", name: "h", values: { body: "second" } }],
              child_modules: [{
                address: "module.m[1].module.inner",
                resources: [{ mode: "data", type: "http", name: "h", values: { body: "inner" } }]
              }]
            }
          ]
        }
      }
    }
  })
  const files = {
    "main.tf": `
      data "docker_image" "img" {
        name = "configured"
      }
      data "docker_image" "counted" {
        count = 2
      }
      data "docker_image" "keyed" {
        for_each = toset(["k", "other"])
      }
      data "deep" "d" {
        config = {
          b = 2
          inner = { keep = "config", extra = true }
        }
      }
      data "coder_parameter" "p" {
        name    = "p"
        default = "from template"
      }
      module "m" {
        count  = 2
        source = "./m"
      }
      ${probe("digest", "data.docker_image.img.sha256_digest")}
      ${probe("name", "data.docker_image.img.name")}
      ${probe("counted", `[try(data.docker_image.counted[0].digest, "none"), data.docker_image.counted[1].digest]`)}
      ${probe("keyed", `[data.docker_image.keyed["k"].digest, try(data.docker_image.keyed["other"].digest, "none")]`)}
      ${probe("deep", "data.deep.d.config")}
      ${probe("empty", "data.deep.d.empty")}
      ${probe("parameter", "data.coder_parameter.p.value")}
      ${probe("modules", "module.m[*].body")}
      ${probe("inner", "module.m[1].inner")}
    `,
    "m/main.tf":
      `data "http" "h" {}\nmodule "inner" {\n  source = "./inner"\n}\noutput "body" {\n  value = try(data.http.h.body, "none")\n}\noutput "inner" {\n  value = module.inner.body\n}\n`,
    "m/inner/main.tf": `data "http" "h" {}\noutput "body" {\n  value = try(data.http.h.body, "none")\n}\n`
  }

  it.effect("without a plan, computed attributes are missing", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(files)
      expect(e.probe("digest").errors).toEqual(["Unsupported attribute"])
      expect(e.probe("modules")).toEqual(known(["none", "none"]))
    }))

  it.effect("plan values are deep-merged over the matching instance, by module address and index", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(files, { plan })
      expect(e.probe("digest")).toEqual(known("abc"))
      expect(e.probe("name")).toEqual(known("plan name"))
      expect(e.probe("counted")).toEqual(known(["none", "one"]))
      expect(e.probe("keyed")).toEqual(known(["kay", "none"]))
      expect(e.probe("deep")).toEqual(known({ a: 1, b: 2, inner: { extra: true, keep: "plan" }, list: [1, "x"] }))
      expect(e.probe("empty")).toEqual(known([], "tuple([])"))
      expect(e.probe("parameter")).toEqual(known("from template"))
      expect(e.probe("modules")).toEqual(known(["first", "second"]))
      expect(e.probe("inner")).toEqual(known("inner"))
    }))
})

describe("§2.8 resources", () => {
  it.effect("configured attributes are readable; everything else, id included, is unknown", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        resource "coder_agent" "main" {
          os   = "linux"
          arch = "amd64"
        }
        resource "docker_container" "c" {
          count = 1
          image = "ubuntu"
        }
        ${probe("os", "coder_agent.main.os")}
        ${probe("id", "coder_agent.main.id")}
        ${probe("token", "coder_agent.main.token")}
        ${probe("tried", `try(coder_agent.main.token, "f")`)}
        ${probe("counted", "docker_container.c[0].image")}
        ${probe("counted_id", "docker_container.c[0].id")}
        ${probe("splat", "docker_container.c[*].image")}
      `))
      expect(e.probe("os")).toEqual(known("linux"))
      expect(e.probe("id")).toEqual({ value: "(unknown)", type: "any", whollyKnown: false, errors: [] })
      expect(e.probe("token").value).toBe("(unknown)")
      expect(e.probe("token").errors).toEqual([])
      expect(e.probe("tried").value).toBe("(unknown)")
      expect(e.probe("counted")).toEqual(known("ubuntu"))
      expect(e.probe("counted_id").value).toBe("(unknown)")
      expect(e.probe("splat")).toEqual(known(["ubuntu"]))
    }))
})

describe("§2.10 dynamic blocks", () => {
  const nestedValue = (forEach: string, extra = "") =>
    main(`
      variable "unset" {}
      resource "box" "b" {
        setting {
          name = "static"
        }
        dynamic "setting" {
          for_each = ${forEach}
          ${extra}
          content {
            name = "\${setting.key}=\${setting.value}"
          }
        }
      }
      ${probe("names", "box.b.setting[*].name")}
    `)

  const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
    [`["x", "y"]`, ["static", "0=x", "1=y"]],
    [`toset(["b", "a"])`, ["static", "a=a", "b=b"]],
    [`{ z = 1, a = 2 }`, ["static", "a=2", "z=1"]],
    [`["x", null, "y"]`, ["static", "0=x", "2=y"]],
    [`[]`, ["static"]],
    [`null`, ["static"]],
    [`var.unset`, ["static"]],
    [`["known", var.unset]`, ["static"]]
  ]
  for (const [forEach, names] of cases) {
    it.effect(`for_each = ${forEach}`, () =>
      Effect.gen(function*() {
        const e = yield* evaluate(nestedValue(forEach))
        expect(e.probe("names")).toEqual(known(names))
      }))
  }

  it.effect("nested dynamic blocks with custom iterators; the outer iterator stays visible", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        resource "box" "b" {
          dynamic "group" {
            for_each = { east = ["e1", "e2"], west = ["w1"] }
            iterator = region
            content {
              name = region.key
              dynamic "member" {
                for_each = region.value
                iterator = m
                content {
                  label = "\${region.key}/\${m.key}/\${m.value}"
                }
              }
            }
          }
        }
        ${probe("labels", "flatten([for g in box.b.group : g.member[*].label])")}
        ${probe("groups", "box.b.group[*].name")}
      `))
      expect(e.probe("groups")).toEqual(known(["east", "west"]))
      expect(e.probe("labels")).toEqual(known(["east/0/e1", "east/1/e2", "west/0/w1"]))
    }))

  it.effect("for_each may depend on parameters and module outputs", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `
          module "m" {
            source = "./m"
          }
          data "coder_parameter" "n" {
            name    = "n"
            type    = "number"
            default = 2
          }
          resource "box" "b" {
            dynamic "item" {
              for_each = range(data.coder_parameter.n.value)
              content {
                v = "\${module.m.prefix}\${item.value}"
              }
            }
          }
          ${probe("items", "box.b.item[*].v")}
        `,
        "m/main.tf": `output "prefix" {\n  value = "p"\n}\n`
      }, { values: { n: "3" } })
      expect(e.probe("items")).toEqual(known(["p0", "p1", "p2"]))
    }))
})
