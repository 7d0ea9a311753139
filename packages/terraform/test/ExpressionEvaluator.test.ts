import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import type * as Ast from "../src/Ast.js"
import * as Diagnostic from "../src/Diagnostic.js"
import * as Evaluator from "../src/ExpressionEvaluator.js"
import * as Parser from "../src/ExpressionParser.js"
import { type FileAccess, noFiles } from "../src/FunctionDefinition.js"
import * as FunctionTable from "../src/FunctionTable.js"
import * as T from "../src/Type.js"
import * as V from "../src/Value.js"
import { checkRows, type Row } from "./utils/expressionTable.js"
import { showValue } from "./utils/showValue.js"

const fmt = showValue

const check = (rows: ReadonlyArray<Row>) => checkRows(rows)

describe("expressions (checked against terraform console)", () => {
  check([
    ["1 + 2", "3"],
    ["1 / 0", "+Inf"],
    ["-1 / 0", "-Inf"],
    ["0 / 0", "Operation failed", "Error during operation: can't divide zero by zero or infinity by infinity."],
    ["5 % 0", "5"],
    ["5.5 % 2", "1.5"],
    ["-7 % 3", "-1"],
    ["1 + \"2\"", "3"],
    ["1 + \"a\"", "Invalid operand", "Unsuitable value for right operand: a number is required."],
    ["\"a\" + \"b\"", "Invalid operand", "Unsuitable value for left operand: a number is required."],
    ["null + 1", "Operation failed", "Error during operation: argument must not be null."],
    ["1 - null", "Operation failed", "Error during operation: argument must not be null."],
    ["-\"3\"", "-3"],
    ["!\"true\"", "false"],
    ["!1", "Invalid operand", "Unsuitable value for unary operand: bool required."],
    ["!null", "Operation failed", "Error during operation: argument must not be null."],
    ["1 < \"2\"", "true"],
    ["\"10\" > \"9\"", "true"],
    ["1 == 1.0", "true"],
    ["\"5\" == 5", "false"],
    ["null == null", "true"],
    ["[1] == [1]", "true"],
    ["{a=1} == {a=1}", "true"],
    ["{a=1} == {a=\"1\"}", "false"],
    ["[] == []", "true"],
    ["{} == {}", "true"],
    ["true && false", "false"],
    ["true && \"true\"", "true"],
    ["true && 1", "Invalid operand", "Unsuitable value for right operand: bool required."],
    ["true && null", "Operation failed", "Error during operation: argument must not be null."],
    ["true || null", "Operation failed", "Error during operation: argument must not be null."],
    ["0.1 + 0.2", "0.3"],
    ["1e3", "1000"],
    ["12345678901234567890 + 1", "12345678901234567891"],
    ["0.1 * 3", "0.3"],
    ["2 * 0.5", "1"],
    ["10 / 4", "2.5"],
    [
      "10 / 3",
      "3.3333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333332"
    ],
    [
      "1 - 0.9",
      "0.10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003"
    ],
    ["true ? 1 : \"a\"", "\"1\""],
    ["false ? 1 : \"a\"", "\"a\""],
    ["true ? \"a\" : 1", "\"a\""],
    ["true ? [1] : [\"a\", \"b\"]", "list[\"1\"]"],
    ["true ? {a=1} : {b=\"x\"}", "map{a=\"1\"}"],
    [
      "true ? {a=1} : [1]",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. The 'true' value is object, but the 'false' value is tuple."
    ],
    ["true ? [{a=1}] : [{a=1},{a=2}]", "list[{a=1}]"],
    ["true ? null : 1", "null(number)"],
    ["false ? null : 1", "1"],
    ["true ? [] : [1]", "list[]"],
    ["true ? {a=1} : {a=\"x\"}", "{a=\"1\"}"],
    ["true ? tolist([1]) : [\"a\"]", "list[\"1\"]"],
    ["true ? tomap({a=1}) : {b=\"x\"}", "map{a=\"1\"}"],
    ["\"true\" ? 1 : 2", "1"],
    ["\"yes\" ? 1 : 2", "Incorrect condition type", "The condition expression must be of type bool."],
    ["null ? 1 : 2", "Null condition", "The condition value is null. Conditions must either be true or false."],
    ["1 ? 1 : 2", "Incorrect condition type", "The condition expression must be of type bool."],
    ["local.u ? 1 : 2", "unknown(number)"],
    ["local.u ? [1] : [1, 2]", "unknown(list(number))"],
    ["true ? local.u : 1", "unknown(any)"],
    ["[1, 2, 3][1]", "2"],
    ["[1, 2, 3][\"1\"]", "2"],
    [
      "[1, 2, 3][\"a\"]",
      "Invalid index",
      "The given key does not identify an element in this collection value: a number is required."
    ],
    ["[1][5]", "Invalid index", "The given key does not identify an element in this collection value."],
    [
      "[][0]",
      "Invalid index",
      "The given key does not identify an element in this collection value: the collection has no elements."
    ],
    [
      "[1][-1]",
      "Invalid index",
      "The given key does not identify an element in this collection value: a negative number is not a valid index for a sequence."
    ],
    [
      "[1][1.5]",
      "Invalid index",
      "The given key does not identify an element in this collection value: indexing a sequence requires a whole number, but the given index has a fractional part."
    ],
    ["{a=1}[\"a\"]", "1"],
    [
      "{a=1}[0]",
      "Invalid index",
      "The given key does not identify an element in this collection value. An object only supports looking up attributes by name, not by numeric index."
    ],
    ["{a=1}.b", "Unsupported attribute", "This object does not have an attribute named \"b\"."],
    ["{a=1}.a.b", "Unsupported attribute", "Can't access attributes on a primitive-typed value (number)."],
    ["\"abc\"[0]", "Invalid index", "This value does not have any indices."],
    ["\"abc\".x", "Unsupported attribute", "Can't access attributes on a primitive-typed value (string)."],
    ["null.a", "Attempt to get attribute from null value", "This value is null, so it does not have any attributes."],
    ["null[0]", "Attempt to index null value", "This value is null, so it does not have any indices."],
    ["[1][null]", "Invalid index", "Can't use a null value as an indexing key."],
    ["{a={b=[1,{c=\"deep\"}]}}.a.b[1].c", "\"deep\""],
    ["local.u.x.y", "unknown(any)"],
    ["local.u[0]", "unknown(any)"],
    ["[local.u][0]", "unknown(any)"],
    ["\"x${1 + 1}y\"", "\"x2y\""],
    ["\"${1}\"", "1"],
    ["\"${[1]}\"", "[1]"],
    [
      "\"a${[1]}b\"",
      "Invalid template interpolation value",
      "Cannot include the given value in a string template: string required."
    ],
    [
      "\"a${null}b\"",
      "Invalid template interpolation value",
      "The expression result is null. Cannot include a null value in a string template."
    ],
    ["\"a${local.u}b\"", "unknown(string)"],
    ["\"a${true}b\"", "\"atrueb\""],
    ["\"a${1.50}b\"", "\"a1.5b\""],
    ["\"%{ for x in [1,2] }<${x}>%{ endfor }\"", "\"<1><2>\""],
    ["\"%{ for k, v in {a=1,b=2} }${k}=${v};%{ endfor }\"", "\"a=1;b=2;\""],
    ["\"%{ if true }yes%{ else }no%{ endif }\"", "\"yes\""],
    ["\"%{ if false }yes%{ endif }\"", "\"\""],
    ["\"%{ if \"true\" }yes%{ endif }\"", "\"yes\""],
    [
      "\"%{ if null }a%{ endif }\"",
      "Null condition",
      "The condition value is null. Conditions must either be true or false."
    ],
    ["\"%{ if local.u }a%{ endif }\"", "unknown(string)"],
    ["\"%{ for x in local.u }${x}%{ endfor }\"", "unknown(string)"],
    [
      "\"%{ for x in [null] }${x}%{ endfor }\"",
      "Invalid template interpolation value",
      "The expression result is null. Cannot include a null value in a string template."
    ],
    [
      "\"%{ for x in [[1]] }${x}%{ endfor }\"",
      "Invalid template interpolation value",
      "Cannot include the given value in a string template: string required."
    ],
    [
      "\"%{ for x in null }${x}%{ endfor }\"",
      "Iteration over null value",
      "A null value cannot be used as the collection in a 'for' expression."
    ],
    [
      "\"%{ for x in 1 }${x}%{ endfor }\"",
      "Iteration over non-iterable value",
      "A value of type number cannot be used as the collection in a 'for' expression."
    ],
    ["[for x in [1,2,3] : x * 2]", "[2,4,6]"],
    ["{for k, v in {a=1,b=2} : v => k}", "{1=\"a\",2=\"b\"}"],
    ["{for x in [\"a\",\"b\",\"a\"] : x => x...}", "{a=[\"a\",\"a\"],b=[\"b\"]}"],
    ["[for x in [1,2,3] : x if x > 1]", "[2,3]"],
    [
      "[for x in null : x]",
      "Iteration over null value",
      "A null value cannot be used as the collection in a 'for' expression."
    ],
    [
      "[for x in 1 : x]",
      "Iteration over non-iterable value",
      "A value of type number cannot be used as the collection in a 'for' expression."
    ],
    ["[for x in local.u : x]", "unknown(any)"],
    [
      "{for x in [\"a\", \"a\"] : x => 1}",
      "Duplicate object key",
      "Two different items produced the key \"a\" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key."
    ],
    [
      "{for x in [1] : null => 1}",
      "Invalid object key",
      "Key expression in 'for' expression must not produce a null value."
    ],
    [
      "{for x in [1] : [] => 1}",
      "Invalid object key",
      "The key expression produced an invalid result: string required."
    ],
    ["{for x in [1] : local.u => 1}", "unknown(any)"],
    ["[for x in [1, 2] : x if x]", "Invalid 'for' condition", "The 'if' clause value is invalid: bool required."],
    ["[for x in [1, 2] : x if null]", "Condition is null", "The value of the 'if' clause must not be null."],
    ["[for x in [1, 2] : x if local.u]", "unknown(any)"],
    ["[for x in [1, 2] : x if \"true\"]", "[1,2]"],
    ["[for k, v in [\"a\", \"b\"] : \"${k}=${v}\"]", "[\"0=a\",\"1=b\"]"],
    ["[for x in toset([\"b\", \"a\"]) : x]", "[\"a\",\"b\"]"],
    ["[for k, v in toset([\"b\", \"a\"]) : k]", "[\"a\",\"b\"]"],
    ["[for k, v in {b=1, a=2} : k]", "[\"a\",\"b\"]"],
    ["[for k, v in tomap({b=1, a=2}) : v]", "[2,1]"],
    ["{for i, v in [\"x\", \"y\"] : v => i}", "{x=0,y=1}"],
    ["{for k, v in {a=1} : k => v if v > 5}", "{}"],
    ["[{a=1},{a=2}][*].a", "[1,2]"],
    ["[{a=1},{a=2}].*.a", "[1,2]"],
    ["null[*]", "[]"],
    ["\"s\"[*]", "[\"s\"]"],
    ["{a=1}[*].a", "[1]"],
    ["local.u[*].a", "unknown(any)"],
    ["[local.u][*].a", "[unknown(any)]"],
    ["[[1,2],[3]][*][0]", "[1,3]"],
    ["[{a=[1,2]}][*].a[0]", "[1]"],
    ["[{a=1}, {b=2}][*].a", "Unsupported attribute", "This object does not have an attribute named \"a\"."],
    ["[1, 2, 3]", "[1,2,3]"],
    ["{a = 1, b = \"x\"}", "{a=1,b=\"x\"}"],
    ["{a = 1, a = 2}", "{a=2}"],
    ["{\"a b\" = 1}", "{a b=1}"],
    ["{(1) = \"x\"}", "{1=\"x\"}"],
    ["{(true) = \"x\"}", "{true=\"x\"}"],
    ["{(null) = 1}", "Null value as key", "Can't use a null value as a key."],
    ["{([]) = 1}", "Incorrect key type", "Can't use this value as a key: string required."],
    ["{(local.u) = 1, b = 2}", "unknown(any)"],
    ["{a = local.u}", "{a=unknown(any)}"],
    ["[1, local.u]", "[1,unknown(any)]"],
    ["try(nosuch(), \"x\")", "\"x\""],
    ["try([][1], {}.a, \"f\")", "\"f\""],
    ["try()", "Error in function call", "Call to function \"try\" failed: at least one argument is required."],
    ["try(1)", "1"],
    ["try([local.u], 1)", "unknown(any)"],
    ["try(local.u, 1)", "unknown(any)"],
    ["can([][0])", "false"],
    ["can(1)", "true"],
    ["can(local.u)", "unknown(bool)"],
    ["can([local.u])", "unknown(bool)"],
    [
      "can()",
      "Not enough function arguments",
      "Function \"can\" expects 1 argument(s). Missing value for \"expression\"."
    ],
    ["can(1, 2)", "Too many function arguments", "Function \"can\" expects only 1 argument(s)."],
    ["nosuch(1)", "Call to unknown function", "There is no function named \"nosuch\"."],
    ["lenght(\"a\")", "Call to unknown function", "There is no function named \"lenght\". Did you mean \"length\"?"],
    ["upper(null)", "Invalid function argument", "Invalid value for \"str\" parameter: argument must not be null."],
    ["max([1, 5, 3]...)", "5"],
    ["core::length(\"ab\")", "2"],
    ["[local.u, 1][0]", "unknown(any)"],
    ["[local.u, 1][1]", "1"],
    ["local.u[\"a\"]", "unknown(any)"],
    ["local.u.a", "unknown(any)"],
    ["{a = local.u}.a", "unknown(any)"],
    ["{a = local.u}.b", "Unsupported attribute", "This object does not have an attribute named \"b\"."],
    ["upper(local.u)", "unknown(string)"],
    ["format(\"%s\", local.u)", "unknown(any)"],
    ["[for x in [1, local.u] : x]", "[1,unknown(any)]"],
    ["[for x in [1, local.u] : x if x == 1]", "unknown(any)"],
    ["{for x in [\"a\", local.u] : x => 1}", "unknown(any)"],
    ["{for k, v in {a = local.u} : k => v}", "{a=unknown(any)}"],
    ["[for x in toset([local.u, 1]) : x]", "[1,unknown(number)]"],
    ["[1, local.u][*]", "[1,unknown(any)]"],
    ["[{a = local.u}][*].a", "[unknown(any)]"],
    ["local.u[*]", "unknown(any)"],
    ["\"%{ for x in [1, local.u] }${x}%{ endfor }\"", "unknown(string)"],
    ["local.u == local.u", "unknown(bool)"],
    ["[local.u] == [local.u]", "unknown(bool)"],
    ["1 == local.u", "unknown(bool)"],
    ["[1] == local.u", "unknown(bool)"],
    ["{} == local.u", "unknown(bool)"],
    ["null == local.u", "unknown(bool)"],
    ["local.u != 1", "unknown(bool)"],
    ["local.u + 1", "unknown(number)"],
    ["-local.u", "unknown(number)"],
    ["!local.u", "unknown(bool)"],
    ["local.u > 1", "unknown(bool)"],
    ["local.u && true", "unknown(bool)"],
    ["local.u || true", "true"],
    ["true && local.u", "unknown(bool)"],
    ["false || local.u", "unknown(bool)"],
    ["local.u ? 1 : \"a\"", "unknown(string)"],
    ["local.u ? [1] : tolist([\"a\"])", "unknown(list(string))"],
    ["local.u ? {a = 1} : {b = 2}", "unknown(map(number))"],
    ["local.u ? null : 1", "unknown(number)"],
    ["true ? local.u : [1]", "unknown(any)"],
    ["false ? local.u : [1]", "[1]"],
    ["try(local.u.a, 1)", "unknown(any)"],
    ["try(local.u[0], 1)", "unknown(any)"],
    ["try({a = 1}.b, local.u)", "unknown(any)"],
    ["can(local.u.x)", "unknown(bool)"],
    ["can(tolist(local.u))", "unknown(bool)"]
  ])
})

