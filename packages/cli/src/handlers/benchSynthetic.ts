/**
 * Synthetic templates for `warmpool bench render --synthetic N`: one `main.tf` with `N`
 * `coder_parameter` blocks of four kinds in turn (string with options, number with a min/max
 * validation, string with a regex validation, bool), a local that reads every value, a resource
 * that uses it and one preset. Only the parameter count varies, so the renders of two sizes
 * compare how a render grows with the template.
 */
import { TemplateFiles } from "@warmpool/terraform"

const parameterBlock = (i: number): string => {
  const common = [
    `  name         = "p${i}"`,
    `  display_name = "Parameter ${i}"`,
    `  description  = "Synthetic parameter number ${i}."`,
    `  mutable      = true`,
    `  order        = ${i}`
  ]
  switch (i % 4) {
    case 0:
      return [
        `data "coder_parameter" "p${i}" {`,
        ...common,
        `  type         = "string"`,
        `  default      = "a${i}"`,
        `  option {`,
        `    name  = "A ${i}"`,
        `    value = "a${i}"`,
        `  }`,
        `  option {`,
        `    name  = "B ${i}"`,
        `    value = "b${i}"`,
        `  }`,
        `}`
      ].join("\n")
    case 1:
      return [
        `data "coder_parameter" "p${i}" {`,
        ...common,
        `  type         = "number"`,
        `  default      = ${(i % 7) + 1}`,
        `  validation {`,
        `    min = 1`,
        `    max = 8`,
        `  }`,
        `}`
      ].join("\n")
    case 2:
      return [
        `data "coder_parameter" "p${i}" {`,
        ...common,
        `  type         = "string"`,
        `  default      = "value-${i}"`,
        `  validation {`,
        `    regex = "^[a-z]+-[0-9]+$"`,
        `    error = "lower-case word, dash, number"`,
        `  }`,
        `}`
      ].join("\n")
    default:
      return [
        `data "coder_parameter" "p${i}" {`,
        ...common,
        `  type         = "bool"`,
        `  default      = ${i % 2 === 0 ? "true" : "false"}`,
        `}`
      ].join("\n")
  }
}

/** The text of a synthetic template with `parameters` parameters. */
export const syntheticMainTf = (parameters: number): string => {
  const blocks: Array<string> = [
    `terraform {`,
    `  required_providers {`,
    `    coder = {`,
    `      source = "coder/coder"`,
    `    }`,
    `  }`,
    `}`,
    ``,
    `data "coder_workspace_owner" "me" {}`,
    `data "coder_workspace" "me" {}`,
    ``
  ]
  for (let i = 0; i < parameters; i++) blocks.push(parameterBlock(i), "")
  const values = Array.from({ length: parameters }, (_, i) => `    tostring(data.coder_parameter.p${i}.value),`)
  blocks.push(
    `locals {`,
    `  all_values = [`,
    ...values,
    `  ]`,
    `}`,
    ``,
    `resource "coder_agent" "main" {`,
    `  os   = "linux"`,
    `  arch = "amd64"`,
    `  env = {`,
    `    OWNER  = data.coder_workspace_owner.me.name`,
    `    VALUES = join(",", local.all_values)`,
    `  }`,
    `}`,
    ``,
    `data "coder_workspace_preset" "default" {`,
    `  name = "Default"`,
    `  parameters = {`,
    `    p0 = "b0"`,
    `  }`,
    `}`,
    ``
  )
  return blocks.join("\n")
}

/** A synthetic template's files. */
export const syntheticFiles = (parameters: number) =>
  TemplateFiles.fromRecord({ "main.tf": syntheticMainTf(parameters) })
