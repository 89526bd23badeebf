import { env, exports } from 'cloudflare:workers'
import { createKeyThrough } from '../both/common.js'
import { BOTH_ADMIN_KEY } from '../both/config.js'

/** What the tests inside workerd share: the Workers entry, its D1 binding, and the admin key the config sets (test/both/config.ts). */

export const ADMIN = BOTH_ADMIN_KEY

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
export function createKey(name = 'workers'): Promise<{ id: string; key: string }> {
  return createKeyThrough(call, ADMIN, { name })
}
