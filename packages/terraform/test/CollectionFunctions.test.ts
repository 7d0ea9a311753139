import { describe, expect, it } from "@effect/vitest"
import * as Either from "effect/Either"
import * as fc from "fast-check"
import * as Evaluator from "../src/ExpressionEvaluator.js"
import * as Parser from "../src/ExpressionParser.js"
import { noFiles } from "../src/FunctionDefinition.js"
import { yamlEncode } from "../src/functions/yaml.js"
import * as FunctionTable from "../src/FunctionTable.js"
import * as Json from "../src/Json.js"
import * as V from "../src/Value.js"
import { checkRows, evaluate, type Row } from "./utils/expressionTable.js"
import { showValue } from "./utils/showValue.js"

const fmt = showValue

const check = (rows: ReadonlyArray<Row>) => checkRows(rows, { failedValueIsUnknown: true })

describe("alltrue", () => {
  check([
    ["alltrue([true, true])", "true"],
    ["alltrue([])", "true"],
    ["alltrue([true, false])", "false"],
    ["alltrue([\"true\", true])", "true"],
    ["alltrue([1])", "Invalid function argument", "Invalid value for \"list\" parameter: element 0: bool required."],
    ["alltrue([true, local.u])", "unknown(bool)"],
    ["alltrue([false, local.u])", "false"],
    ["alltrue(local.u)", "unknown(bool)"]
  ])
})

describe("anytrue", () => {
  check([
    ["anytrue([])", "false"],
    ["anytrue([false, true])", "true"],
    ["anytrue([true, local.u])", "true"],
    ["anytrue([false, local.u])", "unknown(bool)"]
  ])
})

describe("chunklist", () => {
  check([
    ["chunklist([1,2,3], 2)", "list[list[1,2],list[3]]"],
    ["chunklist([1,2,3], 0)", "list[list[1,2,3]]"],
    ["chunklist([], 2)", "list[]"],
    [
      "chunklist([1], -1)",
      "Error in function call",
      "Call to function \"chunklist\" failed: the size argument must be positive."
    ],
    [
      "chunklist([1], 1.5)",
      "Error in function call",
      "Call to function \"chunklist\" failed: invalid size: value must be a whole number, between -9223372036854775808 and 9223372036854775807."
    ],
    ["chunklist([1, local.u, 3], 2)", "list[list[1,unknown(number)],list[3]]"]
  ])
})

describe("coalesce", () => {
  check([
    ["coalesce(\"\", null, \"x\")", "\"x\""],
    ["coalesce(1, \"x\")", "\"1\""],
    ["coalesce(\"\", 1)", "\"1\""],
    [
      "coalesce(null, null)",
      "Error in function call",
      "Call to function \"coalesce\" failed: no non-null, non-empty-string arguments."
    ],
    [
      "coalesce()",
      "Error in function call",
      "Call to function \"coalesce\" failed: all arguments must have the same type."
    ],
    ["coalesce([], [\"a\"])", "list[]"],
    [
      "coalesce({a=1}, [1])",
      "Error in function call",
      "Call to function \"coalesce\" failed: all arguments must have the same type."
    ],
    ["coalesce(local.u, \"a\")", "unknown(string)"],
    ["coalesce(\"a\", local.u)", "\"a\""],
    ["coalesce(local.u, \"x\")", "unknown(string)"],
    ["coalesce(\"x\", local.u)", "\"x\""],
    ["coalesce(null, local.u)", "unknown(any)"]
  ])
})

describe("coalescelist", () => {
  check([
    ["coalescelist([], [1])", "[1]"],
    [
      "coalescelist([], [])",
      "Error in function call",
      "Call to function \"coalescelist\" failed: no non-null arguments."
    ],
    ["coalescelist([\"a\"], [1])", "[\"a\"]"],
    [
      "coalescelist(\"a\")",
      "Error in function call",
      "Call to function \"coalescelist\" failed: coalescelist arguments must be lists or tuples."
    ],
    [
      "coalescelist()",
      "Error in function call",
      "Call to function \"coalescelist\" failed: at least one argument is required."
    ],
    ["coalescelist([local.u], [1])", "[unknown(any)]"],
    ["coalescelist(local.u, [1])", "unknown(any)"]
  ])
})

describe("compact", () => {
  check([
    ["compact([\"a\", \"\", null])", "list[\"a\"]"],
    ["compact([])", "list[]"],
    ["compact([1, \"\", \"b\"])", "list[\"1\",\"b\"]"],
    ["compact([\"a\", local.u])", "unknown(list(string))"]
  ])
})

describe("concat", () => {
  check([
    ["concat([1], [2, \"a\"])", "[1,2,\"a\"]"],
    ["concat([\"a\"], [\"b\"])", "[\"a\",\"b\"]"],
    ["concat(tolist([\"a\"]), tolist([\"b\"]))", "list[\"a\",\"b\"]"],
    ["concat(tolist([\"a\"]), tolist([1]))", "list[\"a\",\"1\"]"],
    ["concat(tolist([\"a\"]), [\"b\"])", "[\"a\",\"b\"]"],
    ["concat()", "Error in function call", "Call to function \"concat\" failed: at least one argument is required."],
    [
      "concat(\"a\")",
      "Invalid function argument",
      "Invalid value for \"seqs\" parameter: all arguments must be lists or tuples; got string."
    ],
    [
      "concat(toset([\"a\"]))",
      "Invalid function argument",
      "Invalid value for \"seqs\" parameter: all arguments must be lists or tuples; got set of string."
    ],
    ["concat([1], local.u)", "unknown(any)"],
    ["concat([1, local.u])", "[1,unknown(any)]"],
    ["concat([[1], [2]]...)", "[1,2]"],
    [
      "concat(null...)",
      "Invalid expanding argument value",
      "The expanding argument (indicated by ...) must not be null."
    ],
    [
      "concat(\"a\"...)",
      "Invalid expanding argument value",
      "The expanding argument (indicated by ...) must be of a tuple, list, or set type."
    ],
    ["concat(local.u...)", "unknown(any)"],
    ["concat([local.u], [1])", "[unknown(any),1]"],
    ["concat(tolist([local.u, \"a\"]), [\"b\"])", "[unknown(string),\"a\",\"b\"]"]
  ])
})

describe("contains", () => {
  check([
    ["contains([\"a\",\"b\"], \"a\")", "true"],
    ["contains([\"a\",\"b\"], \"c\")", "false"],
    ["contains([1, 2], \"1\")", "false"],
    ["contains(toset([\"a\"]), \"a\")", "true"],
    [
      "contains(\"a\", \"a\")",
      "Error in function call",
      "Call to function \"contains\" failed: argument must be list, tuple, or set."
    ],
    ["contains([], 1)", "false"],
    ["contains([local.u, \"a\"], \"a\")", "true"],
    ["contains([local.u, \"a\"], \"b\")", "unknown(bool)"],
    ["contains([local.u], 1)", "unknown(bool)"],
    ["contains(local.u, 1)", "unknown(any)"]
  ])
})