describe("unification, numbers, templates and for expressions (checked against terraform console)", () => {
  check([
    ["true ? 1 : \"a\"", "\"1\""],
    [
      "true ? 1 : true",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. The 'true' value is number, but the 'false' value is bool."
    ],
    ["true ? \"a\" : true", "\"a\""],
    ["true ? [1] : [\"a\"]", "[\"1\"]"],
    ["true ? [1] : [1, 2]", "list[1]"],
    ["true ? [1] : tolist([\"a\"])", "list[\"1\"]"],
    ["true ? tolist([1]) : tolist([\"a\"])", "list[\"1\"]"],
    ["true ? toset([1]) : toset([\"a\"])", "set[\"1\"]"],
    ["true ? toset([1]) : tolist([1])", "list[1]"],
    ["true ? tolist([1]) : toset([1])", "list[1]"],
    ["true ? {a = 1} : {a = \"x\"}", "{a=\"1\"}"],
    ["true ? {a = 1} : {b = 1}", "map{a=1}"],
    ["true ? {a = 1} : {a = 1, b = 2}", "map{a=1}"],
    [
      "true ? {a = [1]} : {b = \"x\"}",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. The 'true' value includes object attribute \"a\", which is absent in the 'false' value."
    ],
    ["true ? tomap({a = 1}) : {b = \"x\"}", "map{a=\"1\"}"],
    ["true ? tomap({a = 1}) : tomap({b = \"x\"})", "map{a=\"1\"}"],
    ["true ? {a = {x = 1}} : {a = {x = \"y\"}}", "{a={x=\"1\"}}"],
    ["true ? {a = {x = 1}} : {a = {y = 1}}", "{a=map{x=1}}"],
    ["true ? [{a = 1}] : [{b = 1}]", "[map{a=1}]"],
    ["true ? [[1]] : [[\"a\"]]", "[[\"1\"]]"],
    ["true ? [1, \"a\"] : [\"b\", 2]", "[\"1\",\"a\"]"],
    [
      "true ? [] : {}",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. The 'true' value is tuple, but the 'false' value is object."
    ],
    ["true ? [] : []", "[]"],
    ["true ? {} : {}", "{}"],
    ["true ? {} : {a = 1}", "map{}"],
    ["true ? [] : [\"a\"]", "list[]"],
    [
      "true ? [true] : [1]",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. Type mismatch for tuple element 0: The 'true' value is bool, but the 'false' value is number."
    ],
    [
      "true ? {a = true} : {a = 1}",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. Type mismatch for object attribute \"a\": The 'true' value is bool, but the 'false' value is number."
    ],
    [
      "true ? 1 : [1]",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. The 'true' value is number, but the 'false' value is tuple."
    ],
    [
      "true ? \"a\" : {}",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. The 'true' value is string, but the 'false' value is object."
    ],
    [
      "true ? tomap({a = 1}) : tolist([1])",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. The 'true' value is map of number, but the 'false' value is list of number."
    ],
    ["true ? toset([\"a\"]) : [\"b\", 1]", "set[\"a\"]"],
    ["true ? [[1], [\"a\"]] : [[true]]", "list[[\"1\"],[\"a\"]]"],
    [
      "true ? [{a=[true]}] : [{a=[1]}]",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. Type mismatch for tuple element 0: Type mismatch for object attribute \"a\": Type mismatch for tuple element 0: The 'true' value is bool, but the 'false' value is number."
    ],
    ["true ? tolist([{a=1}]) : tolist([{b=1}])", "list[map{a=1}]"],
    ["true ? tomap({x={a=1}}) : tomap({x={b=1}})", "map{x=map{a=1}}"],
    [
      "true ? tolist([[true]]) : tolist([[1]])",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. Mismatched list element types: Type mismatch for tuple element 0: The 'true' value is bool, but the 'false' value is number."
    ],
    [
      "true ? {a={b=true}} : {a={b=1}}",
      "Inconsistent conditional result types",
      "The true and false result expressions must have consistent types. Type mismatch for object attribute \"a\": Type mismatch for object attribute \"b\": The 'true' value is bool, but the 'false' value is number."
    ],
    ["\"${0.1 + 0.2}\"", "0.3"],
    [
      "\"${1 / 3}\"",
      "0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335"
    ],
    [
      "tostring(2 / 3)",
      "\"0.6666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666667\""
    ],
    ["\"${1e-7}\"", "0.0000001"],
    ["\"${123456789.123456789}\"", "123456789.123456789"],
    [
      "jsonencode(1 / 3)",
      "\"0.33333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333333335\""
    ],
    ["10 / 3 * 3", "10"],
    ["\"${pow(2, 0.5)}\"", "1.4142135623730951"],
    ["\"${1e20 * 10}\"", "1000000000000000000000"],
    ["\"${0.5e1}\"", "5"],
    [
      "jsonencode([1e100])",
      "\"[10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000]\""
    ],
    ["\"${12345678901234567890123456789}\"", "12345678901234567890123456789"],
    ["1 == 1.0000000000000000000000001", "false"],
    ["0.1 + 0.2 == 0.3", "true"],
    ["\"${floor(2.5)}\"", "2"],
    ["\"${3 % 2.5}\"", "0.5"],
    ["\"${-5.5 % 2}\"", "-1.5"],
    ["\"${1.5 * 1.5}\"", "2.25"],
    ["tostring(100000000000000000000.5)", "\"100000000000000000000.5\""],
    ["[for i, x in [\"a\"] : i][0] == 0", "true"],
    ["\"${length([1,2]) / 4}\"", "0.5"],
    ["\"%{ for i, x in [\"a\", \"b\"] ~}${i}:${x} %{ endfor ~}\"", "\"0:a 1:b \""],
    ["\"a %{~ if true ~} b %{~ endif ~} c\"", "\"abc\""],
    ["\"${\"nested ${\"x\"}\"}\"", "\"nested x\""],
    ["\"$${literal} %%{literal}\"", "\"${literal} %{literal}\""],
    ["\"%{ for x in {a = 1, b = 2} }${x}%{ endfor }\"", "\"12\""],
    ["\"%{ for k, v in {b = 1, a = 2} }${k}${v}%{ endfor }\"", "\"a2b1\""],
    ["\"%{ if 1 == 1 }eq%{ else }ne%{ endif }\"", "\"eq\""],
    ["\"%{ if \"false\" }t%{ else }f%{ endif }\"", "\"f\""],
    ["\"%{ if 1 }t%{ endif }\"", "Incorrect condition type", "The condition expression must be of type bool."],
    ["\"%{ for x in [1, 2] }%{ if x > 1 }${x}%{ endif }%{ endfor }\"", "\"2\""],
    ["\"%{ for x in toset([\"b\", \"a\"]) }${x}%{ endfor }\"", "\"ab\""],
    [
      "\"%{ for x in \"s\" }${x}%{ endfor }\"",
      "Iteration over non-iterable value",
      "A value of type string cannot be used as the collection in a 'for' expression."
    ],
    [
      "\"%{ for x in [{}] }${x}%{ endfor }\"",
      "Invalid template interpolation value",
      "Cannot include the given value in a string template: string required."
    ],
    ["\"${true}${false}${1.25}${\"s\"}\"", "\"truefalse1.25s\""],
    ["\"${tolist([\"a\"])}\"", "list[\"a\"]"],
    [
      "\"x${local.u}y${[1]}\"",
      "Invalid template interpolation value",
      "Cannot include the given value in a string template: string required."
    ],
    [
      "\"x${[1]}y${local.u}\"",
      "Invalid template interpolation value",
      "Cannot include the given value in a string template: string required."
    ],
    ["{for s in [\"a\", \"b\", \"a\"] : s => length(s)...}", "{a=[1,1],b=[1]}"],
    ["{for i, s in [\"a\", \"b\"] : s => i if i > 0}", "{b=1}"],
    ["{for k, v in {a = [1], b = [2]} : k => v[0]}", "{a=1,b=2}"],
    ["[for k, v in {a = 1} : {key = k, value = v}]", "[{key=\"a\",value=1}]"],
    ["{for x in [1, 2, 3] : x % 2 == 0 ? \"even\" : \"odd\" => x...}", "{even=[2],odd=[1,3]}"],
    ["[for x in [[1, 2], [3]] : [for y in x : y * 10]]", "[[10,20],[30]]"],
    ["[for x in [1] : x][0]", "1"],
    ["length([for x in range(5) : x if x % 2 == 0])", "3"],
    ["{for k, v in tomap({a = \"x\"}) : upper(k) => v}", "{A=\"x\"}"],
    ["[for x in [] : x]", "[]"],
    ["{for x in [] : x => x}", "{}"],
    ["[for i, v in toset([\"x\"]) : i]", "[\"x\"]"],
    ["[for x in tolist([\"a\"]) : x]", "[\"a\"]"],
    ["{for x in [true] : x => 1}", "{true=1}"],
    ["{for x in [1.5] : x => 1}", "{1.5=1}"]
  ])
})

