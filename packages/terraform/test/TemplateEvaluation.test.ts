/**
 * Module evaluation (RENDER.md §2.5–§2.9): scopes, variables and tfvars precedence, locals,
 * path.* and terraform.workspace, count and for_each on data and resource blocks.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { evaluate, known, main, probe } from "./fixtures/evaluation/harness.js"

describe("§2.6 variables: input > tfvars files > default > unknown", () => {
  const template = {
    "main.tf": `
      variable "all" {
        default = "default"
      }
      variable "files_and_default" {
        default = "default"
      }
      variable "default_only" {
        default = "default"
      }
      variable "nothing" {
        type = list(string)
      }
      variable "untyped" {}
      ${probe("all", "var.all")}
      ${probe("files_and_default", "var.files_and_default")}
      ${probe("default_only", "var.default_only")}
      ${probe("nothing", "var.nothing")}
      ${probe("untyped", "var.untyped")}
    `,
    "a.tfvars": `all = "a.tfvars"\nfiles_and_default = "a.tfvars"\n`,
    "b.auto.tfvars.json": `{ "files_and_default": "b.auto.tfvars.json" }`
  }

  it.effect("each level", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(template, { tfvars: { all: "input" } })
      expect(e.probe("all")).toEqual(known("input"))
      expect(e.probe("files_and_default")).toEqual(known("b.auto.tfvars.json"))
      expect(e.probe("default_only")).toEqual(known("default"))
      expect(e.probe("nothing")).toEqual({
        value: "(unknown)",
        type: "list(string)",
        whollyKnown: false,
        errors: []
      })
      expect(e.probe("untyped")).toEqual({ value: "(unknown)", type: "any", whollyKnown: false, errors: [] })
    }))

  it.effect("a null input is still an input", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(template, { tfvars: { all: null } })
      expect(e.probe("all")).toEqual(known(null))
    }))

  it.effect("values convert to the declared type, optional() defaults applied", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(
        main(`
        variable "s" {
          type    = string
          default = 5
        }
        variable "set" {
          type    = set(string)
          default = ["us", "eu", "au"]
        }
        variable "obj" {
          type    = object({ a = string, b = optional(number, 7) })
          default = { a = 1 }
        }
        variable "from_tfvars" {
          type = number
        }
        ${probe("s", "var.s")}
        ${probe("set", "var.set")}
        ${probe("first", "tolist(var.set)[0]")}
        ${probe("obj", "var.obj")}
        ${probe("from_tfvars", "var.from_tfvars + 1")}
      `),
        { tfvars: { from_tfvars: "41" } }
      )
      expect(e.probe("s")).toEqual(known("5", "string"))
      expect(e.probe("set")).toEqual(known(["au", "eu", "us"], "set(string)"))
      expect(e.probe("first")).toEqual(known("au"))
      expect(e.probe("obj")).toEqual(known({ a: "1", b: 7 }))
      expect(e.probe("from_tfvars")).toEqual(known(42))
    }))

  it.effect("a value that does not convert: the variable is undefined and reading it is an error", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        variable "n" {
          type    = number
          default = "not a number"
        }
        ${probe("n", "var.n")}
        ${probe("caught", `try(var.n, "caught")`)}
      `))
      expect(e.probe("n").errors).toEqual(["Invalid value for input variable"])
      expect(e.probe("caught")).toEqual(known("caught"))
      expect(e.lazy.root.variable("n")).toBeUndefined()
    }))

  it.effect("an undeclared variable is an error", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(probe("x", "var.nope")))
      expect(e.probe("x").errors).toEqual(["Reference to undeclared input variable"])
    }))

  it.effect("non-literal tfvars values are unknown", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `variable "v" {\n  default = "d"\n}\n${probe("v", "var.v")}`,
        "x.tfvars": `v = upper("computed is fine")\n`,
        "y.tfvars": ``
      })
      expect(e.probe("v").value).toBe("COMPUTED IS FINE")
    }))
})

describe("§2.7 locals and §2.2 storage boundaries", () => {
  it.effect("locals see each other in any order; a null local stays null", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        locals {
          b = local.a * 2
        }
        locals {
          a = 21
          n = null
        }
        ${probe("b", "local.b")}
        ${probe("n", "local.n == null")}
      `))
      expect(e.probe("b")).toEqual(known(42))
      expect(e.probe("n")).toEqual(known(true))
    }))

  it.effect("a failing local keeps its partial value without the error; try() then sees an unknown", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        locals {
          broken  = data.probe.missing.v
          partial = ["ok", local.broken2]
          broken2 = jsondecode("{")
        }
        ${probe("broken", "local.broken")}
        ${probe("tried", `try(local.broken, "f")`)}
        ${probe("partial", "local.partial")}
        ${probe("direct", `try(jsondecode("{"), "f")`)}
      `))
      expect(e.probe("broken")).toEqual({ value: "(unknown)", type: "any", whollyKnown: false, errors: [] })
      expect(e.probe("tried")).toEqual({ value: "(unknown)", type: "any", whollyKnown: false, errors: [] })
      expect(e.probe("partial").value).toEqual(["ok", "(unknown)"])
      expect(e.probe("partial").errors).toEqual([])
      expect(e.probe("direct")).toEqual(known("f"))
    }))

  it.effect("a local cycle: unknown at the boundary, and no evaluation diagnostic", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        locals {
          a = local.b
          b = local.a
        }
        ${probe("a", "local.a")}
      `))
      expect(e.probe("a").value).toBe("(unknown)")
      expect(e.diagnostics()).toEqual([])
    }))

  it.effect("undeclared locals are errors", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(probe("x", "local.nope")))
      expect(e.probe("x").errors).toEqual(["Reference to undeclared local value"])
    }))
})

describe("§2.5 path.* and terraform.workspace", () => {
  it.effect("in the root and in a module", () =>
    Effect.gen(function*() {
      const paths = `[path.module, path.root, path.cwd, terraform.workspace]`
      const e = yield* evaluate({
        "main.tf": `module "child" {\n  source = "./modules/child"\n}\n${probe("paths", paths)}`,
        "modules/child/main.tf": probe("paths", paths)
      })
      expect(e.probe("paths").value).toEqual([".", ".", "/", "default"])
      expect(e.probe("paths", { module: "module.child" }).value).toEqual(["modules/child", ".", "/", "default"])
    }))

  it.effect("file() reads relative to the template root, so path.module works in any module", () =>
    Effect.gen(function*() {
      const e = yield* evaluate({
        "main.tf": `module "child" {\n  source = "./modules/child"\n}\n`,
        "modules/child/main.tf": probe("text", `trimspace(file("\${path.module}/data.txt"))`),
        "modules/child/data.txt": "inside\n"
      })
      expect(e.probe("text", { module: "module.child" })).toEqual(known("inside"))
    }))
})

describe("§2.9 count on data and resource blocks", () => {
  const counted = (count: string) =>
    main(`
      variable "unset" {}
      data "item" "x" {
        count = ${count}
        index = count.index
      }
      ${probe("ref", "data.item.x")}
    `)

  it.effect("a known count: instances 0…n-1, the reference is a tuple", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(counted("3"))
      expect(e.instances("data", "item")).toEqual(["data.item.x[0]", "data.item.x[1]", "data.item.x[2]"])
      expect((e.probe("ref").value as Array<{ index: number }>).map((i) => i.index)).toEqual([0, 1, 2])
      expect(e.probe("ref").type.startsWith("tuple(")).toBe(true)
    }))

  const counts: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
    [`"2"`, ["data.item.x[0]", "data.item.x[1]"]],
    [`2.0`, ["data.item.x[0]", "data.item.x[1]"]],
    [`0`, []],
    [`true ? 1 : 0`, ["data.item.x[0]"]],
    [`"false" ? 1 : 0`, []]
  ]
  for (const [count, addresses] of counts) {
    it.effect(`count = ${count}`, () =>
      Effect.gen(function*() {
        const e = yield* evaluate(counted(count))
        expect(e.instances("data", "item")).toEqual(addresses)
        expect((e.probe("ref").value as Array<unknown>).length).toBe(addresses.length)
      }))
  }

  it.effect("a null count means one instance, not a tuple", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        data "item" "x" {
          count = null
          a     = "one"
        }
        ${probe("a", "data.item.x.a")}
      `))
      expect(e.instances("data", "item")).toEqual(["data.item.x"])
      expect(e.probe("a")).toEqual(known("one"))
    }))

  it.effect("an unknown count: one unexpanded instance, count.index unknown", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(counted("var.unset"))
      expect(e.instances("data", "item")).toEqual(["data.item.x"])
      const block = e.lazy.root.blocks("data", "item")[0]!
      expect(block.unexpanded).toBe(true)
      expect(block.attribute("index")!.value._tag).toBe("Unknown")
      // Not a coder_ type: no warning.
      expect(e.diagnostics()).toEqual([])
    }))

  it.effect("unknown count on coder_ types warns; for_each does not", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        variable "unset" {}
        data "coder_parameter" "p" {
          count = var.unset
          name  = "p"
        }
        resource "coder_app" "a" {
          count = var.unset
        }
        data "coder_parameter" "f" {
          for_each = var.unset
          name     = "f"
        }
      `))
      expect(e.diagnostics()).toEqual([
        `warning|Unexpanded count argument on block "coder_app.a"|The count argument is not expanded. This may lead to unexpected behavior. The default behavior is to assume count is 1.|`,
        `warning|Unexpanded count argument on block "data.coder_parameter.p"|The count argument is not expanded. This may lead to unexpected behavior. The default behavior is to assume count is 1.|`
      ])
    }))

  it.effect("count.index outside a counted block is an error", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(probe("x", "count.index")))
      expect(e.probe("x").errors).toEqual([`Reference to "count" in non-counted context`])
    }))

  it.effect("count may depend on another block through a local", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        locals {
          n = length(data.item.base)
        }
        data "item" "base" {
          count = 2
        }
        data "item" "derived" {
          count = local.n + 1
        }
      `))
      expect(e.instances("data", "item")).toEqual([
        "data.item.base[0]",
        "data.item.base[1]",
        "data.item.derived[0]",
        "data.item.derived[1]",
        "data.item.derived[2]"
      ])
    }))

  it.effect("resources expand the same way", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        resource "box" "b" {
          count = 2
          n     = count.index
        }
        ${probe("ns", "box.b[*].n")}
      `))
      expect(e.instances("resource", "box")).toEqual(["box.b[0]", "box.b[1]"])
      expect(e.probe("ns")).toEqual(known([0, 1]))
    }))
})

describe("§2.9 for_each on data and resource blocks", () => {
  const forEach = (collection: string) =>
    main(`
      variable "unset" {}
      data "item" "x" {
        for_each = ${collection}
        k        = each.key
        v        = each.value
      }
      ${probe("ref", "data.item.x")}
    `)

  const cases: ReadonlyArray<readonly [string, ReadonlyArray<string>]> = [
    [`{ b = 1, a = 2 }`, [`data.item.x["a"]`, `data.item.x["b"]`]],
    [`tomap({ z = "1" })`, [`data.item.x["z"]`]],
    [`toset(["us", "eu"])`, [`data.item.x["eu"]`, `data.item.x["us"]`]],
    [`["b", "a", "b"]`, [`data.item.x["a"]`, `data.item.x["b"]`]],
    [`toset([1, 10, 2])`, [`data.item.x["1"]`, `data.item.x["10"]`, `data.item.x["2"]`]],
    [`["a", null]`, [`data.item.x["a"]`]],
    [`{}`, []],
    [`[]`, []],
    [`null`, []],
    [`"not iterable"`, []]
  ]
  for (const [collection, addresses] of cases) {
    it.effect(`for_each = ${collection}`, () =>
      Effect.gen(function*() {
        const e = yield* evaluate(forEach(collection))
        expect(e.instances("data", "item")).toEqual(addresses)
      }))
  }

  it.effect("each.key is a string, each.value the element; the reference is an object by key", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        data "item" "x" {
          for_each = { one = 1, two = { deep = true } }
          k        = each.key
          v        = each.value
        }
        ${probe("all", "data.item.x")}
        ${probe("one", `data.item.x["one"].v`)}
        ${probe("deep", `data.item.x["two"].v.deep`)}
        ${probe("keys", "keys(data.item.x)")}
        ${probe("missing", `data.item.x["three"]`)}
      `))
      expect(e.probe("one")).toEqual(known(1))
      expect(e.probe("deep")).toEqual(known(true))
      expect(e.probe("keys")).toEqual(known(["one", "two"]))
      const all = e.probe("all").value as Record<string, { k: string }>
      expect(Object.keys(all)).toEqual(["one", "two"])
      expect(all["one"]!.k).toBe("one")
      expect(e.probe("missing").errors.length).toBe(1)
    }))

  it.effect("an unknown for_each: one unexpanded instance, each.* unknown", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(forEach("var.unset"))
      expect(e.instances("data", "item")).toEqual(["data.item.x"])
      const block = e.lazy.root.blocks("data", "item")[0]!
      expect(block.unexpanded).toBe(true)
      expect(block.attribute("k")!.value._tag).toBe("Unknown")
    }))

  it.effect("each outside for_each is an error", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(probe("x", "each.key")))
      expect(e.probe("x").errors).toEqual([`Reference to "each" in context without for_each`])
    }))
})

describe("§2.5 references", () => {
  it.effect("undeclared blocks and modules are errors that try and can do not catch (as Terraform)", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        ${probe("data", "data.nothing.here")}
        ${probe("resource", "nothing_here.x")}
        ${probe("module", "module.nothing")}
        ${probe("can", "[can(data.nothing.here), can(module.nothing.x)]")}
      `))
      expect(e.probe("data").errors).toEqual(["Reference to undeclared resource"])
      expect(e.probe("resource").errors).toEqual(["Reference to undeclared resource"])
      expect(e.probe("module").errors).toEqual(["Reference to undeclared module"])
      expect(e.probe("can").errors).toEqual(["Reference to undeclared resource", "Reference to undeclared module"])
    }))

  it.effect("attribute and index access on expression results", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        locals {
          m = { b = [1, 2], a = [3] }
        }
        ${probe("x", `[jsondecode("{\\"a\\": {\\"b\\": 5}}").a.b, keys(local.m)[0], local.m["b"][1]]`)}
      `))
      expect(e.probe("x")).toEqual(known([5, "a", 2]))
    }))
})

describe("Evaluation bookkeeping", () => {
  it.effect("impure functions are recorded", () =>
    Effect.gen(function*() {
      const pure = yield* evaluate(main(probe("x", `"a"`)))
      pure.probe("x")
      expect(pure.lazy.impure()).toBe(false)
      const impure = yield* evaluate(main(probe("x", `timestamp()`)))
      impure.probe("x")
      expect(impure.lazy.impure()).toBe(true)
      expect(impure.forced.impure()).toBe(true)
    }))

  it.effect("nothing is evaluated until asked", () =>
    Effect.gen(function*() {
      const e = yield* evaluate(main(`
        data "never" "read" {
          v = timestamp()
        }
        ${probe("x", `"a"`)}
      `))
      expect(e.probe("x")).toEqual(known("a"))
      expect(e.lazy.impure()).toBe(false)
      expect(e.forced.impure()).toBe(true)
    }))
})