describe("csvdecode", () => {
  check([
    ["csvdecode(\"a,b\\n1,2\\n3,4\")", "list[{a=\"1\",b=\"2\"},{a=\"3\",b=\"4\"}]"],
    [
      "csvdecode(\"a,b\\n1,2\\n3\")",
      "Error in function call",
      "Call to function \"csvdecode\" failed: CSV parse error on line 3: wrong number of fields."
    ],
    ["csvdecode(\"\")", "Error in function call", "Call to function \"csvdecode\" failed: missing header line."],
    [
      "csvdecode(\"a,a\\n1,2\")",
      "Error in function call",
      "Call to function \"csvdecode\" failed: duplicate column name \"a\"."
    ],
    ["csvdecode(\"a\\n\\\"x\\\"\\\"y\\\"\")", "list[{a=\"x\\\"y\"}]"],
    ["csvdecode(\"a,b\\n\\\"1,2\\\",3\")", "list[{a=\"1,2\",b=\"3\"}]"],
    [
      "csvdecode(\"a\\nx\\\"y\")",
      "Error in function call",
      "Call to function \"csvdecode\" failed: CSV parse error on line 2: bare \" in non-quoted-field."
    ],
    [
      "csvdecode(\"a\\n\\\"x\\\"y\")",
      "Error in function call",
      "Call to function \"csvdecode\" failed: CSV parse error on line 2: extraneous or missing \" in quoted-field."
    ],
    ["csvdecode(\"a,b\\r\\n1,2\\r\\n\")", "list[{a=\"1\",b=\"2\"}]"],
    ["csvdecode(\"a\\n\\n1\\n\")", "list[{a=\"1\"}]"],
    ["csvdecode(\"a,b\\n\")", "list[]"],
    ["csvdecode(\"a,b\\n1,\")", "list[{a=\"1\",b=\"\"}]"],
    [
      "csvdecode(\"a\\n\\\"unterminated\")",
      "Error in function call",
      "Call to function \"csvdecode\" failed: CSV parse error on line 2: extraneous or missing \" in quoted-field."
    ],
    ["csvdecode(local.u)", "unknown(any)"]
  ])
})

describe("distinct", () => {
  check([
    ["distinct([1, 2, 1])", "list[1,2]"],
    ["distinct([\"b\", \"a\", \"b\"])", "list[\"b\",\"a\"]"],
    ["distinct([])", "list[]"],
    ["distinct([1, local.u])", "unknown(list(number))"]
  ])
})

describe("element", () => {
  check([
    ["element([\"a\",\"b\"], 3)", "\"b\""],
    [
      "element([], 0)",
      "Error in function call",
      "Call to function \"element\" failed: cannot use element function with an empty list."
    ],
    [
      "element([\"a\",\"b\"], 1.5)",
      "Error in function call",
      "Call to function \"element\" failed: invalid index: value must be a whole number, between -9223372036854775808 and 9223372036854775807."
    ],
    [
      "element(\"a\", 0)",
      "Error in function call",
      "Call to function \"element\" failed: cannot read elements from string."
    ],
    ["element([1, \"a\"], 1)", "\"a\""],
    ["element([local.u, 2], 1)", "2"],
    ["element([1, 2], local.u)", "unknown(any)"]
  ])
})

describe("flatten", () => {
  check([
    ["flatten([[1, [2]], 3])", "[1,2,3]"],
    ["flatten([])", "[]"],
    ["flatten([[], [[]]])", "[]"],
    ["flatten([tolist([\"a\"]), toset([\"b\"])])", "[\"a\",\"b\"]"],
    [
      "flatten(\"a\")",
      "Error in function call",
      "Call to function \"flatten\" failed: can only flatten lists, sets and tuples."
    ],
    ["flatten([null, [1]])", "[null,1]"],
    ["flatten([local.u])", "unknown(any)"],
    ["flatten([[local.u]])", "unknown(any)"],
    ["flatten([local.u, [1]])", "unknown(any)"],
    ["flatten([[local.u], 2])", "unknown(any)"]
  ])
})

describe("index", () => {
  check([
    ["index([\"a\",\"b\"], \"b\")", "1"],
    ["index([\"a\",\"b\"], \"c\")", "Error in function call", "Call to function \"index\" failed: item not found."],
    ["index([], \"c\")", "Error in function call", "Call to function \"index\" failed: cannot search an empty list."],
    [
      "index(\"a\", \"a\")",
      "Error in function call",
      "Call to function \"index\" failed: argument must be a list or tuple."
    ],
    ["index([1, 2], \"2\")", "Error in function call", "Call to function \"index\" failed: item not found."],
    ["index([local.u, 1], 1)", "unknown(number)"],
    ["index([1, local.u], 1)", "0"]
  ])
})

describe("issensitive", () => {
  check([
    ["issensitive(5)", "false"]
  ])
})

describe("jsondecode", () => {
  check([
    ["jsondecode(\"{\\\"a\\\": [1, 2.50, 12345678901234567890]}\")", "{a=[1,2.5,12345678901234567890]}"],
    ["jsondecode(\"[]\")", "[]"],
    ["jsondecode(\"{}\")", "{}"],
    ["jsondecode(\"null\")", "null"],
    ["jsondecode(\"\\\"x\\\"\")", "\"x\""],
    ["jsondecode(\"1e3\")", "1000"],
    ["jsondecode(\"\")", "Error in function call", "Call to function \"jsondecode\" failed: EOF."],
    [
      "jsondecode(\"[1,]\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character ']' looking for beginning of value."
    ],
    ["jsondecode(\"{\\\"a\\\":1,\\\"a\\\":2}\")", "{a=2}"],
    [
      "jsondecode(\"[1] 2\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: extraneous data after JSON object."
    ],
    ["jsondecode(\"tru\")", "Error in function call", "Call to function \"jsondecode\" failed: unexpected EOF."],
    [
      "jsondecode(\"{a:1}\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character 'a'."
    ],
    [
      "jsondecode(\"[1 2]\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character '2' after array element."
    ],
    [
      "jsondecode(\"{\\\"a\\\" 1}\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character '1' after object key."
    ],
    [
      "jsondecode(\"\\\"\\\\x\\\"\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character 'x' in string escape code."
    ],
    [
      "jsondecode(\"01\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: extraneous data after JSON object."
    ],
    ["jsondecode(\"-\")", "Error in function call", "Call to function \"jsondecode\" failed: unexpected EOF."],
    ["jsondecode(\"[\")", "Error in function call", "Call to function \"jsondecode\" failed: EOF."],
    ["jsondecode(\"\\\"\\\\ud83d\\\\ude00\\\"\")", "\"😀\""],
    ["jsondecode(\"{\\\"b\\\":1,\\\"a\\\":{\\\"c\\\":[true,false,null]}}\")", "{a={c=[true,false,null]},b=1}"],
    [
      "jsondecode(\"{\\\"a\\\":1,}\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character '}' looking for beginning of object key string."
    ],
    [
      "jsondecode(\"{\\\"a\\\":1 \\\"b\\\"}\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character '\"' after object key:value pair."
    ],
    ["jsondecode(\"\\\"abc\")", "Error in function call", "Call to function \"jsondecode\" failed: unexpected EOF."],
    ["jsondecode(\"nul\")", "Error in function call", "Call to function \"jsondecode\" failed: unexpected EOF."],
    ["jsondecode(\"[1\")", "Error in function call", "Call to function \"jsondecode\" failed: EOF."],
    ["jsondecode(\"{\")", "Error in function call", "Call to function \"jsondecode\" failed: EOF."],
    ["jsondecode(\"{\\\"a\\\"\")", "Error in function call", "Call to function \"jsondecode\" failed: EOF."],
    ["jsondecode(\"{\\\"a\\\":\")", "Error in function call", "Call to function \"jsondecode\" failed: EOF."],
    ["jsondecode(\"1.\")", "Error in function call", "Call to function \"jsondecode\" failed: unexpected EOF."],
    [
      "jsondecode(\"-a\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character 'a' in numeric literal."
    ],
    ["jsondecode(\"1e\")", "Error in function call", "Call to function \"jsondecode\" failed: unexpected EOF."],
    [
      "jsondecode(\"\\\"\\\\u12\\\"\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character '\"' in \\u hexadecimal character escape."
    ],
    [
      "jsondecode(\"\\\"\\t\\\"\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character '\\t' in string literal."
    ],
    ["jsondecode(\"\\\"\\\\ud800\\\"\")", "\"�\""],
    ["jsondecode(\"  \")", "Error in function call", "Call to function \"jsondecode\" failed: EOF."],
    ["jsondecode(\"[]]\")", "[]"],
    [
      "jsondecode(\"x\")",
      "Error in function call",
      "Call to function \"jsondecode\" failed: invalid character 'x' looking for beginning of value."
    ],
    ["jsondecode(local.u)", "unknown(any)"]
  ])
})