const at = (line: number, column: number, offset: number): Diagnostic.Pos => ({ line, column, offset })

const parse = (source: string): Ast.Expression => {
  const parsed = Parser.parseExpression(source, { file: "t.tf" })
  expect(parsed.diagnostics).toEqual([])
  return parsed.expression
}

const withValues = (values: Record<string, V.Value>, files: FileAccess = noFiles): Evaluator.Scope => ({
  files,
  resolve: (parts) => (parts[0]! in values ? { value: values[parts[0] as string]!, consumed: 1 } : undefined)
})

const run = (source: string, values: Record<string, V.Value> = {}): Evaluator.Result =>
  Evaluator.compile(parse(source), FunctionTable.standard).evaluate(withValues(values))

const summaries = (r: Evaluator.Result): ReadonlyArray<string> => r.errors.map((e) => e.summary)

describe("errors are not unknowns (docs/render.md §2.2)", () => {
  it("tuple and object constructors keep the elements that succeeded", () => {
    const t = run("[1, nope, 3]")
    expect(fmt(t.value)).toBe("[1,unknown(any),3]")
    expect(summaries(t)).toEqual(["Unknown variable"])
    const o = run("{a = nope.x, b = 2}")
    expect(fmt(o.value)).toBe("{a=unknown(any),b=2}")
  })
  it("a failed object key makes the whole object unknown", () => {
    const o = run("{(nope) = 1, b = 2}")
    expect(fmt(o.value)).toBe("unknown(any)")
    expect(summaries(o)).toEqual(["Unknown variable"])
  })
  it("a call whose arguments have errors is not made", () => {
    const r = run("jsonencode([nope])")
    expect(fmt(r.value)).toBe("unknown(any)")
    expect(summaries(r)).toEqual(["Unknown variable"])
  })
  it("a conditional counts only the chosen branch's errors", () => {
    expect(summaries(run("true ? 1 : nope"))).toEqual([])
    expect(summaries(run("false ? 1 : nope"))).toEqual(["Unknown variable"])
    expect(fmt(run("false ? nope : \"x\"").value)).toBe("\"x\"")
  })
  it("a template keeps the known prefix before an error, as HCL does", () => {
    const r = run("\"a${[1]}b\"")
    expect(fmt(r.value)).toBe("\"a\"")
    expect(summaries(r)).toEqual(["Invalid template interpolation value"])
  })
  it("a for expression with a duplicate key keeps the first value", () => {
    const r = run("{for x in [\"a\", \"a\"] : x => 1}")
    expect(fmt(r.value)).toBe("{a=1}")
    expect(summaries(r)).toEqual(["Duplicate object key"])
  })
  it("try returns the first argument without errors, unknown when it is not wholly known", () => {
    expect(fmt(run("try(nope, [][0], \"f\")").value)).toBe("\"f\"")
    expect(fmt(run("try(x, \"f\")", { x: V.DynamicUnknown }).value)).toBe("unknown(any)")
    expect(fmt(run("try([1, x], \"f\")", { x: V.DynamicUnknown }).value)).toBe("unknown(any)")
    expect(fmt(run("try(x, \"f\")", { x: V.unknownOf(T.string) }).value)).toBe("unknown(any)")
    expect(run("try(nope, \"f\")").errors).toEqual([])
  })
  it("try reports every failure when all arguments fail", () => {
    const r = run("try(nope, [][0])")
    expect(summaries(r)).toEqual(["Error in function call"])
    expect(r.errors[0]!.detail).toBe(
      "Call to function \"try\" failed: no expression succeeded:\n" +
        "- Unknown variable (at t.tf:1,5-9)\n  There is no variable named \"nope\".\n" +
        "- Invalid index (at t.tf:1,11-16)\n  The given key does not identify an element in this collection value: the collection has no elements.\n" +
        "\nAt least one expression must produce a successful result."
    )
  })
  it("can gives a bool, or an unknown bool when the value is not wholly known", () => {
    expect(fmt(run("can(nope)").value)).toBe("false")
    expect(fmt(run("can(1)").value)).toBe("true")
    expect(fmt(run("can(x)", { x: V.DynamicUnknown }).value)).toBe("unknown(bool)")
    expect(run("can(nope)").errors).toEqual([])
  })
})

