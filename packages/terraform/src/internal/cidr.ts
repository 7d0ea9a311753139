/**
 * IP addresses and prefixes with the semantics Terraform's CIDR functions rely on: Go's `net`
 * package as forked in Terraform's `ipaddr` (IPv4 octets may have leading zeros) and the
 * `go-cidr` helpers, with addresses as byte arrays (4 bytes for IPv4, 16 for IPv6) and BigInt
 * arithmetic.
 *
 * @internal
 */

/**
 * An IP address: 4 or 16 bytes.
 */
export type Ip = Uint8Array

/**
 * An IP network: address and mask of the same length (Go's `net.IPNet`); `undefined` fields
 * model Go's nil slices.
 */
export interface IpNet {
  readonly ip: Ip | undefined
  readonly mask: Uint8Array | undefined
}

const v4InV6Prefix = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff)

const startsWithV4Prefix = (ip: Ip): boolean => {
  for (let i = 0; i < 12; i++) if (ip[i] !== v4InV6Prefix[i]) return false
  return true
}

/**
 * Go's `IP.To4`: the 4-byte form of an IPv4 (or IPv4-mapped IPv6) address.
 */
export const to4 = (ip: Ip | undefined): Ip | undefined => {
  if (ip === undefined) return undefined
  if (ip.length === 4) return ip
  if (ip.length === 16 && startsWithV4Prefix(ip)) return ip.slice(12)
  return undefined
}

/** Go's `dtoi`: decimal digits, at most 0xFFFFFF. */
const dtoi = (s: string, at: number): { readonly n: number; readonly end: number } | undefined => {
  let n = 0
  let i = at
  for (; i < s.length && s[i]! >= "0" && s[i]! <= "9"; i++) {
    n = n * 10 + (s.charCodeAt(i) - 48)
    if (n >= 0xffffff) return undefined
  }
  return i === at ? undefined : { n, end: i }
}

/** Go's `xtoi`: hexadecimal digits, at most 0xFFFFFF. */
const xtoi = (s: string, at: number): { readonly n: number; readonly end: number } | undefined => {
  let n = 0
  let i = at
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let d: number
    if (c >= 48 && c <= 57) d = c - 48
    else if (c >= 97 && c <= 102) d = c - 87
    else if (c >= 65 && c <= 70) d = c - 55
    else break
    n = n * 16 + d
    if (n >= 0xffffff) return undefined
  }
  return i === at ? undefined : { n, end: i }
}

/** Go 1.16's `parseIPv4` (leading zeros allowed): the 16-byte IPv4-in-IPv6 form. */
const parseIPv4 = (s: string): Ip | undefined => {
  const out = new Uint8Array(16)
  out.set(v4InV6Prefix, 0)
  let at = 0
  for (let i = 0; i < 4; i++) {
    if (at >= s.length) return undefined
    if (i > 0) {
      if (s[at] !== ".") return undefined
      at++
    }
    const r = dtoi(s, at)
    if (r === undefined || r.n > 0xff) return undefined
    out[12 + i] = r.n
    at = r.end
  }
  return at === s.length ? out : undefined
}

/** Go 1.16's `parseIPv6`. */
const parseIPv6 = (input: string): Ip | undefined => {
  const ip = new Uint8Array(16)
  let s = input
  let ellipsis = -1
  if (s.length >= 2 && s[0] === ":" && s[1] === ":") {
    ellipsis = 0
    s = s.slice(2)
    if (s.length === 0) return ip
  }
  let i = 0
  while (i < 16) {
    const r = xtoi(s, 0)
    if (r === undefined || r.n > 0xffff) return undefined
    if (r.end < s.length && s[r.end] === ".") {
      if (ellipsis < 0 && i !== 12) return undefined
      if (i + 4 > 16) return undefined
      const ip4 = parseIPv4(s)
      if (ip4 === undefined) return undefined
      ip.set(ip4.subarray(12), i)
      s = ""
      i += 4
      break
    }
    ip[i] = r.n >> 8
    ip[i + 1] = r.n & 0xff
    i += 2
    s = s.slice(r.end)
    if (s.length === 0) break
    if (s[0] !== ":" || s.length === 1) return undefined
    s = s.slice(1)
    if (s[0] === ":") {
      if (ellipsis >= 0) return undefined
      ellipsis = i
      s = s.slice(1)
      if (s.length === 0) break
    }
  }
  if (s.length !== 0) return undefined
  if (i < 16) {
    if (ellipsis < 0) return undefined
    const n = 16 - i
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0
  } else if (ellipsis >= 0) {
    return undefined
  }
  return ip
}

/**
 * Go's `net.CIDRMask(ones, bits)`; `undefined` (nil) when out of range.
 */