describe("jsonencode", () => {
  check([
    ["jsonencode({b = [1, \"<x>\"], a = null})", "\"{\\\"a\\\":null,\\\"b\\\":[1,\\\"\\\\u003cx\\\\u003e\\\"]}\""],
    ["jsonencode(\"a&b\\n\\t\\u2028\")", "\"\\\"a\\\\u0026b\\\\n\\\\t\\\\u2028\\\"\""],
    ["jsonencode(1.50)", "\"1.5\""],
    ["jsonencode(12345678901234567890)", "\"12345678901234567890\""],
    ["jsonencode(0.1)", "\"0.1\""],
    ["jsonencode(toset([\"b\",\"a\"]))", "\"[\\\"a\\\",\\\"b\\\"]\""],
    ["jsonencode(tomap({b=1,a=2}))", "\"{\\\"a\\\":2,\\\"b\\\":1}\""],
    ["jsonencode(null)", "\"null\""],
    ["jsonencode([])", "\"[]\""],
    ["jsonencode({})", "\"{}\""],
    ["jsonencode(local.u)", "unknown(string)"],
    ["jsonencode([local.u])", "unknown(string)"],
    [
      "jsonencode(1/0)",
      "Error in function call",
      "Call to function \"jsonencode\" failed: cannot serialize infinity as JSON."
    ],
    ["jsonencode(\"\\u00e9\")", "\"\\\"é\\\"\""],
    ["jsonencode({a = local.u})", "unknown(string)"]
  ])
})

describe("keys", () => {
  check([
    ["keys({b=1, a=2})", "[\"a\",\"b\"]"],
    ["keys(tomap({b=1, a=2}))", "list[\"a\",\"b\"]"],
    ["keys({})", "[]"],
    [
      "keys([])",
      "Invalid function argument",
      "Invalid value for \"inputMap\" parameter: must have map or object type."
    ],
    ["keys(local.u)", "unknown(any)"],
    ["keys({a = local.u})", "[\"a\"]"]
  ])
})

describe("length", () => {
  check([
    ["length(\"héllo\")", "5"],
    ["length(\"👍🏽\")", "1"],
    ["length([1,2])", "2"],
    ["length({a=1})", "1"],
    ["length(tomap({a=1,b=2}))", "2"],
    ["length(toset([1,1,2]))", "2"],
    [
      "length(1)",
      "Error in function call",
      "Call to function \"length\" failed: argument must be a string, a collection type, or a structural type."
    ],
    ["length(null)", "Invalid function argument", "Invalid value for \"value\" parameter: argument must not be null."],
    ["length(local.u)", "unknown(number)"],
    ["length([local.u, 1])", "2"],
    ["length([1,2]...)", "Too many function arguments", "Function \"length\" expects only 1 argument(s)."],
    [
      "length()",
      "Not enough function arguments",
      "Function \"length\" expects 1 argument(s). Missing value for \"value\"."
    ],
    ["length(1, 2)", "Too many function arguments", "Function \"length\" expects only 1 argument(s)."],
    ["length(tolist([local.u, \"a\"]))", "2"],
    ["length(toset([local.u, \"a\"]))", "unknown(number)"],
    ["length(toset([local.u]))", "1"],
    ["length([local.u])", "1"]
  ])
})

describe("list", () => {
  check([
    [
      "list(1)",
      "Error in function call",
      "Call to function \"list\" failed: the \"list\" function was deprecated in Terraform v0.12 and is no longer available; use tolist([ ... ]) syntax to write a literal list."
    ]
  ])
})

describe("lookup", () => {
  check([
    ["lookup({a=1}, \"a\")", "1"],
    [
      "lookup({a=1}, \"b\")",
      "Invalid function argument",
      "Invalid value for \"inputMap\" parameter: the given object has no attribute \"b\"."
    ],
    ["lookup({a=1}, \"b\", 5)", "5"],
    ["lookup({a=1}, \"b\", \"x\")", "\"x\""],
    [
      "lookup(tomap({a=1}), \"b\", \"x\")",
      "Invalid function argument",
      "Invalid value for \"default\" parameter: the default value must have the same type as the map elements."
    ],
    ["lookup(tomap({a=1}), \"b\", \"1\")", "1"],
    [
      "lookup(tomap({a=1}), \"b\", [])",
      "Invalid function argument",
      "Invalid value for \"default\" parameter: the default value must have the same type as the map elements."
    ],
    [
      "lookup([], \"a\")",
      "Invalid function argument",
      "Invalid value for \"inputMap\" parameter: lookup() requires a map as the first argument."
    ],
    [
      "lookup({a=1}, \"a\", 1, 2)",
      "Error in function call",
      "Call to function \"lookup\" failed: lookup() takes two or three arguments, got 4."
    ],
    ["lookup({a=1, b=\"x\"}, \"b\")", "\"x\""],
    ["lookup({a = local.u, b = 1}, \"b\")", "1"],
    ["lookup({a = 1}, local.u)", "unknown(any)"],
    ["lookup(local.u, \"a\")", "unknown(any)"]
  ])
})

describe("map", () => {
  check([
    [
      "map(\"a\", 1)",
      "Error in function call",
      "Call to function \"map\" failed: the \"map\" function was deprecated in Terraform v0.12 and is no longer available; use tomap({ ... }) syntax to write a literal map."
    ]
  ])
})

describe("matchkeys", () => {
  check([
    ["matchkeys([\"a\",\"b\",\"c\"], [\"x\",\"y\",\"z\"], [\"y\"])", "list[\"b\"]"],
    ["matchkeys([\"a\",\"b\"], [\"x\",\"y\"], [])", "list[]"],
    [
      "matchkeys([\"a\"], [\"x\",\"y\"], [\"y\"])",
      "Error in function call",
      "Call to function \"matchkeys\" failed: length of keys and values should be equal."
    ],
    ["matchkeys([\"a\",\"b\"], [1, 2], [\"2\"])", "list[\"b\"]"],
    ["matchkeys([\"a\"], [local.u], [\"x\"])", "unknown(list(string))"],
    ["matchkeys([\"a\"], [\"x\"], [local.u])", "list[]"]
  ])
})

describe("merge", () => {
  check([
    ["merge({a=1}, {b=\"x\"})", "{a=1,b=\"x\"}"],
    ["merge({a=1}, {a=\"x\"})", "{a=\"x\"}"],
    ["merge(tomap({a=1}), tomap({b=2}))", "map{a=1,b=2}"],
    ["merge(tomap({a=1}), tomap({b=\"x\"}))", "{a=1,b=\"x\"}"],
    ["merge(tomap({a=1}), {b=\"x\"})", "{a=1,b=\"x\"}"],
    ["merge()", "{}"],
    ["merge(null, {a=1})", "{a=1}"],
    [
      "merge(\"a\")",
      "Error in function call",
      "Call to function \"merge\" failed: arguments must be maps or objects, got \"string\"."
    ],
    [
      "merge([1])",
      "Error in function call",
      "Call to function \"merge\" failed: arguments must be maps or objects, got \"tuple\"."
    ],
    ["merge({a=1}, local.u)", "unknown(any)"],
    ["merge({a = local.u}, {b = 1})", "{a=unknown(any),b=1}"],
    ["merge(local.u, {b = 1})", "unknown(any)"]
  ])
})

