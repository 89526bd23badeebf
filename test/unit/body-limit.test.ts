import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../src/app-env.js'
import { bodyLimit } from '../../src/middleware/body-limit.js'

function app(maxSize: number): Hono<AppEnv> {
  const a = new Hono<AppEnv>()
  a.use('*', bodyLimit({ maxSize, onError: (c) => c.json({ error: 'too large' }, 413) }))
  a.post('/echo', async (c) => c.text(await c.req.text()))
  a.get('/echo', (c) => c.text('get'))
  return a
}

const chunked = (text: string) => new ReadableStream<Uint8Array>({
  start(controller) {
    for (const part of text.match(/.{1,4}/g) ?? []) controller.enqueue(new TextEncoder().encode(part))
    controller.close()
  },
})

describe('bodyLimit', () => {
  it('checks a declared Content-Length from the header alone', async () => {
    const over = await app(10).request('/echo', { method: 'POST', headers: { 'content-length': '11' }, body: '01234567890' })
    expect(over.status).toBe(413)
    expect(await over.json()).toEqual({ error: 'too large' })
    const within = await app(10).request('/echo', { method: 'POST', headers: { 'content-length': '10' }, body: '0123456789' })
    expect(within.status).toBe(200)
    expect(await within.text()).toBe('0123456789')
  })

  it('counts a body sent without a length as it is read', async () => {
    const over = await app(10).request('/echo', { method: 'POST', body: chunked('0123456789ab'), duplex: 'half' } as RequestInit)
    expect(over.status).toBe(413)
    const within = await app(10).request('/echo', { method: 'POST', body: chunked('01234567'), duplex: 'half' } as RequestInit)
    expect(await within.text()).toBe('01234567')
  })

  it('lets a GET through', async () => {
    expect(await (await app(1).request('/echo')).text()).toBe('get')
  })
})