export const cidrMask = (ones: number, bits: number): Uint8Array | undefined => {
  if ((bits !== 32 && bits !== 128) || ones < 0 || ones > bits) return undefined
  const m = new Uint8Array(bits / 8)
  let n = ones
  for (let i = 0; i < m.length; i++) {
    if (n >= 8) {
      m[i] = 0xff
      n -= 8
    } else {
      m[i] = (0xff << (8 - n)) & 0xff
      n = 0
    }
  }
  return m
}

/**
 * Go's `IP.Mask`; `undefined` (nil) when the lengths do not fit.
 */
export const maskIp = (ip0: Ip | undefined, mask0: Uint8Array | undefined): Ip | undefined => {
  if (ip0 === undefined || mask0 === undefined) return undefined
  let ip = ip0
  let mask = mask0
  if (mask.length === 16 && ip.length === 4 && mask.subarray(0, 12).every((b) => b === 0xff)) mask = mask.subarray(12)
  if (mask.length === 4 && ip.length === 16 && startsWithV4Prefix(ip)) ip = ip.subarray(12)
  if (ip.length !== mask.length) return undefined
  const out = new Uint8Array(ip.length)
  for (let i = 0; i < ip.length; i++) out[i] = ip[i]! & mask[i]!
  return out
}

/**
 * Go's `simpleMaskLength`: the prefix length of a canonical mask, or -1.
 */
export const simpleMaskLength = (mask: Uint8Array): number => {
  let n = 0
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i]!
    if (v === 0xff) {
      n += 8
      continue
    }
    let y = v
    while ((y & 0x80) !== 0) {
      n++
      y = (y << 1) & 0xff
    }
    if (y !== 0) return -1
    for (let j = i + 1; j < mask.length; j++) if (mask[j] !== 0) return -1
    break
  }
  return n
}

/**
 * Go's `IPMask.Size`: `[ones, bits]`, `[0, 0]` for a non-canonical mask.
 */
export const maskSize = (mask: Uint8Array | undefined): readonly [number, number] => {
  if (mask === undefined) return [0, 0]
  const ones = simpleMaskLength(mask)
  return ones === -1 ? [0, 0] : [ones, mask.length * 8]
}

/**
 * Terraform's `ipaddr.ParseCIDR`: the network (address already masked), or `undefined`.
 */
export const parseCidr = (s: string): IpNet | undefined => {
  const slash = s.indexOf("/")
  if (slash < 0) return undefined
  const addr = s.slice(0, slash)
  const maskText = s.slice(slash + 1)
  let iplen = 4
  let ip = parseIPv4(addr)
  if (ip === undefined) {
    iplen = 16
    ip = parseIPv6(addr)
  }
  const n = dtoi(maskText, 0)
  if (ip === undefined || n === undefined || n.end !== maskText.length || n.n < 0 || n.n > 8 * iplen) return undefined
  const mask = cidrMask(n.n, 8 * iplen)!
  return { ip: maskIp(ip, mask), mask }
}

/**
 * An address as an unsigned integer and its width in bits (go-cidr's `ipToInt`).
 */
export const ipToInt = (ip: Ip): { readonly value: bigint; readonly bits: number } => {
  let value = 0n
  for (const b of ip) value = (value << 8n) | BigInt(b)
  return { value, bits: ip.length * 8 }
}

/**
 * go-cidr's `intToIP`: the low `bits` bits of a non-negative integer as an address.
 */
export const intToIp = (value: bigint, bits: number): Ip => {
  const out = new Uint8Array(bits / 8)
  let v = value
  for (let i = out.length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn)
    v >>= 8n
  }
  return out
}

const hex4 = (n: number): string => n.toString(16)

/**
 * Go's `IP.String`: dotted IPv4 (also for IPv4-mapped addresses), RFC 5952 IPv6.
 */
export const ipToString = (ip: Ip | undefined): string => {
  if (ip === undefined || ip.length === 0) return "<nil>"
  const p4 = to4(ip)
  if (p4 !== undefined) return `${p4[0]}.${p4[1]}.${p4[2]}.${p4[3]}`
  if (ip.length !== 16) return "?" + Buffer.from(ip).toString("hex")
  let e0 = -1
  let e1 = -1
  for (let i = 0; i < 16; i += 2) {
    let j = i
    while (j < 16 && ip[j] === 0 && ip[j + 1] === 0) j += 2
    if (j > i && j - i > e1 - e0) {
      e0 = i
      e1 = j
      i = j
    }
  }
  if (e1 - e0 <= 2) {
    e0 = -1
    e1 = -1
  }
  let out = ""
  for (let i = 0; i < 16; i += 2) {
    if (i === e0) {
      out += "::"
      i = e1
      if (i >= 16) break
    } else if (i > 0) {
      out += ":"
    }
    out += hex4((ip[i]! << 8) | ip[i + 1]!)
  }
  return out
}