describe("nonsensitive", () => {
  check([
    ["nonsensitive(5)", "5"]
  ])
})

describe("one", () => {
  check([
    ["one([])", "null"],
    ["one([\"a\"])", "\"a\""],
    [
      "one([\"a\", \"b\"])",
      "Invalid function argument",
      "Invalid value for \"list\" parameter: must be a list, set, or tuple value with either zero or one elements."
    ],
    ["one(toset([]))", "null"],
    ["one(tolist([\"x\"]))", "\"x\""],
    [
      "one(\"a\")",
      "Invalid function argument",
      "Invalid value for \"list\" parameter: must be a list, set, or tuple value with either zero or one elements."
    ],
    ["one([local.u])", "unknown(any)"],
    ["one(tolist([local.u]))", "unknown(any)"]
  ])
})

describe("range", () => {
  check([
    ["range(3)", "list[0,1,2]"],
    ["range(-3)", "list[0,-1,-2]"],
    ["range(1, 4)", "list[1,2,3]"],
    ["range(4, 1)", "list[4,3,2]"],
    ["range(0, 10, 3)", "list[0,3,6,9]"],
    ["range(0, 1, 0.25)", "list[0,0.25,0.5,0.75]"],
    ["range(10, 0, -3)", "list[10,7,4,1]"],
    [
      "range(0, 5, -1)",
      "Invalid function argument",
      "Invalid value for \"params\" parameter: end must be less than start when step is negative."
    ],
    [
      "range(5, 0, 1)",
      "Invalid function argument",
      "Invalid value for \"params\" parameter: end must be greater than start when step is positive."
    ],
    [
      "range(0, 2000)",
      "Error in function call",
      "Call to function \"range\" failed: more than 1024 values were generated; either decrease the difference between start and end or use a smaller step."
    ],
    ["range()", "Error in function call", "Call to function \"range\" failed: must have one, two, or three arguments."],
    [
      "range(1, 2, 3, 4)",
      "Error in function call",
      "Call to function \"range\" failed: must have one, two, or three arguments."
    ],
    ["range(0, 0)", "list[]"]
  ])
})

describe("reverse", () => {
  check([
    ["reverse([1, 2, 3])", "[3,2,1]"],
    ["reverse(tolist([1, 2]))", "list[2,1]"],
    ["reverse(toset([1, 2]))", "list[2,1]"],
    [
      "reverse(\"a\")",
      "Invalid function argument",
      "Invalid value for \"list\" parameter: can only reverse list or tuple values, not string."
    ],
    ["reverse([])", "[]"],
    ["reverse([1, local.u])", "[unknown(any),1]"]
  ])
})

describe("setintersection", () => {
  check([
    ["setintersection([\"a\", \"b\"], [\"b\", \"c\"])", "set[\"b\"]"],
    ["setintersection([\"a\"], [])", "set[]"],
    ["setintersection([\"a\"], [local.u])", "unknown(set(string))"]
  ])
})

describe("setproduct", () => {
  check([
    ["setproduct([\"a\",\"b\"], [1,2])", "list[[\"a\",1],[\"a\",2],[\"b\",1],[\"b\",2]]"],
    ["setproduct(toset([\"a\",\"b\"]), [1,2])", "set[[\"a\",1],[\"a\",2],[\"b\",1],[\"b\",2]]"],
    [
      "setproduct([\"a\"])",
      "Error in function call",
      "Call to function \"setproduct\" failed: at least two arguments are required."
    ],
    ["setproduct([], [1])", "list[]"],
    ["setproduct([\"a\", 1], [2])", "list[[\"a\",2],[\"1\",2]]"],
    ["setproduct([\"a\"], [local.u])", "list[[\"a\",unknown(any)]]"]
  ])
})

describe("setsubtract", () => {
  check([
    ["setsubtract([\"a\", \"b\"], [\"b\"])", "set[\"a\"]"],
    ["setsubtract([1, 2], [\"1\"])", "set[\"2\"]"],
    ["setsubtract([\"a\"], [local.u])", "unknown(set(string))"]
  ])
})

describe("setunion", () => {
  check([
    ["setunion([\"a\"], [\"b\", \"a\"])", "set[\"a\",\"b\"]"],
    ["setunion([\"a\"], [1])", "set[\"1\",\"a\"]"],
    ["setunion([], [\"a\"])", "set[\"a\"]"],
    [
      "setunion([\"a\"], [[1]])",
      "Error in function call",
      "Call to function \"setunion\" failed: given sets must all have compatible element types."
    ],
    ["setunion([\"a\"], [local.u])", "set[\"a\",unknown(string)]"]
  ])
})

describe("slice", () => {
  check([
    ["slice([1,2,3,4], 1, 3)", "[2,3]"],
    ["slice(tolist([1,2,3,4]), 1, 3)", "list[2,3]"],
    ["slice([1,2], 0, 0)", "[]"],
    [
      "slice([1,2], 2, 1)",
      "Invalid function argument",
      "Invalid value for \"start_index\" parameter: start index must not be greater than end index."
    ],
    [
      "slice([1,2], 0, 5)",
      "Invalid function argument",
      "Invalid value for \"end_index\" parameter: end index must not be greater than the length of the list."
    ],
    [
      "slice([1,2], -1, 1)",
      "Invalid function argument",
      "Invalid value for \"start_index\" parameter: start index must not be less than zero."
    ],
    [
      "slice(toset([1,2]), 0, 1)",
      "Invalid function argument",
      "Invalid value for \"list\" parameter: cannot slice a set, because its elements do not have indices; explicitly convert to a list if the ordering of the result is not important."
    ],
    [
      "slice(\"a\", 0, 1)",
      "Invalid function argument",
      "Invalid value for \"list\" parameter: must be a list or tuple value."
    ],
    [
      "slice([1,2], 0.5, 1)",
      "Invalid function argument",
      "Invalid value for \"start_index\" parameter: invalid start index: value must be a whole number, between -9223372036854775808 and 9223372036854775807."
    ],
    ["slice([1, local.u, 3], 0, 2)", "[1,unknown(any)]"],
    ["slice([1, 2, 3], 0, local.u)", "unknown(any)"],
    ["slice(tolist([1, 2, 3]), 0, local.u)", "unknown(list(number))"]
  ])
})

describe("sort", () => {
  check([
    ["sort([\"b\",\"a\",\"10\",\"9\"])", "list[\"10\",\"9\",\"a\",\"b\"]"],
    ["sort([3, 10, 2])", "list[\"10\",\"2\",\"3\"]"],
    ["sort([])", "list[]"],
    [
      "sort([\"b\", null])",
      "Error in function call",
      "Call to function \"sort\" failed: given list element 1 is null; a null string cannot be sorted."
    ],
    ["sort([\"a\", local.u])", "unknown(list(string))"]
  ])
})

