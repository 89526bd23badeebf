import { refusedAddressReason } from './ip-ranges.js'

/**
 * SSRF checks for callback URLs: the gateway POSTs to whatever a caller names, so a caller must not be able
 * to name the gateway's own network. Checked at submission and again before every delivery (the name may
 * have been re-pointed since: DNS rebinding).
 */

/** Resolves a host name to its IP addresses (Node: node:dns, injected from src/node.ts). */
export type HostResolver = (hostname: string) => Promise<string[]>

export interface UrlCheckOptions {
  /** MANIFOLD_CALLBACK_ALLOW: `host` or `host:port` entries that may be plain http and private. */
  allow: readonly string[]
  /**
   * Without a resolver (Workers), names are checked by their text only; Workers' fetch reaches the public
   * internet alone, so a name cannot lead into a private network there.
   */
  resolve?: HostResolver
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string }

/** Names that mean the machine itself or a cloud metadata service, whatever a resolver says. */
const refusedNames = ['localhost', 'metadata', 'metadata.google.internal', 'instance-data', 'instance-data.ec2.internal']

const refuse = (reason: string): UrlCheck => ({ ok: false, reason })

function effectivePort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '')
}

/** Whether MANIFOLD_CALLBACK_ALLOW lists this URL's host (any port) or host:port. Entries are normalised by the URL parser too. */
export function isAllowListed(url: URL, allow: readonly string[]): boolean {
  for (const entry of allow) {
    let parsed: URL
    try {
      parsed = new URL(`http://${entry}`)
    } catch {
      continue
    }
    if (parsed.hostname !== url.hostname) continue
    const hasPort = /:\d+$/.test(entry) && !/^\[[^\]]*\]$/.test(entry)
    if (!hasPort || (parsed.port || '80') === effectivePort(url)) return true
  }
  return false
}

function nameReason(hostname: string): string | undefined {
  const name = hostname.replace(/\.$/, '').toLowerCase()
  if (refusedNames.includes(name) || name.endsWith('.localhost')) return `the host ${hostname} is the gateway's own machine or a metadata service`
  if (!name.includes('.')) return `the host ${hostname} is not a public domain name`
  return undefined
}

/** Checks a callback URL; `reason` says, for the caller, why it is refused. */
export async function checkCallbackUrl(raw: string, options: UrlCheckOptions): Promise<UrlCheck> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return refuse('it is not a valid absolute URL')
  }
  if (url.username !== '' || url.password !== '') return refuse('it contains credentials (user:password@)')
  const allowed = isAllowListed(url, options.allow)
  if (url.protocol !== 'https:' && !(allowed && url.protocol === 'http:')) return refuse('only https URLs are accepted')
  if (allowed) return { ok: true, url }

  const literal = refusedAddressReason(url.hostname)
  if (literal !== 'not-ip') return literal === undefined ? { ok: true, url } : refuse(`the host ${url.hostname} is ${literal}`)

  const byName = nameReason(url.hostname)
  if (byName) return refuse(byName)
  if (!options.resolve) return { ok: true, url }

  let addresses: string[]
  try {
    addresses = await options.resolve(url.hostname)
  } catch {
    addresses = []
  }
  if (addresses.length === 0) return refuse(`the host ${url.hostname} does not resolve`)
  for (const address of addresses) {
    const reason = refusedAddressReason(address)
    if (reason === 'not-ip') return refuse(`the host ${url.hostname} resolves to an unreadable address`)
    if (reason !== undefined) return refuse(`the host ${url.hostname} resolves to ${address}, ${reason}`)
  }
  return { ok: true, url }
}
