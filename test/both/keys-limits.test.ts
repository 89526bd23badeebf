import { describe, expect, it } from 'vitest'
import { gateway } from './harness.js'

interface ErrorBody { error: { type: string; code: string } }

const chat = (key: string, model = 'openai/gpt-4o-mini', extra: Record<string, unknown> = {}) => gateway.call('/v1/chat/completions', {
  method: 'POST', key, headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello' }], ...extra }),
})

const admin = (path: string, method: string, body?: unknown) => gateway.call(path, {
  method, key: gateway.adminKey, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
})

async function refusal(res: Response): Promise<[number, string, string]> {
  const body = (await res.json()) as ErrorBody
  return [res.status, body.error.type, body.error.code]
}

describe(`virtual keys (${gateway.runtime})`, () => {
  it('creates a key that works at once and reads back without its secret', async () => {
    const res = await admin('/admin/keys', 'POST', { name: 'created', team: 'search', rpm: 100 })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { id: string; key: string }
    expect(created.key).toMatch(/^mk-/)
    const read = await admin(`/admin/keys/${created.id}`, 'GET')
    expect(read.status).toBe(200)
    const shown = (await read.json()) as Record<string, unknown>
    expect(shown).toMatchObject({ id: created.id, name: 'created', team: 'search', rpm: 100 })
    expect(JSON.stringify(shown)).not.toContain(created.key)
    expect((await chat(created.key)).status).toBe(200)
  })

  it('keeps a key to its models: another model is refused with 403 before any upstream call', async () => {
    const { key } = await gateway.createKey({ name: 'scoped', models: ['openai/*'] })
    expect((await chat(key)).status).toBe(200)
    const tag = `scoped-${crypto.randomUUID()}`
    expect(await refusal(await chat(key, 'anthropic/claude-haiku-4-5', { messages: [{ role: 'user', content: tag }] })))
      .toEqual([403, 'permission_error', 'model_not_allowed'])
    expect((await gateway.upstreamSeen(tag, () => true)).requests).toBe(0)
  })

  it('rotates a key: the old secret is refused, the new one works', async () => {
    const { id, key } = await gateway.createKey({ name: 'rotated' })
    expect((await chat(key)).status).toBe(200)
    const rotation = await admin(`/admin/keys/${id}/rotate`, 'POST')
    expect(rotation.status).toBe(200)
    const { key: next } = (await rotation.json()) as { key: string }
    expect(next).not.toBe(key)
    expect(await refusal(await chat(key))).toEqual([401, 'invalid_request_error', 'invalid_api_key'])
    expect((await chat(next)).status).toBe(200)
  })

  it('revokes a key: refused at once with key_revoked', async () => {
    const { id, key } = await gateway.createKey({ name: 'revoked' })
    expect((await chat(key)).status).toBe(200)
    expect((await admin(`/admin/keys/${id}`, 'DELETE')).status).toBe(200)
    expect(await refusal(await chat(key))).toEqual([401, 'invalid_request_error', 'key_revoked'])
  })
})

describe(`limits and budgets (${gateway.runtime})`, () => {
  it('rpm 3 lets three calls through and answers the fourth 429', async () => {
    const { key } = await gateway.createKey({ name: 'rpm', rpm: 3 })
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await chat(key)).status)
    expect(statuses).toEqual([200, 200, 200])
    const fourth = await chat(key)
    expect(fourth.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await refusal(fourth)).toEqual([429, 'rate_limit_error', 'rate_limit_exceeded'])
  })

  it('a $0.001 budget admits calls while their worst case fits, then answers 429 insufficient_quota', async () => {
    // gpt-4o-mini: $0.15/M input, $0.60/M output. With max_tokens 400 a call holds its worst case
    // ($0.00024045); it really costs 16 + 363 tokens (the recording) = $0.0002202.
    const { id, key } = await gateway.createKey({ name: 'budget', budget_usd: 0.001, budget_period: 'total' })
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await chat(key, 'openai/gpt-4o-mini', { max_tokens: 400 })).status)
    expect(statuses).toEqual([200, 200, 200, 200])
    expect(await refusal(await chat(key, 'openai/gpt-4o-mini', { max_tokens: 400 }))).toEqual([429, 'insufficient_quota', 'insufficient_quota'])
    const rows = await gateway.keyUsageRows(id, 4)
    expect(rows.map((row) => row.cost_pico_usd)).toEqual([220_200_000, 220_200_000, 220_200_000, 220_200_000])
  })
})