describe("scope resolution", () => {
  it("passes the longest static prefix and applies the parts the scope did not consume", () => {
    const seen: Array<ReadonlyArray<string | number>> = []
    const instances = V.tuple([V.object([["value", V.string("eu")], ["name", V.string("region")]])])
    const scope: Evaluator.Scope = {
      files: noFiles,
      resolve: (parts) => {
        seen.push(parts)
        return { value: instances, consumed: 3 }
      }
    }
    const c = Evaluator.compile(parse("data.coder_parameter.p[0].value"), FunctionTable.standard)
    expect(fmt(c.evaluate(scope).value)).toBe("\"eu\"")
    expect(seen).toEqual([["data", "coder_parameter", "p", 0, "value"]])
    expect(c.references.map((r) => r.parts)).toEqual([["data", "coder_parameter", "p", 0, "value"]])
  })
  it("stops the static prefix at a computed index and evaluates it itself", () => {
    const seen: Array<ReadonlyArray<string | number>> = []
    const m = V.object([["a", V.object([["k", V.string("v")]])]])
    const scope: Evaluator.Scope = {
      files: noFiles,
      resolve: (parts) => {
        seen.push(parts)
        return parts[0] === "local"
          ? { value: V.object([["m", m]]), consumed: 1 }
          : { value: V.string("a"), consumed: 2 }
      }
    }
    const c = Evaluator.compile(parse("local.m[var.key].k"), FunctionTable.standard)
    expect(fmt(c.evaluate(scope).value)).toBe("\"v\"")
    expect(seen).toEqual([["local", "m"], ["var", "key"]])
    expect(c.references.map((r) => r.parts)).toEqual([["local", "m"], ["var", "key"]])
  })
  it("literal string keys are part of the static prefix", () => {
    const seen: Array<ReadonlyArray<string | number>> = []
    const scope: Evaluator.Scope = {
      files: noFiles,
      resolve: (parts) => {
        seen.push(parts)
        return { value: V.string("x"), consumed: parts.length }
      }
    }
    Evaluator.compile(parse("data.t[\"k\"].v"), FunctionTable.standard).evaluate(scope)
    expect(seen).toEqual([["data", "t", "k", "v"]])
  })
  it("reports a scope error and continues with the dynamic unknown", () => {
    const error = Diagnostic.error("Reference to undeclared input variable", "nope")
    const r = Evaluator.compile(parse("var.x.y"), FunctionTable.standard).evaluate({
      files: noFiles,
      resolve: () => ({ error })
    })
    expect(r.errors).toEqual([error])
    expect(fmt(r.value)).toBe("unknown(any)")
  })
  it("an unknown root is an error with the root's range", () => {
    const r = run("nope.a")
    expect(r.errors[0]).toMatchObject({
      summary: "Unknown variable",
      detail: "There is no variable named \"nope\".",
      range: { file: "t.tf", start: at(1, 1, 0), end: at(1, 5, 4) }
    })
  })
  it("bound names shadow the scope and are not references", () => {
    const c = Evaluator.compile(parse("[for var in [1, 2] : var + local.n]"), FunctionTable.standard)
    expect(c.references.map((r) => r.parts)).toEqual([["local", "n"]])
    expect(fmt(c.evaluate(withValues({ local: V.object([["n", V.numberFromJs(10)]]) })).value)).toBe("[11,12]")
    const t = Evaluator.compile(
      parse("\"%{ for k, v in var.m }${k}${v}${local.s}%{ endfor }\""),
      FunctionTable.standard
    )
    expect(t.references.map((r) => r.parts)).toEqual([["var", "m"], ["local", "s"]])
  })
  it("an open object (a managed resource) reads missing attributes as unknown", () => {
    const resource = V.object([["name", V.string("x")]], true)
    expect(fmt(run("r.id", { r: resource }).value)).toBe("unknown(any)")
    expect(fmt(run("r[\"id\"]", { r: resource }).value)).toBe("unknown(any)")
    expect(fmt(run("r.name", { r: resource }).value)).toBe("\"x\"")
    expect(summaries(run("r.id", { r: V.object([["name", V.string("x")]]) }))).toEqual(["Unsupported attribute"])
  })
})

