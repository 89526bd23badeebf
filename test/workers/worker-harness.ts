import { env, exports } from 'cloudflare:workers'

/** What the tests inside workerd share: the Workers entry, its D1 binding, and the admin key the config sets. */

export const ADMIN = 'mk-workers-test-admin-key-0123456789abcdef'

export const bindings = env as unknown as { DB: D1Database; TEST_CALLBACK_RECEIVER_URL: string; TEST_OTLP_RECEIVER_URL: string }

export const worker = (exports as unknown as {
  default: { fetch(req: Request): Promise<Response>; scheduled(options?: { cron?: string }): Promise<unknown> }
}).default

/** A request to the Workers entry, with `key` as its bearer token when given. */
export function call(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const { key, ...rest } = init
  const headers = new Headers(rest.headers)
  if (key !== undefined) headers.set('authorization', `Bearer ${key}`)
  return worker.fetch(new Request(`http://gateway${path}`, { ...rest, headers }))
}

/** Issues a virtual key through the admin API. */
export async function createKey(name = 'workers'): Promise<{ id: string; key: string }> {
  const res = await call('/admin/keys', { method: 'POST', key: ADMIN, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) })
  if (res.status !== 201) throw new Error(`POST /admin/keys answered ${res.status}`)
  return (await res.json()) as { id: string; key: string }
}

/** A call's usage rows: written after the response (waitUntil), so D1 is polled a bounded number of times. */
export async function usageRows(requestId: string, tries = 400): Promise<Array<Record<string, unknown>>> {
  for (let i = 0; i < tries; i++) {
    const { results } = await bindings.DB.prepare('SELECT * FROM usage WHERE request_id = ?').bind(requestId).all()
    if (results.length > 0) return results
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return []
}
