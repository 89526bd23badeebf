/**
 * Which IP addresses a callback may never reach: everything that is not ordinary public unicast. The URL
 * parser has already normalised decimal, hex, octal and short IPv4 forms to dotted quads, and IPv6 to its
 * compressed hex form, so only canonical text reaches these functions (resolver answers included).
 */

/** [first address as a 32-bit number, prefix length, why it is refused] */
const blockedV4: ReadonlyArray<readonly [number, number, string]> = [
  [ipv4(0, 0, 0, 0), 8, 'an unspecified ("this network") address'],
  [ipv4(10, 0, 0, 0), 8, 'a private address'],
  [ipv4(100, 64, 0, 0), 10, 'a carrier-grade NAT address'],
  [ipv4(127, 0, 0, 0), 8, 'a loopback address'],
  [ipv4(169, 254, 0, 0), 16, 'a link-local or cloud metadata address'],
  [ipv4(172, 16, 0, 0), 12, 'a private address'],
  [ipv4(192, 0, 0, 0), 24, 'a reserved address'],
  [ipv4(192, 0, 2, 0), 24, 'a documentation address'],
  [ipv4(192, 88, 99, 0), 24, 'a reserved relay address'],
  [ipv4(192, 168, 0, 0), 16, 'a private address'],
  [ipv4(198, 18, 0, 0), 15, 'a benchmarking address'],
  [ipv4(198, 51, 100, 0), 24, 'a documentation address'],
  [ipv4(203, 0, 113, 0), 24, 'a documentation address'],
  [ipv4(224, 0, 0, 0), 4, 'a multicast address'],
  [ipv4(240, 0, 0, 0), 4, 'a reserved or broadcast address'],
]

function ipv4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0
}

function inPrefix(value: number, base: number, bits: number): boolean {
  if (bits === 0) return true
  const mask = bits === 32 ? 0xffffffff : (~0 << (32 - bits)) >>> 0
  return ((value & mask) >>> 0) === ((base & mask) >>> 0)
}

/** Dotted quad → 32-bit number; undefined for anything else. */
export function parseIPv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4) return undefined
  let value = 0
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined
    const octet = Number(part)
    if (octet > 255) return undefined
    value = value * 256 + octet
  }
  return value
}

/** IPv6 text (brackets allowed, `::` and a dotted IPv4 tail allowed) → eight 16-bit groups. */
export function parseIPv6(text: string): number[] | undefined {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  const zone = s.indexOf('%')
  if (zone >= 0) s = s.slice(0, zone)
  if (!s.includes(':')) return undefined
  const lastColon = s.lastIndexOf(':')
  const last = s.slice(lastColon + 1)
  if (last.includes('.')) {
    // A dotted IPv4 tail (::ffff:127.0.0.1) becomes its two hex groups before the usual parse.
    const v4 = parseIPv4(last)
    if (v4 === undefined) return undefined
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`
  }
  const halves = s.split('::')
  if (halves.length > 2) return undefined
  const toGroups = (part: string) => (part === '' ? [] : part.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)))
  const head = toGroups(halves[0]!)
  const rest = halves.length === 2 ? toGroups(halves[1]!) : []
  const explicit = head.length + rest.length
  if (halves.length === 1 && explicit !== 8) return undefined
  if (halves.length === 2 && explicit > 7) return undefined
  const groups = [...head, ...new Array<number>(8 - explicit).fill(0), ...rest]
  if (groups.some((g) => Number.isNaN(g))) return undefined
  return groups
}

function v4Reason(value: number): string | undefined {
  for (const [base, bits, reason] of blockedV4) if (inPrefix(value, base, bits)) return reason
  return undefined
}

function embeddedV4(groups: number[], at: number): number {
  return ((groups[at]! << 16) >>> 0) + groups[at + 1]!
}

function v6Reason(g: number[]): string | undefined {
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (g.every((x) => x === 0)) return 'an unspecified address'
  if (zeroUpTo(7) && g[7] === 1) return 'a loopback address'
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64): the IPv4 inside decides.
  if (zeroUpTo(5) && g[5] === 0xffff) return v4Reason(embeddedV4(g, 6))
  if (zeroUpTo(6)) return v4Reason(embeddedV4(g, 6)) ?? 'a reserved address'
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return v4Reason(embeddedV4(g, 6))
  if (g[0] === 0x2002) return v4Reason(embeddedV4(g, 1)) // 6to4
  if (g[0] === 0x2001 && g[1] === 0) return 'a Teredo tunnelling address'
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'a documentation address'
  if (g[0] === 0x100 && g.slice(1, 4).every((x) => x === 0)) return 'a discard-only address'
  if ((g[0]! & 0xfe00) === 0xfc00) return 'a unique-local (private) address'
  if ((g[0]! & 0xffc0) === 0xfe80) return 'a link-local address'
  if ((g[0]! & 0xffc0) === 0xfec0) return 'a site-local address'
  if ((g[0]! & 0xff00) === 0xff00) return 'a multicast address'
  return undefined
}

/** Why a callback may not reach this IP literal, or undefined when it is public; 'not-ip' for a name. */
export function refusedAddressReason(address: string): string | undefined | 'not-ip' {
  const v4 = parseIPv4(address)
  if (v4 !== undefined) return v4Reason(v4)
  const v6 = parseIPv6(address)
  if (v6 !== undefined) return v6Reason(v6)
  return 'not-ip'
}