describe("compilation", () => {
  it("a constant expression has its value at compile time and one shared result", () => {
    const c = Evaluator.compile(parse("{a = [1, \"x\"], b = \"${1 + 1}\"}"), FunctionTable.standard)
    expect(c.constant === undefined ? undefined : fmt(c.constant)).toBe("{a=[1,\"x\"],b=2}")
    expect(c.evaluate(withValues({}))).toBe(c.evaluate(withValues({})))
  })
  it("an expression with an error is not folded", () => {
    const c = Evaluator.compile(parse("1 + \"a\""), FunctionTable.standard)
    expect(c.constant).toBeUndefined()
    expect(summaries(c.evaluate(withValues({})))).toEqual(["Invalid operand"])
  })
  it("parse errors are reported by every evaluation", () => {
    const parsed = Parser.parseExpression("1 +", { file: "t.tf" })
    expect(Diagnostic.hasErrors(parsed.diagnostics)).toBe(true)
    const r = Evaluator.compile(parsed.expression, FunctionTable.standard, parsed.diagnostics).evaluate(withValues({}))
    expect(r.errors).toEqual(parsed.diagnostics.filter(Diagnostic.isError))
    expect(r.value).toBe(V.DynamicUnknown)
  })
  it("impure functions mark the result", () => {
    expect(run("uuid()").impure).toBe(true)
    expect(run("length(timestamp())").impure).toBe(true)
    expect(run("upper(\"a\")").impure).toBe(false)
  })
  it("strings are NFC-normalised as cty does", () => {
    expect(fmt(run("\"e\\u0301\" == \"\\u00e9\"").value)).toBe("true")
    expect(fmt(run("\"${x}\\u0301\"", { x: V.string("e") }).value)).toBe("\"\u00e9\"")
  })
  it("an exception thrown by a scope becomes a diagnostic", () => {
    const r = Evaluator.compile(parse("var.x"), FunctionTable.standard).evaluate({
      files: noFiles,
      resolve: () => {
        throw new Error("boom")
      }
    })
    expect(summaries(r)).toEqual(["Internal error while evaluating expression"])
  })
})