describe("sum", () => {
  check([
    ["sum([1, 2.5])", "3.5"],
    ["sum([])", "Invalid function argument", "Invalid value for \"list\" parameter: cannot sum an empty list."],
    ["sum([\"1\", 2])", "3"],
    [
      "sum([\"a\"])",
      "Invalid function argument",
      "Invalid value for \"list\" parameter: argument must be list, set, or tuple of number values."
    ],
    ["sum(toset([1, 2]))", "3"],
    [
      "sum({a=1})",
      "Invalid function argument",
      "Invalid value for \"list\" parameter: argument must be list, set, or tuple. Received object."
    ],
    ["sum(\"a\")", "Invalid function argument", "Invalid value for \"list\" parameter: cannot sum noniterable."],
    [
      "sum([null])",
      "Invalid function argument",
      "Invalid value for \"list\" parameter: argument must be list, set, or tuple of number values."
    ],
    ["sum([1, local.u])", "unknown(number)"]
  ])
})

describe("tobool", () => {
  check([
    ["tobool(\"true\")", "true"],
    [
      "tobool(\"True\")",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert \"True\" to bool; only the strings \"true\" or \"false\" are allowed."
    ],
    ["tobool(\"1\")", "true"],
    [
      "tobool(\"yes\")",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert \"yes\" to bool; only the strings \"true\" or \"false\" are allowed."
    ],
    ["tobool(1)", "Invalid function argument", "Invalid value for \"v\" parameter: cannot convert number to bool."],
    ["tobool(null)", "null(bool)"],
    ["tobool(local.u)", "unknown(bool)"]
  ])
})

describe("tolist", () => {
  check([
    ["tolist([\"a\"]) == [\"a\"]", "false"],
    [
      "tolist([{a=1}]).a",
      "Unsupported attribute",
      "Can't access attributes on a list of objects. Did you mean to access attribute \"a\" for a specific element of the list, or across all elements of the list?"
    ],
    [
      "tolist([{a=1}]).b",
      "Unsupported attribute",
      "Can't access attributes on a list of objects. Did you mean to access an attribute for a specific element of the list, or across all elements of the list?"
    ],
    ["tolist([{a=1}])[*].a", "list[1]"],
    ["tolist([])[*].a", "list[]"],
    [
      "tolist(null)[*]",
      "Splat of null value",
      "Splat expressions (with the * symbol) cannot be applied to null sequences."
    ],
    ["tolist(toset([\"us\",\"eu\",\"au\"]))[0]", "\"au\""],
    ["tolist([\"a\", 1])", "list[\"a\",\"1\"]"],
    [
      "tolist([1, [2]])",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert tuple to list of any single type."
    ],
    ["tolist([{a=1}, {a=\"x\"}])", "list[{a=\"1\"},{a=\"x\"}]"],
    ["tolist([{a=1}, {b=2}])", "list[map{a=1},map{b=2}]"],
    ["tolist([{a=1}, {b=\"x\"}])", "list[map{a=\"1\"},map{b=\"x\"}]"],
    [
      "tolist(\"a\")",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert string to list of any single type."
    ],
    [
      "tolist({a=1})",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert object to list of any single type."
    ],
    ["tolist(null)", "null(list(any))"],
    ["tolist([])", "list[]"],
    ["tolist(toset([3,1,2]))", "list[1,2,3]"],
    ["tolist([local.u, \"a\"])", "list[unknown(string),\"a\"]"],
    ["tolist([local.u])", "list[unknown(any)]"],
    ["tolist(local.u)", "unknown(list(any))"]
  ])
})

describe("tomap", () => {
  check([
    ["tomap({a=1}).b", "Missing map element", "This map does not have an element with the key \"b\"."],
    ["tomap({a=1})[\"b\"]", "Invalid index", "The given key does not identify an element in this collection value."],
    ["tomap({a=1, b=\"x\"})", "map{a=\"1\",b=\"x\"}"],
    [
      "tomap({a=1, b=[1]})",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert object to map of any single type."
    ],
    [
      "tomap([])",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert tuple to map of any single type."
    ],
    ["tomap({})", "map{}"],
    ["tomap({a={x=1}, b={y=2}})", "map{a=map{x=1},b=map{y=2}}"],
    ["tomap({a = local.u, b = 1})", "map{a=unknown(number),b=1}"]
  ])
})

describe("tonumber", () => {
  check([
    ["tonumber(\"12.50\")", "12.5"],
    [
      "tonumber(\"0x10\")",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert \"0x10\" to number; given string must be a decimal representation of a number."
    ],
    ["tonumber(\"1e3\")", "1000"],
    [
      "tonumber(\"a\")",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert \"a\" to number; given string must be a decimal representation of a number."
    ],
    [
      "tonumber(true)",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert bool to number."
    ],
    ["tonumber(null)", "null(number)"],
    [
      "tonumber(\" 1\")",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert \" 1\" to number; given string must be a decimal representation of a number."
    ],
    ["tonumber(local.u)", "unknown(number)"]
  ])
})

describe("toset", () => {
  check([
    [
      "toset([{a=1}]).a",
      "Unsupported attribute",
      "Can't access attributes on a set of objects. Did you mean to access an attribute across all elements of the set?"
    ],
    [
      "toset([\"a\"])[0]",
      "Invalid index",
      "Elements of a set are identified only by their value and don't have any separate index or key to select with, so it's only possible to perform operations across all elements of the set."
    ],
    ["toset([{a=1}])[*].a", "list[1]"],
    ["toset([\"b\", \"a\", \"b\"])", "set[\"a\",\"b\"]"],
    ["toset([1, \"a\"])", "set[\"1\",\"a\"]"],
    ["toset([true, false])", "set[false,true]"],
    ["toset([3, 1, 20])", "set[1,3,20]"],
    ["toset([[1], [2]])", "set[[1],[2]]"],
    [
      "toset({a=1})",
      "Invalid function argument",
      "Invalid value for \"v\" parameter: cannot convert object to set of any single type."
    ],
    ["toset([local.u, \"a\"])", "set[\"a\",unknown(string)]"]
  ])
})

describe("tostring", () => {
  check([
    ["tostring(1.50)", "\"1.5\""],
    ["tostring(true)", "\"true\""],
    ["tostring([])", "Invalid function argument", "Invalid value for \"v\" parameter: cannot convert tuple to string."],
    ["tostring(null)", "null(string)"],
    ["tostring(12345678901234567890)", "\"12345678901234567890\""],
    ["tostring(0.1)", "\"0.1\""],
    ["tostring(1e30)", "\"1000000000000000000000000000000\""],
    ["tostring(local.u)", "unknown(string)"]
  ])
})

describe("transpose", () => {
  check([
    ["transpose({a = [\"x\",\"y\"], b = [\"x\"]})", "map{x=list[\"a\",\"b\"],y=list[\"a\"]}"],
    ["transpose({})", "map{}"],
    ["transpose({a = []})", "map{}"],
    ["transpose({a = [local.u]})", "unknown(map(list(string)))"]
  ])
})

describe("values", () => {
  check([
    ["values({b=1, a=\"x\"})", "[\"x\",1]"],
    ["values(tomap({b=1, a=2}))", "list[2,1]"],
    [
      "values([])",
      "Error in function call",
      "Call to function \"values\" failed: values() requires a map as the first argument."
    ],
    ["values({})", "[]"],
    ["values({a = local.u, b = 1})", "[unknown(any),1]"]
  ])
})

