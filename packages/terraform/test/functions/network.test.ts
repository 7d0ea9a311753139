import { describe, expect, it } from "@effect/vitest"
import * as fc from "fast-check"
import { networkFunctions } from "../../src/functions/network.js"
import * as Cidr from "../../src/internal/cidr.js"
import type { Value } from "../../src/Value.js"
import { call, n, named, s } from "./support.js"

type Case = readonly [name: string, args: ReadonlyArray<Value>, expected: unknown]

const whole = "value must be a whole number, between -9223372036854775808 and 9223372036854775807"

const cases: ReadonlyArray<Case> = [
  ["cidrhost", [s("10.12.112.0/20"), n(16)], "10.12.112.16"],
  ["cidrhost", [s("10.12.112.0/20"), n(268)], "10.12.113.12"],
  ["cidrhost", [s("fd00:fd12:3456:7890:00a2::/72"), n(34)], "fd00:fd12:3456:7890::22"],
  ["cidrhost", [s("10.0.0.0/30"), n(-1)], "10.0.0.3"],
  ["cidrhost", [s("10.0.0.0/30"), n(-4)], "10.0.0.0"],
  ["cidrhost", [s("10.0.0.7/30"), n(1)], "10.0.0.5"],
  ["cidrhost", [s("010.000.000.000/8"), n(1)], "10.0.0.1"],
  ["cidrhost", [s("192.168.1.0/32"), n(0)], "192.168.1.0"],
  ["cidrhost", [s("::/0"), n("340282366920938463463374607431768211455")], "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ["cidrhost", [s("2001:db8::/32"), n(1)], "2001:db8::1"],
  ["cidrhost", [s("2001:db8:0:0:1:0:0:0/120"), n(1)], "2001:db8::1:0:0:1"],
  ["cidrhost", [s("10.0.0.0/30"), n(4)], { error: "prefix of 30 does not accommodate a host numbered 4" }],
  ["cidrhost", [s("10.0.0.0/30"), n(-5)], { error: "prefix of 30 does not accommodate a host numbered -1" }],
  ["cidrhost", [s("10.0.0.0/30"), n(1.5)], { error: "value must be a whole number" }],
  ["cidrhost", [s("10.0.0.0"), n(1)], { error: "invalid CIDR expression: invalid CIDR address: 10.0.0.0" }],
  ["cidrhost", [s("10.0.0.256/8"), n(1)], { error: "invalid CIDR expression: invalid CIDR address: 10.0.0.256/8" }],
  ["cidrhost", [s("10.0.0.0/33"), n(1)], { error: "invalid CIDR expression: invalid CIDR address: 10.0.0.0/33" }],
  ["cidrhost", [s("10.0.0.0/ 8"), n(1)], { error: "invalid CIDR expression: invalid CIDR address: 10.0.0.0/ 8" }],
  ["cidrhost", [s("1:2::3::4/64"), n(1)], { error: "invalid CIDR expression: invalid CIDR address: 1:2::3::4/64" }],
  ["cidrnetmask", [s("172.16.0.0/12")], "255.240.0.0"],
  ["cidrnetmask", [s("10.0.0.0/0")], "0.0.0.0"],
  ["cidrnetmask", [s("10.0.0.0/32")], "255.255.255.255"],
  ["cidrnetmask", [s("::/64")], { error: "IPv6 addresses cannot have a netmask: ::/64" }],
  ["cidrnetmask", [s("::ffff:10.0.0.0/120")], "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00"],
  ["cidrsubnet", [s("172.16.0.0/12"), n(4), n(2)], "172.18.0.0/16"],
  ["cidrsubnet", [s("10.1.2.0/24"), n(4), n(15)], "10.1.2.240/28"],
  ["cidrsubnet", [s("fd00:fd12:3456:7890::/56"), n(16), n(162)], "fd00:fd12:3456:7800:a200::/72"],
  ["cidrsubnet", [s("10.0.0.0/8"), n(0), n(0)], "10.0.0.0/8"],
  ["cidrsubnet", [s("10.0.0.0/8"), n(24), n(16777215)], "10.255.255.255/32"],
  ["cidrsubnet", [s("::/0"), n(64), n("18446744073709551615")], "ffff:ffff:ffff:ffff::/64"],
  ["cidrsubnet", [s("10.0.0.0/8"), n(25), n(0)], { error: "insufficient address space to extend prefix of 8 by 25" }],
  ["cidrsubnet", [s("10.0.0.0/8"), n(2), n(4)], {
    error: "prefix extension of 2 does not accommodate a subnet numbered 4"
  }],
  // a negative netnum: go-cidr checks its magnitude and ORs it in two's complement (terraform console)
  ["cidrsubnet", [s("10.0.0.0/8"), n(2), n(-1)], "0.64.0.0/10"],
  ["cidrsubnet", [s("10.0.0.0/8"), n(8), n(-1)], "0.1.0.0/16"],
  ["cidrsubnet", [s("192.168.0.0/16"), n(4), n(-3)], "0.0.48.0/20"],
  ["cidrsubnet", [s("fd00::/16"), n(16), n(-1)], "0:1::/32"],
  ["cidrsubnet", [s("fd00::/16"), n(64), n("18446744073709551616")], "fd01::/80"],
  ["cidrsubnet", [s("10.0.0.0/8"), n(2), n(-4)], {
    error: "prefix extension of 2 does not accommodate a subnet numbered -4"
  }],
  ["cidrsubnet", [s("10.0.0.0/8"), n(2.5), n(1)], { error: whole }],
  ["cidrsubnet", [s("10.0.0.0/8"), n(-1), n(0)], {
    error: "cannot extend prefix of 8 by a negative number of bits (-1)",
    argument: 1
  }],
  ["cidrsubnets", [s("10.1.0.0/16"), n(4), n(4), n(8), n(4)], [
    "10.1.0.0/20",
    "10.1.16.0/20",
    "10.1.32.0/24",
    "10.1.48.0/20"
  ]],
  ["cidrsubnets", [s("fd00:fd12:3456:7890::/56"), n(16), n(16), n(16), n(32)], [
    "fd00:fd12:3456:7800::/72",
    "fd00:fd12:3456:7800:100::/72",
    "fd00:fd12:3456:7800:200::/72",
    "fd00:fd12:3456:7800:300::/88"
  ]],
  ["cidrsubnets", [s("10.0.0.0/8")], []],
  ["cidrsubnets", [s("10.0.0.0/30"), n(1), n(1)], ["10.0.0.0/31", "10.0.0.2/31"]],
  ["cidrsubnets", [s("10.0.0.0/30"), n(1), n(1), n(1)], {
    error: "not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31",
    argument: 3
  }],
  ["cidrsubnets", [s("10.0.0.0/30"), n(2), n(1)], ["10.0.0.0/32", "10.0.0.2/31"]],
  ["cidrsubnets", [s("10.0.0.0/8"), n(0)], { error: "must extend prefix by at least one bit", argument: 1 }],
  ["cidrsubnets", [s("10.0.0.0/8"), n(33)], { error: "may not extend prefix by more than 32 bits", argument: 1 }],
  ["cidrsubnets", [s("10.0.0.0/8"), n(4), n(25)], {
    error: "would extend prefix to 33 bits, which is too long for an IPv4 address",
    argument: 2
  }],
  ["cidrsubnets", [s("0.0.0.0/8"), n(8)], {
    error: "not enough remaining address space for a subnet with a prefix of 16 bits after 255.255.0.0/16",
    argument: 1
  }],
  ["cidrsubnets", [s("::ffff:10.0.0.0/104"), n(8)], {
    error: "not enough remaining address space for a subnet with a prefix of 112 bits after <nil>",
    argument: 1
  }],
  ["cidrsubnets", [s("nope"), n(8)], { error: "invalid CIDR expression: invalid CIDR address: nope", argument: 0 }]
]

describe("network functions", () => {
  it.each(named(cases))("%s", (_, name, args, expected) => {
    expect(call(networkFunctions, name, args)).toEqual(expected)
  })
})

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."))

describe("network properties", () => {
  it("cidrsubnet results lie inside the parent prefix", () => {
    fc.assert(
      fc.property(
        ipv4,
        fc.integer({ min: 0, max: 24 }),
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        (ip, len, bits, k) => {
          const parent = `${ip}/${len}`
          const num = k % 2 ** bits
          const child = call(networkFunctions, "cidrsubnet", [s(parent), n(bits), n(num)]) as string
          const parentNet = Cidr.parseCidr(parent)!
          const childNet = Cidr.parseCidr(child)!
          expect(Cidr.contains(parentNet, childNet.ip)).toBe(true)
          expect(child.endsWith(`/${len + bits}`)).toBe(true)
          const [first] = Cidr.addressRange(childNet)
          expect(call(networkFunctions, "cidrhost", [s(child), n(0)])).toEqual(Cidr.ipToString(first))
        }
      )
    )
  })

  it("cidrsubnets returns disjoint, ascending subnets inside the parent", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 24 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 6 }),
        (len, newbits) => {
          const parent = `10.0.0.0/${len}`
          const r = call(networkFunctions, "cidrsubnets", [s(parent), ...newbits.map(n)])
          if (!Array.isArray(r)) return
          const parentNet = Cidr.parseCidr(parent)!
          let previousLast = -1n
          for (const subnet of r as Array<string>) {
            const net = Cidr.parseCidr(subnet)!
            expect(Cidr.contains(parentNet, net.ip)).toBe(true)
            const [first, last] = Cidr.addressRange(net)
            expect(Cidr.ipToInt(first).value > previousLast).toBe(true)
            previousLast = Cidr.ipToInt(last).value
          }
        }
      )
    )
  })

  it("IPv6 text round-trips through the parser and printer", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }), (groups) => {
        // IPv4-mapped addresses print in dotted form (as Go prints them).
        fc.pre(!(groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff))
        const text = groups.map((g) => g.toString(16)).join(":")
        const net = Cidr.parseCidr(`${text}/128`)!
        const printed = Cidr.ipToString(net.ip)
        expect(Cidr.ipToString(Cidr.parseCidr(`${printed}/128`)!.ip)).toEqual(printed)
        expect(Cidr.ipToInt(Cidr.parseCidr(`${printed}/128`)!.ip!).value).toEqual(Cidr.ipToInt(net.ip!).value)
      })
    )
  })
})
