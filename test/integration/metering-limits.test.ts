import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { fixtureJson } from '../support/fixtures.js'
import { rateLimitHeaders, startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'

describe('rate limits per key', () => {
  let m: MeteredGateway
  beforeEach(async () => {
    m = await startMeteredGateway()
  })
  afterEach(async () => {
    await m.close()
  })

  async function keyWith(body: Record<string, unknown>): Promise<string> {
    const res = await m.admin('POST', '/admin/keys', { name: 'limited', ...body })
    expect(res.status).toBe(201)
    return ((await res.json()) as { key: string }).key
  }

  it('rpm: OpenAI\'s headers on every response, 429 with Retry-After when over, refilled as time passes', async () => {
    const key = await keyWith({ rpm: 2 })
    const first = await m.chat(key)
    expect(first.status).toBe(200)
    expect(rateLimitHeaders(first)).toEqual({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1', 'x-ratelimit-reset-requests': '30s' })
    const second = await m.chat(key)
    expect(rateLimitHeaders(second)).toEqual({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1m0s' })

    const third = await m.chat(key)
    expect(third.status).toBe(429)
    expect(rateLimitHeaders(third)).toEqual({
      'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1m0s', 'retry-after': '30',
    })
    expect(await third.json()).toEqual({
      error: { message: 'Rate limit reached on requests per minute (RPM): limit 2. Please try again in 30s.', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
    })
    expect(m.upstream.requests).toHaveLength(2)

    m.clock.advance(30_000)
    const fourth = await m.chat(key)
    expect(fourth.status).toBe(200)
    expect(rateLimitHeaders(fourth)).toEqual({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1m0s' })
  })

  it('tpm: reserves the prompt estimate plus max tokens, settles with the real usage', async () => {
    const key = await keyWith({ tpm: 1000 })
    // 'user' + 400 characters = 404 characters → 101 tokens, plus max_tokens 100: 201 reserved.
    const body = { messages: [{ role: 'user', content: 'x'.repeat(400) }], max_tokens: 100 }
    const first = await m.chat(key, body)
    expect(first.status).toBe(200)
    expect(rateLimitHeaders(first)).toEqual({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '799', 'x-ratelimit-reset-tokens': '12.06s' })
    // The call used 16 + 363 = 379 tokens: 178 more than reserved, charged when it ended (1000 - 379 - 201 = 420).
    const second = await m.chat(key, body)
    expect(rateLimitHeaders(second)).toEqual({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '420', 'x-ratelimit-reset-tokens': '34.8s' })
    // 420 - 178 = 242 before the third call, 41 once it has reserved, 41 - 178 = -137 once it has ended.
    expect((await m.chat(key, body)).status).toBe(200)
    const refused = await m.chat(key, body)
    expect(refused.status).toBe(429)
    // 201 wanted, -137 held: 338 tokens short at 1000 a minute is 20.28 s; full again in 1137 tokens' time.
    expect(rateLimitHeaders(refused)).toEqual({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '1m8.22s', 'retry-after': '21' })
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limit_exceeded')
  })

  it('tpm: a call that could never fit is refused as too large', async () => {
    const key = await keyWith({ tpm: 1000 })
    const res = await m.chat(key, { max_tokens: 5000 })
    expect(res.status).toBe(429)
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe(
      'Request too large: it may use 5002 tokens (prompt estimate plus max tokens) and this key\'s limit is 1000 tokens per minute. Lower max_tokens or the prompt.')
    expect(m.upstream.requests).toHaveLength(0)
  })

  it('max_parallel: a call over the limit while another is in flight gets 429', async () => {
    const key = await keyWith({ max_parallel: 1 })
    m.upstream.setHandler(() => ({ json: fixtureJson('openai/vercel-openai-text.json'), delayMs: 200 }))
    const slow = m.chat(key)
    while (m.upstream.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    const refused = await m.chat(key)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe('Too many parallel requests: this key may have 1 in flight at once.')
    expect((await slow).status).toBe(200)
    expect((await m.chat(key)).status).toBe(200)
  })

  it('a key without limits gets no rate-limit headers; the admin key is never limited', async () => {
    const key = await keyWith({})
    expect(rateLimitHeaders(await m.chat(key))).toEqual({})
    expect(rateLimitHeaders(await m.chat(m.gw.adminKey))).toEqual({})
  })

  it('a lowered limit (PATCH) applies to the next call', async () => {
    const created = await (await m.admin('POST', '/admin/keys', { name: 'k', rpm: 100 })).json() as { id: string; key: string }
    expect((await m.chat(created.key)).status).toBe(200)
    expect((await m.admin('PATCH', `/admin/keys/${created.id}`, { rpm: 1 })).status).toBe(200)
    const res = await m.chat(created.key)
    expect(res.status).toBe(429)
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('1')
  })
})