describe("function calls", () => {
  it("report Terraform's arity and conversion messages", () => {
    expect(run("length()").errors[0]).toMatchObject({
      summary: "Not enough function arguments",
      detail: "Function \"length\" expects 1 argument(s). Missing value for \"value\"."
    })
    expect(run("length(1, 2)").errors[0]).toMatchObject({
      summary: "Too many function arguments",
      detail: "Function \"length\" expects only 1 argument(s)."
    })
    expect(run("upper([])").errors[0]).toMatchObject({
      summary: "Invalid function argument",
      detail: "Invalid value for \"str\" parameter: string required.",
      range: { start: at(1, 7, 6) }
    })
    expect(run("nosuch(1)").errors[0]).toMatchObject({
      summary: "Call to unknown function",
      detail: "There is no function named \"nosuch\"."
    })
  })
  it("expand a final `...` argument", () => {
    expect(fmt(run("max(xs...)", { xs: V.tuple([V.numberFromJs(1), V.numberFromJs(5)]) }).value)).toBe("5")
    expect(summaries(run("max(xs...)", { xs: V.Null }))).toEqual(["Invalid expanding argument value"])
    expect(fmt(run("max(xs...)", { xs: V.DynamicUnknown }).value)).toBe("unknown(any)")
  })
  it("give a typed unknown when an argument is unknown", () => {
    expect(fmt(run("upper(x)", { x: V.DynamicUnknown }).value)).toBe("unknown(string)")
    expect(fmt(run("tolist(x)", { x: V.unknownOf(T.set(T.string)) }).value)).toBe("unknown(list(string))")
  })
  it("templatefile renders a file of the template with the given variables", () => {
    const files: FileAccess = {
      readFile: (
        path
      ) => (path === "t.tpl" ? new TextEncoder().encode("Hi ${name}!%{ for x in xs } ${x}%{ endfor }") : undefined),
      listFiles: () => ["t.tpl"]
    }
    const scope = withValues({}, files)
    const ok = Evaluator.compile(
      parse("templatefile(\"t.tpl\", {name = \"bob\", xs = [1, 2]})"),
      FunctionTable.standard
    ).evaluate(scope)
    expect(fmt(ok.value)).toBe("\"Hi bob! 1 2\"")
    const missing = Evaluator.compile(parse("templatefile(\"t.tpl\", {name = \"bob\"})"), FunctionTable.standard)
      .evaluate(scope)
    expect(missing.errors[0]!.detail).toMatch(/vars map does not contain key "xs", referenced at t.tpl:1,/)
  })
})

