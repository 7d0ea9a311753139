import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as HclParser from "../src/HclParser.js"

const parse = (file: string, content: string) =>
  HclParser.parse(file, content).pipe(Effect.either, Effect.provide(HclParser.layer))

describe("HclParser", () => {
  it.effect("boots once and is safe under concurrent first use (runs first in this file)", () =>
    Effect.gen(function*() {
      const results = yield* Effect.forEach(
        Array.from({ length: 16 }, (_, i) => i),
        (i) => parse(`f${i}.tf`, `x${i} = ${i}\n`),
        { concurrency: "unbounded" }
      )
      expect(results).toEqual(Array.from({ length: 16 }, (_, i) => Either.right({ [`x${i}`]: i })))
    }))

  it.effect("parses block structure into hcl2json's shape", () =>
    Effect.gen(function*() {
      const result = yield* parse(
        "main.tf",
        `data "coder_parameter" "region" {
  name    = "region"
  default = 5
  option {
    value = "us"
  }
  dynamic "option" {
    for_each = var.regions
    content {
      value = option.value
    }
  }
}
locals {
  a = "\${var.x}-y"
}
`
      )
      expect(result).toEqual(
        Either.right({
          data: {
            coder_parameter: {
              region: [{
                default: 5,
                dynamic: { option: [{ content: [{ value: "${option.value}" }], for_each: "${var.regions}" }] },
                name: "region",
                option: [{ value: "us" }]
              }]
            }
          },
          locals: [{ a: "${var.x}-y" }]
        })
      )
    }))

  it.effect("reports syntax errors with a message and a range", () =>
    Effect.gen(function*() {
      const result = yield* parse("broken.tf", "locals {\n  a = (true\n}\n")
      expect(Either.isLeft(result)).toBe(true)
      const error = Either.getLeft(result).pipe((o) => o._tag === "Some" ? o.value : undefined)!
      expect(error._tag).toBe("HclParseError")
      expect(error.file).toBe("broken.tf")
      expect(error.message).toContain("Unbalanced parentheses")
      expect(error.message).not.toContain("broken.tf")
      expect(error.range?.start.line).toBe(3)
      expect(error.range?.file).toBe("broken.tf")
    }))

  it.effect("refuses deeply nested sources instead of crashing the WASM runtime", () =>
    Effect.gen(function*() {
      const cases = [
        "x = " + "(".repeat(5000) + "1" + ")".repeat(5000),
        "a {\n".repeat(3000) + "}\n".repeat(3000),
        "x = " + "\"${".repeat(3000) + "1" + "}\"".repeat(3000),
        "x = <<EOT\n" + "${[".repeat(3000) + "]}".repeat(3000) + "\nEOT\n",
        "x = \"" + "%{if true}".repeat(3000) + "%{endif}".repeat(3000) + "\"",
        "x = " + "!".repeat(20000) + "true",
        "x = " + "a ? 1 : ".repeat(20000) + "2"
      ]
      for (const source of cases) {
        const result = yield* parse("deep.tf", source)
        expect(Either.isLeft(result)).toBe(true)
        if (Either.isLeft(result)) expect(result.left.message).toMatch(/^(Nesting too deep|Expression too complex)/)
      }
      // The parser still works afterwards.
      expect(yield* parse("after.tf", "y = 1\n")).toEqual(Either.right({ y: 1 }))
      // Nesting within the limit is passed through.
      const ok = yield* parse("ok.tf", "x = " + "[".repeat(200) + "]".repeat(200) + "\n")
      expect(Either.isRight(ok)).toBe(true)
    }))

  it("turns multi-problem parser messages into the first problem and a count", () => {
    const error = HclParser.toParseError(
      "m.tf",
      "a = \nb = \nc = (\n",
      new Error(
        "parse config: [m.tf:1,5-2,1: Invalid expression; Expected the start of an expression. m.tf:4,1-1: Unbalanced parentheses; Expected a closing parenthesis.]"
      )
    )
    expect(error.message).toBe("Invalid expression; Expected the start of an expression. (and 1 more problem)")
    expect(error.range).toEqual({
      file: "m.tf",
      start: { line: 1, column: 5, offset: 4 },
      end: { line: 2, column: 1, offset: 5 }
    })
    const other = HclParser.toParseError("m.tf", "", new Error("convert to HCL: something else"))
    expect(other.message).toBe("convert to HCL: something else")
    expect(other.range).toBeUndefined()
  })
})
