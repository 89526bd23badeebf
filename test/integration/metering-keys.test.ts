import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'

const fullKey = {
  name: 'billing service', team: 'payments', models: ['openai/*'], prompts: ['summarize'], budget_usd: 25.5,
  budget_period: 'weekly', rpm: 60, tpm: 100_000, max_parallel: 4, route_header: 'deny', expires_at: '2027-01-01T00:00:00Z',
  metadata: { owner: 'ana', ticket: 42 }, webhook_secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
}

describe('keys in full: POST/GET/PATCH/rotate/DELETE /admin/keys', () => {
  let m: MeteredGateway
  beforeEach(async () => {
    m = await startMeteredGateway()
  })
  afterEach(async () => {
    await m.close()
  })

  async function create(body: Record<string, unknown>) {
    const res = await m.admin('POST', '/admin/keys', body)
    return { status: res.status, body: await res.json() as Record<string, unknown> }
  }

  it('creates a key with every field and shows it without secrets', async () => {
    const { status, body } = await create(fullKey)
    expect(status).toBe(201)
    const { id, key, prefix, ...rest } = body
    expect(id).toMatch(/^key_/)
    expect(key).toMatch(/^mk-/)
    expect(prefix).toBe(`${(key as string).slice(0, 7)}…`)
    expect(rest).toEqual({
      object: 'api_key', name: 'billing service', team: 'payments', role: 'member', models: ['openai/*'], prompts: ['summarize'],
      budget_usd: 25.5, budget_period: 'weekly', rpm: 60, tpm: 100000, max_parallel: 4, route_header: 'deny', expires_at: '2027-01-01T00:00:00.000Z',
      metadata: { owner: 'ana', ticket: 42 }, has_webhook_secret: true,
      created_at: '2026-07-24T12:00:00.000Z', updated_at: '2026-07-24T12:00:00.000Z', revoked_at: null,
    })

    const shown = await (await m.admin('GET', `/admin/keys/${id}`)).json() as Record<string, unknown>
    expect(shown.spend).toEqual({ period: 'weekly', period_start: '2026-07-20T00:00:00.000Z', resets_at: '2026-07-27T00:00:00.000Z', spent_usd: 0, remaining_usd: 25.5 })
    expect(JSON.stringify(shown)).not.toContain(key as string)
    expect(JSON.stringify(shown)).not.toContain('whsec_')

    const list = await (await m.admin('GET', '/admin/keys')).json() as { data: Array<Record<string, unknown>> }
    expect(list.data.map((k) => k.id)).toEqual([id])
    expect(JSON.stringify(list)).not.toContain(key as string)
  })

  it.each([
    [{ name: '' }, 'name'],
    [{ name: 'k', rpm: 0 }, 'rpm'],
    [{ name: 'k', tpm: 1.5 }, 'tpm'],
    [{ name: 'k', max_parallel: -1 }, 'max_parallel'],
    [{ name: 'k', budget_usd: -1 }, 'budget_usd'],
    [{ name: 'k', budget_period: 'yearly' }, 'budget_period'],
    [{ name: 'k', expires_at: 'next tuesday' }, 'expires_at'],
    [{ name: 'k', expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
    [{ name: 'k', models: 'openai/*' }, 'models'],
    [{ name: 'k', models: [''] }, 'models[0]'],
    [{ name: 'k', metadata: [1, 2] }, 'metadata'],
    [{ name: 'k', webhook_secret: 'hunter2' }, 'webhook_secret'],
    [{ name: 'k', route_header: 'sometimes' }, 'route_header'],
    [{ name: 'k', route_header: null }, 'route_header'],
    [{ name: 'k', key_hash: 'abc' }, 'key_hash'],
    [{ name: 'k', revoked_at: null }, 'revoked_at'],
  ])('refuses %j with 400 naming %s', async (body, field) => {
    const { status, body: error } = await create(body)
    expect(status).toBe(400)
    expect((error as { error: { param: string; type: string; code: string } }).error).toMatchObject({ param: field, type: 'invalid_request_error', code: 'invalid_key_field' })
    expect((error as { error: { message: string } }).error.message).toContain(`'${field}'`)
  })

  it('updates fields with PATCH; a budget without a period is monthly; null clears a field', async () => {
    const { body } = await create({ name: 'k', rpm: 5 })
    const res = await m.admin('PATCH', `/admin/keys/${body.id as string}`, { name: 'renamed', budget_usd: 0.01, rpm: null, metadata: { a: 1 } })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ name: 'renamed', budget_usd: 0.01, budget_period: 'monthly', rpm: null, metadata: { a: 1 } })
    expect((await m.admin('PATCH', '/admin/keys/key_nope', { name: 'x' })).status).toBe(404)
  })

  it('rotate: same id, new secret; the old secret stops at once', async () => {
    const { body } = await create({ name: 'k' })
    const oldSecret = body.key as string
    expect((await m.chat(oldSecret)).status).toBe(200)
    const rotated = await (await m.admin('POST', `/admin/keys/${body.id as string}/rotate`)).json() as Record<string, unknown>
    expect(rotated.id).toBe(body.id)
    expect(rotated.key).not.toBe(oldSecret)
    const refused = await m.chat(oldSecret)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } })
    expect((await m.chat(rotated.key as string)).status).toBe(200)
  })

  it('revoke: the key is refused at once, and revocation is final (no PATCH, no rotate)', async () => {
    const { body } = await create({ name: 'k' })
    const id = body.id as string
    expect((await m.chat(body.key as string)).status).toBe(200)
    const revoked = await (await m.admin('DELETE', `/admin/keys/${id}`)).json() as Record<string, unknown>
    expect(revoked.revoked_at).toBe('2026-07-24T12:00:00.000Z')
    const refused = await m.chat(body.key as string)
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('key_revoked')
    for (const res of [await m.admin('PATCH', `/admin/keys/${id}`, { name: 'back' }), await m.admin('POST', `/admin/keys/${id}/rotate`)]) {
      expect(res.status).toBe(409)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('key_revoked')
    }
  })

  it('an expired key is refused', async () => {
    const { body } = await create({ name: 'k', expires_at: '2026-07-24T13:00:00Z' })
    expect((await m.chat(body.key as string)).status).toBe(200)
    m.clock.set(Date.UTC(2026, 6, 24, 13))
    m.gw.deps.keyCache.clear()
    const res = await m.chat(body.key as string)
    expect(res.status).toBe(401)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('key_expired')
  })

  describe('scope escalation is refused', () => {
    it('a client key cannot reach /admin at all: not to create, widen, rotate or read keys, nor usage', async () => {
      const { body } = await create({ name: 'narrow', models: ['openai/gpt-4.1-nano'], rpm: 1 })
      const clientKey = body.key as string
      const id = body.id as string
      const attempts: Array<[string, string, unknown]> = [
        ['POST', '/admin/keys', { name: 'wide' }],
        ['PATCH', `/admin/keys/${id}`, { models: null, rpm: null }],
        ['POST', `/admin/keys/${id}/rotate`, undefined],
        ['DELETE', `/admin/keys/${id}`, undefined],
        ['GET', '/admin/keys', undefined],
        ['GET', '/admin/usage', undefined],
        ['GET', '/admin/requests', undefined],
      ]
      for (const [method, path, payload] of attempts) {
        const res = await m.admin(method, path, payload, clientKey)
        expect(res.status, `${method} ${path}`).toBe(403)
        expect(await res.json()).toEqual({ error: { message: 'This endpoint needs the admin key.', type: 'permission_error', param: null, code: 'admin_required' } })
      }
      const after = await (await m.admin('GET', `/admin/keys/${id}`)).json() as Record<string, unknown>
      expect(after).toMatchObject({ models: ['openai/gpt-4.1-nano'], rpm: 1, revoked_at: null })
    })

    it('PATCH cannot set anything outside the key\'s fields (id, hash, revocation, creation time)', async () => {
      const { body } = await create({ name: 'k' })
      for (const field of ['id', 'key', 'key_hash', 'revoked_at', 'created_at', 'prefix']) {
        const res = await m.admin('PATCH', `/admin/keys/${body.id as string}`, { [field]: 'x' })
        expect(res.status).toBe(400)
        expect(((await res.json()) as { error: { param: string } }).error.param).toBe(field)
      }
    })

    it('a key limited to some models cannot call others', async () => {
      const { body } = await create({ name: 'k', models: ['openai/gpt-4o*'] })
      const res = await m.chat(body.key as string)
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('model_not_allowed')
    })
  })
})