/** Random expression trees, including type-mismatched and nonsensical ones. */
const range: Diagnostic.Range = { file: "r.tf", start: at(1, 1, 0), end: at(1, 2, 1) }
const names = ["x", "y", "var", "local", "nope", "each"]
const functionNames = [
  "length",
  "concat",
  "upper",
  "merge",
  "keys",
  "jsonencode",
  "tolist",
  "lookup",
  "try",
  "can",
  "nosuch"
]

const expressionArbitrary: fc.Arbitrary<Ast.Expression> = fc.letrec<{ e: Ast.Expression }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("0", "1", "-2", "1.5", "1e400", "99999999999999999999").map((text): Ast.Expression => ({
      _tag: "NumberLiteral",
      text,
      range
    })),
    fc.string({ maxLength: 4 }).map((value): Ast.Expression => ({ _tag: "StringLiteral", value, range })),
    fc.boolean().map((value): Ast.Expression => ({ _tag: "BoolLiteral", value, range })),
    fc.constant<Ast.Expression>({ _tag: "NullLiteral", range }),
    fc.constant<Ast.Expression>({ _tag: "AnonSymbol", range }),
    fc.constantFrom(...names).map((name): Ast.Expression => ({ _tag: "Variable", name, range })),
    fc.tuple(tie("e"), fc.constantFrom("a", "b", "0")).map(([object, name]): Ast.Expression => ({
      _tag: "GetAttr",
      object,
      name,
      range
    })),
    fc.tuple(tie("e"), tie("e")).map(([collection, key]): Ast.Expression => ({
      _tag: "Index",
      collection,
      key,
      range
    })),
    fc.tuple(tie("e"), tie("e"), fc.boolean()).map(([source, each, full]): Ast.Expression => ({
      _tag: "Splat",
      source,
      each,
      full,
      range
    })),
    fc.array(tie("e"), { maxLength: 3 }).map((elements): Ast.Expression => ({ _tag: "Tuple", elements, range })),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom("a", "b"), tie("e")), tie("e")), { maxLength: 3 }).map(
      (items): Ast.Expression => ({
        _tag: "ObjectCons",
        items: items.map(([key, value]) => ({
          key: typeof key === "string"
            ? { _tag: "ObjectKeyName", name: key, range }
            : { _tag: "ObjectKeyExpression", expression: key, range },
          value
        })),
        range
      })
    ),
    fc.tuple(fc.constantFrom(...functionNames), fc.array(tie("e"), { maxLength: 3 }), fc.boolean()).map(
      ([name, args, expandFinal]): Ast.Expression => ({
        _tag: "FunctionCall",
        name,
        args,
        expandFinal: expandFinal && args.length > 0,
        nameRange: range,
        range
      })
    ),
    fc.tuple(tie("e"), tie("e"), tie("e")).map(([condition, then, otherwise]): Ast.Expression => ({
      _tag: "Conditional",
      condition,
      then,
      else: otherwise,
      range
    })),
    fc.tuple(
      fc.constantFrom<Ast.BinaryOperator>("||", "&&", "==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%"),
      tie("e"),
      tie("e")
    ).map(([operator, left, right]): Ast.Expression => ({ _tag: "Binary", operator, left, right, range })),
    fc.tuple(fc.constantFrom<"!" | "-">("!", "-"), tie("e")).map(([operator, operand]): Ast.Expression => ({
      _tag: "Unary",
      operator,
      operand,
      range
    })),
    fc.tuple(
      fc.option(fc.constantFrom(...names), { nil: undefined }),
      fc.constantFrom(...names),
      tie("e"),
      fc.option(tie("e"), { nil: undefined }),
      tie("e"),
      fc.option(tie("e"), { nil: undefined }),
      fc.boolean()
    ).map(([keyVar, valueVar, collection, keyExpression, valueExpression, condition, group]): Ast.Expression => ({
      _tag: "For",
      keyVar,
      valueVar,
      collection,
      keyExpression,
      valueExpression,
      condition,
      group: group && keyExpression !== undefined,
      range
    })),
    fc.tuple(tie("e"), fc.boolean()).map(([expression, unwrap]): Ast.Expression => ({
      _tag: "Template",
      parts: unwrap
        ? [{ _tag: "TemplateInterpolation", expression, range }]
        : [
          { _tag: "TemplateLiteral", value: "<", range },
          { _tag: "TemplateInterpolation", expression, range },
          { _tag: "TemplateIf", condition: expression, then: [], else: [], range },
          { _tag: "TemplateFor", keyVar: undefined, valueVar: "t", collection: expression, body: [], range }
        ],
      unwrap,
      range
    })),
    tie("e").map((expression): Ast.Expression => ({ _tag: "Parens", expression, range }))
  )
})).e