describe("yamldecode", () => {
  check([
    ["yamldecode(\"a: [1, 2]\\nb: {c: true}\")", "{a=[1,2],b={c=true}}"],
    [
      "yamldecode(\"\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: on line 1, column 1: missing start of document."
    ],
    ["yamldecode(\"~\")", "null"],
    ["yamldecode(\"yes\")", "true"],
    ["yamldecode(\"True\")", "true"],
    ["yamldecode(\"0x1F\")", "31"],
    ["yamldecode(\"0o17\")", "15"],
    ["yamldecode(\"1e3\")", "1000"],
    ["yamldecode(\"1.50\")", "1.5"],
    ["yamldecode(\"12345678901234567890\")", "12345678901234567890"],
    ["yamldecode(\".inf\")", "+Inf"],
    ["yamldecode(\"\\\"1\\\"\")", "\"1\""],
    ["yamldecode(\"- a\\n- b\")", "[\"a\",\"b\"]"],
    ["yamldecode(\"a: 1\\na: 2\")", "{a=2}"],
    ["yamldecode(\"a: &x 1\\nb: *x\")", "{a=1,b=1}"],
    [
      "yamldecode(\"---\\na: 1\\n---\\nb: 2\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: on line 2, column 1: unexpected extra content after value."
    ],
    ["yamldecode(\"1: x\")", "{1=\"x\"}"],
    ["yamldecode(\"a: |\\n  hi\\n\")", "{a=\"hi\\n\"}"],
    ["yamldecode(\"<<: {a: 1}\\nb: 2\")", "{a=1,b=2}"],
    ["yamldecode(\"y\")", "true"],
    ["yamldecode(\"on\")", "true"],
    ["yamldecode(\"Off\")", "false"],
    ["yamldecode(\"NO\")", "false"],
    ["yamldecode(\"010\")", "10"],
    ["yamldecode(\"0b11\")", "\"0b11\""],
    ["yamldecode(\"-0b11\")", "\"-0b11\""],
    ["yamldecode(\"1_000\")", "\"1_000\""],
    ["yamldecode(\"190:20:30\")", "\"190:20:30\""],
    ["yamldecode(\"2001-12-14\")", "\"2001-12-14T00:00:00Z\""],
    ["yamldecode(\"2001-12-14t21:59:43.10-05:00\")", "\"2001-12-14T21:59:43-05:00\""],
    ["yamldecode(\"2001-12-14 21:59:43.10\")", "\"2001-12-14T21:59:43Z\""],
    ["yamldecode(\"!!binary aGk=\")", "\"aGk=\""],
    ["yamldecode(\"!!str 5\")", "\"5\""],
    ["yamldecode(\"!!int \\\"5\\\"\")", "\"5\""],
    ["yamldecode(\"!!bool yes\")", "true"],
    [
      "yamldecode(\".nan\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: floating point NaN is not supported."
    ],
    ["yamldecode(\"+1\")", "1"],
    ["yamldecode(\"1.\")", "1"],
    ["yamldecode(\".5\")", "0.5"],
    ["yamldecode(\"-.inf\")", "-Inf"],
    [
      "yamldecode(\"# c\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: on line 1, column 1: missing start of document."
    ],
    [
      "yamldecode(\"\\n\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: on line 1, column 1: missing start of document."
    ],
    ["yamldecode(\"a: !!float 1\")", "{a=1}"],
    ["yamldecode(\"!!null x\")", "null"],
    ["yamldecode(\"Null\")", "null"],
    ["yamldecode(\"[]\")", "[]"],
    ["yamldecode(\"{}\")", "{}"],
    ["yamldecode(\"1E3\")", "1000"],
    ["yamldecode(\"0.1e-2\")", "0.001"],
    ["yamldecode(\"+.5\")", "0.5"],
    ["yamldecode(\"00\")", "0"],
    ["yamldecode(\"0777\")", "777"],
    ["yamldecode(\"- - a\")", "[[\"a\"]]"],
    ["yamldecode(\"? a\\n: b\")", "{a=\"b\"}"],
    ["yamldecode(\"a:\\n  - 1\\n  -\")", "{a=[1,null]}"],
    [
      "yamldecode(\"!foo x\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: unsupported tag \"!foo\"."
    ],
    [
      "yamldecode(\"&a [1, *a]\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: cannot refer to anchor \"a\" from inside its own definition."
    ],
    ["yamldecode(\"a: 1\\n<<: {a: 2}\")", "{a=2}"],
    ["yamldecode(\"<<: {a: 2}\\na: 1\")", "{a=1}"],
    [
      "yamldecode(\"<<: [{a: 2}, {a: 3, b: 4}]\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: cannot merge tuple into mapping."
    ],
    ["yamldecode(\"a: &x {q: 1}\\nb:\\n  <<: *x\\n  r: 2\")", "{a={q=1},b={q=1,r=2}}"],
    ["yamldecode(\"\\\"<<\\\": {a: 1}\")", "{a=1}"],
    [
      "yamldecode(\"<<: 5\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: cannot merge number into mapping."
    ],
    ["yamldecode(\"!!int 0x1F\")", "31"],
    ["yamldecode(\"!!int 1_0\")", "10"],
    [
      "yamldecode(\"!!float abc\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: cannot parse \"abc\" as tag:yaml.org,2002:float."
    ],
    [
      "yamldecode(\"!!bool maybe\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: cannot parse \"maybe\" as tag:yaml.org,2002:bool."
    ],
    ["yamldecode(\"!!timestamp 2001-12-14\")", "\"2001-12-14T00:00:00Z\""],
    [
      "yamldecode(\"!!timestamp x\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: cannot parse \"x\" as tag:yaml.org,2002:timestamp."
    ],
    ["yamldecode(\"!!str\")", "\"\""],
    ["yamldecode(\"!!null\")", "null"],
    [
      "yamldecode(\"? [1]\\n: 2\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: only strings are allowed as mapping keys."
    ],
    ["yamldecode(\"1.0: a\")", "{1=\"a\"}"],
    ["yamldecode(\"true: a\")", "{true=\"a\"}"],
    [
      "yamldecode(\"~: a\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: mapping key cannot be null."
    ],
    ["yamldecode(\"0x10: a\")", "{16=\"a\"}"],
    ["yamldecode(\"a: !!map {b: 1}\")", "{a={b=1}}"],
    ["yamldecode(\"!!seq [1]\")", "[1]"],
    [
      "yamldecode(\"!!set {a, b}\")",
      "Error in function call",
      "Call to function \"yamldecode\" failed: can't interpret mapping as tag:yaml.org,2002:set."
    ],
    ["yamldecode(\"--- 1\\n...\")", "1"],
    ["yamldecode(\"a: |\\n  x\\n  y\\n\")", "{a=\"x\\ny\\n\"}"],
    ["yamldecode(\"a: >\\n  x\\n  y\\n\")", "{a=\"x y\\n\"}"],
    ["yamldecode(\"a: 'it''s'\")", "{a=\"it's\"}"],
    ["yamldecode(\"a: \\\"\\\\u00e9\\\"\")", "{a=\"é\"}"],
    ["yamldecode(\"---\\n\")", "null"],
    ["yamldecode(\"a:\")", "{a=null}"],
    ["yamldecode(\"a: 2001-13-01\")", "{a=\"2001-13-01\"}"],
    ["yamldecode(\"a: 12e\")", "{a=\"12e\"}"],
    ["yamldecode(\"- 1\\n- two\\n- 3.0\\n- false\")", "[1,\"two\",3,false]"]
  ])
})

