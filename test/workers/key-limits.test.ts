import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { createWorker, type WorkerBindings } from '../../src/worker.js'
import { ADMIN, bindings } from './worker-harness.js'

/**
 * Two isolates: two Workers entries, each with its own deps graph (key cache, usage recorder, in-memory
 * state), sharing one D1 database and one Durable Object namespace, as two isolates of a deployment do.
 */
type Isolate = ReturnType<typeof createWorker>

async function send(isolate: Isolate, path: string, init: RequestInit & { key?: string } = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const { key, ...rest } = init
  const headers = new Headers(rest.headers)
  if (key !== undefined) headers.set('authorization', `Bearer ${key}`)
  if (rest.body !== undefined) headers.set('content-type', 'application/json')
  const ctx = createExecutionContext()
  const res = await isolate.fetch(new Request(`http://gateway${path}`, { ...rest, headers }), env as unknown as WorkerBindings, ctx)
  const text = await res.text()
  await waitOnExecutionContext(ctx)
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers }
}

const chat = (isolate: Isolate, key: string, extra: Record<string, unknown> = {}) => send(isolate, '/v1/chat/completions', {
  method: 'POST', key, body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], ...extra }),
})

async function createKey(isolate: Isolate, fields: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const res = await send(isolate, '/admin/keys', { method: 'POST', key: ADMIN, body: JSON.stringify({ name: 'limits', ...fields }) })
  expect(res.status).toBe(201)
  return res.body as { id: string; key: string }
}

const errorCode = (body: unknown) => (body as { error: { code: string } }).error.code

async function spentPico(keyId: string): Promise<number> {
  const row = await bindings.DB.prepare('SELECT COALESCE(SUM(cost_pico_usd), 0) AS spent FROM usage WHERE key_id = ?').bind(keyId).first<{ spent: number }>()
  return row!.spent
}

// gpt-4o-mini: $0.15/M input, $0.60/M output. With max_tokens 400 a call holds its worst case, 3 prompt
// tokens + 400 output = $0.00024045; it really costs 16 + 363 tokens (the recording) = $0.0002202.
const capped = { max_tokens: 400 }
const BUDGET_PICO = 1_000_000_000 // $0.001

describe('limits exact across isolates (one Durable Object per key)', () => {
  it('rpm 5 lets exactly 5 calls through across two isolates', async () => {
    const a = createWorker()
    const b = createWorker()
    const { key } = await createKey(a, { rpm: 5 })
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) statuses.push((await chat(i % 2 === 0 ? a : b, key)).status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(5)
    expect(statuses.slice(5)).toEqual([429, 429, 429, 429, 429])
  })

  it('a budget exhausted on one isolate refuses on the other at once', async () => {
    const a = createWorker()
    const b = createWorker()
    const { id, key } = await createKey(a, { budget_usd: 0.001, budget_period: 'total' })
    // b has seen the key and its spend: an isolate alone would keep admitting from what it counted.
    expect((await chat(b, key, capped)).status).toBe(200)
    const onA: number[] = []
    for (let i = 0; i < 6; i++) onA.push((await chat(a, key, capped)).status)
    expect(onA).toEqual([200, 200, 200, 429, 429, 429])
    const onB = await chat(b, key, capped)
    expect(onB.status).toBe(429)
    expect(errorCode(onB.body)).toBe('insufficient_quota')
    expect(await spentPico(id)).toBe(4 * 220_200_000)
  })

  it('a key revoked through one isolate is refused on the other at once; so is a rotated secret', async () => {
    const a = createWorker()
    const b = createWorker()
    const revoked = await createKey(a, { rpm: 100 })
    const rotated = await createKey(a, { rpm: 100 })
    // b caches both keys (its key cache keeps a lookup for 5 s).
    expect((await chat(b, revoked.key)).status).toBe(200)
    expect((await chat(b, rotated.key)).status).toBe(200)

    expect((await send(a, `/admin/keys/${revoked.id}`, { method: 'DELETE', key: ADMIN })).status).toBe(200)
    const afterRevoke = await chat(b, revoked.key)
    expect(afterRevoke.status).toBe(401)
    expect(errorCode(afterRevoke.body)).toBe('key_revoked')

    const rotation = await send(a, `/admin/keys/${rotated.id}/rotate`, { method: 'POST', key: ADMIN })
    expect(rotation.status).toBe(200)
    const oldSecret = await chat(b, rotated.key)
    expect(oldSecret.status).toBe(401)
    expect(errorCode(oldSecret.body)).toBe('invalid_api_key')
    expect((await chat(b, (rotation.body as { key: string }).key)).status).toBe(200)
  })

  it('a limit lowered through one isolate applies on the other at once', async () => {
    const a = createWorker()
    const b = createWorker()
    const { id, key } = await createKey(a, { rpm: 100 })
    expect((await chat(b, key)).status).toBe(200)
    expect((await send(a, `/admin/keys/${id}`, { method: 'PATCH', key: ADMIN, body: JSON.stringify({ rpm: 1 }) })).status).toBe(200)
    const res = await chat(b, key)
    expect(res.status).toBe(429)
    expect(errorCode(res.body)).toBe('rate_limit_exceeded')
  })

  it('20 simultaneous calls on a $0.001 key over two isolates never spend more than the budget', async () => {
    const a = createWorker()
    const b = createWorker()
    const { id, key } = await createKey(a, { budget_usd: 0.001, budget_period: 'total' })
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => chat(i % 2 === 0 ? a : b, key, capped)))
    const statuses = results.map((r) => r.status)
    // Four worst cases fit in $0.001 (4 × $0.00024045), and four real costs (4 × $0.0002202) leave less than a fifth.
    expect(statuses.filter((s) => s === 200)).toHaveLength(4)
    expect(statuses.filter((s) => s === 429)).toHaveLength(16)
    expect(results.filter((r) => r.status === 429).every((r) => errorCode(r.body) === 'insufficient_quota')).toBe(true)
    const spent = await spentPico(id)
    expect(spent).toBe(4 * 220_200_000)
    expect(spent).toBeLessThanOrEqual(BUDGET_PICO)
  })
})
