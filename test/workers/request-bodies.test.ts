import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { MAX_STORED_BODY_CHARS } from '../../src/metering/request-bodies.js'
import { createWorker, type WorkerBindings } from '../../src/worker.js'
import { ADMIN, bindings } from './worker-harness.js'

/** An isolate of a deployment that turned body storage on (request_bodies.store, issue 15). */
const storing = { ...(env as unknown as WorkerBindings), MANIFOLD_STORE_BODIES: '1' } as WorkerBindings

async function send(path: string, init: RequestInit & { key: string }): Promise<Response> {
  const { key, ...rest } = init
  const headers = new Headers(rest.headers)
  headers.set('authorization', `Bearer ${key}`)
  headers.set('content-type', 'application/json')
  const ctx = createExecutionContext()
  const res = await isolate.fetch(new Request(`http://gateway${path}`, { ...rest, headers }), storing, ctx)
  const copy = new Response(await res.arrayBuffer(), res)
  await waitOnExecutionContext(ctx)
  return copy
}

const isolate = createWorker()

describe('request bodies on workerd', () => {
  it('stores a streamed call\'s bodies after its last byte (waitUntil), redacted, and shows them in the detail', async () => {
    const res = await send('/v1/chat/completions', {
      method: 'POST', key: ADMIN, headers: { 'x-request-id': 'wk-bodies-1' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `the admin key is ${ADMIN}` }] }),
    })
    expect(res.status).toBe(200)
    const streamed = await res.text()
    expect(streamed).toContain('data: [DONE]')

    const row = await bindings.DB.prepare('SELECT request, response FROM request_bodies WHERE request_id = ?').bind('wk-bodies-1').first<{ request: string; response: string }>()
    expect(JSON.parse(row!.request)).toEqual({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'the admin key is [redacted]' }] })
    expect(JSON.stringify(row)).not.toContain(ADMIN)

    const detail = (await (await send('/admin/requests/wk-bodies-1', { key: ADMIN })).json()) as { bodies: { response: unknown } }
    // The recorded stream is longer than the cap: its first part is kept, and its length.
    expect(detail.bodies.response).toEqual({ truncated: true, length: streamed.length, text: streamed.slice(0, MAX_STORED_BODY_CHARS) })
  })
})