describe("yamlencode", () => {
  check([
    [
      "yamlencode({a = [1, {b = \"c\"}], d = \"multi\\nline\"})",
      "\"\\\"a\\\":\\n- 1\\n- \\\"b\\\": \\\"c\\\"\\n\\\"d\\\": |-\\n  multi\\n  line\\n\""
    ],
    ["yamlencode(\"x\")", "\"\\\"x\\\"\\n\""],
    ["yamlencode(1)", "\"1\\n...\\n\""],
    ["yamlencode(null)", "\"null\\n...\\n\""],
    ["yamlencode(true)", "\"true\\n...\\n\""],
    ["yamlencode([])", "\"[]\\n\""],
    ["yamlencode({})", "\"{}\\n\""],
    ["yamlencode([1, [2, 3], {a = []}])", "\"- 1\\n- - 2\\n  - 3\\n- \\\"a\\\": []\\n\""],
    ["yamlencode({a = {b = {c = 1}}})", "\"\\\"a\\\":\\n  \\\"b\\\":\\n    \\\"c\\\": 1\\n\""],
    ["yamlencode(\"a\\nb\\n\")", "\"|\\n  a\\n  b\\n\""],
    ["yamlencode(\"a\\nb\\n\\n\")", "\"|+\\n  a\\n  b\\n\\n\""],
    ["yamlencode(\" lead\\nx\")", "\"|2-\\n   lead\\n  x\\n\""],
    ["yamlencode(\"trail \\nx\")", "\"\\\"trail \\\\nx\\\"\\n\""],
    ["yamlencode(\"tab\\tin\\nx\")", "\"\\\"tab\\\\tin\\\\nx\\\"\\n\""],
    ["yamlencode(\"quote\\\"back\\\\slash\")", "\"\\\"quote\\\\\\\"back\\\\\\\\slash\\\"\\n\""],
    ["yamlencode(\"héllo ✓\")", "\"\\\"héllo ✓\\\"\\n\""],
    [
      "yamlencode(\"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh iiiiiiiiii\")",
      "\"\\\"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh\\n  iiiiiiiiii\\\"\\n\""
    ],
    [
      "yamlencode({k = \"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh iiiiiiiiii\"})",
      "\"\\\"k\\\": \\\"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg\\n  hhhhhhhhhh iiiiiiiiii\\\"\\n\""
    ],
    [
      "yamlencode([\"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh iiiiiiiiii\"])",
      "\"- \\\"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh\\n  iiiiiiiiii\\\"\\n\""
    ],
    ["yamlencode(toset([\"b\", \"a\"]))", "\"- \\\"a\\\"\\n- \\\"b\\\"\\n\""],
    ["yamlencode(1.5)", "\"1.5\\n...\\n\""],
    ["yamlencode(\"\")", "\"\\\"\\\"\\n\""],
    ["yamlencode(\"null\")", "\"\\\"null\\\"\\n\""],
    ["yamlencode({\"a b\" = 1, \"\" = 2})", "\"\\\"\\\": 2\\n\\\"a b\\\": 1\\n\""],
    ["yamlencode([[[]]])", "\"- - []\\n\""],
    ["yamlencode([{a = [{b = 1}]}])", "\"- \\\"a\\\":\\n  - \\\"b\\\": 1\\n\""],
    ["yamlencode(\"\\n\")", "\"|2+\\n\\n\""],
    [
      "yamlencode({a = {b = \"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh  iiiiiiiiii jjj\"}})",
      "\"\\\"a\\\":\\n  \\\"b\\\": \\\"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg\\n    hhhhhhhhhh  iiiiiiiiii jjj\\\"\\n\""
    ],
    ["yamlencode(\"héllo ✓ \\u00e9\\u0085\\ufeff\\u2028x\")", "\"\\\"héllo ✓ é\\\\N\\\\uFEFF\\\\Lx\\\"\\n\""],
    ["yamlencode({\"a\\nb\" = 1})", "\"? |-\\n  a\\n  b\\n: 1\\n\""],
    ["yamlencode({\"a\\nb\" = [1]})", "\"? |-\\n  a\\n  b\\n: - 1\\n\""],
    ["yamlencode({\"a\\nb\" = {c = 1}})", "\"? |-\\n  a\\n  b\\n: \\\"c\\\": 1\\n\""],
    ["yamlencode({a = \"x\\ny\"})", "\"\\\"a\\\": |-\\n  x\\n  y\\n\""],
    ["yamlencode([\"x\\ny\"])", "\"- |-\\n  x\\n  y\\n\""],
    [
      "yamlencode({\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" = 1})",
      "\"? \\\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\\"\\n: 1\\n\""
    ],
    ["yamlencode([null, true, 1.5, \"s\"])", "\"- null\\n- true\\n- 1.5\\n- \\\"s\\\"\\n\""],
    ["yamlencode({a = null})", "\"\\\"a\\\": null\\n\""],
    ["yamlencode({a = [], b = {}})", "\"\\\"a\\\": []\\n\\\"b\\\": {}\\n\""],
    ["yamlencode([{}, []])", "\"- {}\\n- []\\n\""],
    [
      "yamlencode(\"a  b                                                                              c\")",
      "\"\\\"a  b                                                                              c\\\"\\n\""
    ],
    [
      "yamlencode(\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbb\")",
      "\"\\\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\\n  bbbbb\\\"\\n\""
    ],
    ["yamlencode(\"x\\n y\")", "\"|-\\n  x\\n   y\\n\""],
    ["yamlencode(\"x \\ny\")", "\"\\\"x \\\\ny\\\"\\n\""],
    ["yamlencode(\"x\\r\\ny\")", "\"\\\"x\\\\r\\\\ny\\\"\\n\""],
    ["yamlencode(\"é\\nx\")", "\"|-\\n  é\\n  x\\n\""],
    ["yamlencode([\"a\", [\"b\", [\"c\"]]])", "\"- \\\"a\\\"\\n- - \\\"b\\\"\\n  - - \\\"c\\\"\\n\""],
    [
      "yamlencode({a = {b = {c = [1, {d = \"e\"}]}}})",
      "\"\\\"a\\\":\\n  \\\"b\\\":\\n    \\\"c\\\":\\n    - 1\\n    - \\\"d\\\": \\\"e\\\"\\n\""
    ],
    ["yamlencode([local.u])", "unknown(string)"]
  ])
})

describe("zipmap", () => {
  check([
    ["zipmap([\"a\",\"b\"], [1, 2])", "{a=1,b=2}"],
    ["zipmap([\"a\",\"b\"], [1, \"x\"])", "{a=1,b=\"x\"}"],
    ["zipmap([\"a\",\"b\"], tolist([1, 2]))", "map{a=1,b=2}"],
    [
      "zipmap([\"a\"], [1, 2])",
      "Error in function call",
      "Call to function \"zipmap\" failed: number of keys (1) does not match number of values (2)."
    ],
    ["zipmap([\"a\", \"a\"], [1, 2])", "{a=2}"],
    ["zipmap([], [])", "{}"],
    [
      "zipmap([\"a\"], \"x\")",
      "Error in function call",
      "Call to function \"zipmap\" failed: values argument must be a list or tuple value."
    ],
    ["zipmap([\"a\", \"b\"], [1, local.u])", "{a=1,b=unknown(any)}"],
    ["zipmap([\"a\", local.u], [1, 2])", "unknown(any)"],
    ["zipmap(tolist([\"a\", local.u]), tolist([1, 2]))", "unknown(map(number))"]
  ])
})

