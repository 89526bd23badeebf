import ipaddr from 'ipaddr.js'

/**
 * Which IP addresses a callback may never reach: everything that is not ordinary public unicast. The range
 * table is ipaddr.js's (IANA's special-purpose registries), not a hand-kept list; this file only decides what
 * to say about each range and looks inside the IPv6 forms that carry an IPv4 address.
 */

const v4Reasons: Readonly<Record<string, string>> = {
  unspecified: 'an unspecified ("this network") address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local or cloud metadata address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT address',
  private: 'a private address',
  reserved: 'a reserved address',
}

const v6Reasons: Readonly<Record<string, string>> = {
  unspecified: 'an unspecified address',
  linkLocal: 'a link-local address',
  multicast: 'a multicast address',
  loopback: 'a loopback address',
  uniqueLocal: 'a unique-local (private) address',
  deprecatedSiteLocal: 'a site-local address',
  discard: 'a discard-only address',
  teredo: 'a Teredo tunnelling address',
  reserved: 'a reserved address',
}

/** The IPv6 ranges whose last 32 bits are an IPv4 address that the packet ends up at. */
const v4CarryingRanges = new Set(['ipv4Mapped', 'rfc6145', 'rfc6052'])

/** 64:ff9b:1::/48 is for local NAT64 deployments (RFC 8215): never a public destination, whatever it carries. */
const localUseNat64 = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48')

function v4Reason(address: ipaddr.IPv4): string | undefined {
  const range = address.range()
  if (range === 'unicast') return undefined
  return v4Reasons[range] ?? `a special-purpose address (${range})`
}

function lastV4(address: ipaddr.IPv6): ipaddr.IPv4 {
  return new ipaddr.IPv4(address.toByteArray().slice(12))
}

function sixToFourV4(address: ipaddr.IPv6): ipaddr.IPv4 {
  return new ipaddr.IPv4(address.toByteArray().slice(2, 6))
}

function v6Reason(address: ipaddr.IPv6): string | undefined {
  const range = address.range()
  if (v4CarryingRanges.has(range)) {
    const inner = v4Reason(lastV4(address))
    if (inner !== undefined) return inner
    return address.match(localUseNat64) ? 'a local-use NAT64 address' : undefined
  }
  if (range === '6to4') return v4Reason(sixToFourV4(address))
  if (range !== 'unicast') return v6Reasons[range] ?? `a special-purpose address (${range})`
  // ::a.b.c.d (IPv4-compatible, deprecated by RFC 4291): ipaddr.js calls it unicast, but no public host lives there.
  const bytes = address.toByteArray()
  if (bytes.slice(0, 12).every((byte) => byte === 0)) return v4Reason(lastV4(address)) ?? 'a reserved address'
  return undefined
}

/** Why a callback may not reach this IP literal, or undefined when it is public; 'not-ip' for a name. */
export function refusedAddressReason(text: string): string | undefined | 'not-ip' {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  if (!ipaddr.isValid(bare)) return 'not-ip'
  const address = ipaddr.parse(bare)
  return address instanceof ipaddr.IPv4 ? v4Reason(address) : v6Reason(address)
}
