import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { usage } from '../../src/store/schema.js'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'

// 379 tokens at $100 per million: $0.0379 a call, well past a $0.01 budget in one call.
const dearPrices = { prices: { 'openai/gpt-4.1-nano': { input_per_mtok: 100, output_per_mtok: 100 } } }
// Each call holds its worst case while in flight: 2 prompt tokens ("user", "hi") + 40 output at $100/M = $0.0042.
const capped = { max_tokens: 40 }

describe('budgets, enforced before each call', () => {
  let m: MeteredGateway
  beforeEach(async () => {
    m = await startMeteredGateway({ file: dearPrices })
  })
  afterEach(async () => {
    await m.close()
  })

  async function keyWith(body: Record<string, unknown>): Promise<{ id: string; key: string }> {
    const res = await m.admin('POST', '/admin/keys', { name: 'budgeted', ...body })
    expect(res.status).toBe(201)
    return await res.json() as { id: string; key: string }
  }

  it('refuses a $0.01 daily budget once spent, says when it resets, and serves again the next UTC day', async () => {
    const { id, key } = await keyWith({ budget_usd: 0.01, budget_period: 'daily' })
    expect((await m.chat(key, capped)).status).toBe(200)

    const refused = await m.chat(key, capped)
    expect(refused.status).toBe(429)
    expect(await refused.json()).toEqual({
      error: {
        message: 'This API key has used its daily budget of $0.01 (spent $0.04). The budget resets at 2026-07-25T00:00:00.000Z.',
        type: 'insufficient_quota', param: null, code: 'insufficient_quota',
      },
    })
    expect(m.upstream.requests).toHaveLength(1)

    const shown = await (await m.admin('GET', `/admin/keys/${id}`)).json() as { spend: unknown }
    expect(shown.spend).toEqual({
      period: 'daily', period_start: '2026-07-24T00:00:00.000Z', resets_at: '2026-07-25T00:00:00.000Z',
      spent_usd: 0.0379, remaining_usd: 0,
    })

    m.clock.set(Date.UTC(2026, 6, 25))
    expect((await m.chat(key, capped)).status).toBe(200)
    expect((await m.chat(key, capped)).status).toBe(429)
  })

  it('monthly and weekly periods reset on the calendar in UTC; total never does', async () => {
    const monthly = await keyWith({ budget_usd: 0.01, budget_period: 'monthly' })
    const weekly = await keyWith({ budget_usd: 0.01, budget_period: 'weekly' })
    const total = await keyWith({ budget_usd: 0.01, budget_period: 'total' })
    for (const k of [monthly, weekly, total]) expect((await m.chat(k.key, capped)).status).toBe(200)

    const weeklyRefusal = await (await m.chat(weekly.key, capped)).json() as { error: { message: string } }
    expect(weeklyRefusal.error.message).toContain('The budget resets at 2026-07-27T00:00:00.000Z.')
    const totalRefusal = await (await m.chat(total.key, capped)).json() as { error: { message: string } }
    expect(totalRefusal.error.message).toBe('This API key has used its total budget of $0.01 (spent $0.04). A total budget does not reset; raise it with PATCH /admin/keys/{id}.')

    m.clock.set(Date.UTC(2026, 6, 27)) // Monday
    expect((await m.chat(weekly.key, capped)).status).toBe(200)
    expect((await m.chat(monthly.key, capped)).status).toBe(429)
    m.clock.set(Date.UTC(2026, 7, 1))
    expect((await m.chat(monthly.key, capped)).status).toBe(200)
    expect((await m.chat(total.key, capped)).status).toBe(429)
  })

  it('counts spend the database already holds (another process, a restart) on first use', async () => {
    const { id, key } = await keyWith({ budget_usd: 0.01, budget_period: 'daily' })
    await m.gw.deps.store.db.insert(usage).values({
      requestId: 'req_earlier', createdAt: Date.UTC(2026, 6, 24, 1), keyId: id, provider: 'openai', model: 'openai/gpt-4.1-nano',
      status: 200, outcome: 'success', costPicoUsd: 10_000_000_000, latencyMs: 5,
    })
    // Yesterday's spend does not count today.
    await m.gw.deps.store.db.insert(usage).values({
      requestId: 'req_yesterday', createdAt: Date.UTC(2026, 6, 23, 23), keyId: id, provider: 'openai', model: 'openai/gpt-4.1-nano',
      status: 200, outcome: 'success', costPicoUsd: 99_000_000_000, latencyMs: 5,
    })
    const refused = await m.chat(key, capped)
    expect(refused.status).toBe(429)
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
      'This API key has used its daily budget of $0.01 (spent $0.01). The budget resets at 2026-07-25T00:00:00.000Z.')
  })

  it('picks up spend written by another process when it reconciles (every 30 s)', async () => {
    // $0.08: two calls of this process ($0.0758) fit; with the other process's $0.02 they do not.
    const { id, key } = await keyWith({ budget_usd: 0.08, budget_period: 'daily' })
    expect((await m.chat(key, capped)).status).toBe(200)
    await m.gw.deps.usage.flush()
    await m.gw.deps.store.db.insert(usage).values({
      requestId: 'req_elsewhere', createdAt: m.clock.now(), keyId: id, provider: 'openai', model: 'openai/gpt-4.1-nano',
      status: 200, outcome: 'success', costPicoUsd: 20_000_000_000, latencyMs: 5,
    })
    m.clock.advance(30_000)
    // This admission ($0.0379 known so far) starts the re-read; the next one sees its result.
    expect((await m.chat(key, capped)).status).toBe(200)
    await m.gw.deps.usage.flush()
    const res = await m.chat(key, capped)
    expect(res.status).toBe(429)
  })

  it('concurrent calls never overspend: each holds its worst case, and a call that does not fit is refused before upstream', async () => {
    const { key } = await keyWith({ budget_usd: 0.01, budget_period: 'daily' })
    m.upstream.setHandler(async () => ({ json: (await import('../support/fixtures.js')).fixtureJson('openai/vercel-openai-text.json'), delayMs: 50 }))
    const three = await Promise.all([m.chat(key, capped), m.chat(key, capped), m.chat(key, capped)])
    expect(three.map((r) => r.status)).toEqual([200, 200, 429])
    expect(m.upstream.requests).toHaveLength(2)
    expect(await three[2]!.json()).toEqual({ error: {
      message: 'This call may cost up to $0.0042 (prompt estimate plus max_tokens, or the model\'s output limit, for every choice) and this API key has $0.0016 left of its daily budget of $0.01 (spent $0.00, and $0.0084 is held by calls in flight). Lower max_tokens or n. The budget resets at 2026-07-25T00:00:00.000Z.',
      type: 'insufficient_quota', param: null, code: 'insufficient_quota',
    } })
  })

  it('a call without max_tokens holds the model\'s output limit (16,384 tokens when the price names none): $1.64 does not fit in $1', async () => {
    const { key } = await keyWith({ budget_usd: 1, budget_period: 'daily' })
    const res = await m.chat(key)
    expect(res.status).toBe(429)
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('This call may cost up to $1.64 ')
    expect(m.upstream.requests).toHaveLength(0)
    expect((await m.chat(key, { max_tokens: 9_000 })).status).toBe(200)
  })
})