const valueArbitrary: fc.Arbitrary<V.Value> = fc.letrec<{ v: V.Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom<V.Value>(V.Null, V.DynamicUnknown, V.unknownOf(T.list(T.string)), V.nullOf(T.string)),
    fc.string({ maxLength: 3 }).map(V.string),
    fc.integer().map(V.numberFromJs),
    fc.boolean().map(V.bool),
    fc.array(tie("v"), { maxLength: 3 }).map(V.tuple),
    fc.array(fc.string({ maxLength: 2 }), { maxLength: 3 }).map((xs) => V.list(T.string, xs.map(V.string))),
    fc.array(fc.integer(), { maxLength: 3 }).map((xs) => V.set(T.number, xs.map(V.numberFromJs))),
    fc.dictionary(fc.constantFrom("a", "b", "0"), tie("v"), { maxKeys: 3 }).map((o) => V.object(Object.entries(o))),
    fc.dictionary(fc.constantFrom("a", "b"), fc.string({ maxLength: 2 }), { maxKeys: 2 }).map((o) =>
      V.map(T.string, Object.entries(o).map(([k, s]) => [k, V.string(s)] as const))
    )
  )
})).v

describe("robustness", () => {
  it("evaluation never throws and always reports errors as diagnostics, whatever the tree", () => {
    fc.assert(
      fc.property(expressionArbitrary, valueArbitrary, valueArbitrary, (expression, x, y) => {
        const compiled = Evaluator.compile(expression, FunctionTable.standard)
        const r = compiled.evaluate(withValues({ x, y, var: V.object([["a", x]]), local: V.object([["b", y]]) }))
        expect(typeof r.value._tag).toBe("string")
        for (const e of r.errors) {
          expect(e.severity).toBe("error")
          expect(e.summary).not.toBe("Internal error while evaluating expression")
        }
      }),
      { numRuns: 3000 }
    )
  })
})