describe("null arguments (checked against terraform console)", () => {
  check([
    ["keys(null)", "Invalid function argument", "Invalid value for \"inputMap\" parameter: argument must not be null."],
    ["length(null)", "Invalid function argument", "Invalid value for \"value\" parameter: argument must not be null."],
    [
      "concat([1], null)",
      "Invalid function argument",
      "Invalid value for \"seqs\" parameter: argument must not be null."
    ],
    ["merge(null)", "{}"],
    [
      "coalesce(null)",
      "Error in function call",
      "Call to function \"coalesce\" failed: no non-null, non-empty-string arguments."
    ],
    ["lookup({a = null}, \"a\")", "null"],
    [
      "contains([null], null)",
      "Invalid function argument",
      "Invalid value for \"value\" parameter: argument must not be null."
    ],
    [
      "index([null], null)",
      "Invalid function argument",
      "Invalid value for \"value\" parameter: argument must not be null."
    ],
    ["element([null], 0)", "null"],
    ["tolist([null])", "list[null]"],
    ["toset([null, \"a\"])", "set[\"a\",null(string)]"],
    ["jsonencode(null)", "\"null\""],
    [
      "contains(null, 1)",
      "Invalid function argument",
      "Invalid value for \"list\" parameter: argument must not be null."
    ],
    ["flatten(null)", "Invalid function argument", "Invalid value for \"list\" parameter: argument must not be null."],
    ["distinct(null)", "Invalid function argument", "Invalid value for \"list\" parameter: argument must not be null."],
    [
      "zipmap([\"a\"], null)",
      "Invalid function argument",
      "Invalid value for \"values\" parameter: argument must not be null."
    ],
    [
      "setunion(null)",
      "Invalid function argument",
      "Invalid value for \"first_set\" parameter: argument must not be null."
    ],
    ["alltrue(null)", "Invalid function argument", "Invalid value for \"list\" parameter: argument must not be null."],
    ["one(null)", "Invalid function argument", "Invalid value for \"list\" parameter: argument must not be null."],
    ["sum(null)", "Invalid function argument", "Invalid value for \"list\" parameter: argument must not be null."],
    ["reverse(null)", "Invalid function argument", "Invalid value for \"list\" parameter: argument must not be null."],
    [
      "slice(null, 0, 0)",
      "Invalid function argument",
      "Invalid value for \"list\" parameter: argument must not be null."
    ],
    [
      "values(null)",
      "Invalid function argument",
      "Invalid value for \"mapping\" parameter: argument must not be null."
    ],
    ["compact(null)", "Invalid function argument", "Invalid value for \"list\" parameter: argument must not be null."],
    ["range(null)", "Invalid function argument", "Invalid value for \"params\" parameter: argument must not be null."],
    ["yamlencode(null)", "\"null\\n...\\n\""]
  ])
})

describe("encodings of characters the parser cannot spell", () => {
  it("jsonencode leaves DEL as it is and escapes HTML characters, U+2028 and U+2029", () => {
    expect(Json.encode(V.string("\u007f<>&\u2028\u2029\b\f\u0001"))).toEqual(
      Either.right("\"\u007f\\u003c\\u003e\\u0026\\u2028\\u2029\\b\\f\\u0001\"")
    )
  })
  it("yamlencode escapes control characters as libyaml does", () => {
    expect(yamlEncode(V.string("\u0000\u0007\u001b\u007f\u0080"))).toBe("\"\\0\\a\\e\\x7F\\x80\"\n")
  })
  it("yamlencode keeps printable unicode and escapes NEL, BOM and line separators", () => {
    expect(yamlEncode(V.string("é\u0085\ufeff\u2028x"))).toBe("\"é\\N\\uFEFF\\Lx\"\n")
  })
})

describe("yamldecode syntax errors", () => {
  it.each(["a: [", "[1, 2", "\t- a", "\"unterminated", "a: b: c"])("%j is an error in function call", (src) => {
    const r = evaluate(`yamldecode(${JSON.stringify(src)})`)
    expect(r.errors.map((e) => e.summary)).toEqual(["Error in function call"])
    expect(r.errors[0]!.detail).toMatch(/^Call to function "yamldecode" failed: /)
  })
})

/** Call a function through the evaluator (arguments converted as in a real call). */
const call = (name: string, ...args: ReadonlyArray<V.Value>): V.Value => {
  const source = `${name}(${args.map((_, i) => `a${i}`).join(", ")})`
  const parsed = Parser.parseExpression(source, { file: "t.tf" })
  const r = Evaluator.compile(parsed.expression, FunctionTable.standard).evaluate({
    files: noFiles,
    resolve: (parts) => ({ value: args[Number(String(parts[0]).slice(1))]!, consumed: 1 })
  })
  expect(r.errors).toEqual([])
  return r.value
}

/** JSON-like values: primitives, tuples and objects (what jsondecode/yamldecode give back). */
const jsonLike: fc.Arbitrary<V.Value> = fc.letrec<{ value: V.Value }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string().map((s) => V.string(s.normalize("NFC"))),
    fc.integer().map(V.numberFromJs),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(V.numberFromJs),
    fc.boolean().map(V.bool),
    fc.constant(V.Null),
    fc.array(tie("value"), { maxLength: 4 }).map(V.tuple),
    fc.dictionary(fc.string().map((s) => s.normalize("NFC")), tie("value"), { maxKeys: 4 }).map((o) =>
      V.object(Object.entries(o))
    )
  )
})).value

describe("properties", () => {
  it("jsondecode(jsonencode(v)) == v", () => {
    fc.assert(
      fc.property(jsonLike, (v) => {
        const text = call("jsonencode", v)
        expect(V.rawEquals(call("jsondecode", text), v)).toBe(true)
      })
    )
  })
  it("yamldecode(yamlencode(v)) == v", () => {
    fc.assert(
      fc.property(jsonLike, (v) => {
        const text = call("yamlencode", v)
        expect(fmt(call("yamldecode", text))).toBe(fmt(v))
      })
    )
  })
  it("length of a string counts grapheme clusters", () => {
    const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" })
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        expect(fmt(call("length", V.string(s)))).toBe(String([...segmenter.segment(s)].length))
      })
    )
  })
  it("toset sorts strings byte-wise and removes duplicates", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "binary" })), (xs) => {
        const set = call("toset", V.tuple(xs.map(V.string))) as V.SetValue
        const expected = [...new Set(xs)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
        expect(set.elements.map((e) => (e as V.StringValue).value)).toEqual(expected)
      })
    )
  })
  it("setunion is commutative and setintersection is contained in both", () => {
    const strings = fc.array(fc.constantFrom("a", "b", "c", "d")).map((xs) => V.tuple(xs.map(V.string)))
    fc.assert(
      fc.property(strings, strings, (a, b) => {
        expect(V.rawEquals(call("setunion", a, b), call("setunion", b, a))).toBe(true)
        const i = call("setintersection", a, b) as V.SetValue
        const sa = call("toset", a) as V.SetValue
        const sb = call("toset", b) as V.SetValue
        for (const e of i.elements) {
          expect(sa.elements.some((x) => V.rawEquals(x, e))).toBe(true)
          expect(sb.elements.some((x) => V.rawEquals(x, e))).toBe(true)
        }
      })
    )
  })
  it("slice(l, a, b) has b - a elements and reverse(reverse(l)) == l", () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 10 }), fc.nat(), fc.nat(), (xs, x, y) => {
        const l = V.tuple(xs.map(V.numberFromJs))
        const a = Math.min(x, y) % (xs.length + 1)
        const b = Math.max(a, Math.max(x, y) % (xs.length + 1))
        const s = call("slice", l, V.numberFromJs(a), V.numberFromJs(b)) as V.TupleValue
        expect(s.elements.length).toBe(b - a)
        expect(V.rawEquals(call("reverse", call("reverse", l)), l)).toBe(true)
      })
    )
  })
})
