import { Webhook } from 'standardwebhooks'
import { startMockUpstream, type MockUpstream } from './mock-upstream.js'

/** One delivery as the receiver saw it, for the tests inside workerd (they cannot read Node's memory). */
export interface ReceivedCallback {
  webhook_id: string | null
  /** Whether the standardwebhooks package accepted the signature. */
  verified: boolean
  /** What the receiver answered. */
  status: number
  payload: unknown
}

function singleValued(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') out[name] = value
  return out
}

/**
 * A callback receiver on loopback for the Workers tests. It verifies each delivery here, in Node, with the
 * `standardwebhooks` package, and tells workerd what it saw:
 * - `POST /hooks/{tag}` answers 204; `POST /hooks/{tag}?fail=N` answers 500 to that tag's first N deliveries.
 * - `GET /received/{tag}` lists the deliveries of that tag, in order.
 */
export async function startWorkersCallbackReceiver(secret: string): Promise<MockUpstream> {
  const webhook = new Webhook(secret)
  const byTag = new Map<string, ReceivedCallback[]>()
  return startMockUpstream((req) => {
    const url = new URL(req.path, 'http://receiver')
    const [, area, tag] = url.pathname.split('/')
    if (req.method === 'GET' && area === 'received' && tag) return { json: byTag.get(tag) ?? [] }
    if (req.method !== 'POST' || area !== 'hooks' || !tag) return { status: 404, json: { error: 'unknown path' } }
    const seen = byTag.get(tag) ?? []
    byTag.set(tag, seen)
    const headers = singleValued(req.headers)
    let verified = true
    try {
      webhook.verify(req.rawBody, headers)
    } catch {
      verified = false
    }
    const status = seen.length < Number(url.searchParams.get('fail') ?? 0) ? 500 : 204
    seen.push({ webhook_id: headers['webhook-id'] ?? null, verified, status, payload: req.body })
    return { status }
  })
}