/** Go's `networkNumberAndMask`. */
const networkNumberAndMask = (n: IpNet): { readonly ip: Ip; readonly mask: Uint8Array } | undefined => {
  let ip = to4(n.ip)
  if (ip === undefined) {
    ip = n.ip
    if (ip === undefined || ip.length !== 16) return undefined
  }
  let mask = n.mask
  if (mask === undefined) return undefined
  if (mask.length === 4) {
    if (ip.length !== 4) return undefined
  } else if (mask.length === 16) {
    if (ip.length === 4) mask = mask.subarray(12)
  } else {
    return undefined
  }
  return { ip, mask }
}

/**
 * Go's `IPNet.String`: `address/length`.
 */
export const ipNetToString = (n: IpNet): string => {
  const nm = networkNumberAndMask(n)
  if (nm === undefined) return "<nil>"
  const l = simpleMaskLength(nm.mask)
  if (l === -1) return ipToString(nm.ip) + "/" + Buffer.from(nm.mask).toString("hex")
  return ipToString(nm.ip) + "/" + String(l)
}

/**
 * Go's `IPNet.Contains`.
 */
export const contains = (n: IpNet, ip0: Ip | undefined): boolean => {
  const nm = networkNumberAndMask(n)
  if (nm === undefined || ip0 === undefined) return false
  const ip = to4(ip0) ?? ip0
  if (ip.length !== nm.ip.length) return false
  for (let i = 0; i < ip.length; i++) if ((nm.ip[i]! & nm.mask[i]!) !== (ip[i]! & nm.mask[i]!)) return false
  return true
}

/**
 * go-cidr's `insertNumIntoIP`: `num` shifted into the bits just after a prefix of `prefixLen`.
 */
export const insertNumIntoIp = (ip: Ip, num: bigint, prefixLen: number): Ip => {
  const { bits, value } = ipToInt(ip)
  // big.Int's Or is two's complement; intToIP then takes the magnitude's bytes
  const inserted = value | (num << BigInt(bits - prefixLen))
  return intToIp(inserted < 0n ? -inserted : inserted, bits)
}

/** Go's `IP.Equal`. */
const ipEqual = (a: Ip, b: Ip): boolean => {
  if (a.length === b.length) return a.every((x, i) => x === b[i])
  if (a.length === 4 && b.length === 16) return startsWithV4Prefix(b) && a.every((x, i) => x === b[12 + i])
  if (a.length === 16 && b.length === 4) return ipEqual(b, a)
  return false
}

const ipv4Zero = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0)
const ipv6Zero = new Uint8Array(16)

const step = (ip0: Ip, delta: 1 | -1): Ip => {
  const ip = (to4(ip0) ?? ip0).slice()
  for (let j = ip.length - 1; j >= 0; j--) {
    ip[j] = (ip[j]! + delta) & 0xff
    if (delta === 1 ? ip[j] !== 0 : ip[j] !== 0xff) break
  }
  return ip
}

/**
 * go-cidr's `AddressRange`: the first and last address of a network.
 */
export const addressRange = (n: IpNet): readonly [Ip, Ip] => {
  const first = n.ip ?? new Uint8Array(0)
  const [prefixLen, bits] = maskSize(n.mask)
  if (prefixLen === bits) return [first, first.slice()]
  const { bits: width, value } = ipToInt(first)
  const hostLen = BigInt(width - prefixLen)
  return [first, intToIp(((1n << hostLen) - 1n) | value, width)]
}

/**
 * go-cidr's `PreviousSubnet`: the subnet of `prefixLen` just below the network's first address.
 */
export const previousSubnet = (n: IpNet, prefixLen: number): IpNet => {
  const start = to4(n.ip) ?? n.ip ?? new Uint8Array(0)
  const mask = cidrMask(prefixLen, 8 * start.length)
  return { ip: maskIp(step(start, -1), mask), mask }
}

/**
 * go-cidr's `NextSubnet`: the next subnet of `prefixLen` after the network, and whether the
 * address space rolled over.
 */
export const nextSubnet = (n: IpNet, prefixLen: number): { readonly next: IpNet; readonly rollover: boolean } => {
  const [, currentLast] = addressRange(n)
  const mask = cidrMask(prefixLen, 8 * currentLast.length)
  const current: IpNet = { ip: maskIp(currentLast, mask), mask }
  const [, last0] = addressRange(current)
  const last = step(last0, 1)
  return {
    next: { ip: maskIp(last, mask), mask },
    rollover: ipEqual(last, ipv4Zero) || ipEqual(last, ipv6Zero)
  }
}
