/**
 * Terraform's CIDR functions for IPv4 and IPv6: `cidrhost`, `cidrnetmask`, `cidrsubnet` and
 * `cidrsubnets`, with Terraform's error messages for out-of-range numbers.
 *
 * @since 0.1.0
 * @internal
 */
import type { FunctionDefinition, Parameter } from "../FunctionDefinition.js"
import { FunctionError } from "../FunctionDefinition.js"
import * as Cidr from "../internal/cidr.js"
import { numberOf, stringOf, toGoInt, total, wholeNumberMessage } from "../internal/functionSupport.js"
import * as N from "../Number.js"
import * as T from "../Type.js"
import type { Value } from "../Value.js"
import * as V from "../Value.js"

const prefixParameter: Parameter = { name: "prefix", type: T.string }
const num = (name: string): Parameter => ({ name, type: T.number })

/** gocty's conversion to `*big.Int`. */
const toBig = (n: N.TfNumber): bigint | undefined => N.isInfinite(n) || !N.isInteger(n) ? undefined : N.toBigInt(n)

const invalidCidr = (prefix: string, argument?: number): FunctionError =>
  new FunctionError(`invalid CIDR expression: invalid CIDR address: ${prefix}`, argument)

const cidrhostImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const hostNum = toBig(numberOf(args[1]))
  if (hostNum === undefined) return new FunctionError("value must be a whole number")
  const prefix = stringOf(args[0])
  const network = Cidr.parseCidr(prefix)
  if (network === undefined || network.ip === undefined) return invalidCidr(prefix)
  const [parentLen, addrLen] = Cidr.maskSize(network.mask)
  const maxHostNum = (1n << BigInt(addrLen - parentLen)) - 1n
  let num = hostNum
  let magnitude = hostNum
  if (hostNum < 0n) {
    magnitude = -hostNum - 1n
    num = maxHostNum - magnitude
  }
  if (magnitude > maxHostNum) {
    return new FunctionError(`prefix of ${parentLen} does not accommodate a host numbered ${num}`)
  }
  const bitLength = Cidr.to4(network.ip) !== undefined ? 32 : 128
  return V.string(Cidr.ipToString(Cidr.insertNumIntoIp(network.ip, num, bitLength)))
}

const cidrnetmaskImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const prefix = stringOf(args[0])
  const network = Cidr.parseCidr(prefix)
  if (network === undefined) return invalidCidr(prefix)
  if (Cidr.to4(network.ip) === undefined) return new FunctionError(`IPv6 addresses cannot have a netmask: ${prefix}`)
  return V.string(Cidr.ipToString(network.mask))
}

const cidrsubnetImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const newBitsBig = toGoInt(numberOf(args[1]))
  if (newBitsBig === undefined) return new FunctionError(wholeNumberMessage)
  const netNum = toBig(numberOf(args[2]))
  if (netNum === undefined) return new FunctionError("value must be a whole number")
  const prefix = stringOf(args[0])
  const network = Cidr.parseCidr(prefix)
  if (network === undefined || network.ip === undefined) return invalidCidr(prefix)
  const [parentLen, addrLen] = Cidr.maskSize(network.mask)
  if (newBitsBig < 0n) {
    return new FunctionError(`cannot extend prefix of ${parentLen} by a negative number of bits (${newBitsBig})`, 1)
  }
  const newBits = Number(newBitsBig > 256n ? 256n : newBitsBig)
  const newPrefixLen = parentLen + newBits
  if (newPrefixLen > addrLen) {
    return new FunctionError(`insufficient address space to extend prefix of ${parentLen} by ${newBitsBig}`)
  }
  // go-cidr compares `num.Uint64()` (the magnitude's low 64 bits) with `uint64(1<<newBits) - 1`
  const low64 = (netNum < 0n ? -netNum : netNum) & 0xffffffffffffffffn
  const maxNetNum = newBits >= 64 ? 0xffffffffffffffffn : (1n << BigInt(newBits)) - 1n
  if (low64 > maxNetNum) {
    return new FunctionError(`prefix extension of ${newBits} does not accommodate a subnet numbered ${netNum}`)
  }
  return V.string(Cidr.ipNetToString({
    ip: Cidr.insertNumIntoIp(network.ip, netNum, newPrefixLen),
    mask: Cidr.cidrMask(newPrefixLen, addrLen)
  }))
}

const cidrsubnetsImpl = (args: ReadonlyArray<Value>): Value | FunctionError => {
  const prefix = stringOf(args[0])
  const network = Cidr.parseCidr(prefix)
  if (network === undefined || network.ip === undefined) return invalidCidr(prefix, 0)
  const [startPrefixLen] = Cidr.maskSize(network.mask)
  const lengths = args.slice(1)
  if (lengths.length === 0) return V.list(T.string, [])
  const first = toGoInt(numberOf(lengths[0]))
  if (first === undefined) return new FunctionError(wholeNumberMessage, 1)
  const addressBits = network.ip.length * 8
  const protocol = addressBits === 32 ? "IPv4" : addressBits === 128 ? "IPv6" : "IP"
  let current: Cidr.IpNet | undefined
  const results: Array<Value> = []
  for (let i = 0; i < lengths.length; i++) {
    const given = toGoInt(numberOf(lengths[i]))
    if (given === undefined) return new FunctionError(wholeNumberMessage, i + 1)
    if (given < 1n) return new FunctionError("must extend prefix by at least one bit", i + 1)
    if (given > 32n) return new FunctionError("may not extend prefix by more than 32 bits", i + 1)
    const length = Number(given) + startPrefixLen
    if (length > addressBits) {
      return new FunctionError(
        `would extend prefix to ${length} bits, which is too long for an ${protocol} address`,
        i + 1
      )
    }
    // The first subnet starts right after the one just below the network (go-cidr).
    current ??= Cidr.previousSubnet(network, Number(first) + startPrefixLen)
    const { next, rollover } = Cidr.nextSubnet(current, length)
    if (rollover || !Cidr.contains(network, next.ip)) {
      return new FunctionError(
        `not enough remaining address space for a subnet with a prefix of ${length} bits after ${
          Cidr.ipNetToString(current)
        }`,
        i + 1
      )
    }
    current = next
    results.push(V.string(Cidr.ipNetToString(current)))
  }
  return V.list(T.string, results)
}

/**
 * The CIDR functions.
 *
 * @since 0.1.0
 */
export const networkFunctions: ReadonlyArray<FunctionDefinition> = [
  total({
    name: "cidrhost",
    parameters: [prefixParameter, num("hostnum")],
    returnType: T.string,
    impl: cidrhostImpl
  }),
  total({
    name: "cidrnetmask",
    parameters: [prefixParameter],
    returnType: T.string,
    impl: cidrnetmaskImpl
  }),
  total({
    name: "cidrsubnet",
    parameters: [prefixParameter, num("newbits"), num("netnum")],
    returnType: T.string,
    impl: cidrsubnetImpl
  }),
  total({
    name: "cidrsubnets",
    parameters: [prefixParameter],
    variadic: num("newbits"),
    returnType: T.list(T.string),
    impl: cidrsubnetsImpl
  })
]
