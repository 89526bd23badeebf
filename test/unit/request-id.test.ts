import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { AppEnv } from '../../src/app-env.js'
import { requestId } from '../../src/middleware/request-id.js'

describe('request ids', () => {
  it('mints ids that sort by time, unique within a millisecond, and keeps a client\'s own', async () => {
    let now = Date.UTC(2026, 11, 4, 12)
    const app = new Hono<AppEnv>()
    app.use('*', requestId({ now: () => now }))
    app.get('/', (c) => c.text(c.get('requestId')))
    const mint = async () => (await app.request('/')).headers.get('x-request-id')!

    const sameMs = await Promise.all(Array.from({ length: 300 }, mint))
    expect(new Set(sameMs).size).toBe(300)
    for (const id of sameMs) expect(id).toMatch(/^req_[0-9a-z]{8}[A-Za-z0-9_-]{12}$/)
    now += 1
    const later = await mint()
    expect(sameMs.every((id) => id < later)).toBe(true)
    now = Date.UTC(2059, 0, 1)
    expect(await mint() > later).toBe(true)

    const kept = await app.request('/', { headers: { 'x-request-id': 'client-abc_123' } })
    expect(await kept.text()).toBe('client-abc_123')
  })
})
